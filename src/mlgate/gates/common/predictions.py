"""Shared by the gates that judge predictions (performance, fairness).

Predictions come either from columns of a dataset input (``prediction``, ``score``) or from a
model input applied to ``features``; labels are encoded once here (binary: 1 = positive
label; multiclass: sorted class codes; regression: floats), with clear errors for missing
columns, missing values, non-binary labels and scores that are not probabilities.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from mlgate.errors import GateError, NodePath
from mlgate.gates.base import GateConfig

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from mlgate.gates.base import RunContext
    from mlgate.stats.metrics import Data


class BootstrapConfig(BaseModel):
    """How confidence intervals are resampled."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    n_boot: int = Field(default=1000, ge=100, le=100_000)
    seed: int = 0


class PredictionConfig(GateConfig):
    """Keys that say where labels, predictions and scores come from."""

    data: str
    task: Literal["binary", "multiclass", "regression"]
    label: str
    prediction: str | None = None
    score: str | list[str] | None = None
    model: str | None = None
    features: list[str] | None = Field(default=None, min_length=1)
    positive_label: str | int | float | bool | None = None
    average: Literal["macro", "weighted", "micro"] = "macro"
    bootstrap: BootstrapConfig = Field(default_factory=BootstrapConfig)


def source_problems(config: PredictionConfig, scores_only: bool) -> list[tuple[NodePath, str]]:
    """Where predictions come from: a prediction column, or a model and its features."""
    out: list[tuple[NodePath, str]] = []
    if config.model is not None:
        if config.features is None:
            out.append((("features",), "`model:` needs `features:` (the model's input columns)"))
        for key in ("prediction", "score"):
            if getattr(config, key) is not None:
                out.append(((key,), f"`{key}:` and `model:` exclude each other"))
    elif config.prediction is None and not scores_only:
        out.append((("prediction",), "required key is missing (or give `model:` and `features:`)"))
    if config.task == "regression" and config.score is not None:
        out.append((("score",), "regression has no `score:`; use `prediction:`"))
    if config.task == "binary" and isinstance(config.score, list):
        out.append((("score",), "binary `score:` is one column (the positive-class probability)"))
    if config.task == "multiclass" and isinstance(config.score, str):
        out.append((("score",), "multiclass `score:` lists one probability column per class"))
    return out


# binary scores with more distinct values than this are rounded to SCORE_LEVELS per unit to
# be counted on an engine (roc_auc then within a bound the report states; log_loss and
# brier stay exact: their terms are summed by the engine before rounding)
EXACT_SCORES = 200_000
SCORE_LEVELS = 10_000
EPS = 2.220446049250313e-16  # numpy's float64 eps, as the row terms clip


@dataclass
class Loaded:
    """Encoded predictions and the frame their group columns come from.

    On pandas ``frame`` holds the rows; on an engine it holds one row per distinct
    combination of label, prediction, score and group columns (``data.w`` their counts)."""

    data: Data
    frame: pd.DataFrame
    engine: str = "pandas"
    rounded: float | None = None  # 1/levels when binary scores were rounded to be counted


def load(
    config: PredictionConfig,
    ctx: RunContext,
    *,
    needs_score: bool,
    extra_columns: list[str],
) -> Loaded:
    """Labels, predictions and scores of ``config`` from the input, on its engine."""
    engine = ctx.engine(config.data)
    if engine == "pandas":
        frame = ctx.frame(config.data)
        if len(frame) == 0:
            raise GateError(f"input `{config.data}` has no rows")
        data = prepare(config, ctx, frame, needs_score=needs_score, extra_columns=extra_columns)
        return Loaded(data, frame)
    return _counted(config, ctx, engine, needs_score, extra_columns)


def _counted(
    config: PredictionConfig,
    ctx: RunContext,
    engine: str,
    needs_score: bool,
    extra_columns: list[str],
) -> Loaded:
    """Predictions counted by the engine: one row per distinct combination."""
    import numpy as np

    if config.model is not None:
        raise GateError(
            f"input `{config.data}` is on {engine}: `model:` predicts in this process; write "
            "the predictions to the dataset and name them with `prediction:` / `score:`"
        )
    table = ctx.table(config.data)
    scores = [config.score] if isinstance(config.score, str) else list(config.score or [])
    keys = list(
        dict.fromkeys(
            [
                config.label,
                *([config.prediction] if config.prediction else []),
                *extra_columns,
                *scores,
            ]
        )
    )
    table.require(keys)
    rounded: dict[str, int] = {}
    sums: dict[str, str] = {}
    if config.task == "binary" and scores:
        score = scores[0]
        if table.has_more_distinct(score, EXACT_SCORES):
            rounded[score] = SCORE_LEVELS
            s = f"CAST({table.q(score)} AS DOUBLE)"
            lo, hi = repr(EPS), repr(1 - EPS)
            sums = {
                "__ln_s": f"ln(least(greatest({s}, {lo}), {hi}))",
                "__ln_1ms": f"ln(least(greatest(1 - {s}, {lo}), {hi}))",
                "__s": s,
                "__s2": f"{s} * {s}",
                "__bad": f"CASE WHEN {s} >= 0 AND {s} <= 1 THEN 0 ELSE 1 END",
            }
    frame = table.counts(keys, rounded, sums)
    weights = frame["__n"].to_numpy(dtype=np.int64)
    if weights.sum() == 0:
        raise GateError(f"input `{config.data}` has no rows")
    for column in keys:
        missing = int(weights[frame[column].isna().to_numpy()].sum())
        if missing and column not in extra_columns:
            raise GateError(_missing_text(config.data, column, missing, int(weights.sum())))
    if sums and frame["__bad"].sum() > 0:
        raise GateError(f"`{scores[0]}` must be probabilities in [0, 1]")
    data = prepare(config, ctx, frame, needs_score=needs_score, extra_columns=extra_columns)
    data.w = weights
    if sums:
        y = data.y == 1
        n = weights.astype(np.float64)
        ln_s, ln_1ms = frame["__ln_s"].to_numpy(float), frame["__ln_1ms"].to_numpy(float)
        s1, s2 = frame["__s"].to_numpy(float), frame["__s2"].to_numpy(float)
        data.terms = {
            "log_loss": -np.where(y, ln_s, ln_1ms) / n,
            "brier": np.where(y, n - 2 * s1 + s2, s2) / n,
        }
    return Loaded(data, frame, engine, 1 / SCORE_LEVELS if sums else None)


def auc_bound(data: Data) -> float:
    """How far roc_auc on rounded scores can be from the exact value: ties within a
    rounded level count one half, while the exact scores may order them either way."""
    import numpy as np

    (cells, levels), *_ = data.rank_cells
    counts = np.bincount(cells, data.w, minlength=2 * levels).astype(np.float64)
    pos, neg = counts[1::2], counts[0::2]
    total = pos.sum() * neg.sum()
    return float(0.5 * (pos * neg).sum() / total) if total else 0.0


def prepare(
    config: PredictionConfig,
    ctx: RunContext,
    frame: pd.DataFrame,
    *,
    needs_score: bool,
    extra_columns: list[str],
) -> Data:
    """Labels, predictions and scores of ``config`` encoded for the metric functions."""
    from mlgate.stats.metrics import Data

    columns = [config.label, *extra_columns]
    if config.model is None:
        columns += [c for c in (config.prediction,) if c]
        columns += [config.score] if isinstance(config.score, str) else list(config.score or [])
    else:
        columns += list(config.features or [])
    ctx.require_columns(config.data, frame, columns)
    y_raw = frame[config.label].to_numpy()
    _no_missing(frame, config.label, config.data)
    p_raw: np.ndarray | None
    if config.model is not None:
        p_raw, proba, classes = _predict(config, ctx, frame, needs_score)
    else:
        p_raw = frame[config.prediction].to_numpy() if config.prediction else None
        if config.prediction:
            _no_missing(frame, config.prediction, config.data)
        proba, classes = _score_columns(config, frame), None
    if config.task == "regression":
        y_float = _floats(y_raw, config.label)
        assert y_float is not None
        return Data("regression", y_float, _floats(p_raw, "prediction"))
    if config.task == "binary":
        return _binary(config, y_raw, p_raw, proba, classes)
    return _multiclass(config, y_raw, p_raw, proba, classes)


def _no_missing(frame: pd.DataFrame, column: str, data: str) -> None:
    missing = int(frame[column].isna().sum())
    if missing:
        raise GateError(_missing_text(data, column, missing, len(frame)))


def _missing_text(data: str, column: str, missing: int, rows: int) -> str:
    """Rows without a label or a prediction cannot be scored, and leaving them out would
    judge another set of rows than the input: the user decides."""
    return (
        f"input `{data}` column `{column}` has {missing:,} missing values in {rows:,} rows; "
        "every row needs one (drop or fill the rows without it before the gate)"
    )


def _floats(values: np.ndarray | None, what: str) -> np.ndarray | None:
    import numpy as np

    if values is None:
        return None
    try:
        return np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise GateError(f"`{what}` must be numeric for a regression task") from None


def _score_columns(config: PredictionConfig, frame: pd.DataFrame) -> np.ndarray | None:
    import numpy as np

    if config.score is None:
        return None
    cols = [config.score] if isinstance(config.score, str) else config.score
    sub = frame[cols]
    if sub.isna().any().any():
        raise GateError(f"input `{config.data}`: score columns have missing values")
    try:
        values = sub.to_numpy(dtype=np.float64)
    except (TypeError, ValueError):
        raise GateError(f"input `{config.data}`: score columns must be numeric") from None
    out: np.ndarray = values[:, 0] if isinstance(config.score, str) else values
    return out


def _predict(
    config: PredictionConfig, ctx: RunContext, frame: pd.DataFrame, needs_score: bool
) -> tuple[np.ndarray, np.ndarray | None, list[Any] | None]:
    assert config.model is not None
    assert config.features is not None
    model = ctx.model(config.model)
    features = frame[config.features]
    try:
        predicted = model.predict(features)
        proba = model.predict_proba(features) if needs_score else None
    except Exception as exc:
        raise GateError(f"model `{config.model}` failed to predict: {type(exc).__name__}") from None
    if needs_score and proba is None:
        raise GateError(f"model `{config.model}` gives no probabilities (no predict_proba)")
    return predicted, proba, model.classes


def _check_probabilities(values: np.ndarray, what: str) -> None:
    import numpy as np

    if not np.all(np.isfinite(values)) or values.min() < 0 or values.max() > 1:
        raise GateError(f"{what} must be probabilities in [0, 1]")


def _binary(
    config: PredictionConfig,
    y_raw: np.ndarray,
    p_raw: np.ndarray | None,
    proba: np.ndarray | None,
    classes: list[Any] | None,
) -> Data:
    import numpy as np

    from mlgate.stats.metrics import Data

    labels = _distinct(y_raw)
    if len(labels) > 2:
        raise GateError(
            f"task is binary but `{config.label}` has {len(labels)} distinct values; "
            "use task: multiclass"
        )
    positive = _positive_label(config, labels, classes)
    y = (y_raw == positive).astype(np.int64)
    p = (p_raw == positive).astype(np.int64) if p_raw is not None else None
    scores = None
    if proba is not None:
        scores = proba if proba.ndim == 1 else proba[:, _class_index(classes, positive, proba)]
        _check_probabilities(scores, f"`{config.score or 'predict_proba'}`")
    return Data("binary", y, p, scores)


def _class_index(classes: list[Any] | None, positive: Any, proba: np.ndarray) -> int:
    if classes is None:
        return int(proba.shape[1]) - 1
    if positive not in classes:
        raise GateError(f"the model does not know the positive label {positive!r}")
    return classes.index(positive)


def _distinct(values: np.ndarray) -> list[Any]:
    import pandas as pd

    return sorted(pd.unique(values).tolist(), key=repr)


def _positive_label(config: PredictionConfig, labels: list[Any], classes: list[Any] | None) -> Any:
    if config.positive_label is not None:
        return config.positive_label
    known = set(labels) | set(classes or [])
    if known <= {0, 1}:
        return 1
    from mlgate.gates.pii.detect import masked_labels

    shown = masked_labels([str(v) for v in labels[:5]])  # class names, personal data masked
    more = f" and {len(labels) - 5} more" if len(labels) > 5 else ""
    raise GateError(
        f"labels of `{config.label}` are not 0/1 (found {', '.join(shown)}{more}); "
        "set `positive_label:` to the label of the positive class"
    )


def _multiclass(
    config: PredictionConfig,
    y_raw: np.ndarray,
    p_raw: np.ndarray | None,
    proba: np.ndarray | None,
    classes: list[Any] | None,
) -> Data:
    import numpy as np

    from mlgate.stats.metrics import Data

    seen = set(_distinct(y_raw)) | (set(_distinct(p_raw)) if p_raw is not None else set())
    if classes is None:
        classes = sorted(seen, key=lambda v: (str(type(v)), v))
    unknown = seen - set(classes)
    if unknown:
        raise GateError(f"{len(unknown)} label values are not among the model's classes")
    index = {c: i for i, c in enumerate(classes)}
    y = np.fromiter((index[v] for v in y_raw), dtype=np.int64, count=len(y_raw))
    p = None
    if p_raw is not None:
        p = np.fromiter((index[v] for v in p_raw), dtype=np.int64, count=len(p_raw))
    if proba is not None:
        if proba.ndim != 2 or proba.shape[1] != len(classes):
            raise GateError(
                f"{len(classes)} classes but {proba.shape[1] if proba.ndim == 2 else 1} "
                "probability columns (one per class, in sorted class order)"
            )
        _check_probabilities(proba, "class probabilities")
    return Data("multiclass", y, p, proba, k=len(classes), average=config.average)
