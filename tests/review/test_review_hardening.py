"""The policy review cannot be bypassed, waivers say what they cover, one clock per run."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from conftest import Result

from mlgate.report import Report

Run = Callable[..., Result]

BASE = """version: 1
inputs:
  preds: {path: preds.csv}
  train: {path: train.csv}
gates:
  - id: no-pii
    type: pii
    data: train
    columns: [note, contact]
    exclude_columns: [id]
    max_rate: 0.0
  - id: quality
    type: performance
    data: preds
    task: binary
    label: y
    prediction: p
    slices: [region]
    min_samples: 30
    metrics:
      accuracy: {min: 0.7}
  - id: fair
    type: fairness
    data: preds
    label: y
    prediction: p
    sensitive_features: [sex, region, age]
    min_group_size: 30
    bins: {age: [0, 30, 60, 120]}
    metrics:
      demographic_parity_difference: {max: 0.2}
"""

# Each edit turns a failing gate into a passing one (or could): the review must flag it.
EDITS = {
    "pii allow-list matches everything": (
        "    max_rate: 0.0\n",
        "    max_rate: 0.0\n    allow: {patterns: ['.*']}\n",
    ),
    "exclude_columns grows": ("exclude_columns: [id]", "exclude_columns: [id, note]"),
    "columns shrink": ("columns: [note, contact]", "columns: [contact]"),
    "max_rate raised": ("max_rate: 0.0", "max_rate: 0.5"),
    "label points at the prediction": (
        "    label: y\n    prediction: p\n    slices",
        "    label: p\n    prediction: p\n    slices",
    ),
    "input path changed": ("train: {path: train.csv}", "train: {path: other.csv}"),
    "gate reads another input": ("    data: train\n", "    data: preds\n"),
    "sensitive feature dropped": (
        "sensitive_features: [sex, region, age]",
        "sensitive_features: [sex, age]",
    ),
    "slice dropped": ("slices: [region]", "slices: []"),
    "min_group_size raised": ("min_group_size: 30", "min_group_size: 500"),
    "min_samples raised": ("min_samples: 30", "min_samples: 5000"),
    "bins changed": ("bins: {age: [0, 30, 60, 120]}", "bins: {age: [0, 120]}"),
    "sample added": ("    max_rate: 0.0\n", "    max_rate: 0.0\n    sample: {rows: 10}\n"),
    "threshold loosened": ("accuracy: {min: 0.7}", "accuracy: {min: 0.5}"),
    "gate disabled": (
        "  - id: fair\n    type: fairness\n",
        "  - id: fair\n    type: fairness\n    enabled: false\n",
    ),
    "broad waiver": (
        "gates:\n",
        "waivers:\n  - {check: '*', reason: r, approved_by: me, expires: 2026-12-01}\ngates:\n",
    ),
    "unsafe loading allowed": (
        "train: {path: train.csv}",
        "train: {path: train.csv, allow_unsafe_load: true}",
    ),
    "on_inconclusive relaxed": ("on_inconclusive: fail", "on_inconclusive: warn"),
}


@pytest.mark.parametrize("edit", sorted(EDITS))
def test_every_edit_that_can_weaken_a_gate_is_flagged(
    cli: Run, write: Callable[..., Path], edit: str
) -> None:
    old, new = EDITS[edit]
    base_text = (
        BASE.replace("version: 1\n", "version: 1\non_inconclusive: fail\n")
        if "inconclusive" in edit
        else BASE
    )
    assert old in base_text, edit
    base = write("base.yaml", base_text)
    head = write("head.yaml", base_text.replace(old, new, 1))
    result = cli("diff", "--policy", base, head, "-f", "json")
    assert result.code == 0, result.err
    changes = json.loads(result.out)
    assert any(c["weakens"] for c in changes), (edit, changes)


def test_tightening_edits_are_not_flagged(cli: Run, write: Callable[..., Path]) -> None:
    base = write("base.yaml", BASE)
    head = write(
        "head.yaml",
        BASE.replace("exclude_columns: [id]", "exclude_columns: []")
        .replace("max_rate: 0.0", "max_rate: 0.0\n    entities: [email]")
        .replace("accuracy: {min: 0.7}", "accuracy: {min: 0.75}")
        .replace("slices: [region]", "slices: [region, sex]"),
    )
    changes = json.loads(cli("diff", "--policy", base, head, "-f", "json").out)
    flagged = {c["where"]: c["message"] for c in changes if c["weakens"]}
    # `entities` goes from "all" (default list) to [email]: that removes entities: flagged
    assert set(flagged) == {"no-pii/entities"}, flagged


def test_an_unclassified_change_is_listed_for_review(cli: Run, write: Callable[..., Path]) -> None:
    base = write("base.yaml", BASE)
    head = write("head.yaml", BASE.replace("task: binary", "task: binary\n    average: micro"))
    out = cli("diff", "--policy", base, head).out
    assert "WEAKENS  quality/average: `average`" in out
    assert "(changed, review)" in out


def _frame(n: int = 400) -> pd.DataFrame:
    import numpy as np

    rng = np.random.default_rng(3)
    y = rng.integers(0, 2, n)
    return pd.DataFrame(
        {
            "y": y,
            "p": np.where(rng.random(n) < 0.7, y, 1 - y),
            "sex": rng.choice(["F", "M"], n),
            "region": rng.choice(["north", "south"], n),
        }
    )


def _policy(write: Callable[..., Path], body: str, waivers: str = "") -> Path:
    return write(
        "mlgate.yaml",
        "version: 1\ninputs:\n  preds: {path: preds.csv}\ngates:\n"
        "  - id: fair\n    type: fairness\n    data: preds\n    label: y\n    prediction: p\n"
        "    sensitive_features: [sex]\n    metrics:\n"
        "      demographic_parity_difference: {max: 0.0001}\n"
        "  - id: quality\n    type: performance\n    data: preds\n    task: binary\n"
        "    label: y\n    prediction: p\n    slices: [region]\n    metrics:\n"
        "      accuracy: {min: 0.99}\n" + body + waivers,
    )


def _report(cli: Run, policy: Path, *args: str, env: dict[str, str] | None = None) -> Report:
    result = cli("check", policy, "-f", "json", "-q", *args)
    assert result.code in (0, 1), result.err
    return Report.model_validate_json(result.out)


def test_waiver_brackets_are_literal_and_glob_prefix_gives_classes(
    cli: Run, write: Callable[..., Path], tmp_path: Path
) -> None:
    _frame().to_csv(tmp_path / "preds.csv", index=False)
    waivers = (
        "waivers:\n"
        "  - {check: 'quality/accuracy[*]', reason: slices tracked, approved_by: me, expires: 2030-01-01}\n"
        "  - {check: 'glob:fair/demographic_parity_difference[[]s*]', reason: r, approved_by: me,"
        " expires: 2030-01-01}\n"
        "max_waiver_days: 3650\n"
    )
    report = _report(cli, _policy(write, "", waivers))
    outcomes = {c.id: c.outcome.value for c in report.checks()}
    assert outcomes["quality/accuracy[region]"] == "waived"
    assert outcomes["quality/accuracy"] == "fail"  # `[*]` is not a character class
    assert outcomes["fair/demographic_parity_difference[sex]"] == "waived"


def test_a_waiver_matching_several_gates_is_flagged(
    cli: Run, write: Callable[..., Path], tmp_path: Path
) -> None:
    _frame().to_csv(tmp_path / "preds.csv", index=False)
    waivers = (
        "waivers:\n  - {check: '*', reason: everything, approved_by: me, expires: 2030-01-01}\n"
        "max_waiver_days: 3650\n"
    )
    policy = _policy(write, "", waivers)
    report = _report(cli, policy)
    assert report.waivers[0].broad
    markdown = cli("check", policy, "-f", "markdown", "-q").out
    assert "matches checks of several gates" in markdown


def test_only_policy_changes_runs_just_the_review(
    cli: Run, write: Callable[..., Path], tmp_path: Path
) -> None:
    _frame().to_csv(tmp_path / "preds.csv", index=False)
    head = _policy(write, "")
    base = write("base.yaml", head.read_text().replace("{min: 0.99}", "{min: 0.999}"))
    report = _report(cli, head, "--base-policy", str(base), "--only", "policy-changes")
    ran = {g.id: g.outcome.value for g in report.gates}
    assert ran == {"fair": "skipped", "quality": "skipped", "policy-changes": "warn"}


def test_source_date_epoch_is_the_runs_today(
    cli: Run, write: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _frame().to_csv(tmp_path / "preds.csv", index=False)
    waivers = (
        "waivers:\n  - {check: quality/accuracy, reason: r, approved_by: me, expires: 2025-06-30}\n"
        "max_waiver_days: 3650\n"
    )
    policy = _policy(write, "", waivers)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1748736000")  # 2025-06-01: the waiver holds
    report = _report(cli, policy)
    assert report.created_at == "2025-06-01T00:00:00+00:00"
    assert next(c for c in report.checks() if c.id == "quality/accuracy").outcome.value == "waived"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1751328000")  # 2025-07-01: expired
    report = _report(cli, policy)
    assert report.waivers[0].status == "expired"


@pytest.mark.parametrize("epoch", ["99999999999999999999", "yesterday", "-5"])
def test_a_bad_source_date_epoch_is_a_usage_error(
    cli: Run,
    write: Callable[..., Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    epoch: str,
) -> None:
    _frame().to_csv(tmp_path / "preds.csv", index=False)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    result = cli("check", _policy(write, ""), "-q")
    assert result.code == 2
    assert "SOURCE_DATE_EPOCH" in result.err
    assert "Traceback" not in result.err


def test_the_step_outcome_is_always_a_documented_value(
    cli: Run, write: Callable[..., Path], tmp_path: Path
) -> None:
    import yaml
    from conftest import ROOT

    from mlgate.review.github import STEP_OUTCOMES

    action = yaml.safe_load((ROOT / "action.yml").read_text())
    described = action["outputs"]["outcome"]["description"]
    for value in STEP_OUTCOMES:
        assert f"{value} (" in described, value
    _frame().to_csv(tmp_path / "preds.csv", index=False)
    waivers = (
        "waivers:\n  - {check: '*', reason: r, approved_by: me, expires: 2030-01-01}\n"
        "max_waiver_days: 3650\n"
    )
    outputs = tmp_path / "out.txt"
    cli("check", _policy(write, "", waivers), "-q", "--github-output", outputs)
    text = outputs.read_text()
    assert "outcome<<" in text
    lines = text.splitlines()
    outcome = lines[lines.index(next(x for x in lines if x.startswith("outcome<<"))) + 1]
    waived = lines[lines.index(next(x for x in lines if x.startswith("waived<<"))) + 1]
    assert (outcome, waived) == ("pass", "3")
