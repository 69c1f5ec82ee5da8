"""A whole policy on 10M-50M predictions in Parquet: mlgate on DuckDB beside DuckDB itself.

Run:  .venv/bin/python benchmarks/bench_scale.py [--rows 10000000,25000000,50000000] [--runs 3]

For each size, a Parquet file of predictions (label, prediction, score, two sensitive
columns, five features) is written in 1M-row chunks (memory stays flat), and a reference
of 1M rows from the same generator. Then, each in a fresh process, median of ``--runs``:

* ``mlgate check`` of a policy with a performance gate (accuracy, f1, roc_auc, log_loss,
  one slice), a fairness gate (demographic parity and equalized odds over both sensitive
  columns, with their intersection) and a drift gate (the five features, PSI and KS), on
  DuckDB: once cold (the reference profiled), then ``--runs`` times warm (the reference's
  profile kept, as in CI with a restored cache: only the scored file is scanned);
* DuckDB's own ``GROUP BY`` over the same columns (label, prediction, rounded score and the
  two sensitive columns: the cells the gates count) — the floor mlgate is compared with;
* at the smallest size, the same policy on pandas (``engine: pandas``), where it fits.

Peak RSS of each process is measured; results go to benchmarks/results/scale.json and are
printed as Markdown (pasted into the README).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "examples" / "lakehouse"))
from bench_core import run_process
from generate import rows

RESULTS = Path(__file__).resolve().parent / "results"
CHUNK = 1_000_000

POLICY = """version: 1
inputs:
  reference: {{path: reference.parquet, engine: {engine}}}
  scored: {{path: scored.parquet, engine: {engine}}}
gates:
  - id: performance
    type: performance
    data: scored
    task: binary
    label: label
    prediction: prediction
    score: score
    slices: [region]
    metrics:
      accuracy: {{min: 0.6}}
      f1: {{min: 0.5}}
      roc_auc: {{min: 0.7}}
      log_loss: {{max: 0.7}}
  - id: fairness
    type: fairness
    data: scored
    task: binary
    label: label
    prediction: prediction
    sensitive_features: [sex, region]
    metrics:
      demographic_parity_difference: {{max: 0.2}}
      equalized_odds_difference: {{max: 0.2}}
  - id: drift
    type: drift
    reference: reference
    current: scored
    columns: [f1, f2, f3, f4, f5]
    keep_reference_profile: true
    metrics:
      psi: {{max: 0.25}}
      ks: {{max: 0.1}}
"""

GROUP_BY = """
import duckdb, sys
con = duckdb.connect()
con.sql(
    "SELECT label, prediction, floor(score * 10000 + 0.5) / 10000 AS s, sex, region, count(*) "
    "FROM read_parquet(?) GROUP BY ALL", params=[sys.argv[1]]
).fetchall()
"""


def chunk(n: int, rng: np.random.Generator, shift: float = 0.0) -> pa.Table:
    """Rows of the lakehouse example's shape (its generator, examples/lakehouse)."""
    table: pa.Table = rows(n, rng, shift)
    return table


def write(path: Path, rows: int, seed: int, shift: float = 0.0) -> None:
    rng = np.random.default_rng(seed)
    first = chunk(min(CHUNK, rows), rng, shift)
    with pq.ParquetWriter(path, first.schema) as out:
        out.write_table(first)
        done = first.num_rows
        while done < rows:
            part = chunk(min(CHUNK, rows - done), rng, shift)
            out.write_table(part)
            done += part.num_rows


def median_run(cmd: list[str], cwd: Path, runs: int) -> dict[str, float]:
    times, peaks = [], []
    for _ in range(runs):
        elapsed, rss, code = run_process(cmd, cwd)
        if code not in (0, 1):
            raise SystemExit(f"{cmd} exited with {code}")
        times.append(elapsed)
        peaks.append(rss)
    return {"s": statistics.median(times), "rss_mb": statistics.median(peaks)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", default="10000000,25000000,50000000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pandas", action=argparse.BooleanOptionalAction, default=True)
    args = parser.parse_args()
    sizes = [int(r) for r in args.rows.split(",")]
    results: list[dict[str, Any]] = []
    mlgate = [str(Path(sys.executable).parent / "mlgate")]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        os.environ["MLGATE_CACHE_DIR"] = str(root / "cache")
        write(root / "reference.parquet", 1_000_000, seed=1)
        for rows in sizes:
            write(root / "scored.parquet", rows, seed=2, shift=0.02)
            size_mb = (root / "scored.parquet").stat().st_size / 1e6
            row: dict[str, Any] = {"rows": rows, "parquet_mb": round(size_mb, 1)}
            for engine in ["duckdb", "pandas"] if args.pandas and rows == sizes[0] else ["duckdb"]:
                (root / f"{engine}.yaml").write_text(POLICY.format(engine=engine))
                cmd = [*mlgate, "check", f"{engine}.yaml", "-f", "json", "-o", f"{engine}.json"]
                shutil.rmtree(root / "cache", ignore_errors=True)
                row[f"{engine}_cold"] = median_run(cmd, root, 1)
                row[engine] = median_run(cmd, root, args.runs)
            row["group_by"] = median_run(
                [sys.executable, "-c", GROUP_BY, str(root / "scored.parquet")], root, args.runs
            )
            row["ratio"] = row["duckdb"]["s"] / row["group_by"]["s"]
            print(json.dumps(row), flush=True)
            results.append(row)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "scale.json").write_text(json.dumps(results, indent=2) + "\n")
    print()
    print(
        "| rows | Parquet | mlgate on DuckDB (warm) | cold | DuckDB GROUP BY | ratio "
        "| mlgate peak RSS | pandas |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for r in results:
        pandas = (
            f"{r['pandas']['s']:.1f} s, {r['pandas']['rss_mb']:,.0f} MB" if "pandas" in r else "–"
        )
        print(
            f"| {r['rows']:,} | {r['parquet_mb']:,.0f} MB | {r['duckdb']['s']:.1f} s "
            f"| {r['duckdb_cold']['s']:.1f} s | {r['group_by']['s']:.1f} s | {r['ratio']:.2f}× "
            f"| {r['duckdb']['rss_mb']:,.0f} MB | {pandas} |"
        )


if __name__ == "__main__":
    main()
