"""Every experiment definition runs end to end (in --quick mode) and writes its figures, the data
behind them and a manifest; bad definitions fail with one line."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from relsim.config import ScenarioError
from relsim.evidence.intervals import CHANCE, PARAMETERS
from relsim.experiment_files import load_experiment
from relsim.experiments import run_experiment
from tests.reproduced import reproduces

ROOT = Path(__file__).resolve().parent.parent
EXPERIMENTS = sorted((ROOT / "experiments").glob("*.yaml"))


def test_there_is_an_experiment_per_study() -> None:
    names = {p.stem for p in EXPERIMENTS}
    assert {
        "complexity_crossover",
        "continuity_erosion",
        "friction_sweep",
        "overload_tipping_point",
        "cost_trajectory",
        "hybrid_balance",
        "specialists_ablation",
    } <= names


@pytest.mark.parametrize("path", EXPERIMENTS, ids=lambda p: p.stem)
def test_experiment_runs_quick_and_writes_figures(path: Path, tmp_path: Path) -> None:
    experiment = load_experiment(path)
    manifest = run_experiment(path, tmp_path / "out", quick=True, workers=1)
    out = tmp_path / "out"
    assert manifest["reps"] == min(experiment.reps, 2)
    assert len(manifest["figures"]) == len(experiment.figures)
    grid_values = next(iter(experiment.grid.values()))
    for figure in manifest["figures"]:
        png = out / figure["png"]
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        data = pd.read_csv(out / figure["data"])
        assert set(data["series"]) == set(manifest["series"])
        assert sorted(set(data[figure["x"]])) == sorted(experiment.grid[figure["x"]])
        assert data[f"{figure['metric']}_mean"].notna().all()
    summary = pd.read_csv(out / "summary.csv")
    assert len(summary) == len(manifest["series"]) * len(grid_values)
    assert (summary["runs_ok"] == manifest["reps"]).all()


def test_an_experiment_files_problems_are_said_as_a_scenarios_are(tmp_path: Path) -> None:
    """With the line of the nearest key written, an unknown key with the near miss or the keys
    allowed, a series mapping's own problems only (not also "should be a valid string", nor
    the schema's internal names), an empty grid list in the file's terms, and a grid value the
    schema refuses named as the file's."""
    bad = tmp_path / "bad.yaml"
    head = "name: x\ntitle: x\n"
    tail = "reps: 1\nseed: 1\nfigures: [{metric: mean_burnout, x: continuity}]\n"
    cases = {
        "bogus: 1\nscenarios: [hybrid]\ngrid: {continuity: [0.5]}\n": [
            "bad.yaml: line 3: bogus: unknown key; expected one of name, title, question, "
        ],
        "scenarios:\n  - hybrid\n  - scenario: hybrid\n    nme: y\n    set: [seed=2]\n"
        "grid: {continuity: [0.5]}\n": [
            "bad.yaml: line 3: scenarios.1.name: required, and not given",
            "bad.yaml: line 3: scenarios.1.nme: unknown key; did you mean name?",
        ],
        "scenarios: [hybrid]\ngrid:\n  continuity: []\n": [
            "bad.yaml: line 4: grid: continuity: a grid key needs one or more values"
        ],
    }
    for body, expected in cases.items():
        bad.write_text(head + body + tail)
        with pytest.raises(ScenarioError) as raised:
            load_experiment(bad)
        problems = [p.removeprefix(f"{tmp_path}/") for p in raised.value.problems]
        assert len(problems) == len(expected), problems
        for problem, start in zip(problems, expected, strict=True):
            assert problem.startswith(start), problems
        assert not any("Series" in p or "str" in p.split(": ")[2] for p in problems), problems
    bad.write_text(head + "scenarios: [hybrid]\ngrid: {continuity: [5]}\n" + tail)
    with pytest.raises(ScenarioError, match=r"bad\.yaml: grid: design point 0 .*continuity"):
        run_experiment(bad, tmp_path / "out", quick=True, workers=1)
    assert not (tmp_path / "out").exists()


def test_bad_experiment_is_one_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "name: x\ntitle: x\nscenarios: [a.yaml]\ngrid: {continuity: [0, 1]}\nreps: 1\nseed: 1\n"
        "figures: [{metric: no_such_metric, x: continuity}]\n"
    )
    with pytest.raises(ScenarioError, match="no_such_metric is not a metric"):
        load_experiment(bad)
    bad.write_text("name: x\ntitle: x\nscenarios: []\ngrid: {}\nreps: 0\nseed: 1\nfigures: []\n")
    with pytest.raises(ScenarioError, match=r"bad\.yaml: "):
        load_experiment(bad)
    # a misspelt grid key is named as the grid's unknown key (it was reported only as the
    # figure's x not being a grid key)
    bad.write_text(
        SMALL_EXPERIMENT.replace("  liberated.contact_effect", "  liberated.contact_efect")
    )
    with pytest.raises(ScenarioError) as raised:
        load_experiment(bad)
    first = raised.value.problems[0]
    assert "bad.yaml: grid: liberated.contact_efect_per_hour: unknown key" in first
    assert len(raised.value.problems) == 1  # not also every figure whose x it is
    # a seed the streams cannot take is refused before anything runs, as --seed is
    bad.write_text(SMALL_EXPERIMENT.replace("seed: 7", "seed: 99999999999999999999999"))
    with pytest.raises(ScenarioError, match=r"bad\.yaml: line \d+: seed: .*less than or equal to"):
        load_experiment(bad)
    # a key set twice in the file, a grid value that is empty, and a set value the scenario
    # refuses are each named as the file's, not as --set or --grid
    bad.write_text(SMALL_EXPERIMENT.replace("time.weeks=26,", "time.weeks=26, time.weeks=30,"))
    with pytest.raises(ScenarioError, match=r"bad\.yaml: set: time\.weeks is set twice"):
        load_experiment(bad)
    bad.write_text(SMALL_EXPERIMENT.replace("[0.05, 0.15]", "[0.05, '']"))
    with pytest.raises(ScenarioError, match=r"bad\.yaml: grid: liberated\..*: an empty value"):
        load_experiment(bad)
    # a key the grid varies, given in set: too, would be silently replaced by the grid's values
    bad.write_text(
        SMALL_EXPERIMENT.replace("time.weeks=26,", "liberated.contact_effect_per_hour=0.1,")
    )
    with pytest.raises(ScenarioError, match=r"bad\.yaml: set: liberated\..*the grid varies"):
        load_experiment(bad)
    # a set: entry without '=' is the file's, not a --set option (it stopped the load with
    # no file named)
    bad.write_text(SMALL_EXPERIMENT.replace("time.weeks=26,", "time.weeks,"))
    with pytest.raises(ScenarioError) as raised:
        load_experiment(bad)
    assert raised.value.problems[0].endswith(
        "bad.yaml: set: time.weeks: expected KEY=VALUE with a dotted key"
    )
    # two figures of one metric by one key share a file: the second replaced the first
    bad.write_text(SMALL_EXPERIMENT + "  - metric: crisis_events_per_citizen_year\n"
                   "    x: liberated.contact_effect_per_hour\n    title: again\n")  # fmt: skip
    with pytest.raises(ScenarioError, match=r"asked for twice, and the second would replace"):
        load_experiment(bad)
    # a name the figures' file names cannot hold failed after every run had finished
    bad.write_text(SMALL_EXPERIMENT.replace("name: tiny", "name: " + "n" * 200))
    with pytest.raises(ScenarioError, match=r"name: too long for its figures' files"):
        load_experiment(bad)
    # an empty file, or a list, was "a valid dictionary or instance of Experiment"
    bad.write_text("")
    with pytest.raises(ScenarioError, match=r"bad\.yaml: is empty; an experiment file needs name"):
        load_experiment(bad)
    bad.write_text("- a\n")
    with pytest.raises(ScenarioError, match=r"bad\.yaml: not an experiment file \(expected keys"):
        load_experiment(bad)
    # an empty or '.' scenario is the experiment's directory: said of the entry and the file
    for entry in ('""', "."):
        bad.write_text(SMALL_EXPERIMENT.replace("[baseline, liberated]", f"[baseline, {entry}]"))
        with pytest.raises(ScenarioError, match=r"bad\.yaml: scenarios\.1: .* is not a scenario"):
            run_experiment(bad, tmp_path / "out", workers=1)
    # --quick checks the full run's settings as well as its own
    bad.write_text(SMALL_EXPERIMENT.replace("workforce.workers=2,", "workforce.workers=-3,")
                   + "quick_set: [workforce.workers=2]\n")  # fmt: skip
    with pytest.raises(ScenarioError, match=r"bad\.yaml: .*workforce\.workers"):
        run_experiment(bad, tmp_path / "out", quick=True, workers=1)
    assert not (tmp_path / "out").exists()
    # one scenario twice: the two series would share a name, and it is said so
    bad.write_text(SMALL_EXPERIMENT.replace("[baseline, liberated]", "[baseline, baseline]"))
    with pytest.raises(ScenarioError, match=r"two series are named baseline"):
        run_experiment(bad, tmp_path / "out", quick=True, workers=1)
    # a name in the shared set: is the cause, and is named as it
    bad.write_text(SMALL_EXPERIMENT.replace("set: [", "set: [name=same, "))
    with pytest.raises(ScenarioError, match=r"named same .*the file's set: gives every series"):
        run_experiment(bad, tmp_path / "out", quick=True, workers=1)
    bad.write_text(SMALL_EXPERIMENT + "quick_set: [workforce.workerz=1]\n")
    with pytest.raises(ScenarioError, match=r"bad\.yaml: quick_set: workforce\.workerz: unknown"):
        run_experiment(bad, tmp_path / "out", quick=True, workers=1)
    assert not (tmp_path / "out").exists()
    # and a full run checks the quick run's settings, which it does not use, before it runs
    with pytest.raises(ScenarioError, match=r"bad\.yaml: quick_set: workforce\.workerz: unknown"):
        run_experiment(bad, tmp_path / "out", quick=False, workers=1)
    assert not (tmp_path / "out").exists()
    # numbers as a scenario takes them: `true` ran one replication, and quotes were dropped
    for written, said in (
        ("reps: true", "reps: expected a number, not true/false"),
        ("seed: '7'", "seed: expected a number, got text ('7'); write it without quotes"),
    ):
        bad.write_text(
            SMALL_EXPERIMENT.replace(
                written.split(":")[0] + ": " + {"reps": "2", "seed": "7"}[written.split(":")[0]],
                written,
            )
        )
        with pytest.raises(ScenarioError) as raised:
            load_experiment(bad)
        assert [p.split(": ", 2)[2] for p in raised.value.problems] == [said], raised.value


@pytest.mark.parametrize("path", EXPERIMENTS, ids=lambda p: p.stem)
def test_published_results_come_from_the_current_definition(path: Path) -> None:
    """docs/results/NAME holds what `relsim experiment run` wrote for this very definition, and
    docs/results.md shows every figure it lists."""
    import json

    experiment = load_experiment(path)
    published = ROOT / "docs" / "results" / experiment.name
    manifest = json.loads((published / "manifest.json").read_text())
    assert manifest["experiment"] == json.loads(experiment.model_dump_json(exclude_none=True)), (
        f"{path.name} changed since its results were published: rerun it"
    )
    assert manifest["quick"] is False
    results_page = (ROOT / "docs" / "results.md").read_text()
    for figure in manifest["figures"]:
        assert (published / figure["png"]).is_file()
        assert (published / figure["data"]).is_file()
        assert f"results/{experiment.name}/{figure['png']}" in results_page


def test_every_published_study_has_the_command_that_writes_it() -> None:
    """Each directory of docs/results is written by a command docs/results.md gives: an
    experiment's own directory by the page's general command, any other by a command naming it
    (with `--out`, or a script's default named in its comment); one published with chance-only
    intervals from an experiment file that runs over the ensemble names `--ensemble 0`."""
    import json
    import re

    page = (ROOT / "docs" / "results.md").read_text()
    commands = [
        line
        for block in re.findall(r"```sh\n(.*?)```", page, flags=re.S)
        for line in block.splitlines()
        if line.strip()
    ]
    assert any("--out docs/results/NAME" in line for line in commands)
    experiments = {load_experiment(path).name: path for path in EXPERIMENTS}
    for directory in sorted(p for p in (ROOT / "docs" / "results").iterdir() if p.is_dir()):
        if directory.name in experiments:
            continue
        named = [
            line
            for line in commands
            if re.search(rf"(--out |# .*)docs/results/{directory.name}(\s|$)", line)
        ]
        assert named, f"docs/results.md gives no command that writes {directory.name}"
        manifest = directory / "manifest.json"
        if not manifest.exists():
            continue
        recorded = json.loads(manifest.read_text())
        if recorded.get("kind") == "shock_recovery":  # a script's study: --sets 0, not --ensemble
            assert ("--sets 0" in " ".join(named)) == (recorded["parameter_sets"] == 0), named
            continue
        if recorded["interval"]["kind"] == CHANCE and recorded["experiment"]["ensemble"]:
            assert any("--ensemble 0" in line for line in named), named


def test_the_chance_only_replications_the_results_page_gives_are_the_files() -> None:
    """docs/results.md says how many replications a point `--ensemble 0` runs: each experiment
    file's `reps`, which is not the same in every file."""
    import re

    page = " ".join((ROOT / "docs" / "results.md").read_text().split())
    said = re.search(r"`--ensemble 0` reruns a study (.*?)\. ", page)
    assert said, "the page does not say what --ensemble 0 runs"
    given = {int(n) for n in re.findall(r"\d+", said.group(1))}
    assert {load_experiment(path).reps for path in EXPERIMENTS} == given


def test_published_manifests_do_not_record_the_machine_they_were_made_on() -> None:
    """Scenario paths in the published sweep manifests are relative to the repository, so a
    reader's clone and the published results name the same files."""
    import json

    for manifest in sorted((ROOT / "docs" / "results").glob("*/*/manifest.json")):
        recorded = json.loads(manifest.read_text())["scenario_file"]
        assert recorded.startswith("scenarios/"), (manifest, recorded)


SMALL_EXPERIMENT = """\
name: tiny
title: Tiny
scenarios: [baseline, liberated]
set: [population.citizens=300, workforce.workers=2, workforce.caseload_cap=6, time.weeks=26,
      time.warmup_weeks=13]
grid:
  liberated.contact_effect_per_hour: [0.05, 0.15]
reps: 2
seed: 7
figures:
  - metric: crisis_events_per_citizen_year
    x: liberated.contact_effect_per_hour
"""


def _tiny(tmp_path: Path, extra: str = "") -> Path:
    path = tmp_path / "tiny.yaml"
    path.write_text(SMALL_EXPERIMENT + extra)
    return path


def test_a_figures_axes_give_their_units(tmp_path: Path, monkeypatch) -> None:
    """A figure's axes gave bare names (`total_cost_per_citizen_year`, `time.weeks`): each names
    its unit from the metric's and the grid key's own, as the tables do."""
    import relsim.experiment_figures

    drawn: list = []
    write = relsim.experiment_figures.write_figure

    def kept(path: Path, fig) -> None:
        drawn.append(fig)
        write(path, fig)

    monkeypatch.setattr(relsim.experiment_figures, "write_figure", kept)
    run_experiment(_tiny(tmp_path), tmp_path / "out", workers=1)
    [figure] = drawn
    level, gap = figure.axes
    # over lines a panel holds (on one, the difference's label ran off the figure)
    assert " ".join(level.get_ylabel().split("\n")) == (
        "crisis_events_per_citizen_year (events/citizen-year)"
    )
    assert " ".join(gap.get_ylabel().split("\n")) == (
        "difference in crisis_events_per_citizen_year (events/citizen-year)"
    )
    assert max(len(line) for line in gap.get_ylabel().split("\n")) <= 40
    assert level.get_xlabel() == "liberated.contact_effect_per_hour (need per hour)"


def test_paired_differences_are_run_by_run(tmp_path: Path) -> None:
    """differences.csv holds liberated minus baseline over the same points and replications:
    its means equal the differences of the series' means and are the means of the run-by-run
    differences."""
    run_experiment(_tiny(tmp_path), tmp_path / "out", workers=1)
    summary = pd.read_csv(tmp_path / "out" / "summary.csv").set_index(["series", "point"])
    differences = pd.read_csv(tmp_path / "out" / "differences.csv")
    assert set(differences["series"]) == {"liberated"}
    assert set(differences["minus"]) == {"baseline"}
    assert (differences["pairs"] == 2).all()
    metric = "crisis_events_per_citizen_year"
    for row in differences.itertuples():
        gap = (
            summary.loc[("liberated", row.point), f"{metric}_mean"]
            - summary.loc[("baseline", row.point), f"{metric}_mean"]
        )
        assert getattr(row, f"{metric}_mean") == pytest.approx(gap)
    liberated = pd.read_parquet(tmp_path / "out" / "liberated" / "runs.parquet")
    baseline = pd.read_parquet(tmp_path / "out" / "baseline" / "runs.parquet")
    pairs = liberated.merge(baseline, on=["point", "replication"], suffixes=("", "_b"))
    first = pairs[pairs["point"] == 0]
    assert differences.loc[0, f"{metric}_mean"] == pytest.approx(
        (first[metric] - first[f"{metric}_b"]).mean()
    )
    priced = pd.read_csv(tmp_path / "out" / "cost_effectiveness.csv")
    assert list(priced["series"]) == ["liberated"] * 2 and set(priced["reference"]) == {"baseline"}
    cost = "total_cost_per_citizen_year"
    extra = (first[cost] - first[f"{cost}_b"]).mean()
    avoided = (first[f"{metric}_b"] - first[metric]).mean()
    assert priced.loc[0, "extra_cost_per_citizen_year_mean"] == pytest.approx(extra)
    if avoided > 0:
        assert priced.loc[0, "net_cost_per_crisis_avoided_mean"] == pytest.approx(extra / avoided)
    assert priced.loc[0, "net_benefit_at_1000_gbp_mean"] == pytest.approx(1000 * avoided - extra)
    chosen = pd.read_csv(tmp_path / "out" / "incremental.csv").set_index(["series", "point"])
    assert set(chosen.index) == {(s, p) for s in ("baseline", "liberated") for p in (0, 1)}
    assert chosen.loc[("liberated", 0), "crises_per_citizen_year_mean"] == pytest.approx(
        first[metric].mean()
    )
    assert chosen.loc[("baseline", 0), "total_cost_per_citizen_year_mean"] == pytest.approx(
        first[f"{cost}_b"].mean()
    )


def test_experiment_over_the_ensemble_runs_the_same_parameter_sets_in_every_series(
    tmp_path: Path,
) -> None:
    """With `ensemble: N` each point runs N parameter sets, the same ones in every series; the
    grid's own key keeps the point's value; every output says its intervals carry parameter
    uncertainty."""
    from relsim.experiments import _plans

    path = _tiny(tmp_path, "ensemble: 3\n")
    experiment = load_experiment(path)
    runs_per_point, plans = _plans(path, experiment, quick=False)
    assert runs_per_point == 3
    (_, baseline), (_, liberated) = plans
    assert baseline.ensemble is not None and liberated.ensemble is not None
    assert baseline.ensemble.members == liberated.ensemble.members
    for point, value in enumerate(experiment.grid["liberated.contact_effect_per_hour"]):
        drawn = {baseline.run_scenario(point, r).relationship.growth_per_hour for r in range(3)}
        assert len(drawn) == 3  # a parameter the ensemble holds differs between sets
        for r in range(3):
            scenarios = [plan.run_scenario(point, r) for plan in (baseline, liberated)]
            assert {s.liberated.contact_effect_per_hour for s in scenarios} == {value}
            assert scenarios[0].relationship == scenarios[1].relationship

    manifest = run_experiment(path, tmp_path / "out", workers=1)
    assert manifest["interval"]["kind"] == PARAMETERS
    assert manifest["interval"]["parameter_sets"] == 3
    for name in (
        "summary.csv",
        "differences.csv",
        "cost_effectiveness.csv",
        "incremental.csv",
        manifest["figures"][0]["data"],
    ):
        assert set(pd.read_csv(tmp_path / "out" / name)["interval"]) == {PARAMETERS}, name
    runs = pd.read_parquet(tmp_path / "out" / "liberated" / "runs.parquet")
    assert sorted(set(runs["parameter_set"])) == [0, 1, 2]

    chance = run_experiment(path, tmp_path / "chance", workers=1, ensemble=0)
    assert chance["interval"]["kind"] == CHANCE
    assert chance["reps"] == experiment.reps


def test_one_parameter_set_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="2 or more parameter sets"):
        load_experiment(_tiny(tmp_path, "ensemble: 1\n"))


def test_an_experiment_reruns_from_its_own_records(tmp_path: Path, capsys) -> None:
    """The manifest records the experiment as run, its files' SHA-256 and each series' sweep;
    `relsim rerun` re-creates every file from those records, byte for byte, even after the
    experiment file has changed."""
    import json

    from tests.cli_helpers import relsim_main

    path = _tiny(tmp_path, "ensemble: 2\n")
    out = tmp_path / "out"
    manifest = run_experiment(path, out, workers=1)
    assert manifest["started"] <= manifest["finished"]
    assert set(manifest["sha256"]) == {
        "summary.csv",
        "differences.csv",
        "cost_effectiveness.csv",
        "incremental.csv",
        manifest["figures"][0]["png"],
        manifest["figures"][0]["data"],
    }
    path.write_text(SMALL_EXPERIMENT.replace("seed: 7", "seed: 8"))  # not what ran
    capsys.readouterr()
    again = tmp_path / "again"
    assert relsim_main("rerun", out, "--out", again, "--workers", "1") == 0
    err = capsys.readouterr().err
    assert "differs" not in err and "liberated/runs.parquet identical" in err
    for name in manifest["sha256"]:
        assert (again / name).read_bytes() == (out / name).read_bytes(), name
    assert json.loads((again / "manifest.json").read_text())["rerun_of"].endswith("manifest.json")
    recorded = json.loads((out / "manifest.json").read_text())
    recorded["sha256"]["summary.csv"] = "0" * 64
    (out / "manifest.json").write_text(json.dumps(recorded))
    assert relsim_main("rerun", out, "--out", tmp_path / "third", "--workers", "1") == 1
    assert "summary.csv differs" in capsys.readouterr().err


def test_resume_finishes_only_an_earlier_run_of_the_experiment(tmp_path: Path, capsys) -> None:
    """--resume with nothing there is refused (as for a sweep), and so is a directory holding
    anything else: the experiment's files never land among a user's."""
    from tests.cli_helpers import relsim_main

    path = _tiny(tmp_path)
    nothing = tmp_path / "nothing"
    capsys.readouterr()
    assert relsim_main("experiment", "run", path, "--out", nothing, "--resume") == 2
    assert "nothing to resume" in capsys.readouterr().err
    assert not nothing.exists()
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "summary.csv").write_text("my own\n")
    assert relsim_main("experiment", "run", path, "--out", mine, "--resume") == 2
    assert "not an earlier run of experiment tiny" in capsys.readouterr().err
    assert [p.name for p in mine.iterdir()] == ["summary.csv"]
    assert (mine / "summary.csv").read_text() == "my own\n"


def test_resume_of_an_experiment_whose_file_changed_names_the_files_terms(
    tmp_path: Path, capsys
) -> None:
    """A --resume refused because the file's reps or seed changed says so in the file's terms,
    not as --reps or --seed, which `experiment run` does not have."""
    from tests.cli_helpers import relsim_main

    path, out = _tiny(tmp_path), tmp_path / "out"
    assert relsim_main("experiment", "run", path, "--out", out, "--workers", "1") == 0
    for was, now, said in (("reps: 2", "reps: 3", "runs per point"),
                           ("seed: 7", "seed: 8", "its seed differs")):  # fmt: skip
        path.write_text(SMALL_EXPERIMENT.replace(was, now))
        capsys.readouterr()
        assert relsim_main("experiment", "run", path, "--out", out, "--resume") == 2
        err = capsys.readouterr().err
        assert said in err and "--reps" not in err and "--seed" not in err, err
        assert "the experiment there was run otherwise" in err


def test_resume_of_an_experiment_made_by_other_code_says_so(tmp_path: Path, capsys) -> None:
    """Made by other code, the experiment was said to be 'run otherwise' and to resume with
    the file, --quick and --ensemble it was run with, which could never help."""
    from tests.cli_helpers import relsim_main

    path, out = _tiny(tmp_path), tmp_path / "out"
    assert relsim_main("experiment", "run", path, "--out", out, "--workers", "1") == 0
    (out / "manifest.json").unlink()  # as a run stopped before its last step leaves it
    sweep = out / "baseline" / "manifest.json"
    stored = json.loads(sweep.read_text())
    sweep.write_text(json.dumps({**stored, "relsim_version": "0.0.1", "status": "running"}))
    capsys.readouterr()
    assert relsim_main("experiment", "run", path, "--out", out, "--resume") == 2
    err = capsys.readouterr().err
    assert "the experiment there was made with" in err and "0.0.1" in err, err
    assert "not come from the same code" in err and "--quick" not in err


def test_resume_without_quick_of_a_quick_run_names_quick(tmp_path: Path, capsys) -> None:
    """A --quick result resumed without --quick (or the other way round) is refused naming
    --quick, not as an --ensemble the user never gave."""
    from tests.cli_helpers import relsim_main

    path = _tiny(tmp_path, "ensemble: 2\n")
    out = tmp_path / "quick"
    assert relsim_main("experiment", "run", path, "--out", out, "--quick", "--workers", "1") == 0
    (out / "manifest.json").unlink()  # as a run stopped before its last step leaves it
    capsys.readouterr()
    assert relsim_main("experiment", "run", path, "--out", out, "--resume", "--workers", "1") == 2
    err = capsys.readouterr().err
    assert "was run with --quick; resume it the same way" in err, err
    assert "--ensemble" not in err


@pytest.mark.parametrize("name", ["../../evil", "a/b", "", ".hidden"])
def test_an_experiment_name_must_be_a_plain_name(name: str, tmp_path: Path, capsys) -> None:
    """The name starts every figure's file name and is the default results directory, so one
    that would write elsewhere is refused in one line before anything is written."""
    from tests.cli_helpers import relsim_main

    work = tmp_path / "a" / "b"
    work.mkdir(parents=True)
    path = _tiny(work)
    path.write_text(SMALL_EXPERIMENT.replace("name: tiny", f"name: {name!r}"))
    with pytest.raises(ScenarioError, match=r"name: .* is not a plain directory name"):
        load_experiment(path)
    capsys.readouterr()
    out = work / "out"
    assert relsim_main("experiment", "run", path, "--quick", "--out", out) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "is not a plain directory name" in err, err
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["a", "b", "tiny.yaml"]


def test_a_scenario_file_is_named_as_not_an_experiment(tmp_path: Path, capsys) -> None:
    """A scenario given to `experiment run` is one line saying what it is and what runs it."""
    from tests.cli_helpers import relsim_main

    capsys.readouterr()
    out = tmp_path / "out"
    scenario = ROOT / "scenarios" / "baseline.yaml"
    assert relsim_main("experiment", "run", scenario, "--quick", "--out", out) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert "not an experiment file (it looks like a scenario: run it with relsim run" in err
    assert not out.exists()
    assert relsim_main("experiment", "run", tmp_path, "--quick", "--out", out) == 2
    assert "expected an experiment file" in capsys.readouterr().err


def test_an_interrupted_experiment_leaves_only_its_resumable_sweeps(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The summary, differences, figures and manifest appear only when all are complete: an
    interruption while they are written leaves the series' sweeps, which --resume finishes."""
    import relsim.experiment_figures

    path = _tiny(tmp_path)
    out = tmp_path / "out"

    def interrupted(*args: object) -> None:
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr(relsim.experiment_figures, "experiment_figure", interrupted)
        with pytest.raises(KeyboardInterrupt):
            run_experiment(path, out, workers=1)
    assert sorted(p.name for p in out.iterdir()) == ["baseline", "liberated"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "tiny.yaml"]
    # rerun said only "out/manifest.json: no such file"
    from tests.cli_helpers import relsim_main

    capsys.readouterr()
    assert relsim_main("rerun", out, "--out", tmp_path / "again") == 2
    said = capsys.readouterr().err
    assert "no manifest.json of its own" in said and "`relsim experiment run`" in said
    assert "--resume" in said
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "tiny.yaml"]
    manifest = run_experiment(path, out, workers=1, resume=True)
    for name in [*manifest["sha256"], "manifest.json"]:
        assert (out / name).is_file(), name
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "tiny.yaml"]


@pytest.fixture(scope="module")
def tiny_result(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A finished tiny experiment, copied by the tests that alter it."""
    where = tmp_path_factory.mktemp("tiny")
    run_experiment(_tiny(where), where / "out", workers=1)
    return where / "out"


def test_an_experiment_with_an_unfinished_series_is_not_rerun(
    tiny_result: Path, tmp_path: Path, capsys
) -> None:
    """A rerun makes every run of every series, so it could never match a series whose sweep
    was interrupted: refused in one line naming it, before anything runs."""
    import json
    import shutil

    from tests.cli_helpers import relsim_main

    out = Path(shutil.copytree(tiny_result, tmp_path / "out"))
    sweep = out / "liberated" / "manifest.json"
    sweep.write_text(json.dumps({**json.loads(sweep.read_text()), "status": "running"}))
    capsys.readouterr()
    again = tmp_path / "again"
    assert relsim_main("rerun", out, "--out", again, "--workers", "1") == 2
    assert capsys.readouterr().err == (
        f"relsim: error: {out / 'manifest.json'}: series liberated: the sweep is not complete; "
        "finish it with `relsim experiment run ... --resume` (the command that made it), then "
        "rerun it\n"
    )
    assert not again.exists()


def _rerun_with_reps(value: object, tiny_result: Path, tmp_path: Path, capsys) -> tuple:
    """Rerun a copy of the tiny experiment whose manifest records `value` replications: the
    exit status, stderr, the manifest's path and the replications it really ran; nothing may
    be written."""
    import json
    import shutil

    from tests.cli_helpers import relsim_main

    out = Path(shutil.copytree(tiny_result, tmp_path / "out"))
    manifest = out / "manifest.json"
    data = json.loads(manifest.read_text())
    manifest.write_text(json.dumps({**data, "reps": value}))
    capsys.readouterr()
    again = tmp_path / "again"
    code = relsim_main("rerun", out, "--out", again, "--workers", "1")
    assert not again.exists()
    return code, capsys.readouterr().err, manifest, data["reps"]


@pytest.mark.parametrize(("value", "shown"), [("2", '"2"'), (2.5, "2.5")])
def test_an_experiment_manifest_whose_reps_are_not_a_whole_number_says_so(
    value: object, shown: str, tiny_result: Path, tmp_path: Path, capsys
) -> None:
    """Replications recorded as text or a fraction are named as such in one line, not read as
    a number (2.5 was taken for 2)."""
    code, err, manifest, _ = _rerun_with_reps(value, tiny_result, tmp_path, capsys)
    assert code == 2
    assert err == f"relsim: error: {manifest}: reps: {shown} is not a whole number\n"


@pytest.mark.parametrize("value", [0, -3, 1_000_000_000])
def test_an_experiment_manifest_whose_reps_differ_from_its_series_is_refused(
    value: int, tiny_result: Path, tmp_path: Path, capsys
) -> None:
    """The runs come from the series' own sweep manifests, so a count of replications that
    disagrees with them was altered: it is refused in one line rather than copied into the
    rerun's manifest beside results that were called identical."""
    code, err, manifest, ran = _rerun_with_reps(value, tiny_result, tmp_path, capsys)
    assert code == 2
    assert err == (
        f"relsim: error: {manifest}: reps: {value:,} does not match its series' sweeps ({ran:,})\n"
    )


def _published_series() -> list[tuple[str, str]]:
    found = []
    for directory in sorted((ROOT / "docs" / "results").iterdir()):
        for series in sorted(p.name for p in directory.iterdir() if (p / "runs.parquet").exists()):
            found.append((directory.name, series))
    return found


@pytest.mark.parametrize(("study", "series"), _published_series())
def test_a_published_run_is_what_todays_model_gives(study: str, series: str) -> None:
    """One run of each published series (its last point's first replication, with the
    parameter set it drew) rerun from the series' own manifest gives the metrics published in
    its runs.parquet (to 1e-9, as the regression baseline is compared): a change that moves the
    model's results fails here until the experiments are run again and docs/results.md is
    checked against them."""
    from relsim.result_files import read_manifest
    from relsim.sweep.executors import execute
    from relsim.sweep.run import plan_from_manifest

    directory = ROOT / "docs" / "results" / study / series
    stored = read_manifest(directory)
    assert stored is not None
    plan = plan_from_manifest(stored, f"{study}/{series}")
    published = pd.read_parquet(directory / "runs.parquet").set_index(["point", "replication"])
    point = len(plan.design) - 1
    task = next(t for t in plan.tasks(set()) if (t.point, t.replication) == (point, 0))
    row, _ = execute(task)
    expected = published.loc[(point, 0)]
    differing = [
        name
        for name, value in row.items()
        if name in expected.index
        and isinstance(value, float)
        and not reproduces(float(expected[name]), value)
    ]
    assert not differing, f"rerun `relsim experiment run` for {study}: {differing[:5]}"


def test_quick_runs_two_of_the_files_parameter_sets_but_as_many_as_ensemble_says(
    tmp_path: Path,
) -> None:
    """--quick checks the pipeline with two of the file's parameter sets; an --ensemble given
    with it is the user's number, not capped at two without a word."""
    from relsim.experiments import parameter_sets

    experiment = load_experiment(_tiny(tmp_path, "ensemble: 3\n"))
    assert parameter_sets(experiment, None, quick=True) == 2
    assert parameter_sets(experiment, None, quick=False) == 3
    assert parameter_sets(experiment, 5, quick=True) == 5
    assert parameter_sets(experiment, 0, quick=True) == 0


ABLATED = (
    SMALL_EXPERIMENT.replace(
        "scenarios: [baseline, liberated]",
        "scenarios:\n  - baseline\n  - {scenario: baseline, name: baseline_alone, set: [SET]}",
    )
    # a grid the two assess-do-refer series read (they never read the liberated section)
    .replace("liberated.contact_effect_per_hour: [0.05, 0.15]", "referral_friction: [0.2, 0.8]")
    .replace("x: liberated.contact_effect_per_hour", "x: referral_friction")
)
NO_HOUSING = "specialists.housing.capacity_slots_per_1000_citizens=0"


def test_a_series_may_be_a_scenario_with_changes_of_its_own(tmp_path: Path) -> None:
    """An ablation: the same scenario under its own name with its own `set:`, applied to that
    series only; the other series keeps the value; a rerun re-creates it from the manifest."""
    from tests.cli_helpers import relsim_main

    path = tmp_path / "ablation.yaml"
    path.write_text(ABLATED.replace("SET", NO_HOUSING))
    manifest = run_experiment(path, tmp_path / "out", workers=1)
    assert manifest["series"] == ["baseline", "baseline_alone"]
    ablated = json.loads((tmp_path / "out" / "baseline_alone" / "manifest.json").read_text())
    kept = json.loads((tmp_path / "out" / "baseline" / "manifest.json").read_text())
    housing = "capacity_slots_per_1000_citizens"
    assert ablated["base_scenario"]["specialists"]["housing"][housing] == 0
    assert "specialists" not in kept["base_scenario"]  # the scenario's own capacity
    assert ablated["base_scenario"]["name"] == "baseline_alone"
    summary = pd.read_csv(tmp_path / "out" / "summary.csv")
    alone = summary[summary["series"] == "baseline_alone"]
    assert (alone["specialist_cost_per_citizen_year_mean"] < kept_cost(summary)).all()
    assert (
        relsim_main("rerun", tmp_path / "out", "--out", tmp_path / "again", "--workers", "1") == 0
    )
    for name in manifest["sha256"]:
        assert (tmp_path / "again" / name).read_bytes() == (tmp_path / "out" / name).read_bytes()


def kept_cost(summary: pd.DataFrame) -> float:
    return float(
        summary.loc[summary["series"] == "baseline", "specialist_cost_per_citizen_year_mean"].min()
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("referral_friction=0.5", r"scenarios\.1\.set: referral_friction.*a grid key"),
        ("time.weeks=30", r"scenarios\.1\.set: time\.weeks is set for every series"),
        (
            "liberated.contact_effect_per_hour=0.1",
            r"scenarios\.1\.set: liberated\.contact_effect_per_hour: the assess_do_refer care "
            r"model never reads the liberated section, so this series would be its scenario",
        ),
        (
            "specialists.housing.capacity_slotz=0",
            r"scenarios\.1\.set: specialists\.housing\.capacity_slotz",
        ),
        (f"{NO_HOUSING}, {NO_HOUSING}", r"scenarios\.1\.set: .* is set twice"),
    ],
    ids=["grid key", "shared key", "never read", "unknown key", "twice"],
)
def test_a_series_own_changes_are_checked_and_named_as_its_own(
    change: str, message: str, tmp_path: Path
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(ABLATED.replace("SET", change))
    with pytest.raises(ScenarioError, match=message):
        run_experiment(path, tmp_path / "out", quick=True, workers=1)
    assert not (tmp_path / "out").exists()


def test_a_series_keeps_its_style_in_both_panels_and_lines_differ_without_colour() -> None:
    """Styles follow the experiment's order of series (the first here sorts last by name), so
    `b - z` is drawn as `b` is; no two lines share marker and line style."""
    from relsim.experiment_figures import _styles

    data = pd.DataFrame(
        {"series": ["b", "b", "z", "z", "a", "a"], "k": [1, 2, 1, 2, 1, 2], "x": [0] * 6}
    )
    styles = _styles(data, ["series", "k"], ["z", "a", "b"])
    assert list(styles) == [("z", 1), ("z", 2), ("a", 1), ("a", 2), ("b", 1), ("b", 2)]
    assert styles[("z", 1)]["color"] == "C0" and styles[("b", 2)]["color"] == "C5"
    shapes = {(s["marker"], s["linestyle"]) for s in styles.values()}
    assert len(shapes) == len(styles)


def test_a_lever_is_a_grid_key_with_values_to_choose_among(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    for extra, problem in [
        ("lever: continuity\n", r"bad\.yaml: lever: continuity is not a grid key"),
        ("lever: [1]\n", r"bad\.yaml: line \d+: lever: .*valid string"),
    ]:
        bad.write_text(SMALL_EXPERIMENT + extra)
        with pytest.raises(ScenarioError, match=problem):
            load_experiment(bad)
    bad.write_text(SMALL_EXPERIMENT.replace("[0.05, 0.15]", "[0.05]") + LEVER)
    with pytest.raises(ScenarioError, match=r"lever: liberated\..* needs two or more values"):
        load_experiment(bad)


LEVER = "lever: liberated.contact_effect_per_hour\n"


def test_an_experiment_with_a_lever_prices_each_of_its_values_as_an_option(
    tmp_path: Path,
) -> None:
    """incremental.csv then compares every series at every value of the lever, over the same
    runs as the series' own tables; its manifest records the lever (and one without a lever
    records none, as before there were levers)."""
    run_experiment(_tiny(tmp_path, LEVER), tmp_path / "out", workers=1)
    chosen = pd.read_csv(tmp_path / "out" / "incremental.csv").set_index("option")
    key = "liberated.contact_effect_per_hour"
    assert sorted(chosen.index) == sorted(
        f"{s} at {key}={v}" for s in ("baseline", "liberated") for v in (0.05, 0.15)
    )
    assert set(chosen["point"]) == {0} and chosen["runs"].eq(2).all()
    liberated = pd.read_parquet(tmp_path / "out" / "liberated" / "runs.parquet")
    at = liberated[liberated[key] == 0.15]
    assert chosen.loc[f"liberated at {key}=0.15", "crises_per_citizen_year_mean"] == (
        pytest.approx(at["crisis_events_per_citizen_year"].mean())
    )
    assert chosen["status"].eq("frontier").any()
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["experiment"]["lever"] == key
    run_experiment(_tiny(tmp_path), tmp_path / "plain", workers=1)
    plain = json.loads((tmp_path / "plain" / "manifest.json").read_text())
    assert "lever" not in plain["experiment"]


def test_with_one_series_the_differences_file_has_its_columns() -> None:
    """Nothing to pair, and the empty table has the columns a two-series one has: its file
    was a header of four."""
    from relsim.experiments import paired_differences

    rows = [
        {"point": p, "replication": r, "status": "ok", "x": 0.1 * p}
        | {"crisis_events_per_citizen_year": 1.0 + p + r, "total_cost_per_citizen_year": 9.0 * r}
        for p in range(2)
        for r in range(3)
    ]
    frame = pd.DataFrame(rows)
    both = paired_differences({"a": frame, "b": frame.copy()}, ["x"], None)
    alone = paired_differences({"a": frame}, ["x"], None)
    assert alone.empty and not both.empty
    assert list(alone.columns) == list(both.columns)


def test_a_scenario_the_experiment_cannot_find_is_named_with_where_it_was_looked_for(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """It said only 'DIR/bogus: no such file', naming neither the experiment nor the bundled
    scenarios an experiment can also name."""
    from tests.cli_helpers import relsim_main

    path = tmp_path / "tiny.yaml"
    path.write_text(SMALL_EXPERIMENT.replace("[baseline, liberated]", "[baseline, bogus]"))
    capsys.readouterr()
    assert relsim_main("experiment", "run", path, "--quick", "--out", tmp_path / "o") == 2
    assert capsys.readouterr().err.strip() == (
        f"relsim: error: {path}: scenarios.1: bogus: no such file beside the experiment, nor a "
        "bundled scenario of that name (baseline, hybrid, liberated, none)"
    )
    assert not (tmp_path / "o").exists()


def test_an_experiment_stopped_before_its_directory_is_made_says_nothing_was_written(
    tmp_path: Path, capsys, monkeypatch
) -> None:
    """Stopped before --out exists, an experiment says nothing was written: it told the user to
    finish with --resume a directory that was not there ("nothing to resume")."""
    import relsim.experiments
    from tests.cli_helpers import relsim_main

    def interrupted(*_: object) -> None:
        raise KeyboardInterrupt

    out = tmp_path / "study"
    monkeypatch.setattr(relsim.experiments, "_plans", interrupted)
    path = ROOT / "experiments" / "continuity_erosion.yaml"
    assert relsim_main("experiment", "run", path, "--quick", "--out", out) == 130
    assert capsys.readouterr().err.strip() == "relsim: interrupted; no results written"
    assert not out.exists()


def test_a_figure_of_a_metric_with_no_value_says_it_is_empty(tmp_path: Path, capsys) -> None:
    """A district without services has no mean wait: its figure was drawn empty without a
    word. The manifest and the command say so; a figure with values says nothing."""
    from tests.cli_helpers import relsim_main

    path = tmp_path / "empty.yaml"
    text = SMALL_EXPERIMENT.replace("[baseline, liberated]", "[none]")
    text = text.replace("liberated.contact_effect_per_hour", "demand_complexity")
    text = text.replace("[0.05, 0.15]", "[0.2, 0.8]")
    path.write_text(text + "  - metric: mean_wait_weeks\n    x: demand_complexity\n")
    out = tmp_path / "out"
    capsys.readouterr()
    assert relsim_main("experiment", "run", path, "--out", out, "--workers", "1") == 0
    err = capsys.readouterr().err
    crises, waits = json.loads((out / "manifest.json").read_text())["figures"]
    assert "note" not in crises
    assert waits["note"] == "mean_wait_weeks has no value at any point: the figure is empty"
    assert f"note: {waits['png']}: mean_wait_weeks has no value at any point" in err
    assert crises["png"] not in err


def test_a_dollar_in_a_title_is_text_not_mathematics(tmp_path: Path) -> None:
    """matplotlib read text between two `$` as mathematics: an unbalanced `$\\frac$` in a
    figure's title stopped the experiment after every run, and 'in $ per $' lost its signs."""
    import matplotlib.pyplot as plt

    from relsim import experiment_figures

    drawn: list[str] = []
    path = tmp_path / "money.yaml"
    text = SMALL_EXPERIMENT.replace("title: Tiny", "title: 'Cost in $ per $ spent'")
    path.write_text(text + "    title: 'x $\\frac$ y'\n")
    real = experiment_figures.write_figure

    def caught(png: Path, fig) -> None:
        drawn.extend(t.get_text() for t in fig.findobj(match=lambda a: hasattr(a, "get_text")))
        drawn.append(str(fig.axes[0].get_title()))
        real(png, fig)

    experiment_figures.write_figure = caught
    try:
        manifest = run_experiment(path, tmp_path / "out", workers=1)
    finally:
        experiment_figures.write_figure = real
        plt.close("all")
    assert (tmp_path / "out" / manifest["figures"][0]["png"]).stat().st_size > 1000
    assert "x $\\frac$ y" in drawn


@pytest.mark.parametrize(
    ("values", "points", "refused"),
    [
        # one quoted value was split at its comma into two points, and a quoted range into
        # four; each is one value, which the schema then refuses
        ('["assess_do_refer,liberated"]', None, "got 'assess_do_refer,liberated'"),
        ('["0.2:0.8:0.2"]', None, "got '0.2:0.8:0.2'"),
        ("[{a: 1}]", None, "{'a': 1} is not a value a key can take"),
        ("[null, 0.5]", None, "an empty value (null)"),
        ("[0.5, 0.50]", None, "0.5 is given twice"),
        ("[0.2, 0.8]", [0.2, 0.8], None),
    ],
)
def test_grid_values_are_taken_as_the_file_types_them(values, points, refused, tmp_path):
    key = "care_model" if "assess" in values else "referral_friction"
    path = tmp_path / "grid.yaml"
    path.write_text(
        SMALL_EXPERIMENT.replace("  liberated.contact_effect_per_hour: [0.05, 0.15]",
                                 f"  {key}: {values}")
        .replace("x: liberated.contact_effect_per_hour", f"x: {key}")
        .replace("[baseline, liberated]", "[baseline]")
    )  # fmt: skip
    if refused is None:
        run_experiment(path, tmp_path / "out", workers=1)
        summary = pd.read_csv(tmp_path / "out" / "summary.csv")
        assert summary[key].tolist() == points
        return
    with pytest.raises(ScenarioError) as raised:
        run_experiment(path, tmp_path / "out", workers=1)
    assert refused in " ".join(raised.value.problems)
    assert not (tmp_path / "out").exists()
