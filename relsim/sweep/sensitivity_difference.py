"""`relsim sensitivity SCENARIO --against OTHER`: the sensitivity of the paired difference
between two scenarios, not of one scenario's own results.

A commissioner's question is whether the difference between two ways of working holds up, and
what moves it; one scenario's own results can be most sensitive to a parameter that moves both
sides alike. Both scenarios run the same design (the same points, with the same --set values
beside them) and replication r uses the same seed at every point of both (common random
numbers), each in its own resumable sweep in a subdirectory of --out named after it. A design
point's value is the mean over its replications of SCENARIO's metric less OTHER's, paired run
by run; SALib analyses those as it analyses one scenario's means. Beside the indices, every
point's differences (differences.csv) and, in words, how many points reverse the sign of the
difference's mean over the design.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from relsim.config import ScenarioError
from relsim.config.errors import printable
from relsim.config.loading import load_raw
from relsim.files import write_csv
from relsim.sweep.design import Range
from relsim.sweep.run import SweepPlan
from relsim.sweep.sensitivity import analyse, plot_indices, sensitivity_design

KIND = "relsim sensitivity"
TABLE = "sensitivity.csv"
FIGURE = "sensitivity.png"
POINTS = "differences.csv"
OWN = (TABLE, FIGURE, POINTS)
#: SALib's sample seed, the method and its size, as the plans' design spec records them
SPEC_KEYS = ("method", "n", "ranges", "sample_seed")


def plans(
    scenario: Path,
    against: Path,
    sets: Sequence[str],
    method: str,
    ranges: Sequence[str],
    parsed: Sequence[Range],
    n_base: int,
    reps: int,
    seed: int | None,
) -> tuple[int, list[tuple[str, SweepPlan]]]:
    """The root seed and one sweep plan per scenario over the same design; each named after
    its scenario's `name`, which must differ (they name the subdirectories)."""
    from relsim.io import portable_path

    bases = [load_raw(path, sets) for path in (scenario, against)]
    root = int(bases[0].get("seed", 1)) if seed is None else seed
    design = sensitivity_design(method, parsed, n_base, root)
    spec = {"method": method, "n": n_base, "ranges": list(ranges), "sample_seed": root}
    made = []
    for path, base in zip((scenario, against), bases, strict=True):
        plan = SweepPlan(portable_path(path), base, design, method, spec, reps, root)
        made.append((plan.scenario(0).name, plan))
    from relsim.commission.resources import check_same_population

    check_same_population([plan.scenario(0) for _, plan in made], "sensitivity --against")
    from relsim.commission.study import check_series_names
    from relsim.target_checks import same_name_key

    if same_name_key(made[0][0]) == same_name_key(made[1][0]):
        raise ScenarioError(
            f"--against: both scenarios are named {printable(made[0][0], 60)}; give one of "
            "them another name (its `name:`), which names its results"
        )
    check_series_names([name for name, _ in made], OWN, "sensitivity --against")
    return root, made


def paired_runs(first: pd.DataFrame, second: pd.DataFrame, metrics: Sequence[str]) -> pd.DataFrame:
    """first - second, run by run (the same point and replication): `ok` where both runs are,
    `failed` where either failed."""
    index = ["point", "replication"]
    a, b = first.set_index(index).sort_index(), second.set_index(index).sort_index()
    common = a.index.intersection(b.index)
    a, b = a.loc[common], b.loc[common]
    both = (a["status"] == "ok") & (b["status"] == "ok")
    out = pd.DataFrame(index=common)
    out["status"] = np.where(both, "ok", "failed")
    for metric in metrics:
        out[metric] = (a[metric] - b[metric]).where(both)
    return out.reset_index()


def difference_label(plans_: Sequence[tuple[str, SweepPlan]]) -> str:
    return f"{plans_[0][0]} - {plans_[1][0]}"


def write_results(
    directory: Path,
    plans_: Sequence[tuple[str, SweepPlan]],
    runs: dict[str, pd.DataFrame],
    parsed: Sequence[Range],
    metrics: Sequence[str],
    notes: list[str],
) -> tuple[pd.DataFrame, list[str]]:
    """The indices (sensitivity.csv, .png) and every point's differences (differences.csv),
    written into `directory`; the indices and the lines that say how often a point reverses
    the difference."""
    (first, plan), (second, _) = plans_
    spec = plan.design_spec
    pairs = paired_runs(runs[first], runs[second], metrics)
    table = analyse(spec["method"], parsed, spec["n"], spec["sample_seed"], pairs, metrics, notes)
    label = difference_label(plans_)
    table.insert(0, "difference", label)
    write_csv(directory / TABLE, table)
    plot_indices(spec["method"], table, directory / FIGURE)
    points = point_differences(plan.design, pairs, metrics)
    write_csv(directory / POINTS, points)
    return table, reversal_lines(label, points, metrics)


def point_differences(
    design: pd.DataFrame, pairs: pd.DataFrame, metrics: Sequence[str]
) -> pd.DataFrame:
    """Per design point: its values of the ranged keys, the paired runs both finished, and the
    mean difference of each metric over them."""
    ok = pairs[pairs["status"] == "ok"]
    means = ok.groupby("point")[list(metrics)].mean().reindex(range(len(design)))
    counts = ok.groupby("point").size().reindex(range(len(design)), fill_value=0)
    points = design.reset_index(drop=True).copy()
    points.insert(0, "point", range(len(design)))
    points["pairs"] = counts.to_numpy()
    for metric in metrics:
        points[f"{metric}_difference_mean"] = means[metric].to_numpy()
    return points


def reversal_lines(label: str, points: pd.DataFrame, metrics: Sequence[str]) -> list[str]:
    """For each metric: the difference's mean over the design's points, and the share of
    points at which it has the other sign."""
    lines = []
    for metric in metrics:
        values = points[f"{metric}_difference_mean"].to_numpy(dtype=float)
        values = values[np.isfinite(values)]
        if not values.size:
            continue
        mean = float(values.mean())
        if mean == 0:
            lines.append(f"{metric}: {label} is 0 on average over the design's points")
            continue
        reversed_share = float((np.sign(values) == -np.sign(mean)).mean())
        lines.append(
            f"{metric}: {label} is {mean:+.4g} on average over the design's {values.size} "
            f"points; {100 * reversed_share:.0f} % of them have the other sign"
        )
    return lines


def resumed_work(recorded: dict[str, Any]) -> dict[str, tuple[str, Any]]:
    """What --resume must find unchanged in the earlier manifest, with the option that sets it."""
    return {
        "series": ("the scenarios", recorded["series"]),
        "method": ("--method", recorded["method"]),
        "n": ("--n", recorded["n"]),
        "ranges": ("--range", recorded["ranges"]),
        "reps": ("--reps", recorded["reps"]),
        "seed": ("--seed", recorded["seed"]),
        "sets": ("--set", recorded["sets"]),
    }
