"""Which of several care models a commissioner should choose, at each price on a crisis avoided.

Pricing pairs (relsim.evidence.cost_effectiveness) answers "is B worth its price over A?".
With three or more options that is not enough: an option can be worth its price over doing
nothing and still not be worth choosing, because another buys the same crises avoided for
less (it is *dominated*), or because a mix of the options either side of it would
(*extendedly dominated*: its price per crisis avoided over the next cheaper option is higher
than the next dearer option's over it). The standard incremental analysis, on the same runs
for every option at a point (same replications, citizens, luck and parameter sets):

1. order the options by mean total cost (crisis costs included) per citizen-year;
2. set aside every option that costs at least as much as another and has at least as many
   crises (dominated);
3. of the rest, set aside any whose net cost per crisis avoided over the cheaper option
   before it is higher than the next option's over it, until those prices rise along the
   list (extendedly dominated);
4. what is left is the frontier: each option on it is priced over the one before it.

An option is then the one to choose at a price P on a crisis avoided (beyond the crisis's own
cost, which total cost already holds) when it has the highest expected net benefit, minus
(total cost + P times crises); on the means that is the frontier option whose price over the
one before it is below P and the next's at least P (at exactly a step's price the two tie, and
the option listed first is named). Options whose steps cost the same per crisis avoided all
stay on the frontier. Over parameter sets the share of sets under which each option has the
highest net benefit at P is given too (the acceptability curve of several options; each set's
mean over its runs, so with one run a set chance is in it too); with chance only there is no
such share. Each step's price has no interval here: experiments and comparisons give every
pair's in cost_effectiveness.csv; the staffing frontier writes no pairwise prices.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from relsim.evidence.cost_effectiveness import COST, CRISES, PRICES_GBP, documented_columns, units
from relsim.evidence.intervals import CHANCE, PARAMETERS

FRONTIER = "frontier"
DOMINATED = "dominated"
EXTENDEDLY_DOMINATED = "extendedly dominated"

#: the columns of the table, with P for each of PRICES_GBP and KEY for each grid key
COLUMNS = {
    "series": "the option",
    "point": "design point, from 0",
    "KEY": "the point's value of each grid key",
    "runs": "runs (point and replication) finished in every series, which the means are over",
    "interval": 'which kind: `chance`, or `parameters and chance` (see "Which interval")',
    "crises_per_citizen_year_mean": "crises per citizen-year (mean over those runs)",
    "total_cost_per_citizen_year_mean": "total cost, crises included, GBP per citizen-year "
    "(mean over the same runs)",
    "status": "`frontier`; `dominated` (another option costs no more and has no more crises); "
    "or `extendedly dominated` (its net cost per crisis avoided over the cheaper option "
    "before it is higher than the next option's over it: a mix of the frontier options either "
    "side of it avoids more crises for the money)",
    "compared_with": "on the frontier, the cheaper frontier option before it; empty for the "
    "cheapest and off the frontier",
    "incremental_cost_per_citizen_year": "its total cost less that option's, GBP",
    "incremental_crises_avoided_per_citizen_year": "that option's crises less its own",
    "incremental_net_cost_per_crisis_avoided": "the two above divided: the price on a crisis "
    "avoided above which it is worth choosing over that option (in experiments and "
    "comparisons its interval is that pair's in `cost_effectiveness.csv`)",
    "best_at_P_gbp": "whether it has the highest mean net benefit (minus total cost and P "
    "times crises) of the options at price P on a crisis avoided; on a tie, the option listed "
    "first",
    "best_at_P_gbp_share": "share of parameter sets under which it has the highest net "
    "benefit at P (each set's mean over its runs: with one run a set, chance is in it too); "
    "empty with chance only",
}


def frontier(costs: Mapping[str, float], crises: Mapping[str, float]) -> dict[str, str]:
    """Each option's status (FRONTIER, DOMINATED, EXTENDEDLY_DOMINATED) from its mean cost
    and crises; ties in cost are broken by crises, then by the order given."""
    names = list(costs)
    order = sorted(names, key=lambda n: (costs[n], crises[n], names.index(n)))
    status = {}
    for place, name in enumerate(order):
        # one that costs no more with no more crises, and is better in either or listed first
        dominated = any(
            costs[other] <= costs[name]
            and crises[other] <= crises[name]
            and (costs[other] < costs[name] or crises[other] < crises[name] or before < place)
            for before, other in enumerate(order)
            if other != name
        )
        status[name] = DOMINATED if dominated else FRONTIER
    kept = [n for n in order if status[n] == FRONTIER]
    while True:
        prices = [_price(costs, crises, kept[i - 1], kept[i]) for i in range(1, len(kept))]
        falls = [i for i in range(1, len(prices)) if prices[i - 1] > prices[i]]
        if not falls:
            break
        status[kept[falls[0]]] = EXTENDEDLY_DOMINATED
        del kept[falls[0]]
    return {name: status[name] for name in names}


def _price(
    costs: Mapping[str, float], crises: Mapping[str, float], cheaper: str, dearer: str
) -> float:
    """The dearer option's net cost per crisis avoided over the cheaper one (both on the
    frontier after step 2, so the dearer one avoids more)."""
    return (costs[dearer] - costs[cheaper]) / (crises[cheaper] - crises[dearer])


def best_option(costs: np.ndarray, crises: np.ndarray, price_gbp: float) -> np.ndarray:
    """Index of the option with the highest net benefit (minus cost and price x crises) along
    the last axis; the first listed on a tie."""
    return np.argmax(-(costs + price_gbp * crises), axis=-1)


def incremental(
    runs: Mapping[str, pd.DataFrame], keys: list[str], reps_per_set: int | None
) -> pd.DataFrame:
    """One row per series and point: its means over the runs finished in every series, its
    status, its step along the frontier and whether it is the one to choose at each of
    PRICES_GBP (module docstring). Empty with fewer than two series."""
    names = list(runs)
    if len(names) < 2:
        return pd.DataFrame(columns=documented_columns(COLUMNS, keys))
    index = ["point", "replication"]
    ok = {
        name: frame[frame["status"] == "ok"].set_index(index)[[*keys, CRISES, COST]]
        for name, frame in runs.items()
    }
    finite = {
        name: frame[np.isfinite(frame[[CRISES, COST]]).all(axis=1)] for name, frame in ok.items()
    }
    common = finite[names[0]].index
    for name in names[1:]:
        common = common.intersection(finite[name].index)
    common = common.sort_values()
    cost = np.column_stack([finite[n].loc[common, COST].to_numpy(float) for n in names])
    crisis = np.column_stack([finite[n].loc[common, CRISES].to_numpy(float) for n in names])
    points = common.get_level_values("point").to_numpy()
    replications = common.get_level_values("replication").to_numpy()
    first = finite[names[0]]
    rows = []
    for point in np.unique(points):
        at = points == point
        where = {"point": int(point)}
        where |= {key: first.loc[(point, replications[at][0]), key] for key in keys}
        found = _rows_at(names, cost[at], crisis[at], replications[at], reps_per_set)
        rows += [{"series": row.pop("series"), **where, **row} for row in found]
    return pd.DataFrame(rows) if rows else pd.DataFrame(columns=documented_columns(COLUMNS, keys))


def lever_choice(
    runs: Mapping[str, pd.DataFrame], keys: list[str], lever: str, reps_per_set: int | None
) -> pd.DataFrame:
    """Which value of `lever`, a grid key that is a choice a commissioner makes (a threshold, a
    caseload cap), to choose at each price, and in which series: every series at every value
    of `lever` is one option, and the options are compared at each point of the other grid
    keys, over the runs finished in all of them. Replication r has the same seeds at every
    point, so the options meet the same citizens, luck and parameter sets. Rows as
    `incremental`'s, with `option` (the series and the value), `series` and `lever`'s value
    first; `point` numbers the points of the other keys."""
    others = [key for key in keys if key != lever]
    # the other keys' points, numbered in the order the design first reaches them
    ordered = pd.concat(list(runs.values())).sort_values(["point", "replication"], kind="stable")
    places = {
        combination: place
        for place, combination in enumerate(dict.fromkeys(_combinations(ordered, others)))
    }
    options: dict[str, pd.DataFrame] = {}
    chosen: dict[str, tuple[str, Any]] = {}
    for series, frame in runs.items():
        frame = frame.sort_values(["point", "replication"], kind="stable")
        point = [places[c] for c in _combinations(frame, others)]
        renumbered = frame.assign(point=point)
        for value in dict.fromkeys(frame[lever].tolist()):
            name = f"{series} at {lever}={_shown(value)}"
            options[name] = renumbered[frame[lever] == value]
            chosen[name] = (series, value)
    found = incremental(options, others, reps_per_set)
    found.insert(1, "option_series", [chosen[name][0] for name in found["series"]])
    found.insert(2, lever, [chosen[name][1] for name in found["series"]])
    return found.rename(columns={"series": "option", "option_series": "series"})


def _combinations(frame: pd.DataFrame, keys: list[str]) -> list[tuple[Any, ...]]:
    return (
        list(zip(*(frame[key].tolist() for key in keys), strict=True))
        if keys
        else [()] * len(frame)
    )


def _shown(value: Any) -> str:
    """A grid value as the file would give it: 3, not 3.0."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _rows_at(
    names: list[str],
    cost: np.ndarray,
    crisis: np.ndarray,
    replications: np.ndarray,
    reps_per_set: int | None,
) -> list[dict[str, Any]]:
    """The rows of one point: `cost` and `crisis` are runs x options."""
    mean_cost = dict(zip(names, cost.mean(axis=0).tolist(), strict=True))
    mean_crises = dict(zip(names, crisis.mean(axis=0).tolist(), strict=True))
    status = frontier(mean_cost, mean_crises)
    on_frontier = sorted(
        (n for n in names if status[n] == FRONTIER), key=lambda n: (mean_cost[n], mean_crises[n])
    )
    means = np.array([mean_cost[n] for n in names]), np.array([mean_crises[n] for n in names])
    best = {price: int(best_option(*means, price)) for price in PRICES_GBP}
    best_by_set: dict[int, np.ndarray] = {}
    if reps_per_set is not None:  # each option's mean under each parameter set, sets x options
        sets = (replications // reps_per_set).tolist()
        cost_by_set, crises_by_set = (
            np.column_stack([units(column, sets) for column in values.T])
            for values in (cost, crisis)
        )
        best_by_set = {
            price: best_option(cost_by_set, crises_by_set, price) for price in PRICES_GBP
        }
    rows = []
    for i, name in enumerate(names):
        row: dict[str, Any] = {
            "series": name,
            "runs": int(cost.shape[0]),
            "interval": PARAMETERS if best_by_set else CHANCE,
            "crises_per_citizen_year_mean": mean_crises[name],
            "total_cost_per_citizen_year_mean": mean_cost[name],
            "status": status[name],
            "compared_with": "",
            "incremental_cost_per_citizen_year": math.nan,
            "incremental_crises_avoided_per_citizen_year": math.nan,
            "incremental_net_cost_per_crisis_avoided": math.nan,
        }
        step = on_frontier.index(name) if name in on_frontier else 0
        if step > 0:
            before = on_frontier[step - 1]
            row["compared_with"] = before
            row["incremental_cost_per_citizen_year"] = mean_cost[name] - mean_cost[before]
            avoided = mean_crises[before] - mean_crises[name]
            row["incremental_crises_avoided_per_citizen_year"] = avoided
            row["incremental_net_cost_per_crisis_avoided"] = _price(
                mean_cost, mean_crises, before, name
            )
        for price in PRICES_GBP:
            row[f"best_at_{price}_gbp"] = best[price] == i
            row[f"best_at_{price}_gbp_share"] = (
                float((best_by_set[price] == i).mean()) if best_by_set else math.nan
            )
        rows.append(row)
    return rows
