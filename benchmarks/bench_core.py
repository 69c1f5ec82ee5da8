"""Benchmarks of mlgate's core, side by side with the libraries it builds on.

Run:  .venv/bin/python benchmarks/bench_core.py [--quick]

Measures, each as the median of several runs in one invocation:
  (a) cold start: `mlgate --help` and `mlgate validate` vs `python -c pass` (fresh processes);
  (b) the performance gate on 1,000,000 predictions vs scikit-learn's metric functions on the
      same arrays (point estimates), and the bootstrap (1,000 resamples, 100,000 rows) vs a
      per-resample scikit-learn loop (extrapolated from a few resamples, stated as such);
  (c) a whole policy run at 1,000,000 rows in a fresh `mlgate check` process: inputs read
      once (counted), peak RSS vs the in-memory size of the inputs.
Prints Markdown tables (pasted into the README) and writes benchmarks/results/core.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn import metrics as skm

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
RESULTS = ROOT / "benchmarks" / "results"

BINARY_METRICS: dict[str, Callable[[np.ndarray, np.ndarray, np.ndarray], float]] = {
    "accuracy": lambda y, p, s: skm.accuracy_score(y, p),
    "balanced_accuracy": lambda y, p, s: skm.balanced_accuracy_score(y, p),
    "precision": lambda y, p, s: skm.precision_score(y, p),
    "recall": lambda y, p, s: skm.recall_score(y, p),
    "f1": lambda y, p, s: skm.f1_score(y, p),
    "mcc": lambda y, p, s: skm.matthews_corrcoef(y, p),
    "roc_auc": lambda y, p, s: skm.roc_auc_score(y, s),
    "pr_auc": lambda y, p, s: skm.average_precision_score(y, s),
    "log_loss": lambda y, p, s: skm.log_loss(y, s),
    "brier": lambda y, p, s: skm.brier_score_loss(y, s),
}


def median_time(fn: Callable[[], object], repeat: int) -> tuple[float, float, float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), min(times), max(times)


# A child forked from a large process reports that process's RSS as its own peak, so each
# command is started by this small launcher, which times it and reads its rusage.
LAUNCHER = """
import os, sys, time
start = time.perf_counter()
pid = os.fork()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])
_, status, usage = os.wait4(pid, 0)
sys.stderr.write(f"@@ {time.perf_counter() - start} {usage.ru_maxrss}\\n")
sys.exit(os.waitstatus_to_exitcode(status))
"""


def run_process(cmd: list[str], cwd: Path | None = None) -> tuple[float, float, int]:
    """Wall seconds, peak RSS in MB and exit code of one fresh process."""
    done = subprocess.run(
        [sys.executable, "-c", LAUNCHER, *cmd],
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
    )
    marker = [line for line in done.stderr.splitlines() if line.startswith("@@ ")][-1]
    _, elapsed, rss_kb = marker.split()
    return float(elapsed), int(rss_kb) / 1024, done.returncode


def process_stats(cmd: list[str], repeat: int, cwd: Path | None = None) -> dict[str, float]:
    run_process(cmd, cwd)  # warm-up: page cache and .pyc files
    runs = [run_process(cmd, cwd) for _ in range(repeat)]
    times = [r[0] for r in runs]
    return {
        "median_s": statistics.median(times),
        "min_s": min(times),
        "max_s": max(times),
        "rss_mb": statistics.median(r[1] for r in runs),
        "exit": runs[-1][2],
    }


# ----------------------------------------------------------------------------- (a)


def bench_startup(repeat: int) -> list[dict[str, Any]]:
    example = ROOT / "examples" / "credit-scoring" / "mlgate.yaml"
    commands = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "mlgate --help": [str(BIN / "mlgate"), "--help"],
        "mlgate --version": [str(BIN / "mlgate"), "--version"],
        "mlgate validate (example)": [str(BIN / "mlgate"), "validate", str(example)],
        "python -c 'import pandas'": [sys.executable, "-c", "import pandas"],
    }
    rows = []
    base = None
    for name, cmd in commands.items():
        stats = process_stats(cmd, repeat)
        base = base if base is not None else stats["median_s"]
        rows.append({"command": name, **stats, "minus_pass_s": stats["median_s"] - base})
    probe = "import sys, mlgate.cli; print(sorted(m for m in ('numpy','pandas','sklearn') if m in sys.modules))"
    heavy = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    rows.append(
        {"command": "heavy modules after importing mlgate.cli", "value": heavy.stdout.strip()}
    )
    return rows


# ----------------------------------------------------------------------------- (b)


def make_predictions(n: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    score = np.clip(0.25 * y + 0.75 * rng.random(n), 0, 1).round(6)
    region = rng.choice(["north", "south", "east", "west"], n)
    return pd.DataFrame({"y": y, "p": (score >= 0.5).astype(int), "s": score, "region": region})


def in_memory_gate(policy_file: Path, frames: dict[str, Any]) -> Callable[[], Any]:
    """Run the first gate of a policy on frames that are already parsed (shared input load)."""
    from mlgate.context import RunContext
    from mlgate.inputs import InputStore
    from mlgate.policy import load_policy

    policy = load_policy(policy_file)
    store = InputStore(policy)
    store._frames.update(frames)
    spec = policy.gates[0]
    ctx = RunContext(policy, spec, store, None, "no baseline report")
    return lambda: spec.gate.run(spec.config, ctx)


def gate_runner(
    frame: pd.DataFrame, metrics: list[str], confidence: float | None, tmp: Path
) -> Callable[[], object]:
    """A callable that runs the performance gate on an already-parsed frame."""
    block = "".join(
        f"      {m}: {{min: 0.0{', confidence: ' + str(confidence) if confidence else ''}}}\n"
        for m in metrics
    )
    text = (
        "version: 1\ninputs:\n  preds: {path: preds.parquet}\ngates:\n"
        "  - id: q\n    type: performance\n    data: preds\n    task: binary\n"
        "    label: y\n    prediction: p\n    score: s\n    metrics:\n" + block
    )
    (tmp / "bench.yaml").write_text(text)
    return in_memory_gate(tmp / "bench.yaml", {"preds": frame})


def bench_metrics(rows: int, repeat: int, tmp: Path) -> dict[str, Any]:
    frame = make_predictions(rows)
    y, p, s = frame["y"].to_numpy(), frame["p"].to_numpy(), frame["s"].to_numpy()
    run_gate = gate_runner(frame, list(BINARY_METRICS), None, tmp)
    run_gate()  # warm-up (imports)

    def sklearn_all() -> None:
        for fn in BINARY_METRICS.values():
            fn(y, p, s)

    sklearn_all()
    gate = median_time(run_gate, repeat)
    sk = median_time(sklearn_all, repeat)
    per_metric = {}
    for name, fn in BINARY_METRICS.items():
        one = gate_runner(frame, [name], None, tmp)
        one()
        per_metric[name] = {
            "mlgate_s": median_time(one, repeat)[0],
            "sklearn_s": median_time(lambda fn=fn: fn(y, p, s), repeat)[0],
        }
    return {
        "rows": rows,
        "mlgate_gate_s": gate,
        "sklearn_s": sk,
        "ratio": gate[0] / sk[0],
        "per_metric": per_metric,
    }


def bench_bootstrap(rows: int, n_boot: int, repeat: int, tmp: Path) -> dict[str, Any]:
    frame = make_predictions(rows, seed=1)
    run_gate = gate_runner(frame, list(BINARY_METRICS), 0.95, tmp)
    run_gate()
    gate = median_time(run_gate, repeat)
    y, p, s = frame["y"].to_numpy(), frame["p"].to_numpy(), frame["s"].to_numpy()
    rng = np.random.default_rng(0)
    probe = 10

    def sklearn_loop() -> None:
        for _ in range(probe):
            idx = rng.integers(0, rows, rows)
            for fn in BINARY_METRICS.values():
                fn(y[idx], p[idx], s[idx])

    loop = median_time(sklearn_loop, max(1, repeat // 2))
    extrapolated = loop[0] / probe * n_boot
    return {
        "rows": rows,
        "n_boot": n_boot,
        "mlgate_gate_s": gate,
        "sklearn_loop_extrapolated_s": extrapolated,
        "sklearn_probe_resamples": probe,
        "speedup": extrapolated / gate[0],
    }


# ----------------------------------------------------------------------------- (c)

WHOLE_POLICY = """\
version: 1
inputs:
  preds: {path: preds.parquet}
  extra: {path: extra.csv}
gates:
  - id: overall
    type: performance
    data: preds
    task: binary
    label: y
    prediction: p
    score: s
    metrics:
      accuracy: {min: 0.5}
      roc_auc: {min: 0.5, confidence: 0.95}
      log_loss: {max: 1.0}
  - id: by-region
    type: performance
    data: preds
    task: binary
    label: y
    prediction: p
    score: s
    slices: [region]
    metrics:
      f1: {min: 0.3}
      brier: {max: 0.3}
  - id: extra-quality
    type: performance
    data: extra
    task: binary
    label: y
    prediction: p
    metrics:
      accuracy: {min: 0.5}
"""

COUNT_LOADS = """
import json, sys
from mlgate.engine import run_policy
from mlgate.policy import load_policy
report, store = run_policy(load_policy(sys.argv[1]))
print(json.dumps({"loads": store.loads, "outcome": report.outcome.value}))
"""


def bench_whole_policy(rows: int, repeat: int, tmp: Path) -> dict[str, Any]:
    frame = make_predictions(rows, seed=2)
    frame.to_parquet(tmp / "preds.parquet")
    extra = make_predictions(rows, seed=3)
    extra.to_csv(tmp / "extra.csv", index=False)
    (tmp / "whole.yaml").write_text(WHOLE_POLICY)
    in_memory = sum(
        int(pd.read_parquet(tmp / "preds.parquet").memory_usage(deep=True).sum())
        + int(pd.read_csv(tmp / "extra.csv").memory_usage(deep=True).sum())
        for _ in [0]
    )
    loads = subprocess.run(
        [sys.executable, "-c", COUNT_LOADS, str(tmp / "whole.yaml")],
        capture_output=True,
        text=True,
        check=True,
    )
    check = process_stats(
        [str(BIN / "mlgate"), "check", "-q", "whole.yaml", "-o", "out.json"], repeat, cwd=tmp
    )
    imports_only = process_stats(
        [
            sys.executable,
            "-c",
            "import pandas, pyarrow.parquet, sklearn.metrics, mlgate.engine, mlgate.stats.metrics",
        ],
        repeat,
    )
    in_mb = in_memory / 2**20
    return {
        "rows": rows,
        "inputs_in_memory_mb": in_mb,
        "loads": json.loads(loads.stdout.strip().splitlines()[-1]),
        "check": check,
        "imports_only_rss_mb": imports_only["rss_mb"],
        "peak_over_imports_mb": check["rss_mb"] - imports_only["rss_mb"],
        "ratio_peak_to_inputs": check["rss_mb"] / in_mb,
        "ratio_over_imports_to_inputs": (check["rss_mb"] - imports_only["rss_mb"]) / in_mb,
    }


# ----------------------------------------------------------------------------- report


def fmt(x: float, unit: str = "s") -> str:
    return f"{x:.3f} {unit}" if x < 10 else f"{x:.1f} {unit}"


def print_report(results: dict[str, Any]) -> None:
    print(f"\n### Machine\n\n{results['machine']}\n")
    if "startup" in results:
        print_startup(results)
    if "metrics" in results:
        print_metrics(results)
    if "whole" in results:
        print_whole(results)


def print_startup(results: dict[str, Any]) -> None:
    print("### (a) Cold start (fresh process each, median of", results["repeat_process"], "runs)\n")
    print("| command | median | min | max | peak RSS | minus `python -c pass` |")
    print("|---|---|---|---|---|---|")
    for row in results["startup"]:
        if "value" in row:
            continue
        print(
            f"| `{row['command']}` | {fmt(row['median_s'])} | {fmt(row['min_s'])} | {fmt(row['max_s'])} "
            f"| {row['rss_mb']:.0f} MB | {fmt(row['minus_pass_s'])} |"
        )
    heavy = next(r["value"] for r in results["startup"] if "value" in r)
    print(f"\nHeavy modules imported by `import mlgate.cli`: {heavy}\n")


def print_metrics(results: dict[str, Any]) -> None:
    m = results["metrics"]
    print(
        f"### (b) Performance gate vs scikit-learn, {m['rows']:,} predictions, 10 binary metrics\n"
    )
    print("| what | mlgate gate | scikit-learn direct | ratio |")
    print("|---|---|---|---|")
    print(
        f"| all 10 metrics (point estimates) | {fmt(m['mlgate_gate_s'][0])} | {fmt(m['sklearn_s'][0])} "
        f"| {m['ratio']:.2f}× |"
    )
    for name, row in m["per_metric"].items():
        print(
            f"| {name} | {fmt(row['mlgate_s'])} | {fmt(row['sklearn_s'])} | {row['mlgate_s'] / row['sklearn_s']:.2f}× |"
        )
    b = results["bootstrap"]
    print(
        f"\nBootstrap, {b['rows']:,} rows, {b['n_boot']} resamples, all 10 metrics with `confidence: 0.95`: "
        f"mlgate **{fmt(b['mlgate_gate_s'][0])}** (min {fmt(b['mlgate_gate_s'][1])}, max {fmt(b['mlgate_gate_s'][2])}); "
        f"a scikit-learn loop over resamples would take ≈ {fmt(b['sklearn_loop_extrapolated_s'])} "
        f"(extrapolated from {b['sklearn_probe_resamples']} resamples) — {b['speedup']:.0f}× faster.\n"
    )


def print_whole(results: dict[str, Any]) -> None:
    w = results["whole"]
    print(f"### (c) Whole policy run, {w['rows']:,} rows × 2 inputs (parquet + csv), 3 gates\n")
    print(f"- input parses per run: {w['loads']['loads']} (outcome {w['loads']['outcome']})")
    print(
        f"- `mlgate check` wall time: {fmt(w['check']['median_s'])} (median of {results['repeat_process']})"
    )
    print(
        f"- inputs in memory: {w['inputs_in_memory_mb']:.0f} MB; process peak RSS {w['check']['rss_mb']:.0f} MB "
        f"= {w['ratio_peak_to_inputs']:.2f}× the inputs; the same imports alone take {w['imports_only_rss_mb']:.0f} MB, "
        f"so the run adds {w['peak_over_imports_mb']:.0f} MB = {w['ratio_over_imports_to_inputs']:.2f}× the inputs"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer rows and runs (smoke test)")
    parser.add_argument("--only", default="abc", help="which parts to run, e.g. 'c' (default abc)")
    args = parser.parse_args()
    rows = 100_000 if args.quick else 1_000_000
    repeat = 3 if args.quick else 5
    results: dict[str, Any] = {
        "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, numpy {np.__version__}, pandas {pd.__version__}, "
        f"scikit-learn {__import__('sklearn').__version__}",
        "repeat_process": repeat,
    }
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        if "a" in args.only:
            print("(a) start-up ...", file=sys.stderr)
            results["startup"] = bench_startup(repeat * 2)
        if "b" in args.only:
            print("(b) metrics ...", file=sys.stderr)
            results["metrics"] = bench_metrics(rows, repeat, tmp)
            print("(b) bootstrap ...", file=sys.stderr)
            results["bootstrap"] = bench_bootstrap(rows // 10, 1000, 3, tmp)
        if "c" in args.only:
            print("(c) whole policy ...", file=sys.stderr)
            results["whole"] = bench_whole_policy(rows, 3, tmp)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "core.json").write_text(json.dumps(results, indent=2, default=str))
    print_report(results)


if __name__ == "__main__":
    main()
