"""Rules with one home each, tested for the mutations that once survived the suite."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import Result

from mlgate.report import CheckResult, Outcome, Report, gate_outcome
from mlgate.thresholds import violation_outcome

Run = Callable[..., Result]


@pytest.mark.parametrize(
    ("severity", "outcome"),
    [("error", Outcome.FAIL), ("warning", Outcome.WARN), ("info", Outcome.PASS)],
)
def test_what_a_violated_check_becomes(severity: str, outcome: Outcome) -> None:
    assert violation_outcome(severity) is outcome


@pytest.mark.parametrize(
    ("outcomes", "expected"),
    [
        ([], Outcome.SKIPPED),
        ([Outcome.SKIPPED, Outcome.SKIPPED], Outcome.SKIPPED),
        ([Outcome.SKIPPED, Outcome.PASS], Outcome.PASS),
        ([Outcome.PASS, Outcome.WAIVED], Outcome.WAIVED),
        ([Outcome.WAIVED, Outcome.WARN, Outcome.SKIPPED], Outcome.WARN),
        ([Outcome.WARN, Outcome.FAIL], Outcome.FAIL),
        ([Outcome.FAIL, Outcome.ERROR], Outcome.ERROR),
    ],
)
def test_a_gates_outcome_from_its_checks(outcomes: list[Outcome], expected: Outcome) -> None:
    checks = [CheckResult(id=f"g/c{i}", name=f"c{i}", outcome=o) for i, o in enumerate(outcomes)]
    assert gate_outcome(checks) is expected


def _policy(write: Callable[..., Path], tmp_path: Path, extra: str) -> Path:
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 300)
    pd.DataFrame({"y": y, "p": np.where(rng.random(300) < 0.7, y, 1 - y)}).to_csv(
        tmp_path / "preds.csv", index=False
    )
    (tmp_path / "card.md").write_text("# Card\n\n## Intended use\n\nScoring.\n")
    return write(
        "mlgate.yaml",
        "version: 1\ninputs:\n  preds: {path: preds.csv}\n  card: {path: card.md}\ngates:\n"
        "  - id: q\n    type: performance\n    data: preds\n    task: binary\n    label: y\n"
        "    prediction: p\n    metrics:\n      accuracy: {min: 0.99, severity: info}\n"
        "  - id: docs\n    type: governance\n    model_card: card\n    severity: info\n"
        "    sections: [limitations]\n" + extra,
    )


def test_an_info_check_is_recorded_never_warned(
    cli: Run, write: Callable[..., Path], tmp_path: Path
) -> None:
    result = cli("check", _policy(write, tmp_path, ""), "-q", "-f", "json", "--fail-on", "warning")
    assert result.code == 0, result.out
    report = Report.model_validate_json(result.out)
    checks = {c.id: c for c in report.checks()}
    for cid in ("q/accuracy", "docs/model_card/section:limitations"):
        assert checks[cid].outcome is Outcome.PASS, cid
        assert checks[cid].violated, cid


def test_a_waiver_holds_through_its_expiry_day(
    cli: Run, write: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    waiver = "waivers:\n  - {check: q/accuracy, reason: r, approved_by: me, expires: 2026-06-30}\n"
    policy = _policy(write, tmp_path, waiver.replace("severity: info", ""))
    policy.write_text(policy.read_text().replace("{min: 0.99, severity: info}", "{min: 0.99}"))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1782777600")  # 2026-06-30, the expiry day
    report = Report.model_validate_json(cli("check", policy, "-q", "-f", "json").out)
    assert report.waivers[0].status == "applied"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1782864000")  # 2026-07-01
    report = Report.model_validate_json(cli("check", policy, "-q", "-f", "json").out)
    assert report.waivers[0].status == "expired"
