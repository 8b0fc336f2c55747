"""What drives the headline: Morris elementary effects of the paired differences (Liberated
Method minus assess-do-refer, bundled districts, the same seed) over every uncertain parameter,
and where in each parameter's range the conclusion reverses.

The design is SALib's Morris sample (through relsim.sweep.sensitivity, as `relsim sensitivity`
uses it) on the unit hypercube of calibration/uncertain.yaml, mapped to values as the calibration
maps them (log-uniform where the range is). Every point runs both care models on replication 0:
common random numbers across points and care models, so an elementary effect is the
parameter's, not luck's. A parameter's effect is read per unit of its range (mu_star: the mean
absolute change of the difference when the parameter crosses two thirds of its range).

Reversal: the conclusion at the defaults is the sign of each difference there; a point reverses
it when its difference has the other sign. The share of points that reverse it is tabulated
against each parameter's level (Morris points sit at four levels of every parameter), and from
the calibration's prior sample (a Latin hypercube, each point on its own streams) by quarter of
each range, before and after weighting by the calibrated ensemble.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from relsim.evidence.plan import EvidencePlan
from relsim.evidence.uncertain import UncertainSpec
from relsim.sweep.design import Range
from relsim.sweep.sensitivity import MORRIS_LEVELS, analyse, raw_sample

CONFIGS = ("adr", "lib")
SEED = 20261122
#: The paired differences analysed: crisis demand and cost, in total and by payer.
DIFFERENCES = (
    "crisis_events_per_citizen_year",
    "total_cost_per_citizen_year",
    "cost_nhs_per_citizen_year",
    "cost_police_justice_per_citizen_year",
    "cost_council_housing_per_citizen_year",
)
DEFAULTS_POINT = -1  # design point of the run at the defaults


def unit_ranges(spec: UncertainSpec) -> list[Range]:
    return [Range(name, 0.0, 1.0, False) for name in spec.names]


def design(spec: UncertainSpec, trajectories: int) -> np.ndarray:
    """Morris trajectories on the unit hypercube: (trajectories x (parameters + 1), parameters)."""
    return raw_sample("morris", unit_ranges(spec), trajectories, SEED)


def plan(spec: UncertainSpec, trajectories: int, extra: Sequence[str] = ()) -> EvidencePlan:
    """Point 0: the defaults; then the Morris design (its point k is store design point k+1)."""
    points: list[dict[str, float]] = [{}]
    points += spec.values(design(spec, trajectories))
    return EvidencePlan(
        "sensitivity", CONFIGS, points, 1, SEED, streams="common", extra=extra,
        spec={"method": "morris", "trajectories": trajectories, "levels": MORRIS_LEVELS,
              "uncertain_version": spec.version, "uncertain_hash": spec.text_hash},
    )  # fmt: skip


def differences(rows: pd.DataFrame) -> pd.DataFrame:
    """Per design point (the defaults at DEFAULTS_POINT, then the Morris points from 0), the
    paired differences lib - adr."""
    ok = rows[rows["status"] == "ok"]
    lib = ok[ok["config"] == "lib"].groupby("design_point")[list(DIFFERENCES)].mean()
    adr = ok[ok["config"] == "adr"].groupby("design_point")[list(DIFFERENCES)].mean()
    diff = lib - adr
    diff.index = diff.index - 1
    return diff


def indices(
    spec: UncertainSpec, trajectories: int, diff: pd.DataFrame, notes: list[str] | None = None
) -> pd.DataFrame:
    """Morris indices of every difference over every parameter (SALib, via relsim.sweep);
    what SALib warns of is added to `notes`."""
    runs = diff.drop(index=DEFAULTS_POINT, errors="ignore").copy()
    runs["point"] = runs.index
    runs["status"] = "ok"
    return analyse("morris", unit_ranges(spec), trajectories, SEED, runs, DIFFERENCES, notes)


def reversal_by_level(
    spec: UncertainSpec, trajectories: int, diff: pd.DataFrame, metric: str
) -> pd.DataFrame:
    """Share of Morris points whose `metric` difference has the other sign than at the
    defaults, at each level of each parameter (rows: parameters; columns: levels 0..1)."""
    unit = design(spec, trajectories)
    default = float(diff.loc[DEFAULTS_POINT, metric])
    values = diff.drop(index=DEFAULTS_POINT)[metric].reindex(range(len(unit))).to_numpy()
    reversed_ = np.sign(values) != np.sign(default)
    levels = np.round(unit * (MORRIS_LEVELS - 1)).astype(int)
    table = {}
    for j, name in enumerate(spec.names):
        at = [levels[:, j] == level for level in range(MORRIS_LEVELS)]
        table[name] = [float(reversed_[mask].mean()) if mask.any() else np.nan for mask in at]
    columns = [f"{level / (MORRIS_LEVELS - 1):.2f}" for level in range(MORRIS_LEVELS)]
    return pd.DataFrame.from_dict(table, orient="index", columns=columns)


def reversal_by_quarter(
    spec: UncertainSpec, points: pd.DataFrame, column: str, default_sign: float,
    weights: np.ndarray | None = None,
) -> pd.DataFrame:  # fmt: skip
    """From the calibration's points (parameter values and the headline difference `column`):
    the (weighted) share reversing the defaults' sign in each quarter of every parameter's
    range. Quarters are in the units the range is sampled in (log where `log`)."""
    values = points[column].to_numpy(dtype=float)
    keep = np.isfinite(values)
    w = np.ones(len(points)) if weights is None else np.asarray(weights, dtype=float)
    reversed_ = (np.sign(values) != np.sign(default_sign)) & keep
    table = {}
    for p in spec.parameters:
        unit = np.array([p.unit(v) for v in points[p.name].to_numpy(dtype=float)])
        quarter = np.clip((unit * 4).astype(int), 0, 3)
        row = []
        for q in range(4):
            mask = keep & (quarter == q)
            total = w[mask].sum()
            row.append(float(w[mask & reversed_].sum() / total) if total > 0 else np.nan)
        table[p.name] = row
    columns = ["1st quarter", "2nd quarter", "3rd quarter", "4th quarter"]
    return pd.DataFrame.from_dict(table, orient="index", columns=columns)
