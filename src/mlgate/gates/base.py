"""The interface every gate type implements, built-in or third-party.

A gate type is a class with a declared ``type`` string, a pydantic ``config_model``
(a subclass of :class:`GateConfig`), and ``run(config, ctx) -> list[CheckResult]``. It is
registered under the ``mlgate.gates`` entry point group with its type as the name::

    [project.entry-points."mlgate.gates"]
    row_count = "mlgate_rowcount:RowCountGate"

Gates never print, never exit and never render: they read inputs through ``ctx`` and
return check results, usually made by ``ctx.check(...)`` so thresholds are judged in one
place. Raise :class:`mlgate.errors.GateError` for anything the user must fix; the engine
turns it (and any other exception) into an ``error`` outcome for that gate only.
"""

from __future__ import annotations

import builtins
from typing import TYPE_CHECKING, Any, ClassVar, Literal, Protocol, runtime_checkable

from pydantic import BaseModel, ConfigDict, Field

from mlgate.errors import NodePath

if TYPE_CHECKING:
    from mlgate.context import RunContext
    from mlgate.report import CheckResult

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


@runtime_checkable
class Gate(Protocol):
    """What the engine needs from a gate type."""

    type: ClassVar[str]
    summary: ClassVar[str]
    config_model: ClassVar[builtins.type[GateConfig]]
    input_fields: ClassVar[tuple[str, ...]]

    def validate_config(self, config: Any) -> list[tuple[NodePath, str]]:
        """Semantic problems the config model cannot see, as (relative path, message)."""
        ...

    def run(self, config: Any, ctx: RunContext) -> list[CheckResult]:
        """Run the gate and return its checks."""
        ...


class BaseGate:
    """Convenience base class: no extra validation, no input references."""

    type: ClassVar[str]
    summary: ClassVar[str] = ""
    config_model: ClassVar[builtins.type[GateConfig]] = GateConfig
    input_fields: ClassVar[tuple[str, ...]] = ()

    def validate_config(self, config: Any) -> list[tuple[NodePath, str]]:
        """No semantic checks by default."""
        return []
