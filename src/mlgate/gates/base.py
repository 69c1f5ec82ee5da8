"""The interface every gate type implements, built-in or third-party.

A gate type is a class with a declared ``type`` string, a pydantic ``config_model``
(a subclass of :class:`GateConfig`), and ``run(config, ctx) -> list[CheckResult]``. It is
registered under the ``mlgate.gates`` entry point group with its type as the name::

    [project.entry-points."mlgate.gates"]
    row_count = "mlgate_rowcount:RowCountGate"

Gates never print, never exit and never render: they read inputs through ``ctx`` (the
:class:`RunContext` protocol below, which the engine implements) and return check results,
usually made by ``ctx.check(...)`` so thresholds are judged in one place. Raise
:class:`mlgate.errors.GateError` for anything the user must fix; the engine turns it (and
any other exception) into an ``error`` outcome for that gate only.

The documented protocol of a gate type:

* ``type`` (the registered name), ``summary`` (one line for ``mlgate list-gates``);
* ``config_model``: a :class:`GateConfig` subclass; its keys are the policy's gate block;
* ``input_fields``: names of config fields that name inputs (a string, a list, or a
  mapping of names); the policy loader checks each refers to a defined input;
* ``validate_config(config)``: semantic problems the model cannot see, as
  ``(relative key path, message)`` pairs, reported at their policy line;
* ``run(config, ctx)``: the checks;
* optional ``missing_dependency() -> str | None``: a hint shown by ``mlgate validate`` when
  a library the gate needs is not installed.

Gates import nothing above them (the engine, the CLI, reporters, review code): an
import-layer contract in ``make test`` enforces it.
"""

from __future__ import annotations

import builtins
import datetime as dt
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import (
    TYPE_CHECKING,
    Any,
    ClassVar,
    Generic,
    Literal,
    Protocol,
    TypeVar,
    runtime_checkable,
)

from pydantic import BaseModel, ConfigDict, Field

from mlgate.errors import NodePath

if TYPE_CHECKING:
    import pandas as pd

    from mlgate.backends import Table
    from mlgate.models import LoadedModel
    from mlgate.report import CheckResult, Location
    from mlgate.thresholds import Direction, Threshold

GATE_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"


class GateConfig(BaseModel):
    """Keys every gate accepts, whatever its type."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str | None = Field(default=None, pattern=GATE_ID_PATTERN, max_length=100)
    type: str
    enabled: bool = True
    description: str | None = None
    controls: list[str] = Field(default_factory=list)
    on_inconclusive: Literal["warn", "fail"] | None = None


ConfigT = TypeVar("ConfigT", bound=GateConfig)
ConfigT_contra = TypeVar("ConfigT_contra", bound=GateConfig, contravariant=True)


class RunContext(Protocol):
    """What a running gate may use: its inputs, its policy locations, the one judge."""

    @property
    def gate_id(self) -> str:
        """The id of the running gate."""
        ...

    @property
    def today(self) -> dt.date:
        """The run's date (``SOURCE_DATE_EPOCH`` when set): ages and expiry are judged on it."""
        ...

    def declared_sensitive(self, name: str) -> dict[str, list[str]]:
        """Columns of input ``name`` that gates of the policy declare as sensitive features
        (fairness), each with the ids of those gates."""
        ...

    def frame(self, name: str) -> pd.DataFrame:
        """Dataset input ``name`` (parsed once per run)."""
        ...

    def logged_metrics(self, name: str) -> tuple[str, dict[str, float]]:
        """(run id, metrics) logged on the MLflow run behind input ``name`` (``mlflow:``)."""
        ...

    def engine(self, name: str) -> str:
        """pandas, duckdb or spark: where dataset input ``name`` is computed. On duckdb and
        spark, ``table(name)`` computes sufficient statistics where the data is, and
        ``frame(name)`` is refused above the input's ``pandas_rows``."""
        ...

    def table(self, name: str) -> Table:
        """Dataset input ``name`` on its engine (see :mod:`mlgate.backends`)."""
        ...

    def note(self, what: str) -> None:
        """Say what the gate is doing now (a long scan: which column), for the progress line
        on a terminal; nothing is printed in a pipe."""
        ...

    def model(self, name: str) -> LoadedModel:
        """Model input ``name`` (safe formats only unless the policy opts in)."""
        ...

    def text(self, name: str) -> str:
        """Document input ``name`` as text."""
        ...

    def require_columns(self, name: str, frame: pd.DataFrame, columns: Iterable[str]) -> None:
        """Raise a GateError naming any column missing from input ``name``."""
        ...

    def input_names(self) -> list[str]:
        """The names of every input the policy defines."""
        ...

    def input_path(self, name: str) -> Path:
        """The resolved file path of input ``name``."""
        ...

    def input_format(self, name: str) -> str | None:
        """The declared or detected format of input ``name``."""
        ...

    def input_sha256(self, name: str) -> str | None:
        """sha256 of input ``name``'s file, or None when it does not exist."""
        ...

    def resolve(self, rel: NodePath, value: str) -> Path:
        """A path written in this gate's block, resolved relative to its policy file."""
        ...

    def location(self, rel: NodePath) -> Location:
        """Where ``rel`` (a path inside this gate's block) is written in the policy."""
        ...

    def assertion(
        self,
        name: str,
        ok: bool,
        message: str,
        rel: NodePath,
        *,
        severity: str = "error",
        evidence: dict[str, Any] | None = None,
        controls: Sequence[str] = (),
    ) -> CheckResult:
        """A yes/no check."""
        ...

    def check(
        self,
        name: str,
        value: float,
        threshold: Threshold,
        direction: Direction,
        rel: NodePath,
        *,
        interval: tuple[float, float] | None = None,
        evidence: dict[str, Any] | None = None,
        inconclusive: str | None = None,
        notes: Sequence[str] = (),
        undefined: str = "",
    ) -> CheckResult:
        """Judge ``value`` against ``threshold`` and build the check result."""
        ...


@runtime_checkable
class Gate(Protocol[ConfigT_contra]):
    """What the engine needs from a gate type (generic over its config model)."""

    type: ClassVar[str]
    summary: ClassVar[str]
    config_model: ClassVar[builtins.type[GateConfig]]
    input_fields: ClassVar[tuple[str, ...]]

    def validate_config(self, config: ConfigT_contra) -> list[tuple[NodePath, str]]:
        """Semantic problems the config model cannot see, as (relative path, message)."""
        ...

    def run(self, config: ConfigT_contra, ctx: RunContext) -> list[CheckResult]:
        """Run the gate and return its checks."""
        ...


class BaseGate(Generic[ConfigT]):
    """Convenience base class: no extra validation, no input references."""

    type: ClassVar[str]
    summary: ClassVar[str] = ""
    config_model: ClassVar[builtins.type[GateConfig]] = GateConfig
    input_fields: ClassVar[tuple[str, ...]] = ()

    def validate_config(self, config: ConfigT) -> list[tuple[NodePath, str]]:
        """No semantic checks by default."""
        return []
