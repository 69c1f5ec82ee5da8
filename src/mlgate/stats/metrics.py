"""Classification and regression metrics, vectorized, with a fast exact bootstrap.

Every metric is computed from sufficient statistics so that the same code gives the point
estimate (statistics of the data) and the bootstrap (statistics of resamples):

* **confusion metrics** (accuracy, balanced accuracy, precision, recall, f1, mcc) depend
  only on the k x k confusion matrix. A row bootstrap of n rows is exactly a multinomial
  draw of n over those k^2 cells, so resampling costs nothing per row.
* **rank metrics** (roc_auc, pr_auc) depend on per-score-level counts of positives and
  negatives; resamples are counted with one ``bincount`` per batch of resamples.
* **row metrics** (log_loss, brier, mae, mse, rmse, r2, mape) are means of per-row terms;
  resamples are gathered in batches bounded in memory.

Values equal scikit-learn's (the tests compare every metric with it), including its
conventions: ``zero_division=0``, ``eps`` clipping in log_loss, halved binary Brier score,
``force_finite`` r2.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from mlgate.stats.catalog import ALIASES, METRICS

FloatArray = np.ndarray[Any, np.dtype[np.float64]]
IntArray = np.ndarray[Any, np.dtype[np.int64]]

BATCH_CELLS = 1_000_000  # rows gathered per bootstrap batch (8 MB per gathered array)


@dataclass
class Data:
    """Encoded arrays of one evaluation set.

    Classification: ``y`` and ``p`` are class codes ``0..k-1`` (binary: 1 = positive),
    ``scores`` is ``(n,)`` positive-class probability (binary) or ``(n, k)``.
    Regression: ``y`` and ``p`` are float arrays.

    Counted data (an engine's group-by, :mod:`mlgate.backends`): each row stands for ``w``
    rows; ``terms`` (optional) are the per-row means of the row-metric terms when the scores
    were rounded to be counted, so log_loss and brier stay exact.
    """

    task: str
    y: np.ndarray
    p: np.ndarray | None
    scores: FloatArray | None = None
    k: int = 2
    average: str = "macro"
    w: IntArray | None = None
    terms: dict[str, FloatArray] | None = None

    @property
    def n(self) -> int:
        """Number of rows."""
        return int(self.y.shape[0]) if self.w is None else int(self.w.sum())

    def subset(self, mask: np.ndarray) -> Data:
        """The rows where ``mask`` is true."""
        p = self.p[mask] if self.p is not None else None
        s = self.scores[mask] if self.scores is not None else None
        w = self.w[mask] if self.w is not None else None
        terms = {k: v[mask] for k, v in self.terms.items()} if self.terms is not None else None
        return Data(self.task, self.y[mask], p, s, self.k, self.average, w, terms)

    def count(self, codes: IntArray, minlength: int) -> IntArray:
        """Rows per code (counted data: the sum of the weights)."""
        if self.w is None:
            return np.bincount(codes, minlength=minlength)
        out: IntArray = np.rint(np.bincount(codes, self.w, minlength=minlength)).astype(np.int64)
        return out

    @cached_property
    def confusion(self) -> IntArray:
        """The k x k confusion matrix (rows: true class, columns: predicted)."""
        assert self.p is not None
        cells = self.y.astype(np.int64) * self.k + self.p.astype(np.int64)
        return self.count(cells, self.k * self.k).reshape(self.k, self.k)

    def score_column(self, c: int) -> FloatArray:
        """Probability of class ``c`` (binary: class 1 is the stored score)."""
        assert self.scores is not None
        if self.scores.ndim == 1:
            return self.scores if c == 1 else 1.0 - self.scores
        return self.scores[:, c]

    @cached_property
    def rank_cells(self) -> list[tuple[IntArray, int]]:
        """Per one-vs-rest class: (cell id = level * 2 + is_positive, number of levels)."""
        classes = [1] if self.task == "binary" else list(range(self.k))
        out = []
        for c in classes:
            _, level = np.unique(self.score_column(c), return_inverse=True)
            positive = (self.y == c).astype(np.int64)
            out.append((level.astype(np.int64) * 2 + positive, int(level.max()) + 1))
        return out

    @cached_property
    def row_terms(self) -> dict[str, FloatArray]:
        """Per-row loss terms whose means are the row metrics."""
        if self.terms is not None:
            return self.terms
        if self.task == "regression":
            y = self.y.astype(np.float64)
            r = self.p.astype(np.float64) - y if self.p is not None else y * np.nan
            eps = np.finfo(np.float64).eps
            return {"abs": np.abs(r), "sq": r * r, "ape": np.abs(r) / np.maximum(np.abs(y), eps)}
        assert self.scores is not None
        eps = np.finfo(np.float64).eps
        if self.scores.ndim == 1:  # binary: no (n, 2) temporaries
            y = self.y.astype(np.float64)
            p_true = np.where(self.y == 1, self.scores, 1.0 - self.scores)
            return {
                "log_loss": -np.log(np.clip(p_true, eps, 1 - eps)),
                "brier": (y - self.scores) ** 2,
            }
        probs = self.scores
        onehot = np.zeros_like(probs)
        onehot[np.arange(self.n), self.y.astype(np.int64)] = 1.0
        clipped = np.clip(probs, eps, 1 - eps)
        logloss = -np.log(clipped[np.arange(self.n), self.y.astype(np.int64)])
        brier = ((onehot - probs) ** 2).sum(axis=1)
        if probs.shape[1] < 3:
            brier *= 0.5
        return {"log_loss": logloss, "brier": brier}


# --------------------------------------------------------------------------- confusion


def _safe_div(num: FloatArray, den: FloatArray) -> FloatArray:
    out = np.zeros(np.broadcast(num, den).shape, dtype=np.float64)
    np.divide(num, den, out=out, where=den != 0)
    return out


def confusion_metric(name: str, conf: np.ndarray, task: str, average: str) -> FloatArray:
    """A confusion metric for a batch of confusion matrices ``(b, k, k)``."""
    c = conf.astype(np.float64)
    diag = np.diagonal(c, axis1=1, axis2=2)
    true_n, pred_n = c.sum(axis=2), c.sum(axis=1)
    total = c.sum(axis=(1, 2))
    if name == "accuracy":
        return _safe_div(diag.sum(axis=1), total)
    if name == "balanced_accuracy":
        with np.errstate(invalid="ignore", divide="ignore"):
            per_class = np.where(true_n > 0, diag / np.where(true_n > 0, true_n, 1), np.nan)
        return np.nanmean(per_class, axis=1)  # type: ignore[no-any-return]
    if name == "mcc":
        return _mcc(diag.sum(axis=1), total, true_n, pred_n)
    per_class = {
        "precision": _safe_div(diag, pred_n),
        "recall": _safe_div(diag, true_n),
        "f1": _safe_div(2 * diag, true_n + pred_n),
    }[name]
    if task == "binary":
        return per_class[:, 1]
    if average == "micro":
        return _safe_div(diag.sum(axis=1), total)
    if average == "weighted":
        return _safe_div((per_class * true_n).sum(axis=1), true_n.sum(axis=1))
    present = (true_n + pred_n) > 0
    return _safe_div((per_class * present).sum(axis=1), present.sum(axis=1).astype(np.float64))


def _mcc(correct: FloatArray, n: FloatArray, t: FloatArray, p: FloatArray) -> FloatArray:
    cov_ytyp = correct * n - (t * p).sum(axis=1)
    cov_ypyp = n * n - (p * p).sum(axis=1)
    cov_ytyt = n * n - (t * t).sum(axis=1)
    den = np.sqrt(cov_ytyt * cov_ypyp)
    return _safe_div(cov_ytyp, den)


# --------------------------------------------------------------------------- rank


def _auc(pos: FloatArray, neg: FloatArray) -> FloatArray:
    """ROC AUC from per-level counts ``(b, levels)``, levels in ascending score order."""
    neg_below = np.cumsum(neg, axis=1) - neg
    num = (pos * (neg_below + 0.5 * neg)).sum(axis=1)
    den = pos.sum(axis=1) * neg.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1), np.nan)


def _average_precision(pos: FloatArray, neg: FloatArray) -> FloatArray:
    """Average precision from per-level counts, levels in ascending score order."""
    pos, neg = pos[:, ::-1], neg[:, ::-1]
    tp, fp = np.cumsum(pos, axis=1), np.cumsum(neg, axis=1)
    precision = _safe_div(tp, tp + fp)
    total = pos.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(
            total > 0, (pos * precision).sum(axis=1) / np.where(total > 0, total, 1), np.nan
        )


def rank_metric(name: str, data: Data, idx: IntArray | None = None) -> FloatArray:
    """roc_auc / pr_auc for the data (``idx`` None) or a batch of resamples ``(b, n)``."""
    fn = _auc if name == "roc_auc" else _average_precision
    values = []
    for cells, levels in data.rank_cells:
        counts = _count_cells(cells, 2 * levels, idx, data.w).astype(np.float64)
        values.append(fn(counts[:, 1::2], counts[:, 0::2]))
    return np.mean(values, axis=0)  # type: ignore[no-any-return]


def _count_cells(
    cells: IntArray, ncells: int, idx: IntArray | None, w: IntArray | None = None
) -> IntArray:
    """Counts per cell of the data (``idx`` None) or of each resample.

    Row data: ``idx`` holds the resampled row indices ``(b, n)``. Counted data (``w``):
    ``idx`` holds the resampled counts of each row ``(b, rows)``."""
    if idx is None:
        return np.bincount(cells, w, minlength=ncells)[None, :]
    b = idx.shape[0]
    offsets = (np.arange(b, dtype=np.int64) * ncells)[:, None]
    if w is not None:
        flat = (cells[None, :] + offsets).ravel()
        counted = np.bincount(flat, idx.ravel().astype(np.float64), minlength=b * ncells)
        return counted.reshape(b, ncells)
    flat = (cells[idx] + offsets).ravel()
    return np.bincount(flat, minlength=b * ncells).reshape(b, ncells)


# --------------------------------------------------------------------------- row


def row_metric(name: str, data: Data, idx: IntArray | None = None) -> FloatArray:
    """A row metric for the data (``idx`` None) or a batch of resamples ``(b, n)``."""
    terms = data.row_terms

    def mean(v: FloatArray) -> FloatArray:
        if data.w is not None:  # counted data: idx holds resampled counts (b, rows)
            counts = data.w[None, :] if idx is None else idx
            weighted: FloatArray = (counts @ v) / data.n
            return weighted
        out: FloatArray = np.array([v.mean()]) if idx is None else v[idx].mean(axis=1)
        return out

    if name in ("log_loss", "brier"):
        return mean(terms[name])
    if name == "mae":
        return mean(terms["abs"])
    if name == "mse":
        return mean(terms["sq"])
    if name == "rmse":
        return np.sqrt(mean(terms["sq"]))
    if name == "mape":
        return mean(terms["ape"])
    return _r2(data, terms["sq"], idx)


def _r2(data: Data, sq: FloatArray, idx: IntArray | None) -> FloatArray:
    y = data.y.astype(np.float64)
    if data.w is not None:
        counts = (data.w[None, :] if idx is None else idx).astype(np.float64)
        ss_res = counts @ sq
        ss_tot = counts @ (y * y) - (counts @ y) ** 2 / data.n
        ss_tot = np.maximum(ss_tot, 0.0)
    else:
        ys = y[None, :] if idx is None else y[idx]
        ss_res = sq.sum()[None] if idx is None else sq[idx].sum(axis=1)
        ss_tot = ((ys - ys.mean(axis=1, keepdims=True)) ** 2).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        r2 = 1.0 - ss_res / np.where(ss_tot > 0, ss_tot, 1)
    out: FloatArray = np.where(ss_tot > 0, r2, np.where(ss_res == 0, 1.0, 0.0))
    return out


# --------------------------------------------------------------------------- public


def compute(name: str, data: Data) -> float:
    """The point estimate of metric ``name`` on ``data``."""
    mdef = METRICS[ALIASES.get(name, name)]
    if mdef.family == "confusion":
        values = confusion_metric(mdef.name, data.confusion[None], data.task, data.average)
    elif mdef.family == "rank":
        values = rank_metric(mdef.name, data)
    else:
        values = row_metric(mdef.name, data)
    return float(values[0])


def _index_batches(n: int, n_boot: int, rng: np.random.Generator) -> Iterator[IntArray]:
    batch = max(1, BATCH_CELLS // max(n, 1))
    done = 0
    while done < n_boot:
        b = min(batch, n_boot - done)
        yield rng.integers(0, n, size=(b, n), dtype=np.int64)
        done += b


def bootstrap(name: str, data: Data, n_boot: int, rng: np.random.Generator) -> FloatArray:
    """``n_boot`` row-bootstrap replicates of metric ``name`` (exact resampling)."""
    mdef = METRICS[ALIASES.get(name, name)]
    if mdef.family == "confusion":
        conf = data.confusion
        draws = rng.multinomial(data.n, conf.ravel() / max(data.n, 1), size=n_boot)
        batch = draws.reshape(n_boot, data.k, data.k)
        return confusion_metric(mdef.name, batch, data.task, data.average)
    fn: Callable[[str, Data, IntArray | None], FloatArray]
    fn = rank_metric if mdef.family == "rank" else row_metric
    batches = (
        _index_batches(data.n, n_boot, rng) if data.w is None else _count_batches(data, n_boot, rng)
    )
    parts = [fn(mdef.name, data, idx) for idx in batches]
    return np.concatenate(parts)


def _count_batches(data: Data, n_boot: int, rng: np.random.Generator) -> Iterator[IntArray]:
    """Counted data: a row bootstrap of n rows is a multinomial draw of n over the rows'
    weights, ``(b, rows)`` resampled counts per batch."""
    assert data.w is not None
    rows = int(data.w.shape[0])
    probs = data.w / max(data.n, 1)
    batch = max(1, BATCH_CELLS // max(rows, 1))
    done = 0
    while done < n_boot:
        b = min(batch, n_boot - done)
        yield rng.multinomial(data.n, probs, size=b)
        done += b


def interval(replicates: FloatArray, confidence: float) -> tuple[float, float] | None:
    """Two-sided percentile interval; None when too many replicates are undefined."""
    finite = replicates[np.isfinite(replicates)]
    if finite.size < 0.9 * replicates.size or finite.size == 0:
        return None
    alpha = (1.0 - confidence) / 2.0
    low, high = np.quantile(finite, [alpha, 1.0 - alpha])
    return float(low), float(high)


def denominator_count(kind: str, data: Data) -> int:
    """How many rows of ``kind`` (a :class:`MetricDef` ``denominator``) ``data`` has.

    For multiclass data, "positives" and "predicted positives" are those of the rarest
    class (macro averages divide by each class's count).
    """
    if kind == "rows" or data.task == "regression":
        return data.n
    y = data.count(data.y.astype(np.int64), data.k)
    if kind == "positives":
        return int(y[1] if data.task == "binary" else y.min())
    if kind == "predicted positives" and data.p is not None:
        p = data.count(data.p.astype(np.int64), data.k)
        return int(p[1] if data.task == "binary" else p.min())
    return int(y.min())
