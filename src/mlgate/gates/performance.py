"""Performance gate: model quality metrics against thresholds and a baseline.

What it checks
    Classification (``binary``, ``multiclass``) and ``regression`` metrics of a model's
    predictions, overall and per slice (the worst slice is judged), each against the shared
    threshold block -- absolute limits, regression against the baseline report, and
    bootstrap confidence intervals.

Why it matters
    A model that got worse, or is good on average and bad for one region, must not ship
    silently. Gating on the confidence bound, not the point estimate, stops a lucky
    evaluation sample from passing the gate.

Policy example::

    - id: model-quality
      type: performance
      data: predictions          # a dataset with labels and predictions ...
      task: binary
      label: y_true
      prediction: y_pred
      score: y_score             # positive-class probability (roc_auc, pr_auc, log_loss, brier)
      slices: [region]
      metrics:
        roc_auc: {min: 0.85, max_regression: 0.01, confidence: 0.95}
        f1: {min: 0.75, severity: warning}
    - id: model-quality-live
      type: performance
      data: eval                 # ... or a dataset plus a model input (skops, onnx)
      model: model
      features: [age, income, tenure]
      task: binary
      label: defaulted
      metrics:
        accuracy: {min: 0.8}

Metrics
    binary/multiclass: accuracy, balanced_accuracy, precision, recall, f1, mcc, roc_auc,
    pr_auc (binary; alias average_precision), log_loss, brier. regression: mae, mse, rmse,
    r2, mape. Multiclass precision/recall/f1 use ``average`` (macro by default); multiclass
    roc_auc is one-vs-rest, macro-averaged; multiclass ``score`` lists one probability
    column per class in sorted class order.

Evidence
    Fewer rows than ``min_samples`` (default 30) makes a check inconclusive; slices smaller
    than it are reported and left out of the worst-slice verdict. With ``confidence`` the
    interval comes from ``bootstrap.n_boot`` (default 1000) seeded resamples.

References
    scikit-learn metrics (the values match it); Efron & Tibshirani, *An Introduction to the
    Bootstrap* (percentile intervals).
"""

from __future__ import annotations

import builtins
import zlib
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from mlgate.errors import GateError, NodePath, did_you_mean
from mlgate.gates.base import BaseGate, GateConfig
from mlgate.report import CheckResult
from mlgate.thresholds import Threshold

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from mlgate.context import RunContext
    from mlgate.metric_catalog import MetricDef
    from mlgate.metrics import Data

MISSING_GROUP = "<missing>"


class BootstrapConfig(BaseModel):
    """How confidence intervals are resampled."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    n_boot: int = Field(default=1000, ge=100, le=100_000)
    seed: int = 0


class PerformanceConfig(GateConfig):
    """Keys of a ``type: performance`` gate."""

    type: Literal["performance"]
    data: str
    task: Literal["binary", "multiclass", "regression"]
    label: str
    prediction: str | None = None
    score: str | list[str] | None = None
    model: str | None = None
    features: list[str] | None = Field(default=None, min_length=1)
    positive_label: str | int | float | bool | None = None
    average: Literal["macro", "weighted", "micro"] = "macro"
    metrics: dict[str, Threshold] = Field(min_length=1)
    slices: list[str] = Field(default_factory=list)
    min_samples: int = Field(default=30, ge=1)
    bootstrap: BootstrapConfig = Field(default_factory=BootstrapConfig)


class PerformanceGate(BaseGate):
    """Model performance metrics against thresholds (see the module docstring)."""

    type: ClassVar[str] = "performance"
    summary: ClassVar[str] = "model quality metrics vs thresholds, slices and a baseline"
    config_model: ClassVar[builtins.type[GateConfig]] = PerformanceConfig
    input_fields: ClassVar[tuple[str, ...]] = ("data", "model")

    def validate_config(self, config: Any) -> list[tuple[NodePath, str]]:
        """Metric names, ranges, and where predictions come from."""
        from mlgate.metric_catalog import ALIASES, METRICS

        assert isinstance(config, PerformanceConfig)
        problems = _source_problems(config)
        for name, threshold in config.metrics.items():
            mdef = METRICS.get(ALIASES.get(name, name))
            at: NodePath = ("metrics", name)
            if mdef is None or config.task not in mdef.tasks:
                names = [m for m, d in METRICS.items() if config.task in d.tasks]
                hint = did_you_mean(name, names)
                msg = f"unknown metric for task {config.task}{hint}; known: {', '.join(names)}"
                problems.append((at, msg))
                continue
            problems.extend(_range_problems(at, threshold, mdef))
            if mdef.needs_score and config.score is None and config.model is None:
                problems.append((at, f"{mdef.name} needs `score:` (predicted probabilities)"))
        return problems

    def run(self, config: Any, ctx: RunContext) -> list[CheckResult]:
        """Compute every configured metric overall and per slice, and judge it."""
        from mlgate.metric_catalog import metric_def

        assert isinstance(config, PerformanceConfig)
        frame = ctx.frame(config.data)
        if len(frame) == 0:
            raise GateError(f"input `{config.data}` has no rows")
        data = _prepare(config, ctx, frame)
        checks = []
        for name, threshold in config.metrics.items():
            mdef = metric_def(name)
            assert mdef is not None
            checks.append(_overall_check(name, mdef, threshold, data, config, ctx))
            for column in config.slices:
                checks.append(_slice_check(name, mdef, threshold, data, frame, column, config, ctx))
        return checks


def _source_problems(config: PerformanceConfig) -> list[tuple[NodePath, str]]:
    out: list[tuple[NodePath, str]] = []
    if config.model is not None:
        if config.features is None:
            out.append((("features",), "`model:` needs `features:` (the model's input columns)"))
        for key in ("prediction", "score"):
            if getattr(config, key) is not None:
                out.append(((key,), f"`{key}:` and `model:` exclude each other"))
    elif config.prediction is None and not _all_score_metrics(config):
        out.append((("prediction",), "required key is missing (or give `model:` and `features:`)"))
    if config.task == "regression" and config.score is not None:
        out.append((("score",), "regression has no `score:`; use `prediction:`"))
    if config.task == "binary" and isinstance(config.score, list):
        out.append((("score",), "binary `score:` is one column (the positive-class probability)"))
    if config.task == "multiclass" and isinstance(config.score, str):
        out.append((("score",), "multiclass `score:` lists one probability column per class"))
    return out


def _all_score_metrics(config: PerformanceConfig) -> bool:
    from mlgate.metric_catalog import metric_def

    defs = [metric_def(m) for m in config.metrics]
    return all(d is not None and d.needs_score for d in defs)


def _range_problems(at: NodePath, t: Threshold, mdef: MetricDef) -> list[tuple[NodePath, str]]:
    out: list[tuple[NodePath, str]] = []
    for key, value in (("min", t.min), ("max", t.max)):
        if value is not None and not mdef.low <= value <= mdef.high:
            out.append(((*at, key), f"must be a number between {mdef.low:g} and {mdef.high:g}"))
    if t.between is not None and not all(mdef.low <= v <= mdef.high for v in t.between):
        out.append(((*at, "between"), f"values must lie between {mdef.low:g} and {mdef.high:g}"))
    return out


# ----------------------------------------------------------------------------- inputs


def _prepare(config: PerformanceConfig, ctx: RunContext, frame: pd.DataFrame) -> Data:
    from mlgate.metric_catalog import metric_def
    from mlgate.metrics import Data

    needs_score = any((d := metric_def(m)) is not None and d.needs_score for m in config.metrics)
    columns = [config.label, *config.slices]
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
        raise GateError(f"input `{data}` column `{column}` has {missing} missing values")


def _floats(values: np.ndarray | None, what: str) -> np.ndarray | None:
    import numpy as np

    if values is None:
        return None
    try:
        return np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise GateError(f"`{what}` must be numeric for a regression task") from None


def _score_columns(config: PerformanceConfig, frame: pd.DataFrame) -> np.ndarray | None:
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
    config: PerformanceConfig, ctx: RunContext, frame: pd.DataFrame, needs_score: bool
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
    config: PerformanceConfig,
    y_raw: np.ndarray,
    p_raw: np.ndarray | None,
    proba: np.ndarray | None,
    classes: list[Any] | None,
) -> Data:
    import numpy as np

    from mlgate.metrics import Data

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


def _positive_label(config: PerformanceConfig, labels: list[Any], classes: list[Any] | None) -> Any:
    if config.positive_label is not None:
        return config.positive_label
    known = set(labels) | set(classes or [])
    if known <= {0, 1}:
        return 1
    raise GateError(
        f"labels of `{config.label}` are not 0/1; set `positive_label:` "
        f"(found {len(labels)} distinct labels)"
    )


def _multiclass(
    config: PerformanceConfig,
    y_raw: np.ndarray,
    p_raw: np.ndarray | None,
    proba: np.ndarray | None,
    classes: list[Any] | None,
) -> Data:
    import numpy as np

    from mlgate.metrics import Data

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


# ----------------------------------------------------------------------------- checks


def _rng(config: PerformanceConfig, name: str) -> np.random.Generator:
    import numpy as np

    return np.random.default_rng([config.bootstrap.seed, zlib.crc32(name.encode())])


def _estimate(
    name: str, data: Data, threshold: Threshold, config: PerformanceConfig, key: str
) -> tuple[float, tuple[float, float] | None, list[str]]:
    from mlgate.metrics import bootstrap, compute, interval

    value = compute(name, data)
    if threshold.confidence is None:
        return value, None, []
    replicates = bootstrap(name, data, config.bootstrap.n_boot, _rng(config, key))
    ci = interval(replicates, threshold.confidence)
    if ci is None:
        return value, None, ["confidence interval undefined on too many resamples; point used"]
    return value, ci, []


def _undefined(name: str) -> str:
    if name in ("roc_auc", "pr_auc", "average_precision"):
        return f"{name} is undefined: the label has only one class in these rows"
    return f"{name} could not be computed"


def _overall_check(
    name: str,
    mdef: MetricDef,
    threshold: Threshold,
    data: Data,
    config: PerformanceConfig,
    ctx: RunContext,
) -> CheckResult:
    value, ci, notes = _estimate(name, data, threshold, config, name)
    small = data.n < config.min_samples
    evidence: dict[str, Any] = {"n": data.n}
    if ci is not None:
        evidence.update(confidence=threshold.confidence, n_boot=config.bootstrap.n_boot)
    return ctx.check(
        name,
        value,
        threshold,
        mdef.direction,
        ("metrics", name),
        interval=ci,
        evidence=evidence,
        inconclusive=f"{data.n} rows, fewer than min_samples {config.min_samples}"
        if small
        else None,
        notes=notes,
        undefined=_undefined(name),
    )


def _slice_check(
    name: str,
    mdef: MetricDef,
    threshold: Threshold,
    data: Data,
    frame: pd.DataFrame,
    column: str,
    config: PerformanceConfig,
    ctx: RunContext,
) -> CheckResult:
    import numpy as np
    import pandas as pd

    from mlgate.metrics import compute
    from mlgate.thresholds import Direction

    codes, uniques = pd.factorize(frame[column], sort=True, use_na_sentinel=True)
    labels = [str(u) for u in uniques]
    if (codes < 0).any():
        codes = np.where(codes < 0, len(labels), codes)
        labels.append(MISSING_GROUP)
    sizes = np.bincount(codes, minlength=len(labels))
    groups: list[dict[str, Any]] = []
    eligible: list[tuple[float, int]] = []
    defined: list[tuple[float, int]] = []
    for g, label in enumerate(labels):
        judged = bool(sizes[g] >= config.min_samples)
        value = compute(name, data.subset(codes == g)) if sizes[g] else float("nan")
        groups.append(
            {"group": label, "n": int(sizes[g]), "value": _jsonable(value), "judged": judged}
        )
        if np.isfinite(value):
            defined.append((value, g))
            if judged:
                eligible.append((value, g))
    pool = eligible or defined
    if not pool:
        return ctx.check(
            f"{name}[{column}]",
            float("nan"),
            threshold,
            mdef.direction,
            ("metrics", name),
            undefined=f"{name} is undefined in every `{column}` group",
        )
    pick = min if mdef.direction is Direction.HIGHER else max
    _, worst_group = pick(pool)
    subset = data.subset(codes == worst_group)
    value, ci, notes = _estimate(name, subset, threshold, config, f"{name}[{column}]")
    small = [str(x["group"]) for x in groups if not x["judged"]]
    if small:
        notes.append(
            f"groups below min_samples {config.min_samples}, not judged: {', '.join(small)}"
        )
    inconclusive = (
        None if eligible else f"every `{column}` group is below min_samples {config.min_samples}"
    )
    evidence = {"column": column, "worst_group": labels[worst_group], "groups": groups}
    return ctx.check(
        f"{name}[{column}]",
        value,
        threshold,
        mdef.direction,
        ("metrics", name),
        interval=ci,
        evidence=evidence,
        inconclusive=inconclusive,
        notes=notes,
        undefined=_undefined(name),
    )


def _jsonable(value: float) -> float | None:
    import math

    return None if math.isnan(value) else float(value)
