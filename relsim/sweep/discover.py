"""Scenario discovery: where in a sweep's parameter space does an outcome hold?

Each design point's mean over its replications is classed by a condition such as
`total_cost_per_citizen_year > 5000`; the Patient Rule Induction Method (PRIM, Friedman and
Fisher 1999, from the `prim` package) then peels the space down to boxes, ranges of the swept
keys, where the condition holds for most points. A box is judged by its **coverage** (the share
of all the points where the condition holds that fall in the box) and its **density** (the share
of the points in the box where it holds); peeling trades one for the other, and the box reported
is the one with the highest coverage (then density) among those with at least the required
density.

A swept key whose values are names (such as `care_model`) enters PRIM as one yes/no column per
name, so a box can say "care_model is liberated".
"""

from __future__ import annotations

import functools
import operator
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from relsim.config import ScenarioError
from relsim.config.errors import printable, shown
from relsim.files import write_csv, write_figure
from relsim.metrics import METRIC_NAMES, not_a_metric
from relsim.signals import finished_writing
from relsim.sweep.design import numeric
from relsim.sweep.summary import summarise

OPERATORS = {">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le}
CONDITION = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_]*)\s*(>=|<=|>|<)\s*(\S+)\s*")


@dataclass
class Condition:
    metric: str
    op: str
    value: float

    def __str__(self) -> str:
        return f"{self.metric} {self.op} {self.value:g}"

    def holds(self, values: pd.Series) -> pd.Series:
        return OPERATORS[self.op](values, self.value)


def parse_condition(text: str, metric: str | None) -> Condition:
    """`METRIC > X` (or >=, <, <=); the metric must be --metric when that is given."""
    match = CONDITION.fullmatch(text)
    if not match:
        raise ScenarioError(f"--where {shown(text)}: expected METRIC > NUMBER (or >=, <, <=)")
    name, op, number = match.groups()
    if name not in METRIC_NAMES:
        raise ScenarioError(f"--where {shown(text)}: {not_a_metric(name)}")
    if metric is not None and name != metric:
        raise ScenarioError(f"--where {shown(text)}: the condition is on {name}, not {metric}")
    return Condition(name, op, numeric(name, number, "--where"))


@dataclass
class Box:
    """A box of parameter space: the restricted keys' ranges, its coverage, density and mass
    (share of all points inside it), and counts."""

    limits: dict[str, dict[str, Any]]
    coverage: float
    density: float
    mass: float
    points_in_box: int
    points_of_interest_in_box: int
    trajectory: pd.DataFrame = field(repr=False)
    chosen: int = 0
    #: whether it reached --min-density; when no box on the peeling trajectory did, the
    #: densest is reported, and said to be below it
    dense_enough: bool = True


@dataclass
class Discovery:
    condition: Condition
    points: int
    of_interest: int
    boxes: list[Box]
    inputs: pd.DataFrame = field(repr=False)
    interest: np.ndarray = field(repr=False)
    means: pd.Series = field(repr=False)
    #: design points left out because the metric has no value there
    without_value: int = 0
    min_density: float = 0.8


#: fewer design points than this give PRIM nothing to peel
MIN_POINTS = 4


def _require_prim() -> Any:
    try:
        import prim
    except ImportError:
        raise ScenarioError(
            "scenario discovery needs the prim package: pip install 'relsim[discovery]'"
        ) from None
    return prim


def with_values_run(runs: pd.DataFrame, manifest: dict[str, Any], name: str) -> pd.DataFrame:
    """The runs with each swept key a point left out filled in with the value it ran with (the
    scenario's, or its knob's): PRIM needs every key's value at every point, and a missing
    number stops it. `name` says which sweep, in errors."""
    from relsim.sweep.run import plan_from_manifest

    keys = [k for k in manifest["design"]["keys"] if k in runs.columns]
    left_out = runs[keys].isna()
    if not left_out.to_numpy().any():
        return runs
    plan = plan_from_manifest(manifest, name)
    runs = runs.copy()
    for point in sorted(runs.loc[left_out.any(axis=1), "point"].unique()):
        scenario = plan.scenario(int(point))
        for key in keys:
            rows = (runs["point"] == point) & left_out[key]
            value = functools.reduce(getattr, key.split("."), scenario)
            # a list key is named by its values (`_inputs`): one left out is none of them
            if rows.any() and not isinstance(value, (list, tuple)):
                runs.loc[rows, key] = getattr(value, "value", value)  # an enum: its name
    return runs


def _inputs(summary: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """The swept keys as numbers: names become one 0/1 column per name (`key=name`)."""
    columns: dict[str, pd.Series] = {}
    for key in keys:
        values = summary[key]
        if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
            columns[key] = values.astype(float)
        else:
            for name in sorted(values.dropna().astype(str).unique()):
                columns[f"{key}={name}"] = (values.astype(str) == name).astype(float)
    return pd.DataFrame(columns)


def _limits(raw: pd.DataFrame, inputs: pd.DataFrame) -> dict[str, dict[str, Any]]:
    """Each restricted key's range, or for a name column which names the box keeps."""
    limits: dict[str, dict[str, Any]] = {}
    for column, row in raw.iterrows():
        low, high = float(row["min"]), float(row["max"])
        if "=" in str(column) and set(inputs[column].unique()) <= {0.0, 1.0}:
            key, name = str(column).split("=", 1)
            limits.setdefault(key, {"is": [], "is not": []})
            limits[key]["is" if low > 0 else "is not"].append(name)
        else:
            limits[str(column)] = {"min": low, "max": high}
    return limits


def _choose(trajectory: pd.DataFrame, min_density: float) -> int:
    """The box with the highest coverage among those dense enough, else the densest."""
    dense = trajectory[trajectory["density"] >= min_density]
    candidates = dense if len(dense) else trajectory
    order = ["coverage", "density"] if len(dense) else ["density", "coverage"]
    return int(candidates.sort_values(order, ascending=False, kind="stable").index[0])


def discover(
    runs: pd.DataFrame,
    keys: list[str],
    condition: Condition,
    min_density: float = 0.8,
    max_boxes: int = 1,
) -> Discovery:
    """Find up to `max_boxes` boxes where `condition` holds for the points' means."""
    prim = _require_prim()
    if condition.metric not in runs.columns:
        raise ScenarioError(
            f"--where {condition}: the sweep's runs table has no {condition.metric} column"
        )
    summary = summarise(runs, keys, [condition.metric])
    valued = summary[f"{condition.metric}_mean"].notna()
    if not valued.any():
        raise ScenarioError(
            f"--where {condition}: {condition.metric} has no value at any of the sweep's "
            f"{len(summary):,} design points (a district without services has no wait or "
            "caseload, for one); nothing to discover"
        )
    summary = summary[valued].reset_index(drop=True)
    means = summary[f"{condition.metric}_mean"]
    interest = condition.holds(means).to_numpy()
    inputs = _inputs(summary, keys)
    result = Discovery(condition, len(summary), int(interest.sum()), [], inputs, interest, means)
    result.without_value = int((~valued).sum())
    result.min_density = min_density
    varying = [c for c in inputs.columns if inputs[c].nunique() > 1]
    if not varying or result.of_interest in (0, result.points) or result.points < MIN_POINTS:
        return result
    inputs = inputs[varying]
    finder = prim.Prim(inputs, interest, threshold=min_density, threshold_type=">")
    # PRIM finds each further box among the points earlier boxes did not take, and so its
    # counts are of those points only
    taken = np.zeros(len(inputs), dtype=bool)
    for _ in range(max_boxes):
        box = finder.find_box()
        if box is None:
            break
        trajectory = box.peeling_trajectory.reset_index(drop=True)
        chosen = _choose(trajectory, min_density)
        box.select(chosen)
        raw = box.limits
        if raw.empty:
            break
        inside = ~taken
        for column, row in raw.iterrows():
            inside &= (inputs[column] >= row["min"]) & (inputs[column] <= row["max"])
        taken |= inside
        result.boxes.append(
            Box(
                limits=_limits(raw, inputs),
                coverage=float(box.coverage),
                density=float(box.density),
                mass=float(box.mass),
                points_in_box=int(inside.sum()),
                points_of_interest_in_box=int((inside & interest).sum()),
                trajectory=trajectory,
                chosen=chosen,
                dense_enough=bool(float(box.density) >= min_density),
            )
        )
    return result


def describe_limit(key: str, limit: dict[str, Any]) -> str:
    if "min" in limit:
        return f"{key} in [{limit['min']:.4g}, {limit['max']:.4g}]"
    parts = []
    if limit["is"]:
        parts.append(f"{key} is {' or '.join(limit['is'])}")
    if limit["is not"]:
        parts.append(f"{key} is not {' or '.join(limit['is not'])}")
    return "; ".join(parts)


def report_lines(found: Discovery) -> list[str]:
    lines = [f"{found.of_interest} of {found.points} design points have {found.condition}"]
    if found.without_value:
        lines[0] += (
            f" ({found.without_value:,} more "
            f"{'has' if found.without_value == 1 else 'have'} no value of "
            f"{found.condition.metric}, left out)"
        )
    if not found.boxes and found.points < MIN_POINTS:
        lines.append(
            f"no box found: PRIM needs at least {MIN_POINTS} design points with results, and "
            f"this sweep has {found.points}"
        )
    elif not found.boxes:
        lines.append(
            "no box found: PRIM needs points both where the condition holds and where it does "
            "not, and a key that varies"
        )
    for number, box in enumerate(found.boxes, start=1):
        lines.append(
            f"box {number}: coverage {box.coverage:.2f}, density {box.density:.2f}, mass "
            f"{box.mass:.2f} ({box.points_of_interest_in_box} of the {box.points_in_box} points "
            f"in it have {found.condition})"
        )
        if not box.dense_enough:
            lines[-1] += (
                f"; below --min-density {found.min_density:g}: no box reached it, so this is "
                "the densest found, not a box where the condition mostly holds"
            )
        lines += [f"  {describe_limit(k, v)}" for k, v in box.limits.items()]
    return lines


def table(found: Discovery) -> pd.DataFrame:
    rows = []
    for number, box in enumerate(found.boxes, start=1):
        for key, limit in box.limits.items():
            rows.append(
                {
                    "box": number,
                    "key": key,
                    "min": limit.get("min"),
                    "max": limit.get("max"),
                    "is": " or ".join(limit.get("is", [])),
                    "is_not": " or ".join(limit.get("is not", [])),
                    "coverage": box.coverage,
                    "density": box.density,
                    "mass": box.mass,
                    "points_in_box": box.points_in_box,
                    "points_of_interest_in_box": box.points_of_interest_in_box,
                    "dense_enough": box.dense_enough,
                    "condition": str(found.condition),
                }
            )
    columns = ["box", "key", "min", "max", "is", "is_not", "coverage", "density", "mass",
               "points_in_box", "points_of_interest_in_box", "dense_enough",
               "condition"]  # fmt: skip
    return pd.DataFrame(rows, columns=columns)


def as_json(found: Discovery) -> dict[str, Any]:
    return {
        "condition": str(found.condition),
        "points": found.points,
        "points_of_interest": found.of_interest,
        "points_without_value": found.without_value,
        "min_density": found.min_density,
        "boxes": [
            {
                "coverage": b.coverage,
                "density": b.density,
                "mass": b.mass,
                "points_in_box": b.points_in_box,
                "points_of_interest_in_box": b.points_of_interest_in_box,
                "dense_enough": b.dense_enough,
                "limits": b.limits,
            }
            for b in found.boxes
        ],
    }


def plot(found: Discovery, path: Path) -> None:
    """Left: the peeling trajectory (coverage against density) with the chosen box. Right: the
    points over the box's two main keys (or one key against the metric), coloured by whether
    the condition holds, with the box drawn."""
    from relsim.plotting import pyplot

    plt = pyplot()

    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4.2), dpi=110)
    colours = np.where(found.interest, "#C44E52", "#8C8C8C")
    if found.boxes:
        box = found.boxes[0]
        trajectory = box.trajectory
        left.plot(trajectory["coverage"], trajectory["density"], "-o", markersize=3)
        left.plot(box.coverage, box.density, "s", color="#C44E52", markersize=8, label="chosen")
        left.legend(fontsize=7)
        numeric = [k for k, v in box.limits.items() if "min" in v]
        if len(numeric) >= 2:
            x_key, y_key = numeric[:2]
            right.scatter(found.inputs[x_key], found.inputs[y_key], c=colours, s=14)
            lx, ly = box.limits[x_key], box.limits[y_key]
            right.add_patch(
                plt.Rectangle(
                    (lx["min"], ly["min"]),
                    lx["max"] - lx["min"],
                    ly["max"] - ly["min"],
                    fill=False,
                    edgecolor="#C44E52",
                    linewidth=1.5,
                )
            )
            right.set_xlabel(x_key)
            right.set_ylabel(y_key)
        elif numeric:
            key = numeric[0]
            right.scatter(found.inputs[key], found.means, c=colours, s=14)
            right.axvspan(
                box.limits[key]["min"], box.limits[key]["max"], alpha=0.15, color="#C44E52"
            )
            right.axhline(found.condition.value, color="k", linewidth=0.8, linestyle="--")
            right.set_xlabel(key)
            right.set_ylabel(found.condition.metric)
    left.set_xlabel("coverage")
    left.set_ylabel("density")
    left.set_title("PRIM peeling trajectory", fontsize=9)
    right.set_title(f"red: points with {found.condition}; outline: box 1", fontsize=8)
    fig.tight_layout()
    write_figure(path, fig)
    plt.close(fig)


def default_paths(directory: Path, metric: str) -> tuple[Path, Path]:
    return directory / f"discover_{metric}.csv", directory / f"discover_{metric}.png"


def write(found: Discovery, csv: Path | None, png: Path | None) -> None:
    """The table and the plot, each where given (None: not written)."""
    if csv is not None:
        write_csv(csv, table(found))
        # a stop while the plot is drawn leaves the table: said so, not "no results written"
        finished_writing(shown_path(csv))
    if png is not None:
        plot(found, png)


def shown_path(path: Path) -> str:
    return printable(str(path))
