"""mlgate on Spark local[2] beside hand-written PySpark and Great Expectations on Spark.

Run:  .venv/bin/python benchmarks/bench_spark.py [--rows 10000000] [--runs 3]

Each measurement is a fresh process (the JVM's start is in every figure, on both sides),
median of ``--runs``, peak RSS of the Python process (the JVM's memory is its own):

1. the policy of ``bench_scale.py`` (performance, fairness, drift on five features, the
   reference profile kept) with ``MLGATE_ENGINE=spark`` against a hand-written PySpark
   ``groupBy`` computing the same cells (label, prediction, rounded score, sex, region);
2. a data gate of six expectations on Spark against the same suite run by Great
   Expectations on Spark directly (its own ``add_spark`` data source), which is what the
   gate calls.

Results go to benchmarks/results/spark.json and are printed as Markdown.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_scale import POLICY, median_run, write

RESULTS = Path(__file__).resolve().parent / "results"

EXPECTATIONS = """      - expect_column_values_to_not_be_null: {column: label}
      - expect_column_values_to_be_in_set: {column: sex, value_set: [female, male]}
      - expect_column_values_to_be_between: {column: score, min_value: 0, max_value: 1}
      - expect_column_mean_to_be_between: {column: f1, min_value: -1, max_value: 1}
      - expect_column_values_to_match_regex: {column: region, regex: "^[a-z]+$"}
      - expect_table_row_count_to_be_between: {min_value: 1}
"""

DATA_POLICY = (
    "version: 1\ninputs:\n  scored: {path: scored.parquet, engine: spark}\ngates:\n"
    "  - id: data\n    type: data\n    data: scored\n    expectations:\n" + EXPECTATIONS
)

GROUP_BY = """
import sys
from pyspark.sql import SparkSession, functions as F
spark = (SparkSession.builder.master("local[2]").config("spark.ui.enabled", "false")
         .getOrCreate())
df = spark.read.parquet(sys.argv[1])
s = F.floor(F.col("score") * 10000 + 0.5) / 10000
df.groupBy("label", "prediction", s.alias("s"), "sex", "region").count().collect()
"""

GX_DIRECT = """
import os, sys, warnings
os.environ["GX_ANALYTICS_ENABLED"] = "false"
warnings.simplefilter("ignore")
from pyspark.sql import SparkSession
import great_expectations as gx
from great_expectations.data_context.types.base import ProgressBarsConfig
spark = (SparkSession.builder.master("local[2]").config("spark.ui.enabled", "false")
         .getOrCreate())
df = spark.read.parquet(sys.argv[1])
context = gx.get_context(mode="ephemeral")
context.variables.progress_bars = ProgressBarsConfig(globally=False)
batch = (context.data_sources.add_spark("s").add_dataframe_asset("a")
         .add_batch_definition_whole_dataframe("all"))
suite = context.suites.add(gx.ExpectationSuite(name="s"))
E = gx.expectations
for e in [E.ExpectColumnValuesToNotBeNull(column="label"),
          E.ExpectColumnValuesToBeInSet(column="sex", value_set=["female", "male"]),
          E.ExpectColumnValuesToBeBetween(column="score", min_value=0, max_value=1),
          E.ExpectColumnMeanToBeBetween(column="f1", min_value=-1, max_value=1),
          E.ExpectColumnValuesToMatchRegex(column="region", regex="^[a-z]+$"),
          E.ExpectTableRowCountToBeBetween(min_value=1)]:
    suite.add_expectation(e)
batch.get_batch(batch_parameters={"dataframe": df}).validate(
    suite, result_format={"result_format": "SUMMARY", "partial_unexpected_count": 20})
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    mlgate = str(Path(sys.executable).parent / "mlgate")
    os.environ.update(MLGATE_ENGINE="spark", MLGATE_SPARK_MASTER="local[2]")
    out: dict[str, Any] = {"rows": args.rows}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        os.environ["MLGATE_CACHE_DIR"] = str(root / "cache")
        write(root / "reference.parquet", 1_000_000, seed=1)
        write(root / "scored.parquet", args.rows, seed=2, shift=0.02)
        (root / "policy.yaml").write_text(POLICY.format(engine="duckdb"))
        (root / "data.yaml").write_text(DATA_POLICY)
        check = [mlgate, "check", "policy.yaml", "-q", "-f", "json", "-o", "out.json"]
        shutil.rmtree(root / "cache", ignore_errors=True)
        out["policy_cold"] = median_run(check, root, 1)
        out["policy"] = median_run(check, root, args.runs)
        scored = str(root / "scored.parquet")
        # scripts run from files: pyspark.sql.connect exits a `python -c` process on import
        (root / "group_by.py").write_text(GROUP_BY)
        (root / "gx_direct.py").write_text(GX_DIRECT)
        out["group_by"] = median_run([sys.executable, "group_by.py", scored], root, args.runs)
        data = [mlgate, "check", "data.yaml", "-q", "-f", "json", "-o", "data.json"]
        out["data_gate"] = median_run(data, root, args.runs)
        out["gx_direct"] = median_run([sys.executable, "gx_direct.py", scored], root, args.runs)
    out["policy_ratio"] = out["policy"]["s"] / out["group_by"]["s"]
    out["data_ratio"] = out["data_gate"]["s"] / out["gx_direct"]["s"]
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "spark.json").write_text(json.dumps(out, indent=2) + "\n")
    print(json.dumps(out))
    print(f"\n#### Spark local[2], {args.rows:,} rows (fresh processes, JVM start included)\n")
    print("| what | median | vs |")
    print("|---|---|---|")
    print(
        f"| mlgate policy (performance, fairness, drift; reference profile kept) "
        f"| {out['policy']['s']:.1f} s (cold {out['policy_cold']['s']:.1f} s) "
        f"| {out['policy_ratio']:.2f}× |"
    )
    print(
        f"| hand-written PySpark groupBy of the same cells | {out['group_by']['s']:.1f} s | 1.00× |"
    )
    print(
        f"| mlgate data gate, 6 expectations | {out['data_gate']['s']:.1f} s | {out['data_ratio']:.2f}× |"
    )
    print(f"| Great Expectations on Spark, same suite | {out['gx_direct']['s']:.1f} s | 1.00× |")


if __name__ == "__main__":
    main()
