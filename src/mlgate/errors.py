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
        """``file:line: key.path: message`` on one line (newlines in values are escaped)."""
        where = f"{self.file}:{self.line}" if self.line else self.file
        key = format_path(self.path)
        text = f"{where}: {key}: {self.message}" if key else f"{where}: {self.message}"
        return text.replace("\r", "\\r").replace("\n", "\\n")


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


# Names users reach for that are spelled differently here (checked before fuzzy matching,
# which would suggest `pr_auc` for `auc`).
SYNONYMS = {
    "auc": "roc_auc",
    "auroc": "roc_auc",
    "roc": "roc_auc",
    "rocauc": "roc_auc",
    "roc_auc_score": "roc_auc",
    "auprc": "pr_auc",
    "aucpr": "pr_auc",
    "pr_auc_score": "pr_auc",
    "acc": "accuracy",
    "accuracy_score": "accuracy",
    "f1_score": "f1",
    "f_score": "f1",
    "sensitivity": "recall",
    "specificity": "true_negative_rate",
    "tpr": "true_positive_rate",
    "fpr": "false_positive_rate",
    "tnr": "true_negative_rate",
    "fnr": "false_negative_rate",
    "ppv": "precision",
    "matthews_corrcoef": "mcc",
    "logloss": "log_loss",
    "cross_entropy": "log_loss",
    "statistical_parity_difference": "demographic_parity_difference",
    "statistical_parity_ratio": "demographic_parity_ratio",
    "disparate_impact_ratio": "disparate_impact",
    "equal_odds_difference": "equalized_odds_difference",
    "equal_odds_ratio": "equalized_odds_ratio",
}
_BRITISH = (("isation", "ization"), ("ised", "ized"), ("ise_", "ize_"), ("ising", "izing"))


def spelling_variants(word: str) -> list[str]:
    """``word`` respelled: American spelling, known synonyms (``auc`` -> ``roc_auc``)."""
    out = []
    american = word.lower().replace("-", "_")
    for british, us in _BRITISH:
        american = american.replace(british, us)
    for candidate in (word.lower(), american):
        out += [candidate, SYNONYMS.get(candidate, candidate)]
    return list(dict.fromkeys(v for v in out if v != word))


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A ``did you mean `x`?`` hint, or an empty string when nothing is close."""
    options = list(choices)
    for variant in spelling_variants(word):
        if variant in options:
            return f" (did you mean `{variant}`?)"
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    return f" (did you mean `{close[0]}`?)" if close else ""
