"""The fairness gate side by side with fairlearn on 1,000,000 rows.

Run:  .venv/bin/python benchmarks/bench_fairness.py [--rows N]

Data (as in the baseline measurements): binary y_true, a biased y_pred, `group` with 5
levels (40/25/15/12/8 %) and `gender` with 2, judged on their intersection (10 groups).
Both sides start from the same in-memory frame (the shared input load is excluded).

  1. The example's fairness metrics (disparate impact, demographic parity difference,
     equalized odds difference, accuracy group minimum) through the mlgate gate, against
     fairlearn computing the same with MetricFrame (selection rate, TPR, FPR, accuracy by
     group; the disparities read from it).
  2. 95 % intervals of the parity and odds differences from 1,000 resamples: the gate
     (counting pass included) against fairlearn's own bootstrap (extrapolated from a
     few resamples, stated as such).
Medians of several runs, ratios from the same run, peak RSS of each side in a fresh process.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_core import in_memory_gate, median_time, run_process

RESULTS = Path(__file__).resolve().parent / "results"

GATE = """\
version: 1
inputs:
  preds: {{path: preds.parquet}}
gates:
  - id: fairness
    type: fairness
    data: preds
    label: y_true
    prediction: y_pred
    sensitive_features: [group, gender]
    intersections: true
    min_group_size: 30
    bootstrap: {{n_boot: 1000}}
    metrics:
      disparate_impact: {{min: 0.0{ci}}}
      demographic_parity_difference: {{max: 1.0{ci}}}
      equalized_odds_difference: {{max: 1.0{ci}}}
      accuracy_group_min: {{min: 0.0{ci}}}
"""


def make_fairness_frame(n: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    group = rng.choice(["g0", "g1", "g2", "g3", "g4"], n, p=[0.40, 0.25, 0.15, 0.12, 0.08])
    gender = rng.choice(["F", "M"], n)
    y_true = rng.integers(0, 2, n)
    bias = np.where(gender == "F", -0.08, 0.0) + np.where(group == "g4", -0.05, 0.0)
    y_pred = (rng.random(n) < 0.3 + 0.4 * y_true + bias).astype(int)
    return pd.DataFrame({"y_true": y_true, "y_pred": y_pred, "group": group, "gender": gender})


def gate_runner(frame: pd.DataFrame, tmp: Path, confidence: bool) -> Callable[[], object]:
    (tmp / "fair.yaml").write_text(GATE.format(ci=", confidence: 0.95" if confidence else ""))
    return in_memory_gate(tmp / "fair.yaml", {"preds": frame})


def fairlearn_runner(frame: pd.DataFrame, n_boot: int | None = None) -> Callable[[], object]:
    from fairlearn.metrics import (
        MetricFrame,
        false_positive_rate,
        selection_rate,
        true_positive_rate,
    )
    from sklearn.metrics import accuracy_score

    def run() -> object:
        kwargs: dict[str, Any] = {}
        if n_boot:
            kwargs = {"n_boot": n_boot, "ci_quantiles": [0.025, 0.975], "random_state": 0}
        mf = MetricFrame(
            metrics={
                "sr": selection_rate,
                "tpr": true_positive_rate,
                "fpr": false_positive_rate,
                "acc": accuracy_score,
            },
            y_true=frame["y_true"],
            y_pred=frame["y_pred"],
            sensitive_features=frame[["group", "gender"]],
            **kwargs,
        )
        out = (
            mf.ratio()["sr"],
            mf.difference()["sr"],
            max(mf.difference()[["tpr", "fpr"]]),
            mf.group_min()["acc"],
        )
        if n_boot:
            out = (*out, mf.difference_ci())
        return out

    return run


MEMORY_PROBE = """
import sys
sys.path.insert(0, {bench!r})
import pandas as pd
from pathlib import Path
import bench_fairness as b
frame = pd.read_parquet({data!r})
if sys.argv[1] == "mlgate":
    b.gate_runner(frame, Path({tmp!r}), confidence=False)()
else:
    b.fairlearn_runner(frame)()
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    frame = make_fairness_frame(args.rows)
    results: dict[str, Any] = {"rows": args.rows}
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        gate, gate_ci, fl = (
            gate_runner(frame, tmp, False),
            gate_runner(frame, tmp, True),
            fairlearn_runner(frame),
        )
        gate()
        gate_ci()
        print("point estimates ...", file=sys.stderr)
        results["gate_s"] = median_time(gate, args.repeat)
        results["fairlearn_s"] = median_time(fl, max(2, args.repeat // 2))
        results["speedup"] = results["fairlearn_s"][0] / results["gate_s"][0]
        print("intervals ...", file=sys.stderr)
        results["gate_ci_s"] = median_time(gate_ci, args.repeat)
        probe_boot = 2
        fl_boot = median_time(fairlearn_runner(frame, probe_boot), 1)[0]
        results["fairlearn_boot_probe"] = probe_boot
        results["fairlearn_boot_1000_extrapolated_s"] = (
            (fl_boot - results["fairlearn_s"][0]) / probe_boot * 1000
        )
        print("memory ...", file=sys.stderr)
        frame.to_parquet(tmp / "preds.parquet")
        probe = MEMORY_PROBE.format(
            bench=str(Path(__file__).resolve().parent),
            data=str(tmp / "preds.parquet"),
            tmp=str(tmp),
        )
        for side in ("mlgate", "fairlearn"):
            runs = [run_process([sys.executable, "-c", probe, side]) for _ in range(3)]
            results[f"{side}_rss_mb"] = statistics.median(r[1] for r in runs)
        results["frame_mb"] = frame.memory_usage(deep=True).sum() / 2**20
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "fairness.json").write_text(json.dumps(results, indent=2))
    r = results
    print(f"\n#### Fairness gate vs fairlearn, {r['rows']:,} rows, 10 intersectional groups\n")
    print("| what | mlgate gate | fairlearn | ratio |")
    print("|---|---|---|---|")
    print(
        f"| 4 metrics, point estimates (median of {args.repeat}) | {r['gate_s'][0]:.3f} s | {r['fairlearn_s'][0]:.2f} s | **{r['speedup']:.0f}× faster** |"
    )
    print(
        f"| + 95 % intervals of all 4 from 1,000 resamples (counting pass included) | {r['gate_ci_s'][0]:.3f} s | ≈ {r['fairlearn_boot_1000_extrapolated_s']:.0f} s (MetricFrame bootstrap, extrapolated from n_boot={r['fairlearn_boot_probe']}) | {r['fairlearn_boot_1000_extrapolated_s'] / r['gate_ci_s'][0]:.0f}× |"
    )
    print(
        f"| peak RSS of a fresh process reading the frame and computing the point estimates | {r['mlgate_rss_mb']:.0f} MB | {r['fairlearn_rss_mb']:.0f} MB | |"
    )
    print(f"\nThe frame itself is {r['frame_mb']:.0f} MB in memory.")


if __name__ == "__main__":
    main()
