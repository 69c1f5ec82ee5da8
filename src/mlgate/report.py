"""The report: plain data that every output format is rendered from.

A :class:`Report` round-trips through JSON (``Report.model_validate_json``) and carries a
``schema_version``. Nothing in it is computed at render time; reporters only format it.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from typing import Any, Literal, TypedDict

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = 1

Severity = Literal["error", "warning", "info"]
WaiverStatus = Literal["applied", "expired", "stale"]
ControlState = Literal["satisfied", "satisfied with warnings", "violated", "waived", "no evidence"]


class GroupRow(TypedDict, total=False):
    """One row of ``evidence["groups"]``: what fairness, sliced performance and PII gates
    write and the reporters read (more rate columns may follow, named by their metric)."""

    group: str  # the group's label (personal data masked)
    n: int  # rows in the group
    value: float | None  # the metric in the group
    judged: bool  # whether the group took part in the verdict (its denominator was enough)


class GroupEvidence(TypedDict, total=False):
    """The keys of a check's ``evidence`` that describe groups."""

    column: str  # the sensitive feature or slice column
    groups: list[GroupRow]
    worst_group: str
    count_label: str  # what ``n`` counts, when not rows


class Outcome(str, enum.Enum):
    """The verdict of a check, a gate or a whole run."""

    PASS = "pass"
    WARN = "warn"
    FAIL = "fail"
    ERROR = "error"
    WAIVED = "waived"
    SKIPPED = "skipped"

    @property
    def rank(self) -> int:
        """Badness order, used to pick the worst outcome."""
        return _RANK[self]

    @property
    def failing(self) -> bool:
        """Whether this outcome fails a run on its own."""
        return self in (Outcome.FAIL, Outcome.ERROR)


_RANK = {
    Outcome.SKIPPED: 0,
    Outcome.PASS: 1,
    Outcome.WAIVED: 2,
    Outcome.WARN: 3,
    Outcome.FAIL: 4,
    Outcome.ERROR: 5,
}


def worst(outcomes: Sequence[Outcome], default: Outcome = Outcome.PASS) -> Outcome:
    """The worst of ``outcomes`` (``default`` when empty)."""
    return max(outcomes, key=lambda o: o.rank) if outcomes else default


def gate_outcome(checks: Sequence[CheckResult]) -> Outcome:
    """The one rule for a gate's outcome from its checks: the worst outcome of the checks
    that ran; ``skipped`` when every check was skipped (or there are none)."""
    ran = [c.outcome for c in checks if c.outcome is not Outcome.SKIPPED]
    return worst(ran) if ran else Outcome.SKIPPED


class _Data(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Location(_Data):
    """A place in the policy: file (relative to the working directory) and line."""

    file: str
    line: int = 0
    origin: str | None = None  # set when a built-in pack wrote it: "builtin:NAME line N"


class CheckResult(_Data):
    """One verdict: an observed value held against a threshold."""

    id: str
    name: str
    outcome: Outcome
    severity: Severity = "error"
    message: str = ""
    observed: float | None = None
    threshold: dict[str, Any] = Field(default_factory=dict)
    threshold_text: str = ""
    interval: tuple[float, float] | None = None
    baseline: float | None = None
    direction: Literal["higher", "lower"] | None = None
    violated: bool = False
    inconclusive: str | None = None
    notes: tuple[str, ...] = ()
    location: Location | None = None
    controls: tuple[str, ...] = ()
    evidence: dict[str, Any] = Field(default_factory=dict)
    waiver: str | None = None


class GateResult(_Data):
    """The result of one gate: its checks, or the error that stopped it."""

    id: str
    type: str
    outcome: Outcome
    message: str = ""
    duration_s: float = 0.0
    location: Location | None = None
    controls: tuple[str, ...] = ()
    checks: tuple[CheckResult, ...] = ()


class InputRecord(_Data):
    """What was read: path, size and sha256 of one input, for the audit trail."""

    name: str
    path: str
    format: str
    size: int | None = None
    sha256: str | None = None
    rows: int | None = None
    columns: int | None = None
    error: str | None = None
    source: str | None = None  # an MLflow input as resolved: models:/credit/7 (run ...)
    flavor: str | None = None  # an MLflow model's flavour: onnx, sklearn (skops), ...
    unsafe_load: bool | None = None  # whether a code-running flavour was allowed to load
    files: int | None = None  # a set of files (a glob): how many
    window: str | None = None  # the time window its rows were selected by, and how many
    engine: str | None = None  # duckdb or spark when the gates computed on an engine


class PackRecord(_Data):
    """A file the policy extends (a built-in, local or remote pack), as it was read."""

    ref: str  # builtin:NAME, git+REPO//PATH@COMMIT, https://...#sha256=..., or a file path
    kind: Literal["builtin", "git", "https", "file"]
    sha256: str
    version: str | None = None  # the pack's `pack_version:`
    pinned: bool = True  # False: a remote reference allowed by `allow_unpinned: true`


class WaiverRecord(_Data):
    """A waiver from the policy and what became of it in this run."""

    check: str
    reason: str
    approved_by: str
    expires: str
    ticket: str | None = None
    status: WaiverStatus
    matched: tuple[str, ...] = ()
    broad: bool = False  # it matched checks of more than one gate: a reviewer should look


class ControlStatus(_Data):
    """One row of the compliance matrix."""

    control: str
    title: str = ""
    clause: str = ""
    source: str = ""
    status: ControlState
    evidence: tuple[str, ...] = ()
    required: bool = False


class Provenance(_Data):
    """Where and with what a run happened, for the audit trail."""

    ci_run_url: str | None = None
    python: str = ""
    libraries: dict[str, str] = Field(default_factory=dict)


class Report(_Data):
    """The machine-readable result of one ``mlgate check`` run."""

    schema_version: int = SCHEMA_VERSION
    tool: str = "mlgate"
    tool_version: str = ""
    created_at: str | None = None
    policy: str = ""
    policy_name: str | None = None
    policy_sha256: str = ""
    packs: tuple[PackRecord, ...] = ()
    git_commit: str | None = None
    outcome: Outcome = Outcome.PASS
    fail_on: Literal["error", "warning"] = "error"
    duration_s: float = 0.0
    inputs: tuple[InputRecord, ...] = ()
    gates: tuple[GateResult, ...] = ()
    waivers: tuple[WaiverRecord, ...] = ()
    compliance: tuple[ControlStatus, ...] = ()
    baseline: str | None = None
    baseline_missing: str | None = None  # why no baseline was used, e.g. "... not found"
    provenance: Provenance | None = None

    def checks(self) -> list[CheckResult]:
        """Every check of every gate, in report order."""
        return [c for g in self.gates for c in g.checks]

    def counts(self) -> dict[str, int]:
        """How many checks (and check-less errored gates) ended in each outcome."""
        out = {o.value: 0 for o in Outcome}
        for gate in self.gates:
            if not gate.checks:
                out[gate.outcome.value] += 1
            for check in gate.checks:
                out[check.outcome.value] += 1
        return out

    def failed(self) -> bool:
        """Whether the run fails under its ``fail_on`` setting."""
        if self.outcome.failing:
            return True
        return self.fail_on == "warning" and self.outcome is Outcome.WARN

    def to_json(self) -> str:
        """The report as indented JSON text."""
        return self.model_dump_json(indent=2) + "\n"

    @classmethod
    def from_json(cls, text: str | bytes) -> Report:
        """Read a report written by :meth:`to_json`."""
        return cls.model_validate_json(text)
