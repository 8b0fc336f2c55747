"""Numbers as people read them: a couple of significant figures, pounds with separators, shares
as percentages. The exact values stay in the JSON, the workbook and the report's data-value
attributes."""

from __future__ import annotations

import math
from typing import Any


def sig(value: float | None, digits: int = 2) -> str:
    """`value` to `digits` significant figures (whole numbers at least), with separators."""
    if value is None or not math.isfinite(value):
        return "-"
    if value == 0:
        return "0"
    rounded = float(f"{value:.{digits}g}")
    if abs(rounded) >= 10 ** (digits - 1) or rounded.is_integer():
        return f"{round(rounded):,}"
    places = max(0, digits - 1 - math.floor(math.log10(abs(rounded))))
    return f"{rounded:.{places}f}"


def money(value: float | None, digits: int = 2) -> str:
    """£1,200; £3.4m; -£120."""
    if value is None or not math.isfinite(value):
        return "-"
    sign = "-" if value < 0 else ""
    size = abs(value)
    # rounded first: £999,551 to two figures is a million, said as £1.0m, not £1,000,000
    if size >= 1e6 or float(f"{size:.{digits}g}") >= 1e6:
        return f"{sign}£{sig(size / 1e6, digits)}m"
    return f"{sign}£{sig(size, digits)}"


#: the unit of a difference between two shares: 4 % against 8 % is 4 points, not 4 %
POINTS = "percentage points"


def is_share(unit: str) -> bool:
    return unit in ("share",)


def number(value: Any, unit: str = "") -> str:
    """A table cell: pounds, percentages for shares, three significant figures otherwise."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "-"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if unit.startswith("GBP"):
        return money(value, 3)
    if is_share(unit):
        return f"{sig(100 * value, 3)} %"
    if unit == POINTS:
        return f"{sig(100 * value, 3)} pp"
    if isinstance(value, int):
        return f"{value:,}"
    return sig(value, 3)


def interval(low: Any, high: Any, unit: str = "") -> str:
    if low is None or high is None:
        return "-"
    return f"{number(low, unit)} to {number(high, unit)}"
