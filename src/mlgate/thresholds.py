"""The one place where a threshold block is judged.

A threshold block is ``{min | max | between | max_regression | max_relative_regression,
severity, confidence}``. Every gate hands its observed value here, so the same word means
the same thing in every gate.

How a value is compared
-----------------------
* ``min: a`` passes when the compared value is ``>= a``; ``max: b`` when it is ``<= b``;
  ``between: [a, b]`` when both hold.
* ``max_regression: d`` compares with the same check in the baseline report. The
  regression is measured in the metric's bad direction: for a higher-is-better metric it
  is ``baseline - current``, for a lower-is-better metric ``current - baseline``; it passes
  when the regression is ``<= d``. ``max_relative_regression: r`` is the same divided by
  ``|baseline|``. Without a baseline (or when the check is not in it) the regression part is
  ``skipped`` with the reason -- never silently passed.
* With ``confidence: c`` the gate computes a two-sided percentile bootstrap interval at
  level ``c`` and the **pessimistic bound** is compared instead of the point estimate: the
  lower bound for ``min`` (and for the regression of a higher-is-better metric), the upper
  bound for ``max`` (and for the regression of a lower-is-better metric). A check passes
  only when the evidence supports it; a 0.95 interval's lower bound is a 97.5 % one-sided
  bound.
* Limits are met with a tolerance of 1e-9 (relative, at least absolute 1e-9), so a value
  equal to its limit up to floating-point noise meets it.
* ``severity`` says what a violation means: ``error`` -> ``fail``, ``warning`` -> ``warn``,
  ``info`` -> recorded (outcome ``pass``, marked violated).
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from mlgate.errors import NodePath
from mlgate.report import (
    Outcome,
    Severity,
)

REL_TOLERANCE = 1e-9


class Direction(enum.Enum):
    """Which way a metric improves."""

    HIGHER = "higher"
    LOWER = "lower"


class Threshold(BaseModel):
    """A threshold block as written in a policy."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    min: float | None = None
    max: float | None = None
    between: tuple[float, float] | None = None
    max_regression: float | None = Field(default=None, ge=0)
    max_relative_regression: float | None = Field(default=None, ge=0)
    severity: Severity = "error"
    confidence: float | None = Field(default=None, gt=0, lt=1)
    controls: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> Threshold:
        bounds = (self.min, self.max, self.between, self.max_regression)
        if all(b is None for b in bounds) and self.max_relative_regression is None:
            raise ValueError(
                "needs at least one of min, max, between, max_regression, max_relative_regression"
            )
        if self.between is not None:
            if self.min is not None or self.max is not None:
                raise ValueError("use either `between` or `min`/`max`, not both")
            if self.between[0] > self.between[1]:
                raise ValueError(f"`between` is reversed: {self.between[0]} > {self.between[1]}")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"`min` ({self.min}) is greater than `max` ({self.max})")
        return self

    @property
    def lower(self) -> float | None:
        """The lower limit, from ``min`` or ``between``."""
        return self.between[0] if self.between else self.min

    @property
    def upper(self) -> float | None:
        """The upper limit, from ``max`` or ``between``."""
        return self.between[1] if self.between else self.max

    @property
    def needs_baseline(self) -> bool:
        """Whether any part of this threshold compares with a baseline."""
        return self.max_regression is not None or self.max_relative_regression is not None

    def describe(self) -> str:
        """Short human text, e.g. ``>= 0.85, regression <= 0.01``."""
        parts = []
        if self.between:
            parts.append(f"in [{_num(self.between[0])}, {_num(self.between[1])}]")
        if self.min is not None:
            parts.append(f">= {_num(self.min)}")
        if self.max is not None:
            parts.append(f"<= {_num(self.max)}")
        if self.max_regression is not None:
            parts.append(f"regression <= {_num(self.max_regression)}")
        if self.max_relative_regression is not None:
            parts.append(f"relative regression <= {_num(self.max_relative_regression)}")
        text = ", ".join(parts)
        if self.confidence is not None:
            text += f" @ {self.confidence:g} CI"
        return text


def find_thresholds(value: Any, path: NodePath = ()) -> dict[NodePath, Threshold]:
    """Every threshold block inside a (gate config) model, by key path."""
    out: dict[NodePath, Threshold] = {}
    if isinstance(value, Threshold):
        out[path] = value
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            out.update(find_thresholds(getattr(value, name), (*path, name)))
    elif isinstance(value, dict):
        for key, item in value.items():
            out.update(find_thresholds(item, (*path, str(key))))
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            out.update(find_thresholds(item, (*path, i)))
    return out


def range_problems(
    at: NodePath, threshold: Threshold, low: float, high: float
) -> list[tuple[NodePath, str]]:
    """Limits of ``threshold`` outside a metric's range ``[low, high]``, for policy errors."""
    out: list[tuple[NodePath, str]] = []
    for key, value in (("min", threshold.min), ("max", threshold.max)):
        if value is not None and not low <= value <= high:
            out.append(((*at, key), f"must be a number between {low:g} and {high:g}"))
    if threshold.between is not None and not all(low <= v <= high for v in threshold.between):
        out.append(((*at, "between"), f"values must lie between {low:g} and {high:g}"))
    return out


@dataclass(frozen=True)
class Part:
    """One judged part of a threshold (``min``, ``max``, ``max_regression``, ...)."""

    kind: str
    limit: float
    compared: float | None
    ok: bool | None
    reason: str = ""


@dataclass(frozen=True)
class Verdict:
    """The judgement of one observed value against one threshold."""

    outcome: Outcome
    violated: bool
    parts: tuple[Part, ...]
    notes: tuple[str, ...] = field(default=())

    @property
    def message(self) -> str:
        """What was violated, or an empty string."""
        bad = [p for p in self.parts if p.ok is False]
        return "; ".join(_part_text(p) for p in bad)


def _slack(limit: float) -> float:
    """Tolerance for floating-point noise: a value equal to its limit meets it."""
    return REL_TOLERANCE * max(1.0, abs(limit))


def _num(x: float) -> str:
    from mlgate.numbers import number

    return number(x, 6)


def _part_text(part: Part) -> str:
    compared = "n/a" if part.compared is None else _num(part.compared)
    symbol = {"min": ">=", "max": "<="}.get(part.kind, "<=")
    return f"{part.kind}: {compared} is not {symbol} {_num(part.limit)}"


def judge(
    value: float,
    threshold: Threshold,
    direction: Direction,
    interval: tuple[float, float] | None = None,
    baseline: float | None = None,
    baseline_missing: str = "no baseline report",
) -> Verdict:
    """Judge ``value`` (and its interval, when given) against ``threshold``."""
    low, high = interval if interval is not None else (value, value)
    parts: list[Part] = []
    if threshold.lower is not None:
        lower = threshold.lower
        parts.append(Part("min", lower, low, bool(low >= lower - _slack(lower))))
    if threshold.upper is not None:
        upper = threshold.upper
        parts.append(Part("max", upper, high, bool(high <= upper + _slack(upper))))
    pessimistic = low if direction is Direction.HIGHER else high
    parts.extend(_regression_parts(pessimistic, threshold, direction, baseline, baseline_missing))
    return _verdict(threshold, parts)


def _regression_parts(
    current: float,
    threshold: Threshold,
    direction: Direction,
    baseline: float | None,
    missing: str,
) -> list[Part]:
    out: list[Part] = []
    specs = (
        ("max_regression", threshold.max_regression, False),
        ("max_relative_regression", threshold.max_relative_regression, True),
    )
    for kind, limit, relative in specs:
        if limit is None:
            continue
        if baseline is None or math.isnan(baseline):
            out.append(Part(kind, limit, None, None, missing))
            continue
        regression = baseline - current if direction is Direction.HIGHER else current - baseline
        if relative:
            if baseline == 0:
                out.append(Part(kind, limit, None, None, "the baseline value is 0"))
                continue
            regression /= abs(baseline)
        out.append(Part(kind, limit, regression, bool(regression <= limit + _slack(limit))))
    return out


VIOLATION_OUTCOME = {"error": Outcome.FAIL, "warning": Outcome.WARN, "info": Outcome.PASS}


def violation_outcome(severity: str) -> Outcome:
    """The one rule for what a violated check becomes: error -> fail, warning -> warn,
    info -> pass (recorded as violated, never failing or warning)."""
    return VIOLATION_OUTCOME[severity]


def _verdict(threshold: Threshold, parts: list[Part]) -> Verdict:
    notes = tuple(f"{p.kind} not judged ({p.reason})" for p in parts if p.ok is None)
    judged = [p for p in parts if p.ok is not None]
    if not judged:
        return Verdict(Outcome.SKIPPED, False, tuple(parts), notes)
    violated = any(p.ok is False for p in judged)
    if not violated:
        return Verdict(Outcome.PASS, False, tuple(parts), notes)
    return Verdict(violation_outcome(threshold.severity), True, tuple(parts), notes)
