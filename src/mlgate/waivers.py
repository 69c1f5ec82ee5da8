"""How a waiver's ``check:`` selects checks, and what counts as an expired waiver.

Check ids contain brackets (``selection_rate[sex]``), so a waiver matches an id literally
first. Otherwise ``*`` and ``?`` are wildcards and brackets stay literal characters, so
``fairness/selection_rate[*]`` waives every group of that check. A pattern written as
``glob:PATTERN`` is a full shell glob in which ``[abc]`` is a character class.
"""

from __future__ import annotations

import datetime as dt
import fnmatch

GLOB_PREFIX = "glob:"


def _literal_brackets(pattern: str) -> str:
    return "".join("[[]" if c == "[" else "[]]" if c == "]" else c for c in pattern)


def matches(pattern: str, check_id: str) -> bool:
    """Whether a waiver's ``check:`` pattern selects ``check_id``."""
    if pattern == check_id:
        return True
    if pattern.startswith(GLOB_PREFIX):
        return fnmatch.fnmatchcase(check_id, pattern[len(GLOB_PREFIX) :])
    return fnmatch.fnmatchcase(check_id, _literal_brackets(pattern))


def gates_covered(pattern: str, gate_ids: list[str]) -> list[str]:
    """The gates whose checks ``pattern`` can select (by the part before the first ``/``)."""
    body = pattern.removeprefix(GLOB_PREFIX)
    head = body.split("/", 1)[0]
    probe = GLOB_PREFIX + head if pattern.startswith(GLOB_PREFIX) else head
    return [g for g in gate_ids if matches(probe, g)]


def expired(expires: dt.date, today: dt.date) -> bool:
    """A waiver holds through its ``expires`` day and is expired from the day after."""
    return expires < today
