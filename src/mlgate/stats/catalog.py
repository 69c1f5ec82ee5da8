"""The catalogue of metrics: names, tasks, direction, range. No numpy here, so that
validating a policy stays fast; the computations live in :mod:`mlgate.stats.metrics`."""

from __future__ import annotations

from dataclasses import dataclass

from mlgate.thresholds import Direction


@dataclass(frozen=True)
class MetricDef:
    """A metric's declared identity: tasks, direction, range, what it needs."""

    name: str
    tasks: tuple[str, ...]
    direction: Direction
    low: float
    high: float
    family: str  # confusion | rank | row
    needs_score: bool = False
    summary: str = ""
    denominator: str = "rows"  # what a group needs enough of for the metric to mean something


_CLS = ("binary", "multiclass")
_H, _L = Direction.HIGHER, Direction.LOWER
INF = float("inf")
_SMALLER = "rows of the smaller class"

METRICS: dict[str, MetricDef] = {
    m.name: m
    for m in [
        MetricDef("accuracy", _CLS, _H, 0, 1, "confusion", summary="share of correct labels"),
        MetricDef(
            "balanced_accuracy",
            _CLS,
            _H,
            0,
            1,
            "confusion",
            summary="mean recall",
            denominator=_SMALLER,
        ),
        MetricDef("precision", _CLS, _H, 0, 1, "confusion", denominator="predicted positives"),
        MetricDef("recall", _CLS, _H, 0, 1, "confusion", denominator="positives"),
        MetricDef("f1", _CLS, _H, 0, 1, "confusion", denominator="positives"),
        MetricDef("mcc", _CLS, _H, -1, 1, "confusion", summary="Matthews correlation"),
        MetricDef("roc_auc", _CLS, _H, 0, 1, "rank", needs_score=True, denominator=_SMALLER),
        MetricDef("pr_auc", ("binary",), _H, 0, 1, "rank", needs_score=True, denominator=_SMALLER),
        MetricDef("log_loss", _CLS, _L, 0, INF, "row", needs_score=True),
        MetricDef("brier", _CLS, _L, 0, 2, "row", needs_score=True),
        MetricDef("mae", ("regression",), _L, 0, INF, "row"),
        MetricDef("mse", ("regression",), _L, 0, INF, "row"),
        MetricDef("rmse", ("regression",), _L, 0, INF, "row"),
        MetricDef("r2", ("regression",), _H, -INF, 1, "row"),
        MetricDef("mape", ("regression",), _L, 0, INF, "row"),
    ]
}
# Per-group rates of the fairness gate (and their direction); the rest of the metrics above.
RATE_DIRECTIONS = {
    "selection_rate": Direction.HIGHER,
    "true_positive_rate": Direction.HIGHER,
    "false_positive_rate": Direction.LOWER,
    "false_negative_rate": Direction.LOWER,
    "true_negative_rate": Direction.HIGHER,
    "accuracy": Direction.HIGHER,
    "precision": Direction.HIGHER,
    "recall": Direction.HIGHER,
    "f1": Direction.HIGHER,
    "balanced_accuracy": Direction.HIGHER,
    "mcc": Direction.HIGHER,
}
SCORE_BASES = ("roc_auc", "pr_auc", "log_loss", "brier")
REGRESSION_BASES = ("mae", "mse", "rmse", "r2", "mape")
_LIBRARY_NAMES = {
    "tpr": "true_positive_rate",
    "fpr": "false_positive_rate",
    "fnr": "false_negative_rate",
    "tnr": "true_negative_rate",
    "accuracy_score": "accuracy",
    "precision_score": "precision",
    "recall_score": "recall",
    "f1_score": "f1",
    "balanced_accuracy_score": "balanced_accuracy",
    "matthews_corrcoef": "mcc",
    "roc_auc_score": "roc_auc",
    "average_precision_score": "pr_auc",
    "average_precision": "pr_auc",
    "brier_score_loss": "brier",
    "mean_absolute_error": "mae",
    "mean_squared_error": "mse",
    "root_mean_squared_error": "rmse",
    "r2_score": "r2",
    "mean_absolute_percentage_error": "mape",
}
# One home for every accepted alias: short forms and scikit-learn's function names.
ALIASES = {
    "average_precision": "pr_auc",
    "brier_score": "brier",
    "matthews": "mcc",
    **_LIBRARY_NAMES,
}


def metric_def(name: str) -> MetricDef | None:
    """The definition of ``name`` (aliases resolved), or None."""
    return METRICS.get(ALIASES.get(name, name))
