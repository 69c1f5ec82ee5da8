"""What a running gate sees: its inputs, the baseline, and the one way to make a check."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mlgate.errors import GateError, NodePath, did_you_mean
from mlgate.report import CheckResult, Location, Outcome, Report, worst
from mlgate.thresholds import Direction, Threshold, judge, violation_outcome

if TYPE_CHECKING:
    import pandas as pd

    from mlgate.backends import Table
    from mlgate.inputs import InputStore
    from mlgate.models import LoadedModel
    from mlgate.policy import GateSpec, Policy


class RunContext:
    """Per-gate view of a run. Gates read inputs and make checks only through this."""

    def __init__(
        self,
        policy: Policy,
        spec: GateSpec,
        store: InputStore,
        baseline: Report | None,
        baseline_missing: str,
        today: dt.date | None = None,
    ) -> None:
        self.policy = policy
        self.spec = spec
        self.store = store
        self.baseline = baseline
        self.baseline_missing = baseline_missing
        self._baseline_values = _observed_by_id(baseline)
        self._today = today or dt.date.today()

    @property
    def gate_id(self) -> str:
        """The id of the running gate."""
        return self.spec.id

    @property
    def today(self) -> dt.date:
        """The run's date (``SOURCE_DATE_EPOCH`` when set): ages and expiry are judged on it."""
        return self._today

    def declared_sensitive(self, name: str) -> dict[str, list[str]]:
        """Columns of input ``name`` that gates of the policy declare as sensitive features
        (fairness), each with the ids of those gates."""
        out: dict[str, list[str]] = {}
        for spec in self.policy.gates:
            config = spec.config
            if getattr(config, "data", None) != name:
                continue
            for column in getattr(config, "sensitive_features", None) or ():
                out.setdefault(str(column), []).append(spec.id)
        return out

    @property
    def on_inconclusive(self) -> str:
        """``warn`` or ``fail``: what too little evidence means for this gate."""
        return self.spec.config.on_inconclusive or self.policy.doc.on_inconclusive

    def frame(self, name: str) -> pd.DataFrame:
        """Dataset input ``name`` (parsed once per run, shared by all gates)."""
        return self.store.frame(name)

    def engine(self, name: str) -> str:
        """pandas, duckdb or spark: where dataset input ``name`` is computed."""
        return self.store.engine(name)

    def table(self, name: str) -> Table:
        """Dataset input ``name`` on its engine (DuckDB or Spark), for sufficient statistics."""
        return self.store.table(name)

    def note(self, what: str) -> None:
        """Say what the gate is doing now, for the progress line on a terminal (nothing is
        printed in a pipe or with ``--quiet``)."""
        if self.store.progress is not None:
            self.store.progress(what)

    def model(self, name: str) -> LoadedModel:
        """Model input ``name`` (safe formats only unless the policy opts in)."""
        return self.store.model(name)

    def require_columns(self, name: str, frame: pd.DataFrame, columns: Iterable[str]) -> None:
        """Raise a clear :class:`GateError` naming any column missing from input ``name``."""
        have = [str(c) for c in frame.columns]
        for col in columns:
            if col not in frame.columns:
                hint = did_you_mean(col, have)
                raise GateError(f"input `{name}` has no column `{col}`{hint}")

    def text(self, name: str) -> str:
        """Document input ``name`` as text."""
        return self.store.text(name)

    def input_names(self) -> list[str]:
        """The names of every input the policy defines."""
        return list(self.store.specs)

    def input_path(self, name: str) -> Path:
        """The resolved file path of input ``name`` (it may not exist)."""
        return self.store.path(name)

    def input_format(self, name: str) -> str | None:
        """The declared or detected format of input ``name``, or None."""
        return self.store.detected_format(name)

    def logged_metrics(self, name: str) -> tuple[str, dict[str, float]]:
        """(run id, metrics logged on it) for the MLflow run behind input ``name``."""
        return self.store.logged_metrics(name)

    def input_sha256(self, name: str) -> str | None:
        """sha256 of input ``name``'s file (computed once), or None when it does not exist."""
        return self.store.sha256(name)

    def resolve(self, rel: NodePath, value: str) -> Path:
        """A path written in this gate's block, resolved relative to its policy file."""
        return self.policy.resolve((*self.spec.path, *rel), value)

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
        """A yes/no check (a document section exists, a hash matches, ...)."""
        failed = violation_outcome(severity)
        return CheckResult(
            id=f"{self.gate_id}/{name}",
            name=name,
            outcome=Outcome.PASS if ok else failed,
            severity=severity,
            message="" if ok else message,
            violated=not ok,
            location=self.location(rel),
            controls=tuple(dict.fromkeys([*self.spec.config.controls, *controls])),
            evidence=evidence or {},
        )

    def location(self, rel: NodePath) -> Location:
        """Where ``rel`` (a path inside this gate's block) is written in the policy."""
        loc = self.policy.loc((*self.spec.path, *rel))
        return Location(file=loc.file, line=loc.line, origin=loc.origin or None)

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
        check_id = f"{self.gate_id}/{name}"
        common = {
            "id": check_id,
            "name": name,
            "severity": threshold.severity,
            "threshold": threshold.model_dump(
                exclude_none=True, exclude_defaults=True, exclude={"controls"}
            ),
            "threshold_text": threshold.describe(),
            "location": self.location(rel),
            "controls": tuple(dict.fromkeys([*self.spec.config.controls, *threshold.controls])),
            "evidence": evidence or {},
            "direction": direction.value,
        }
        if value is None or math.isnan(value):
            if inconclusive:  # nothing to judge: too little evidence, as the policy says
                flagged = Outcome.FAIL if self.on_inconclusive == "fail" else Outcome.WARN
                return CheckResult(
                    outcome=flagged,
                    message=f"inconclusive: {inconclusive}",
                    inconclusive=inconclusive,
                    notes=tuple(notes),
                    **common,
                )
            reason = undefined or "the value could not be computed"
            return CheckResult(outcome=Outcome.ERROR, message=reason, notes=tuple(notes), **common)
        base = self._baseline_values.get(check_id)
        missing = self.baseline_missing if self.baseline is None else "check not in the baseline"
        verdict = judge(value, threshold, direction, interval, base, missing)
        outcome = verdict.outcome
        message = verdict.message
        if inconclusive:
            flagged = Outcome.FAIL if self.on_inconclusive == "fail" else Outcome.WARN
            outcome = worst([outcome, flagged])
            message = f"inconclusive: {inconclusive}" + (f"; {message}" if message else "")
        return CheckResult(
            outcome=outcome,
            message=message,
            observed=float(value),
            interval=interval,
            baseline=base,
            violated=verdict.violated,
            inconclusive=inconclusive,
            notes=(*verdict.notes, *notes),
            **common,
        )


def _observed_by_id(report: Report | None) -> dict[str, float]:
    if report is None:
        return {}
    return {c.id: c.observed for c in report.checks() if c.observed is not None}
