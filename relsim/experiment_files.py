"""An experiment file: its schema, and loading it with every problem named as the file's.

What an experiment file may say (`Experiment`, `Figure`), checked before anything runs: the
grid's keys and values, the `set:` and `quick_set:` lists, the figures' metrics and axes, the
lever (a grid key with values to choose among), and a name that can be a directory; and where
the scenarios it names are found. Running an experiment is `relsim.experiments`.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    ValidationError,
    field_validator,
)

from relsim import bundled
from relsim.config import Scenario, ScenarioError
from relsim.config.errors import FileError, printable
from relsim.config.loading import parse_set
from relsim.config.safe_yaml import load_file
from relsim.config.unread import setting_keys
from relsim.config.validation import unknown_key
from relsim.metrics import METRIC_NAMES, not_a_metric
from relsim.result_files import OutputError
from relsim.sweep.design import check_not_also_set, leaf_annotation, values_grid_design
from relsim.target_checks import NAME_MAX, check_entry_name


class Figure(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    metric: str
    x: str
    title: str = ""


class Series(BaseModel):
    """A series that is a scenario file with changes of its own: an ablation (the same care
    model without one of its parts) is a series of the scenario it ablates."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    scenario: str
    name: str
    set: list[str] = Field(min_length=1)


#: an entry of `scenarios:`: a file's name, or a mapping with its own changes. Told apart by
#: its form, so a mapping with a mistake gets the mapping's problems only, not also "should be
#: a valid string" (the tags are left out of the messages).
SeriesEntry = Annotated[
    Annotated[str, Tag("file")] | Annotated[Series, Tag("series")],
    Discriminator(lambda v: "file" if isinstance(v, str) else "series"),
]
TAGS = ("file", "series")


class Experiment(BaseModel):
    """An experiment file, validated like a scenario: unknown keys are rejected."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    title: str
    question: str = ""
    #: a scenario file (the series is named by its `name`), or a file with changes of its own
    scenarios: list[SeriesEntry] = Field(min_length=1)
    set: list[str] = Field(default_factory=list)
    grid: dict[str, list[Any]] = Field(min_length=1)
    reps: int = Field(ge=1)
    seed: int = Field(ge=0, le=2**63 - 1)
    figures: list[Figure] = Field(min_length=1)
    quick_set: list[str] = Field(default_factory=list)
    #: Parameter sets drawn from the calibrated ensemble (0: chance only, `reps` runs a point).
    ensemble: int = Field(default=0, ge=0, le=10_000)
    reps_per_set: int = Field(default=1, ge=1)
    #: a grid key that is a choice a commissioner makes (a threshold, a cap): incremental.csv
    #: then takes each of its values, in each series, as an option
    lever: str | None = None

    @field_validator("reps", "seed", "ensemble", "reps_per_set", mode="before")
    @classmethod
    def _a_number_as_written(cls, value: Any) -> Any:
        """As in a scenario: `true` is not the number 1, and quotes make a number text (both
        were taken: `reps: true` ran one replication)."""
        if isinstance(value, bool):
            raise ValueError("expected a number, not true/false")
        if isinstance(value, str):
            raise ValueError(
                f"expected a number, got text ({printable(repr(value), 40)}); write it without "
                "quotes"
            )
        return value

    @field_validator("grid")
    @classmethod
    def _values_given(cls, grid: dict[str, list[Any]]) -> dict[str, list[Any]]:
        empty = [key for key, values in grid.items() if not values]
        if empty:
            raise ValueError(f"{', '.join(empty)}: a grid key needs one or more values")
        return grid

    @field_validator("ensemble")
    @classmethod
    def _two_or_more(cls, value: int) -> int:
        if value == 1:
            raise ValueError("needs 2 or more parameter sets (0: chance only)")
        return value


def load_experiment(path: Path) -> Experiment:
    name = printable(str(path))
    parsed = load_file(path, "experiment file")
    data = parsed.data
    _check_not_a_scenario(data, name)
    try:
        experiment = Experiment.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(*(_problem(e, name, parsed.lines) for e in exc.errors())) from None
    problems: list[str] = []
    for key in experiment.grid:
        try:
            leaf_annotation(key)
        except ScenarioError as exc:  # named as the grid's, before the figures that use it
            problems.extend(f"{name}: grid: {problem}" for problem in exc.problems)
    if not problems:
        try:
            values_grid_design(experiment.grid)
        except ScenarioError as exc:
            problems.extend(f"{name}: grid: {p.removeprefix('--grid ')}" for p in exc.problems)
    grid_fine = not problems  # a figure's x is checked against a grid that is itself right
    checked: dict[str, list[str]] = {}
    for listed in ("set", "quick_set"):
        found = _set_problems(getattr(experiment, listed), f"{name}: {listed}")
        try:
            if not found:  # each a KEY=VALUE: is one of them a key the grid varies?
                check_not_also_set(experiment.grid, getattr(experiment, listed), "the grid")
        except ScenarioError as exc:
            found = [f"{name}: {listed}: {p.removeprefix('--set ')}" for p in exc.problems]
        checked[listed] = found
    # the shared keys, once set: is well formed (a malformed one is said as set:'s)
    shared = set() if checked["set"] else set(setting_keys(experiment.set))
    for i, series in enumerate(experiment.scenarios):
        if isinstance(series, Series):
            where = f"{name}: scenarios.{i}.set"
            found = _set_problems(series.set, where)
            for key in [] if found else setting_keys(series.set):
                if key in experiment.grid or key in shared:
                    what = "a grid key" if key in experiment.grid else "set for every series"
                    found.append(f"{where}: {key} is {what}; a series may not change it")
            problems.extend(found)
    problems.extend(checked["set"] + checked["quick_set"])
    if grid_fine and experiment.lever is not None:
        lever = printable(experiment.lever, 80)
        if experiment.lever not in experiment.grid:
            problems.append(f"{name}: lever: {lever} is not a grid key")
        elif len(set(experiment.grid[experiment.lever])) < 2:
            problems.append(f"{name}: lever: {lever} needs two or more values to choose among")
    drawn: set[tuple[str, str]] = set()
    for figure in experiment.figures:
        if figure.metric not in METRIC_NAMES:
            problems.append(f"{name}: figures: {not_a_metric(figure.metric)}")
        if grid_fine and figure.x not in experiment.grid:
            problems.append(f"{name}: figures: x {printable(figure.x, 80)} is not a grid key")
        if (figure.metric, figure.x) in drawn:
            problems.append(
                f"{name}: figures: {figure.metric} by {printable(figure.x, 80)} is asked for "
                "twice, and the second would replace the first (one file each); keep one"
            )
        drawn.add((figure.metric, figure.x))
        png = f"{figure_stem(experiment, figure)}.png"
        if len(os.fsencode(png)) > NAME_MAX:
            problems.append(
                f"{name}: name: too long for its figures' files ({printable(png, 60)} is "
                f"{len(os.fsencode(png))} bytes; a file name has at most {NAME_MAX})"
            )
    if problems:
        raise ScenarioError(*problems)
    check_experiment_name(experiment, name)
    return experiment


def figure_stem(experiment: Experiment, figure: Figure) -> str:
    """A figure's file name without its suffix (.png for the figure, .csv for its data)."""
    return f"{experiment.name}_{figure.metric}_by_{figure.x.replace('.', '_')}"


def _problem(error: Any, name: str, lines: dict[tuple[str, ...], int]) -> str:
    """A schema error as a scenario's are said: the file and the line of the nearest key
    written (list items have none of their own), the key path, and what was expected."""
    loc = [str(part) for part in error["loc"] if part not in TAGS]
    line = next(
        (lines[tuple(loc[:n])] for n in range(len(loc), 0, -1) if tuple(loc[:n]) in lines), None
    )
    where = f"{name}: line {line}" if line is not None else name
    if error["type"] == "extra_forbidden":
        message = unknown_key(loc[-1], _known_keys(loc))
    elif error["type"] == "missing":
        message = "required, and not given"
    else:
        message = error["msg"].removeprefix("Value error, ")
    return f"{where}: {'.'.join(loc) or '(top level)'}: {message}"


def _known_keys(loc: Sequence[str]) -> list[str]:
    """The keys the part of an experiment file holding `loc` allows."""
    model: type[BaseModel] = Experiment
    inner: dict[str, type[BaseModel]] = {"scenarios": Series, "figures": Figure}
    if len(loc) > 1 and loc[0] in inner:
        model = inner[loc[0]]
    return list(model.model_fields)


def _set_problems(assignments: list[str], where: str) -> list[str]:
    """An experiment's `set:` (or `quick_set:`) list: each a KEY=VALUE, no key twice (in a file
    a repeated key is more likely a slip than an override; `quick_set` may override `set`)."""
    problems: list[str] = []
    seen: set[str] = set()
    for assignment in assignments:
        try:
            parts, _ = parse_set(assignment)
        except ScenarioError as exc:
            problems.extend(f"{where}: {p.removeprefix('--set ')}" for p in exc.problems)
            continue
        key = ".".join(parts)
        if key in seen:
            problems.append(f"{where}: {key} is set twice; keep one")
        seen.add(key)
    return problems


def named_sets(
    problems: Sequence[str],
    experiment: Experiment,
    quick: bool,
    path: Path,
    own: tuple[str, list[str]] | None = None,
) -> list[str]:
    """Problems with the file's `set:` values, which the scenario's validation names `--set
    KEY`, named as the experiment file's (`quick_set` wins where both set a key; `own` is a
    series' own `set:`, with the field that names it, e.g. `scenarios.2.set`)."""
    fields = dict.fromkeys(setting_keys(experiment.set), "set")
    if own is not None:
        field, assignments = own
        fields.update(dict.fromkeys(setting_keys(assignments), field))
    if quick:
        fields.update(dict.fromkeys(setting_keys(experiment.quick_set), "quick_set"))
    named = []
    for problem in problems:
        if problem.startswith("--set "):
            key = problem.removeprefix("--set ").partition(":")[0]
            field = fields.get(key, "set")
            problem = f"{printable(str(path))}: {field}: {problem.removeprefix('--set ')}"
        named.append(problem)
    return named


def _check_not_a_scenario(data: Any, name: str) -> None:
    """A scenario file given where an experiment file belongs is named as such in one line,
    not as a dozen missing and unknown keys; an empty file, or one that is not a mapping of
    keys, is said so (not as "a valid dictionary or instance of Experiment")."""
    required = ", ".join(k for k, f in Experiment.model_fields.items() if f.is_required())
    if data is None:
        raise FileError(f"{name}: is empty; an experiment file needs {required}")
    if not isinstance(data, dict):
        raise FileError(
            f"{name}: not an experiment file (expected keys such as {required}, one per line)"
        )
    own = set(Experiment.model_fields) - set(Scenario.model_fields)
    scenario_keys = {*Scenario.model_fields, "extends"} - set(Experiment.model_fields)
    if not own.intersection(data) and scenario_keys.intersection(data):
        raise FileError(
            f"{name}: not an experiment file (it looks like a scenario: run it with "
            "relsim run or relsim compare)"
        )


def check_experiment_name(experiment: Experiment, where: str) -> None:
    """The name becomes the default results directory and the start of every figure's file
    name, so it must be a plain name that stays inside the results directory."""
    try:
        check_entry_name(experiment.name, f"{where}: name")
    except OutputError as exc:
        raise ScenarioError(str(exc)) from None


def scenario_path(experiment_file: Path, scenario: str) -> Path:
    """A scenario an experiment names: `bundled:NAME` the bundled one; otherwise the file
    relative to the experiment file, else the bundled one (also when a directory of that name
    is in the way), as on the command line. A path that does not exist when neither is found."""
    name = bundled.explicit(scenario)
    candidate = experiment_file.parent / scenario
    if name is None and candidate.exists() and not candidate.is_dir():
        return candidate.resolve()
    found = bundled.find("scenarios", scenario if name is None else name)
    if found is not None:
        return found.resolve()
    return candidate  # said missing by whoever reads it, with the bundled scenarios' names


def grid_specs(grid: dict[str, list[Any]]) -> list[str]:
    return [f"{key}={','.join(str(v) for v in values)}" for key, values in grid.items()]
