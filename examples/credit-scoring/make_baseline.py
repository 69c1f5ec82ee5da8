"""Write baseline/main.json: the report of the earlier model, as `main` would have it.

In a real project the baseline is the JSON report of the last run on the main branch (a CI
artifact); here it is made from the earlier model's predictions (artifacts/predictions-v1.csv,
written by generate.py) so that the example's regression thresholds are judged. Run it from
anywhere: `python examples/credit-scoring/make_baseline.py`.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> None:
    policy = (HERE / "mlgate.yaml").read_text(encoding="utf-8")
    earlier = policy.replace("artifacts/predictions.csv", "artifacts/predictions-v1.csv")
    earlier = earlier.replace("baseline: baseline/main.json", "")
    with tempfile.NamedTemporaryFile("w", suffix=".yaml", dir=HERE, delete=False) as fh:
        fh.write(earlier)
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1795651200"}  # 2026-11-26, fixed for diffs
    try:
        target = HERE / "baseline" / "main.json"
        only = ["--only", "model-quality", "--only", "fairness"]
        subprocess.run(
            [sys.executable, "-m", "mlgate", "check", fh.name, "-q", *only, "-o", str(target)],
            cwd=HERE,
            env=env,
            check=False,
        )
    finally:
        Path(fh.name).unlink()


if __name__ == "__main__":
    main()
