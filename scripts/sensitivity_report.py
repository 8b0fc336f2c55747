"""Write docs/sensitivity.md: what drives the headline differences, and which assumptions could
reverse them, by a Morris screening over every uncertain parameter.

    python scripts/sensitivity_report.py --workers 2            # run (about 3 minutes) and write
    python scripts/sensitivity_report.py --workers 2 --resume   # finish an interrupted run
    python scripts/sensitivity_report.py --check                # is the report current?

Runs go to a resumable store (--out, default results/sensitivity). The indices are also written
to docs/sensitivity/morris.csv, the differences at every point to docs/sensitivity/points.csv
and SALib's mu*-sigma plot to docs/sensitivity/morris.png. The reversal tables read the
calibration's points (calibration/abc_points.csv, written by scripts/calibrate.py).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from relsim.config.errors import RunError
from relsim.evidence import sensitivity as sens
from relsim.evidence.abc import HEADLINE
from relsim.evidence.plan import run_plan
from relsim.evidence.report import EVIDENCE_CODE, check, fingerprint, stamp
from relsim.evidence.script_cli import at_least, check_configurations, failed_runs, one_line_errors
from relsim.evidence.uncertain import SPEC, UncertainSpec, load_spec
from relsim.signals import stop_signals_interrupt
from relsim.sweep.sensitivity import plot_indices

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "docs" / "sensitivity.md"
FILES = ROOT / "docs" / "sensitivity"
POINTS = ROOT / "calibration" / "abc_points.csv"
SCRIPT = "scripts/sensitivity_report.py"
TRAJECTORIES = 8
LABEL = {
    "crisis_events_per_citizen_year": "crisis events per citizen-year",
    "total_cost_per_citizen_year": "total cost per citizen-year (GBP)",
    "cost_nhs_per_citizen_year": "NHS cost per citizen-year (GBP)",
    "cost_police_justice_per_citizen_year": "police and justice cost per citizen-year (GBP)",
    "cost_council_housing_per_citizen_year": "council and housing cost per citizen-year (GBP)",
}


def current_fingerprint(abc_points: Path = POINTS) -> str:
    return fingerprint([*EVIDENCE_CODE, SPEC, abc_points, Path(sens.__file__)])


def _n(value: float) -> str:
    return f"{value:,.2f}" if abs(value) < 10 else f"{value:,.0f}"


def _pct(value: float) -> str:
    return "-" if value != value else f"{100 * value:.0f} %"


def _range(spec: UncertainSpec, name: str) -> str:
    p = spec[name]
    kind = "factor " if p.scale else ""
    return f"{kind}{p.low:g} to {p.high:g}" + (" (log)" if p.log else "")


def _level_value(spec: UncertainSpec, name: str, level: float) -> str:
    return f"{spec[name].value(level):.3g}"


def account(
    spec: UncertainSpec,
    table: pd.DataFrame,
    diff: pd.DataFrame,
    by_level: dict[str, pd.DataFrame],
    prior: dict[str, float],
    posterior: dict[str, float],
) -> list[str]:
    """The plain-language part: per difference, its sign at the defaults, how often the prior
    and the calibrated ensemble reverse it, and the parameters and values that do."""
    lines = []
    for metric in sens.DIFFERENCES:
        default = float(diff.loc[sens.DEFAULTS_POINT, metric])
        part = table[table["metric"] == metric].sort_values("mu_star", ascending=False)
        levels = by_level[metric]
        direction = "lower" if default < 0 else "higher"
        morris_share = float((np.sign(diff[metric]) != np.sign(default)).mean())
        lines.append(
            f"- **{LABEL[metric]}**: at the defaults the Liberated Method is {direction} by "
            f"{_n(abs(default))}. Of the Morris points {_pct(morris_share)} "
            f"reverse that; of the calibration's prior sample {_pct(prior.get(metric, np.nan))}, "
            f"of its ensemble (weighted) {_pct(posterior.get(metric, np.nan))}."
        )
        top = part.head(3)
        named = ", ".join(
            f"`{r.parameter}` (mu* {_n(r.mu_star)}, {'raises' if r.mu > 0 else 'lowers'} it)"
            for r in top.itertuples()
        )
        lines.append(f"  Largest effects: {named}.")
        peaks = levels.max(axis=1).sort_values(ascending=False)
        flips = [
            f"`{name}` at {_level_value(spec, str(name), float(levels.loc[name].idxmax()))} "
            f"({_pct(float(share))} of the points there)"
            for name, share in peaks.items()
        ]
        if morris_share >= 0.3:
            lines.append(
                f"  Its sign is not settled: a third or so of all points reverse it. Reversals "
                f"are most frequent with {'; '.join(flips[:3])}."
            )
        elif (peaks >= 0.5).any():
            strong = flips[: int((peaks >= 0.5).sum())]
            more = f" (and {len(strong) - 5} more)" if len(strong) > 5 else ""
            lines.append(
                "  Reversed at half or more of the points with "
                + "; ".join(strong[:5])
                + more
                + "."
            )
        else:
            lines.append(
                "  No single parameter at any level reverses it at half the points; the most "
                f"reversals are with {'; '.join(flips[:2])}."
            )
    return lines


def build(
    spec: UncertainSpec, trajectories: int, rows: pd.DataFrame, print_: str, abc_points: Path
) -> tuple[str, pd.DataFrame, pd.DataFrame]:
    diff = sens.differences(rows)
    notes: list[str] = []
    table = sens.indices(spec, trajectories, diff, notes)
    for note in notes:  # SALib's warnings, in plain words
        print(f"note: {note}", file=sys.stderr)
    by_level = {m: sens.reversal_by_level(spec, trajectories, diff, m) for m in sens.DIFFERENCES}
    points = pd.read_csv(abc_points)
    prior: dict[str, float] = {}
    posterior: dict[str, float] = {}
    quarters: dict[str, tuple[pd.DataFrame, pd.DataFrame]] = {}
    for metric in HEADLINE:
        column = f"difference_{metric}"
        if column not in points.columns:
            continue
        sign = float(diff.loc[sens.DEFAULTS_POINT, metric])
        values = points[column].to_numpy(dtype=float)
        ok = np.isfinite(values)
        flipped = np.sign(values) != np.sign(sign)
        prior[metric] = float(flipped[ok].mean())
        w = points["weight"].to_numpy(dtype=float)
        posterior[metric] = float(w[ok & flipped].sum() / w[ok].sum()) if w[ok].sum() else np.nan
        quarters[metric] = (
            sens.reversal_by_quarter(spec, points, column, sign),
            sens.reversal_by_quarter(spec, points[points["accepted"]], column, sign,
                                     points.loc[points["accepted"], "weight"].to_numpy()),
        )  # fmt: skip
    morris_points = len(diff) - 1
    lines = [
        "# What drives the headline: sensitivity of the paired differences",
        "",
        *stamp(SCRIPT, print_),
        "",
        "The headline comparison is the bundled Liberated Method district against the bundled",
        "assess-do-refer district (`scenarios/liberated.yaml` minus `scenarios/baseline.yaml`,",
        "three measured years after the two-year warm-up, the same citizens and seed). This",
        "report asks which of the model's uncertain assumptions move that difference, and which",
        "could reverse it. Every parameter of `calibration/uncertain.yaml` is varied over its",
        f"whole range ({len(spec.names)} parameters; the ranges and reasons are in that file).",
        "",
        "**Method.** Morris elementary effects (SALib, the sampler and analysis `relsim",
        f"sensitivity` uses): {trajectories} trajectories of {len(spec.names) + 1} points, four",
        f"levels per parameter, {morris_points} points in all, each running both care models once",
        "on the same random streams (common random numbers across points and models, so",
        "chance moves an effect much less than with streams of its own, though not to nothing:",
        "each point is one run), plus one run at the defaults. The",
        "size was chosen to run in a few minutes on two cores (the run behind this page took",
        "three and a half): it ranks the",
        "parameters and shows which matter, but the indices' own 95 % intervals (in",
        "`docs/sensitivity/morris.csv`) are wide, and interactions show only as a large sigma.",
        "Parameters are moved in units of their range (log-uniform where the file says `log`):",
        "mu* is the mean absolute change of the difference when a parameter moves two thirds",
        "of its range; mu its signed mean; sigma the spread (non-linearity and interactions).",
        "",
        "**Reversal.** A point reverses a conclusion when its difference has the other sign",
        "than at the defaults. Two samples show where: the Morris points, at each of the four",
        "levels of each parameter, and the calibration's prior sample (a Latin hypercube over",
        "the same ranges, each point on its own random streams; `calibration/abc_points.csv`),",
        "by quarter of each range, before and after weighting by the calibrated ensemble.",
        "",
        "## In plain words",
        "",
        *account(spec, table, diff, by_level, prior, posterior),
        "",
        "## Morris indices",
        "",
        "mu* of each difference (absolute, in the difference's units), parameters ordered by",
        "their largest mu* relative to the difference at the defaults.",
        "",
    ]
    wide = table.pivot(index="parameter", columns="metric", values="mu_star")[
        list(sens.DIFFERENCES)
    ]
    signed = table.pivot(index="parameter", columns="metric", values="mu")[list(sens.DIFFERENCES)]
    defaults = diff.loc[sens.DEFAULTS_POINT, list(sens.DIFFERENCES)].abs()
    order = (wide / defaults.replace(0, np.nan)).max(axis=1).sort_values(ascending=False).index
    header = " | ".join(LABEL[m] for m in sens.DIFFERENCES)
    lines += [f"| parameter | range | {header} |", "|---|---|" + "---:|" * len(sens.DIFFERENCES)]
    default_row = " | ".join(_n(float(diff.loc[sens.DEFAULTS_POINT, m])) for m in sens.DIFFERENCES)
    lines.append(f"| *difference at the defaults* | | {default_row} |")
    for name in order:
        cells = " | ".join(
            f"{_n(float(wide.loc[name, m]))} ({'+' if signed.loc[name, m] > 0 else '-'})"
            for m in sens.DIFFERENCES
        )
        lines.append(f"| `{name}` | {_range(spec, str(name))} | {cells} |")
    lines += [
        "",
        "(+) the difference rises with the parameter on average, (-) it falls.",
        "",
        "![Morris mu* against sigma](sensitivity/morris.png)",
        "",
        "## Where the conclusion reverses",
        "",
    ]
    for metric in sens.DIFFERENCES:
        levels = by_level[metric]
        ranked = levels.max(axis=1).sort_values(ascending=False).index
        lines += [
            f"### {LABEL[metric]}",
            "",
            "Share of Morris points reversing the defaults' sign, by level of each parameter",
            "(0 the bottom of its range, 1 the top); parameters ordered by their largest share.",
            "",
            "| parameter | " + " | ".join(levels.columns) + " |",
            "|---|" + "---:|" * len(levels.columns),
        ]
        for name in ranked:
            row = levels.loc[name]
            cells = " | ".join(
                f"{_pct(float(v))} ({_level_value(spec, str(name), float(c))})"
                for c, v in row.items()
            )  # fmt: skip
            lines.append(f"| `{name}` | {cells} |")
        if metric in quarters:
            prior_q, posterior_q = quarters[metric]
            ranked_q = prior_q.max(axis=1).sort_values(ascending=False).index[:8]
            lines += [
                "",
                "From the calibration's prior sample: share reversing it by quarter of each",
                "range (prior, unweighted), and within the calibrated ensemble (weighted), for the",
                "eight parameters with the largest share in any quarter.",
                "",
                "| parameter | prior by quarter | ensemble by quarter |",
                "|---|---|---|",
            ]
            for name in ranked_q:
                a = " / ".join(_pct(float(v)) for v in prior_q.loc[name])
                b = " / ".join(_pct(float(v)) for v in posterior_q.loc[name])
                lines.append(f"| `{name}` | {a} | {b} |")
        lines.append("")
    lines += [
        "## Reproduce",
        "",
        f"`python {SCRIPT} --workers 2` (resumable with `--resume`; the runs go to",
        "`results/sensitivity`). It reads `calibration/abc_points.csv` from",
        "`python scripts/calibrate.py`.",
        "",
    ]
    return "\n".join(lines), table, diff


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the report is stale")
    parser.add_argument("--out", type=Path, default=Path("results/sensitivity"))
    parser.add_argument("--resume", action="store_true")
    parser.add_argument("--trajectories", type=at_least(2), default=TRAJECTORIES)
    parser.add_argument(
        "--set",
        dest="sets",
        action="append",
        default=[],
        help="KEY=VALUE added to every run (tests: a tiny district)",
    )
    parser.add_argument("--report", type=Path, default=REPORT)
    parser.add_argument("--files", type=Path, default=FILES)
    parser.add_argument("--abc-points", type=Path, default=POINTS)
    parser.add_argument("--workers", type=at_least(1), default=max(1, os.cpu_count() or 1))
    args = parser.parse_args(argv)  # fmt: skip
    with one_line_errors("sensitivity_report"):
        report(args)


def report(args: argparse.Namespace) -> None:
    print_ = current_fingerprint(args.abc_points)
    if args.check:
        check(args.report, print_, f"python {SCRIPT}")
        return
    spec = load_spec()
    plan = sens.plan(spec, args.trajectories, args.sets)
    check_configurations(plan, args.sets)
    try:
        with stop_signals_interrupt():
            rows = run_plan(plan, args.out, resume=args.resume, force=not args.resume,
                            workers=args.workers, label="sensitivity")  # fmt: skip
    except KeyboardInterrupt:
        print(f"interrupted; rerun with --resume to finish {args.out}", file=sys.stderr)
        raise SystemExit(130) from None
    problem = failed_runs(rows, "report")
    if problem is not None:
        raise RunError(f"{problem}; see {args.out}")
    text, table, diff = build(spec, args.trajectories, rows, print_, args.abc_points)
    args.files.mkdir(parents=True, exist_ok=True)
    table.to_csv(args.files / "morris.csv", index=False, float_format="%.6g")
    diff.rename_axis("point").to_csv(args.files / "points.csv", float_format="%.6g")
    plot_indices("morris", table, args.files / "morris.png")
    args.report.write_text(text)
    print(f"wrote {args.report}")


if __name__ == "__main__":
    main()
