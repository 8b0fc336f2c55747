"""An experiment's figures: for each figure the file asks for, the metric against one grid key
per series, with the paired differences beside it, as a PNG and the CSV behind it. Imported
only where the figures are drawn; matplotlib is imported only when one is.
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from relsim.commission.inputs import parameter_meta
from relsim.files import write_csv, write_figure
from relsim.metrics import UNITS

if TYPE_CHECKING:
    from relsim.experiment_files import Experiment, Figure


def experiment_figure(
    table: pd.DataFrame,
    differences: pd.DataFrame,
    experiment: Experiment,
    figure: Figure,
    png: Path,
    csv: Path,
) -> None:
    """Metric against x, one line per series and per combination of the other grid keys; with
    two or more series, a second panel of the paired differences from the first."""
    from relsim.plotting import pyplot

    plt = pyplot()

    others = [k for k in experiment.grid if k != figure.x]
    columns = ["series", *others, figure.x]
    stats = [f"{figure.metric}_{s}" for s in ("mean", "ci95_low", "ci95_high")]
    data = table[[*columns, "runs_ok", "interval", *stats]].sort_values(columns)
    write_csv(csv, data)
    paired = not differences.empty
    groups = ["series", *others]
    styles = _styles(data, groups, list(dict.fromkeys(table["series"])))
    fig, axes = plt.subplots(1, 2 if paired else 1, figsize=(11 if paired else 6.5, 4.2), dpi=110)
    level_ax = axes[0] if paired else axes
    _lines(level_ax, data, groups, figure, stats, styles)
    unit = _unit_words(UNITS.get(figure.metric, ""))
    level_ax.set_ylabel(_wrapped(f"{figure.metric}{unit}"))
    level_ax.set_title(figure.title or f"{experiment.title}: {figure.metric}", fontsize=9)
    if paired:
        diff_ax = axes[1]
        gaps = differences.sort_values(["series", *others, figure.x])
        minus = str(gaps["minus"].iloc[0])
        _lines(diff_ax, gaps, groups, figure, stats, styles, minus=minus)
        diff_ax.axhline(0, color="grey", linewidth=0.8)
        diff_ax.set_ylabel(_wrapped(f"difference in {figure.metric}{unit}"))
        diff_ax.set_title("paired difference", fontsize=9)
    interval = str(data["interval"].iloc[0])
    fig.text(0.01, 0.01, f"bars: 95% interval ({interval})", fontsize=7, color="dimgrey")
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    write_figure(png, fig)
    plt.close(fig)


def _wrapped(label: str) -> str:
    """An axis label over lines that fit the panel's height (on one line, a metric's name and
    unit ran off the top of the figure)."""
    return "\n".join(textwrap.wrap(label, AXIS_CHARACTERS, break_on_hyphens=False))


#: characters of an axis label a 4.2-inch panel holds on a line
AXIS_CHARACTERS = 40


def _unit_words(unit: str) -> str:
    """' (GBP/citizen-year)' after a name on an axis; nothing without a unit."""
    return f" ({unit})" if unit else ""


MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*", "h", "<")
LINESTYLES = ("-", "--", "-.", ":")


def _styles(
    data: pd.DataFrame, groups: list[str], order: list[str]
) -> dict[tuple[Any, ...], dict[str, str]]:
    """Each line's colour, marker and line style, fixed by its series' place in the experiment
    (`order`; then its other grid values): a series looks the same in both panels, and each
    line can be told from the others without colour."""
    keys = sorted(
        {tuple(row) for row in data[groups].itertuples(index=False)},
        key=lambda key: (order.index(key[0]), key[1:]),
    )
    return {
        key: {
            "color": f"C{i % 10}",
            "marker": MARKERS[i % len(MARKERS)],
            "linestyle": LINESTYLES[i % len(LINESTYLES)],
        }
        for i, key in enumerate(keys)
    }


def _lines(
    ax: Any,
    data: pd.DataFrame,
    groups: list[str],
    figure: Figure,
    stats: list[str],
    styles: dict[tuple[Any, ...], dict[str, str]],
    minus: str | None = None,
) -> None:
    """One line with interval bars per group, in the experiment's order of series, each in its
    series' style (a difference in the style of the series it is the difference of)."""
    others = groups[1:]
    found = dict(
        (label if isinstance(label, tuple) else (label,), group)
        for label, group in data.groupby(groups, sort=True)
    )
    for parts in (key for key in styles if key in found):
        group = found[parts]
        head = str(parts[0]) if minus is None else f"{parts[0]} − {minus}"
        name = ", ".join([head, *(f"{k}={v}" for k, v in zip(others, parts[1:], strict=True))])
        mean = group[stats[0]]
        yerr = [(mean - group[stats[1]]).fillna(0), (group[stats[2]] - mean).fillna(0)]
        ax.errorbar(
            group[figure.x], mean, yerr=yerr, capsize=3, label=name, **styles[parts]
        )  # fmt: skip
    meta = parameter_meta().get(figure.x, {})
    ax.set_xlabel(f"{figure.x}{_unit_words(str(meta.get('unit') or ''))}")
    ax.legend(fontsize=7)
