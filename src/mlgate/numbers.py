"""How numbers are written for people: whole numbers as integers, never ``1.381e+04``."""

from __future__ import annotations

import math


def number(value: float | None, digits: int = 4, *, sign: bool = False) -> str:
    """``13,814`` for a whole number, else ``digits`` significant digits; ``—`` for None."""
    if value is None:
        return "—"
    plus = "+" if sign and value >= 0 else ""
    if math.isfinite(value) and float(value).is_integer() and abs(value) < 1e15:
        return f"{plus}{int(value):,}"
    if value != 0 and abs(value) < 1e-3:
        return f"{plus}{value:.{max(digits - 1, 1)}e}"
    text = f"{value:.{digits}g}"
    if "e" in text:  # large non-integers: plain digits, rounded
        text = f"{value:,.0f}"
    return plus + text


def plain(value: float) -> str:
    """A number as it would be written in a policy (no thousands separators, no exponent)."""
    if math.isfinite(value) and float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    text = repr(float(value))
    return text if "e" not in text else f"{value:.12f}".rstrip("0").rstrip(".")
