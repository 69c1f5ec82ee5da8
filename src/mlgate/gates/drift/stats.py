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
    # the share of rows without a value on each side (the `missing` metric), when asked
    missing: tuple[float, float] | None = None


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


class SortedValues:
    """The finite values of one side of a column, in order: what the statistics read."""

    def __init__(self, values: np.ndarray) -> None:
        self.values = np.sort(values[np.isfinite(values)])
        self.size = int(self.values.size)

    def at(self, ranks: np.ndarray) -> np.ndarray:
        """The values at 0-based ``ranks``."""
        out: np.ndarray = self.values[ranks]
        return out

    def at_or_below(self, edges: np.ndarray) -> np.ndarray:
        """How many values are ≤ each of the sorted ``edges``."""
        out: np.ndarray = np.searchsorted(self.values, edges, side="right")
        return out


def numeric_drift(column: str, ref: np.ndarray, cur: np.ndarray) -> ColumnDrift:
    """Statistics of a numeric column (NaN values ignored); each side is sorted once."""
    return sorted_drift(column, SortedValues(ref), SortedValues(cur))


def _ranks(size: int, q: np.ndarray) -> np.ndarray:
    """Ranks of the 'lower' quantiles ``q`` among ``size`` sorted values."""
    out: np.ndarray = np.floor(q * (size - 1)).astype(np.int64)
    return out


@dataclass(frozen=True)
class Profile:
    """What the statistics need of a numeric column's reference side: its size, its values
    at the fine and coarse quantile ranks, and its counts at the bin edges. It depends on
    the reference alone, so it can be kept (keyed by the reference's sha256) and reused."""

    size: int
    grid: np.ndarray  # values at the FINE_BINS + 1 'lower' quantile ranks
    deciles: np.ndarray  # values at the PSI_BINS + 1 ranks
    edges: np.ndarray  # the inner fine and coarse edges, sorted, unique
    le: np.ndarray  # reference values <= each edge

    def to_json(self) -> dict[str, Any]:
        """A JSON-able form (floats round-trip exactly)."""
        return {
            "size": self.size,
            "grid": self.grid.tolist(),
            "deciles": self.deciles.tolist(),
            "edges": self.edges.tolist(),
            "le": self.le.tolist(),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Profile:
        """The profile :meth:`to_json` wrote."""
        return cls(
            int(data["size"]),
            np.asarray(data["grid"], dtype=np.float64),
            np.asarray(data["deciles"], dtype=np.float64),
            np.asarray(data["edges"], dtype=np.float64),
            np.asarray(data["le"], dtype=np.int64),
        )


GRID = np.linspace(0, 1, FINE_BINS + 1)
COARSE = np.linspace(0, 1, PSI_BINS + 1)


def profile(ref: Any) -> Profile:
    """The reference profile of a column from its sorted values (``size``, ``at``,
    ``at_or_below``: :class:`SortedValues` or an engine's table)."""
    if ref.size == 0:
        empty = np.zeros(0)
        return Profile(0, empty, empty, empty, np.zeros(0, dtype=np.int64))
    ranks = np.concatenate([_ranks(ref.size, GRID), _ranks(ref.size, COARSE)])
    values = ref.at(ranks)
    grid, deciles = values[: GRID.size], values[GRID.size :]
    edges = profile_edges(grid, deciles)
    return Profile(int(ref.size), grid, deciles, edges, np.asarray(ref.at_or_below(edges)))


def profile_edges(grid: np.ndarray, deciles: np.ndarray) -> np.ndarray:
    """The inner fine and coarse edges, sorted and unique."""
    out: np.ndarray = np.unique(np.concatenate([np.unique(grid)[1:-1], np.unique(deciles)[1:-1]]))
    return out


def sorted_drift(column: str, ref: Any, cur: Any) -> ColumnDrift:
    """Statistics of a numeric column from its two sides' order statistics and counts.

    ``ref`` and ``cur`` offer ``size``, ``at(ranks)`` and ``at_or_below(edges)``: sorted
    arrays in memory (:class:`SortedValues`) or an engine's table (the same numbers: the
    values at the same ranks, the same counts)."""
    prof = profile(ref)
    if prof.size == 0 or cur.size == 0:
        return profile_drift(column, prof, cur.size, np.zeros(0), None)
    cur_grid = cur.at(_ranks(cur.size, GRID))
    return profile_drift(column, prof, cur.size, cur.at_or_below(prof.edges), cur_grid)


def profile_drift(
    column: str,
    prof: Profile,
    cur_size: int,
    cur_le: np.ndarray,
    cur_grid: np.ndarray | None,
) -> ColumnDrift:
    """Statistics from the reference profile and the current side's counts at its edges
    (``cur_grid``, the current values at the fine ranks, only for the Wasserstein
    distance: without it, that statistic is left out)."""
    if prof.size == 0 or cur_size == 0:
        nan = float("nan")
        return ColumnDrift(column, "numeric", dict.fromkeys(NUMERIC, nan), prof.size, cur_size)
    inner = np.unique(prof.grid)[1:-1]
    deciles = np.unique(prof.deciles)[1:-1]
    edges = prof.edges
    pick_inner, pick_deciles = np.searchsorted(edges, inner), np.searchsorted(edges, deciles)
    ref_cum = np.append(prof.le[pick_inner], prof.size)
    cur_cum = np.append(cur_le[pick_inner], cur_size)
    ref_hist, cur_hist = np.diff(ref_cum, prepend=0), np.diff(cur_cum, prepend=0)
    ref_coarse = np.diff(np.append(prof.le[pick_deciles], prof.size), prepend=0)
    cur_coarse = np.diff(np.append(cur_le[pick_deciles], cur_size), prepend=0)
    ks = float(np.max(np.abs(ref_cum / prof.size - cur_cum / cur_size)))
    stats = {
        "psi": _psi(ref_coarse, cur_coarse),
        "ks": ks,
        "ks_pvalue": _ks_pvalue(ks, prof.size, cur_size),
        "js": _js(ref_hist, cur_hist),
    }
    if cur_grid is not None:
        stats["wasserstein"] = float(np.mean(np.abs(prof.grid - cur_grid)))
    edges_shown = [float(prof.grid[0]), *map(float, deciles), float(prof.grid[-1])]
    histogram = {
        "edges": [round(e, 6) for e in edges_shown],
        "reference": _shares(ref_coarse),
        "current": _shares(cur_coarse),
    }
    return ColumnDrift(column, "numeric", stats, prof.size, int(cur_size), histogram)


def categorical_drift(column: str, ref: Any, cur: Any) -> ColumnDrift:
    """Statistics of a categorical column (missing values are a category)."""
    import pandas as pd

    ref_freq = pd.Series(ref, dtype=object).fillna("<missing>").value_counts()
    cur_freq = pd.Series(cur, dtype=object).fillna("<missing>").value_counts()
    return counted_drift(column, ref_freq, cur_freq)


def counted_drift(column: str, ref_freq: Any, cur_freq: Any) -> ColumnDrift:
    """Statistics of a categorical column from each side's rows per level (a Series)."""
    import pandas as pd
    from scipy.stats import chi2

    # in one order whatever order each side was counted in (a union of equal indexes keeps
    # the first's order, and engines count in their own order): ties in the histogram too
    levels = ref_freq.index.union(cur_freq.index, sort=False)
    levels = pd.Index(sorted(levels, key=lambda v: (type(v).__name__, str(v))), dtype=object)
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
