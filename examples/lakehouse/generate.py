"""Write the lakehouse example's data: a hive-partitioned Parquet dataset of scored loans.

    python generate.py                   # 200,000 rows (a few seconds)
    python generate.py --rows 50000000   # 50 million rows (about 2.5 GB, a few minutes)

``data/scored/day=YYYY-MM-DD/part-N.parquet`` holds a week of predictions (label, prediction,
score, two sensitive columns, five features), written in chunks of a million rows so memory
stays flat; ``data/reference.parquet`` holds 200,000 rows of the training distribution.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

HERE = Path(__file__).resolve().parent
CHUNK = 1_000_000
DAYS = [f"2026-11-{d:02d}" for d in range(21, 28)]


def rows(n: int, rng: np.random.Generator, shift: float) -> pa.Table:
    sex = rng.integers(0, 2, n)
    region = rng.integers(0, 4, n)
    features = {f"f{i}": rng.normal(shift * i, 1.0, n) for i in range(1, 6)}
    logit = features["f1"] + 0.5 * features["f2"] + 0.2 * sex + rng.normal(0.0, 1.0, n)
    score = 1.0 / (1.0 + np.exp(-logit))
    return pa.table(
        {
            "label": (rng.random(n) < score).astype(np.int8),
            "prediction": (score >= 0.5).astype(np.int8),
            "score": score,
            "sex": pa.array(np.array(["female", "male"])[sex]),
            "region": pa.array(np.array(["north", "south", "east", "west"])[region]),
            **features,
        }
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--out", type=Path, default=HERE / "data")
    args = parser.parse_args()
    rng = np.random.default_rng(7)
    shutil.rmtree(args.out, ignore_errors=True)
    args.out.mkdir(parents=True)
    pq.write_table(rows(200_000, rng, 0.0), args.out / "reference.parquet")
    per_day = -(-args.rows // len(DAYS))
    written = 0
    for day in DAYS:
        folder = args.out / "scored" / f"day={day}"
        folder.mkdir(parents=True)
        left, part = min(per_day, args.rows - written), 0
        while left > 0:
            n = min(CHUNK, left)
            pq.write_table(rows(n, rng, 0.02), folder / f"part-{part}.parquet")
            left, written, part = left - n, written + n, part + 1
    print(f"wrote {written:,} scored rows in {len(DAYS)} daily partitions under {args.out}")


if __name__ == "__main__":
    main()
