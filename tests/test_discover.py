"""`relsim discover`: scenario discovery with PRIM on sweeps of the bundled scenarios, and the
plots `sweep-summary` and `sensitivity` draw for sampled designs."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from relsim.sweep.directory import sweep_files
from tests.cli_helpers import relsim_main

pytest.importorskip("prim")

TINY = (
    "--set", "population.citizens=200", "--set", "time.weeks=20",
    "--set", "time.warmup_weeks=4", "--reps", "1", "--workers", "2", "--seed", "5",
)  # fmt: skip
CRISES = "crisis_events_per_citizen_year"


@pytest.fixture(scope="module")
def lhs(tmp_path_factory) -> Path:
    """A Latin hypercube over demand complexity and the caseload cap, on the bundled
    liberated scenario (by name)."""
    out = tmp_path_factory.mktemp("discover") / "lhs"
    ranges = ("--range", "demand_complexity=0.1:0.9", "--range", "workforce.caseload_cap=4:20")
    code = relsim_main("sweep", "liberated", "--sample", "lhs", "--n", "32", *ranges, *TINY,
                       "--out", out)  # fmt: skip
    assert code == 0
    return out


def test_discover_finds_where_crises_are_high(lhs, capsys):
    runs = pd.read_parquet(lhs / "runs.parquet")
    threshold = float(runs[CRISES].median())
    capsys.readouterr()
    where = f"{CRISES} > {threshold}"
    assert relsim_main("discover", lhs, "--metric", CRISES, "--where", where, "--json") == 0
    found = json.loads(capsys.readouterr().out)
    assert found["points"] == 32 and found["points_of_interest"] == 16
    (box,) = found["boxes"]
    # Crisis demand rises with demand complexity: the box is its upper part.
    limits = box["limits"]["demand_complexity"]
    assert 0.3 < limits["min"] < 0.8 and limits["max"] > 0.8
    assert box["density"] >= 0.8 and box["coverage"] >= 0.5 and box["dense_enough"]
    assert box["points_of_interest_in_box"] <= box["points_in_box"]
    assert box["coverage"] == pytest.approx(box["points_of_interest_in_box"] / 16)
    table = pd.read_csv(lhs / f"discover_{CRISES}.csv")
    assert "demand_complexity" in set(table["key"])
    assert (lhs / f"discover_{CRISES}.png").stat().st_size > 10_000
    # What discover wrote is recognised as the sweep's own, for --force.
    assert sweep_files(lhs) is not None


def test_discover_says_plainly_when_there_is_nothing_to_find(lhs, capsys):
    capsys.readouterr()
    assert relsim_main("discover", lhs, "--where", f"{CRISES} > 1e6") == 0
    out = capsys.readouterr().out
    assert "0 of 32 design points" in out and "no box found" in out


def test_discover_on_too_few_points_says_so(tmp_path, capsys):
    """Three points, the condition holding at some and the key varying: the reason there is
    no box is that there are too few points, and the line says that, not the other reasons."""
    out = tmp_path / "three"
    grid = ("--grid", "demand_complexity=0.1,0.5,0.9")
    assert relsim_main("sweep", "baseline", *grid, *TINY, "--out", out) == 0
    runs = pd.read_parquet(out / "runs.parquet")
    threshold = float(runs[CRISES].median())
    capsys.readouterr()
    assert relsim_main("discover", out, "--where", f"{CRISES} >= {threshold}") == 0
    text = capsys.readouterr().out
    assert "2 of 3 design points" in text
    assert "no box found: PRIM needs at least 4 design points with results, and this sweep " in text
    assert "a key that varies" not in text


def test_discover_takes_a_left_out_key_as_the_value_it_ran_with(tmp_path, capsys):
    """A design file may leave a swept number out at a point (the scenario's value applies):
    PRIM gets the value the point ran with, not a missing number, which stopped it with a bare
    AssertionError; a left-out name is the scenario's too."""
    design = tmp_path / "design.yaml"
    design.write_text(
        "- {demand_complexity: 0.1}\n- {demand_complexity: 0.3}\n- {demand_complexity: 0.9}\n"
        "- {care_model: liberated}\n- {care_model: liberated, demand_complexity: 0.95}\n"
        "- {demand_complexity: 0.85}\n"
    )
    out = tmp_path / "left_out"
    assert relsim_main("sweep", "baseline", "--design", design, *TINY, "--out", out) == 0
    capsys.readouterr()
    where = f"{CRISES} > 3.5"
    assert relsim_main("discover", out, "--where", where, "--json") == 0
    found = json.loads(capsys.readouterr().out)
    assert found["points"] == 6 and found["points_of_interest"] == 3, found
    (box,) = found["boxes"]
    assert box["limits"]["demand_complexity"]["min"] > 0.6  # above the baseline's, point 3's
    assert box["density"] == 1.0 and box["coverage"] == 1.0


@pytest.mark.parametrize(
    ("where", "fragment"),
    [
        ("crises > 3", "not a metric"),
        ("mean_wait_weeks >> 3", "expected METRIC > NUMBER"),
        ("mean_wait_weeks > nan", "finite"),
        ("mean_burnout > 0.3", "not mean_wait_weeks"),
    ],
)
def test_bad_conditions_are_bad_input(where, fragment, lhs, capsys):
    capsys.readouterr()
    code = relsim_main("discover", lhs, "--metric", "mean_wait_weeks", "--where", where)
    assert code == 2
    assert fragment in capsys.readouterr().err


def test_points_without_a_value_of_the_metric_are_counted_or_refused(tmp_path, capsys):
    """A district without services has no mean wait: discover said "0 of 0 design points"
    and wrote an empty table and plot; with some such points it left them out unsaid."""
    out = tmp_path / "models"
    grid = ("--grid", "care_model=assess_do_refer,none", "--grid", "demand_complexity=0.1,0.9")
    assert relsim_main("sweep", "baseline", *grid, *TINY, "--out", out) == 0
    capsys.readouterr()
    assert relsim_main("discover", out, "--where", "mean_wait_weeks >= 0", "--json") == 0
    found = json.loads(capsys.readouterr().out)
    assert (found["points"], found["points_without_value"]) == (2, 2)
    assert relsim_main("discover", out, "--where", "mean_wait_weeks >= 0") == 0
    assert "2 of 2 design points have mean_wait_weeks >= 0 (2 more have no value of " in (
        capsys.readouterr().out
    )
    only_none = tmp_path / "none"
    grid = ("--grid", "demand_complexity=0.1,0.5,0.9")
    assert relsim_main("sweep", "none", *grid, *TINY, "--out", only_none) == 0
    capsys.readouterr()
    assert relsim_main("discover", only_none, "--where", "mean_wait_weeks > 1") == 2
    err = capsys.readouterr().err
    assert "mean_wait_weeks has no value at any of the sweep's 3 design points" in err
    assert not list(only_none.glob("discover_*"))


def test_discover_with_a_care_model_swept(tmp_path, capsys):
    """Names enter PRIM as yes/no columns: the box says which care model."""
    out = tmp_path / "models"
    grid = ("--grid", "care_model=assess_do_refer,liberated", "--grid",
            "demand_complexity=0.1:0.9:0.1")  # fmt: skip
    assert relsim_main("sweep", "baseline", *grid, *TINY, "--set", "workforce.workers=12",
                       "--out", out) == 0  # fmt: skip
    runs = pd.read_parquet(out / "runs.parquet")
    threshold = float(runs[CRISES].quantile(0.75))
    capsys.readouterr()
    assert relsim_main("discover", out, "--where", f"{CRISES} > {threshold}", "--json") == 0
    found = json.loads(capsys.readouterr().out)
    assert found["boxes"], found
    assert "demand_complexity" in found["boxes"][0]["limits"]


def test_sampled_designs_plot_as_a_scatter_and_morris_as_mu_star_sigma(lhs, tmp_path):
    plot = tmp_path / "scatter.png"
    code = relsim_main("sweep-summary", lhs, "--metric", CRISES, "--param", "demand_complexity",
                       "--plot", plot)  # fmt: skip
    assert code == 0 and plot.stat().st_size > 10_000
    import matplotlib.pyplot as plt

    from relsim.sweep import summary

    drawn = []
    real = summary._scatter_with_trend
    summary._scatter_with_trend = lambda *a, **k: (drawn.append(a), real(*a, **k))
    try:
        assert (
            relsim_main(
                "sweep-summary",
                lhs,
                "--metric",
                CRISES,
                "--param",
                "workforce.caseload_cap",
                "--plot",
                tmp_path / "two.png",
            )
            == 0
        )
    finally:
        summary._scatter_with_trend = real
    assert drawn, "a Latin hypercube is drawn as a scatter with a trend"
    plt.close("all")


def test_a_box_as_dense_as_can_be_is_found_and_density_one_or_nan_is_bad_input(
    lhs, tmp_path, capsys
):
    """PRIM peels while a box is no denser than --min-density, so at 1 it would peel every
    point of interest away (and divide by zero): the option is below 1, and NaN is refused."""
    median = float(pd.read_parquet(lhs / "runs.parquet")[CRISES].median())
    where = ("--where", f"{CRISES} > {median}", "--csv", tmp_path / "dense.csv")
    where += ("--plot", tmp_path / "dense.png", "--json")
    capsys.readouterr()
    assert relsim_main("discover", lhs, *where, "--min-density", "0.999") == 0
    (box,) = json.loads(capsys.readouterr().out)["boxes"]
    assert box["density"] == 1.0
    for density in ("1", "nan"):
        capsys.readouterr()
        assert relsim_main("discover", lhs, *where, "--min-density", density) == 2
        assert "--min-density" in capsys.readouterr().err


def test_a_stop_while_plotting_says_the_table_it_left(lhs, tmp_path, monkeypatch, capsys):
    """Stopped while the plot was drawn, sweep-summary and discover said "no results written"
    over the CSV file they had finished."""
    import relsim.sweep.discover
    import relsim.sweep.summary

    def interrupt(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(relsim.sweep.summary, "plot_metric", interrupt)
    monkeypatch.setattr(relsim.sweep.discover, "plot", interrupt)
    table, found = tmp_path / "summary.csv", tmp_path / "found.csv"
    plot = ("--metric", CRISES, "--param", "demand_complexity", "--plot", tmp_path / "s.png")
    capsys.readouterr()
    assert relsim_main("sweep-summary", lhs, "--csv", table, *plot) == 130
    said = capsys.readouterr().err.strip().splitlines()
    assert said[-1] == f"relsim: interrupted; {table} complete; nothing else written"
    assert table.is_file() and not (tmp_path / "s.png").exists()
    where = f"{CRISES} > 0"
    code = relsim_main(
        "discover", lhs, "--where", where, "--csv", found, "--plot", tmp_path / "d.png"
    )
    assert code == 130
    said = capsys.readouterr().err.strip().splitlines()
    assert said[-1] == f"relsim: interrupted; {found} complete; nothing else written"
    assert found.is_file() and not (tmp_path / "d.png").exists()


def test_a_further_box_counts_only_the_points_earlier_boxes_left() -> None:
    """PRIM finds a second box among the points the first did not take, and its coverage,
    density and mass are of those: the counts beside them must be too (they counted points
    the first box had taken, "8 of the 8 points" beside a mass of 4 in 24)."""
    from relsim.sweep.discover import Condition, discover

    rows = [
        {"point": 2 * x + y, "replication": 0, "status": "ok", "x": float(x), "y": float(y),
         "m": 1.0 if x >= 8 or (x <= 2 and y == 1) else 0.0}
        for x in range(12)
        for y in (0, 1)
    ]  # fmt: skip
    found = discover(pd.DataFrame(rows), ["x", "y"], Condition("m", ">", 0.5), max_boxes=3)
    assert len(found.boxes) == 2
    first, second = found.boxes
    assert first.points_in_box == 12 and first.points_of_interest_in_box == 7
    assert second.points_in_box == round(second.mass * 24) == 4
    assert second.points_of_interest_in_box == round(second.coverage * 11) == 4


def test_a_box_below_min_density_is_said_to_be_so() -> None:
    """When no box along the peeling reaches --min-density, the densest is reported: it was
    labelled as any box (density 0.50 beside a minimum of 0.8, no word), so a weak box read as
    a finding."""
    from relsim.sweep.discover import Condition, as_json, discover, report_lines, table

    rows = [
        {"point": x, "replication": 0, "status": "ok", "x": float(x),
         "m": float(x >= 12 and x % 2 == 0)}
        for x in range(24)
    ]  # fmt: skip  # every other point of the upper half: no box much purer than half
    found = discover(pd.DataFrame(rows), ["x"], Condition("m", ">", 0.5))
    (box,) = found.boxes
    assert box.density < 0.8 and not box.dense_enough
    assert "below --min-density 0.8: no box reached it" in report_lines(found)[1]
    assert as_json(found)["boxes"][0]["dense_enough"] is False
    assert as_json(found)["min_density"] == 0.8
    assert not table(found)["dense_enough"].any()
    lenient = discover(pd.DataFrame(rows), ["x"], Condition("m", ">", 0.5), min_density=0.4)
    assert lenient.boxes[0].dense_enough and "below" not in " ".join(report_lines(lenient))


def test_a_sweep_that_cannot_be_written_in_is_still_summarised_and_searched(
    lhs, monkeypatch, capsys
):
    """sweep-summary and discover only read the store, but refused a sweep on a read-only
    disk because their default files go beside it: those are left out, with a note, and
    what is asked for elsewhere is written."""
    import relsim.target_checks
    from relsim.target_checks import cannot_write_in

    assert cannot_write_in(lhs) is None and cannot_write_in(Path("/proc")) is not None

    def read_only_sweep(directory: Path) -> str | None:  # the sweep's disk alone
        return "Read-only file system" if Path(directory) == lhs else None

    monkeypatch.setattr(relsim.target_checks, "cannot_write_in", read_only_sweep)
    before = sorted(p.name for p in lhs.iterdir())
    capsys.readouterr()
    assert relsim_main("sweep-summary", lhs, "--json") == 0
    out, err = capsys.readouterr()
    assert len(json.loads(out)["points"]) == 32
    assert "summary.csv (--csv FILE) not written" in err
    median = float(pd.read_parquet(lhs / "runs.parquet")[CRISES].median())
    where = ("--where", f"{CRISES} > {median}")
    assert relsim_main("discover", lhs, *where, "--json") == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["boxes"] and "(--plot FILE) not written" in err
    assert sorted(p.name for p in lhs.iterdir()) == before
    elsewhere = lhs.parent / "boxes.csv"
    assert relsim_main("discover", lhs, *where, "--csv", elsewhere) == 0
    assert elsewhere.is_file() and sorted(p.name for p in lhs.iterdir()) == before


def test_a_table_or_plot_named_otherwise_inside_the_sweep_is_refused(lhs, tmp_path, capsys):
    """`sweep-summary --csv SWEEP/partial.csv` (or a plot, or discover's table) was written,
    then made the sweep a directory relsim had not wholly written: --resume and --force
    refused it, and a summary of unfinished runs outlasted them. Only relsim's own names are
    taken inside it; any name elsewhere."""
    before = sorted(p.name for p in lhs.iterdir())
    where = f"{CRISES} > 1"
    plot = ("--metric", CRISES, "--param", "demand_complexity")
    for command in (
        ("sweep-summary", lhs, "--csv", lhs / "partial.csv"),
        ("sweep-summary", lhs, *plot, "--plot", lhs / "mine.png"),
        ("discover", lhs, "--where", where, "--csv", lhs / "d.csv"),
    ):
        capsys.readouterr()
        assert relsim_main(*command) == 2, command
        [line] = capsys.readouterr().err.strip().splitlines()
        assert "inside the sweep's own directory only relsim's own names" in line, line
    assert sorted(p.name for p in lhs.iterdir()) == before
    assert relsim_main("sweep-summary", lhs, "--csv", tmp_path / "partial.csv") == 0
    assert relsim_main("discover", lhs, "--where", where, "--csv", tmp_path / "d.csv") == 0
    assert sweep_files(lhs) is not None  # still wholly relsim's: --force and --resume take it
