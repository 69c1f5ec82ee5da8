"""Reading saved reports (baselines, diffs, comments) with a bound and a clear error."""

from __future__ import annotations

from pathlib import Path

from mlgate.errors import UsageError
from mlgate.report import Report
from mlgate.safe_io import MAX_REPORT_BYTES, read_bounded


def read_report(path: Path) -> Report:
    """The report at ``path`` (a file or a pipe); a usage error when it is not one."""
    try:
        return Report.from_json(read_bounded(path, MAX_REPORT_BYTES, allow_pipe=True))
    except FileNotFoundError:
        raise UsageError(f"{path}: no such report file") from None
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}") from None
    except ValueError as exc:
        first = str(exc).splitlines()[0]
        raise UsageError(f"{path}: not a valid mlgate report ({first})") from None
