"""The deepchecks gate, run in the deepchecks environment (numpy < 2, scikit-learn < 1.8)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "credit-scoring"
MLGATE = str(Path(sys.executable).parent / "mlgate")


def check(policy: Path) -> tuple[int, dict[str, dict[str, object]]]:
    done = subprocess.run(
        [MLGATE, "check", str(policy), "-f", "json", "-q"],
        capture_output=True,
        text=True,
        check=False,
    )
    report = json.loads(done.stdout)
    checks = {c["id"]: c for g in report["gates"] for c in g["checks"]}
    for g in report["gates"]:
        if not g["checks"]:
            checks[g["id"]] = {"outcome": g["outcome"], "message": g["message"]}
    return done.returncode, checks


def test_the_stack_is_the_pinned_one() -> None:
    import deepchecks
    import sklearn

    assert np.__version__.startswith("1.")
    assert tuple(int(x) for x in sklearn.__version__.split(".")[:2]) < (1, 8)
    assert deepchecks.__version__ == "0.19.1"


def test_the_example_deepchecks_gates_pass() -> None:
    code, checks = check(EXAMPLE / "deepchecks.yaml")
    assert code == 0, {k: v for k, v in checks.items() if v["outcome"] not in ("pass", "skipped")}
    assert checks["train-test/DateTrainTestLeakageOverlap"]["outcome"] == "skipped"
    assert "does not contain a datetime" in str(
        checks["train-test/DateTrainTestLeakageOverlap"]["message"]
    )
    assert checks["integrity/FeatureFeatureCorrelation"]["outcome"] == "warn"  # severity override


def broken(tmp_path: Path) -> Path:
    frame = pd.read_csv(EXAMPLE / "data" / "train.csv").head(1500)
    frame["leak"] = frame["defaulted"] * 3 + 1  # a feature that is the label in disguise
    frame["mixed"] = [str(i) if i % 7 else i for i in range(len(frame))]  # mixed types
    frame = pd.concat([frame, frame.head(300)], ignore_index=True)  # duplicate rows
    frame.to_pickle(tmp_path / "broken.pkl")
    frame.to_csv(tmp_path / "broken.csv", index=False)
    policy = tmp_path / "p.yaml"
    policy.write_text(
        "version: 1\ninputs: {train: {path: broken.csv}}\ngates:\n  - id: integrity\n    type: deepchecks\n"
        "    suite: data_integrity\n    train: train\n    label: defaulted\n    cat_features: [sex, region, age_band]\n"
        "    exclude_checks: [ConflictingLabels, OutlierSampleDetection]\n"
    )
    return policy


def test_injected_integrity_problems_fail_the_right_checks(tmp_path: Path) -> None:
    code, checks = check(broken(tmp_path))
    assert code == 1
    failing = {k for k, v in checks.items() if v["outcome"] == "fail"}
    assert "integrity/FeatureLabelCorrelation" in failing  # the leaking feature
    assert checks["integrity/DataDuplicates"]["outcome"] == "warn"  # deepchecks marks it WARN
    assert "integrity/MixedDataTypes" in checks
    assert checks["integrity/DataDuplicates"]["message"] == "Found 16.67% duplicate data"


def test_checks_with_conditions_from_yaml(tmp_path: Path) -> None:
    shutil.copy(EXAMPLE / "data" / "train.csv", tmp_path / "train.csv")
    shifted = pd.read_csv(EXAMPLE / "data" / "eval.csv")
    shifted["income"] = shifted["income"] * 3
    shifted.to_csv(tmp_path / "eval.csv", index=False)
    policy = tmp_path / "p.yaml"
    policy.write_text(
        "version: 1\ninputs: {train: {path: train.csv}, eval: {path: eval.csv}}\ngates:\n"
        "  - id: drift\n    type: deepchecks\n    train: train\n    test: eval\n    label: defaulted\n"
        "    cat_features: [sex, region, age_band]\n    checks:\n      - name: FeatureDrift\n"
        "        conditions:\n          - add_condition_drift_score_less_than: {max_allowed_numeric_score: 0.2}\n"
    )
    code, checks = check(policy)
    assert checks["drift/FeatureDrift"]["outcome"] == "fail"
    assert code == 1


@pytest.mark.parametrize(
    "body",
    [
        "    checks:\n      - name: NoSuchCheck\n",
        "    checks:\n      - name: FeatureDrift\n        conditions:\n          - add_condition_nonsense: {}\n",
    ],
)
def test_unknown_checks_and_conditions_are_gate_errors(tmp_path: Path, body: str) -> None:
    shutil.copy(EXAMPLE / "data" / "train.csv", tmp_path / "train.csv")
    policy = tmp_path / "p.yaml"
    policy.write_text(
        "version: 1\ninputs: {train: {path: train.csv}}\ngates:\n  - id: dc\n    type: deepchecks\n"
        "    train: train\n    label: defaulted\n" + body
    )
    code, checks = check(policy)
    assert code == 1
    assert checks["dc"]["outcome"] == "error"


def test_save_html_replaces_the_file_and_the_report_says_where(tmp_path: Path) -> None:
    shutil.copy(EXAMPLE / "data" / "train.csv", tmp_path / "train.csv")
    policy = tmp_path / "p.yaml"
    policy.write_text(
        "version: 1\ninputs: {train: {path: train.csv}}\ngates:\n  - id: dc\n    type: deepchecks\n"
        "    train: train\n    label: defaulted\n    save_html: out/dc.html\n    checks:\n"
        "      - name: MixedNulls\n        conditions:\n"
        "          - add_condition_different_nulls_less_equal_to: {max_allowed_null_types: 1}\n"
    )
    for _ in range(2):
        done = subprocess.run(
            [MLGATE, "check", str(policy), "-f", "json", "-q"],
            capture_output=True,
            text=True,
            check=False,
            cwd=tmp_path,
        )
        assert done.returncode == 0, done.stdout + done.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["dc.html"]
    report = json.loads(done.stdout)
    notes = [n for g in report["gates"] for c in g["checks"] for n in c["notes"]]
    assert "deepchecks HTML report: out/dc.html" in notes
    # mlgate's own HTML report, written elsewhere, links deepchecks' file by a working path
    page = tmp_path / "reports" / "mlgate.html"
    subprocess.run(
        [MLGATE, "check", str(policy), "-q", "-f", "html", "-o", str(page)],
        capture_output=True,
        check=False,
        cwd=tmp_path,
    )
    href = re.search(r'HTML report: <a href="([^"]+)">', page.read_text())
    assert href is not None
    assert href.group(1) == "../out/dc.html"
    assert (page.parent / href.group(1)).resolve() == (tmp_path / "out" / "dc.html").resolve()
    assert "FutureWarning" not in done.stderr
    assert "DeprecationWarning" not in done.stderr


def test_rows_show_the_details_not_the_condition_twice(tmp_path: Path) -> None:
    _, checks = check(broken(tmp_path))
    correlation = checks["integrity/FeatureLabelCorrelation"]
    condition = str(correlation["threshold_text"])
    message = str(correlation["message"])
    assert condition not in message  # the condition is the threshold column already
    assert "leak" in message  # which feature, from deepchecks' details
