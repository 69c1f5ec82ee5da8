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


MAX_HISTORY = 50


def read_history(folder: Path) -> tuple[tuple[Report, ...], list[str]]:
    """Earlier reports in ``folder`` (``*.json``, also in subfolders, as downloaded CI
    artifacts are), oldest first, at most the latest :data:`MAX_HISTORY`; and a warning for
    each file that is not a report (skipped, never fatal: history only draws trends)."""
    if not folder.is_dir():
        raise UsageError(f"--history {folder}: not a folder of JSON reports")
    reports: list[Report] = []
    warnings: list[str] = []
    for path in sorted(folder.rglob("*.json")):
        try:
            reports.append(read_report(path))
        except UsageError as exc:
            warnings.append(f"history: skipped {exc}")
    reports.sort(key=lambda r: r.created_at or "")
    return tuple(reports[-MAX_HISTORY:]), warnings
