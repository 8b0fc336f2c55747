"""scripts/odd_measures.py, which regenerates docs/odd/measures.csv (the runs docs/odd.md quotes):
its pipeline on a tiny district, and the committed file against the text."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "odd_measures.py"


def test_quick_run_writes_every_measure(tmp_path: Path) -> None:
    out = tmp_path / "measures.csv"
    subprocess.run([sys.executable, str(SCRIPT), "--quick", "--out", str(out)], check=True)
    table = pd.read_csv(out)
    assert set(table["scenario"]) >= {"baseline", "liberated", "hybrid"}
    means = table[table["replication"] == -1].set_index(["scenario", "measure"])["value"]
    for scenario in ("baseline", "liberated", "hybrid"):
        assert 0 <= means[scenario, "failure_demand_share"] <= 1
        chasing = means[scenario, "failure_demand_chasing_share"]
        assert pd.isna(chasing) or chasing == 1  # chasing always is (none in a tiny district)
    # Returns may take a caseload over the cap, never further than the places kept for them.
    cap = table[table["section"].str.startswith("Differences")].set_index("measure")["value"]
    assert cap["post_weeks_above_cap_plus_return_places"] == 0


def test_the_text_quotes_the_committed_file() -> None:
    """The ranges docs/odd.md gives from these runs hold for docs/odd/measures.csv."""
    table = pd.read_csv(ROOT / "docs" / "odd" / "measures.csv")
    runs = table[table["replication"] >= 0].groupby(["scenario", "measure"])["value"]
    low, high = runs.min(), runs.max()
    text = (ROOT / "docs" / "odd.md").read_text()
    assert "£509 to £516 per" in text
    assert round(low["baseline", "specialist_cost_per_citizen_year"]) >= 509
    assert round(high["liberated", "specialist_cost_per_citizen_year"]) <= 516
    assert "averages 0.85 to 0.87" in text
    assert round(low["baseline", "front_door_threshold_mean"], 2) == 0.85
    assert round(high["baseline", "front_door_threshold_mean"], 2) == 0.87
    advantage = table[
        table["section"].str.startswith("Where the dependence") & (table["replication"] == -1)
    ].set_index("scenario")["value"]
    assert "(0.22 against 0.74 crises per citizen-year" in text
    assert (round(advantage["continuity 0.1"], 2), round(advantage["continuity 0.9"], 2)) == (
        0.22,
        0.74,
    )


def test_failure_returns_figures_are_todays_and_name_their_seed() -> None:
    """Section 7.5 and item 5 of the differences quote what switching failure returns off does
    in today's model; each row of the file names the seed its runs used, as the text does."""
    table = pd.read_csv(ROOT / "docs" / "odd" / "measures.csv")
    assert table["seed"].notna().all()
    returns = table[table["section"] == "7.5 Help-seeking"]
    assert set(returns["seed"]) == {20261122}
    means = returns[returns["replication"] == -1].set_index(["scenario", "measure"])["value"]
    on, off = "baseline", "baseline, no failure returns"
    quoted = {
        "repeat_within_year_share": ("{:.0%}", "from {} to {}"),
        "front_door_failure_demand_share": ("{:.2f}", "from {} to {}"),
        "mean_caseload": ("{:.1f}", "from {} to {}"),
    }
    text = (ROOT / "docs" / "odd.md").read_text()
    section = text.split("### 7.5 ", 1)[1].split("\n### ", 1)[0]
    for measure, (number, phrase) in quoted.items():
        before, after = (number.format(means[which, measure]) for which in (on, off))
        expected = phrase.format(before, after).replace("%", " %")
        assert expected in " ".join(section.split()), (measure, expected)


def test_the_committed_file_is_what_todays_model_gives(tmp_path: Path) -> None:
    """docs/odd/measures.csv, which the ODD text is checked against, is what its runs give with
    today's model: a change that moves them must come with the file regenerated and the text's
    numbers checked again."""
    out = tmp_path / "measures.csv"
    subprocess.run([sys.executable, str(SCRIPT), "--out", str(out)], check=True, timeout=600)
    pd.testing.assert_frame_equal(
        pd.read_csv(out),
        pd.read_csv(ROOT / "docs" / "odd" / "measures.csv"),
        rtol=1e-9,
        obj="rerun scripts/odd_measures.py and check docs/odd.md; measures.csv",
    )
