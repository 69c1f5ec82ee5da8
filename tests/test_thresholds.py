"""The threshold judge: one meaning per word, for every gate."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from mlgate.report import Outcome
from mlgate.thresholds import Direction, Threshold, judge

H, L = Direction.HIGHER, Direction.LOWER


def t(**kw: object) -> Threshold:
    return Threshold.model_validate(kw)


@pytest.mark.parametrize(
    ("threshold", "value", "outcome"),
    [
        ({"min": 0.8}, 0.81, Outcome.PASS),
        ({"min": 0.8}, 0.8, Outcome.PASS),
        ({"min": 0.8}, 0.79, Outcome.FAIL),
        ({"max": 0.1}, 0.11, Outcome.FAIL),
        ({"between": [0.2, 0.4]}, 0.3, Outcome.PASS),
        ({"between": [0.2, 0.4]}, 0.41, Outcome.FAIL),
        ({"min": 0.8, "severity": "warning"}, 0.5, Outcome.WARN),
        ({"min": 0.8, "severity": "info"}, 0.5, Outcome.PASS),
    ],
)
def test_absolute_limits(threshold: dict[str, object], value: float, outcome: Outcome) -> None:
    assert judge(value, t(**threshold), H).outcome is outcome


def test_info_violation_is_recorded_not_failed() -> None:
    verdict = judge(0.5, t(min=0.8, severity="info"), H)
    assert verdict.violated
    assert "min: 0.5 is not >= 0.8" in verdict.message


def test_confidence_compares_the_pessimistic_bound() -> None:
    # point estimate passes, lower bound does not: the evidence does not support min 0.8
    assert judge(0.82, t(min=0.8), H, interval=(0.78, 0.86)).outcome is Outcome.FAIL
    assert judge(0.82, t(min=0.8), H, interval=(0.80, 0.86)).outcome is Outcome.PASS
    assert judge(0.08, t(max=0.1), L, interval=(0.05, 0.12)).outcome is Outcome.FAIL


def test_regression_is_direction_aware() -> None:
    # higher is better: 0.85 -> 0.83 is a regression of 0.02
    assert judge(0.83, t(max_regression=0.01), H, baseline=0.85).outcome is Outcome.FAIL
    assert judge(0.845, t(max_regression=0.01), H, baseline=0.85).outcome is Outcome.PASS
    # lower is better: a loss that rose by 0.02 regressed
    assert judge(0.32, t(max_regression=0.01), L, baseline=0.30).outcome is Outcome.FAIL
    assert judge(0.28, t(max_regression=0.0), L, baseline=0.30).outcome is Outcome.PASS


def test_relative_regression() -> None:
    threshold = t(max_relative_regression=0.05)
    assert judge(0.76, threshold, H, baseline=0.8).outcome is Outcome.PASS  # 5 % worse
    assert judge(0.75, threshold, H, baseline=0.8).outcome is Outcome.FAIL
    skipped = judge(0.1, threshold, H, baseline=0.0)
    assert skipped.outcome is Outcome.SKIPPED
    assert "baseline value is 0" in skipped.notes[0]


def test_regression_with_confidence_uses_the_bad_bound() -> None:
    verdict = judge(0.85, t(max_regression=0.01), H, interval=(0.83, 0.87), baseline=0.85)
    assert verdict.outcome is Outcome.FAIL
    assert verdict.parts[0].compared == pytest.approx(0.02)


def test_regression_without_baseline_is_skipped_not_passed() -> None:
    only = judge(0.9, t(max_regression=0.01), H)
    assert only.outcome is Outcome.SKIPPED
    assert only.notes == ("max_regression not judged (no baseline report)",)
    mixed = judge(0.9, t(min=0.5, max_regression=0.01), H, baseline_missing="baseline gone")
    assert mixed.outcome is Outcome.PASS
    assert mixed.notes == ("max_regression not judged (baseline gone)",)


@pytest.mark.parametrize(
    ("block", "message"),
    [
        ({}, "needs at least one of"),
        ({"between": [0.9, 0.1]}, "`between` is reversed"),
        ({"min": 0.9, "max": 0.1}, "greater than `max`"),
        ({"between": [0.1, 0.2], "min": 0.1}, "either `between` or"),
        ({"min": 0.5, "confidence": 1.5}, "less than 1"),
        ({"max_regression": -0.1}, "greater than or equal to 0"),
        ({"min": 0.5, "minimum": 3}, "Extra inputs"),
    ],
)
def test_invalid_threshold_blocks(block: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        Threshold.model_validate(block)


def test_describe() -> None:
    text = t(min=0.85, max_regression=0.01, confidence=0.95).describe()
    assert text == ">= 0.85, regression <= 0.01 @ 0.95 CI"
