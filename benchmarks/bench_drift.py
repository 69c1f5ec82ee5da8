"""The drift gate on 50 columns x 1,000,000 rows, against reading the data and scipy.

Run:  .venv/bin/python benchmarks/bench_drift.py [--rows 1000000]

Target (drift issue): comparing 50 columns of 1,000,000 rows must not take longer than
reading them. Reference and current tables (40 numeric, 10 categorical columns) are written
to Parquet; the script times reading both (pandas), the gate with its default metric (PSI)
and with every metric, and scipy's ks_2samp + wasserstein_distance on the numeric columns.
Medians of 3 runs.

Then the scale issue's target: 50 numeric columns x 1,000,000 rows on the pandas path, with
the reference's profile kept (``keep_reference_profile``), must not take longer than reading
the two Parquet files. Fresh processes each: a Python process reading both files with pandas,
and ``mlgate check`` cold (the reference profiled and kept) and warm (median of 3: the kept
profile used, only the current file read).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_core import in_memory_gate, median_time, run_process

ALL = "    metrics:\n      psi: {max: 0.25}\n      ks: {max: 0.1}\n      ks_pvalue: {min: 0.0}\n      js: {max: 1}\n      wasserstein: {max: 100}\n      chi2_pvalue: {min: 0.0}\n      linf: {max: 1}\n"


def table(rows: int, seed: int, shift: float) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    data = {f"num_{i}": rng.normal(shift * (i % 3), 1 + i / 40, rows) for i in range(40)}
    levels = np.array([f"level_{j}" for j in range(10)])
    for i in range(10):
        data[f"cat_{i}"] = levels[rng.integers(0, 10, rows)]
    return pd.DataFrame(data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        table(args.rows, 0, 0.0).to_parquet(tmp / "ref.parquet")
        table(args.rows, 1, 0.05).to_parquet(tmp / "cur.parquet")

        def read() -> tuple[pd.DataFrame, pd.DataFrame]:
            return pd.read_parquet(tmp / "ref.parquet"), pd.read_parquet(tmp / "cur.parquet")

        read_s = median_time(read, 3)
        ref, cur = read()
        base = "version: 1\ninputs:\n  ref: {path: ref.parquet, engine: pandas}\n  cur: {path: cur.parquet, engine: pandas}\ngates:\n  - type: drift\n    reference: ref\n    current: cur\n"
        (tmp / "psi.yaml").write_text(base)
        (tmp / "all.yaml").write_text(base + ALL)
        frames = {"ref": ref, "cur": cur}
        psi_s = median_time(in_memory_gate(tmp / "psi.yaml", frames), 3)
        all_s = median_time(in_memory_gate(tmp / "all.yaml", frames), 3)
        numeric = [c for c in ref.columns if c.startswith("num_")]

        def scipy_numeric() -> None:
            for c in numeric:
                a, b = ref[c].to_numpy(), cur[c].to_numpy()
                stats.ks_2samp(a, b)
                stats.wasserstein_distance(a, b)

        scipy_s = median_time(scipy_numeric, 1)
    mb = (ref.memory_usage(deep=True).sum() + cur.memory_usage(deep=True).sum()) / 2**20
    print(
        f"\n#### Drift gate, 50 columns × {args.rows:,} rows, reference and current ({mb:.0f} MB in memory)\n"
    )
    print("| what | median | vs reading |")
    print("|---|---|---|")
    print(f"| reading both Parquet files (pandas) | {read_s[0]:.2f} s | 1.00× |")
    print(f"| drift gate, default metric (PSI) | {psi_s[0]:.2f} s | {psi_s[0] / read_s[0]:.2f}× |")
    print(f"| drift gate, all seven metrics | {all_s[0]:.2f} s | {all_s[0] / read_s[0]:.2f}× |")
    print(
        f"| scipy ks_2samp + wasserstein_distance, 40 numeric columns only (1 run) | {scipy_s[0]:.2f} s | {scipy_s[0] / read_s[0]:.2f}× |"
    )
    kept_profile(args.rows)


READ_BOTH = """
import sys
import pandas as pd
pd.read_parquet(sys.argv[1]), pd.read_parquet(sys.argv[2])
"""


def kept_profile(rows: int) -> None:
    """50 numeric columns: mlgate check cold and warm against reading both files."""
    import os
    import statistics

    mlgate = str(Path(sys.executable).parent / "mlgate")
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        os.environ["MLGATE_CACHE_DIR"] = str(tmp / "cache")
        rng = np.random.default_rng(0)
        for name, shift in (("ref", 0.0), ("cur", 0.05)):
            data = {f"num_{i}": rng.normal(shift * (i % 3), 1 + i / 50, rows) for i in range(50)}
            pd.DataFrame(data).to_parquet(tmp / f"{name}.parquet")
        (tmp / "read.py").write_text(READ_BOTH)
        (tmp / "p.yaml").write_text(
            "version: 1\ninputs:\n  ref: {path: ref.parquet, engine: pandas}\n"
            "  cur: {path: cur.parquet, engine: pandas}\n"
            "gates:\n  - type: drift\n    reference: ref\n    current: cur\n"
            "    keep_reference_profile: true\n"
        )
        check = [mlgate, "check", "p.yaml", "-q", "-f", "json", "-o", "out.json"]

        def median(cmd: list[str], runs: int) -> float:
            return statistics.median(run_process(cmd, tmp)[0] for _ in range(runs))

        read_s = median([sys.executable, "read.py", "ref.parquet", "cur.parquet"], 3)
        cold_s = median(check, 1)
        warm_s = median(check, 3)
        # the same on DuckDB (what `engine: auto` picks for Parquet files above 256 MiB)
        os.environ["MLGATE_CACHE_DIR"] = str(tmp / "cache-duckdb")
        duck = (tmp / "p.yaml").read_text().replace("engine: pandas", "engine: duckdb")
        (tmp / "d.yaml").write_text(duck)
        check_duck = [mlgate, "check", "d.yaml", "-q", "-f", "json", "-o", "out.json"]
        duck_cold_s = median(check_duck, 1)
        duck_warm_s = median(check_duck, 1)
    print(
        f"\n#### Drift, 50 numeric columns × {rows:,} rows, fresh processes, reference profile kept\n"
    )
    print("| what | median | vs reading |")
    print("|---|---|---|")
    print(f"| python + pandas reading both Parquet files | {read_s:.2f} s | 1.00× |")
    print(
        f"| mlgate check, cold (reference profiled and kept) | {cold_s:.2f} s | {cold_s / read_s:.2f}× |"
    )
    print(
        f"| mlgate check, warm (kept profile: only the current file read) | {warm_s:.2f} s | {warm_s / read_s:.2f}× |"
    )
    print(
        f"| the same on DuckDB, cold (1 run) | {duck_cold_s:.2f} s | {duck_cold_s / read_s:.2f}× |"
    )
    print(
        f"| the same on DuckDB, warm (1 run) | {duck_warm_s:.2f} s | {duck_warm_s / read_s:.2f}× |"
    )


if __name__ == "__main__":
    main()
