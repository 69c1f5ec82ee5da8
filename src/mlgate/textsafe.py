"""Control characters never reach an output.

A column name, group or message can hold any character a data file holds: terminal escape
sequences (``ESC [ 31 m``), carriage returns that overwrite a line, bidirectional overrides
that reorder what a reviewer reads, and characters XML 1.0 forbids. ``clean`` shows each as
a visible escape (``\\x1b``, ``\\u202e``); ``clean_report`` applies it to every string of a
report before any format but JSON (which escapes them itself) renders it.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mlgate.report import Report

# C0 controls but tab and newline, DEL, C1 controls, bidi overrides and isolates,
# non-characters U+FFFE/U+FFFF and lone surrogates (all invalid or deceptive in outputs).
_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
    "\ufeff\ufffe\uffff\ud800-\udfff]"
)


def _show(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def clean(text: str) -> str:
    """``text`` with every unsafe character replaced by a visible escape."""
    return _UNSAFE.sub(_show, text) if _UNSAFE.search(text) else text


def _walk(value: Any) -> Any:
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, dict):
        return {clean(str(k)): _walk(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_walk(v) for v in value]
    return value


def clean_report(report: Report) -> Report:
    """A copy of ``report`` whose strings hold no unsafe character."""
    data = report.model_dump(mode="json")
    cleaned = _walk(data)
    if cleaned == data:
        return report
    return type(report).model_validate(cleaned)
