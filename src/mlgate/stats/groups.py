"""Group metrics from confusion-cell counts: one counting pass, bootstrap by multinomial.

Every count-based metric of a group (selection rate, TPR, FPR, FNR, TNR, accuracy,
precision, f1, balanced accuracy, mcc) depends only on the group's four confusion cells.
One ``bincount`` over the rows gives those cells for every (stratum, group); a row
bootstrap of n rows is exactly a multinomial draw of n over the cells, so a thousand
resamples cost a thousand small draws, independent of the number of rows.

Cells are ordered ``[tn, fp, fn, tp]`` (index ``2 * y + prediction``). Divisions by zero
give 0, as scikit-learn's ``zero_division=0`` and fairlearn's rates do.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from mlgate.stats.catalog import RATE_DIRECTIONS

FloatArray = np.ndarray[Any, np.dtype[np.float64]]
IntArray = np.ndarray[Any, np.dtype[np.int64]]

COUNT_BASES = tuple(RATE_DIRECTIONS)
MISSING = "<missing>"  # the group of rows whose group value is missing (NaN, None)


def group_codes(
    values: Any, labels: Callable[[list[str]], list[str]] = list
) -> tuple[IntArray, list[str]]:
    """Group code of every row (sorted by value) and each group's label.

    The one rule for groups, shared by fairness groups and performance slices: missing
    values form their own last group, :data:`MISSING`; ``labels`` turns the distinct values
    into the labels the report shows (the gates mask personal data there).
    """
    import pandas as pd

    codes, uniques = pd.factorize(values, sort=True, use_na_sentinel=True)
    names = labels([str(u) for u in uniques])
    if (codes < 0).any():
        codes = np.where(codes < 0, len(names), codes)
        names.append(MISSING)
    out: IntArray = codes.astype(np.int64)
    return out, names


def seeded_rng(seed: int, check_name: str) -> np.random.Generator:
    """The one seed rule of bootstraps: the policy's seed mixed with the check's name, so
    each check has its own reproducible stream."""
    import zlib

    return np.random.default_rng([seed, zlib.crc32(check_name.encode())])


def count_cells(
    y: IntArray,
    p: IntArray,
    groups: IntArray,
    n_groups: int,
    strata: IntArray,
    n_strata: int,
    w: IntArray | None = None,
) -> IntArray:
    """Confusion cells ``(strata, groups, 4)`` in one pass over the rows (``w``: counted
    rows, each standing for ``w`` rows)."""
    index = ((strata * n_groups + groups) * 4) + 2 * y + p
    counts = np.bincount(index, w, minlength=n_strata * n_groups * 4)
    if w is not None:
        counts = np.rint(counts).astype(np.int64)
    return counts.reshape(n_strata, n_groups, 4)


def _div(num: FloatArray, den: FloatArray) -> FloatArray:
    out = np.zeros(np.broadcast(num, den).shape, dtype=np.float64)
    np.divide(num, den, out=out, where=den != 0)
    return out


def rate(base: str, cells: np.ndarray) -> FloatArray:
    """Metric ``base`` of every cell block; ``cells`` has shape ``(..., 4)``."""
    c = cells.astype(np.float64)
    tn, fp, fn, tp = c[..., 0], c[..., 1], c[..., 2], c[..., 3]
    n = tn + fp + fn + tp
    if base == "selection_rate":
        return _div(fp + tp, n)
    if base == "negative_rate":
        return _div(tn + fn, n)
    if base in ("true_positive_rate", "recall"):
        return _div(tp, tp + fn)
    if base == "false_positive_rate":
        return _div(fp, fp + tn)
    if base == "false_negative_rate":
        return _div(fn, fn + tp)
    if base == "true_negative_rate":
        return _div(tn, tn + fp)
    if base == "accuracy":
        return _div(tn + tp, n)
    if base == "precision":
        return _div(tp, tp + fp)
    if base == "f1":
        return _div(2 * tp, 2 * tp + fp + fn)
    if base == "balanced_accuracy":
        tpr, tnr = _div(tp, tp + fn), _div(tn, tn + fp)
        pos, neg = (tp + fn) > 0, (tn + fp) > 0
        both = np.where(pos & neg, (tpr + tnr) / 2, 0.0)
        return np.where(pos & ~neg, tpr, np.where(neg & ~pos, tnr, both))
    if base == "mcc":
        den = np.sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn))
        return _div(tp * tn - fp * fn, den)
    raise KeyError(base)


# What each rate divides by: a group is judged on a metric only when this count reaches the
# minimum group size (a true-positive rate over 3 positives says little, whatever the rows).
DENOMINATORS = {
    "true_positive_rate": "positives",
    "recall": "positives",
    "false_negative_rate": "positives",
    "f1": "positives",
    "false_positive_rate": "negatives",
    "true_negative_rate": "negatives",
    "precision": "predicted positives",
    "balanced_accuracy": "rows of the smaller class",
}


# metrics that are a count over a denominator count: their per-group intervals are binomial
PROPORTIONS = frozenset(
    {
        "selection_rate",
        "true_positive_rate",
        "false_positive_rate",
        "false_negative_rate",
        "true_negative_rate",
        "accuracy",
        "precision",
        "recall",
    }
)
Z95 = 1.959963984540054


def wilson(p: Any, n: Any, z: float = Z95) -> tuple[FloatArray, FloatArray]:
    """Wilson score interval of proportions ``p`` observed on ``n`` trials (95 % by default).

    Shown as each group's whisker in the HTML report; 0 trials give the whole [0, 1]."""
    p = np.clip(np.asarray(p, dtype=np.float64), 0.0, 1.0)
    n = np.asarray(n, dtype=np.float64)
    safe = np.where(n > 0, n, 1.0)
    centre = (p + z * z / (2 * safe)) / (1 + z * z / safe)
    half = z * np.sqrt(p * (1 - p) / safe + z * z / (4 * safe * safe)) / (1 + z * z / safe)
    low = np.where(n > 0, np.clip(centre - half, 0.0, 1.0), 0.0)
    high = np.where(n > 0, np.clip(centre + half, 0.0, 1.0), 1.0)
    return low, high


def denominator(base: str, cells: np.ndarray) -> IntArray:
    """The count metric ``base`` divides by, per cell block (rows when not listed)."""
    tn, fp, fn, tp = cells[..., 0], cells[..., 1], cells[..., 2], cells[..., 3]
    kind = DENOMINATORS.get(base, "rows")
    if kind == "positives":
        out: IntArray = fn + tp
    elif kind == "negatives":
        out = tn + fp
    elif kind == "predicted positives":
        out = tp + fp
    elif kind == "rows of the smaller class":
        out = np.minimum(fn + tp, tn + fp)
    else:
        out = tn + fp + fn + tp
    return out


@dataclass(frozen=True)
class Aggregate:
    """An aggregate over groups, and where its extreme groups are."""

    value: FloatArray  # shape (...,) — one value per bootstrap replicate (or one)
    low: IntArray  # (..., 2): stratum, group of the smallest value in the deciding stratum
    high: IntArray  # (..., 2): stratum, group of the largest value


def aggregate(values: FloatArray, eligible: np.ndarray, how: str) -> Aggregate:
    """``difference`` (max - min), ``ratio`` (min / max), ``group_min`` or ``group_max``.

    ``values`` has shape ``(..., strata, groups)``; only ``eligible`` (strata, groups)
    cells take part. With several strata (control features) the worst stratum decides:
    the largest difference, the smallest ratio, the smallest minimum, the largest maximum.
    A stratum with fewer than two eligible groups has no difference or ratio (NaN).
    """
    hi = np.where(eligible, values, -np.inf)
    lo = np.where(eligible, values, np.inf)
    g_hi, g_lo = hi.argmax(axis=-1), lo.argmin(axis=-1)
    v_hi = np.take_along_axis(hi, g_hi[..., None], axis=-1)[..., 0]
    v_lo = np.take_along_axis(lo, g_lo[..., None], axis=-1)[..., 0]
    n_eligible = eligible.sum(axis=-1)
    pairs = n_eligible >= 2
    if how == "difference":
        per_stratum = np.where(pairs, v_hi - v_lo, np.nan)
        stratum = _arg(per_stratum, largest=True)
    elif how == "ratio":
        ratio = np.where(v_hi > 0, v_lo / np.where(v_hi > 0, v_hi, 1.0), 1.0)
        per_stratum = np.where(pairs, ratio, np.nan)
        stratum = _arg(per_stratum, largest=False)
    elif how == "group_min":
        per_stratum = np.where(n_eligible >= 1, v_lo, np.nan)
        stratum = _arg(per_stratum, largest=False)
    else:
        per_stratum = np.where(n_eligible >= 1, v_hi, np.nan)
        stratum = _arg(per_stratum, largest=True)
    value = np.take_along_axis(per_stratum, stratum[..., None], axis=-1)[..., 0]
    low = np.stack([stratum, np.take_along_axis(g_lo, stratum[..., None], axis=-1)[..., 0]], -1)
    high = np.stack([stratum, np.take_along_axis(g_hi, stratum[..., None], axis=-1)[..., 0]], -1)
    return Aggregate(value, low, high)


def _arg(per_stratum: FloatArray, largest: bool) -> IntArray:
    filled = np.where(np.isnan(per_stratum), -np.inf if largest else np.inf, per_stratum)
    out: IntArray = filled.argmax(axis=-1) if largest else filled.argmin(axis=-1)
    return out


def resample_cells(cells: IntArray, n_boot: int, rng: np.random.Generator) -> IntArray:
    """``n_boot`` exact row-bootstrap replicates of the cell counts."""
    flat = cells.ravel()
    total = int(flat.sum())
    draws = rng.multinomial(total, flat / max(total, 1), size=n_boot)
    out: IntArray = draws.reshape(n_boot, *cells.shape)
    return out
