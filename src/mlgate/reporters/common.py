"""Small formatting helpers shared by the reporters."""

from __future__ import annotations

from mlgate.numbers import number as fmt_number
from mlgate.report import CheckResult, GateResult, InputRecord, Location, Outcome, PackRecord

SYMBOL = {
    Outcome.PASS: "✓",
    Outcome.WARN: "!",
    Outcome.FAIL: "✗",
    Outcome.ERROR: "✗",
    Outcome.WAIVED: "~",
    Outcome.SKIPPED: "-",
}


def number(value: float | None) -> str:
    """A whole number as an integer (``13,814``); other values with 4 significant digits."""
    return fmt_number(value)


def observed(check: CheckResult) -> str:
    """Observed value, with its interval when there is one."""
    text = number(check.observed)
    if check.interval is not None:
        text += f" [{number(check.interval[0])}, {number(check.interval[1])}]"
    return text


def where(location: Location | None) -> str:
    """``file:line`` of a policy location."""
    if location is None:
        return ""
    text = f"{location.file}:{location.line}" if location.line else location.file
    return f"{text} (from {location.origin})" if location.origin else text


def detail(check: CheckResult) -> str:
    """Message, waiver and notes of a check, in one line."""
    parts = [check.message] if check.message else []
    if check.waiver:
        parts.append(f"waived: {check.waiver}")
    if check.baseline is not None:
        parts.append(f"baseline {number(check.baseline)}")
    if "worst_group" in check.evidence:
        parts.append(f"worst group: {check.evidence['worst_group']}")
    parts.extend(check.notes)
    return "; ".join(parts)


def failing_first(gates: tuple[GateResult, ...]) -> list[GateResult]:
    """Gates ordered worst outcome first, stable within an outcome."""
    return sorted(gates, key=lambda g: -g.outcome.rank)


def pack_label(pack: PackRecord) -> str:
    """A pack as a reviewer reads it: short pin, version, and whether it is unpinned."""
    ref = pack.ref
    if pack.kind == "git":
        repo_path, _, commit = ref.rpartition("@")
        ref = f"{repo_path}@{commit[:12]}"
    elif pack.kind == "https":
        ref = ref.partition("#")[0] + f" (sha256 {pack.sha256[:12]})"
    version = f" v{pack.version}" if pack.version else ""
    return ref + version + ("" if pack.pinned else " — unpinned")


def input_details(record: InputRecord) -> str:
    """What a reviewer should know of an input beyond its path: where an MLflow input
    resolved to, its flavour (and whether code-running loading was allowed), the files of a
    set and the time window its rows were selected by. Empty for a plain file."""
    parts = []
    if record.source:
        parts.append(record.source)
    if record.flavor:
        parts.append(record.flavor + (", unsafe load allowed" if record.unsafe_load else ""))
    if record.files is not None:
        parts.append(f"{record.files} files")
    if record.window:
        parts.append(f"window {record.window}")
    return "; ".join(parts)
