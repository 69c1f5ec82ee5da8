"""User-facing flows run as a user runs them: mlgate installed from a built wheel, in a git
repository of the user's own outside mlgate's checkout."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import Result, git

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
    assert "max_findings" in done.out or "no policy change" not in done.out


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
