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
    - id: training-metrics
      type: performance
      metrics_source: model      # ... or the metrics logged on the MLflow run of an input
      logged_as: {roc_auc: val_roc_auc}   # when the run names a metric differently
      metrics:
        roc_auc: {min: 0.8, max_regression: 0.01}

Metrics
    binary/multiclass: accuracy, balanced_accuracy, precision, recall, f1, mcc, roc_auc,
    pr_auc (binary; alias average_precision), log_loss, brier. regression: mae, mse, rmse,
    r2, mape. Multiclass precision/recall/f1 use ``average`` (macro by default); multiclass
    roc_auc is one-vs-rest, macro-averaged; multiclass ``score`` lists one probability
    column per class in sorted class order.

Evidence
    Fewer rows than ``min_samples`` (default 30) makes a check inconclusive. A slice is judged
    only when the metric's own denominator reaches ``min_samples`` (positives for recall and
    f1, predicted positives for precision, rows of the smaller class for roc_auc, pr_auc and
    balanced accuracy, rows otherwise); smaller slices are reported with that count and left
    out of the worst-slice verdict. Slice values that hold personal data are masked. With
    ``confidence`` the interval comes from ``bootstrap.n_boot`` (default 1000) seeded
    resamples.

Logged metrics
    ``metrics_source: INPUT`` names an ``mlflow:`` input; the metrics logged on its run
    (the run of a registered model version, or of a ``runs:/`` artifact) are the observed
    values, so a team that computes metrics in training gates on them without recomputing.
    Such a gate has no ``data``, predictions, slices or ``confidence`` (a logged value is a
    point estimate); limits and regression against the baseline apply. A metric the run did
    not log is an error naming it and the run.

References
    scikit-learn metrics (the values match it); Efron & Tibshirani, *An Introduction to the
    Bootstrap* (percentile intervals).
"""

from __future__ import annotations

import builtins
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from pydantic import Field, ModelWrapValidatorHandler, ValidationError, model_validator

from mlgate.errors import NodePath, did_you_mean
from mlgate.gates.base import BaseGate, GateConfig
from mlgate.gates.common.predictions import Loaded, PredictionConfig, load, source_problems
from mlgate.report import CheckResult
from mlgate.thresholds import Threshold, range_problems

if TYPE_CHECKING:
    import numpy as np

    from mlgate.gates.base import RunContext
    from mlgate.stats.catalog import MetricDef
    from mlgate.stats.metrics import Data


class PerformanceConfig(PredictionConfig):
    """Keys of a ``type: performance`` gate."""

    type: Literal["performance"]
    metrics: dict[str, Threshold] = Field(min_length=1)
    slices: list[str] = Field(default_factory=list)
    min_samples: int = Field(default=30, ge=1)
    # observed values from the metrics logged on an MLflow run (an `mlflow:` input's run)
    # instead of computing them; then `data`, `label` and predictions are not needed
    metrics_source: str | None = None
    logged_as: dict[str, str] = Field(default_factory=dict)  # metric -> logged metric name
    data: str = ""
    label: str = ""
    task: Literal["binary", "multiclass", "regression"] = "binary"

    @model_validator(mode="wrap")
    @classmethod
    def _computed_needs_data(cls, value: Any, handler: ModelWrapValidatorHandler[Any]) -> Any:
        """``data``, ``label`` and ``task`` are required unless ``metrics_source`` is given,
        reported with the block's other problems in one pass."""
        missing: list[dict[str, Any]] = []
        if isinstance(value, dict) and value.get("metrics_source") is None:
            missing = [
                {"type": "missing", "loc": (key,), "input": value}
                for key in ("data", "label", "task")
                if key not in value
            ]
        try:
            result = handler(value)
        except ValidationError as exc:
            if not missing:
                raise
            found = [
                {k: e[k] for k in ("type", "loc", "input", "ctx") if k in e} for e in exc.errors()
            ]
            details: list[Any] = [*found, *missing]
            raise ValidationError.from_exception_data(cls.__name__, details) from None
        if missing:
            raise ValidationError.from_exception_data(cls.__name__, list[Any](missing))
        return result


class PerformanceGate(BaseGate[PerformanceConfig]):
    """Model performance metrics against thresholds (see the module docstring)."""

    type: ClassVar[str] = "performance"
    summary: ClassVar[str] = "model quality metrics vs thresholds, slices and a baseline"
    config_model: ClassVar[builtins.type[GateConfig]] = PerformanceConfig
    input_fields: ClassVar[tuple[str, ...]] = ("data", "model", "metrics_source")

    def validate_config(self, config: PerformanceConfig) -> list[tuple[NodePath, str]]:
        """Metric names, ranges, and where predictions come from."""
        from mlgate.stats.catalog import ALIASES, METRICS

        if config.metrics_source is not None:
            problems = _logged_problems(config)
        else:
            problems = [
                ((key,), "required key is missing")
                for key in ("data", "label")
                if not getattr(config, key)
            ]
            if not problems:
                problems = source_problems(config, scores_only=_all_score_metrics(config))
        for name, threshold in config.metrics.items():
            mdef = METRICS.get(ALIASES.get(name, name))
            at: NodePath = ("metrics", name)
            if mdef is None or config.task not in mdef.tasks:
                names = [m for m, d in METRICS.items() if config.task in d.tasks]
                hint = did_you_mean(name, names)
                msg = f"unknown metric for task {config.task}{hint}; known: {', '.join(names)}"
                problems.append((at, msg))
                continue
            problems.extend(range_problems(at, threshold, mdef.low, mdef.high))
            needs_predictions = config.metrics_source is None
            if (
                needs_predictions
                and mdef.needs_score
                and config.score is None
                and config.model is None
            ):
                problems.append((at, f"{mdef.name} needs `score:` (predicted probabilities)"))
        return problems

    def run(self, config: PerformanceConfig, ctx: RunContext) -> list[CheckResult]:
        """Compute every configured metric overall and per slice, and judge it."""
        from mlgate.stats.catalog import metric_def

        if config.metrics_source is not None:
            return _logged_checks(config, ctx)
        needs_score = any(
            (d := metric_def(m)) is not None and d.needs_score for m in config.metrics
        )
        loaded = load(config, ctx, needs_score=needs_score, extra_columns=config.slices)
        checks = []
        for name, threshold in config.metrics.items():
            mdef = metric_def(name)
            assert mdef is not None
            checks.append(_overall_check(name, mdef, threshold, loaded, config, ctx))
            for column in config.slices:
                checks.append(_slice_check(name, mdef, threshold, loaded, column, config, ctx))
        return checks


def _logged_problems(config: PerformanceConfig) -> list[tuple[NodePath, str]]:
    out: list[tuple[NodePath, str]] = []
    computed = ("data", "label", "prediction", "score", "model", "features")
    for key in computed:
        if getattr(config, key):
            out.append(((key,), f"`{key}:` and `metrics_source:` exclude each other"))
    if config.slices:
        out.append((("slices",), "slices need the predictions; not with `metrics_source:`"))
    for name, threshold in config.metrics.items():
        if threshold.confidence is not None:
            msg = "a confidence bound needs the predictions; a logged metric is a point value"
            out.append((("metrics", name, "confidence"), msg))
    for name in config.logged_as:
        if name not in config.metrics:
            out.append((("logged_as", name), f"`{name}` is not one of this gate's metrics"))
    return out


def _logged_checks(config: PerformanceConfig, ctx: RunContext) -> list[CheckResult]:
    """Judge the metrics logged on the MLflow run behind ``metrics_source``."""
    from mlgate.stats.catalog import metric_def

    assert config.metrics_source is not None
    run_id, logged = ctx.logged_metrics(config.metrics_source)
    checks = []
    for name, threshold in config.metrics.items():
        mdef = metric_def(name)
        assert mdef is not None
        key = config.logged_as.get(name, name)
        value = logged.get(key, float("nan"))
        evidence = {"mlflow_run": run_id, "logged_as": key}
        checks.append(
            ctx.check(
                name,
                value,
                threshold,
                mdef.direction,
                ("metrics", name),
                evidence=evidence,
                undefined=f"metric `{key}` is not logged on MLflow run {run_id}",
            )
        )
    return checks


def _all_score_metrics(config: PerformanceConfig) -> bool:
    from mlgate.stats.catalog import metric_def

    defs = [metric_def(m) for m in config.metrics]
    return all(d is not None and d.needs_score for d in defs)


# ----------------------------------------------------------------------------- checks


def _rng(config: PerformanceConfig, name: str) -> np.random.Generator:

    from mlgate.stats.groups import seeded_rng

    return seeded_rng(config.bootstrap.seed, name)


def _estimate(
    name: str, data: Data, threshold: Threshold, config: PerformanceConfig, key: str
) -> tuple[float, tuple[float, float] | None, list[str]]:
    from mlgate.stats.metrics import bootstrap, compute, interval

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


def _engine_notes(name: str, loaded: Loaded, data: Data, evidence: dict[str, Any]) -> list[str]:
    """What an engine's counting changed: rounded scores bound roc_auc and pr_auc."""
    if loaded.engine == "pandas":
        return []
    evidence["engine"] = loaded.engine
    if loaded.rounded is None or name not in ("roc_auc", "pr_auc", "average_precision"):
        return []
    from mlgate.gates.common.predictions import auc_bound

    evidence["score_rounding"] = loaded.rounded
    if name == "roc_auc":
        bound = auc_bound(data)
        evidence["rounding_bound"] = round(bound, 6)
        return [
            f"scores rounded to {loaded.rounded:g} to be counted on {loaded.engine}: roc_auc "
            f"is within ±{bound:.2g} of its value on the exact scores"
        ]
    return [f"scores rounded to {loaded.rounded:g} to be counted on {loaded.engine}"]


def _overall_check(
    name: str,
    mdef: MetricDef,
    threshold: Threshold,
    loaded: Loaded,
    config: PerformanceConfig,
    ctx: RunContext,
) -> CheckResult:
    data = loaded.data
    value, ci, notes = _estimate(name, data, threshold, config, name)
    small = data.n < config.min_samples
    evidence: dict[str, Any] = {"n": data.n}
    notes += _engine_notes(name, loaded, data, evidence)
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
    loaded: Loaded,
    column: str,
    config: PerformanceConfig,
    ctx: RunContext,
) -> CheckResult:
    import numpy as np

    from mlgate.gates.pii.detect import masked_labels
    from mlgate.stats.groups import PROPORTIONS, group_codes, wilson
    from mlgate.stats.metrics import compute, denominator_count
    from mlgate.thresholds import Direction

    data, frame = loaded.data, loaded.frame
    codes, labels = group_codes(frame[column], masked_labels)
    sizes = data.count(codes, len(labels))
    groups: list[dict[str, Any]] = []
    eligible: list[tuple[float, int]] = []
    defined: list[tuple[float, int]] = []
    kind = mdef.denominator
    counts = []
    for g, label in enumerate(labels):
        part = data.subset(codes == g)
        count = denominator_count(kind, part) if sizes[g] else 0
        counts.append(count)
        judged = bool(count >= config.min_samples)
        value = compute(name, part) if sizes[g] else float("nan")
        row: dict[str, Any] = {"group": label, "n": int(sizes[g]), "value": _jsonable(value)}
        if kind != "rows":
            row[kind] = count
        if name in PROPORTIONS and np.isfinite(value):  # 95 % Wilson interval of the rate
            low, high = wilson(value, count if kind != "rows" else int(sizes[g]))
            row["interval"] = [round(float(low), 6), round(float(high), 6)]
        groups.append({**row, "judged": judged})
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
    small = [f"{x['group']} ({counts[g]} {kind})" for g, x in enumerate(groups) if not x["judged"]]
    if small:
        notes.append(
            f"groups below min_samples {config.min_samples} {kind}, not judged: {', '.join(small)}"
        )
    inconclusive = (
        None
        if eligible
        else f"every `{column}` group has fewer than min_samples {config.min_samples} {kind}"
    )
    evidence = {"column": column, "worst_group": labels[worst_group], "groups": groups}
    notes += _engine_notes(name, loaded, subset, evidence)
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
