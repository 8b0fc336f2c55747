"""The figures of the staffing frontier and the budget search. Each series has its own line
style and marker as well as its colour, and the coarse surface is a grid of numbers, so they
read in black and white; every axis says its unit."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from relsim.commission.frontier import MEASURES
from relsim.commission.resources import posts_words


def frontier_figure(table: pd.DataFrame, better: pd.DataFrame, path: Path) -> None:
    """Crisis demand and total cost against the staff budget, with intervals, and the
    cost-effectiveness plane with its frontier; the better buy marked at each size."""
    from relsim.plotting import pyplot

    plt = pyplot()

    from relsim.files import write_figure
    from relsim.report.figures import HATCHES, style

    fig, axes = plt.subplots(1, 3, figsize=(13, 4.4))
    x_key = "staff_budget_gbp_per_citizen_year"
    series = list(dict.fromkeys(table["series"]))
    # Each series' intervals a little apart, so that they do not hide one another.
    dodge = 0.012 * float(np.ptp(table[x_key].to_numpy(float)) or table[x_key].max() or 1.0)
    for k, name in enumerate(series):
        part = table[table["series"] == name].sort_values(x_key)
        s = style(k)
        for ax, metric in zip(axes[:2], MEASURES, strict=True):
            mean = part[f"{metric}_mean"]
            low = (mean - part[f"{metric}_ci95_low"]).fillna(0)
            high = (part[f"{metric}_ci95_high"] - mean).fillna(0)
            ax.errorbar(
                part[x_key] + dodge * (k - (len(series) - 1) / 2), mean, yerr=[low, high],
                color=s["color"], linestyle=s["linestyle"],
                marker=s["marker"], capsize=3, markersize=5, label=name,
            )  # fmt: skip
        axes[2].plot(
            part["total_cost_per_citizen_year_mean"], part["crisis_events_per_citizen_year_mean"],
            color=s["color"], linestyle=s["linestyle"], marker=s["marker"], markersize=5,
            label=name,
        )  # fmt: skip
        for row in part.itertuples(index=False):
            axes[2].annotate(
                str(row.posts),
                (row.total_cost_per_citizen_year_mean, row.crisis_events_per_citizen_year_mean),
                xytext=(3, 3), textcoords="offset points", fontsize=6,
            )  # fmt: skip
    efficient = table[table["on_frontier"]].sort_values("total_cost_per_citizen_year_mean")
    axes[2].plot(
        efficient["total_cost_per_citizen_year_mean"],
        efficient["crisis_events_per_citizen_year_mean"],
        color="black", linewidth=2.5, alpha=0.35, label="frontier (not beaten on both)",
    )  # fmt: skip
    budgets = better["staff_budget_gbp_per_citizen_year"].to_numpy(float)
    edges = _edges(budgets)
    for ax, metric in zip(axes[:2], MEASURES, strict=True):
        for i, row in enumerate(better.itertuples(index=False)):
            best = getattr(row, f"{metric}_best")
            clearly = getattr(row, f"{metric}_clearly")
            if not best:  # a model has no successful run at this size: nothing to shade
                continue
            k = series.index(best)
            hatch = HATCHES[k % len(HATCHES)] if clearly else None
            ax.axvspan(
                edges[i], edges[i + 1], color=style(k)["color"], alpha=0.07, hatch=hatch,
                linewidth=0,
            )  # fmt: skip
            ax.text(
                budgets[i], 0.98, best + ("" if clearly else "?"), ha="center", va="top",
                fontsize=7, rotation=90, transform=ax.get_xaxis_transform(),
                bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.7, "pad": 1},
            )  # fmt: skip
        ax.set_xlabel("staff budget, GBP per citizen-year (posts x cost of a post)")
        ax.grid(linestyle=":", linewidth=0.5)
    axes[0].set_ylabel("crisis events per citizen-year (95 % interval)")
    axes[1].set_ylabel("total cost, all payers, GBP per citizen-year (95 % interval)")
    axes[0].legend(fontsize=7, loc="best")
    axes[2].set_xlabel("total cost, all payers, GBP per citizen-year")
    axes[2].set_ylabel("crisis events per citizen-year")
    axes[2].set_title("Cost-effectiveness plane (labels: posts)", fontsize=9)
    axes[2].grid(linestyle=":", linewidth=0.5)
    axes[2].legend(fontsize=7)
    axes[0].set_title("Crisis demand against staff spend", fontsize=9)
    axes[1].set_title("Total cost against staff spend", fontsize=9)
    fig.suptitle(
        "Staffing frontier: name above each size = lowest there (hatched: clearly, ?: not "
        f"clearly; paired 95 % intervals); intervals: {_kind(table)}",
        fontsize=9,
    )
    fig.tight_layout()
    write_figure(path, fig)
    plt.close(fig)


def _kind(table: pd.DataFrame) -> str:
    """Which interval the table's bars are (parameters and chance, or chance only)."""
    return str(table["interval"].iloc[0]) if "interval" in table.columns else "chance"


def _edges(centres: np.ndarray) -> np.ndarray:
    if centres.size == 1:
        return np.array([centres[0] * 0.9, centres[0] * 1.1])
    middle = (centres[1:] + centres[:-1]) / 2
    return np.concatenate(
        [
            [centres[0] - (middle[0] - centres[0])],
            middle,
            [centres[-1] + (centres[-1] - middle[-1])],
        ]
    )


def budget_figure(table: pd.DataFrame, result: dict[str, Any], path: Path) -> None:
    """The coarse surface as a grid of numbers (readable without colour), the refined points
    beside it, the optimum marked."""
    from relsim.plotting import pyplot

    plt = pyplot()
    import matplotlib.patches

    from relsim.files import write_figure
    from relsim.report.figures import style

    metric = result["outcome"]
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.6))
    coarse = table[table["stage"] == "coarse"]
    grid = coarse.pivot(index="threshold_active_needs", columns="caseworker_posts", values="mean")
    ax = axes[0]
    import matplotlib.colors

    values = grid.to_numpy(float)
    # greys from light, not from white: white is left to a cell with no value, and the lowest
    # value (often the optimum) is drawn as a cell
    greys = matplotlib.colors.ListedColormap(plt.get_cmap("Greys")(np.linspace(0.25, 1.0, 256)))
    image = ax.imshow(values, cmap=greys, aspect="auto", origin="lower", alpha=0.6)
    for (i, j), value in np.ndenumerate(values):
        if np.isfinite(value):
            ax.text(j, i, f"{value:.3g}", ha="center", va="center", fontsize=7)
    ax.set_xticks(range(len(grid.columns)), [str(c) for c in grid.columns])
    ax.set_yticks(range(len(grid.index)), [str(t) for t in grid.index])
    ax.set_xlabel(f"caseworker posts (of {result['posts']}; the rest are duty workers)")
    ax.set_ylabel("route to caseworkers at this many active needs or more")
    ax.set_title(f"Coarse search: mean {metric}", fontsize=9)
    fig.colorbar(image, ax=ax, shrink=0.8)
    best = result["optimum"]
    columns, rows = list(grid.columns), list(grid.index)
    if best["caseworker_posts"] in columns and best["threshold_active_needs"] in rows:
        j, i = columns.index(best["caseworker_posts"]), rows.index(best["threshold_active_needs"])
        ax.add_patch(
            matplotlib.patches.Rectangle(
                (j - 0.5, i - 0.5), 1, 1, fill=False, linewidth=2.5, edgecolor="black"
            )
        )
    ax = axes[1]
    refined = table[table["stage"] != "coarse"]
    for k, (threshold, part) in enumerate(refined.groupby("threshold_active_needs")):
        part = part.sort_values("caseworker_posts")
        s = style(k)
        mean = part["difference_from_optimum"]
        ax.errorbar(
            part["caseworker_posts"] + 0.04 * (k - 1), mean,
            yerr=[(mean - part["difference_ci95_low"]).fillna(0),
                  (part["difference_ci95_high"] - mean).fillna(0)],
            color=s["color"], linestyle=s["linestyle"], marker=s["marker"], capsize=3,
            label=f"threshold {threshold}",
        )  # fmt: skip
    ax.plot(
        best["caseworker_posts"], 0, marker="*", markersize=16, color="black",
        linestyle="none", label="optimum",
    )  # fmt: skip
    ax.axhline(0, color="black", linewidth=0.8)
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_xlabel("caseworker posts")
    ax.set_ylabel("difference from the optimum (paired 95 % interval)")
    ax.set_title(f"Pattern search: {metric} at each point minus at the optimum", fontsize=9)
    ax.grid(linestyle=":", linewidth=0.5)
    ax.legend(fontsize=7)
    fig.suptitle(
        f"Best balance of the hybrid for a staff budget of "
        f"£{result['staff_budget_gbp_per_year']:,.0f} a year ({posts_words(result['posts'])}); "
        f"intervals: {_kind(table)}",
        fontsize=10,
    )
    fig.tight_layout()
    write_figure(path, fig)
    plt.close(fig)
