"""Every bundled scenario loads, runs (shortened) and yields finite contract metrics (the district
with no services none of staff, which it has not), and says where each value it sets comes
from."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest
import yaml

from relsim.config import load_scenario
from relsim.metrics import CONTRACT_METRICS, METRIC_NAMES, compute_metrics
from relsim.runner import simulate

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"
BUNDLED = sorted(SCENARIOS.glob("*.yaml"))
SHORTEN = ("time.weeks=40", "time.warmup_weeks=10")
ROOT = SCENARIOS.parent
#: measures of a workforce, and of the people its citizens met: undefined (NaN) in a district
#: that employs no one
STAFF_MEASURES = {
    "mean_caseload",
    "staff_utilisation",
    "share_time_transactional",
    "mean_burnout",
    "staff_turnover_per_fte_year",
    "mean_wait_weeks",
    "distinct_workers_per_citizen",
}
#: top-level keys that name or describe a scenario rather than set a value of the district
UNVALUED = {"name", "description", "extends"}
#: what a provenance comment must say: that the value is an assumption, a policy input or
#: arbitrary, or where its source is given (a document in the repository)
PROVENANCE = re.compile(
    r"\bassumption\b|\bpolicy input\b|\barbitrary\b|\bdocs/[\w/.-]+\.md\b", re.I
)


def test_scenarios_are_bundled() -> None:
    names = {p.name for p in BUNDLED}
    assert {"baseline.yaml", "liberated.yaml"} <= names


def test_contract_metrics_are_declared() -> None:
    assert len(CONTRACT_METRICS) == 16
    assert len(set(CONTRACT_METRICS)) == 16
    assert set(CONTRACT_METRICS) <= set(METRIC_NAMES)


@pytest.mark.parametrize("path", BUNDLED, ids=[p.stem for p in BUNDLED])
def test_bundled_scenario_runs_with_finite_contract_metrics(path: Path) -> None:
    full = load_scenario(path)
    scenario = load_scenario(path, sets=SHORTEN)
    assert scenario.time.weeks == 40
    # the overrides shortened the run and changed nothing else
    assert scenario.model_copy(update={"time": full.time}) == full

    model = simulate(scenario, scenario.seed, 0, journeys=False)
    assert model.week == 50
    metrics = compute_metrics(model)
    assert set(metrics) == set(METRIC_NAMES)
    if scenario.care_model == "none":
        undefined = {name for name in CONTRACT_METRICS if not math.isfinite(metrics[name])}
        assert undefined == STAFF_MEASURES, f"{path.name}: not finite: {undefined}"
        assert metrics["crisis_events_per_citizen_year"] > 0
        assert metrics["staff_cost_per_citizen_year"] == 0
        assert metrics["specialist_cost_per_citizen_year"] == 0
        return
    not_finite = []
    for name in CONTRACT_METRICS:
        value = metrics[name]
        if name == "mean_wait_weeks" and math.isnan(value) and model.tally["waits"] == 0:
            continue
        if not math.isfinite(value):
            not_finite.append(f"{name}={value}")
    assert not not_finite, f"{path.name}: contract metrics not finite: {not_finite}"
    # and they are not trivially empty: people lived in the district and had crises
    assert metrics["crisis_events_per_citizen_year"] > 0
    assert metrics["staff_cost_per_citizen_year"] > 0
    assert 0 <= metrics["mean_need"] <= 1 and 0 <= metrics["mean_trust"] <= 1
    assert 0 <= metrics["share_time_transactional"] <= 1


def test_liberated_with_assess_do_refer_fallback_runs() -> None:
    """The documented fallback: when every caseworker is at the cap, people go through an
    assess-do-refer front door staffed from the caseworkers' spare hours."""
    scenario = load_scenario(
        SCENARIOS / "liberated.yaml",
        sets=[*SHORTEN, "liberated.fallback=assess_do_refer", "workforce.workers=10"],
    )
    model = simulate(scenario, scenario.seed, 0, journeys=False)
    assert model.tally["assessments"] > 0, "nobody overflowed to the fallback front door"
    assert model.tally["sessions_delivered"] > 0
    assert math.isfinite(compute_metrics(model)["crisis_events_per_citizen_year"])


def _set_values(node: yaml.Node, path: str = "") -> list[tuple[str, int]]:
    """(dotted key, line index) of every value a scenario file sets: the leaves of its mappings."""
    found = []
    assert isinstance(node, yaml.MappingNode)
    for key, value in node.value:
        dotted = f"{path}.{key.value}" if path else str(key.value)
        if isinstance(value, yaml.MappingNode):
            found += _set_values(value, dotted)
        elif dotted not in UNVALUED:
            found.append((dotted, key.start_mark.line))
    return found


def _provenance(lines: list[str], index: int) -> str:
    """The comment on a key's line and the run of comment lines directly above it."""
    comments = [lines[index].partition("#")[2]]
    above = index - 1
    while above >= 0 and lines[above].lstrip().startswith("#"):
        comments.append(lines[above].lstrip()[1:])
        above -= 1
    return " ".join(comments)


@pytest.mark.parametrize("path", BUNDLED, ids=[p.stem for p in BUNDLED])
def test_every_value_a_bundled_scenario_sets_says_where_it_comes_from(path: Path) -> None:
    """A reader meets each value's provenance where the value is set: a comment on its line, or
    just above it, says it is an assumption, a policy input (what a commissioner chooses) or
    arbitrary (the seed), or names the document in the repository that gives its source."""
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    unmarked, missing = [], []
    for key, index in _set_values(yaml.compose(text, Loader=yaml.SafeLoader)):
        comment = _provenance(lines, index)
        if not PROVENANCE.search(comment):
            unmarked.append(f"{key} (line {index + 1})")
        missing += [
            doc for doc in re.findall(r"docs/[\w/.-]+\.md", comment) if not (ROOT / doc).is_file()
        ]
    assert not unmarked, f"{path.name}: values with no provenance comment: {unmarked}"
    assert not missing, f"{path.name}: provenance names documents that do not exist: {missing}"


def test_a_section_given_whole_to_set_merges_as_extends_does() -> None:
    """`--set 'workforce={caseload_cap: 3}'` changes the cap and keeps the file's posts (and
    an earlier --set's): it used to put the schema's defaults back for the whole section."""
    liberated = load_scenario(ROOT / "scenarios" / "liberated.yaml")
    capped = load_scenario(
        ROOT / "scenarios" / "liberated.yaml",
        sets=["workforce.workers=7", "workforce={caseload_cap: 3}"],
    )
    assert capped.workforce.caseload_cap == 3
    assert capped.workforce.workers == 7
    same = load_scenario(ROOT / "scenarios" / "liberated.yaml", sets=["workforce={}"])
    assert same.workforce == liberated.workforce


def test_a_set_key_given_twice_takes_the_last_value() -> None:
    """As docs/scenarios.md says: a script can add an override to a shared list of --set."""
    path = Path(__file__).resolve().parent.parent / "scenarios" / "baseline.yaml"
    assert load_scenario(path, ["continuity=0.5", "continuity=0.7"]).continuity == 0.7
    assert load_scenario(path, ["continuity=0.7", "continuity=0.5"]).continuity == 0.5
