"""The data gate against Great Expectations used directly: the same 12 expectations.

Run:  .venv/bin/python benchmarks/bench_gx.py [--rows 1000000] [--only-wide]

Both sides validate the same in-memory frame (the input load is shared and excluded) with
the same 12-expectation suite; GX's import is paid once before either is timed, and its
cost is reported separately, as is the cost of creating the ephemeral context.
Medians of 3 runs; target (data issue): mlgate's overhead at most 10 %. A second part runs
the four checks a column that `mlgate init` writes on a wide table (400 expectations): GX
adding them one by one to a stored suite, GX with the suite built whole, and the gate.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_core import in_memory_gate, median_time

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

COUNTRIES = ["DE", "FR", "ES", "IT", "NL", "BE", "AT", "PL", "SE", "DK"]
SUITE: list[tuple[str, dict[str, Any]]] = [
    ("expect_table_row_count_to_be_between", {"min_value": 1, "max_value": 10_000_000}),
    ("expect_table_column_count_to_equal", {"value": 12}),
    ("expect_column_values_to_not_be_null", {"column": "id"}),
    ("expect_column_values_to_be_unique", {"column": "id"}),
    ("expect_column_values_to_be_between", {"column": "age", "min_value": 18, "max_value": 90}),
    ("expect_column_values_to_be_in_set", {"column": "country", "value_set": COUNTRIES}),
    ("expect_column_values_to_match_regex", {"column": "email", "regex": r"^[^@]+@[^@]+\.[a-z]+$"}),
    ("expect_column_mean_to_be_between", {"column": "score", "min_value": 0.4, "max_value": 0.6}),
    ("expect_column_values_to_be_of_type", {"column": "income", "type_": "float64"}),
    ("expect_column_values_to_not_be_null", {"column": "income", "mostly": 0.95}),
    ("expect_column_value_lengths_to_equal", {"column": "zip", "value": 5}),
    (
        "expect_column_distinct_values_to_be_in_set",
        {"column": "group", "value_set": ["a", "b", "c", "d", "e"]},
    ),
]


def make_frame(rows: int) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    income = rng.normal(40_000, 8_000, rows)
    income[rng.random(rows) < 0.01] = np.nan
    return pd.DataFrame(
        {
            "id": np.arange(rows),
            "age": rng.integers(18, 91, rows),
            "income": income,
            "score": rng.random(rows),
            "num_purchases": rng.poisson(3, rows),
            "country": rng.choice(COUNTRIES, rows),
            "gender": rng.choice(["F", "M"], rows),
            "group": rng.choice(["a", "b", "c", "d", "e"], rows),
            "zip": pd.Series(rng.integers(10000, 99999, rows)).astype(str),
            "email": [f"user{i}@example.com" for i in range(rows)],
            "signup_date": pd.Timestamp("2024-01-01")
            + pd.to_timedelta(rng.integers(0, 700, rows), unit="D"),
            "label": rng.integers(0, 2, rows),
        }
    )


def wide_suite(columns: int) -> list[tuple[str, dict[str, Any]]]:
    """What `mlgate init` writes for a wide numeric table: four checks a column."""
    suite: list[tuple[str, dict[str, Any]]] = []
    for i in range(columns):
        column = f"x{i}"
        suite += [
            ("expect_column_to_exist", {"column": column}),
            (
                "expect_column_values_to_be_in_type_list",
                {"column": column, "type_list": ["float64"]},
            ),
            ("expect_column_values_to_not_be_null", {"column": column}),
            (
                "expect_column_values_to_be_between",
                {"column": column, "min_value": -9, "max_value": 9},
            ),
        ]
    return suite


def gx_direct(
    frame: pd.DataFrame, suite: list[tuple[str, dict[str, Any]]] = SUITE, whole: bool = False
) -> Any:
    """GX directly: expectations added one by one to a suite the context holds (the pattern
    of GX's documentation), or the suite built whole and then added."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    classes = {
        getattr(getattr(gx.expectations, n), "expectation_type", None): getattr(gx.expectations, n)
        for n in dir(gx.expectations)
    }

    def run() -> bool:
        context = gx.get_context(mode="ephemeral")
        context.variables.progress_bars = ProgressBarsConfig(globally=False)
        batch_definition = (
            context.data_sources.add_pandas("p")
            .add_dataframe_asset("a")
            .add_batch_definition_whole_dataframe("b")
        )
        built = [classes[name](**kwargs) for name, kwargs in suite]
        if whole:
            stored = context.suites.add(gx.ExpectationSuite(name="s", expectations=built))
        else:
            stored = context.suites.add(gx.ExpectationSuite(name="s"))
            for expectation in built:
                stored.add_expectation(expectation)
        batch = batch_definition.get_batch(batch_parameters={"dataframe": frame})
        return bool(batch.validate(stored, result_format={"result_format": "SUMMARY"}).success)

    return run


def wide(columns: int, rows: int) -> None:
    import json

    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        rng.normal(size=(rows, columns)), columns=[f"x{i}" for i in range(columns)]
    )
    suite = wide_suite(columns)
    with tempfile.TemporaryDirectory() as tmp:
        lines = ["version: 1", "inputs: {d: {path: d.parquet}}", "gates:", "  - type: data"]
        lines += ["    data: d", "    expectations:"]
        lines += [f"      - {name}: {json.dumps(kwargs)}" for name, kwargs in suite]
        (Path(tmp) / "p.yaml").write_text("\n".join(lines) + "\n")
        gate = in_memory_gate(Path(tmp) / "p.yaml", {"d": frame})
        checks = gate()
        assert len(checks) == len(suite)
        assert all(c.outcome.value == "pass" for c in checks)
        one_by_one = median_time(gx_direct(frame, suite, whole=False), 1)
        whole = median_time(gx_direct(frame, suite, whole=True), 3)
        gate_s = median_time(gate, 3)
    print(f"\n#### Many expectations: {len(suite)} ({columns} columns × 4), {rows:,} rows\n")
    print("| what | median | min | max |")
    print("|---|---|---|---|")
    print(
        f"| GX directly, expectations added one by one to the stored suite (1 run) | {one_by_one[0]:.1f} s | – | – |"
    )
    print(
        f"| GX directly, the suite built whole, then added | {whole[0]:.1f} s | {whole[1]:.1f} s | {whole[2]:.1f} s |"
    )
    print(
        f"| mlgate data gate (same suite, checks built) | {gate_s[0]:.1f} s | {gate_s[1]:.1f} s | {gate_s[2]:.1f} s |"
    )
    print(f"\nmlgate's overhead over GX used whole: **{(gate_s[0] / whole[0] - 1) * 100:+.1f} %**.")


def policy_text() -> str:
    import json

    lines = [
        "version: 1",
        "inputs: {d: {path: d.parquet}}",
        "gates:",
        "  - type: data",
        "    data: d",
        "    expectations:",
    ]
    lines += [f"      - {name}: {json.dumps(kwargs)}" for name, kwargs in SUITE]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--wide-columns", type=int, default=100)
    parser.add_argument("--wide-rows", type=int, default=10_000)
    parser.add_argument("--only-wide", action="store_true", help="the many-expectations part only")
    args = parser.parse_args()
    if args.only_wide:
        wide(args.wide_columns, args.wide_rows)
        return
    # pyspark 4 exits (status 0) when imported from a `python -c` program without grpcio
    # installed (it takes that for its doctests): the probe names a main file first
    probe = "import __main__, time, os; __main__.__file__ = 'probe'; os.environ['GX_ANALYTICS_ENABLED']='false'; t=time.perf_counter(); import great_expectations; print(time.perf_counter()-t)"
    imports = sorted(
        float(
            subprocess.run(
                [sys.executable, "-c", probe], capture_output=True, text=True, check=True
            ).stdout
        )
        for _ in range(3)
    )
    frame = make_frame(args.rows)
    import great_expectations as gx

    context_s = median_time(lambda: gx.get_context(mode="ephemeral"), 3)[0]
    direct = gx_direct(frame)
    direct()
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "p.yaml").write_text(policy_text())
        gate = in_memory_gate(Path(tmp) / "p.yaml", {"d": frame})
        checks = gate()
        assert all(c.outcome.value == "pass" for c in checks), [
            (c.name, c.message) for c in checks if c.outcome.value != "pass"
        ]
        direct_s = median_time(direct, 3)
        gate_s = median_time(gate, 3)
    overhead = gate_s[0] / direct_s[0] - 1
    print(
        f"\n#### Data gate vs Great Expectations directly, 12 expectations, {args.rows:,} rows × 12 columns\n"
    )
    print("| what | median | min | max |")
    print("|---|---|---|---|")
    print(
        f"| GX directly (context, suite, validate) | {direct_s[0]:.2f} s | {direct_s[1]:.2f} s | {direct_s[2]:.2f} s |"
    )
    print(
        f"| mlgate data gate (same suite, checks built) | {gate_s[0]:.2f} s | {gate_s[1]:.2f} s | {gate_s[2]:.2f} s |"
    )
    print(
        f"\nmlgate's overhead: **{overhead * 100:+.1f} %** (target at most +10 %). "
        f"`import great_expectations` takes {imports[1]:.2f} s (median of 3 fresh processes) and the "
        f"ephemeral context {context_s:.3f} s; both are paid once per `mlgate check` run with a data gate "
        f"and are {100 * (imports[1] + context_s) / (imports[1] + context_s + gate_s[0]):.0f} % of such a run on this data."
    )
    wide(args.wide_columns, args.wide_rows)


if __name__ == "__main__":
    main()
