"""Reading a policy as it was at another git revision (``--base-ref``)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from mlgate.errors import UsageError
from mlgate.policy.source import MAX_BYTES, Reader
from mlgate.safe_io import ReadRefusedError


def _git(args: list[str], cwd: Path) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", *args], cwd=cwd, capture_output=True, timeout=60, check=False)
    except (OSError, subprocess.SubprocessError) as exc:
        raise UsageError(f"cannot run git: {exc}") from None


def git_reader(ref: str, cwd: Path) -> Reader:
    """A reader that returns files as they were at ``ref`` (``git show REF:path``)."""
    top = _git(["rev-parse", "--show-toplevel"], cwd)
    if top.returncode != 0:
        raise UsageError(f"--base-ref needs a git repository; {cwd} is not in one")
    root = Path(top.stdout.decode().strip()).resolve()
    if _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], root).returncode != 0:
        raise UsageError(
            f"git cannot find the revision `{ref}` (fetch it first, e.g. fetch-depth: 0)"
        )

    def read(path: Path) -> bytes:
        try:
            rel = path.resolve().relative_to(root)
        except ValueError:
            raise FileNotFoundError(str(path)) from None
        spec = f"{ref}:{rel.as_posix()}"
        size = _git(["cat-file", "-s", spec], root)
        if size.returncode != 0:
            raise FileNotFoundError(str(path))
        if int(size.stdout.decode().strip() or 0) > MAX_BYTES:
            raise ReadRefusedError(f"larger than the limit of {MAX_BYTES:,} bytes")
        shown = _git(["show", spec], root)
        if shown.returncode != 0:
            raise FileNotFoundError(str(path))
        return shown.stdout

    return read
