"""Experimental designs over scenario keys: full grids, Latin hypercube and Sobol' samples over
ranges, or points read from a CSV or YAML file.

Every key and value is checked against the schema before any run starts, so a typo fails at once
rather than after an overnight sweep.
"""

from __future__ import annotations

import copy
import csv
import io
import itertools
import math
import warnings
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pydantic import BaseModel
from scipy.stats import qmc

from relsim.config import Scenario, ScenarioError, validate_data
from relsim.config.errors import printable, shown
from relsim.config.loading import parse_set
from relsim.config.safe_yaml import DESIGN_LIMITS, parse_value, parse_yaml, read_text
from relsim.config.unread import care_model_of
from relsim.sweep.names import MAX_DESIGN_POINTS, SAMPLERS


@dataclass(frozen=True)
class Range:
    key: str
    low: float
    high: float
    integer: bool


def leaf_annotation(key: str) -> Any:
    """The type annotation of a dotted scenario key, or raise ScenarioError naming the key."""
    if key.strip() == "seed":
        # Runs take their seed from --seed and the replication (common random numbers), so a
        # swept `seed` would change nothing and its column would overwrite the real seed's.
        raise ScenarioError(
            "seed: cannot be swept; every point uses the root seed (--seed) and replication r "
            "its own stream, so vary the seed with --seed or --reps"
        )
    model: type[BaseModel] = Scenario
    parts = key.split(".")
    for depth, part in enumerate(parts):
        field = model.model_fields.get(part)
        if field is None:
            where = ".".join(parts[:depth]) or "the top level"
            raise ScenarioError(f"{key}: unknown key (no {part!r} in {where})")
        annotation = field.annotation
        last = depth == len(parts) - 1
        is_section = isinstance(annotation, type) and issubclass(annotation, BaseModel)
        if last:
            if is_section:
                raise ScenarioError(f"{key}: is a section; sweep one of its keys")
            return annotation
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            raise ScenarioError(f"{key}: {'.'.join(parts[: depth + 1])} is not a section")
        model = annotation
    raise ScenarioError(f"{key}: empty key")


def _is_integer(key: str) -> bool:
    return leaf_annotation(key) is int


def numeric(key: str, text: str, option: str) -> float:
    """A finite number given as text in option `option` for `key`, or ScenarioError."""
    try:
        value = float(text)
    except ValueError:
        raise ScenarioError(f"{option} {key}: {shown(text)} is not a number") from None
    if not math.isfinite(value):
        raise ScenarioError(f"{option} {key}: {shown(text)} is not a finite number")
    return value


def check_design_size(points: int, what: str) -> None:
    """Refuse, before building it, a design with more points than MAX_DESIGN_POINTS."""
    if points > MAX_DESIGN_POINTS:
        # a range with a tiny step has a count hundreds of digits long
        count = f"{points:,}" if points < 10**15 else f"about {points:.1e}"
        raise ScenarioError(
            f"{what}: {count} points; a design may have at most {MAX_DESIGN_POINTS:,} "
            "(split it into several sweeps)"
        )


def check_distinct_keys(keys: Sequence[str], option: str) -> None:
    """Refuse a key given twice: the design would hold one column for both (and SALib would
    sample it as two factors, failing only after every run)."""
    seen: set[str] = set()
    for key in keys:
        if key in seen:
            raise ScenarioError(f"{option}: a key is given twice ({printable(key, 80)})")
        seen.add(key)


def parse_grid(spec: str) -> tuple[str, list[Any]]:
    """`key=a,b,c` or `key=start:stop:step` (stop included)."""
    key, sep, values = spec.partition("=")
    key = key.strip()
    if not sep or not key or not values.strip():
        raise ScenarioError(f"--grid {spec}: expected KEY=V1,V2,... or KEY=START:STOP:STEP")
    leaf_annotation(key)
    if ":" in values:
        parts = values.split(":")
        if len(parts) != 3:
            raise ScenarioError(f"--grid {spec}: a range is START:STOP:STEP")
        start, stop, step = (numeric(key, p, "--grid") for p in parts)
        if step <= 0 or stop < start:
            raise ScenarioError(f"--grid {spec}: need STEP > 0 and STOP >= START")
        if not math.isfinite((stop - start) / step):  # a step of 1e-320 overflows the count
            raise ScenarioError(
                f"--grid {key}: STEP {shown(parts[2])} is too small: a design may have at most "
                f"{MAX_DESIGN_POINTS:,} points"
            )
        check_design_size(math.floor((stop - start) / step + 1e-9) + 1, f"--grid {key}")
        if _is_integer(key) and not all(float(v).is_integer() for v in (start, stop, step)):
            raise ScenarioError(
                f"--grid {spec}: {key} is a whole number; use whole START:STOP:STEP"
            )
        count = int(np.floor((stop - start) / step + 1e-9)) + 1
        points = [start + i * step for i in range(count)]
        if _is_integer(key):
            return key, [round(p) for p in points]
        return key, [round(p, 12) for p in points]
    items = values.split(",")
    check_design_size(len(items), f"--grid {key}")
    if any(not item.strip() for item in items):
        # a stray comma would otherwise add a point at the scenario's own value
        raise ScenarioError(f"--grid {key}: an empty value in {shown(values)}")
    points = [parse_value(v.strip(), f"--grid {key}") for v in items]
    for item, point in zip(items, points, strict=True):
        if isinstance(point, float) and not math.isfinite(point):
            raise ScenarioError(f"--grid {key}: {shown(item.strip())} is not a finite number")
    _refuse_repeats(key, [(item.strip(), point) for item, point in zip(items, points, strict=True)],
                    "--reps repeats points")  # fmt: skip
    return key, points


def _refuse_repeats(key: str, points: Sequence[tuple[str, Any]], repeats: str) -> None:
    """A value given twice (as written, and as read) is refused: a grid's value is one point,
    and `repeats` says what repeats a point instead."""
    seen: set[str] = set()
    for written, point in points:
        # 1 and 1.0 are one point; a list or a string is compared as written out
        same = repr(float(point)) if _is_number(point) else repr(point)
        if same in seen:
            raise ScenarioError(
                f"--grid {key}: {written} is given twice (a value is one point of the grid; "
                f"{repeats})"
            )
        seen.add(same)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def parse_range(spec: str) -> Range:
    """`key=low:high`."""
    key, sep, bounds = spec.partition("=")
    key = key.strip()
    parts = bounds.split(":")
    if not sep or not key or len(parts) != 2:
        raise ScenarioError(f"--range {spec}: expected KEY=LOW:HIGH")
    leaf_annotation(key)
    low, high = (numeric(key, p, "--range") for p in parts)
    if not high > low:
        raise ScenarioError(f"--range {spec}: HIGH must be greater than LOW")
    integer = _is_integer(key)
    if integer and not (low.is_integer() and high.is_integer()):
        # its values are rounded to whole numbers, which could fall outside LOW:HIGH
        raise ScenarioError(
            f"--range {printable(spec, 80)}: {key} takes whole numbers; give a whole LOW and HIGH"
        )
    return Range(key, low, high, integer)


def values_grid_design(grid: Mapping[str, Sequence[Any]]) -> pd.DataFrame:
    """A full grid of values as a file types them (an experiment's `grid:`): each value taken
    as it is, never split at ',' or ':' as `--grid` text is (one quoted value
    "assess_do_refer,liberated" was two points, "0.2:0.8:0.2" four). Problems are said as
    `--grid KEY: ...`, as the command line's are."""
    axes = []
    for key, values in grid.items():
        leaf_annotation(key)
        check_design_size(len(values), f"--grid {key}")
        for value in values:
            written = "null" if value is None else printable(repr(value), 60)
            if value is None or (isinstance(value, str) and not value.strip()):
                raise ScenarioError(f"--grid {key}: an empty value ({written}) among its values")
            if isinstance(value, dict) or (
                isinstance(value, list) and any(isinstance(v, dict | list) for v in value)
            ):
                raise ScenarioError(f"--grid {key}: {written} is not a value a key can take")
            if isinstance(value, float) and not math.isfinite(value):
                raise ScenarioError(f"--grid {key}: {written} is not a finite number")
        _refuse_repeats(key, [(printable(repr(v), 60), v) for v in values], "reps repeat points")
        axes.append((key, list(values)))
    check_design_size(math.prod(len(values) for _, values in axes), "--grid")
    rows = list(itertools.product(*(values for _, values in axes)))
    return pd.DataFrame(rows, columns=[key for key, _ in axes])


def grid_design(specs: Sequence[str]) -> pd.DataFrame:
    axes = [parse_grid(spec) for spec in specs]
    keys = [key for key, _ in axes]
    check_distinct_keys(keys, "--grid")
    check_design_size(math.prod(len(values) for _, values in axes), "--grid")
    rows = list(itertools.product(*(values for _, values in axes)))
    return pd.DataFrame(rows, columns=keys)


def unit_sample(method: str, n: int, dimensions: int, seed: int) -> np.ndarray:
    """n points in the unit hypercube."""
    if method == "lhs":
        return qmc.LatinHypercube(d=dimensions, seed=seed).random(n)
    if method == "sobol":
        with warnings.catch_warnings():  # the command line says it once, plainly
            warnings.simplefilter("ignore", UserWarning)
            return qmc.Sobol(d=dimensions, scramble=True, seed=seed).random(n)
    raise ScenarioError(f"--sample {method}: expected one of {', '.join(SAMPLERS)}")


def scale(unit: np.ndarray, ranges: Sequence[Range]) -> pd.DataFrame:
    columns = {}
    for j, r in enumerate(ranges):
        values = r.low + unit[:, j] * (r.high - r.low)
        columns[r.key] = np.round(values).astype(int) if r.integer else values
    return pd.DataFrame(columns)


def sample_design(method: str, n: int, range_specs: Sequence[str], seed: int) -> pd.DataFrame:
    if not range_specs:
        raise ScenarioError("--sample needs at least one --range KEY=LOW:HIGH")
    if n < 1:
        raise ScenarioError("--n must be at least 1")
    check_design_size(n, f"--sample {method} --n")
    ranges = [parse_range(spec) for spec in range_specs]
    check_distinct_keys([r.key for r in ranges], "--range")
    return scale(unit_sample(method, n, len(ranges), seed), ranges)


def _csv_design(text: str, name: str) -> pd.DataFrame:
    """A CSV design, checked row by row: every row has one cell per column, columns differ."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        if not header:
            raise ScenarioError(f"--design {name}: no points")
        width = len(header)
        unnamed = [i + 1 for i, h in enumerate(header) if not h.strip()]
        if unnamed:
            raise ScenarioError(
                f"--design {name}: line 1: column {unnamed[0]} has no name (each column is a "
                "scenario key)"
            )
        twice = sorted({h for h in header if header.count(h) > 1})
        if twice:
            raise ScenarioError(f"--design {name}: line 1: column {shown(twice[0])} appears twice")
        rows = 0
        for row in reader:
            if not row:
                continue
            if len(row) != width:
                raise ScenarioError(
                    f"--design {name}: line {reader.line_num}: {len(row)} "
                    f"cell{'' if len(row) == 1 else 's'}, expected "
                    f"{width} (one per column of line 1)"
                )
            for key, cell in zip(header, row, strict=True):
                if not _finite_or_text(cell):
                    raise ScenarioError(
                        f"--design {name}: line {reader.line_num}: {printable(key, 80)}: "
                        f"{shown(cell)} is not a finite number"
                    )
            rows += 1
            check_design_size(rows, f"--design {name}")
    except csv.Error as exc:
        raise ScenarioError(
            f"--design {name}: line {reader.line_num}: not valid CSV ({exc})"
        ) from None
    if rows == 0:
        raise ScenarioError(f"--design {name}: no points")
    # Only an empty cell means "not set at this point": "NA" or "nan" are not quietly missing.
    return pd.read_csv(io.StringIO(text), keep_default_na=False, na_values=[""])


def _finite_or_text(value: Any) -> bool:
    """False for NaN and infinities, whether numbers or text that reads as one."""
    try:
        return math.isfinite(float(value))
    except (TypeError, ValueError, OverflowError):
        return True


def _yaml_design(text: str, name: str) -> pd.DataFrame:
    data = parse_yaml(text, f"--design {name}", DESIGN_LIMITS).data
    if isinstance(data, dict) and "points" in data:
        data = data["points"]
    if not isinstance(data, list) or not all(isinstance(p, dict) for p in data):
        raise ScenarioError(f"--design {name}: expected a list of KEY: VALUE mappings")
    check_design_size(len(data), f"--design {name}")
    for point, values in enumerate(data):
        for key, value in values.items():
            if isinstance(value, float) and not math.isfinite(value):
                raise ScenarioError(
                    f"--design {name}: point {point}: {printable(str(key), 80)}: "
                    f"{value} is not a finite number"
                )
    return pd.DataFrame(data)


def file_design(path: Path) -> pd.DataFrame:
    """Points from a CSV (one column per dotted key) or YAML (a list of mappings)."""
    name = printable(str(path))
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".yaml", ".yml"):
        raise ScenarioError(f"--design {name}: expected a .csv, .yaml or .yml file")
    text = read_text(path, DESIGN_LIMITS.bytes, "design file")
    design = _csv_design(text, name) if suffix == ".csv" else _yaml_design(text, name)
    if design.empty:
        raise ScenarioError(f"--design {name}: no points")
    for key in design.columns:
        try:
            leaf_annotation(str(key))
        except ScenarioError as exc:  # named with the file it is in, as the file's other faults
            raise ScenarioError(*(f"--design {name}: {p}" for p in exc.problems)) from None
    return design


def point_overrides(design: pd.DataFrame, point: int) -> dict[str, Any]:
    """The scenario values of one design point, as plain Python values."""
    # Column by column: a row (`design.iloc[point]`) would upcast an integer column to float
    # when another column is float, so caseload caps would be recorded as 20.0.
    values = {str(k): design[k].iloc[point] for k in design.columns}
    return {k: (v.item() if hasattr(v, "item") else v) for k, v in values.items()}


def set_dotted(data: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    """Raw scenario data with dotted-key values applied, as `--set` would, before the knobs are
    resolved (so sweeping a knob moves the parameters it stands for)."""
    result = copy.deepcopy(data)
    for key, value in overrides.items():
        if _left_out(value):
            continue
        node = result
        *sections, leaf = key.split(".")
        for part in sections:
            child = node.get(part)
            if not isinstance(child, dict):
                child = node[part] = {}
            node = child
        node[leaf] = value
    return result


def point_scenarios(base: dict[str, Any], design: pd.DataFrame) -> Iterator[Scenario]:
    """Each point resolved against the schema, one at a time; raises ScenarioError naming the
    point and key."""
    for point in range(len(design)):
        yield point_scenario(base, design, point)


def _left_out(value: Any) -> bool:
    """A design point's value that leaves the key as the scenario has it (an empty CSV cell, a
    missing or null YAML key)."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def point_scenario(base: dict[str, Any], design: pd.DataFrame, point: int) -> Scenario:
    overrides = point_overrides(design, point)
    # The base was validated when loaded, so an error here comes from the point's values; the
    # point is named by what it sets (a key it leaves out read 'nan', which nobody wrote)
    written = {k: v for k, v in overrides.items() if not _left_out(v)}
    return validate_data(set_dotted(base, overrides), f"design point {point} {shown(written)}")


def validate_design(base: dict[str, Any], design: pd.DataFrame) -> list[Scenario]:
    """Resolve every point against the schema; raises ScenarioError naming point and key."""
    return list(point_scenarios(base, design))


def check_not_also_set(keys: Iterable[str], sets: Sequence[str], design: str) -> None:
    """A key the design varies that --set also gives: the design's values win, so the --set
    would be silently ignored; say so instead."""
    given = {".".join(parse_set(assignment)[0]) for assignment in sets}
    both = [key for key in keys if key in given]
    if both:
        raise ScenarioError(
            f"--set {printable(both[0], 80)}: {design} varies this key, and its values would "
            "replace the --set; give it in one place"
        )


def care_models_at_points(base: dict[str, Any], design: pd.DataFrame) -> list[str]:
    """The care models the design's points run: the scenario's, and any the design sets."""
    own = care_model_of(base)
    if "care_model" not in design.columns:
        return [own]
    return sorted({own if pd.isna(value) else str(value) for value in design["care_model"]})
