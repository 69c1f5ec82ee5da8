"""Shared fixtures: running the real CLI, writing policies, golden files."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "credit-scoring"
TESTS = Path(__file__).resolve().parent
GOLDEN = TESTS / "golden"
SCHEMAS = TESTS / "schemas"
CASES = TESTS / "cases"
MLGATE = Path(sys.executable).parent / "mlgate"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-goldens", action="store_true", help="rewrite golden files from current output"
    )


@dataclass
class Result:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., Result]:
    """Run the CLI in-process through its one error handler (`mlgate.cli.run`)."""
    from mlgate.cli import run

    def invoke(*args: str | Path) -> Result:
        code = run([str(a) for a in args])
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return invoke


@pytest.fixture
def mlgate_exe() -> Callable[..., Result]:
    """Run the installed `mlgate` console script in a real subprocess."""

    def invoke(
        *args: str | Path, cwd: Path | None = None, env: dict[str, str] | None = None
    ) -> Result:
        full_env = {**os.environ, "NO_COLOR": "1", **(env or {})}
        done = subprocess.run(
            [str(MLGATE), *[str(a) for a in args]],
            capture_output=True,
            text=True,
            cwd=cwd,
            env=full_env,
            timeout=300,
            check=False,
        )
        return Result(done.returncode, done.stdout, done.stderr)

    return invoke


@pytest.fixture
def example(tmp_path: Path) -> Path:
    """A private copy of the credit-scoring example project."""
    target = tmp_path / "credit-scoring"
    shutil.copytree(EXAMPLE, target, ignore=shutil.ignore_patterns("reports"))
    return target


@pytest.fixture
def write(tmp_path: Path) -> Callable[[str, str], Path]:
    """Write a text file below tmp_path and return its path."""

    def put(name: str, text: str) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    return put


@pytest.fixture
def golden(request: pytest.FixtureRequest) -> Callable[[str, str], None]:
    """Compare text with tests/golden/<name>; --update-goldens rewrites it."""
    update = bool(request.config.getoption("--update-goldens"))

    def compare(name: str, text: str) -> None:
        path = GOLDEN / name
        if update or not path.exists():
            if not update:
                pytest.fail(f"golden file {path} is missing; run pytest --update-goldens")
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        assert text == path.read_text(encoding="utf-8"), f"output differs from {path}"

    return compare


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests that run mlgate as a user would (from the installed wheel) are `user_flow`."""
    for item in items:
        if "user_mlgate" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.user_flow)


@pytest.fixture(scope="session")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """mlgate built as a wheel from this checkout (once per test session), or the wheel named
    by MLGATE_WHEEL (the release workflow tests the wheel it is about to publish)."""
    if os.environ.get("MLGATE_WHEEL"):
        return Path(os.environ["MLGATE_WHEEL"]).resolve()
    build = tmp_path_factory.mktemp("wheel")
    pip = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q"]
    subprocess.run([*pip, "-w", str(build), str(ROOT)], check=True, capture_output=True)
    return next(build.glob("mlgate-*.whl"))


@pytest.fixture(scope="session")
def wheel_site(tmp_path_factory: pytest.TempPathFactory, wheel: Path) -> Path:
    """The wheel installed (without dependencies) into a folder.

    Tests of user-facing flows run it from temporary repositories outside this checkout,
    with this folder first on PYTHONPATH, so nothing from the checkout (its `policies/`, its
    git history, its working directory) can make a flow pass that fails for a user.
    """
    site = tmp_path_factory.mktemp("site")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(site),
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    return site


@pytest.fixture
def user_mlgate(wheel_site: Path) -> Callable[..., Result]:
    """Run `python -m mlgate` from the installed wheel, in a directory of the test's choice."""

    def invoke(*args: str | Path, cwd: Path, env: dict[str, str] | None = None) -> Result:
        assert ROOT not in cwd.resolve().parents
        assert cwd.resolve() != ROOT
        full_env = {**os.environ, "NO_COLOR": "1", "PYTHONPATH": str(wheel_site), **(env or {})}
        done = subprocess.run(
            [sys.executable, "-m", "mlgate", *[str(a) for a in args]],
            capture_output=True,
            text=True,
            cwd=cwd,
            env=full_env,
            timeout=300,
            check=False,
        )
        return Result(done.returncode, done.stdout, done.stderr)

    return invoke


def on_terminal(cwd: Path, *args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    """Run ``python -m mlgate ARGS`` on a pseudo-terminal (as a person at a terminal does):
    (exit code, everything it wrote). ``env``: added to the environment (``PYTHONPATH`` of an
    installed wheel)."""
    import pty

    leader, follower = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "mlgate", *args],
        cwd=cwd,
        stdout=follower,
        stderr=follower,
        env={**os.environ, "COLUMNS": "200", "TERM": "xterm", **(env or {})},
    )
    os.close(follower)
    seen = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    os.close(leader)
    return proc.wait(timeout=120), seen.decode(errors="replace")


def git(cwd: Path, *args: str) -> str:
    """Run git in ``cwd`` with a fixed identity; return stdout."""
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.invalid",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.invalid",
    }
    done = subprocess.run(
        ["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=True
    )
    return done.stdout


@pytest.fixture
def user_repo(tmp_path: Path) -> Path:
    """A git repository outside the checkout holding a copy of the credit-scoring example."""
    repo = tmp_path / "user-repo"
    shutil.copytree(EXAMPLE, repo, ignore=shutil.ignore_patterns("reports", "*.html"))
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "initial")
    return repo


def parse_outputs(text: str) -> dict[str, str]:
    """Parse a GITHUB_OUTPUT file written with the delimiter syntax."""
    values: dict[str, str] = {}
    lines = iter(text.splitlines())
    for line in lines:
        if "<<" in line:
            name, delimiter = line.split("<<", 1)
            body = []
            for inner in lines:
                if inner == delimiter:
                    break
                body.append(inner)
            values[name] = "\n".join(body)
        elif "=" in line:
            name, value = line.split("=", 1)
            values[name] = value
    return values
