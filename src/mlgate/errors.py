"""One error hierarchy and the exit codes it maps to.

Every error a user can cause is an :class:`MlgateError`; its message says what went
wrong, then where, then a hint. The CLI has exactly one handler that turns these into
exit codes, so "the model failed the gate" (1) can always be told apart from "the policy
is wrong" (2) and "mlgate itself broke" (3).
"""

from __future__ import annotations

import difflib
import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

PathPart = str | int
NodePath = tuple[PathPart, ...]


class ExitCode(enum.IntEnum):
    """Process exit codes, as documented in the README."""

    OK = 0
    FAILED = 1
    USAGE = 2
    INTERNAL = 3
    INTERRUPTED = 130


class MlgateError(Exception):
    """Base class for every error a user of mlgate can cause."""

    exit_code: ExitCode = ExitCode.USAGE


@dataclass(frozen=True)
class Problem:
    """One problem in a policy file, located at a file, line and key path."""

    file: str
    line: int
    column: int
    path: NodePath
    message: str

    def render(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        key = format_path(self.path)
        return f"{where}: {key}: {self.message}" if key else f"{where}: {self.message}"


class PolicyError(MlgateError):
    """The policy does not load or validate; carries every problem found at once."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: (p.file, p.line, p.column, p.message))
        super().__init__("\n".join(p.render() for p in self.problems))


class UsageError(MlgateError):
    """The command line is wrong (a file that is not there, an unknown format, ...)."""


class InputError(MlgateError):
    """An input named by the policy is missing or cannot be read."""

    exit_code = ExitCode.FAILED


class GateError(MlgateError):
    """A gate cannot run on what it was given; the gate's outcome becomes ``error``."""

    exit_code = ExitCode.FAILED


class PluginError(MlgateError):
    """A gate plug-in is broken: it cannot be imported or does not fit the interface."""


def format_path(path: Iterable[PathPart]) -> str:
    """Render a key path as ``gates[1].metrics.roc_auc``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A ``did you mean `x`?`` hint, or an empty string when nothing is close."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean `{close[0]}`?)" if close else ""
