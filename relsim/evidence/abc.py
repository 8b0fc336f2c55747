"""Calibration by rejection ABC (approximate Bayesian computation) over the uncertain parameters.

Prior: independent uniform (or log-uniform) distributions over the ranges of
calibration/uncertain.yaml, sampled by a Latin hypercube. Each point runs every fitting
configuration once with its own random streams. Its distance is the root of the summed squares
of each fitting target's distance outside its window, in window widths (0 inside every window).

Acceptance: every point inside all windows; if fewer than a share `quantile` of the points are,
the `quantile` nearest, weighted by the Epanechnikov kernel 1 - (d / eps)^2, where eps is the
distance of the nearest point not accepted (points inside every window weigh 1). The accepted
points and their weights are the ensemble.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from relsim.evidence.configs import FIT_CONFIGS
from relsim.evidence.plan import EvidencePlan
from relsim.evidence.targets import CONTEXT, FITTING, Target
from relsim.evidence.uncertain import UncertainSpec
from relsim.sweep.design import unit_sample

#: Headline differences recorded for every point (liberated minus assess-do-refer, bundled
#: district, the fitting runs' three measured years): the prior and posterior predictive.
HEADLINE = (
    "crisis_events_per_citizen_year",
    "total_cost_per_citizen_year",
    "cost_nhs_per_citizen_year",
    "cost_police_justice_per_citizen_year",
    "cost_council_housing_per_citizen_year",
)


def design(spec: UncertainSpec, points: int | None = None) -> list[dict[str, float]]:
    n = int(points or spec.abc["points"])
    unit = unit_sample("lhs", n, len(spec.parameters), int(spec.abc["seed"]))
    return spec.values(unit)


def plan(spec: UncertainSpec, points: int | None = None, extra: Sequence[str] = ()) -> EvidencePlan:
    return EvidencePlan(
        "calibration",
        FIT_CONFIGS,
        design(spec, points),
        int(spec.abc.get("reps", 1)),
        int(spec.abc["seed"]),
        streams="distinct",
        extra=extra,
        spec={"uncertain_version": spec.version, "uncertain_hash": spec.text_hash,
              "abc": spec.abc},
    )  # fmt: skip


def target_values(rows: pd.DataFrame, targets: Sequence[Target]) -> pd.DataFrame:
    """Per design point, each target's value (mean over replications of its configuration)."""
    ok = rows[rows["status"] == "ok"]
    out = {}
    for t in targets:
        part = ok[ok["config"] == t.config]
        out[t.key] = part.groupby("design_point")[t.column].mean()
    return pd.DataFrame(out)


def headline(rows: pd.DataFrame) -> pd.DataFrame:
    ok = rows[rows["status"] == "ok"]
    lib = ok[ok["config"] == "lib"].groupby("design_point")[list(HEADLINE)].mean()
    adr = ok[ok["config"] == "adr"].groupby("design_point")[list(HEADLINE)].mean()
    diff = lib - adr
    return diff.rename(columns={m: f"difference_{m}" for m in HEADLINE})


def score(rows: pd.DataFrame, spec: UncertainSpec) -> pd.DataFrame:
    """Every point tried: its parameter values, target values, distance, acceptance, weight."""
    params = (
        rows.groupby("design_point")[[f"param:{n}" for n in spec.names]]
        .first()
        .rename(columns=lambda c: c.removeprefix("param:"))
    )
    failed = rows.groupby("design_point")["status"].apply(lambda s: bool((s != "ok").any()))
    fit = target_values(rows, FITTING)
    context = target_values(rows, CONTEXT)
    table = params.join(fit).join(context).join(headline(rows))
    table["failed"] = failed
    distances = np.array(
        [
            math.sqrt(sum(t.distance(float(row[t.key])) ** 2 for t in FITTING))
            for _, row in table.iterrows()
        ]
    )
    table["distance"] = np.where(table["failed"], np.inf, distances)
    table["targets_met"] = [
        sum(t.met(float(row[t.key])) for t in FITTING) for _, row in table.iterrows()
    ]
    accepted, weights, eps = accept(table["distance"].to_numpy(), float(spec.abc["quantile"]))
    table["accepted"] = accepted
    table["weight"] = weights
    table.attrs["epsilon"] = eps
    table.index.name = "design_point"
    return table.reset_index()


def accept(distance: np.ndarray, quantile: float) -> tuple[np.ndarray, np.ndarray, float]:
    """The acceptance rule of the module docstring: (accepted, weights, eps)."""
    n = distance.size
    inside = distance == 0
    wanted = max(1, math.ceil(quantile * n))
    if inside.sum() >= wanted:
        return inside, inside.astype(float), 0.0
    order = np.argsort(distance, kind="stable")
    accepted = np.zeros(n, dtype=bool)
    accepted[order[:wanted]] = True
    eps = float(distance[order[wanted]]) if wanted < n else float(distance[order[-1]]) * 1.01
    weights = np.zeros(n)
    if eps > 0 and math.isfinite(eps):
        weights[accepted] = 1.0 - (distance[accepted] / eps) ** 2
    else:
        weights[accepted] = 1.0
    weights[accepted] = np.maximum(weights[accepted], 0.0)
    return accepted, weights, eps


def effective_size(weights: np.ndarray) -> float:
    w = weights[weights > 0]
    return float(w.sum() ** 2 / (w**2).sum()) if w.size else 0.0


def ensemble_frame(table: pd.DataFrame, spec: UncertainSpec) -> pd.DataFrame:
    chosen = table[table["accepted"]].sort_values("distance", kind="stable")
    frame = chosen[["design_point", "weight", "distance", *spec.names]].reset_index(drop=True)
    frame.insert(0, "member", range(len(frame)))
    frame["weight"] = frame["weight"] / frame["weight"].sum()
    return frame


def summary(table: pd.DataFrame, spec: UncertainSpec) -> dict[str, Any]:
    accepted = table["accepted"].to_numpy()
    return {
        "points": len(table),
        "failed": int(table["failed"].sum()),
        "inside_every_window": int((table["distance"] == 0).sum()),
        "accepted": int(accepted.sum()),
        "epsilon": table.attrs.get("epsilon"),
        "effective_size": effective_size(table["weight"].to_numpy()),
        "quantile": spec.abc["quantile"],
    }


def write_points(table: pd.DataFrame, path: Path) -> None:
    table.to_csv(path, index=False, float_format="%.6g")
