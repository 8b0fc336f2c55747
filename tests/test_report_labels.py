"""What a board report and its workbook say their numbers are: the weekly bands named by the
kind of interval they hold, and prices the scenario set told apart from the defaults' sources.

Numbers from the model are never written here (the model changes); the tests check the words
and the labels beside them.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from tests.cli_helpers import relsim_main

SMALL = (
    "population.citizens=300",
    "time.weeks=12",
    "time.warmup_weeks=4",
    "workforce.workers=2",
)
SMALL_ARGS = tuple(arg for s in SMALL for arg in ("--set", s))


def _report(where: Path, *extra: str) -> tuple[str, dict[str, pd.DataFrame]]:
    html, book = where / "report.html", where / "report.xlsx"
    code = relsim_main(
        "compare", "baseline", "liberated", "--reps", "2", "--workers", "1", *SMALL_ARGS,
        "--report", html, "--xlsx", book, *extra,
    )  # fmt: skip
    assert code == 0
    sheets = pd.read_excel(book, sheet_name=None, engine="openpyxl")
    return html.read_text(encoding="utf-8"), sheets


@pytest.fixture(scope="module")
def over_sets(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, dict[str, pd.DataFrame]]:
    return _report(tmp_path_factory.mktemp("sets"), "--ensemble", "2")


@pytest.fixture(scope="module")
def by_chance(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, dict[str, pd.DataFrame]]:
    return _report(tmp_path_factory.mktemp("chance"), "--ensemble", "0")


def _band_captions(html: str) -> list[str]:
    return [
        re.sub(r"\s+", " ", c)
        for c in re.findall(r"<figcaption>([^<]*week[^<]*)</figcaption>", html, re.IGNORECASE)
        if "band" in c
    ]


def test_weekly_bands_over_parameter_sets_are_not_called_replications(over_sets) -> None:
    """With parameter sets (the report's default), a weekly band is the central 95 % of the
    sets' means, not an interval over replications: the captions and the workbook say so."""
    html, sheets = over_sets
    captions = _band_captions(html)
    assert len(captions) == 2, captions
    for caption in captions:
        assert "replications" not in caption, caption
        assert "2 parameter sets" in caption and "parameters and chance" in caption, caption
    about = dict(zip(sheets["About"]["sheet"], sheets["About"]["holds"], strict=True))
    assert "parameter sets" in about["Time series"]
    assert set(sheets["Time series"]["interval"]) == {"parameters and chance"}


def test_weekly_bands_by_chance_say_chance_only(by_chance) -> None:
    html, sheets = by_chance
    captions = _band_captions(html)
    assert len(captions) == 2, captions
    for caption in captions:
        assert "2 replications" in caption and "chance only" in caption, caption
    assert set(sheets["Time series"]["interval"]) == {"chance"}
