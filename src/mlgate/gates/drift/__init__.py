"""Drift gate: how far a current dataset has moved from a reference one, column by column.

What it checks
    For every shared column (or the listed ones): numeric columns — population stability
    index (PSI, on the reference's deciles), Kolmogorov–Smirnov statistic and p-value,
    Jensen–Shannon distance (base 2, 1,000 reference-quantile bins) and Wasserstein distance;
    categorical columns (strings, booleans, categories, or listed under ``categorical``) —
    PSI, chi-square p-value and L-infinity distance between category frequencies; any column
    — ``missing``, how much the share of rows without a value moved (absolute difference of
    the two shares). Each with the shared threshold block, or a list of blocks (e.g. a
    warning and a failing limit).

Why it matters
    A model evaluated on data unlike what it will see, or trained on data that moved, fails
    quietly. Checking drift before the merge turns that into a visible verdict.

Policy example::

    - id: drift
      type: drift
      reference: train
      current: eval
      exclude_columns: [id]
      metrics:
        psi: [{max: 0.1, severity: warning}, {max: 0.25}]   # the default
        ks_pvalue: {min: 0.01, severity: warning}
        missing: {max: 0.05}                                # share of rows without a value

Defaults
    ``psi`` only: warn above 0.1, fail above 0.25 — the common reading of PSI (below 0.1 no
    significant change, 0.1–0.25 moderate, above 0.25 significant). The checks of the most
    drifted columns (by the first metric) come first in the report. Statistics are computed
    from one histogram pass per column (see ``mlgate.gates.drift.stats``); the KS statistic is
    exact up to the 1/1000 quantile grid of the reference.

Missing values
    A categorical column counts them as a category (``<missing>``); a numeric column's
    statistics ignore them (and values that are not finite), so a pipeline that starts
    writing NaN for a third of the rows moves no numeric statistic: ``missing: {max: 0.05}``
    catches it (the report's evidence has both shares). A numeric column without any value
    on one side and with values on the other fails every other metric ("`x` has 500 values
    in the reference and none in the current"); without any value on either side it is
    inconclusive (a warning, or a failure with ``on_inconclusive: fail``).

References
    Yurdakul, "Statistical Properties of Population Stability Index" (2018); Massey, "The
    Kolmogorov-Smirnov Test for Goodness of Fit" (1951); Lin, "Divergence measures based on
    the Shannon entropy" (1991).
"""

from __future__ import annotations

import builtins
import dataclasses
import math
import os
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from pydantic import Field

from mlgate.errors import GateError, NodePath, did_you_mean
from mlgate.gates.base import BaseGate, GateConfig
from mlgate.report import CheckResult, Outcome, worst
from mlgate.thresholds import Direction, Threshold

if TYPE_CHECKING:
    import pandas as pd

    from mlgate.backends import Table
    from mlgate.gates.base import RunContext
    from mlgate.gates.drift.stats import ColumnDrift, Profile

DIRECTIONS = {
    "psi": Direction.LOWER,
    "ks": Direction.LOWER,
    "ks_pvalue": Direction.HIGHER,
    "js": Direction.LOWER,
    "wasserstein": Direction.LOWER,
    "chi2_pvalue": Direction.HIGHER,
    "linf": Direction.LOWER,
    "missing": Direction.LOWER,
}


def _default_metrics() -> dict[str, Threshold | list[Threshold]]:
    return {"psi": [Threshold(max=0.1, severity="warning"), Threshold(max=0.25)]}


class DriftConfig(GateConfig):
    """Keys of a ``type: drift`` gate."""

    type: Literal["drift"]
    reference: str
    current: str
    columns: list[str] | None = None
    exclude_columns: list[str] = Field(default_factory=list)
    categorical: list[str] = Field(default_factory=list)
    metrics: dict[str, Threshold | list[Threshold]] = Field(default_factory=_default_metrics)
    # keep the reference's numeric profile (order statistics and bin counts) in the cache,
    # keyed by its sha256: later runs read only the current side (mlgate.gates.drift.profiles)
    keep_reference_profile: bool = Field(
        default=False,
        description="keep the reference's numeric profile in the cache (keyed by its sha256) "
        "so later runs read only the current side",
    )


class DriftGate(BaseGate[DriftConfig]):
    """Distribution drift between two datasets (see the module docstring)."""

    type: ClassVar[str] = "drift"
    summary: ClassVar[str] = "distribution drift: PSI, KS, Jensen-Shannon, Wasserstein, chi-square"
    config_model: ClassVar[builtins.type[GateConfig]] = DriftConfig
    input_fields: ClassVar[tuple[str, ...]] = ("reference", "current")

    def validate_config(self, config: DriftConfig) -> list[tuple[NodePath, str]]:
        """Known metric names."""
        return [
            (
                ("metrics", name),
                f"unknown drift metric{did_you_mean(name, DIRECTIONS)}; "
                f"known: {', '.join(DIRECTIONS)}",
            )
            for name in config.metrics
            if name not in DIRECTIONS
        ]

    def run(self, config: DriftConfig, ctx: RunContext) -> list[CheckResult]:
        """Compute every statistic per column, then judge the configured metrics."""
        drifts = _drifts(config, ctx)
        first = next(iter(config.metrics))
        key = DIRECTIONS[first]

        def order(d: ColumnDrift) -> float:
            value = d.stats.get(first, float("nan"))
            if math.isnan(value):
                return math.inf
            return -value if key is Direction.LOWER else value

        checks = []
        for drift in sorted(drifts, key=order):
            for name, spec in config.metrics.items():
                if name in drift.stats:
                    checks.append(_judge(ctx, drift, name, spec))
        return checks


MISSING = "<missing>"


class _Side:
    """One input's columns for the drift statistics: a pandas frame (read on first use) or
    an engine's table."""

    def __init__(self, ctx: RunContext, name: str) -> None:
        self.ctx, self.name = ctx, name
        self.table = ctx.table(name) if ctx.engine(name) != "pandas" else None
        self._sorted: dict[str, Any] = {}

    @property
    def frame(self) -> pd.DataFrame:
        return self.ctx.frame(self.name)

    def rows(self) -> int:
        return self.table.num_rows() if self.table is not None else len(self.frame)

    def columns(self) -> list[str]:
        if self.table is not None:
            return self.table.columns()
        return [str(c) for c in self.frame.columns]

    def kinds(self) -> dict[str, str]:
        """numeric | other per column."""
        import pandas as pd

        if self.table is not None:
            return {
                c: "numeric" if k == "numeric" else "other" for c, k in self.table.kinds().items()
            }
        out = {}
        for column in self.frame.columns:
            values = self.frame[column]
            numeric = pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(
                values
            )
            out[str(column)] = "numeric" if numeric else "other"
        return out

    def sorted(self, column: str) -> Any:
        """The column's finite values in order (sorted once in memory, or on the engine)."""
        from mlgate.gates.drift.stats import SortedValues

        if column not in self._sorted:
            if self.table is None:
                values = self.frame[column].to_numpy(dtype="float64", na_value=float("nan"))
                self._sorted[column] = SortedValues(values)
            else:
                self._sorted[column] = _TableValues(self.table, column)
        return self._sorted[column]

    def counts_at(self, edges: dict[str, Any], sort: bool) -> dict[str, tuple[int, Any]]:
        """(finite values, values <= each edge) per column: one scan on an engine; in memory
        by sorting the column and binary search of the edges in it (measured: sorting 1M
        values and searching 1,000 edges takes a third of the time of searching each value
        among the edges). The sorted copy is kept only when ``sort`` says the Wasserstein
        distance needs the column's quantiles later."""
        if self.table is not None:
            return self.table.at_or_below_many(edges)
        from mlgate.gates.drift.stats import SortedValues

        def one(column: str) -> tuple[int, Any]:
            if sort:
                values = self.sorted(column)
            else:
                raw = self.frame[column].to_numpy(dtype="float64", na_value=float("nan"))
                values = SortedValues(raw)
            return values.size, values.at_or_below(edges[column])

        # numpy releases the GIL: columns are counted in parallel threads
        workers = max(1, min(len(edges), os.cpu_count() or 1))
        with ThreadPoolExecutor(max_workers=workers) as pool:
            return dict(zip(edges, pool.map(one, edges), strict=True))

    def counts(self, column: str) -> Any:
        import pandas as pd

        if self.table is None:
            series = self.frame[column]
            strings = _arrow_strings(series)
            if strings is not None:  # counted by Arrow, without Python objects per row
                import pyarrow.compute as pc

                counted = pc.value_counts(strings)
                index = [MISSING if v is None else v for v in counted.field("values").to_pylist()]
                freq = pd.Series(
                    counted.field("counts").to_numpy(), index=pd.Index(index, dtype=object)
                )
                if not freq.index.is_unique:  # a value written "<missing>" beside nulls
                    freq = freq.groupby(level=0, sort=False).sum()
                return freq
            values = series.to_numpy(dtype=object)
            return pd.Series(values, dtype=object).fillna(MISSING).value_counts()
        frame = self.table.counts([column])
        index = [MISSING if pd.isna(v) else v for v in frame[column].tolist()]
        return pd.Series(frame["__n"].to_numpy(), index=pd.Index(index, dtype=object))


def _arrow_strings(series: pd.Series) -> Any:
    """A string column as an Arrow string array, or None (other types: counted by pandas)."""
    import pandas as pd
    import pyarrow as pa

    if not pd.api.types.is_string_dtype(series) or series.dtype == object:
        return None
    try:
        array = pa.array(series, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return None
    if pa.types.is_string(array.type) or pa.types.is_large_string(array.type):
        return array
    return None


class _TableValues:
    """A numeric column of an engine's table as sorted values (order statistics, counts)."""

    def __init__(self, table: Table, column: str) -> None:
        self.table, self.column = table, column
        self.size = table.finite_count(column)

    def at(self, ranks: Any) -> Any:
        return self.table.order_statistics(self.column, ranks, self.size)

    def at_or_below(self, edges: Any) -> Any:
        return self.table.at_or_below_many({self.column: edges})[self.column][1]


def _drifts(config: DriftConfig, ctx: RunContext) -> list[ColumnDrift]:
    """Every column's statistics; numeric reference sides from a kept profile when the
    reference has not changed (see :mod:`mlgate.gates.drift.profiles`)."""
    from mlgate.gates.drift.profiles import ProfileStore
    from mlgate.gates.drift.stats import GRID, _ranks, counted_drift, profile, profile_drift

    ref, cur = _Side(ctx, config.reference), _Side(ctx, config.current)
    digest = ctx.input_sha256(config.reference) if config.keep_reference_profile else None
    store = ProfileStore.open(digest)
    ref_kinds = store.kinds if store.kinds is not None else ref.kinds()
    ref_columns = store.columns if store.columns is not None else ref.columns()
    cur_kinds = cur.kinds()
    chosen = _columns(config, ref_columns, list(cur_kinds))
    numeric = [
        c
        for c in chosen
        if ref_kinds.get(c) == "numeric"
        and cur_kinds.get(c) == "numeric"
        and c not in config.categorical
    ]

    def one(column: str) -> Profile:
        kept = store.profile(column)
        return kept if kept is not None else profile(ref.sorted(column))

    # in memory, numpy sorts release the GIL: columns are profiled in parallel threads (an
    # engine parallelises its own queries)
    workers = max(1, min(len(numeric), os.cpu_count() or 1)) if ref.table is None else 1
    with ThreadPoolExecutor(max_workers=workers) as pool:
        profiles = dict(zip(numeric, pool.map(one, numeric), strict=True))
    # the Wasserstein distance needs the current side's quantiles: sorted only when asked
    fine = "wasserstein" in config.metrics
    current = cur.counts_at({c: p.edges for c, p in profiles.items()}, sort=fine)

    # the `missing` metric: rows without a value, over all rows (numeric columns count
    # finite values; a kept profile remembers its reference's rows)
    rows: tuple[int, int] | None = None
    if "missing" in config.metrics:
        rows = (store.rows if store.rows is not None else ref.rows(), cur.rows())
    store.save(ref_columns, ref_kinds, profiles, rows[0] if rows else None)

    def drift(column: str) -> ColumnDrift:
        if column in profiles:
            size, le = current[column]
            grid = cur.sorted(column).at(_ranks(size, GRID)) if fine and size else None
            out = profile_drift(column, profiles[column], size, le, grid)
            if rows is None:
                return out
            shares = (1 - out.reference_n / max(rows[0], 1), 1 - out.current_n / max(rows[1], 1))
        else:
            ref_freq, cur_freq = ref.counts(column), cur.counts(column)
            out = counted_drift(column, ref_freq, cur_freq)
            if rows is None:
                return out
            shares = (_share(ref_freq, MISSING), _share(cur_freq, MISSING))
        stats = {**out.stats, "missing": abs(shares[1] - shares[0])}
        return dataclasses.replace(out, stats=stats, missing=(shares[0], shares[1]))

    in_memory = ref.table is None and cur.table is None
    workers = max(1, min(len(chosen), os.cpu_count() or 1)) if in_memory else 1
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(drift, chosen))


def _share(freq: pd.Series, level: str) -> float:
    """The share of rows counted under ``level`` (0 when there is none, or no row)."""
    total = int(freq.sum())
    return float(freq.get(level, 0)) / total if total else 0.0


def _columns(config: DriftConfig, reference: list[str], current: list[str]) -> list[str]:
    if config.columns is not None:
        for name, have in ((config.reference, reference), (config.current, current)):
            for column in config.columns:
                if column not in have:
                    hint = did_you_mean(column, have)
                    raise GateError(f"input `{name}` has no column `{column}`{hint}")
        chosen = list(config.columns)
    else:
        chosen = [c for c in reference if c in current]
    chosen = [c for c in chosen if c not in set(config.exclude_columns)]
    if not chosen:
        raise GateError(
            f"inputs `{config.reference}` and `{config.current}` share no column to compare"
        )
    return chosen


def _judge(
    ctx: RunContext, drift: ColumnDrift, name: str, spec: Threshold | list[Threshold]
) -> CheckResult:
    blocks = spec if isinstance(spec, list) else [spec]
    evidence = {
        "kind": drift.kind,
        "reference_n": drift.reference_n,
        "current_n": drift.current_n,
        "statistics": {k: round(v, 6) for k, v in drift.stats.items() if not math.isnan(v)},
    }
    if drift.missing is not None:
        evidence["missing_share"] = {
            "reference": round(drift.missing[0], 6),
            "current": round(drift.missing[1], 6),
        }
    if drift.histogram:
        histogram = dict(drift.histogram)
        if "labels" in histogram:  # category values are data: personal data masked
            from mlgate.gates.pii.detect import masked_labels

            histogram["labels"] = masked_labels(list(histogram["labels"]))
        evidence["histogram"] = histogram
    # a numeric column without values: on both sides there is nothing to compare (too
    # little evidence, as the policy's on_inconclusive says); on one side it went empty
    # (or filled), which is drift however the statistics read
    # (the `missing` metric measures exactly that: judged as any other)
    empty = (drift.reference_n == 0, drift.current_n == 0) if name != "missing" else (False, False)
    results = []
    for i, block in enumerate(blocks):
        rel: NodePath = ("metrics", name, i) if isinstance(spec, list) else ("metrics", name)
        if empty[0] != empty[1]:
            sides = ("reference", "current")
            full, none = (sides[1], sides[0]) if empty[0] else sides
            count = drift.current_n if empty[0] else drift.reference_n
            message = f"`{drift.column}` has {count:,} values in the {full} and none in the {none}"
            check = ctx.assertion(
                f"{name}[{drift.column}]", False, message, rel, severity=block.severity,
                evidence=evidence, controls=block.controls,
            )  # fmt: skip
            results.append(check.model_copy(update={"direction": DIRECTIONS[name].value}))
            continue
        results.append(
            ctx.check(
                f"{name}[{drift.column}]",
                drift.stats[name],
                block,
                DIRECTIONS[name],
                rel,
                evidence=evidence,
                inconclusive=f"`{drift.column}` has no values on either side"
                if all(empty)
                else None,
                undefined=f"`{drift.column}` has no values to compare",
            )
        )
    chosen = max(results, key=lambda r: r.outcome.rank)
    if len(results) > 1 and chosen.outcome is Outcome.PASS:
        chosen = results[-1]
    texts = "; ".join(b.describe() for b in blocks)
    return chosen.model_copy(
        update={"threshold_text": texts, "outcome": worst([r.outcome for r in results])}
    )
