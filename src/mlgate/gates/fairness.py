"""Fairness gate: group metrics and disparities across sensitive features, on fairlearn.

What it checks
    How a model's outcomes differ between groups defined by sensitive features (sex, race,
    age band, ...): demographic parity, equalized odds, equal opportunity, and any
    performance metric by group, each against the shared threshold block.

Why it matters
    A model can be accurate overall and still select, miss or wrongly flag one group far
    more often than another. Regulations (EU AI Act Art. 10, equal-credit and employment
    law) ask for this to be examined; the four-fifths rule is the classic test.

Policy example::

    - id: fairness
      type: fairness
      data: predictions
      label: y_true
      prediction: y_pred
      score: y_score                 # only for score metrics (roc_auc_group_min, ...)
      sensitive_features: [sex, age]
      bins: {age: [18, 30, 45, 60, 120]}   # numeric columns banded in the policy
      intersections: true            # also judge sex x age
      control_features: [region]     # disparities within each region; worst one judged
      min_group_size: 30
      metrics:
        disparate_impact: {min: 0.8}             # four-fifths rule (selection_rate_ratio)
        equalized_odds_difference: {max: 0.1, confidence: 0.95}
        recall_group_min: {min: 0.5}

Metrics
    Named: demographic_parity_difference / _ratio, equalized_odds_difference / _ratio
    (worst of TPR and FPR), equal_opportunity_difference / _ratio (TPR), and
    ``disparate_impact`` = ``selection_rate_ratio`` (the four-fifths rule is
    ``disparate_impact: {min: 0.8}``). The selection rate is the share of rows that get the
    favourable prediction: the positive label by default; with ``favorable: negative``
    (e.g. a predicted default is unfavourable) the share of negative predictions, as
    fairlearn's ``selection_rate`` with ``pos_label`` set to the negative label.
    Any base metric with a suffix: ``_difference`` (largest minus smallest group value),
    ``_ratio`` (smallest over largest), ``_group_min``, ``_group_max``. Base metrics:
    selection_rate, true_positive_rate, false_positive_rate, false_negative_rate,
    true_negative_rate, accuracy, precision, recall, f1, balanced_accuracy, mcc (from group
    counts); roc_auc, pr_auc, log_loss, brier (need ``score``) and for ``task: regression``
    mae, mse, rmse, r2, mape (through fairlearn's MetricFrame). scikit-learn names work too
    (``mean_absolute_error_group_max``).

Groups and evidence
    Each sensitive feature is judged on its own (check ``<metric>[sex]``); with
    ``intersections: true`` also their cross product (``<metric>[sex&age]``). A missing
    sensitive value is its own group (``<missing>``; values outside ``bins`` too). A group is
    judged on a metric only when the metric's own denominator reaches ``min_group_size``
    (default 30): positives for TPR/FNR, negatives for FPR/TNR, predicted positives for
    precision, rows for selection rate and accuracy. Smaller groups are listed with that
    count and left out of the verdict; with fewer than two groups left the check is
    inconclusive. Group names that hold personal data are masked like PII findings. The report
    carries the per-group table (size, value, selection rate) and names the disadvantaged
    group. A ratio whose groups are all at 0 is 1 (equal); fairlearn returns NaN there.

Speed
    Count-based metrics and their bootstrap intervals come from one counting pass over the
    rows and multinomial resampling of the group cells (exact, and independent of the row
    count); the tests check every number against fairlearn. Other metrics run through
    fairlearn's MetricFrame and its own bootstrap (``n_boot``, ``ci_quantiles``).

References
    fairlearn user guide (MetricFrame, disparity metrics); Hardt, Price & Srebro, "Equality
    of Opportunity in Supervised Learning" (2016); US EEOC Uniform Guidelines, 29 CFR
    1607.4(D) (four-fifths rule).
"""

from __future__ import annotations

import builtins
import itertools
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from pydantic import Field

from mlgate.errors import GateError, NodePath, did_you_mean
from mlgate.gates.base import BaseGate, GateConfig
from mlgate.gates.common.predictions import PredictionConfig, load, source_problems
from mlgate.report import CheckResult
from mlgate.stats.catalog import ALIASES, REGRESSION_BASES, SCORE_BASES
from mlgate.stats.catalog import RATE_DIRECTIONS as COUNT_BASES
from mlgate.thresholds import Direction, Threshold, range_problems

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from mlgate.gates.base import RunContext
    from mlgate.stats.metrics import Data

NAMED = {
    "demographic_parity_difference": (("selection_rate",), "difference"),
    "demographic_parity_ratio": (("selection_rate",), "ratio"),
    "disparate_impact": (("selection_rate",), "ratio"),
    "equal_opportunity_difference": (("true_positive_rate",), "difference"),
    "equal_opportunity_ratio": (("true_positive_rate",), "ratio"),
    "equalized_odds_difference": (("true_positive_rate", "false_positive_rate"), "difference"),
    "equalized_odds_ratio": (("true_positive_rate", "false_positive_rate"), "ratio"),
}
AGGREGATES = ("difference", "ratio", "group_min", "group_max")


@dataclass(frozen=True)
class FairMetric:
    """A parsed fairness metric name."""

    name: str
    bases: tuple[str, ...]
    how: str
    direction: Direction
    low: float
    high: float

    @property
    def count_based(self) -> bool:
        """Computed from group cell counts (fast path) rather than through MetricFrame."""
        return all(b in COUNT_BASES for b in self.bases)

    @property
    def needs_score(self) -> bool:
        """Needs predicted probabilities."""
        return any(b in SCORE_BASES for b in self.bases)


def parse_metric(name: str, task: str) -> FairMetric | str:
    """The metric named ``name`` for ``task``, or an error message."""
    from mlgate.errors import spelling_variants

    if name not in NAMED:
        for variant in spelling_variants(name):
            if variant in example_names(task):
                return f"unknown fairness metric (did you mean `{variant}`?)"
    if name in NAMED:
        bases, how = NAMED[name]
        return _build(name, bases, how, task)
    for how in AGGREGATES:
        if name.endswith("_" + how):
            base = name.removesuffix("_" + how)
            return _build(name, (ALIASES.get(base, base),), how, task)
    return f"unknown fairness metric{did_you_mean(name, example_names(task))}"


def example_names(task: str) -> list[str]:
    """Metric names a policy can use for ``task`` (named metrics and base x aggregate)."""
    bases = list(COUNT_BASES) + list(SCORE_BASES) if task == "binary" else list(REGRESSION_BASES)
    named = list(NAMED) if task == "binary" else []
    return named + [f"{b}_{how}" for b in bases for how in AGGREGATES]


def _build(name: str, bases: tuple[str, ...], how: str, task: str) -> FairMetric | str:
    from mlgate.stats.catalog import METRICS

    allowed = (*COUNT_BASES, *SCORE_BASES) if task == "binary" else REGRESSION_BASES
    for base in bases:
        if base not in allowed:
            return f"`{base}` is not a {task} metric; known: {', '.join(allowed)}"
    base = bases[0]
    if base in COUNT_BASES:
        direction, low, high = COUNT_BASES[base], (-1.0 if base == "mcc" else 0.0), 1.0
    else:
        mdef = METRICS[base]
        direction, low, high = mdef.direction, mdef.low, mdef.high
    if how == "ratio" and low < 0:
        return f"`{base}` can be negative, so a ratio of it means nothing; use _difference"
    if how == "difference":
        return FairMetric(name, bases, how, Direction.LOWER, 0.0, high - low)
    if how == "ratio":
        return FairMetric(name, bases, how, Direction.HIGHER, 0.0, 1.0)
    return FairMetric(name, bases, how, direction, low, high)


class FairnessConfig(PredictionConfig):
    """Keys of a ``type: fairness`` gate."""

    type: Literal["fairness"]
    task: Literal["binary", "regression"] = "binary"
    sensitive_features: list[str] = Field(min_length=1)
    intersections: bool = False
    control_features: list[str] = Field(default_factory=list)
    bins: dict[str, list[float]] = Field(default_factory=dict)
    min_group_size: int = Field(default=30, ge=1)
    favorable: Literal["positive", "negative"] = "positive"
    metrics: dict[str, Threshold] = Field(min_length=1)


class FairnessGate(BaseGate[FairnessConfig]):
    """Group fairness metrics against thresholds (see the module docstring)."""

    type: ClassVar[str] = "fairness"
    summary: ClassVar[str] = "group fairness: parity, equalized odds, metrics by group (fairlearn)"
    config_model: ClassVar[builtins.type[GateConfig]] = FairnessConfig
    input_fields: ClassVar[tuple[str, ...]] = ("data", "model")

    def validate_config(self, config: FairnessConfig) -> list[tuple[NodePath, str]]:
        """Metric names and ranges, feature lists, bins."""
        parsed = {n: parse_metric(n, config.task) for n in config.metrics}
        scores_only = all(isinstance(m, FairMetric) and m.needs_score for m in parsed.values())
        problems = source_problems(config, scores_only=scores_only)
        for name, metric in parsed.items():
            at: NodePath = ("metrics", name)
            if isinstance(metric, str):
                problems.append((at, metric))
                continue
            problems.extend(range_problems(at, config.metrics[name], metric.low, metric.high))
            if metric.needs_score and config.score is None and config.model is None:
                problems.append((at, f"{name} needs `score:` (predicted probabilities)"))
        problems.extend(_feature_problems(config))
        return problems

    def run(self, config: FairnessConfig, ctx: RunContext) -> list[CheckResult]:
        """Count groups once, then judge every metric for every grouping."""
        metrics = {n: parse_metric(n, config.task) for n in config.metrics}
        needs_score = any(isinstance(m, FairMetric) and m.needs_score for m in metrics.values())
        columns = [*config.sensitive_features, *config.control_features]
        loaded = load(config, ctx, needs_score=needs_score, extra_columns=columns)
        data, frame = loaded.data, loaded.frame
        groupings = _groupings(config, frame)
        strata = _strata(config, frame)
        checks = []
        for grouping in groupings:
            for name, metric in metrics.items():
                assert isinstance(metric, FairMetric)
                judge = _Judge(config, ctx, data, grouping, strata, metric)
                checks.append(judge.check(config.metrics[name]))
        return checks


def _feature_problems(config: FairnessConfig) -> list[tuple[NodePath, str]]:
    out: list[tuple[NodePath, str]] = []
    both = set(config.sensitive_features) & set(config.control_features)
    if both:
        out.append((("control_features",), f"also sensitive features: {', '.join(sorted(both))}"))
    if len(set(config.sensitive_features)) != len(config.sensitive_features):
        out.append((("sensitive_features",), "lists a column twice"))
    known = {*config.sensitive_features, *config.control_features}
    for column, edges in config.bins.items():
        at: NodePath = ("bins", column)
        if column not in known:
            out.append((at, f"`{column}` is not a sensitive or control feature"))
        elif len(edges) < 2 or any(a >= b for a, b in itertools.pairwise(edges)):
            out.append((at, "needs at least two increasing edges, e.g. [0, 25, 40, 65, 120]"))
    return out


# ----------------------------------------------------------------------------- groups


@dataclass
class Grouping:
    """Group codes of every row for one sensitive feature (or their intersection)."""

    name: str
    codes: np.ndarray
    labels: list[str]


def _column_codes(config: FairnessConfig, frame: pd.DataFrame, column: str) -> Grouping:
    import pandas as pd

    values = frame[column]
    if column in config.bins:
        edges = config.bins[column]
        if not pd.api.types.is_numeric_dtype(values):
            raise GateError(f"`bins` for `{column}` need a numeric column")
        from mlgate.numbers import plain

        labels = [f"[{plain(a)}, {plain(b)})" for a, b in itertools.pairwise(edges)]
        values = pd.cut(values, edges, right=False, labels=labels)
    from mlgate.gates.pii.detect import masked_labels
    from mlgate.stats.groups import group_codes

    codes, names = group_codes(values, masked_labels)
    return Grouping(column, codes, names)


def _combine(parts: list[Grouping], name: str) -> Grouping:
    import numpy as np

    combined = np.zeros(len(parts[0].codes), dtype=np.int64)
    for part in parts:
        combined = combined * len(part.labels) + part.codes
    uniques, codes = np.unique(combined, return_inverse=True)
    labels = []
    for value in uniques:
        pieces = []
        for part in reversed(parts):
            value, index = divmod(int(value), len(part.labels))
            pieces.append(part.labels[index])
        labels.append(" & ".join(reversed(pieces)))
    return Grouping(name, codes.astype(np.int64), labels)


def _groupings(config: FairnessConfig, frame: pd.DataFrame) -> list[Grouping]:
    singles = [_column_codes(config, frame, c) for c in config.sensitive_features]
    for g in singles:
        if len(g.labels) < 2:
            raise GateError(f"every row is in one `{g.name}` group: nothing to compare")
    out = list(singles)
    if config.intersections and len(singles) > 1:
        out.append(_combine(singles, "&".join(config.sensitive_features)))
    return out


def _strata(config: FairnessConfig, frame: pd.DataFrame) -> Grouping:
    import numpy as np

    if not config.control_features:
        return Grouping("", np.zeros(len(frame), dtype=np.int64), [""])
    parts = [_column_codes(config, frame, c) for c in config.control_features]
    combined = _combine(parts, "&".join(config.control_features)) if len(parts) > 1 else parts[0]
    labels = [f"{combined.name}={label}" for label in combined.labels]
    return Grouping(combined.name, combined.codes, labels)


# ----------------------------------------------------------------------------- judging


class _Judge:
    """Computes one metric for one grouping and turns it into a check."""

    def __init__(
        self,
        config: FairnessConfig,
        ctx: RunContext,
        data: Data,
        grouping: Grouping,
        strata: Grouping,
        metric: FairMetric,
    ) -> None:
        self.config, self.ctx, self.data = config, ctx, data
        self.grouping, self.strata, self.metric = grouping, strata, metric
        self.check_name = f"{metric.name}[{grouping.name}]"
        self.deciding_base = metric.bases[0]

    def check(self, threshold: Threshold) -> CheckResult:
        """Compute, judge and document this metric for this grouping."""
        import numpy as np

        sizes = self._sizes()
        counts = self._denominators(sizes)
        by_base = {b: c >= self.config.min_group_size for b, c in counts.items()}
        eligible = np.logical_and.reduce(list(by_base.values()))
        if self.metric.count_based:
            values, point, interval = self._count_path(by_base, threshold)
        else:
            values, point, interval = self._fairlearn_path(eligible, threshold)
        value = float(point.value[0])
        needed = 1 if self.metric.how.startswith("group_") else 2
        inconclusive = None
        short = [b for b, e in by_base.items() if not (e.sum(axis=-1) >= needed).any()]
        if short:
            kinds = sorted({self._denominator_kind(b) for b in short})
            inconclusive = (
                f"fewer than {needed} `{self.grouping.name}` group(s) with at least "
                f"min_group_size {self.config.min_group_size} {' / '.join(kinds)}"
            )
            if math.isnan(value):
                value = self._fallback(values, sizes)
        return self.ctx.check(
            self.check_name,
            value,
            threshold,
            self.metric.direction,
            ("metrics", self.metric.name),
            interval=interval,
            evidence=self._evidence(sizes, eligible, values, point, counts),
            inconclusive=inconclusive,
            notes=self._small_group_notes(sizes, by_base, counts),
            undefined=f"{self.metric.name} is undefined for `{self.grouping.name}`",
        )

    def _fallback(self, values: dict[str, np.ndarray], sizes: np.ndarray) -> float:
        """With too few eligible groups, still report the value over all groups."""
        from mlgate.stats.groups import aggregate

        present = sizes > 0
        how = self.metric.how
        result, _ = self._combine_bases(
            {b: aggregate(v[None], present, how) for b, v in values.items()}
        )
        return float(result.value[0])

    def _denominator_kind(self, base: str) -> str:
        from mlgate.stats.groups import DENOMINATORS

        return DENOMINATORS.get(self._base(base), "rows") if self.metric.count_based else "rows"

    def _denominators(self, sizes: np.ndarray) -> dict[str, np.ndarray]:
        """Per base, the count each group's value divides by (rows for non-count metrics)."""
        if not self.metric.count_based:
            return dict.fromkeys(self.metric.bases, sizes)
        from mlgate.stats.groups import denominator

        cells = self._cells
        return {b: denominator(self._base(b), cells) for b in self.metric.bases}

    def _sizes(self) -> np.ndarray:

        s, g = len(self.strata.labels), len(self.grouping.labels)
        index = self.strata.codes * g + self.grouping.codes
        return self.data.count(index, s * g).reshape(s, g)

    @property
    def _cells(self) -> np.ndarray:
        from mlgate.stats.groups import count_cells

        assert self.data.p is not None
        return count_cells(
            self.data.y,
            self.data.p,
            self.grouping.codes,
            len(self.grouping.labels),
            self.strata.codes,
            len(self.strata.labels),
            self.data.w,
        )

    def _base(self, base: str) -> str:
        """With ``favorable: negative`` the selection rate is the share of negative predictions."""
        if base == "selection_rate" and self.config.favorable == "negative":
            return "negative_rate"
        return base

    def _rng(self) -> np.random.Generator:

        from mlgate.stats.groups import seeded_rng

        return seeded_rng(self.config.bootstrap.seed, self.check_name)

    def _count_path(
        self, eligible: dict[str, np.ndarray], threshold: Threshold
    ) -> tuple[dict[str, np.ndarray], Any, tuple[float, float] | None]:
        from mlgate.stats.groups import aggregate, rate, resample_cells
        from mlgate.stats.metrics import interval

        cells = self._cells[None]  # leading axis: one "replicate", the data itself
        values = {b: rate(self._base(b), cells) for b in self.metric.bases}
        how = self.metric.how
        point, self.deciding_base = self._combine_bases(
            {b: aggregate(v, eligible[b], how) for b, v in values.items()}
        )
        ci = None
        if threshold.confidence is not None:
            draws = resample_cells(cells[0], self.config.bootstrap.n_boot, self._rng())
            boot, _ = self._combine_bases(
                {
                    b: aggregate(rate(self._base(b), draws), eligible[b], how)
                    for b in self.metric.bases
                }
            )
            ci = interval(boot.value, threshold.confidence)
        return {b: v[0] for b, v in values.items()}, point, ci

    def _combine_bases(self, aggs: dict[str, Any]) -> tuple[Any, str]:
        """Equalized odds: the worse of the TPR and FPR aggregates, per replicate.

        Returns the combined aggregate and the base that decided the first replicate.
        """
        import numpy as np

        from mlgate.stats.groups import Aggregate

        items = list(aggs.values())
        if len(items) == 1:
            return items[0], next(iter(aggs))
        stacked = np.stack([a.value for a in items])
        largest = self.metric.how == "difference"
        filled = np.where(np.isnan(stacked), -np.inf if largest else np.inf, stacked)
        pick = filled.argmax(axis=0) if largest else filled.argmin(axis=0)
        idx = np.arange(stacked.shape[1])
        value = stacked[pick, idx]
        low = np.stack([a.low for a in items])[pick, idx]
        high = np.stack([a.high for a in items])[pick, idx]
        return Aggregate(value, low, high), list(aggs)[int(pick[0])]

    def _fairlearn_path(
        self, eligible: np.ndarray, threshold: Threshold
    ) -> tuple[dict[str, np.ndarray], Any, tuple[float, float] | None]:
        import numpy as np

        from mlgate.stats.groups import aggregate

        base = self.metric.bases[0]
        if self.data.w is not None:  # counted on an engine: the same metrics, weighted
            values = self._counted_values(base)
            usable = eligible & ~np.isnan(values)
            if threshold.confidence is not None:
                raise GateError(
                    f"a confidence bound on {self.metric.name} needs the rows; on an engine "
                    "input it is given for count-based metrics (rates) only"
                )
            return {base: values}, aggregate(values[None], usable, self.metric.how), None
        everything = _metric_frame(self, base, None, None)
        values = _by_group_array(everything, self)
        usable = eligible & ~np.isnan(values)
        point = aggregate(values[None], usable, self.metric.how)
        ci = None
        if threshold.confidence is not None:
            ci = _fairlearn_interval(self, base, usable, threshold.confidence, point)
        return {base: values}, point, ci

    def _counted_values(self, base: str) -> np.ndarray:
        import numpy as np

        from mlgate.stats.metrics import compute

        s_n, g_n = len(self.strata.labels), len(self.grouping.labels)
        out = np.full((s_n, g_n), np.nan)
        for s in range(s_n):
            for g in range(g_n):
                part = self.data.subset((self.strata.codes == s) & (self.grouping.codes == g))
                if part.n and (base not in ("roc_auc", "pr_auc") or len(np.unique(part.y)) == 2):
                    out[s, g] = compute(base, part)
        return out

    def _worst(self, point: Any) -> tuple[int, int] | None:
        if math.isnan(float(point.value[0])):
            return None
        base = self.deciding_base
        direction = COUNT_BASES.get(base)
        if direction is None:
            from mlgate.stats.catalog import METRICS

            direction = METRICS[base].direction
        low_is_bad = direction is Direction.HIGHER
        where = point.low[0] if low_is_bad else point.high[0]
        return int(where[0]), int(where[1])

    def _label(self, s: int, g: int) -> str:
        group = self.grouping.labels[g]
        return f"{self.strata.labels[s]} · {group}" if self.strata.labels[s] else group

    def _evidence(
        self,
        sizes: np.ndarray,
        eligible: np.ndarray,
        values: dict[str, np.ndarray],
        point: Any,
        counts: dict[str, np.ndarray],
    ) -> dict[str, Any]:
        from mlgate.stats.groups import PROPORTIONS, denominator, rate, wilson

        whiskers = None
        if len(values) == 1:
            ((only, v),) = values.items()
            if only in PROPORTIONS:
                whiskers = wilson(v, denominator(only, self._cells))
        selection = (
            rate(self._base("selection_rate"), self._cells)
            if self.data.task == "binary" and self.data.p is not None
            else None
        )
        groups = []
        for s in range(sizes.shape[0]):
            for g in range(sizes.shape[1]):
                if sizes[s, g] == 0:
                    continue
                row: dict[str, Any] = {"group": self._label(s, g), "n": int(sizes[s, g])}
                for base, v in values.items():
                    key = "value" if len(values) == 1 else base
                    row[key] = _num(float(v[s, g]))
                if whiskers is not None:  # 95 % Wilson interval of the group's rate
                    row["interval"] = [
                        round(float(whiskers[0][s, g]), 6),
                        round(float(whiskers[1][s, g]), 6),
                    ]
                if selection is not None and "selection_rate" not in values:
                    row["selection_rate"] = _num(float(selection[s, g]))
                for base, c in counts.items():
                    kind = self._denominator_kind(base)
                    if kind != "rows":
                        row[kind] = int(c[s, g])
                row["judged"] = bool(eligible[s, g])
                groups.append(row)
        evidence: dict[str, Any] = {"column": self.grouping.name, "groups": groups}
        worst = self._worst(point)
        if worst is not None:
            evidence["worst_group"] = self._label(*worst)
        return evidence

    def _small_group_notes(
        self, sizes: np.ndarray, eligible: dict[str, np.ndarray], counts: dict[str, np.ndarray]
    ) -> list[str]:
        notes = []
        limit = self.config.min_group_size
        for base, ok in eligible.items():
            kind = self._denominator_kind(base)
            small = [
                f"{self._label(s, g)} ({int(counts[base][s, g])} {kind})"
                for s in range(sizes.shape[0])
                for g in range(sizes.shape[1])
                if sizes[s, g] > 0 and not ok[s, g]
            ]
            if small:
                on = f" on {base}" if len(eligible) > 1 or kind != "rows" else ""
                notes.append(
                    f"groups below min_group_size {limit} {kind}, not judged{on}: "
                    + ", ".join(small)
                )
        return notes


def _num(value: float) -> float | None:
    return None if math.isnan(value) else value


# ----------------------------------------------------------------------------- fairlearn


def _sklearn_metric(base: str) -> Any:
    import numpy as np
    from sklearn import metrics as skm

    functions = {
        "roc_auc": skm.roc_auc_score,
        "pr_auc": skm.average_precision_score,
        "log_loss": lambda y, s: skm.log_loss(y, s, labels=[0, 1]),
        "brier": skm.brier_score_loss,
        "mae": skm.mean_absolute_error,
        "mse": skm.mean_squared_error,
        "rmse": skm.root_mean_squared_error,
        "r2": skm.r2_score,
        "mape": skm.mean_absolute_percentage_error,
    }
    fn = functions[base]

    def safe(y_true: Any, y_pred: Any) -> float:
        if len(y_true) == 0:
            return float("nan")
        if base in ("roc_auc", "pr_auc") and len(np.unique(y_true)) < 2:
            return float("nan")  # undefined with one class: reported, not judged
        return float(fn(y_true, y_pred))

    safe.__name__ = base
    return safe


def _metric_frame(
    judge: _Judge, base: str, rows: np.ndarray | None, boot: tuple[int, list[float]] | None
) -> Any:
    import pandas as pd

    try:
        from fairlearn.metrics import MetricFrame
    except ImportError:
        raise GateError(
            f"{judge.metric.name} needs fairlearn: pip install 'mlgate[fairness]'"
        ) from None
    data = judge.data
    x = data.scores if base in SCORE_BASES else data.p
    assert x is not None
    sel = slice(None) if rows is None else rows
    kwargs: dict[str, Any] = {}
    if len(judge.strata.labels) > 1:
        kwargs["control_features"] = pd.Series(judge.strata.codes[sel], name="stratum")
    if boot is not None:
        kwargs.update(
            n_boot=boot[0], ci_quantiles=boot[1], random_state=judge.config.bootstrap.seed
        )
    return MetricFrame(
        metrics=_sklearn_metric(base),
        y_true=data.y[sel],
        y_pred=x[sel],
        sensitive_features=pd.Series(judge.grouping.codes[sel], name="group"),
        **kwargs,
    )


def _by_group_array(frame: Any, judge: _Judge) -> np.ndarray:
    import numpy as np

    out = np.full((len(judge.strata.labels), len(judge.grouping.labels)), np.nan)
    for key, value in frame.by_group.items():
        s, g = key if isinstance(key, tuple) else (0, key)
        out[int(s), int(g)] = float(value)
    return out


def _fairlearn_interval(
    judge: _Judge, base: str, usable: np.ndarray, confidence: float, point: Any
) -> tuple[float, float] | None:
    import numpy as np

    if np.isnan(point.value[0]):
        return None
    stratum = int(point.low[0][0])
    rows = usable[judge.strata.codes, judge.grouping.codes] & (judge.strata.codes == stratum)
    alpha = (1 - confidence) / 2
    mf = _metric_frame(judge, base, rows, (judge.config.bootstrap.n_boot, [alpha, 1 - alpha]))
    how = judge.metric.how
    result = {
        "difference": mf.difference_ci,
        "ratio": mf.ratio_ci,
        "group_min": mf.group_min_ci,
        "group_max": mf.group_max_ci,
    }[how]()
    low, high = (_scalar(r) for r in result)
    if np.isnan(low) or np.isnan(high):
        return None
    return low, high


def _scalar(value: Any) -> float:
    import numpy as np

    if hasattr(value, "iloc"):
        flat = np.asarray(value, dtype=np.float64).ravel()
        return float(flat[0]) if flat.size else float("nan")
    return float(value)
