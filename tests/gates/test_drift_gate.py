"""The drift gate: statistics checked against scipy, shifted data caught, clear errors."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import Result
from scipy import stats
from scipy.spatial.distance import jensenshannon

from mlgate.gates.drift.stats import FINE_BINS, categorical_drift, numeric_drift
from mlgate.report import Report

Run = Callable[..., Result]
RNG = np.random.default_rng(11)


@pytest.mark.parametrize("shift", [0.0, 0.1, 0.5])
def test_numeric_statistics_match_scipy(shift: float) -> None:
    ref = RNG.normal(0, 1, 50_000)
    cur = RNG.normal(shift, 1.2, 40_000)
    drift = numeric_drift("x", ref, cur)
    exact = stats.ks_2samp(ref, cur)
    assert drift.stats["ks"] == pytest.approx(exact.statistic, abs=2 / FINE_BINS)
    assert drift.stats["ks"] <= exact.statistic + 1e-12  # a lower bound on the exact statistic
    assert drift.stats["wasserstein"] == pytest.approx(
        stats.wasserstein_distance(ref, cur), rel=0.03, abs=0.003
    )
    if shift >= 0.1:
        assert drift.stats["ks_pvalue"] < 1e-6
    edges = np.unique(np.quantile(ref, np.linspace(0, 1, 11), method="lower"))[1:-1]
    p = np.bincount(np.searchsorted(edges, ref, side="right"), minlength=10) / ref.size
    q = np.bincount(np.searchsorted(edges, cur, side="right"), minlength=10) / cur.size
    assert drift.stats["psi"] == pytest.approx(np.sum((q - p) * np.log(q / p)), rel=1e-3)
    fine = np.unique(np.quantile(ref, np.linspace(0, 1, FINE_BINS + 1), method="lower"))[1:-1]
    hp = np.bincount(np.searchsorted(fine, ref, side="right"), minlength=len(fine) + 1)
    hq = np.bincount(np.searchsorted(fine, cur, side="right"), minlength=len(fine) + 1)
    assert drift.stats["js"] == pytest.approx(jensenshannon(hp, hq, base=2), rel=1e-3)


def test_ks_pvalue_is_close_to_scipys_asymptotic_value() -> None:
    ref, cur = RNG.normal(0, 1, 5000), RNG.normal(0.05, 1, 5000)
    drift = numeric_drift("x", ref, cur)
    exact = stats.ks_2samp(ref, cur, method="asymp")
    assert drift.stats["ks_pvalue"] == pytest.approx(exact.pvalue, abs=0.05)


def test_categorical_statistics() -> None:
    ref = np.array(["a"] * 500 + ["b"] * 300 + ["c"] * 200, dtype=object)
    cur = np.array(["a"] * 300 + ["b"] * 300 + ["c"] * 300 + [None] * 100, dtype=object)
    drift = categorical_drift("x", ref, cur)
    table = np.array([[500, 300, 200, 0], [300, 300, 300, 100]])
    expected = stats.chi2_contingency(table, correction=False)
    assert drift.stats["chi2_pvalue"] == pytest.approx(expected.pvalue, rel=1e-6, abs=1e-300)
    assert drift.stats["linf"] == pytest.approx(0.2)


def run_drift(
    cli: Run, tmp_path: Path, ref: pd.DataFrame, cur: pd.DataFrame, body: str = ""
) -> tuple[int, Report]:
    ref.to_parquet(tmp_path / "ref.parquet")
    cur.to_parquet(tmp_path / "cur.parquet")
    policy = tmp_path / "p.yaml"
    policy.write_text(
        "version: 1\ninputs:\n  ref: {path: ref.parquet}\n  cur: {path: cur.parquet}\n"
        "gates:\n  - type: drift\n    reference: ref\n    current: cur\n" + body
    )
    result = cli("check", policy, "-f", "json")
    return result.code, Report.model_validate_json(result.out)


def frame(n: int, shift: float = 0.0, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "age": rng.normal(40 + shift, 10, n),
            "income": rng.lognormal(10, 0.5, n),
            "region": rng.choice(["n", "s", "e", "w"], n, p=[0.4, 0.3, 0.2, 0.1]),
        }
    )


def test_no_drift_passes(cli: Run, tmp_path: Path) -> None:
    code, report = run_drift(cli, tmp_path, frame(5000), frame(5000, seed=1))
    assert code == 0
    assert {c.name for c in report.checks()} == {"psi[age]", "psi[income]", "psi[region]"}


def test_a_shifted_column_fails_and_comes_first(cli: Run, tmp_path: Path) -> None:
    code, report = run_drift(cli, tmp_path, frame(5000), frame(5000, shift=8, seed=1))
    assert code == 1
    first = report.checks()[0]
    assert first.name == "psi[age]"
    assert first.outcome.value == "fail"
    assert first.evidence["statistics"]["ks"] > 0.2
    assert [c.outcome.value for c in report.checks()[1:]] == ["pass", "pass"]


def test_moderate_shift_warns_with_the_default_thresholds(cli: Run, tmp_path: Path) -> None:
    code, report = run_drift(cli, tmp_path, frame(20000), frame(20000, shift=4, seed=1))
    age = report.checks()[0]
    assert 0.1 < (age.observed or 0) <= 0.25
    assert age.outcome.value == "warn"
    assert code == 0


def test_categorical_shift_and_explicit_metrics(cli: Run, tmp_path: Path) -> None:
    cur = frame(5000, seed=1)
    cur["region"] = np.random.default_rng(2).choice(
        ["n", "s", "e", "w"], 5000, p=[0.1, 0.2, 0.3, 0.4]
    )
    body = "    columns: [region, age]\n    metrics:\n      linf: {max: 0.1}\n      chi2_pvalue: {min: 0.01}\n      wasserstein: {max: 1}\n"
    code, report = run_drift(cli, tmp_path, frame(5000), cur, body)
    checks = {c.name: c for c in report.checks()}
    assert checks["linf[region]"].outcome.value == "fail"
    assert checks["chi2_pvalue[region]"].outcome.value == "fail"
    assert checks["wasserstein[age]"].outcome.value == "pass"
    assert "wasserstein[region]" not in checks
    assert code == 1


def test_errors(cli: Run, tmp_path: Path) -> None:
    _, report = run_drift(cli, tmp_path, frame(100), frame(100).rename(columns=str.upper))
    assert "share no column to compare" in report.gates[0].message
    _, report = run_drift(cli, tmp_path, frame(100), frame(100), "    columns: [agee]\n")
    assert "has no column `agee` (did you mean `age`?)" in report.gates[0].message
    policy = tmp_path / "p.yaml"
    policy.write_text(
        policy.read_text().replace("    columns: [agee]\n", "    metrics: {pzi: {max: 1}}\n")
    )
    result = cli("validate", policy)
    assert "unknown drift metric (did you mean `psi`?)" in result.err


def test_an_empty_numeric_column(cli: Run, tmp_path: Path) -> None:
    """Real tables have columns with no value at all (R's `Bwages$sex`, dates never filled):
    empty on both sides there is nothing to compare (inconclusive, not a broken gate); empty
    on one side only the column went empty, which is drift whatever the statistics say."""
    ref, cur = frame(500), frame(500, seed=1)
    ref["sex"] = cur["sex"] = np.nan
    code, report = run_drift(
        cli, tmp_path, ref, cur, "    metrics: {psi: {max: 0.25}, ks: {max: 0.1}}\n"
    )
    checks = {c.name: c for c in report.checks()}
    for name in ("psi[sex]", "ks[sex]"):
        assert checks[name].outcome.value == "warn"
        assert checks[name].message == "inconclusive: `sex` has no values on either side"
    assert checks["psi[age]"].outcome.value == "pass"
    assert code == 0
    policy = tmp_path / "p.yaml"
    policy.write_text(policy.read_text().replace("gates:", "on_inconclusive: fail\ngates:"))
    assert cli("check", policy, "-f", "json").code == 1

    cur["age"] = np.nan
    code, report = run_drift(cli, tmp_path, ref, cur)
    age = next(c for c in report.checks() if c.name == "psi[age]")
    assert age.outcome.value == "fail"
    assert age.message == "`age` has 500 values in the reference and none in the current"
    assert age.evidence["reference_n"] == 500
    assert code == 1


def test_missing_values_that_appear_are_drift(cli: Run, tmp_path: Path) -> None:
    """A feature pipeline that starts writing NaN for a third of the rows leaves the numeric
    statistics of the rest alone: the `missing` metric (share of rows without a value) sees
    it, on numeric and categorical columns alike."""
    ref, cur = frame(3000), frame(3000, seed=1)
    holes = np.random.default_rng(3).random(3000) < 1 / 3
    cur.loc[holes, "income"] = np.nan
    cur.loc[holes, "region"] = None
    body = "    metrics:\n      psi: {max: 0.25}\n      missing: {max: 0.05}\n"
    code, report = run_drift(cli, tmp_path, ref, cur, body)
    checks = {c.name: c for c in report.checks()}
    assert checks["psi[income]"].outcome.value == "pass"  # the values left did not move
    income = checks["missing[income]"]
    assert income.outcome.value == "fail"
    assert income.observed == pytest.approx(holes.mean(), abs=1e-9)
    assert income.evidence["missing_share"] == {
        "reference": 0.0, "current": pytest.approx(holes.mean(), abs=1e-6)
    }  # fmt: skip
    assert checks["missing[region]"].observed == pytest.approx(holes.mean(), abs=1e-9)
    assert checks["missing[age]"].outcome.value == "pass"
    assert checks["missing[age]"].observed == 0.0
    assert code == 1
    # empty on one side: `missing` judges it as any share (1.0), the statistics fail
    cur["age"] = np.nan
    _, report = run_drift(cli, tmp_path, ref, cur, body)
    checks = {c.name: c for c in report.checks()}
    assert checks["missing[age]"].observed == 1.0
    assert checks["psi[age]"].message.endswith("values in the reference and none in the current")
