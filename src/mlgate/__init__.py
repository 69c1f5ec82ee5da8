"""mlgate: quality gates and compliance checks for machine-learning projects.

Importing this package is cheap on purpose: nothing heavy (numpy, pandas, scikit-learn,
Great Expectations, ...) is imported until a gate that needs it runs.
"""

from __future__ import annotations

from mlgate._version import __version__

__all__ = ["__version__"]
