"""Pre-merge review: report diffs and policy-change detection (files and git revisions)."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

from conftest import Result

from mlgate.report import Report

Run = Callable[..., Result]


def test_report_diff_lists_new_failures_fixes_and_deltas(cli: Run, example: Path) -> None:
    base = example / "base.json"
    head = example / "head.json"
    policy = example / "mlgate.yaml"
    cli("check", policy, "-o", base)
    text = policy.read_text().replace("accuracy: {min: 0.7}", "accuracy: {min: 0.99}")
    text = text.replace(
        "  - id: model-quality-live\n", "  - id: model-quality-live\n    enabled: false\n"
    )
    policy.write_text(text)
    cli("check", policy, "-o", head)
    data = json.loads(cli("diff", base, head, "-f", "json").out)
    assert {d["id"] for d in data["new_failures"]} == {
        "model-quality/accuracy",
        "model-quality/accuracy[region]",
        "model-quality/accuracy[age_band]",
    }
    assert "model-quality-live/accuracy" in data["removed_checks"]
    markdown = cli("diff", base, head, "-f", "markdown").out
    assert "**New failures (3):**" in markdown
    text_out = cli("diff", base, head).out
    assert "NEW FAILURE  model-quality/accuracy" in text_out


def test_metric_deltas_are_direction_aware(cli: Run, example: Path) -> None:
    base = example / "base.json"
    cli("check", example / "mlgate.yaml", "-o", base)
    report = Report.from_json(base.read_bytes())
    gates = []
    for gate in report.gates:
        checks = []
        for c in gate.checks:
            if c.id == "model-quality/roc_auc":
                c = c.model_copy(update={"observed": (c.observed or 0) - 0.05})
            if c.id == "model-quality/log_loss":
                c = c.model_copy(update={"observed": (c.observed or 0) - 0.05})
            checks.append(c)
        gates.append(gate.model_copy(update={"checks": tuple(checks)}))
    head = example / "head.json"
    head.write_text(report.model_copy(update={"gates": tuple(gates)}).to_json())
    changed = {d["id"]: d for d in json.loads(cli("diff", base, head, "-f", "json").out)["changed"]}
    assert changed["model-quality/roc_auc"]["change"] == "worse"
    assert changed["model-quality/log_loss"]["change"] == "better"
    assert changed["model-quality/accuracy"]["change"] == "same"


BASE_POLICY = """\
version: 1
max_waiver_days: 3650
inputs:
  preds: {path: preds.csv}
gates:
  - id: quality
    type: performance
    data: preds
    task: binary
    label: y
    prediction: p
    score: s
    metrics:
      accuracy: {min: 0.8}
      f1: {min: 0.7, severity: error}
      roc_auc: {min: 0.8, confidence: 0.95}
      log_loss: {max: 0.5}
  - id: extra
    type: row_count
    data: preds
    rows: {min: 10}
waivers:
  - {check: quality/f1, reason: r, approved_by: a, expires: 2027-01-01}
"""


def loosened(text: str) -> str:
    text = text.replace("accuracy: {min: 0.8}", "accuracy: {min: 0.7}")
    text = text.replace("f1: {min: 0.7, severity: error}", "f1: {min: 0.7, severity: warning}")
    text = text.replace("roc_auc: {min: 0.8, confidence: 0.95}", "roc_auc: {min: 0.8}")
    text = text.replace("log_loss: {max: 0.5}", "log_loss: {max: 0.4}")
    text = text.replace(
        "  - id: extra\n    type: row_count\n    data: preds\n    rows: {min: 10}\n", ""
    )
    text = text.replace("expires: 2027-01-01}", "expires: 2027-06-01}")
    return text + "  - {check: quality/accuracy, reason: r, approved_by: a, expires: 2027-01-01}\n"


def test_policy_diff_finds_every_loosening(cli: Run, tmp_path: Path) -> None:
    base = tmp_path / "base.yaml"
    head = tmp_path / "head.yaml"
    base.write_text(BASE_POLICY)
    head.write_text(loosened(BASE_POLICY))
    rows = json.loads(cli("diff", "--policy", base, head, "-f", "json").out)
    weakening = {(r["where"], r["message"]) for r in rows if r["weakens"]}
    assert ("quality/metrics.accuracy", "`min` 0.8 → 0.7") in weakening
    assert ("quality/metrics.f1", "`severity` error → warning") in weakening
    assert ("quality/metrics.roc_auc", "`confidence` 0.95 → None") in weakening
    assert ("extra", "gate `extra` removed") in weakening
    assert ("quality/f1", "waiver for `quality/f1` extended 2027-01-01 → 2027-06-01") in weakening
    assert ("quality/accuracy", "waiver added for `quality/accuracy` until 2027-01-01") in weakening
    tightened = [r for r in rows if not r["weakens"]]
    assert [(r["where"], r["message"]) for r in tightened] == [
        ("quality/metrics.log_loss", "`max` 0.5 → 0.4")
    ]


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def repo_with_history(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.email", "t@example.com")
    git(repo, "config", "user.name", "t")
    (repo / "mlgate.yaml").write_text(BASE_POLICY)
    rng_rows = "\n".join(f"{i % 2},{i % 2},{0.9 if i % 2 else 0.1}" for i in range(100))
    (repo / "preds.csv").write_text("y,p,s\n" + rng_rows + "\n")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "base")
    (repo / "mlgate.yaml").write_text(loosened(BASE_POLICY))
    return repo


def test_check_with_base_ref_reports_policy_changes(
    cli: Run, tmp_path: Path, monkeypatch: object
) -> None:
    repo = repo_with_history(tmp_path)
    result = cli("check", repo / "mlgate.yaml", "--base-ref", "main", "-f", "json")
    report = Report.model_validate_json(result.out)
    review = next(g for g in report.gates if g.id == "policy-changes")
    assert review.outcome.value == "warn"
    accuracy = next(c for c in review.checks if c.name == "quality/metrics.accuracy")
    assert accuracy.outcome.value == "warn"
    assert accuracy.location is not None
    assert accuracy.location.line == 14
    assert result.code == 0


def test_policy_changes_fail_makes_a_loosening_fail_the_run(cli: Run, tmp_path: Path) -> None:
    repo = repo_with_history(tmp_path)
    policy = repo / "mlgate.yaml"
    policy.write_text(
        policy.read_text().replace("version: 1\n", "version: 1\npolicy_changes: fail\n")
    )
    result = cli("check", policy, "--base-ref", "main", "-f", "json")
    report = Report.model_validate_json(result.out)
    assert next(g for g in report.gates if g.id == "policy-changes").outcome.value == "fail"
    assert result.code == 1
    text = cli("diff", "--base-ref", "main", policy).out
    assert "WEAKENS  quality/metrics.accuracy: `min` 0.8 → 0.7" in text


def test_unknown_base_ref_is_a_usage_error(cli: Run, tmp_path: Path) -> None:
    repo = repo_with_history(tmp_path)
    result = cli("check", repo / "mlgate.yaml", "--base-ref", "no-such-branch")
    assert result.code == 2
    assert "cannot find the revision `no-such-branch`" in result.err


def test_policy_new_at_base_has_no_weakening(cli: Run, tmp_path: Path) -> None:
    repo = repo_with_history(tmp_path)
    (repo / "new.yaml").write_text(BASE_POLICY)
    result = cli("check", repo / "new.yaml", "--base-ref", "main", "-f", "json")
    review = next(
        g for g in Report.model_validate_json(result.out).gates if g.id == "policy-changes"
    )
    assert review.checks == ()
    assert "the policy is new there" in review.message
