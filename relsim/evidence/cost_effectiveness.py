"""What one care model's crises avoided cost over another's, priced as a commissioner would.

Comparing two services on crises and on cost separately leaves the question a commissioner
asks unanswered: is what the dearer one buys worth its price? The standard answers are read
from the same paired runs as the differences (same point, replication, citizens, luck and
parameter set):

- the **net cost per crisis avoided**: the extra total cost (staff, specialists, budget and
  crises, so crises avoided already pay back their own cost) over the crises avoided, as the
  ratio of their means (the price at which the expected net benefit below is zero; sets that
  avoid many crises weigh most in it, so it can sit low among the sets' own prices). Negative
  when the service saves more than it spends. Its interval is over the same source as the
  metrics': with chance only, Fieller's interval (the prices at which the t-interval of the net
  benefit below contains zero); over parameter sets, the central 95 % of the sets' own
  break-even prices (with few sets, close to their range). Neither the price nor its interval
  is given when the crises avoided may be none or fewer (some set avoids none, or their
  t-interval reaches zero): the price is then unbounded;
- the **net benefit** at a price P placed on a crisis avoided, beyond its own cost (the harm
  to the person, the value a commissioner puts on it): P times the crises avoided less the
  extra cost, per citizen-year, with its interval and, over parameter sets, the share of sets
  under which it is positive (the cost-effectiveness acceptability curve). At P = 0 that
  share is how often the series costs less in total; it pays for itself only where it also
  avoids crises.

Which series is priced against which: every pair, the earlier-listed series the reference,
except that a series with no services (`care_model: none`) is always the reference, so each
service is priced against having none, and one service against another. List the cheaper
option first (an ablation's reduced series before the full one) to price what the addition
buys.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from relsim.evidence.intervals import CHANCE, PARAMETERS, interval
from relsim.stats import t975

CRISES = "crisis_events_per_citizen_year"
COST = "total_cost_per_citizen_year"
#: prices on a crisis avoided (£, beyond its own cost) at which the net benefit is given
PRICES_GBP = (0, 1_000, 2_000, 5_000, 10_000)
NO_SERVICES = "none"

#: the columns of the table, with P for each of PRICES_GBP and KEY for each grid key
COLUMNS = {
    "series": "the series priced",
    "reference": "the series it is priced against (a district with no services always is one)",
    "point": "design point, from 0",
    "KEY": "the point's value of each grid key",
    "pairs": "paired runs (same point and replication) in both series",
    "interval": 'which kind: `chance`, or `parameters and chance` (see "Which interval")',
    "crises_avoided_per_citizen_year_mean": "the reference's crises less the series', per "
    "citizen-year (mean over pairs)",
    "extra_cost_per_citizen_year_mean": "the series' total cost less the reference's, GBP per "
    "citizen-year (crisis costs included, so crises avoided pay back their own cost)",
    "net_cost_per_crisis_avoided_mean": "extra cost over crises avoided (ratio of the means), "
    "GBP; negative when the series saves more than it spends; empty when the crises avoided "
    "may be none (the price is unbounded)",
    "net_cost_per_crisis_avoided_ci95_low": "lower end of its 95 % interval: chance only, "
    "Fieller's; over parameter sets, the 2.5th percentile of the sets' own prices; empty when "
    "unbounded (the crises avoided may be none)",
    "net_cost_per_crisis_avoided_ci95_high": "upper end of the same interval",
    "net_benefit_at_P_gbp_mean": "P times the crises avoided less the extra cost, GBP per "
    "citizen-year: what the series is worth with P placed on a crisis avoided beyond its cost",
    "net_benefit_at_P_gbp_ci95_low": "lower end of its 95 % interval (the metrics' kind)",
    "net_benefit_at_P_gbp_ci95_high": "upper end of the same interval",
    "net_benefit_at_P_gbp_share_positive": "share of parameter sets under which it is positive "
    "(the acceptability curve; at P = 0, how often the series costs less in total, which is "
    "paying for itself only where it also avoids crises); empty with chance only",
}


def pairs(care_models: Mapping[str, str]) -> list[tuple[str, str]]:
    """(series, reference) for every pair of series, in the order they are listed: the
    earlier is the reference, unless the later has no services."""
    names = list(care_models)
    out = []
    for i, first in enumerate(names):
        for second in names[i + 1 :]:
            later_has_none = care_models[second] == NO_SERVICES != care_models[first]
            out.append((first, second) if later_has_none else (second, first))
    return out


def units(values: np.ndarray, sets: Sequence[int] | None) -> np.ndarray:
    """What an interval is over: the runs (chance), or each parameter set's mean."""
    if sets is None:
        return values
    frame = pd.DataFrame({"value": values, "set": list(sets)})
    return frame.groupby("set", sort=True)["value"].mean().to_numpy()


def break_even(
    avoided: np.ndarray, extra: np.ndarray, sets: Sequence[int] | None
) -> dict[str, Any]:
    """Net cost per crisis avoided (ratio of means) with its interval (module docstring)."""
    mean_avoided = float(avoided.mean())
    if not mean_avoided > 0:
        return {"mean": None, "ci95": None}
    if sets is not None:
        a, c = units(avoided, sets), units(extra, sets)
        if a.size < 2 or not (a > 0).all():
            return {"mean": None, "ci95": None}  # some set avoids none: the price is unbounded
        ci = [float(np.percentile(c / a, q)) for q in (2.5, 97.5)]
    else:
        fieller = _fieller(avoided, extra)
        if fieller is None:
            return {"mean": None, "ci95": None}  # the crises avoided may be none
        ci = fieller
    return {"mean": float(extra.mean()) / mean_avoided, "ci95": ci}


def _fieller(avoided: np.ndarray, extra: np.ndarray) -> list[float] | None:
    """The prices P at which the 95 % t-interval of P * avoided - extra (over paired runs)
    contains zero; None when they are unbounded (the crises avoided may be none)."""
    n = avoided.size
    if n < 2:
        return None
    covariance = np.cov(np.vstack([avoided, extra]), ddof=1)
    q = t975(n - 1) ** 2 / n
    ma, mc = float(avoided.mean()), float(extra.mean())
    a = ma**2 - q * covariance[0, 0]
    b = -2.0 * (ma * mc - q * covariance[0, 1])
    c = mc**2 - q * covariance[1, 1]
    discriminant = b**2 - 4 * a * c
    if a <= 0 or discriminant < 0:
        return None
    root = math.sqrt(discriminant)
    return [(-b - root) / (2 * a), (-b + root) / (2 * a)]


def net_benefit(
    avoided: np.ndarray, extra: np.ndarray, price_gbp: float, sets: Sequence[int] | None
) -> dict[str, Any]:
    """P * avoided - extra, per citizen-year: its mean and interval, and over parameter sets
    the share of sets under which it is positive (None with chance only)."""
    values = price_gbp * avoided - extra
    summary = interval(values.tolist(), sets)
    share = None if sets is None else float((units(values, sets) > 0).mean())
    return {"mean": summary["mean"], "ci95": summary["ci95"], "share_positive": share}


def cost_effectiveness(
    runs: Mapping[str, pd.DataFrame],
    care_models: Mapping[str, str],
    keys: list[str],
    reps_per_set: int | None,
) -> pd.DataFrame:
    """One row per pair of series (`pairs`) and point: the crises avoided and the extra cost
    (means), the net cost per crisis avoided and the net benefit at each of PRICES_GBP, each
    with its interval (module docstring)."""
    index = ["point", "replication"]
    ok = {name: frame[frame["status"] == "ok"].set_index(index) for name, frame in runs.items()}
    rows = []
    for series, reference in pairs(care_models):
        common = ok[reference].index.intersection(ok[series].index).sort_values()
        mine, theirs = ok[series].loc[common], ok[reference].loc[common]
        avoided_all = (theirs[CRISES] - mine[CRISES]).to_numpy(dtype=float)
        extra_all = (mine[COST] - theirs[COST]).to_numpy(dtype=float)
        points = common.get_level_values("point").to_numpy()
        replications = common.get_level_values("replication").to_numpy()
        for point in np.unique(points):
            at = (points == point) & np.isfinite(avoided_all) & np.isfinite(extra_all)
            if not at.any():
                continue  # no pair of runs both finished at this point
            avoided, extra = avoided_all[at], extra_all[at]
            sets = None if reps_per_set is None else (replications[at] // reps_per_set).tolist()
            row: dict[str, Any] = {"series": series, "reference": reference, "point": int(point)}
            row |= {key: theirs.loc[(point, replications[at][0]), key] for key in keys}
            row["pairs"] = int(at.sum())
            row["interval"] = CHANCE if sets is None else PARAMETERS
            row["crises_avoided_per_citizen_year_mean"] = float(avoided.mean())
            row["extra_cost_per_citizen_year_mean"] = float(extra.mean())
            row |= interval_columns("net_cost_per_crisis_avoided", break_even(avoided, extra, sets))
            for price in PRICES_GBP:
                found = net_benefit(avoided, extra, price, sets)
                row |= interval_columns(f"net_benefit_at_{price}_gbp", found)
                share = found["share_positive"]
                row[f"net_benefit_at_{price}_gbp_share_positive"] = (
                    math.nan if share is None else share
                )
            rows.append(row)
    return pd.DataFrame(rows) if rows else pd.DataFrame(columns=documented_columns(COLUMNS, keys))


def documented_columns(columns: Mapping[str, str], keys: list[str]) -> list[str]:
    """A table's columns as written, from its documented ones: KEY as each grid key, and the
    columns named with a price P, in the order of the documented ones, once for each price.
    A table with no rows (one series: nothing to pair) has them too: its file was a header
    of the first few."""
    names = [
        c for name in columns if "_P_" not in name for c in (keys if name == "KEY" else [name])
    ]
    for price in PRICES_GBP:
        names += [name.replace("_P_", f"_{price}_") for name in columns if "_P_" in name]
    return names


def interval_columns(name: str, summary: Mapping[str, Any]) -> dict[str, float]:
    """A summary (mean, ci95) as a table's three columns, NaN where missing."""
    low, high = summary["ci95"] or (math.nan, math.nan)
    mean = summary["mean"]
    return {
        f"{name}_mean": math.nan if mean is None else mean,
        f"{name}_ci95_low": low,
        f"{name}_ci95_high": high,
    }
