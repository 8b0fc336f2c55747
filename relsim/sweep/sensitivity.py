"""Global sensitivity analysis with SALib: Morris elementary effects or Sobol' indices of the
headline metrics, on designs run by the sweep machinery (so they resume and run on Dask too)."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from relsim.config import ScenarioError
from relsim.config.errors import RunError, printable
from relsim.files import write_figure
from relsim.sweep.design import Range, check_design_size, check_distinct_keys, scale
from relsim.sweep.names import HEADLINE_METRICS, METHODS

MORRIS_LEVELS = 4


def _require_salib() -> None:
    try:
        import SALib  # noqa: F401
    except ImportError:
        raise ScenarioError(
            "sensitivity analysis needs SALib: pip install 'relsim[sensitivity]'"
        ) from None


def problem(ranges: Sequence[Range]) -> dict:
    return {
        "num_vars": len(ranges),
        "names": [r.key for r in ranges],
        "bounds": [[r.low, r.high] for r in ranges],
    }


def raw_sample(method: str, ranges: Sequence[Range], n: int, seed: int) -> np.ndarray:
    """The SALib sample in parameter units (before integer keys are rounded)."""
    spec = problem(ranges)
    _require_salib()
    from SALib.sample import morris as morris_sample
    from SALib.sample import sobol as sobol_sample

    if method == "morris":
        return morris_sample.sample(spec, N=n, num_levels=MORRIS_LEVELS, seed=seed)
    if method == "sobol":
        with warnings.catch_warnings():  # the command line says it once, plainly
            warnings.simplefilter("ignore")
            return sobol_sample.sample(spec, N=n, calc_second_order=False, seed=seed)
    raise ScenarioError(f"--method {method}: expected one of {', '.join(METHODS)}")


def check_integer_ranges(method: str, ranges: Sequence[Range]) -> None:
    """Morris steps between MORRIS_LEVELS evenly spaced levels; for an integer key every level
    must be a whole number, or rounding would change the steps the analysis divides by."""
    if method != "morris":
        return
    steps = MORRIS_LEVELS - 1
    for r in ranges:
        if r.integer and (round(r.high - r.low) % steps or not float(r.low).is_integer()):
            raise ScenarioError(
                f"--range {r.key}={r.low:g}:{r.high:g}: for Morris an integer key needs whole-"
                f"number bounds {steps} or a multiple of {steps} apart, so each of its "
                f"{MORRIS_LEVELS} levels is a whole number (e.g. {r.low:g}:{r.low + steps:g})"
            )


def sensitivity_design(method: str, ranges: Sequence[Range], n: int, seed: int) -> pd.DataFrame:
    check_distinct_keys([r.key for r in ranges], "--range")
    check_integer_ranges(method, ranges)
    per_base = len(ranges) + (1 if method == "morris" else 2)
    check_design_size(n * per_base, f"--method {method} --n {n} with {len(ranges)} keys")
    sample = raw_sample(method, ranges, n, seed)
    unit = (sample - [r.low for r in ranges]) / [r.high - r.low for r in ranges]
    return scale(unit, ranges)


def _with_values(means: pd.DataFrame, metrics: Sequence[str], notes: list[str] | None) -> list[str]:
    """The metrics with a value at every design point. One without (a share with nothing to
    count at some points, as burnout where there are no staff) has no indices: it is left out
    and said, and with none left the analysis is refused."""
    kept = [m for m in metrics if means[m].notna().all()]
    for metric in metrics:
        empty = int(means[metric].isna().sum())
        if empty and notes is not None:
            notes.append(
                f"{metric} has no value at {empty} of the {len(means)} design points (nothing "
                "to measure it by there): it is left out of the analysis"
            )
    if not kept:
        raise ScenarioError(
            f"sensitivity: none of the metrics ({', '.join(metrics)}) has a value at every "
            "design point; choose others with --metric"
        )
    return kept


def analyse(
    method: str,
    ranges: Sequence[Range],
    n: int,
    seed: int,
    runs: pd.DataFrame,
    metrics: Sequence[str] = HEADLINE_METRICS,
    notes: list[str] | None = None,
) -> pd.DataFrame:
    """Indices with 95 % confidence intervals, one row per (metric, parameter).

    What SALib warns of (a metric the same at every point, say) is added to `notes` in plain
    words, rather than reaching the terminal as warnings with SALib's file paths."""
    spec = problem(ranges)
    sample = raw_sample(method, ranges, n, seed)
    ok = runs[runs["status"] == "ok"]
    means = ok.groupby("point")[list(metrics)].mean().reindex(range(len(sample)))
    ran = set(ok["point"])
    missing = [point for point in range(len(sample)) if point not in ran]
    failed = sorted(set(missing) & set(runs.loc[runs["status"] == "failed", "point"]))
    if failed:  # the runs are there and failed: --resume alone counts them as done
        raise RunError(
            f"sensitivity: {len(failed)} design points have no successful run, their runs "
            f"failed (e.g. point {failed[0]}); once the cause is fixed, --resume "
            "--retry-failed runs them again"
        )
    if missing:
        raise ScenarioError(
            f"sensitivity: {len(missing)} design points have no successful run "
            f"(e.g. point {missing[0]}); finish the sweep with --resume"
        )
    metrics = _with_values(means, metrics, notes)
    rows = []
    for metric in metrics:
        y = means[metric].to_numpy()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            result = _indices(method, spec, sample, y, seed)
        if notes is not None:
            notes.extend(note for note in _notes(method, metric, y, caught) if note not in notes)
        if method == "morris":
            for j, name in enumerate(spec["names"]):
                rows.append(
                    {
                        "metric": metric,
                        "parameter": name,
                        "mu_star": result["mu_star"][j],
                        "mu_star_ci95": result["mu_star_conf"][j],
                        "mu": result["mu"][j],
                        "sigma": result["sigma"][j],
                    }
                )
        else:
            for j, name in enumerate(spec["names"]):
                rows.append(
                    {
                        "metric": metric,
                        "parameter": name,
                        "S1": result["S1"][j],
                        "S1_ci95": result["S1_conf"][j],
                        "ST": result["ST"][j],
                        "ST_ci95": result["ST_conf"][j],
                    }
                )
    return pd.DataFrame(rows)


def _indices(method: str, spec: dict, sample: np.ndarray, y: np.ndarray, seed: int) -> Any:
    from SALib.analyze import morris as morris_analyze
    from SALib.analyze import sobol as sobol_analyze

    if method == "morris":
        return morris_analyze.analyze(
            spec, sample, y, num_levels=MORRIS_LEVELS, conf_level=0.95, seed=seed
        )
    return sobol_analyze.analyze(spec, y, calc_second_order=False, conf_level=0.95, seed=seed)


def _notes(
    method: str, metric: str, y: np.ndarray, caught: Sequence[warnings.WarningMessage]
) -> list[str]:
    """What SALib's warnings on one metric mean, one plain line each."""
    if not caught:
        return []
    if np.ptp(y) == 0:
        return [
            f"{metric}: the same at every design point, so no key moves it within these "
            "ranges; its indices are 0"
        ]
    found = []
    for warning in caught:
        text = " ".join(str(warning.message).split())
        if text.startswith("Constant values encountered"):
            found.append(
                f"{metric}: identical values over part of the design, so its intervals are "
                "unreliable; a larger --n or wider ranges give more to go on"
            )
        else:
            label = "Morris" if method == "morris" else "Sobol'"
            found.append(f"{metric}: the {label} analysis warned: {printable(text, 200)}")
    return list(dict.fromkeys(found))


def write_sensitivity(
    out: Path,
    method: str,
    ranges: Sequence[Range],
    n: int,
    seed: int,
    metrics: Sequence[str],
    notes: list[str] | None = None,
) -> pd.DataFrame:
    """The indices of the sensitivity sweep in `out`, written beside its runs as
    sensitivity.csv and sensitivity.png, the directory locked while they are; returns them."""
    from relsim.files import write_csv
    from relsim.sweep.summary import load_sweep
    from relsim.targets import locked_directory

    with locked_directory(out):
        runs, _ = load_sweep(out)
        table = analyse(method, ranges, n, seed, runs, metrics, notes)
        write_csv(out / "sensitivity.csv", table)
        plot_indices(method, table, out / "sensitivity.png")
    return table


def plot_indices(method: str, table: pd.DataFrame, path: Path) -> None:
    """Morris: the standard μ*–σ plot per metric (SALib's), each key labelled, with the lines
    σ/μ* = 1, 0.5 and 0.1 that separate linear, monotonic and interacting effects. Sobol': the
    total-order index of each key with its 95 % interval."""
    from relsim.plotting import pyplot

    plt = pyplot()

    metrics = list(dict.fromkeys(table["metric"]))
    width = 3.6 if method == "morris" else 3.2
    fig, axes = plt.subplots(1, len(metrics), figsize=(width * len(metrics), 3.6), dpi=110)
    for ax, metric in zip(np.atleast_1d(axes), metrics, strict=True):
        part = table[table["metric"] == metric]
        if method == "morris":
            _mu_star_sigma(ax, part)
        else:
            ax.barh(part["parameter"], part["ST"], xerr=part["ST_ci95"], capsize=3, color="#4C72B0")
            ax.set_xlabel("ST", fontsize=8)
        ax.set_title(metric, fontsize=8)
        ax.tick_params(labelsize=7)
    title = "Morris: μ* against σ" if method == "morris" else "Sobol': ST with 95% interval"
    fig.suptitle(title, fontsize=9)
    fig.tight_layout()
    write_figure(path, fig)
    plt.close(fig)


def _mu_star_sigma(ax: Any, part: pd.DataFrame) -> None:
    from SALib.plotting.morris import covariance_plot

    indices = {
        "mu_star": part["mu_star"].to_numpy(),
        "sigma": part["sigma"].to_numpy(),
        "mu_star_conf": part["mu_star_ci95"].to_numpy(),
        "names": part["parameter"].tolist(),
    }
    covariance_plot(ax, indices, {"s": 14})
    for name, x, y in zip(indices["names"], indices["mu_star"], indices["sigma"], strict=True):
        ax.annotate(name, (x, y), fontsize=6, xytext=(3, 3), textcoords="offset points")
    # SALib writes its labels in TeX, which relsim's figures show as typed (relsim.plotting, for
    # users' names and values): they are given in plain symbols instead
    for text in ax.get_legend().get_texts():
        text.set_text(_plain_symbols(text.get_text()))
        text.set_fontsize(6)
    ax.set_xlabel("μ*", fontsize=8)
    ax.set_ylabel("σ", fontsize=8)


def _plain_symbols(label: str) -> str:
    """SALib's TeX legend ('σ / μ* = 1.0' written with \\sigma, \\mu^{\\star} and $) in symbols."""
    for tex, symbol in ((r"\mu^{\star}", "μ*"), (r"\sigma", "σ"), ("$", "")):
        label = label.replace(tex, symbol)
    return label
