"""Where and when a run happens: the one clock, the git commit, the CI run, the libraries.

The CLI and the pytest plug-in both take a run's provenance from here, so a report made by
either entry point records the same facts.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from mlgate.errors import UsageError

if TYPE_CHECKING:
    from mlgate.report import Provenance

LIBRARIES = (
    "numpy",
    "pandas",
    "pyarrow",
    "scikit-learn",
    "scipy",
    "fairlearn",
    "great-expectations",
    "deepchecks",
    "skops",
    "onnxruntime",
    "pydantic",
)


def run_clock(env: Mapping[str, str] | None = None) -> dt.datetime:
    """The one "now" of a run: ``SOURCE_DATE_EPOCH`` when set (reproducible reports), else
    the clock. The report's date and waiver expiry both use it."""
    epoch = (os.environ if env is None else env).get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch:
        return dt.datetime.now(dt.timezone.utc)
    if not epoch.isdigit():
        raise UsageError(f"SOURCE_DATE_EPOCH must be whole seconds since 1970-01-01, not {epoch!r}")
    try:
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc)
    except (OverflowError, OSError, ValueError):
        raise UsageError(f"SOURCE_DATE_EPOCH {epoch[:30]} is out of the range of dates") from None


def timestamp(moment: dt.datetime) -> str:
    """The report's ``created_at`` for ``moment`` (seconds, ISO 8601 with offset)."""
    return moment.replace(microsecond=0).isoformat()


def git_commit(where: Path, env: Mapping[str, str] | None = None) -> str | None:
    """``GITHUB_SHA``, else ``git rev-parse HEAD`` in ``where``; None outside git."""
    env = os.environ if env is None else env
    if env.get("GITHUB_SHA"):
        return env["GITHUB_SHA"]
    try:
        done = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=where or Path(),
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() or None if done.returncode == 0 else None


def run_url(env: Mapping[str, str]) -> str | None:
    """Link to this workflow run, when the runner says where it is."""
    server, repo, run = (
        env.get(k) for k in ("GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "GITHUB_RUN_ID")
    )
    return f"{server}/{repo}/actions/runs/{run}" if server and repo and run else None


def provenance(env: Mapping[str, str] | None = None) -> Provenance:
    """The CI run, the Python version and the versions of the gate libraries."""
    import platform
    from importlib.metadata import PackageNotFoundError, version

    from mlgate.report import Provenance

    libraries = {}
    for name in LIBRARIES:
        try:
            libraries[name] = version(name)
        except PackageNotFoundError:
            continue
    return Provenance(
        ci_run_url=run_url(os.environ if env is None else env),
        python=platform.python_version(),
        libraries=libraries,
    )
