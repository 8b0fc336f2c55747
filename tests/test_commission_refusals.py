"""A commissioner's request that would answer another question than the one asked is refused
before anything runs or is written: one line, exit status 2."""

from __future__ import annotations

import pytest

from relsim.commission.budget import MORE_IS_BETTER
from relsim.metrics import METRIC_NAMES
from tests.cli_helpers import relsim_main


@pytest.mark.parametrize("metric", MORE_IS_BETTER)
def test_the_budget_search_will_not_minimise_a_measure_where_more_is_better(
    metric: str, tmp_path, capsys
) -> None:
    """`--minimise mean_trust` would search for the split that leaves people trusting services
    least, and report it as the best: refused, with nothing run or written."""
    assert metric in METRIC_NAMES
    out = tmp_path / "budget"
    tiny = ("--set", "population.citizens=300", "--set", "time.weeks=4", "--set",
            "time.warmup_weeks=0", "--reps", "2", "--ensemble", "0", "--workers", "1")  # fmt: skip
    code = relsim_main(
        "budget", "hybrid", "--limit", "1m", "--minimise", metric, "--out", out, *tiny
    )
    assert code == 2
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith("relsim: error: Invalid value for '--minimise': ")
    assert f"more {metric} is better" in line
    assert not out.exists()


def test_a_frontier_with_no_services_anywhere_is_refused(tmp_path, capsys) -> None:
    """A district with no services has no posts to size: a frontier of it alone would sweep a
    workforce that does nothing and report how outcomes "change with posts"."""
    out = tmp_path / "frontier"
    tiny = ("--set", "population.citizens=300", "--set", "time.weeks=4", "--set",
            "time.warmup_weeks=0", "--reps", "1", "--ensemble", "0", "--workers", "1")  # fmt: skip
    code = relsim_main(
        "frontier",
        "baseline",
        "--set",
        "care_model=none",
        "--workforce",
        "3,6",
        "--out",
        out,
        *tiny,
    )
    assert code == 2
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith("relsim: error: frontier: no scenario has services")
    assert not out.exists()
