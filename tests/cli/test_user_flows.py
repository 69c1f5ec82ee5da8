"""User-facing flows run as a user runs them: mlgate installed from a built wheel, in a git
repository of the user's own outside mlgate's checkout."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import Result, git, on_terminal

Run = Callable[..., Result]


def _tighten(repo: Path) -> None:
    policy = repo / "mlgate.yaml"
    text = policy.read_text(encoding="utf-8")
    policy.write_text(text.replace("max_findings: 0", "max_findings: 5"), encoding="utf-8")


def test_the_wheel_is_what_runs(user_mlgate: Run, user_repo: Path, wheel_site: Path) -> None:
    code = (
        "import mlgate, mlgate.policy.packs as p; print(mlgate.__file__); print(p.policies_dir())"
    )
    import subprocess

    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=user_repo,
        env={"PYTHONPATH": str(wheel_site)},
        capture_output=True,
        text=True,
        check=True,
    )
    assert all(line.startswith(str(wheel_site)) for line in done.stdout.split())


def test_diff_base_ref_with_builtin_packs(user_mlgate: Run, user_repo: Path) -> None:
    _tighten(user_repo)
    done = user_mlgate("diff", "--base-ref", "main", "mlgate.yaml", cwd=user_repo)
    assert done.code == 0, done.err
    assert "WEAKENS  no-pii/max_findings: `max_findings` 0 → 5" in done.out


def test_check_base_ref_with_builtin_packs(user_mlgate: Run, user_repo: Path) -> None:
    _tighten(user_repo)
    done = user_mlgate(
        "check",
        "mlgate.yaml",
        "--base-ref",
        "main",
        "-q",
        "--only",
        "policy-changes",
        cwd=user_repo,
    )
    assert done.code in (0, 1), done.err
    assert "Traceback" not in done.err
    assert "policy-changes" in done.out


@pytest.mark.parametrize("ref", ["main", "HEAD"])
def test_validate_and_check_in_a_user_repo(user_mlgate: Run, user_repo: Path, ref: str) -> None:
    git(user_repo, "rev-parse", ref)
    done = user_mlgate("validate", "mlgate.yaml", cwd=user_repo)
    assert done.code == 0, done.err


def _shim(tmp: Path, site: Path) -> dict[str, str]:
    """PATH with an `mlgate` command that runs the installed wheel, as the action's scripts
    expect after its install step."""
    import os

    bin_dir = tmp / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "mlgate"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m mlgate "$@"\n')
    shim.chmod(0o755)
    return {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "PYTHONPATH": str(site),
        "NO_COLOR": "1",
    }


def test_the_action_scripts_in_a_user_repository(
    user_repo: Path, wheel_site: Path, tmp_path: Path
) -> None:
    import subprocess

    from conftest import ROOT

    ml = user_repo / "ml"
    ml.mkdir()
    for name in ("mlgate.yaml", "data", "artifacts", "MODEL_CARD.md", "baseline", "mlgate.lock"):
        git(user_repo, "mv", name, f"ml/{name}")
    git(user_repo, "commit", "-q", "-m", "move the project into ml/")
    policy = ml / "mlgate.yaml"
    policy.write_text(policy.read_text().replace("max_findings: 0", "max_findings: 5"))
    outputs, summary = tmp_path / "out.txt", tmp_path / "summary.md"
    env = {
        **_shim(tmp_path, wheel_site),
        "MLGATE_POLICY": "mlgate.yaml",
        "MLGATE_FAIL_ON": "error",
        "MLGATE_BASE_REF": "main",
        "MLGATE_SARIF": str(tmp_path / "mlgate.sarif"),
        "GITHUB_WORKSPACE": str(user_repo),
        "GITHUB_OUTPUT": str(outputs),
        "GITHUB_STEP_SUMMARY": str(summary),
        "RUNNER_TEMP": str(tmp_path),
    }
    done = subprocess.run(
        ["bash", str(ROOT / "scripts" / "action" / "check.sh")],
        cwd=ml,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    warnings = [line for line in done.stdout.splitlines() if line.startswith("::warning")]
    assert any(
        line.startswith("::warning file=ml/mlgate.yaml,line=") and "max_findings" in line
        for line in warnings
    ), done.stdout
    text = outputs.read_text()
    assert "status=0" in text
    assert "outcome<<" in text
    assert "policy-changes" in summary.read_text()
    assert '"uri": "ml/mlgate.yaml"' in (tmp_path / "mlgate.sarif").read_text()
    # the HTML report for the artifact upload, then its link in the job summary
    html = tmp_path / "mlgate-report.html"
    assert f"html={html}" in text
    assert "<svg" in html.read_text()
    url = "https://github.example/acme/models/actions/runs/1/artifacts/2"
    link = subprocess.run(
        ["bash", str(ROOT / "scripts" / "action" / "link.sh")],
        env={**env, "MLGATE_HTML_URL": url},
        capture_output=True,
        text=True,
        check=False,
    )
    assert link.returncode == 0
    assert f"[Full HTML report with charts]({url})" in summary.read_text()


def test_gitlab_code_quality_in_a_user_repository(user_mlgate: Run, user_repo: Path) -> None:
    """The installed wheel, in a project below the repository root as GitLab checks it out:
    Code Quality paths are relative to CI_PROJECT_DIR, whatever the working directory."""
    ml = user_repo / "ml"
    ml.mkdir()
    for name in ("mlgate.yaml", "data", "artifacts", "MODEL_CARD.md", "baseline", "mlgate.lock"):
        git(user_repo, "mv", name, f"ml/{name}")
    policy = ml / "mlgate.yaml"
    policy.write_text(policy.read_text().replace("accuracy: {min: 0.7}", "accuracy: {min: 0.99}"))
    env = {"CI_PROJECT_DIR": str(user_repo), "GITLAB_CI": "true"}
    done = user_mlgate("check", "mlgate.yaml", "-q", "-f", "gitlab", cwd=ml, env=env)
    assert done.code == 1, done.err
    issues = json.loads(done.out)
    accuracy = next(
        i for i in issues if i["description"].startswith("mlgate model-quality/accuracy:")
    )
    line = next(n for n, text in enumerate(policy.read_text().splitlines(), 1) if "0.99" in text)
    assert accuracy["location"] == {"path": "ml/mlgate.yaml", "lines": {"begin": line}}


def test_pii_in_a_user_repository(user_mlgate: Run, user_repo: Path, wheel_site: Path) -> None:
    """The PII gate from the wheel on a user's table: a phone right after a date is found,
    timestamps are not phones, one process and two workers report the same, and a terminal
    sees the columns counted."""
    import pandas as pd

    notes = [f"called on 2024-01-{1 + i % 28:02d} 020 7946 0{i % 1000:03d}" for i in range(800)]
    pd.DataFrame(
        {
            "note": notes,
            "seen_at": [f"2013-08-13 06:{i % 60:02d}:42.856936" for i in range(800)],
            "ref": [f"ORD-2024-{i:06d}" for i in range(800)],
        }
    ).to_parquet(user_repo / "notes.parquet")
    (user_repo / "pii.yaml").write_text(
        "version: 1\ninputs:\n  notes: {path: notes.parquet}\n"
        "gates:\n  - {id: pii, type: pii, data: notes, entities: [phone, credit_card]}\n"
    )
    args = ("check", "pii.yaml", "-q", "-f", "json")
    one = user_mlgate(*args, cwd=user_repo, env={"MLGATE_PII_WORKERS": "1"})
    two = user_mlgate(*args, cwd=user_repo, env={"MLGATE_PII_WORKERS": "2"})
    assert one.code == two.code == 1, one.err + two.err
    checks = [
        [{k: v for k, v in c.items() if "duration" not in k} for g in json.loads(r.out)["gates"]
         for c in g["checks"]]
        for r in (one, two)
    ]  # fmt: skip
    assert checks[0] == checks[1]
    found = {c["id"]: c["observed"] for c in checks[0]}
    assert found["pii/phone"] > 700, found  # every note's phone (the date does not hide it)
    assert found["pii/credit_card"] == 0, found
    assert "020 7946" not in one.out + one.err  # masked
    code, text = on_terminal(
        user_repo, "check", "pii.yaml", "-f", "json", "-o", "r.json",
        env={"PYTHONPATH": str(wheel_site)},
    )  # fmt: skip
    assert code == 1
    assert "notes (800 rows): 3 of 3 columns scanned" in text


def test_pii_hard_negatives_in_a_user_repository(user_mlgate: Run, user_repo: Path) -> None:
    """The PII gate from the wheel on a table of things that look like personal data and are
    not — statuses and categories that are names in the lists, missing values written out,
    coordinates, asset names, lot numbers, streets named after people, counties and pets
    named like people, ids, income brackets, links, columns of figures derived from personal
    data — finds only the real e-mail addresses beside them."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(8)
    n = 1200
    pd.DataFrame(
        {
            "status": rng.choice(["OK", "ok", "FAIL"], n),
            "category": rng.choice(["Christian", "Muslim", "Jewish", "Hindu"], n),
            "income": np.where(rng.random(n) < 0.7, "nan", rng.integers(1000, 9999, n).astype(str)),
            "location": [f"{a:.6f}, {b:.6f}" for a, b in rng.uniform(-80, 80, (n, 2))],
            "asset": rng.choice(["logo@2x.png", "icon@3x.webp", "font@latest.woff2"], n),
            "lot": [f"lot 2023-{1 + i % 12:02d}-{i:04d}" for i in range(n)],
            "route": rng.choice(["12 Martin Luther King Blvd", "near Victoria Station"], n),
            "contact": [f"user{i}@example.org" for i in range(n)],
            # from R's published datasets: counties and pets named like people, band numbers,
            # income brackets, an ISBN in a link, figures derived from personal data
            "county.name": rng.choice(["AITKIN", "BECKER", "BELTRAMI", "BENTON", "CLAY"], n),
            "animal_name": rng.choice(
                ["Andre", "Cody", "Millie", "Sebastian", "Madeline", "Lucy", "Max", "Bella"], n
            ),
            "BandNumber": [
                f"{rng.integers(100, 9999)}-{rng.integers(10000, 99999)}" for _ in range(n)
            ],
            "income_bracket": rng.choice(["7500-10000", "20000-22500", "12500-15000"], n),
            "review": rng.choice(['<a href="http://www.amazon.com/gp/0785383239">good</a>'], n),
            "BirthWeightOz": rng.integers(80, 160, n),
            "has_email_address": rng.choice(["yes", "no"], n),
        }
    ).to_csv(user_repo / "odd.csv", index=False)
    (user_repo / "odd.yaml").write_text(
        "version: 1\ninputs:\n  odd: {path: odd.csv}\ngates:\n  - {id: pii, type: pii, data: odd}\n"
    )
    result = user_mlgate("check", "odd.yaml", "-q", "-f", "json", cwd=user_repo)
    assert result.code == 1, result.err
    checks = {c["id"]: c for g in json.loads(result.out)["gates"] for c in g["checks"]}
    found = {k: c["observed"] for k, c in checks.items() if c["observed"] is not None}
    assert found["pii/email"] == n, found
    assert {k: v for k, v in found.items() if v and k != "pii/email"} == {}, found
    assert "user7@example.org" not in result.out + result.err  # masked


def test_init_on_a_wide_table_in_a_user_repository(user_mlgate: Run, user_repo: Path) -> None:
    """`mlgate init` from the wheel on a table wider than the starter policy lists (130
    columns), then `mlgate check` on the same data: the policy reads back and passes."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(9)
    frame = pd.DataFrame(rng.normal(size=(30, 130)), columns=[f"gene_{i}" for i in range(130)])
    frame["label"] = rng.integers(0, 2, 30)
    frame.to_csv(user_repo / "genes.csv", index=False)
    made = user_mlgate(
        "init", "--data", "genes.csv", "--label", "label", "--out", "genes.yaml", cwd=user_repo
    )
    assert made.code == 0, made.err
    text = (user_repo / "genes.yaml").read_text()
    assert "expect_table_columns_to_match_set" in text
    assert "strict: false" in text
    result = user_mlgate("check", "genes.yaml", "-q", cwd=user_repo)
    assert result.code == 0, result.out + result.err


def test_csv_missing_values_in_a_user_repository(user_mlgate: Run, user_repo: Path) -> None:
    """A CSV written by R (`NA` for missing) with `NA` as a real category too: pandas' list of
    missing texts by default on pandas and DuckDB alike, and `na_values:` from the policy."""
    (user_repo / "trips.csv").write_text(
        "continent,fare\nNA,12.5\nEU,NA\nNA,8\nAS,9.5\n"
    )  # fmt: skip
    policy = user_repo / "trips.yaml"
    template = (
        "version: 1\ninputs:\n  trips: {{path: trips.csv, engine: {engine}{extra}}}\ngates:\n"
        "  - id: contract\n    type: data\n    data: trips\n    expectations:\n"
        "      - expect_column_values_to_not_be_null: {{column: continent}}\n"
        "      - expect_column_values_to_not_be_null: {{column: fare, mostly: 0.7}}\n"
    )
    for engine in ("pandas", "duckdb"):
        policy.write_text(template.format(engine=engine, extra=""))
        result = user_mlgate("check", "trips.yaml", "-q", "-f", "json", cwd=user_repo)
        assert result.code == 1, result.err
        outcomes = {c["name"]: c["outcome"] for c in json.loads(result.out)["gates"][0]["checks"]}
        assert outcomes == {
            "expect_column_values_to_not_be_null[continent]": "fail",
            "expect_column_values_to_not_be_null[fare]": "pass",
        }, engine
        policy.write_text(template.format(engine=engine, extra=", na_values: ['']"))
        result = user_mlgate("check", "trips.yaml", "-q", cwd=user_repo)
        assert result.code == 0, result.out + result.err
