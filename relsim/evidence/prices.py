"""How far each price would have to move to change which scenario costs less.

A comparison's costs rest on prices the model does not estimate: the unit cost of each kind of
crisis, the hourly cost of front-line staff and of specialists. Each enters a bill as a price
times a quantity the model does simulate (crises, paid hours), so a price changed after the
runs changes the bill exactly, with no new runs: moving one price by a factor m changes the
difference between two scenarios' bills by (m - 1) times that item's own difference. For every
pair of scenarios (the pairs `relsim.evidence.cost_effectiveness` prices) and every priced item,
this table gives, from the same paired runs as the differences:

- the item's difference in quantity and in cost at the prices as run;
- the **break-even price**: the price of that item, the others as run, at which the series'
  bill equals the reference's. It is a ratio of means with the same interval as the net cost
  per crisis avoided (Fieller's with chance only, the central 95 % of the sets' own prices over
  parameter sets), and is empty when the item's difference may be none, when no price at or
  above zero would do it, or when the series already costs less on either side of it;
- the difference in the bill with the item's price **halved and doubled**, with its interval.

Each row is read against one bill: the whole bill (every payer), or the bill of the body that
pays for the item. Where a scenario prices an item differently from the other, both prices move
by the same factor, and the break-even is given against the reference's price.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from relsim.config.schema import CRISIS_TYPES, DOMAINS, Scenario
from relsim.evidence.cost_effectiveness import break_even, interval_columns, pairs
from relsim.evidence.intervals import CHANCE, PARAMETERS, interval

TOTAL = "total_cost_per_citizen_year"
WHOLE_BILL = "all"
#: on which side of the break-even price the series' bill is the lower (series_costs_less)
ABOVE, BELOW, ANY_PRICE, NO_PRICE = "above", "below", "at any price", "at no price"
#: the factors each price is moved by, beside the prices as run
FACTORS = (0.5, 2.0)
#: one specialist service for each domain of need
SPECIALIST_SERVICES = DOMAINS

COLUMNS = {
    "series": "the series whose bill is compared",
    "reference": "the series it is compared with (as in `cost_effectiveness.csv`)",
    "item": "the priced item: a kind of crisis, a paid staff hour or a specialist hour",
    "price_gbp": "the reference's price of the item, GBP a unit, as run",
    "series_price_gbp": "the series' price of the item, as run (the two move together)",
    "payer": "who pays for the item (empty when several bodies do)",
    "bill": "`all` for the whole bill, every payer; otherwise the payer whose bill is read",
    "pairs": "paired runs (same replication) in both series",
    "interval": "which kind: `chance`, or `parameters and chance`",
    "quantity_difference_per_citizen_year_mean": "the series' quantity of the item less the "
    "reference's (crises, or paid hours), per citizen-year (mean over pairs)",
    "cost_difference_per_citizen_year_mean": "the same at the prices as run, GBP per citizen-year",
    "bill_difference_per_citizen_year_mean": "the series' bill less the reference's at the "
    "prices as run, GBP per citizen-year",
    "bill_difference_per_citizen_year_ci95_low": "lower end of its 95 % interval",
    "bill_difference_per_citizen_year_ci95_high": "upper end of the same interval",
    "break_even_price_gbp_mean": "the item's price, the others as run, at which the two bills "
    "are equal (ratio of means); empty when the item's difference may be none, when no price "
    "at or above zero would do it, or when the series costs less on either side of it",
    "break_even_price_gbp_ci95_low": "lower end of its 95 % interval (Fieller's with chance "
    "only; over parameter sets the 2.5th percentile of the sets' own prices), given as 0 where "
    "it falls below zero: no price is below zero, and such an interval allows that no "
    "positive price brings the bills level",
    "break_even_price_gbp_ci95_high": "upper end of the same interval",
    "series_costs_less": "where the series' bill is the lower: `above` or `below` the "
    "break-even price; `at any price` or `at no price` of the item when the rest of the bill "
    "decides it (means over pairs); empty when the item's difference may be none",
    "bill_difference_at_F_price_mean": "the series' bill less the reference's with the item's "
    "price multiplied by F (0.5 and 2), GBP per citizen-year",
    "bill_difference_at_F_price_ci95_low": "lower end of its 95 % interval",
    "bill_difference_at_F_price_ci95_high": "upper end of the same interval",
}


@dataclass(frozen=True)
class PricedItem:
    """A price the model does not estimate, and the per-run cost it multiplies."""

    key: str
    label: str
    cost_metric: str
    price_of: Callable[[Scenario], float | None]
    payer_of: Callable[[Scenario], str | None]


def _crisis(name: str, label: str) -> PricedItem:
    return PricedItem(
        name,
        label,
        f"crisis_cost_{name}_per_citizen_year",
        lambda s: getattr(s.crises, name).unit_cost_gbp,
        lambda s: getattr(s.crises, name).payer,
    )


def _one(values: set[Any]) -> Any:
    return next(iter(values)) if len(values) == 1 else None


def _specialist_price(scenario: Scenario) -> float | None:
    """One hourly price for every specialist service, or None when they differ (the hours of
    each service are not in a run's metrics, so differing prices cannot be moved apart)."""
    return _one({getattr(scenario.specialists, s).hourly_cost_gbp for s in SPECIALIST_SERVICES})


def _specialist_payer(scenario: Scenario) -> str | None:
    return _one({getattr(scenario.specialists, s).payer for s in SPECIALIST_SERVICES})


CRISIS_ITEMS = {
    "ae": "an A&E attendance",
    "mh_crisis": "a mental-health crisis",
    "police": "an arrest with custody",
    "eviction": "an eviction or homelessness presentation",
}
assert tuple(CRISIS_ITEMS) == CRISIS_TYPES
ITEMS: tuple[PricedItem, ...] = (
    *(_crisis(name, label) for name, label in CRISIS_ITEMS.items()),
    PricedItem(
        "staff_hour",
        "an hour of front-line staff",
        "staff_cost_per_citizen_year",
        lambda s: s.workforce.hourly_cost_gbp,
        lambda s: s.workforce.payer,
    ),
    PricedItem(
        "specialist_hour",
        "a specialist hour",
        "specialist_cost_per_citizen_year",
        _specialist_price,
        _specialist_payer,
    ),
)
#: each item in words, by key ("a mental-health crisis")
LABELS = {item.key: item.label for item in ITEMS}


def price_changes(
    runs: Mapping[str, pd.DataFrame],
    configs: Mapping[str, Scenario],
    reps_per_set: int | None,
) -> pd.DataFrame:
    """One row per pair of series, priced item and bill (module docstring), from each series'
    runs (one row per replication, the metrics as columns, `status` ok)."""
    index = "replication"
    ok = {name: frame[frame["status"] == "ok"].set_index(index) for name, frame in runs.items()}
    care_models = {name: config.care_model for name, config in configs.items()}
    rows = []
    for series, reference in pairs(care_models):
        common = ok[reference].index.intersection(ok[series].index).sort_values()
        mine, theirs = ok[series].loc[common], ok[reference].loc[common]
        replications = common.to_numpy()
        sets = None if reps_per_set is None else (replications // reps_per_set).tolist()
        for item in ITEMS:
            price = item.price_of(configs[reference])
            series_price = item.price_of(configs[series])
            if price is None or series_price is None:
                continue  # no one price to move
            payer = item.payer_of(configs[reference])
            same_payer = payer == item.payer_of(configs[series])
            cost = (mine[item.cost_metric] - theirs[item.cost_metric]).to_numpy(dtype=float)
            quantity = (
                mine[item.cost_metric] / series_price - theirs[item.cost_metric] / price
                if price > 0 and series_price > 0
                else pd.Series(np.nan, index=common)
            ).to_numpy(dtype=float)
            bills = [(WHOLE_BILL, TOTAL)]
            if payer is not None and same_payer:
                bills.append((payer, f"cost_{payer}_per_citizen_year"))
            for bill, metric in bills:
                difference = (mine[metric] - theirs[metric]).to_numpy(dtype=float)
                row: dict[str, Any] = {
                    "series": series,
                    "reference": reference,
                    "item": item.key,
                    "price_gbp": price,
                    "series_price_gbp": series_price,
                    "payer": payer if same_payer else None,
                    "bill": bill,
                    "pairs": int(common.size),
                    "interval": CHANCE if sets is None else PARAMETERS,
                    "quantity_difference_per_citizen_year_mean": _mean(quantity),
                    "cost_difference_per_citizen_year_mean": _mean(cost),
                }
                now = interval(difference, sets)
                row |= interval_columns("bill_difference_per_citizen_year", now)
                row |= _break_even(difference, cost, price, sets)
                for factor in FACTORS:
                    moved = interval(difference + (factor - 1.0) * cost, sets)
                    row |= interval_columns(f"bill_difference_at_{factor:g}_price", moved)
                rows.append(row)
    return pd.DataFrame(rows, columns=documented_columns())


def documented_columns() -> list[str]:
    """The table's columns in their documented order, F as each of FACTORS."""
    names = [name for name in COLUMNS if "_F_" not in name]
    for factor in FACTORS:
        names += [name.replace("_F_", f"_{factor:g}_") for name in COLUMNS if "_F_" in name]
    return names


def _mean(values: np.ndarray) -> float:
    finite = values[np.isfinite(values)]
    return float(finite.mean()) if finite.size else math.nan


def _break_even(
    difference: np.ndarray, cost: np.ndarray, price: float, sets: Sequence[int] | None
) -> dict[str, Any]:
    """The price of one item at which the bills are equal. With the item's price multiplied by
    m, the bill's difference is (difference - cost) + m * cost, zero at m = 1 - difference / cost
    (means over pairs)."""
    found: dict[str, Any] = {
        "break_even_price_gbp_mean": math.nan,
        "break_even_price_gbp_ci95_low": math.nan,
        "break_even_price_gbp_ci95_high": math.nan,
        "series_costs_less": None,
    }
    mean_cost = float(cost.mean())
    if not (price > 0 and mean_cost != 0 and np.isfinite(mean_cost)):
        return found
    saves_on_item = mean_cost < 0
    if 1.0 - float(difference.mean()) / mean_cost < 0:
        # the rest of the bill decides it: no price at or above zero brings the bills level
        found["series_costs_less"] = ANY_PRICE if saves_on_item else NO_PRICE
        return found
    # m is a ratio of means, as a net cost per crisis avoided is (what the series saves on the
    # item over the rest of the bill's difference, both turned round when it spends more on
    # the item), so it has the same interval.
    if saves_on_item:
        factor = break_even(-cost, difference - cost, sets)
    else:
        factor = break_even(cost, cost - difference, sets)
    if factor["mean"] is None:
        return found  # the item's difference may be none: the price is unbounded
    low, high = factor["ci95"]
    return {
        "break_even_price_gbp_mean": factor["mean"] * price,
        "break_even_price_gbp_ci95_low": max(0.0, low) * price,
        "break_even_price_gbp_ci95_high": high * price,
        "series_costs_less": ABOVE if saves_on_item else BELOW,
    }
