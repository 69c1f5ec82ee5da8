"""pytest plug-in: ``pytest --mlgate mlgate.yaml`` runs the policy's checks as test items.

Teams that already gate merges on pytest get mlgate's verdicts in the same run and the
same reports: each check is one item named by its check id, failing with the observed
value, the threshold and the policy line. Warnings pass unless
``--mlgate-fail-on warning``, but are never invisible: each warned check reports the
status ``WARNED`` (``W``) and emits an :class:`MlgateCheckWarning` that pytest lists in its
warnings summary. Waived checks pass with the status ``WAIVED (reason)`` (``w``); skipped
checks are skipped. Both statuses are counted in pytest's final line ("2 waived").
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from mlgate.report import CheckResult, GateResult


class CheckFailedError(Exception):
    """A check that failed; its message is the whole explanation."""


class MlgateCheckWarning(UserWarning):
    """A check ended in ``warn``: it passes, and pytest's warnings summary shows it."""


STATUS = "mlgate_status"


@pytest.hookimpl(tryfirst=True)
def pytest_report_teststatus(report: pytest.TestReport, config: pytest.Config) -> Any:
    """``WAIVED``/``WARNED`` instead of a plain ``PASSED`` for waived and warned checks."""
    if report.when != "call" or not report.passed:
        return None
    status = dict(report.user_properties).get(STATUS)
    if status == "waived":
        reason = dict(report.user_properties).get("mlgate_waiver", "")
        return "waived", "w", f"WAIVED ({reason})" if reason else "WAIVED"
    if status == "warn":
        return "warned", "W", "WARNED"
    return None


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("mlgate", "mlgate quality gates")
    group.addoption(
        "--mlgate",
        action="append",
        default=[],
        metavar="POLICY",
        help="run the gates of an mlgate policy as test items (repeatable)",
    )
    group.addoption(
        "--mlgate-fail-on",
        choices=["error", "warning"],
        default="error",
        help="lowest mlgate outcome that fails its item (default: error)",
    )


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(
    session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
) -> None:
    for policy in config.getoption("mlgate"):
        collector = PolicyFile.from_parent(session, path=Path(policy).resolve())
        items.extend(collector.collect())


class PolicyFile(pytest.File):
    """An mlgate policy: running it yields one item per check."""

    def collect(self) -> Iterator[pytest.Item]:
        from mlgate import provenance as prov
        from mlgate.engine import RunOptions, run_policy
        from mlgate.errors import MlgateError
        from mlgate.policy import load_policy
        from mlgate.policy.required import check_required

        fail_on = str(self.config.getoption("mlgate_fail_on"))
        try:
            # the same provenance as `mlgate check`: one clock, the commit, the libraries
            moment = prov.run_clock()
            options = RunOptions(
                fail_on=fail_on,
                today=moment.date(),
                created_at=prov.timestamp(moment),
                git_commit=prov.git_commit(self.path.parent),
                provenance=prov.provenance(),
            )
            loaded = load_policy(self.path, today=moment.date())
            check_required(loaded)
            report, _ = run_policy(loaded, options)
        except MlgateError as exc:
            yield PolicyError.from_parent(self, name="policy", message=str(exc))
            return
        for gate in report.gates:
            if not gate.checks:
                yield GateItem.from_parent(self, name=gate.id, gate=gate)
            for check in gate.checks:
                yield CheckItem.from_parent(self, name=check.id, check=check, fail_on=fail_on)


class _Item(pytest.Item):
    line: int = 0

    def repr_failure(self, excinfo: Any, style: Any = None) -> str:
        if isinstance(excinfo.value, CheckFailedError):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, max(self.line - 1, 0), f"mlgate: {self.name}"


class PolicyError(_Item):
    """The policy did not load: one failing item that says why."""

    def __init__(self, *, message: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.message = message

    def runtest(self) -> None:
        raise CheckFailedError(self.message)


class GateItem(_Item):
    """A gate with no checks: it errored or was skipped."""

    def __init__(self, *, gate: GateResult, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.gate = gate
        self.line = gate.location.line if gate.location else 0

    def runtest(self) -> None:
        if self.gate.outcome.value == "error":
            raise CheckFailedError(f"gate {self.gate.id} could not run: {self.gate.message}")
        if self.gate.outcome.value == "skipped":
            pytest.skip(self.gate.message or "skipped")


class CheckItem(_Item):
    """One mlgate check."""

    def __init__(self, *, check: CheckResult, fail_on: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.check = check
        self.fail_on = fail_on
        self.line = check.location.line if check.location else 0

    def runtest(self) -> None:
        from mlgate.reporters.common import observed, where

        check = self.check
        outcome = check.outcome.value
        failing = outcome in ("fail", "error") or (outcome == "warn" and self.fail_on == "warning")
        if failing:
            raise CheckFailedError(
                f"{check.id} {outcome}: observed {observed(check)}, threshold "
                f"{check.threshold_text or '-'} ({where(check.location)})"
                + (f"\n{check.message}" if check.message else "")
            )
        if outcome == "skipped":
            pytest.skip(check.message or "; ".join(check.notes) or "skipped")
        if outcome == "waived":
            self.user_properties += [(STATUS, "waived"), ("mlgate_waiver", check.waiver or "")]
        if outcome == "warn":
            import warnings

            self.user_properties.append((STATUS, "warn"))
            text = f"{check.id}: observed {observed(check)}, threshold {check.threshold_text}"
            text += f" ({where(check.location)})" + (f": {check.message}" if check.message else "")
            warnings.warn(MlgateCheckWarning(text), stacklevel=1)
