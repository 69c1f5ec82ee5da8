"""The fairness gate: every number equals fairlearn's; the bootstrap agrees with fairlearn's."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import Result
from fairlearn import metrics as flm
from sklearn import metrics as skm

from mlgate.report import CheckResult, Report

Run = Callable[..., Result]


def biased_frame(n: int = 4000, seed: int = 0, bias: float = 0.0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    sex = rng.choice(["F", "M"], n)
    race = rng.choice(["a", "b", "c"], n, p=[0.5, 0.3, 0.2])
    age = rng.integers(18, 90, n)
    y = rng.integers(0, 2, n)
    score = np.clip(0.35 * y + 0.65 * rng.random(n) - bias * (sex == "F"), 0, 1)
    return pd.DataFrame(
        {
            "y": y,
            "p": (score > 0.5).astype(int),
            "s": score,
            "sex": sex,
            "race": race,
            "age": age,
            "region": rng.choice(["n", "s"], n),
        }
    )


def run_gate(cli: Run, tmp_path: Path, frame: pd.DataFrame, body: str) -> tuple[int, Report]:
    frame.to_csv(tmp_path / "preds.csv", index=False)
    policy = tmp_path / "mlgate.yaml"
    policy.write_text(
        "version: 1\ninputs:\n  preds: {path: preds.csv}\ngates:\n"
        "  - id: fair\n    type: fairness\n    data: preds\n    label: y\n    prediction: p\n"
        "    score: s\n" + body
    )
    result = cli("check", policy, "-f", "json")
    return result.code, Report.model_validate_json(result.out)


def checks(report: Report) -> dict[str, CheckResult]:
    return {c.name: c for c in report.checks()}


def mf(frame: pd.DataFrame, fn: object, sensitive: object, **kw: object) -> flm.MetricFrame:
    return flm.MetricFrame(
        metrics=fn, y_true=frame.y, y_pred=frame.p, sensitive_features=sensitive, **kw
    )


COUNT_CASES = {
    "demographic_parity_difference": lambda f, s: flm.demographic_parity_difference(
        f.y, f.p, sensitive_features=s
    ),
    "demographic_parity_ratio": lambda f, s: flm.demographic_parity_ratio(
        f.y, f.p, sensitive_features=s
    ),
    "disparate_impact": lambda f, s: flm.selection_rate_ratio(f.y, f.p, sensitive_features=s),
    "equalized_odds_difference": lambda f, s: flm.equalized_odds_difference(
        f.y, f.p, sensitive_features=s
    ),
    "equalized_odds_ratio": lambda f, s: flm.equalized_odds_ratio(f.y, f.p, sensitive_features=s),
    "equal_opportunity_difference": lambda f, s: flm.equal_opportunity_difference(
        f.y, f.p, sensitive_features=s
    ),
    "equal_opportunity_ratio": lambda f, s: flm.equal_opportunity_ratio(
        f.y, f.p, sensitive_features=s
    ),
    "false_positive_rate_difference": lambda f, s: flm.false_positive_rate_difference(
        f.y, f.p, sensitive_features=s
    ),
    "false_negative_rate_ratio": lambda f, s: flm.false_negative_rate_ratio(
        f.y, f.p, sensitive_features=s
    ),
    "true_negative_rate_difference": lambda f, s: flm.true_negative_rate_difference(
        f.y, f.p, sensitive_features=s
    ),
    "accuracy_difference": lambda f, s: flm.accuracy_score_difference(
        f.y, f.p, sensitive_features=s
    ),
    "accuracy_score_group_min": lambda f, s: flm.accuracy_score_group_min(
        f.y, f.p, sensitive_features=s
    ),
    "precision_group_min": lambda f, s: flm.precision_score_group_min(
        f.y, f.p, sensitive_features=s
    ),
    "recall_group_min": lambda f, s: flm.recall_score_group_min(f.y, f.p, sensitive_features=s),
    "f1_group_min": lambda f, s: flm.f1_score_group_min(f.y, f.p, sensitive_features=s),
    "balanced_accuracy_group_min": lambda f, s: flm.balanced_accuracy_score_group_min(
        f.y, f.p, sensitive_features=s
    ),
    "mcc_group_max": lambda f, s: mf(f, skm.matthews_corrcoef, s).group_max(),
    "selection_rate_group_max": lambda f, s: mf(f, flm.selection_rate, s).group_max(),
}
SCORE_CASES = {
    "roc_auc_group_min": lambda f, s: flm.roc_auc_score_group_min(f.y, f.s, sensitive_features=s),
    "log_loss_group_max": lambda f, s: flm.MetricFrame(
        metrics=skm.log_loss, y_true=f.y, y_pred=f.s, sensitive_features=s
    ).group_max(),
    "brier_difference": lambda f, s: flm.MetricFrame(
        metrics=skm.brier_score_loss, y_true=f.y, y_pred=f.s, sensitive_features=s
    ).difference(),
}


@pytest.mark.parametrize("name", sorted({**COUNT_CASES, **SCORE_CASES}))
def test_every_metric_equals_fairlearn(cli: Run, tmp_path: Path, name: str) -> None:
    frame = biased_frame(bias=0.1)
    threshold = "{max: 1}" if name.endswith("_difference") else "{min: 0}"
    body = f"    sensitive_features: [race, sex]\n    intersections: true\n    metrics:\n      {name}: {threshold}\n"
    _, report = run_gate(cli, tmp_path, frame, body)
    reference = {**COUNT_CASES, **SCORE_CASES}[name]
    found = checks(report)
    assert found[f"{name}[race]"].observed == pytest.approx(reference(frame, frame.race), abs=1e-12)
    assert found[f"{name}[sex]"].observed == pytest.approx(reference(frame, frame.sex), abs=1e-12)
    both = frame[["race", "sex"]]
    assert found[f"{name}[race&sex]"].observed == pytest.approx(reference(frame, both), abs=1e-12)


def test_parity_and_odds_by_hand_from_group_counts(cli: Run, tmp_path: Path) -> None:
    frame = biased_frame(bias=0.15)
    body = "    sensitive_features: [sex]\n    metrics:\n      demographic_parity_difference: {max: 1}\n      equalized_odds_difference: {max: 1}\n"
    _, report = run_gate(cli, tmp_path, frame, body)
    counts = frame.groupby(["sex", "y", "p"]).size().unstack(["y", "p"], fill_value=0)
    selection = (counts[(0, 1)] + counts[(1, 1)]) / counts.sum(axis=1)
    tpr = counts[(1, 1)] / (counts[(1, 1)] + counts[(1, 0)])
    fpr = counts[(0, 1)] / (counts[(0, 1)] + counts[(0, 0)])
    found = checks(report)
    assert found["demographic_parity_difference[sex]"].observed == pytest.approx(
        selection.max() - selection.min(), abs=1e-12
    )
    expected_eo = max(tpr.max() - tpr.min(), fpr.max() - fpr.min())
    assert found["equalized_odds_difference[sex]"].observed == pytest.approx(expected_eo, abs=1e-12)


def test_biased_predictor_fails_and_names_the_disadvantaged_group(cli: Run, tmp_path: Path) -> None:
    frame = biased_frame(bias=0.3)
    body = "    sensitive_features: [sex]\n    metrics:\n      disparate_impact: {min: 0.8}\n"
    code, report = run_gate(cli, tmp_path, frame, body)
    check = checks(report)["disparate_impact[sex]"]
    assert code == 1
    assert check.outcome.value == "fail"
    assert check.evidence["worst_group"] == "F"
    groups = {g["group"]: g for g in check.evidence["groups"]}
    assert groups["F"]["value"] < groups["M"]["value"]
    fair_code, _ = run_gate(cli, tmp_path, biased_frame(bias=0.0), body)
    assert fair_code == 0


def test_small_groups_are_reported_and_excluded(cli: Run, tmp_path: Path) -> None:
    frame = biased_frame()
    frame.loc[:11, "race"] = "tiny"
    frame.loc[12:20, "race"] = None
    body = "    sensitive_features: [race]\n    metrics:\n      demographic_parity_difference: {max: 1}\n"
    _, report = run_gate(cli, tmp_path, frame, body)
    check = checks(report)["demographic_parity_difference[race]"]
    groups = {g["group"]: g for g in check.evidence["groups"]}
    assert groups["tiny"] == {
        "group": "tiny",
        "n": 12,
        "value": pytest.approx(groups["tiny"]["value"]),
        "interval": groups["tiny"]["interval"],
        "judged": False,
    }
    # each group's selection rate with its 95 % Wilson interval, for the report's whiskers
    low, high = groups["tiny"]["interval"]
    assert low <= groups["tiny"]["value"] <= high
    assert high - low > 0.4  # 12 rows say little
    assert groups["<missing>"]["n"] == 9
    assert groups["<missing>"]["judged"] is False
    assert any("not judged: tiny (12 rows), <missing> (9 rows)" in n for n in check.notes)
    big = frame[frame.race.isin(["a", "b", "c"])]
    expected = flm.demographic_parity_difference(big.y, big.p, sensitive_features=big.race)
    assert check.observed == pytest.approx(expected, abs=1e-12)


def test_one_eligible_group_is_inconclusive(cli: Run, tmp_path: Path) -> None:
    frame = biased_frame(n=60)
    body = "    sensitive_features: [race]\n    min_group_size: 40\n    metrics:\n      demographic_parity_difference: {max: 1}\n"
    _, report = run_gate(cli, tmp_path, frame, body)
    check = checks(report)["demographic_parity_difference[race]"]
    assert check.inconclusive is not None
    assert check.outcome.value == "warn"


def test_bins_band_a_numeric_column(cli: Run, tmp_path: Path) -> None:
    frame = biased_frame()
    body = "    sensitive_features: [age]\n    bins: {age: [18, 40, 65]}\n    metrics:\n      accuracy_group_min: {min: 0}\n"
    _, report = run_gate(cli, tmp_path, frame, body)
    groups = {
        g["group"]: g["n"] for g in checks(report)["accuracy_group_min[age]"].evidence["groups"]
    }
    assert groups == {
        "[18, 40)": int(((frame.age >= 18) & (frame.age < 40)).sum()),
        "[40, 65)": int(((frame.age >= 40) & (frame.age < 65)).sum()),
        "<missing>": int((frame.age >= 65).sum()),
    }


def test_control_features_judge_the_worst_stratum_like_fairlearn(cli: Run, tmp_path: Path) -> None:
    frame = biased_frame(bias=0.1)
    body = "    sensitive_features: [race]\n    control_features: [region]\n    metrics:\n      demographic_parity_difference: {max: 1}\n      selection_rate_ratio: {min: 0}\n"
    _, report = run_gate(cli, tmp_path, frame, body)
    frame_mf = flm.MetricFrame(
        metrics=flm.selection_rate,
        y_true=frame.y,
        y_pred=frame.p,
        sensitive_features=frame.race,
        control_features=frame.region,
    )
    found = checks(report)
    assert found["demographic_parity_difference[race]"].observed == pytest.approx(
        frame_mf.difference().max(), abs=1e-12
    )
    assert found["selection_rate_ratio[race]"].observed == pytest.approx(
        frame_mf.ratio().min(), abs=1e-12
    )


def test_regression_task_metrics_by_group(cli: Run, tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    frame = pd.DataFrame({"y": rng.normal(size=800), "sex": rng.choice(["F", "M"], 800)})
    frame["p"] = frame.y + rng.normal(0, 0.3 + 0.3 * (frame.sex == "F"), 800)
    frame["s"] = 0.5
    body = "    task: regression\n    sensitive_features: [sex]\n    metrics:\n      mean_absolute_error_group_max: {max: 10}\n      r2_difference: {max: 5}\n"
    frame.to_csv(tmp_path / "preds.csv", index=False)
    policy = tmp_path / "mlgate.yaml"
    policy.write_text(
        "version: 1\ninputs:\n  preds: {path: preds.csv}\ngates:\n  - id: fair\n    type: fairness\n    data: preds\n    label: y\n    prediction: p\n"
        + body
    )
    result = cli("check", policy, "-f", "json")
    found = checks(Report.model_validate_json(result.out))
    expected = flm.mean_absolute_error_group_max(frame.y, frame.p, sensitive_features=frame.sex)
    assert found["mean_absolute_error_group_max[sex]"].observed == pytest.approx(
        expected, abs=1e-12
    )
    assert found["mean_absolute_error_group_max[sex]"].evidence["worst_group"] == "F"
    r2 = flm.MetricFrame(
        metrics=skm.r2_score, y_true=frame.y, y_pred=frame.p, sensitive_features=frame.sex
    )
    assert found["r2_difference[sex]"].observed == pytest.approx(r2.difference(), abs=1e-12)


def test_count_bootstrap_agrees_with_fairlearns_bootstrap(cli: Run, tmp_path: Path) -> None:
    frame = biased_frame(n=600, bias=0.1)
    body = "    sensitive_features: [sex]\n    bootstrap: {n_boot: 2000}\n    metrics:\n      demographic_parity_difference: {max: 1, confidence: 0.9}\n      equalized_odds_difference: {max: 1, confidence: 0.9}\n"
    _, report = run_gate(cli, tmp_path, frame, body)
    found = checks(report)
    dp = flm.MetricFrame(
        metrics=flm.selection_rate,
        y_true=frame.y,
        y_pred=frame.p,
        sensitive_features=frame.sex,
        n_boot=400,
        ci_quantiles=[0.05, 0.95],
        random_state=0,
    )
    low, high = dp.difference_ci()
    ours = found["demographic_parity_difference[sex]"].interval
    assert ours is not None
    width = float(high) - float(low)
    assert ours[0] == pytest.approx(float(low), abs=0.15 * width)
    assert ours[1] == pytest.approx(float(high), abs=0.15 * width)
    eo = found["equalized_odds_difference[sex]"]
    assert eo.interval is not None
    assert eo.interval[0] <= eo.observed <= eo.interval[1]


def test_score_metric_interval_comes_from_fairlearn(cli: Run, tmp_path: Path) -> None:
    frame = biased_frame(n=800)
    body = "    sensitive_features: [sex]\n    bootstrap: {n_boot: 100}\n    metrics:\n      roc_auc_group_min: {min: 0.5, confidence: 0.9}\n"
    _, report = run_gate(cli, tmp_path, frame, body)
    check = checks(report)["roc_auc_group_min[sex]"]
    reference = flm.MetricFrame(
        metrics=skm.roc_auc_score,
        y_true=frame.y,
        y_pred=frame.s,
        sensitive_features=frame.sex,
        n_boot=100,
        ci_quantiles=[0.05, 0.95],
        random_state=0,
    )
    low, high = reference.group_min_ci()
    assert check.interval == pytest.approx((float(low), float(high)), abs=1e-12)


@pytest.mark.parametrize(
    ("mutate", "body", "message"),
    [
        (lambda f: f, "    sensitive_features: [gender]\n", "has no column `gender`"),
        (
            lambda f: f.assign(y=np.arange(len(f)) % 3),
            "    sensitive_features: [sex]\n",
            "has 3 distinct values",
        ),
        (
            lambda f: f.assign(sex="F"),
            "    sensitive_features: [sex]\n",
            "every row is in one `sex` group",
        ),
    ],
)
def test_bad_input_is_a_clear_gate_error(
    cli: Run,
    tmp_path: Path,
    mutate: Callable[[pd.DataFrame], pd.DataFrame],
    body: str,
    message: str,
) -> None:
    code, report = run_gate(
        cli,
        tmp_path,
        mutate(biased_frame()),
        body + "    metrics:\n      disparate_impact: {min: 0.8}\n",
    )
    assert code == 1
    assert report.gates[0].outcome.value == "error"
    assert message in report.gates[0].message


def test_policy_errors_for_fairness_metrics(cli: Run, tmp_path: Path) -> None:
    policy = tmp_path / "p.yaml"
    policy.write_text(
        "version: 1\ninputs:\n  d: {path: d.csv}\ngates:\n  - type: fairness\n    data: d\n    label: y\n"
        "    prediction: p\n    sensitive_features: [sex]\n    bins: {age: [1]}\n    metrics:\n"
        "      demographic_parity_diff: {max: 0.1}\n      disparate_impact: {min: 2}\n      mcc_ratio: {min: 0.5}\n"
        "      roc_auc_group_min: {min: 0.5}\n"
    )
    result = cli("validate", policy)
    err = result.err
    assert result.code == 2
    assert "p.yaml:10: gates[0].bins.age: `age` is not a sensitive or control feature" in err
    assert (
        "p.yaml:12: gates[0].metrics.demographic_parity_diff: unknown fairness metric (did you mean `demographic_parity_difference`?)"
        in err
    )
    assert (
        "p.yaml:13: gates[0].metrics.disparate_impact.min: must be a number between 0 and 1" in err
    )
    assert "mcc_ratio: `mcc` can be negative" in err
    assert "roc_auc_group_min needs `score:`" in err


def test_favorable_negative_selection_rate_is_the_negative_prediction_rate(
    cli: Run, tmp_path: Path
) -> None:
    frame = biased_frame(bias=0.2)
    body = "    favorable: negative\n    sensitive_features: [sex]\n    metrics:\n      disparate_impact: {min: 0}\n"
    _, report = run_gate(cli, tmp_path, frame, body)
    check = checks(report)["disparate_impact[sex]"]
    sr = flm.MetricFrame(
        metrics=flm.selection_rate,
        y_true=frame.y,
        y_pred=frame.p,
        sensitive_features=frame.sex,
        sample_params={"pos_label": 0},
    )
    assert check.observed == pytest.approx(sr.ratio(), abs=1e-12)
    assert check.evidence["worst_group"] == sr.by_group.idxmin()


def test_disparity_regression_against_a_baseline(cli: Run, tmp_path: Path) -> None:
    body = "    sensitive_features: [sex]\n    metrics:\n      demographic_parity_difference: {max: 1, max_regression: 0.02}\n"
    frame = biased_frame(bias=0.02)
    frame.to_csv(tmp_path / "preds.csv", index=False)
    policy = tmp_path / "mlgate.yaml"
    policy.write_text(
        "version: 1\ninputs:\n  preds: {path: preds.csv}\nbaseline: main.json\ngates:\n"
        "  - id: fair\n    type: fairness\n    data: preds\n    label: y\n    prediction: p\n"
        + body
    )
    assert cli("check", policy, "-o", tmp_path / "main.json").code == 0
    biased_frame(bias=0.25).to_csv(tmp_path / "preds.csv", index=False)
    result = cli("check", policy, "-f", "json")
    check = checks(Report.model_validate_json(result.out))["demographic_parity_difference[sex]"]
    assert check.baseline is not None
    assert check.outcome.value == "fail"
    assert "max_regression" in check.message


def test_predictions_from_a_model_input(cli: Run, tmp_path: Path) -> None:
    import skops.io as sio
    from sklearn.linear_model import LogisticRegression

    frame = biased_frame(n=1000)
    model = LogisticRegression().fit(frame[["age", "s"]], frame.y)
    sio.dump(model, tmp_path / "model.skops")
    frame.to_csv(tmp_path / "eval.csv", index=False)
    policy = tmp_path / "mlgate.yaml"
    policy.write_text(
        "version: 1\ninputs:\n  eval: {path: eval.csv}\n  model: {path: model.skops}\ngates:\n"
        "  - type: fairness\n    data: eval\n    model: model\n    features: [age, s]\n    label: y\n"
        "    sensitive_features: [sex]\n    metrics:\n      demographic_parity_difference: {max: 1}\n"
    )
    result = cli("check", policy, "-f", "json")
    check = checks(Report.model_validate_json(result.out))["demographic_parity_difference[sex]"]
    predicted = model.predict(frame[["age", "s"]])
    expected = flm.demographic_parity_difference(frame.y, predicted, sensitive_features=frame.sex)
    assert check.observed == pytest.approx(expected, abs=1e-12)
