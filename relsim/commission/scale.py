"""Scaling a scenario to one's own district, and noticing when population and flows are out of
proportion.

A district's flows are in proportion to its population when new arrivals replace those who
leave at the rate that keeps its size steady (`population.arrival_rate_per_citizen_week`). Left
out, `population.arrivals_per_week` follows the population; written out, it stays fixed
whatever the population, and a district scaled up without it silently changes character (a
district of 30,000 with the arrivals of one of 3,000 shrinks for five years).

`relsim scale` writes a scenario that extends the original, with the population changed and
everything that is absolute scaled with it: the posts (to the nearest whole post, at least one
if there were any) and an explicit arrivals_per_week. Specialist capacity is already per 1,000
citizens and the flexible budget per person, so they follow by themselves.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml

from relsim import bundled
from relsim.config import Scenario, ScenarioError
from relsim.config.errors import RunError, printable
from relsim.file_targets import FileKind
from relsim.report.formatting import sig

#: the district settles within this factor of its initial size before a warning is given
PROPORTION_TOLERANCE = 1.5


def steady_size(scenario: Scenario) -> float | None:
    """The size the district's flows settle it at: arrivals over the steady arrival rate."""
    population = scenario.population
    rate = population.arrival_rate_per_citizen_week
    if rate <= 0:
        return None
    return (population.arrivals_per_week or 0.0) / rate


def empty_district(scenario: Scenario) -> bool:
    """No citizens and nobody arriving: every per-citizen metric is empty."""
    return scenario.population.citizens == 0 and not scenario.population.arrivals_per_week


def proportion_warnings(scenario: Scenario) -> list[str]:
    """One line for each way the scenario's flows are out of proportion with its population."""
    population = scenario.population
    steady = steady_size(scenario)
    if steady is None:
        return []
    citizens = population.citizens
    arrivals = population.arrivals_per_week or 0.0
    if empty_district(scenario):
        return [
            f"{printable(scenario.name, 60)}: population.citizens is 0 and nobody arrives, so "
            "the district is empty: every per-citizen metric is empty and nothing is measured"
        ]
    ratio = steady / citizens if citizens else float("inf")
    if 1 / PROPORTION_TOLERANCE <= ratio <= PROPORTION_TOLERANCE:
        return []
    return [
        f"{printable(scenario.name, 60)}: population.arrivals_per_week is {arrivals:g} for "
        f"{citizens:,} citizens, so the district drifts towards about {steady:,.0f} citizens "
        f"(arrivals replace leavers at {population.arrival_rate_per_citizen_week:g} per "
        "citizen-week); leave arrivals_per_week out to keep it in proportion"
    ]


def scaled_values(scenario: Scenario, raw: dict[str, Any], citizens: int) -> dict[str, Any]:
    """The keys a scaled copy sets: population, posts, and arrivals when they were written."""
    original = scenario.population.citizens
    if original <= 0:
        raise ScenarioError(
            f"scale: {printable(scenario.name, 60)} has no citizens to scale from; set "
            "population.citizens in it first"
        )
    factor = citizens / original
    values: dict[str, Any] = {"population": {"citizens": citizens}}
    written = (raw.get("population") or {}).get("arrivals_per_week")
    if written is not None:
        values["population"]["arrivals_per_week"] = round(float(written) * factor, 6)
    workers = scenario.workforce.workers
    if workers and scenario.care_model != "none":  # a district with no services has no posts
        values["workforce"] = {"workers": max(1, round(workers * factor))}
    return values


def extends_reference(source: Path, out: Path | None) -> str:
    """How the scaled file names the original: a bundled scenario explicitly (`bundled:NAME`,
    so that a file of that name beside the scaled one cannot stand in for it), a file by its
    path relative to where the scaled file goes."""
    home = bundled.directory("scenarios")
    if home is not None and source.resolve().parent == home.resolve():
        return f"{bundled.PREFIX}{source.stem}"
    base = (out.parent if out is not None else Path.cwd()).resolve()
    return Path(os.path.relpath(source.resolve(), base)).as_posix()


#: the first line of every scaled scenario says it was made by this command
SCALED_BY = "by `relsim scale`."


def _is_scaled(path: Path) -> bool:
    with path.open("rb") as handle:
        first = handle.readline(1000).decode("utf-8", "replace")
    return first.startswith("# ") and first.rstrip().endswith(SCALED_BY)


SCALED = FileKind("a scenario", (".yaml", ".yml"), _is_scaled)


def scaled_document(
    scenario: Scenario, raw: dict[str, Any], citizens: int, extends: str, name: str | None
) -> str:
    values = scaled_values(scenario, raw, citizens)
    factor = citizens / scenario.population.citizens
    document: dict[str, Any] = {
        "extends": extends,
        "name": name or f"{scenario.name}-{citizens}",
        **values,
    }
    posts = values.get("workforce", {}).get("workers")
    lines = [
        f"# {printable(scenario.name, 80)} scaled from {scenario.population.citizens:,} to "
        f"{citizens:,} citizens (x{factor:.4g}) {SCALED_BY}",
        "# In proportion: arrivals (left out: they follow the population"
        + (", or scaled as written" if "arrivals_per_week" in values["population"] else "")
        + "),",
        "# specialist capacity (per 1,000 citizens), the flexible budget (per person)"
        + (
            f", and the workforce ({scenario.workforce.workers} -> {posts} "
            f"post{'' if posts == 1 else 's'})."
            if posts
            else "."
        ),
    ]
    if posts:
        per_1000 = sig(1000 * scenario.workforce.workers / scenario.population.citizens, 3)
        scaled_per_1000 = sig(1000 * posts / citizens, 3)
        kept = (
            f"keep the original's {per_1000} per 1,000 citizens"
            if scaled_per_1000 == per_1000
            # whole posts: a small district's rounding moves the ratio
            else f"are {scaled_per_1000} per 1,000 citizens (the original's {per_1000}, "
            "in whole posts)"
        )
        lines += [
            f"# The posts {kept}, whatever the",
            "# needs of your district: if they are more or less complex than the original's",
            "# (demand_complexity), the posts it needs differ; `relsim frontier` compares sizes.",
        ]
    body = yaml.safe_dump(document, sort_keys=False, default_flow_style=False, allow_unicode=True)
    text = "\n".join(lines) + "\n" + body
    if yaml.safe_load(text) != document:  # the comments hold nothing a YAML reader would read
        raise RunError("scale: the scaled scenario did not read back as written")
    return text
