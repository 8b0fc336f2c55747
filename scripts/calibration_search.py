"""Search the parameters the evidence leaves open for values that meet every calibration target
at once, and record every point tried.

    python scripts/calibration_search.py                         # calibration/search.yaml
    python scripts/calibration_search.py --around calibration/refine.yaml

Each point of a Latin hypercube over `parameters` runs every calibration configuration
(relsim.calibration.CONFIGS) with common random numbers and is scored by its distance outside
every target window (relsim.calibration.loss). All points, their target values and their loss
go to the CSV beside the spec, best first, so the choice of defaults can be inspected and redone.
"""

from __future__ import annotations

import argparse
import sys
from concurrent.futures import ProcessPoolExecutor
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from tqdm import tqdm

from relsim.calibration import TARGETS, Runs, default_scenario, gather, jobs, loss, run_config
from relsim.sweep.design import leaf_annotation, unit_sample


@cache
def _defaults() -> dict:
    return default_scenario().model_dump()


def _default(key: str) -> float:
    value = _defaults()
    for part in key.split("."):
        value = value[part]
    return float(value)


def point_settings(spec: dict, values: dict[str, float]) -> tuple[list[str], dict[str, list[str]]]:
    """The --set overrides of one point: for every configuration, and for some only."""
    common: list[str] = []
    only: dict[str, list[str]] = {}
    for name, parameter in spec["parameters"].items():
        value = values[name]
        if "scales" in parameter:
            settings = [f"{key}={_default(key) * value:.6g}" for key in parameter["scales"]]
        else:
            settings = [
                f"{name}={value:.6g}" if not float(value).is_integer() else f"{name}={value:g}"
            ]
        if "only" in parameter:
            for config in parameter["only"]:
                only.setdefault(config, []).extend(settings)
        else:
            common.extend(settings)
    return common, only


def design(spec: dict) -> pd.DataFrame:
    names = list(spec["parameters"])
    unit = unit_sample(spec.get("sampler", "lhs"), int(spec["points"]), len(names), spec["seed"])
    columns = {}
    for j, name in enumerate(names):
        low, high = spec["parameters"][name]["range"]
        values = low + unit[:, j] * (high - low)
        integer = "scales" not in spec["parameters"][name] and leaf_annotation(name) is int
        columns[name] = np.round(values) if integer else values
    return pd.DataFrame(columns)


def score(runs: Runs) -> dict[str, float]:
    row = {t.key: t.mean(runs) for t in TARGETS}
    row["targets_met"] = sum(t.met(runs) for t in TARGETS)
    row["loss"] = loss(runs)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("spec", nargs="?", default="calibration/search.yaml", type=Path)
    parser.add_argument("--points", type=int, help="override the spec's number of points")
    args = parser.parse_args()
    spec = yaml.safe_load(args.spec.read_text())
    if args.points:
        spec["points"] = args.points
    points = design(spec)
    reps, seed = int(spec["reps"]), int(spec["seed"])
    all_jobs = []
    for _, values in points.iterrows():
        common, only = point_settings(spec, values.to_dict())
        all_jobs.append(jobs(common, reps, seed, only))
    flat = [job for point_jobs in all_jobs for job in point_jobs]
    with ProcessPoolExecutor(2) as pool:
        results = list(tqdm(pool.map(run_config, flat), total=len(flat), desc="runs"))
    rows, at = [], 0
    for point_jobs, (_, values) in zip(all_jobs, points.iterrows(), strict=True):
        runs = gather(point_jobs, results[at : at + len(point_jobs)])
        at += len(point_jobs)
        rows.append({**values.to_dict(), **score(runs)})
    table = pd.DataFrame(rows).sort_values("loss").reset_index(drop=True)
    out = args.spec.with_name(args.spec.stem + "_results.csv")
    table.to_csv(out, index=False, float_format="%.6g")
    with pd.option_context("display.width", 200, "display.max_columns", 40):
        print(table.head(8).T)
    print(f"wrote {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
