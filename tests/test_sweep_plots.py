"""What `sweep-summary --plot` draws on a grid: the lines, their labels and their marks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from relsim.sweep import summary

METRIC = "crisis_events_per_citizen_year"


def _drawn(monkeypatch, table: pd.DataFrame, keys: list[str], parameter: str) -> Any:
    """The axes plot_metric drew on, caught before the figure is written and closed."""
    caught: list[Any] = []
    monkeypatch.setattr(summary, "write_figure", lambda path, fig: caught.append(fig.axes[0]))
    manifest = {"design": {"kind": "grid"}, "base_scenario": {"care_model": "assess_do_refer"}}
    summary.plot_metric(table, keys, METRIC, parameter, Path("unused.png"), manifest)
    (axes,) = caught
    return axes


def _data_lines(axes: Any) -> list[Any]:
    """The means' lines (round marks), not the interval bars' caps."""
    return [line for line in axes.get_lines() if line.get_marker() == "o"]


def _table(**columns: list[Any]) -> pd.DataFrame:
    means = [2.0 + 0.1 * i for i in range(len(next(iter(columns.values()))))]
    return pd.DataFrame(
        {
            **columns,
            f"{METRIC}_mean": means,
            f"{METRIC}_ci95_low": [m - 0.2 for m in means],
            f"{METRIC}_ci95_high": [m + 0.2 for m in means],
        }
    )


def test_swept_care_models_are_marks_not_a_line_and_not_named_after_the_base(monkeypatch):
    """A grid over the care model drew a line from one model to the next, as if they were in
    order, labelled with the base scenario's care model though every model was run."""
    models = ["assess_do_refer", "hybrid", "liberated", "none"]
    axes = _drawn(monkeypatch, _table(care_model=models), ["care_model"], "care_model")
    (line,) = _data_lines(axes)
    assert line.get_linestyle() == "None"
    assert [text.get_text() for text in axes.get_legend().get_texts()] == ["all points"]


@pytest.mark.parametrize("care_model_swept", [False, True])
def test_a_numeric_key_is_still_joined_by_a_line(monkeypatch, care_model_swept: bool):
    if care_model_swept:
        table = _table(
            demand_complexity=[0.1, 0.5, 0.9, 0.1, 0.5, 0.9],
            care_model=["liberated"] * 3 + ["none"] * 3,
        )
        keys = ["demand_complexity", "care_model"]
        labels = ["care_model=liberated", "care_model=none"]
    else:
        table = _table(demand_complexity=[0.1, 0.5, 0.9])
        keys = ["demand_complexity"]
        labels = ["assess_do_refer"]
    axes = _drawn(monkeypatch, table, keys, "demand_complexity")
    lines = _data_lines(axes)
    assert [line.get_linestyle() for line in lines] == ["-"] * len(labels)
    assert [text.get_text() for text in axes.get_legend().get_texts()] == labels
