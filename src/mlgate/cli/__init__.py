"""The ``mlgate`` command line: a thin face over the library (see ``_app``)."""

from mlgate.cli import check, project, review  # noqa: F401 (registers the commands)
from mlgate.cli._app import cli, main, run

__all__ = ["cli", "main", "run"]
