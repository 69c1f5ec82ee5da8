"""Where a dataset input is computed: pandas in this process, DuckDB, or Spark.

pandas reads the whole input into memory: the right default for the data of a pull
request. For larger-than-memory data the gates do not ask for rows but for **sufficient
statistics**, and an engine computes them where the data is:

* DuckDB (``mlgate[duckdb]``) in-process, over Parquet files, globs, hive-partitioned
  folders and CSV, streamed and spilled to disk, never one pandas frame;
* Spark (``mlgate[spark]``) over a path, a table or a SQL query, on ``local[*]``, a master
  URL (``MLGATE_SPARK_MASTER``) or Spark Connect (``SPARK_REMOTE``).

A :class:`Table` offers the operations the gates need, implemented once per engine:
group-by counts (with sums) over label, prediction, score and group columns, distinct
values, exact order statistics (for drift quantiles), counts of values at or below given
edges, value counts, and Arrow record batches for row scans. A gate that can only read a
pandas frame gets one when the input has at most :data:`PANDAS_ROWS` rows (the input's
``pandas_rows:`` raises it) and a clear error otherwise.

Numbers are the same on every engine: counts are counts, quantiles are elements of the
data at the same ranks, scores are rounded with one formula (``floor(x * B + 0.5) / B``) when
a score column has too many distinct values to be a group key.
"""

from __future__ import annotations

import contextlib
import glob
import os
import re
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mlgate.errors import GateError, InputError
from mlgate.formats import NA_VALUES

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
    import pyarrow as pa

ENGINES = ("pandas", "duckdb", "spark")
# `engine: auto` picks DuckDB (when installed) for inputs larger than this on disk
AUTO_BYTES = 256 << 20
# rows a gate that reads a pandas frame may pull out of an engine input
PANDAS_ROWS = 5_000_000
# group-by results larger than this are refused (a key column with too many values)
MAX_GROUPS = 2_000_000
BATCH_ROWS = 1 << 20
SPARK_FORMATS = {"parquet": "parquet", "csv": "csv", "tsv": "csv", "jsonl": "json", "json": "json"}


def quote(name: str) -> str:
    """A column name as a quoted SQL identifier (DuckDB and Spark SQL)."""
    return '"' + name.replace('"', '""') + '"'


def _bq(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def kind_of(arrow_type: Any) -> str:
    """numeric | bool | string | temporal | other, from an Arrow type."""
    import pyarrow.types as t

    if t.is_boolean(arrow_type):
        return "bool"
    if t.is_integer(arrow_type) or t.is_floating(arrow_type) or t.is_decimal(arrow_type):
        return "numeric"
    if t.is_string(arrow_type) or t.is_large_string(arrow_type) or t.is_dictionary(arrow_type):
        return "string"
    if t.is_temporal(arrow_type):
        return "temporal"
    return "other"


class Table:
    """A dataset on an engine; the operations gates use to compute from it."""

    engine: str = ""

    def __init__(self, name: str) -> None:
        self.name = name
        self._rows: int | None = None
        # told what is being scanned, for a progress line on a terminal (or None)
        self.progress: Callable[[str], object] | None = None

    def note(self, what: str) -> None:
        """Say what the engine is doing now (``progress``)."""
        if self.progress is not None:
            rows = f" ({self._rows:,} rows)" if self._rows is not None else ""
            self.progress(f"{self.name} on {self.engine}{rows}: {what}")

    # -- shape
    def schema(self) -> pa.Schema:
        """The Arrow schema of the dataset."""
        raise NotImplementedError

    def columns(self) -> list[str]:
        """Column names, in order."""
        return list(self.schema().names)

    def kinds(self) -> dict[str, str]:
        """numeric | bool | string | temporal | other, per column."""
        return {f.name: kind_of(f.type) for f in self.schema()}

    def num_rows(self) -> int:
        """Number of rows (counted once)."""
        if self._rows is None:
            self._rows = int(self._scalar("SELECT count(*) FROM {t}"))
        return self._rows

    def require(self, columns: Sequence[str]) -> None:
        """A :class:`GateError` naming any missing column."""
        from mlgate.errors import did_you_mean

        have = self.columns()
        for column in columns:
            if column not in have:
                raise GateError(
                    f"input `{self.name}` has no column `{column}`{did_you_mean(column, have)}"
                )

    # -- statistics
    def counts(
        self,
        keys: Sequence[str],
        rounded: dict[str, int] | None = None,
        sums: dict[str, str] | None = None,
    ) -> pd.DataFrame:
        """Rows per distinct combination of ``keys`` (column ``__n``), nulls included.

        ``rounded``: key columns rounded to ``B`` levels per unit (``floor(x*B+0.5)/B``);
        ``sums``: extra columns, each the sum of a SQL expression over the group's rows.
        """
        rounded = rounded or {}
        self.note(f"counting groups of {', '.join(keys) or 'rows'}")
        exprs = []
        for i, key in enumerate(keys):
            col = self._q(key)
            if key in rounded:
                b = float(rounded[key])
                col = f"floor(CAST({col} AS DOUBLE) * {b!r} + 0.5) / {b!r}"
            exprs.append(f"{col} AS {self._q(f'__k{i}')}")
        aggs = ["count(*) AS __n"] + [f"sum({e}) AS {self._q(n)}" for n, e in (sums or {}).items()]
        groups = ", ".join(self._q(f"__k{i}") for i in range(len(keys)))
        sql = f"SELECT {', '.join(exprs + aggs)} FROM {{t}}"
        if keys:
            sql += f" GROUP BY {groups}"
        frame = self._frame(sql + f" LIMIT {MAX_GROUPS + 1}")
        if len(frame) > MAX_GROUPS:
            raise GateError(
                f"input `{self.name}` has more than {MAX_GROUPS:,} distinct combinations of "
                f"{', '.join(f'`{k}`' for k in keys)}; these columns cannot be counted as groups "
                "(a continuous column used as a label, prediction or group?)"
            )
        frame.columns = [*keys, "__n", *(sums or {})]
        # one order whatever the engine or the partitioning: resamples draw the same rows
        if keys:
            frame = frame.sort_values(list(keys), na_position="last", kind="stable")
        out: pd.DataFrame = frame.reset_index(drop=True)
        return out

    def has_more_distinct(self, column: str, limit: int) -> bool:
        """Whether ``column`` has more than ``limit`` distinct non-null values: a HyperLogLog
        estimate decides when it is far from the limit (its error is a few percent), an
        exact count up to ``limit + 1`` otherwise."""
        c = self._q(column)
        estimate = float(self._scalar(f"SELECT approx_count_distinct({c}) FROM {{t}}") or 0)
        if estimate > 1.5 * limit:
            return True
        if estimate < limit / 1.5:
            return False
        return self.distinct_count(column, limit) > limit

    def distinct_count(self, column: str, limit: int) -> int:
        """Distinct non-null values of ``column``, counted up to ``limit + 1``."""
        c = self._q(column)
        sql = (
            f"SELECT count(*) FROM (SELECT DISTINCT {c} FROM {{t}} WHERE {c} IS NOT NULL "
            f"LIMIT {limit + 1})"
        )
        return int(self._scalar(sql))

    def column_stats(self, numeric: Sequence[str]) -> dict[str, tuple[int, Any, Any]]:
        """Per column in one scan: (non-null values, min, max); min and max of ``numeric``
        columns only (None for the others)."""
        columns = self.columns()
        parts = []
        for column in columns:
            c = self._q(column)
            parts.append(f"count({c})")
            if column in numeric:
                parts += [f"min({c})", f"max({c})"]
        row = self._frame(f"SELECT {', '.join(parts)} FROM {{t}}").iloc[0].tolist()
        out: dict[str, tuple[int, Any, Any]] = {}
        i = 0
        for column in columns:
            if column in numeric:
                out[column] = (int(row[i]), row[i + 1], row[i + 2])
                i += 3
            else:
                out[column] = (int(row[i]), None, None)
                i += 1
        return out

    def distinct_values(self, column: str, limit: int) -> list[Any] | None:
        """The distinct non-null values of ``column``, or None when it has more than
        ``limit``."""
        c = self._q(column)
        frame = self._frame(
            f"SELECT DISTINCT {c} AS v FROM {{t}} WHERE {c} IS NOT NULL LIMIT {limit + 1}"
        )
        values = frame["v"].tolist()
        return values if len(values) <= limit else None

    def integer(self, column: str) -> bool:
        """Whether ``column`` holds integers."""
        import pyarrow.types as t

        return bool(t.is_integer(self.schema().field(column).type))

    def max_abs(self, column: str) -> float:
        """The largest absolute value of a numeric column (0 when it has none)."""
        return float(self._scalar(f"SELECT max(abs({self._q(column)})) FROM {{t}}") or 0)

    def finite_count(self, column: str) -> int:
        """Number of finite numeric values of ``column``."""
        return int(self._scalar(f"SELECT count(*) FROM {{t}} WHERE {self._finite(column)}"))

    def order_statistics(self, column: str, ranks: np.ndarray, n: int) -> np.ndarray:
        """The values at 0-based ``ranks`` of the sorted finite values of ``column``.

        One sort by the engine (DuckDB's is parallel and spills to disk), numbered, and only
        the asked ranks come back: exact, with memory bounded by the engine, not by mlgate."""
        import numpy as np

        unique = np.unique(ranks)
        self.note(f"sorting {column}")
        c = f"CAST({self._q(column)} AS DOUBLE)"
        wanted = ", ".join(str(int(r)) for r in unique)
        sql = (
            f"SELECT r, x FROM (SELECT x, row_number() OVER (ORDER BY x) - 1 AS r FROM "
            f"(SELECT {c} AS x FROM {{t}} WHERE {self._finite(column)}) AS v) AS w "
            f"WHERE r IN ({wanted})"
        )
        found = dict(self._frame(sql).itertuples(index=False, name=None))
        if len(found) != len(unique):
            raise GateError(f"input `{self.name}`: `{column}` changed while it was read")
        values = np.array([found[int(r)] for r in unique], dtype=np.float64)
        out: np.ndarray = values[np.searchsorted(unique, ranks)]
        return out

    def at_or_below(self, column: str, edges: np.ndarray) -> np.ndarray:
        """How many finite values of ``column`` are ≤ each of the sorted ``edges``."""
        import numpy as np

        counts = np.zeros(len(edges) + 1, dtype=np.int64)
        sql = (
            f"SELECT CAST({self._q(column)} AS DOUBLE) AS x FROM {{t}} WHERE {self._finite(column)}"
        )
        for batch in self._batches(sql):
            values = batch.column(0).to_numpy(zero_copy_only=False)
            counts += np.bincount(
                np.searchsorted(edges, values, side="left"), minlength=len(edges) + 1
            )
        out: np.ndarray = np.cumsum(counts)[:-1]
        return out

    def at_or_below_many(self, edges: dict[str, np.ndarray]) -> dict[str, tuple[int, np.ndarray]]:
        """Per column: (finite values, how many are <= each of its sorted edges)."""
        return {c: (self.finite_count(c), self.at_or_below(c, e)) for c, e in edges.items()}

    def value_counts(self, column: str) -> pd.Series:
        """Rows per value of ``column`` (nulls as ``None``)."""
        frame = self.counts([column])
        out: pd.Series = frame.set_index(column)["__n"]
        return out

    def batches(self, columns: Sequence[str]) -> Iterator[pa.RecordBatch]:
        """The rows of ``columns`` as Arrow record batches (a row scan, streamed)."""
        cols = ", ".join(self._q(c) for c in columns)
        return self._batches(f"SELECT {cols} FROM {{t}}")

    def native(self) -> Any:
        """The engine's own handle of the data (a Spark DataFrame, a DuckDB relation), for
        libraries that run on the engine themselves (Great Expectations on Spark)."""
        raise NotImplementedError

    def to_pandas(self, limit: int = PANDAS_ROWS, why: str = "") -> pd.DataFrame:
        """The whole input as a pandas frame, refused above ``limit`` rows."""
        rows = self.num_rows()
        if rows > limit:
            raise GateError(
                f"input `{self.name}` has {rows:,} rows on {self.engine}; {why or 'this gate'} "
                f"reads it as a pandas frame, which is refused above {limit:,} rows (raise "
                "`pandas_rows:` on the input if it fits in memory)"
            )
        # dates as datetime64, as pandas reads them from a file (Great Expectations' types)
        frame: pd.DataFrame = self._arrow_table("SELECT * FROM {t}").to_pandas(date_as_object=False)
        return frame

    def q(self, name: str) -> str:
        """``name`` as a quoted identifier in this engine's SQL."""
        return self._q(name)

    # -- engine specifics
    def _q(self, name: str) -> str:
        return quote(name)

    def _finite(self, column: str) -> str:
        c = self._q(column)
        return f"{c} IS NOT NULL AND isfinite(CAST({c} AS DOUBLE))"

    def _scalar(self, sql: str) -> Any:
        raise NotImplementedError

    def _frame(self, sql: str) -> pd.DataFrame:
        frame: pd.DataFrame = self._arrow_table(sql).to_pandas()
        return frame

    def _arrow_table(self, sql: str) -> pa.Table:
        raise NotImplementedError

    def _batches(self, sql: str) -> Iterator[pa.RecordBatch]:
        raise NotImplementedError


# ----------------------------------------------------------------------------- DuckDB


BOOLEAN_WORDS = ("True", "TRUE", "true", "False", "FALSE", "false")  # pandas' booleans


def _sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def duckdb_source(
    path: str,
    fmt: str,
    sep: str | None,
    missing: tuple[str, ...] = NA_VALUES,
    header: Sequence[str] = (),
) -> str:
    """The DuckDB table function reading ``path`` (a file, a glob or a folder); in a CSV or
    TSV file the ``missing`` texts are missing values and the columns are named ``header``
    (:func:`checked_header`), as pandas reads them."""
    literal = _sql_string(path)
    if fmt == "parquet":
        return f"read_parquet({literal}, hive_partitioning = true, union_by_name = true)"
    if fmt in ("csv", "tsv"):
        delim = sep or ("\t" if fmt == "tsv" else ",")
        nulls = ", ".join(_sql_string(m) for m in missing)
        # the names pandas gives the columns: DuckDB takes a header cell that is a missing
        # text (a column `NA`, `None`) or empty for no name (`column0`, not `Unnamed: 0`) and
        # tells a repeated name apart otherwise (`a_1`, not `a.1`)
        names = ", names = [" + ", ".join(_sql_string(n) for n in header) + "]" if header else ""
        # pandas' types: no dates, no yes/no booleans (DuckDBTable types true/false columns)
        return (
            f"read_csv({literal}, delim = {_sql_string(delim)}, header = true, "
            f"nullstr = [{nulls}], auto_type_candidates = ['BIGINT', 'DOUBLE', 'VARCHAR']"
            f"{names})"
        )
    if fmt in ("jsonl", "json"):
        return f"read_json_auto({literal})"
    raise InputError(f"DuckDB cannot read {fmt} files; use engine: pandas")


class DuckDBTable(Table):
    """A dataset read lazily by an in-process DuckDB (one connection per run)."""

    engine = "duckdb"

    def __init__(self, name: str, source: str) -> None:
        super().__init__(name)
        self.source = source
        self._schema: pa.Schema | None = None
        self._con: Any = None
        self._typed = not source.startswith("read_csv(")  # CSV: booleans found on first use

    @property
    def con(self) -> Any:
        if self._con is None:
            import duckdb

            self._con = duckdb.connect(config=_duckdb_config())
        return self._con

    def _csv_types(self) -> None:
        """Text columns of a CSV file as pandas types them: booleans when every value is one
        of pandas' (True, true, FALSE, ...; DuckDB's own sniffing takes yes/no and t/f too),
        floats when the column is empty. One pass over the text columns."""
        import pyarrow as pa

        schema = self.schema()
        text = [
            f.name for f in schema if pa.types.is_string(f.type) or pa.types.is_large_string(f.type)
        ]
        if not text:
            return
        words = ", ".join(_sql_string(w) for w in BOOLEAN_WORDS)
        counts = ", ".join(
            f"count({self.q(c)}), count(CASE WHEN {self.q(c)} IN ({words}) THEN 1 END)"
            for c in text
        )
        row = self._run(f"SELECT {counts} FROM {{t}}").fetchall()[0]
        kinds = {
            c: "BOOLEAN" if row[2 * i] else "DOUBLE"
            for i, c in enumerate(text)
            if row[2 * i] == row[2 * i + 1]
        }
        if kinds:
            replace = ", ".join(
                f"CAST({self.q(c)} AS {k}) AS {self.q(c)}" for c, k in kinds.items()
            )
            self.source = f"(SELECT * REPLACE ({replace}) FROM {self.source})"
            self._schema = None

    def native(self) -> Any:
        return self._run("SELECT * FROM {t}")

    def _sql(self, sql: str) -> str:
        if not self._typed:
            self._typed = True
            self._csv_types()
        return sql.replace("{t}", self.source)

    def _run(self, sql: str, params: Any = None) -> Any:
        import duckdb

        try:
            return self.con.sql(self._sql(sql), params=params)
        except duckdb.Error as exc:
            raise InputError(f"input `{self.name}` on duckdb: {_first_line(exc)}") from None

    def schema(self) -> pa.Schema:
        if self._schema is None:
            self._schema = _arrow(self._run("SELECT * FROM {t} LIMIT 0")).schema
        return self._schema

    def _scalar(self, sql: str) -> Any:
        return self._run(sql).fetchall()[0][0]

    def _arrow_table(self, sql: str) -> pa.Table:
        return _arrow(self._run(sql))

    def _batches(self, sql: str) -> Iterator[pa.RecordBatch]:
        relation = self._run(sql)
        if hasattr(relation, "to_arrow_reader"):  # DuckDB 2
            yield from relation.to_arrow_reader(BATCH_ROWS)
        else:
            yield from relation.fetch_arrow_reader(BATCH_ROWS)

    def at_or_below_many(self, edges: dict[str, np.ndarray]) -> dict[str, tuple[int, np.ndarray]]:
        """Every column in one scan: DuckDB's ``histogram(x, boundaries)`` counts the values
        in each (previous edge, edge] bin."""
        import numpy as np

        if not edges:
            return {}
        self.note(f"histograms of {', '.join(edges)}")
        parts, params = [], {}
        for i, (column, bounds) in enumerate(edges.items()):
            finite = self._finite(column)
            parts.append(f"count(*) FILTER (WHERE {finite})")
            if len(bounds):
                c = f"CAST({self._q(column)} AS DOUBLE)"
                parts.append(f"histogram({c}, $e{i}) FILTER (WHERE {finite})")
                params[f"e{i}"] = [float(b) for b in bounds]
            else:
                parts.append("NULL")
        row = self._run(f"SELECT {', '.join(parts)} FROM {{t}}", params).fetchall()[0]
        out = {}
        for i, (column, bounds) in enumerate(edges.items()):
            size, bins = int(row[2 * i]), row[2 * i + 1] or {}
            per_bin = np.array([bins.get(float(b), 0) for b in bounds], dtype=np.int64)
            out[column] = (size, np.cumsum(per_bin))
        return out


def _arrow(relation: Any) -> pa.Table:
    """A DuckDB relation as an Arrow table (DuckDB 2 and 1.x)."""
    if hasattr(relation, "to_arrow_table"):
        return relation.to_arrow_table()
    return relation.arrow()


def _duckdb_config() -> dict[str, Any]:
    config: dict[str, Any] = {}
    if limit := os.environ.get("MLGATE_DUCKDB_MEMORY"):
        config["memory_limit"] = limit
    if threads := os.environ.get("MLGATE_DUCKDB_THREADS"):
        config["threads"] = int(threads)
    return config


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


# ----------------------------------------------------------------------------- Spark


def spark_session() -> Any:
    """The Spark session: Spark Connect (``SPARK_REMOTE``) or a master URL
    (``MLGATE_SPARK_MASTER``, default ``local[*]``); one per process."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise InputError("engine: spark needs pyspark: pip install 'mlgate[spark]'") from None
    builder = SparkSession.builder.appName("mlgate")
    if remote := os.environ.get("SPARK_REMOTE"):
        builder = builder.remote(remote)
    else:
        builder = builder.master(os.environ.get("MLGATE_SPARK_MASTER", "local[*]"))
        builder = builder.config("spark.ui.enabled", "false")
        builder = builder.config("spark.sql.session.timeZone", "UTC")
        builder = builder.config("spark.sql.execution.arrow.pyspark.enabled", "true")
    session = builder.getOrCreate()
    with contextlib.suppress(Exception):  # Spark Connect sessions have no SparkContext
        session.sparkContext.setLogLevel("ERROR")
    return session


class SparkTable(Table):
    """A Spark DataFrame registered as a temporary view."""

    engine = "spark"

    def __init__(self, name: str, make: Any) -> None:
        super().__init__(name)
        self._make = make  # () -> DataFrame, called on first use
        self._df: Any = None
        self._schema: pa.Schema | None = None
        self.view = "mlgate_" + re.sub(r"\W", "_", name)

    @property
    def df(self) -> Any:
        if self._df is None:
            try:
                self._df = self._make()
                self._df.createOrReplaceTempView(self.view)
            except InputError:
                raise
            except Exception as exc:
                raise InputError(f"input `{self.name}` on spark: {_first_line(exc)}") from None
        return self._df

    def native(self) -> Any:
        return self.df

    def _q(self, name: str) -> str:
        return _bq(name)

    def _finite(self, column: str) -> str:
        c = self._q(column)
        return (
            f"{c} IS NOT NULL AND NOT isnan(CAST({c} AS DOUBLE)) "
            f"AND abs(CAST({c} AS DOUBLE)) != double('infinity')"
        )

    def _sql(self, sql: str) -> Any:
        _ = self.df
        try:
            return self.df.sparkSession.sql(sql.replace("{t}", self.view))
        except Exception as exc:
            raise InputError(f"input `{self.name}` on spark: {_first_line(exc)}") from None

    def schema(self) -> pa.Schema:
        if self._schema is None:
            self._schema = self._sql("SELECT * FROM {t} LIMIT 0").toArrow().schema
        return self._schema

    def _scalar(self, sql: str) -> Any:
        return self._sql(sql).collect()[0][0]

    def _arrow_table(self, sql: str) -> pa.Table:
        table: pa.Table = self._sql(sql).toArrow()
        return table

    def _batches(self, sql: str) -> Iterator[pa.RecordBatch]:
        table = self._sql(sql).toArrow()  # collected per query; the gates ask for one column
        yield from table.to_batches(BATCH_ROWS)

    def at_or_below(self, column: str, edges: np.ndarray) -> np.ndarray:
        import numpy as np

        if len(edges) == 0:
            return np.zeros(0, dtype=np.int64)
        # counted by Spark: a bucketizer puts each value in the bucket of its first edge >= it
        from pyspark.ml.feature import Bucketizer

        splits = [-float("inf"), *[float(np.nextafter(e, np.inf)) for e in edges], float("inf")]
        c = f"CAST({self._q(column)} AS DOUBLE)"
        frame = self._sql(f"SELECT {c} AS x FROM {{t}} WHERE {self._finite(column)}")
        bucketed = Bucketizer(splits=splits, inputCol="x", outputCol="b").transform(frame)
        rows = bucketed.groupBy("b").count().collect()
        counts = np.zeros(len(edges) + 1, dtype=np.int64)
        for row in rows:
            counts[int(row[0])] += int(row[1])
        out: np.ndarray = np.cumsum(counts)[:-1]
        return out


def spark_reader(
    name: str,
    path: str | None,
    fmt: str | None,
    table: str | None,
    sql: str | None,
    sep: str | None,
    missing: tuple[str, ...] = NA_VALUES,
    header: Sequence[str] = (),
) -> Any:
    """A function making the Spark DataFrame of an input (CSV and TSV files: see
    :func:`_spark_csv`)."""

    def make() -> Any:
        spark = spark_session()
        if table is not None:
            return spark.table(table)
        if sql is not None:
            return spark.sql(sql)
        assert path is not None
        assert fmt is not None
        if fmt not in SPARK_FORMATS and fmt != "delta":
            raise InputError(f"input `{name}`: Spark cannot read {fmt} files")
        if fmt in ("csv", "tsv"):
            delim = sep or ("\t" if fmt == "tsv" else ",")
            return _spark_csv(spark, path, delim, missing, header)
        return spark.read.format(SPARK_FORMATS.get(fmt, fmt)).load(path)

    return make


WHOLE = r"^\s*[+-]?[0-9]+\s*$"  # a whole number as pandas reads one


def _spark_name(column: str) -> str:
    return "`" + column.replace("`", "``") + "`"


def _spark_csv(
    spark: Any, path: str, sep: str, missing: tuple[str, ...], header: Sequence[str]
) -> Any:
    """A CSV file as pandas reads it: the columns named ``header`` (:func:`checked_header`;
    Spark tells a repeated name apart otherwise), the ``missing`` texts are nulls (Spark's
    reader takes one such text), then each column is a whole number, a float or a boolean
    when all its other values are (pandas' inference; Spark's own ran before the nulls were
    known, so a column of numbers with ``NA`` in it stayed text). One pass to find the
    types."""
    from pyspark.sql import functions as sf

    raw = (
        spark.read.format("csv")
        .option("header", "true")
        .option("inferSchema", "false")
        .option("sep", sep)
        .option("nullValue", "\u0000")  # no text is null by Spark's rule: by ours below
        .option("emptyValue", "")
        .load(path)
    )
    if len(header) == len(raw.columns):
        raw = raw.toDF(*header)
    names = raw.columns
    nulls = [
        sf.when(sf.col(_spark_name(c)).isin(list(missing)), sf.lit(None))
        .otherwise(sf.col(_spark_name(c)))
        .alias(c)
        for c in names
    ]
    text = raw.select(nulls)

    counts = []
    for i, c in enumerate(names):
        counts += [
            sf.count(sf.col(_spark_name(c))).alias(f"n{i}"),
            sf.count(
                sf.when(
                    sf.col(_spark_name(c)).rlike(WHOLE)
                    & sf.expr(f"try_cast({_spark_name(c)} AS BIGINT)").isNotNull(),
                    1,
                )
            ).alias(f"BIGINT{i}"),
            sf.count(sf.expr(f"try_cast({_spark_name(c)} AS DOUBLE)")).alias(f"DOUBLE{i}"),
            sf.count(sf.when(sf.col(_spark_name(c)).isin(list(BOOLEAN_WORDS)), 1)).alias(
                f"BOOLEAN{i}"
            ),
        ]
    row = text.agg(*counts).first().asDict() if names else {}
    typed = []
    for i, c in enumerate(names):
        n = row[f"n{i}"]
        # an empty column is floats (NaN) to pandas
        kind = next((k for k in ("BIGINT", "DOUBLE", "BOOLEAN") if row[f"{k}{i}"] == n), None)
        kind = "DOUBLE" if n == 0 else kind
        column = sf.col(_spark_name(c))
        typed.append((column.cast(kind) if kind else column).alias(c))
    return text.select(typed)


def _first_file(path: str) -> Path | None:
    """The first data file of a file, a folder or a glob (names in order)."""
    if Path(path).is_file():
        return Path(path)
    pattern = str(Path(path) / "**" / "*") if Path(path).is_dir() else path
    found = (
        Path(p)
        for p in sorted(glob.glob(pattern, recursive=True))
        if not Path(p).name.startswith(("_", ".")) and Path(p).is_file()
    )
    return next(found, None)


def checked_header(path: str, fmt: str, sep: str | None, where: str, engine: str) -> list[str]:
    """The column names of what an engine reads at ``path`` (a file, a folder or a glob) as
    its first file writes them and pandas names them (:func:`header_names`); an InputError
    when two differ only in case (`p95`, `P95`): DuckDB and Spark do not tell such columns
    apart (DuckDB reads the second as `P95_1`), so a gate would check another column than
    the one the policy names."""
    first = _first_file(path)
    names = header_names(first, fmt, sep) if first else []
    seen: dict[str, str] = {}
    for name in names:
        twin = seen.setdefault(name.casefold(), name)
        if twin != name:
            raise InputError(
                f"{where} has columns whose names differ only in case (`{twin}`, `{name}`): "
                f"{engine} does not tell them apart; rename one, or read the input with "
                "`engine: pandas`"
            )
    return names


def header_names(path: Path, fmt: str, sep: str | None) -> list[str]:
    """The column names as written in a CSV, TSV or Parquet file (exact: engines may rename
    some); other formats: none. Reads the header or the schema only."""
    if fmt == "parquet":
        import pyarrow.parquet as pq

        try:
            return [str(n) for n in pq.read_schema(path).names]
        except (OSError, ValueError):
            return []  # the engine's own read reports the problem
    if fmt in ("csv", "tsv"):
        import pandas as pd

        try:
            head = pd.read_csv(path, sep=sep or ("\t" if fmt == "tsv" else ","), nrows=0)
        except (OSError, ValueError, UnicodeDecodeError):
            return []
        return [str(c) for c in head.columns]
    return []


def folder_format(path: Path) -> str | None:
    """The data format of the files in a (hive-partitioned) folder, or None."""
    from mlgate.formats import detect_format

    for file in sorted(path.rglob("*")):
        if file.is_file() and not file.name.startswith(("_", ".")):
            return detect_format(file)
    return None
