"""Every metric equals scikit-learn's; the bootstrap is exact, seeded and vectorized."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn import metrics as skm

from mlgate.stats.metrics import Data, bootstrap, compute, interval

RNG = np.random.default_rng(7)


def binary_data(n: int = 3000, ties: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    y = RNG.integers(0, 2, n)
    score = np.clip(0.35 * y + RNG.random(n) * 0.65, 0, 1)
    if ties:
        score = np.round(score, 1)
    pred = (score >= 0.5).astype(int)
    return y, pred, score


BINARY = {
    "accuracy": lambda y, p, s: skm.accuracy_score(y, p),
    "balanced_accuracy": lambda y, p, s: skm.balanced_accuracy_score(y, p),
    "precision": lambda y, p, s: skm.precision_score(y, p),
    "recall": lambda y, p, s: skm.recall_score(y, p),
    "f1": lambda y, p, s: skm.f1_score(y, p),
    "mcc": lambda y, p, s: skm.matthews_corrcoef(y, p),
    "roc_auc": lambda y, p, s: skm.roc_auc_score(y, s),
    "pr_auc": lambda y, p, s: skm.average_precision_score(y, s),
    "log_loss": lambda y, p, s: skm.log_loss(y, s),
    "brier": lambda y, p, s: skm.brier_score_loss(y, s),
}


@pytest.mark.parametrize("ties", [False, True])
@pytest.mark.parametrize("name", sorted(BINARY))
def test_binary_metric_equals_sklearn(name: str, ties: bool) -> None:
    y, p, s = binary_data(ties=ties)
    ours = compute(name, Data("binary", y, p, s))
    assert ours == pytest.approx(BINARY[name](y, p, s), rel=1e-12, abs=1e-12)


def test_binary_zero_division_follows_sklearn() -> None:
    y = np.array([0, 0, 1, 1])
    p = np.zeros(4, dtype=int)
    data = Data("binary", y, p, np.full(4, 0.2))
    assert compute("precision", data) == 0.0 == skm.precision_score(y, p, zero_division=0)
    assert compute("f1", data) == 0.0
    assert compute("mcc", data) == skm.matthews_corrcoef(y, p)


def multiclass_data(n: int = 2000, k: int = 4) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    y = RNG.integers(0, k, n)
    logits = RNG.normal(size=(n, k)) + 1.5 * np.eye(k)[y]
    proba = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    return y, proba.argmax(axis=1), proba


@pytest.mark.parametrize("average", ["macro", "weighted", "micro"])
@pytest.mark.parametrize("name", ["precision", "recall", "f1"])
def test_multiclass_averaged_metric_equals_sklearn(name: str, average: str) -> None:
    y, p, s = multiclass_data()
    fn = {"precision": skm.precision_score, "recall": skm.recall_score, "f1": skm.f1_score}[name]
    ours = compute(name, Data("multiclass", y, p, s, k=4, average=average))
    assert ours == pytest.approx(fn(y, p, average=average), rel=1e-12)


@pytest.mark.parametrize(
    ("name", "reference"),
    [
        ("accuracy", lambda y, p, s: skm.accuracy_score(y, p)),
        ("balanced_accuracy", lambda y, p, s: skm.balanced_accuracy_score(y, p)),
        ("mcc", lambda y, p, s: skm.matthews_corrcoef(y, p)),
        ("roc_auc", lambda y, p, s: skm.roc_auc_score(y, s, multi_class="ovr")),
        ("log_loss", lambda y, p, s: skm.log_loss(y, s)),
        ("brier", lambda y, p, s: skm.brier_score_loss(y, s)),
    ],
)
def test_multiclass_metric_equals_sklearn(name: str, reference: object) -> None:
    y, p, s = multiclass_data()
    ours = compute(name, Data("multiclass", y, p, s, k=4))
    assert ours == pytest.approx(reference(y, p, s), rel=1e-12)


REGRESSION = {
    "mae": skm.mean_absolute_error,
    "mse": skm.mean_squared_error,
    "rmse": skm.root_mean_squared_error,
    "r2": skm.r2_score,
    "mape": skm.mean_absolute_percentage_error,
}


@pytest.mark.parametrize("name", sorted(REGRESSION))
def test_regression_metric_equals_sklearn(name: str) -> None:
    y = RNG.normal(10, 3, 2500)
    y[:5] = 0.0  # mape's epsilon guard
    pred = y + RNG.normal(0, 1, 2500)
    ours = compute(name, Data("regression", y, pred))
    assert ours == pytest.approx(REGRESSION[name](y, pred), rel=1e-12)


def test_r2_of_constant_target_is_finite_like_sklearn() -> None:
    y = np.ones(10)
    assert compute("r2", Data("regression", y, y.copy())) == skm.r2_score(y, y) == 1.0
    assert compute("r2", Data("regression", y, y + 1)) == skm.r2_score(y, y + 1) == 0.0


def naive_bootstrap(
    name: str, y: np.ndarray, p: np.ndarray, s: np.ndarray, n_boot: int
) -> np.ndarray:
    rng = np.random.default_rng(123)
    out = []
    for _ in range(n_boot):
        idx = rng.integers(0, len(y), len(y))
        out.append(BINARY[name](y[idx], p[idx], s[idx]))
    return np.array(out)


@pytest.mark.parametrize("name", ["accuracy", "f1", "roc_auc", "pr_auc", "log_loss", "brier"])
def test_bootstrap_interval_agrees_with_a_naive_sklearn_bootstrap(name: str) -> None:
    y, p, s = binary_data(n=600, ties=True)
    data = Data("binary", y, p, s)
    ours = bootstrap(name, data, 2000, np.random.default_rng(5))
    naive = naive_bootstrap(name, y, p, s, 400)
    # Same sampling distribution: centre and spread agree within Monte-Carlo noise.
    assert ours.mean() == pytest.approx(naive.mean(), abs=3 * naive.std() / np.sqrt(400) + 1e-3)
    assert ours.std() == pytest.approx(naive.std(), rel=0.15)
    low, high = interval(ours, 0.95) or (np.nan, np.nan)
    assert low < compute(name, data) < high


def test_bootstrap_is_reproducible_and_seed_dependent() -> None:
    y, p, s = binary_data(n=500)
    data = Data("binary", y, p, s)
    a = bootstrap("roc_auc", data, 300, np.random.default_rng(1))
    b = bootstrap("roc_auc", data, 300, np.random.default_rng(1))
    c = bootstrap("roc_auc", data, 300, np.random.default_rng(2))
    assert np.array_equal(a, b)
    assert not np.array_equal(a, c)


def test_regression_bootstrap_brackets_the_estimate() -> None:
    y = RNG.normal(0, 1, 800)
    data = Data("regression", y, y + RNG.normal(0, 0.5, 800))
    for name in REGRESSION:
        reps = bootstrap(name, data, 500, np.random.default_rng(3))
        low, high = interval(reps, 0.9) or (np.nan, np.nan)
        assert low <= compute(name, data) <= high, name


def test_interval_is_none_when_most_replicates_are_undefined() -> None:
    assert interval(np.array([np.nan] * 50 + [0.5] * 50), 0.95) is None
    assert interval(np.array([0.1, 0.2, 0.3, 0.4]), 0.5) == pytest.approx((0.175, 0.325))
