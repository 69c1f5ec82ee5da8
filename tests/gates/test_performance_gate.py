"""The performance gate on real files through the CLI: tasks, slices, evidence, bad input."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import Result
from sklearn import metrics as skm

from mlgate.report import CheckResult, Report

Run = Callable[..., Result]


def run_gate(cli: Run, tmp_path: Path, frame: pd.DataFrame, gate: str) -> tuple[int, Report]:
    frame.to_csv(tmp_path / "preds.csv", index=False)
    policy = tmp_path / "mlgate.yaml"
    policy.write_text("version: 1\ninputs:\n  preds: {path: preds.csv}\ngates:\n" + gate)
    result = cli("check", policy, "-f", "json")
    assert result.err == "" or "error" not in result.err, result.err
    return result.code, Report.model_validate_json(result.out)


def by_name(report: Report) -> dict[str, CheckResult]:
    return {c.name: c for c in report.checks()}


def binary_frame(n: int = 1200, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    score = np.clip(0.3 * y + 0.7 * rng.random(n), 0, 1)
    region = rng.choice(["north", "south", "tiny"], n, p=[0.5, 0.48, 0.02])
    return pd.DataFrame({"y": y, "p": (score > 0.5).astype(int), "s": score, "region": region})


BINARY_GATE = """\
  - id: q
    type: performance
    data: preds
    task: binary
    label: y
    prediction: p
    score: s
    slices: [region]
    metrics:
      accuracy: {min: 0.5}
      roc_auc: {min: 0.5, confidence: 0.9}
"""


def test_slices_judge_the_worst_eligible_group(cli: Run, tmp_path: Path) -> None:
    frame = binary_frame()
    code, report = run_gate(cli, tmp_path, frame, BINARY_GATE)
    checks = by_name(report)
    sliced = checks["accuracy[region]"]
    groups = {g["group"]: g for g in sliced.evidence["groups"]}
    assert groups["tiny"]["judged"] is False  # 2 % of 1200 rows < min_samples 30
    eligible = {k: v["value"] for k, v in groups.items() if v["judged"]}
    assert sliced.observed == pytest.approx(min(eligible.values()))
    assert sliced.evidence["worst_group"] == min(eligible, key=lambda k: eligible[k])
    assert any("not judged: tiny" in note for note in sliced.notes)
    for name, group in groups.items():
        part = frame[frame.region == name]
        assert group["value"] == pytest.approx(skm.accuracy_score(part.y, part.p), rel=1e-12)
    auc = checks["roc_auc"]
    assert auc.interval is not None
    assert auc.interval[0] < auc.observed < auc.interval[1]
    assert code == 0


def test_missing_slice_values_are_their_own_group(cli: Run, tmp_path: Path) -> None:
    frame = binary_frame()
    frame.loc[:99, "region"] = None
    _, report = run_gate(cli, tmp_path, frame, BINARY_GATE)
    groups = [g["group"] for g in by_name(report)["accuracy[region]"].evidence["groups"]]
    assert "<missing>" in groups


def test_too_few_rows_is_inconclusive_not_pass(cli: Run, tmp_path: Path) -> None:
    code, report = run_gate(cli, tmp_path, binary_frame(n=20), BINARY_GATE)
    check = by_name(report)["accuracy"]
    assert check.inconclusive == "20 rows, fewer than min_samples 30"
    assert check.outcome.value == "warn"
    fail_gate = BINARY_GATE.replace(
        "    task: binary\n", "    task: binary\n    on_inconclusive: fail\n"
    )
    code, report = run_gate(cli, tmp_path, binary_frame(n=20), fail_gate)
    assert by_name(report)["accuracy"].outcome.value == "fail"
    assert code == 1


def test_string_labels_need_positive_label(cli: Run, tmp_path: Path) -> None:
    frame = binary_frame()
    frame["y"] = np.where(frame.y == 1, "default", "ok")
    frame["p"] = np.where(frame.p == 1, "default", "ok")
    code, report = run_gate(cli, tmp_path, frame, BINARY_GATE)
    assert code == 1
    assert report.gates[0].message == (
        "labels of `y` are not 0/1 (found default, ok); set `positive_label:` to the label "
        "of the positive class"
    )
    gate = BINARY_GATE.replace(
        "    task: binary\n", "    task: binary\n    positive_label: default\n"
    )
    code, report = run_gate(cli, tmp_path, frame, gate)
    assert code == 0
    expected = skm.roc_auc_score(frame.y == "default", frame.s)
    assert by_name(report)["roc_auc"].observed == pytest.approx(expected, rel=1e-12)
    # the labels named in the message are data: personal data in them is masked
    frame["y"] = np.where(frame.y == "default", "ana.lopez@example.org", "ok")
    _, report = run_gate(cli, tmp_path, frame, BINARY_GATE)
    assert "ana.lopez@example.org" not in report.gates[0].message
    assert report.gates[0].message.startswith("labels of `y` are not 0/1 (found a")


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (
            lambda f: f.assign(y=np.arange(len(f)) % 3),
            "has 3 distinct values; use task: multiclass",
        ),
        (lambda f: f.assign(s=f.s * 2), "must be probabilities in [0, 1]"),
        (
            lambda f: f.assign(y=f.y.astype(float).where(f.index > 5)),
            "column `y` has 6 missing values in 1,200 rows; every row needs one (drop or fill",
        ),
        (lambda f: f.iloc[0:0], "has no rows"),
    ],
)
def test_bad_input_is_a_clear_gate_error(
    cli: Run, tmp_path: Path, mutate: Callable[[pd.DataFrame], pd.DataFrame], message: str
) -> None:
    code, report = run_gate(cli, tmp_path, mutate(binary_frame()), BINARY_GATE)
    assert code == 1
    assert report.gates[0].outcome.value == "error"
    assert message in report.gates[0].message


def test_single_class_auc_is_an_error_check(cli: Run, tmp_path: Path) -> None:
    frame = binary_frame().assign(y=1)
    _, report = run_gate(cli, tmp_path, frame, BINARY_GATE)
    check = by_name(report)["roc_auc"]
    assert check.outcome.value == "error"
    assert "only one class" in check.message


def test_multiclass_with_score_columns(cli: Run, tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    y = rng.choice(["cat", "dog", "eel"], 900)
    logits = rng.normal(size=(900, 3)) + 2 * (y[:, None] == np.array(["cat", "dog", "eel"]))
    proba = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    frame = pd.DataFrame({"y": y, "p": np.array(["cat", "dog", "eel"])[proba.argmax(1)]})
    for i, c in enumerate(["cat", "dog", "eel"]):
        frame[f"p_{c}"] = proba[:, i]
    gate = """\
  - type: performance
    data: preds
    task: multiclass
    label: y
    prediction: p
    score: [p_cat, p_dog, p_eel]
    average: weighted
    metrics:
      f1: {min: 0.5}
      roc_auc: {min: 0.5}
      log_loss: {max: 2}
"""
    code, report = run_gate(cli, tmp_path, frame, gate)
    checks = by_name(report)
    assert code == 0
    assert checks["f1"].observed == pytest.approx(
        skm.f1_score(frame.y, frame.p, average="weighted")
    )
    assert checks["roc_auc"].observed == pytest.approx(
        skm.roc_auc_score(frame.y, proba, multi_class="ovr")
    )
    assert checks["log_loss"].observed == pytest.approx(skm.log_loss(frame.y, proba))


def test_regression_task(cli: Run, tmp_path: Path) -> None:
    rng = np.random.default_rng(4)
    y = rng.normal(100, 10, 500)
    frame = pd.DataFrame({"y": y, "p": y + rng.normal(0, 5, 500)})
    gate = """\
  - type: performance
    data: preds
    task: regression
    label: y
    prediction: p
    metrics:
      rmse: {max: 4, confidence: 0.95}
      r2: {min: 0.6}
"""
    code, report = run_gate(cli, tmp_path, frame, gate)
    checks = by_name(report)
    assert checks["rmse"].observed == pytest.approx(skm.root_mean_squared_error(frame.y, frame.p))
    assert checks["rmse"].outcome.value == "fail"  # rmse ~5 > 4
    assert checks["r2"].outcome.value == "pass"
    assert code == 1
