"""Row-count gate: a dataset input must have a number of rows within limits.

Policy example::

    - type: row_count
      data: train
      rows: {min: 1000, max: 10000000}

An example of a third-party mlgate gate: a config model, input references, and checks
judged by mlgate's shared thresholds.
"""

from __future__ import annotations

import builtins
from typing import ClassVar, Literal

from mlgate.gates.base import BaseGate, GateConfig, RunContext
from mlgate.report import CheckResult
from mlgate.thresholds import Direction, Threshold


class RowCountConfig(GateConfig):
    """Keys of a ``type: row_count`` gate."""

    type: Literal["row_count"]
    data: str
    rows: Threshold


class RowCountGate(BaseGate[RowCountConfig]):
    """The number of rows of a dataset, against a threshold."""

    type: ClassVar[str] = "row_count"
    summary: ClassVar[str] = "number of rows of a dataset (example plug-in)"
    config_model: ClassVar[builtins.type[GateConfig]] = RowCountConfig
    input_fields: ClassVar[tuple[str, ...]] = ("data",)

    def run(self, config: RowCountConfig, ctx: RunContext) -> list[CheckResult]:
        """One check: the row count."""
        rows = len(ctx.frame(config.data))
        return [ctx.check("rows", rows, config.rows, Direction.HIGHER, ("rows",))]
