"""The deepchecks gate against deepchecks used directly, on the same data.

Run (in the deepchecks environment that `make test` creates):
    .venv-deepchecks/bin/python benchmarks/bench_deepchecks.py [--rows 100000]

Both sides run the example's deepchecks gates (data_integrity without ConflictingLabels,
and train_test_validation) on the same in-memory frames; deepchecks' import is paid before
timing. Medians of 3 runs; target (deepchecks issue): the gate adds at most 5 %.
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_core import in_memory_gate, median_time

ROOT = Path(__file__).resolve().parent.parent
CATS = ["sex", "region", "age_band"]


def people(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    age = rng.integers(18, 80, n)
    frame = pd.DataFrame(
        {
            "age": age,
            "income": np.round(rng.lognormal(10.4, 0.45, n), 2),
            "tenure": rng.integers(0, 30, n),
            "debt_ratio": np.round(rng.beta(2, 5, n), 4),
            "late_payments": rng.poisson(0.6, n),
            "sex": rng.choice(["F", "M"], n),
            "region": rng.choice(["north", "south", "east", "west"], n),
        }
    )
    frame["age_band"] = pd.cut(
        frame["age"], [17, 30, 45, 60, 80], labels=["18-30", "31-45", "46-60", "61-80"]
    ).astype(str)
    logit = (
        -1.2
        - 0.025 * (age - 45)
        + 4.0 * (frame["debt_ratio"] - 0.28)
        + 0.8 * frame["late_payments"]
    )
    frame["defaulted"] = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    return frame


def direct(train: pd.DataFrame, test: pd.DataFrame) -> object:
    import deepchecks
    from deepchecks.tabular import Dataset
    from deepchecks.tabular.suites import data_integrity, train_test_validation

    deepchecks.set_verbosity(logging.WARNING)

    def run() -> int:
        integrity = data_integrity()
        for index, check in list(integrity.checks.items()):
            if type(check).__name__ == "ConflictingLabels":
                integrity.remove(index)
        ds_train = Dataset(train, label="defaulted", cat_features=CATS)
        ds_test = Dataset(test, label="defaulted", cat_features=CATS)
        first = integrity.run(train_dataset=ds_train, with_display=False)
        second = train_test_validation().run(
            train_dataset=ds_train, test_dataset=ds_test, with_display=False
        )
        return len(first.results) + len(second.results)

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    train, test = people(args.rows, 0), people(args.rows, 1)
    run_direct = direct(train, test)
    run_direct()
    with tempfile.TemporaryDirectory() as tmp:
        text = (ROOT / "examples" / "credit-scoring" / "deepchecks.yaml").read_text()
        first_gate = text.split("  - id: train-test")[0]
        second_gate = (
            text.split("gates:\n")[0]
            + "gates:\n  - id: train-test"
            + text.split("  - id: train-test")[1]
        )
        Path(tmp, "a.yaml").write_text(first_gate)
        Path(tmp, "b.yaml").write_text(second_gate)
        frames = {"train": train, "eval": test}
        gate_a, gate_b = (
            in_memory_gate(Path(tmp, "a.yaml"), frames),
            in_memory_gate(Path(tmp, "b.yaml"), frames),
        )

        def gates() -> int:
            return len(gate_a()) + len(gate_b())

        gates()
        direct_s = median_time(run_direct, 3)
        gate_s = median_time(gates, 3)
    overhead = gate_s[0] / direct_s[0] - 1
    print(
        f"\n#### deepchecks gate vs deepchecks directly, {args.rows:,} train + {args.rows:,} test rows\n"
    )
    print("| what | median | min | max |")
    print("|---|---|---|---|")
    print(
        f"| deepchecks directly (data_integrity without ConflictingLabels + train_test_validation) | {direct_s[0]:.1f} s | {direct_s[1]:.1f} s | {direct_s[2]:.1f} s |"
    )
    print(
        f"| mlgate deepchecks gates (the example's two gates) | {gate_s[0]:.1f} s | {gate_s[1]:.1f} s | {gate_s[2]:.1f} s |"
    )
    print(f"\nThe gate adds **{overhead * 100:+.1f} %** (target at most +5 %).")


if __name__ == "__main__":
    main()
