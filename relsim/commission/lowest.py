"""Which of several series is lowest at a point, under how many parameter sets, and whether
clearly: the judgements behind the frontier's better buy.

Values come by replication, paired across series (the same seeds, and the same parameter sets
over the calibrated ensemble); "clearly" means every other series' paired difference has a 95 %
interval above zero.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from relsim.evidence.ensemble import sets_of
from relsim.evidence.intervals import interval

if TYPE_CHECKING:
    from relsim.evidence.ensemble import EnsembleDraw


def set_means(values: pd.Series, ensemble: EnsembleDraw | None) -> pd.Series:
    """Replications' values as each parameter set's mean (as they are, chance only)."""
    found = values.dropna()
    if ensemble is None:
        return found
    return found.groupby([ensemble.set_of(int(r)) for r in found.index]).mean()


def lowest_counts(by_set: pd.DataFrame) -> dict[str, int]:
    """Under how many sets each series has the lowest value (a tie counts for each series in
    it)."""
    lowest = by_set.eq(by_set.min(axis=1), axis=0)
    return {str(series): int(lowest[series].sum()) for series in by_set.columns}


def below_first_counts(by_set: pd.DataFrame) -> dict[str, int]:
    """Under how many sets each later series is below the first."""
    first = by_set.columns[0]
    return {
        str(series): int((by_set[series] < by_set[first]).sum()) for series in by_set.columns[1:]
    }


def counted(counts: dict[str, int], total: int) -> str:
    """'baseline 9, liberated 1 of 10'; empty when there is nothing to count (one series has
    no later one to be below the first)."""
    if not counts:
        return ""
    return ", ".join(f"{series} {count}" for series, count in counts.items()) + f" of {total}"


def at_point(table: pd.DataFrame, point: int) -> pd.Series:
    """A point's values by replication; none if every run there failed."""
    return table.loc[point] if point in table.index else pd.Series(dtype=float)


def clearly_best(
    values: dict[str, pd.Series], best: str, ensemble: EnsembleDraw | None, equal: bool
) -> bool | None:
    """Whether `best` is clearly lowest (every other series' paired difference from it above
    zero, at equal staff budgets); None when that cannot be judged: no other series, or a
    difference without an interval."""
    above = [
        clearly_above(values[other] - values[best], ensemble) for other in values if other != best
    ]
    if not above or None in above:
        return None
    return bool(all(above) and equal)


def clearly_above(differences: pd.Series, ensemble: EnsembleDraw | None) -> bool | None:
    """Paired differences by replication: is their 95 % interval above zero? None when they
    have no interval (fewer than two replications, or parameter sets)."""
    found = differences.dropna()
    summary = interval(found.tolist(), sets_of(ensemble, found.index))
    if summary["ci95"] is None or not np.isfinite(summary["ci95"]).all():
        return None
    return bool(summary["ci95"][0] > 0)
