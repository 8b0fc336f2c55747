"""Where a scenario lies outside the conditions the model was calibrated in.

The calibration (docs/calibration.md) fitted the uncertain parameters on the fitting
configurations only: the bundled districts, at their own knobs and at a higher demand
complexity. The knobs set most of the detailed parameters, so a district whose knobs lie outside
the range those configurations span is one the fitting targets never saw: its results, and the
ensemble's intervals, are extrapolated from there. This says so, one line per scenario.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from relsim import bundled
from relsim.config import Scenario, load_scenario
from relsim.config.errors import printable
from relsim.config.params import KNOBS

#: the bundled scenarios and the knobs the fitting configurations run them at
#: (relsim/evidence/configs.py, FIT_CONFIGS; written out here so that `relsim validate` need not
#: import the model, and checked against them by the tests)
FITTED: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("baseline", ()),
    ("liberated", ()),
    ("baseline", ("demand_complexity=0.9",)),
    ("liberated", ("demand_complexity=0.9",)),
)


@cache
def calibrated_knobs() -> dict[str, tuple[float, float]]:
    """Each knob's lowest and highest value over the calibration's fitting configurations."""
    values: dict[str, list[float]] = {knob: [] for knob in KNOBS}
    for scenario, sets in FITTED:
        config = load_scenario(bundled.resolve("scenarios", scenario), list(sets))
        for knob in KNOBS:
            values[knob].append(float(getattr(config, knob)))
    return {knob: (min(found), max(found)) for knob, found in values.items()}


def _span(low: float, high: float) -> str:
    return f"{low:g}" if low == high else f"{low:g} to {high:g}"


def outside_calibration(scenario: Scenario) -> dict[str, float]:
    """The scenario's knobs that lie outside those the calibration was fitted at, with their
    values."""
    return {
        knob: float(getattr(scenario, knob))
        for knob, (low, high) in calibrated_knobs().items()
        if not low <= getattr(scenario, knob) <= high
    }


def _fitted() -> str:
    return ", ".join(f"{knob} {_span(*span)}" for knob, span in calibrated_knobs().items())


#: what lying outside the calibrated conditions means for a result, said the same everywhere
EXTRAPOLATED = (
    "so {their} results, and the intervals --ensemble gives them, are extrapolated beyond what "
    "the fitting targets constrain"
)


def calibration_warnings(scenario: Scenario) -> list[str]:
    """One line when the scenario's knobs lie outside those the calibration was fitted at."""
    outside = [f"{knob} {value:g}" for knob, value in outside_calibration(scenario).items()]
    if not outside:
        return []
    return [
        f"{printable(scenario.name, 60)}: {' and '.join(outside)} "
        f"{'is' if len(outside) == 1 else 'are'} outside the conditions "
        f"the model was calibrated in ({_fitted()}; docs/calibration.md), "
        + EXTRAPOLATED.format(their="its")
    ]


def design_calibration_warnings(
    what: str, outside: Sequence[dict[str, float]], points: int
) -> list[str]:
    """One line for a design (a sweep's, or an experiment's over its series) with `points`
    points, `outside` holding the knobs outside the calibrated conditions at each point that
    has any: how many points, and which values."""
    if not outside:
        return []
    values: dict[str, set[float]] = {}
    for found in outside:
        for knob, value in found.items():
            values.setdefault(knob, set()).add(value)
    listed = "; ".join(
        f"{knob} {', '.join(f'{v:g}' for v in sorted(found))}" for knob, found in values.items()
    )
    return [
        f"{what}: {len(outside):,} of its {points:,} points "
        f"{'lies' if len(outside) == 1 else 'lie'} outside the conditions the model "
        f"was calibrated in ({listed}; it was calibrated at {_fitted()}; docs/calibration.md), "
        + EXTRAPOLATED.format(their="their")
    ]
