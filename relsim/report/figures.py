"""The report's figures, as PNG bytes. Each series has its own line style and marker (and each
bar its own hatching) as well as its colour, so the figures read in black and white; every axis
says its unit."""

from __future__ import annotations

import io
import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from relsim.commission.payers import PAYER_LABELS, PAYER_VIEW, PayerComparison, break_even
from relsim.plotting import pyplot

plt = pyplot()

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from relsim.commission.analysis import Analysis

# Okabe-Ito: told apart by people with colour-blindness too.
COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
LINES = ("-", "--", ":", "-.", (0, (5, 1, 1, 1, 1, 1)), (0, (1, 3)), (0, (8, 2)))
MARKERS = ("o", "s", "^", "D", "v", "P", "X")
HATCHES = ("", "///", "...", "xx", "\\\\", "++", "oo")
DPI = 130

plt.rcParams.update({"font.size": 8, "axes.titlesize": 9, "axes.labelsize": 8})


def style(index: int) -> dict[str, Any]:
    i = index % len(COLOURS)
    return {"color": COLOURS[i], "linestyle": LINES[i], "marker": MARKERS[i]}


def png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, bbox_inches="tight")
    plt.close(figure)
    return buffer.getvalue()


DIFFERENCE_METRICS = {
    "crisis_events_per_citizen_year": "crisis events",
    "crisis_ae_per_citizen_year": "A&E attendances",
    "crisis_mh_crisis_per_citizen_year": "mental-health crises",
    "crisis_police_per_citizen_year": "arrests, custody",
    "crisis_eviction_per_citizen_year": "evictions",
    "total_cost_per_citizen_year": "total cost",
    "crisis_cost_per_citizen_year": "cost of crises",
    "staff_cost_per_citizen_year": "staff cost",
    "mean_wait_weeks": "waiting time",
    "failure_demand_share": "failure demand",
}


def differences_figure(payload: dict[str, Any]) -> bytes:
    """Paired differences from the first scenario, as a percentage of its value, with 95 %
    intervals: one marker style per comparison."""
    first = payload["scenarios"][0]
    labels = list(DIFFERENCE_METRICS.values())
    y = np.arange(len(labels))
    comparisons = list(payload["differences"].items())
    fig, ax = plt.subplots(figsize=(7, 0.35 * len(labels) + 1.4))
    offsets = np.linspace(-0.2, 0.2, len(comparisons)) if len(comparisons) > 1 else [0.0]
    for k, ((label, diffs), offset) in enumerate(zip(comparisons, offsets, strict=True)):
        means, lows, highs = [], [], []
        for metric in DIFFERENCE_METRICS:
            base = first["metrics"].get(metric, {}).get("mean")
            diff = diffs.get(metric, {})
            ci = diff.get("ci95")
            if not base or diff.get("mean") is None:
                means.append(np.nan)
                lows.append(np.nan)
                highs.append(np.nan)
                continue
            scale = 100 / abs(base)
            means.append(diff["mean"] * scale)
            # no measure here is negative, so none can fall by more than all of it (the
            # mean itself can, a little, where some runs have no value: the bar keeps it)
            low = (ci[0] if ci else diff["mean"]) * scale
            lows.append(max(low, min(-100.0, means[-1])))
            highs.append((ci[1] if ci else diff["mean"]) * scale)
        m, lo, hi = np.array(means), np.array(lows), np.array(highs)
        s = style(k + 1)
        ax.errorbar(
            m, y + offset, xerr=[m - lo, hi - m], fmt=s["marker"], color=s["color"],
            capsize=3, label=label, markersize=5,
        )  # fmt: skip
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_yticks(y, labels)
    ax.invert_yaxis()
    ax.set_xlabel(f"difference from {first['scenario']}, % of its value (95 % interval)")
    ax.set_title("What changes: paired differences")
    ax.grid(axis="x", linestyle=":", linewidth=0.5)
    ax.legend(loc="best", fontsize=7)
    return png(fig)


#: a panel's unit on the y axis fits its height (2.5 inches at 7 points) in lines this long
UNIT_CHARACTERS = 34


def bands_figure(
    analysis: Analysis, keys: Sequence[str], title: str, band: str = "95 % band"
) -> bytes:
    """Weekly means with 95 % bands, one panel per series; `band` says what line and band are
    (over replications, or over parameter sets)."""
    from relsim.commission.analysis import SERIES

    columns = 2 if len(keys) > 2 else len(keys)
    rows = int(np.ceil(len(keys) / columns))
    fig, axes = plt.subplots(rows, columns, figsize=(7.2, 2.5 * rows + 0.4), squeeze=False)
    for ax, key in zip(axes.flat, keys, strict=False):
        name, unit, _ = SERIES[key]
        for k, (scenario, bands) in enumerate(analysis.series.items()):
            found = bands[key]
            s = style(k)
            step = max(1, found.weeks.size // 8)
            ax.plot(
                found.weeks, found.mean, color=s["color"], linestyle=s["linestyle"],
                marker=s["marker"], markevery=step, markersize=4, linewidth=1.2, label=scenario,
            )  # fmt: skip
            ax.fill_between(found.weeks, found.low, found.high, color=s["color"], alpha=0.18)
        ax.set_title(name)
        # a long unit on one line ran up past its panel into the figure's title
        ax.set_ylabel("\n".join(textwrap.wrap(unit, UNIT_CHARACTERS)), fontsize=7)
        ax.set_xlabel("week of the measured period")
        ax.grid(linestyle=":", linewidth=0.5)
    for ax in list(axes.flat)[len(keys) :]:
        ax.set_visible(False)
    axes.flat[0].legend(fontsize=7)
    fig.suptitle(f"{title} ({band})", fontsize=9)
    fig.tight_layout()
    return png(fig)


def payers_figure(payload: dict[str, Any]) -> bytes:
    """Spend per citizen-year by payer, one hatched bar per scenario, with 95 % intervals."""
    comparisons = list((payload.get("payers") or {}).values())
    names = [b["scenario"] for b in payload["scenarios"]]
    payers = list(PAYER_VIEW)
    fig, ax = plt.subplots(figsize=(7, 0.55 * len(payers) * max(1, len(names) / 2) + 1.2))
    height = 0.8 / len(names)
    y = np.arange(len(payers))
    for k, name in enumerate(names):
        means: list[float] = []
        errors: list[list[float]] = [[], []]
        for payer in payers:
            if k == 0:
                entry = comparisons[0]["payers"][payer]["first_gbp_per_citizen_year"]
            else:
                entry = comparisons[k - 1]["payers"][payer]["other_gbp_per_citizen_year"]
            mean = entry.get("mean") or 0.0
            ci = entry.get("ci95") or [mean, mean]
            means.append(mean)
            errors[0].append(mean - ci[0])
            errors[1].append(ci[1] - mean)
        s = style(k)
        ax.barh(
            y + (k - (len(names) - 1) / 2) * height, means, height=height, xerr=errors,
            color=s["color"], alpha=0.75, hatch=HATCHES[k % len(HATCHES)], edgecolor="black",
            linewidth=0.5, capsize=2, label=name,
        )  # fmt: skip
    ax.set_yticks(y, [PAYER_LABELS[p] for p in payers])
    ax.invert_yaxis()
    ax.set_xlabel("GBP per citizen-year (95 % interval)")
    ax.set_title("Who pays: spending by payer")
    ax.grid(axis="x", linestyle=":", linewidth=0.5)
    ax.legend(fontsize=7)
    return png(fig)


def cumulative_figure(
    comparisons: Sequence[PayerComparison], title: str, weeks: str = "week of the measured period"
) -> bytes:
    """Cumulative saving for the district by payer over time, one panel per comparison; the
    whole system's break-even week marked."""
    count = len(comparisons)
    fig, axes = plt.subplots(count, 1, figsize=(7, 2.9 * count + 0.3), squeeze=False)
    for ax, comparison in zip(axes.flat, comparisons, strict=True):
        peak = max((np.nanmax(np.abs(v[0])) for v in comparison.cumulative.values()), default=1.0)
        unit, scale = ("£m", 1e6) if peak >= 1e6 else ("£ thousand", 1e3)
        for k, payer in enumerate((*PAYER_VIEW, "system")):
            mean, low, high = comparison.cumulative[payer]
            s = style(k)
            step = max(1, comparison.weeks.size // 8)
            ax.plot(
                comparison.weeks, mean / scale, color=s["color"], linestyle=s["linestyle"],
                marker=s["marker"], markevery=step, markersize=4,
                linewidth=2.0 if payer == "system" else 1.2, label=PAYER_LABELS[payer],
            )  # fmt: skip
            ax.fill_between(
                comparison.weeks, low / scale, high / scale, color=s["color"], alpha=0.15
            )
        ax.axhline(0, color="black", linewidth=0.8)
        week = break_even(comparison.cumulative["system"][0])
        if week is not None and week > 1:
            ax.axvline(week, color="black", linestyle=":", linewidth=1)
            ax.annotate(
                f"whole system breaks even: week {week}",
                (week, 0),
                xytext=(5, 8),
                textcoords="offset points",
                fontsize=7,
            )
        other = comparison.other
        # "liberated - baseline" read as the sign of a saving that is baseline minus liberated
        ax.set_title(
            f"{other} against {comparison.first}: cumulative saving (above zero: {other} costs "
            "less)"
        )
        ax.set_xlabel(weeks)
        ax.set_ylabel(f"saving for the district, {unit}")
        ax.grid(linestyle=":", linewidth=0.5)
        ax.legend(fontsize=6.5, ncol=2)
    fig.suptitle(f"{title} (mean, 95 % band)", fontsize=9)
    fig.tight_layout()
    return png(fig)
