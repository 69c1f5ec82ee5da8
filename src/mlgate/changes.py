"""Plain data of what changed: between two reports, and between two policies.

``review.diff`` computes these; ``reporters.diff`` renders them. Like the report, they hold
results only.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from mlgate.errors import NodePath
from mlgate.report import CheckResult


@dataclass
class CheckDelta:
    """One check as it was in the base report and is in the head report."""

    id: str
    base: CheckResult | None
    head: CheckResult | None

    @property
    def delta(self) -> float | None:
        """head - base of the observed value, when both exist."""
        if self.base is None or self.head is None:
            return None
        if self.base.observed is None or self.head.observed is None:
            return None
        return self.head.observed - self.base.observed

    @property
    def change(self) -> str:
        """``better``, ``worse`` or ``same``, by the metric's direction."""
        delta = self.delta
        check = self.head or self.base
        direction = check.direction if check is not None else None
        if delta is None or direction is None or abs(delta) < 1e-12:
            return "same"
        better = delta > 0 if direction == "higher" else delta < 0
        return "better" if better else "worse"


@dataclass
class ReportDiff:
    """Everything that changed between two reports."""

    new_failures: list[CheckDelta] = field(default_factory=list)
    fixed: list[CheckDelta] = field(default_factory=list)
    changed: list[CheckDelta] = field(default_factory=list)
    added_gates: list[str] = field(default_factory=list)
    removed_gates: list[str] = field(default_factory=list)
    added_checks: list[str] = field(default_factory=list)
    removed_checks: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class PolicyChange:
    """One change to a policy that makes it easier to pass (or that a reviewer must see)."""

    kind: str  # loosened | tightened | added | removed | disabled | waiver | review
    where: str  # gate id / key path
    message: str
    path: NodePath  # in the head policy (or the base one for removals)
    weakens: bool
