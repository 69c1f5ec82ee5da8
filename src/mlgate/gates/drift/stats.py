"""Distribution drift statistics, vectorized: one sort per side, then histograms.

Numeric columns are sorted once per side and binned on 1,000 quantiles of the reference
(the 'lower' quantile: an element of the data); every statistic comes from the two
histograms or sorted arrays: PSI on the reference deciles (10 equal-mass bins), the
Kolmogorov–Smirnov statistic as the largest CDF gap at the bin edges (exact up to the
1/1000 quantile grid, so it can be smaller than the exact statistic by at most the mass of
one bin) with its asymptotic p-value, the Jensen–Shannon distance (base 2) on the 1,000
bins, and the Wasserstein distance between the two quantile functions on the same grid.
Categorical columns compare category frequencies: PSI, the chi-square test p-value, and
the L-infinity distance.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

FINE_BINS = 1000
PSI_BINS = 10
EPS = 1e-6

NUMERIC = ("psi", "ks", "ks_pvalue", "js", "wasserstein")
CATEGORICAL = ("psi", "chi2_pvalue", "linf")


@dataclass(frozen=True)
class ColumnDrift:
    """Every statistic of one column."""

    column: str
    kind: str  # numeric | categorical
    stats: dict[str, float]
    reference_n: int
    current_n: int
    # shares per bin of each side, for the report's histograms: numeric columns on the
    # reference deciles ("edges"), categorical ones on their most frequent levels ("labels")
    histogram: dict[str, list[Any]] = field(default_factory=dict)


def _psi(ref: np.ndarray, cur: np.ndarray) -> float:
    p = np.maximum(ref / max(ref.sum(), 1), EPS)
    q = np.maximum(cur / max(cur.sum(), 1), EPS)
    return float(np.sum((q - p) * np.log(q / p)))


def _js(ref: np.ndarray, cur: np.ndarray) -> float:
    p = ref / max(ref.sum(), 1)
    q = cur / max(cur.sum(), 1)
    m = (p + q) / 2
    with np.errstate(divide="ignore", invalid="ignore"):
        kl_p = np.where(p > 0, p * np.log2(p / m), 0.0).sum()
        kl_q = np.where(q > 0, q * np.log2(q / m), 0.0).sum()
    return float(np.sqrt(max((kl_p + kl_q) / 2, 0.0)))


def _ks_pvalue(d: float, n: int, m: int) -> float:
    from scipy.special import kolmogorov

    en = np.sqrt(n * m / (n + m))
    return float(kolmogorov((en + 0.12 + 0.11 / en) * d))


def _at(sorted_values: np.ndarray, q: np.ndarray) -> np.ndarray:
    """Quantiles of already-sorted values (the 'lower' method: an element of the data)."""
    index = np.floor(q * (sorted_values.size - 1)).astype(np.int64)
    out: np.ndarray = sorted_values[index]
    return out


def numeric_drift(column: str, ref: np.ndarray, cur: np.ndarray) -> ColumnDrift:
    """Statistics of a numeric column (NaN values ignored); each side is sorted once."""
    ref = np.sort(ref[np.isfinite(ref)])
    cur = np.sort(cur[np.isfinite(cur)])
    if ref.size == 0 or cur.size == 0:
        nan = float("nan")
        return ColumnDrift(column, "numeric", dict.fromkeys(NUMERIC, nan), ref.size, cur.size)
    grid = np.linspace(0, 1, FINE_BINS + 1)
    inner = np.unique(_at(ref, grid))[1:-1]
    # cumulative counts at the bin edges, by binary search in the sorted data
    ref_cum = np.append(np.searchsorted(ref, inner, side="right"), ref.size)
    cur_cum = np.append(np.searchsorted(cur, inner, side="right"), cur.size)
    ref_hist, cur_hist = np.diff(ref_cum, prepend=0), np.diff(cur_cum, prepend=0)
    deciles = np.unique(_at(ref, np.linspace(0, 1, PSI_BINS + 1)))[1:-1]
    ref_coarse = np.diff(
        np.append(np.searchsorted(ref, deciles, side="right"), ref.size), prepend=0
    )
    cur_coarse = np.diff(
        np.append(np.searchsorted(cur, deciles, side="right"), cur.size), prepend=0
    )
    ks = float(np.max(np.abs(ref_cum / ref.size - cur_cum / cur.size)))
    wasserstein = float(np.mean(np.abs(_at(ref, grid) - _at(cur, grid))))
    stats = {
        "psi": _psi(ref_coarse, cur_coarse),
        "ks": ks,
        "ks_pvalue": _ks_pvalue(ks, ref.size, cur.size),
        "js": _js(ref_hist, cur_hist),
        "wasserstein": wasserstein,
    }
    edges = [float(ref[0]), *map(float, deciles), float(ref[-1])]
    histogram = {
        "edges": [round(e, 6) for e in edges],
        "reference": _shares(ref_coarse),
        "current": _shares(cur_coarse),
    }
    return ColumnDrift(column, "numeric", stats, int(ref.size), int(cur.size), histogram)


def categorical_drift(column: str, ref: Any, cur: Any) -> ColumnDrift:
    """Statistics of a categorical column (missing values are a category)."""
    import pandas as pd
    from scipy.stats import chi2

    ref_freq = pd.Series(ref, dtype=object).fillna("<missing>").value_counts()
    cur_freq = pd.Series(cur, dtype=object).fillna("<missing>").value_counts()
    levels = ref_freq.index.union(cur_freq.index)
    ref_counts = ref_freq.reindex(levels, fill_value=0).to_numpy(dtype=float)
    cur_counts = cur_freq.reindex(levels, fill_value=0).to_numpy(dtype=float)
    k = len(levels)
    total = ref_counts + cur_counts
    n_ref, n_cur = ref_counts.sum(), cur_counts.sum()
    expected_ref = total * n_ref / max(n_ref + n_cur, 1)
    expected_cur = total * n_cur / max(n_ref + n_cur, 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        stat = np.nansum((ref_counts - expected_ref) ** 2 / expected_ref) + np.nansum(
            (cur_counts - expected_cur) ** 2 / expected_cur
        )
    dof = max(k - 1, 1)
    stats = {
        "psi": _psi(ref_counts, cur_counts),
        "chi2_pvalue": float(chi2.sf(stat, dof)),
        "linf": float(np.max(np.abs(ref_counts / max(n_ref, 1) - cur_counts / max(n_cur, 1)))),
    }
    top = np.argsort(-total, kind="stable")[:MAX_LEVELS]
    histogram: dict[str, list[Any]] = {
        "labels": [str(levels[i]) for i in top],
        "reference": _shares(ref_counts, top),
        "current": _shares(cur_counts, top),
    }
    return ColumnDrift(column, "categorical", stats, int(n_ref), int(n_cur), histogram)


MAX_LEVELS = 12  # categorical levels drawn (the most frequent on both sides together)


def _shares(counts: np.ndarray, index: Any = None) -> list[float]:
    total = max(float(counts.sum()), 1.0)
    chosen = counts if index is None else counts[index]
    return [round(float(c) / total, 6) for c in chosen]
