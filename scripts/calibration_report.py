"""Write docs/calibration.md: the fit. What was calibrated, against which fitting targets, how,
what the accepted ensemble looks like, and where the shipped defaults sit in it.

    python scripts/calibration_report.py            # run the defaults (a minute) and rewrite
    python scripts/calibration_report.py --check    # is the report current?

The calibration itself is `python scripts/calibrate.py` (relsim/evidence/abc.py); this report
reads what it wrote (calibration/abc_points.csv, ensemble.csv, ensemble.json) and runs the
fitting configurations at the shipped defaults. It carries a fingerprint of the defaults, the
regression baseline, the evidence code and the calibration's files; the tests fail when it no
longer matches. Held-out validation is a separate report (scripts/validation_report.py).
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

import numpy as np
import pandas as pd
from generate_odd_table import default_text, leaves

from relsim.config.errors import RunError
from relsim.config.schema import Scenario
from relsim.evidence import abc
from relsim.evidence.configs import CONFIGS, FIT_CONFIGS
from relsim.evidence.ensemble import ENSEMBLE, MANIFEST
from relsim.evidence.plan import EvidencePlan, run_plan
from relsim.evidence.report import EVIDENCE_CODE, check, fingerprint, stamp
from relsim.evidence.script_cli import at_least, failed_runs, one_line_errors
from relsim.evidence.targets import CONTEXT, FITTING, VALIDATION, Target
from relsim.evidence.uncertain import SPEC, UncertainSpec, load_spec

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "docs" / "calibration.md"
POINTS = ROOT / "calibration" / "abc_points.csv"
SCRIPT = "scripts/calibration_report.py"
DEFAULT_REPS = 3
SEED = 20261122
#: a target met by at least this share of the prior sample does not constrain the parameters
LOOSE = 0.9


def current_fingerprint() -> str:
    return fingerprint([*EVIDENCE_CODE, SPEC, POINTS, ENSEMBLE, MANIFEST])


def weighted_quantile(values: np.ndarray, weights: np.ndarray, q: float) -> float:
    keep = np.isfinite(values) & (weights > 0)
    if not keep.any():
        return float("nan")
    order = np.argsort(values[keep])
    v, w = values[keep][order], weights[keep][order]
    cumulative = (np.cumsum(w) - 0.5 * w) / w.sum()
    return float(np.interp(q, cumulative, v))


def _spread(values: np.ndarray, weights: np.ndarray, fmt) -> str:  # type: ignore[no-untyped-def]
    lo, mid, hi = (weighted_quantile(values, weights, q) for q in (0.05, 0.5, 0.95))
    return f"{fmt(mid)} [{fmt(lo)}, {fmt(hi)}]"


def _g(value: float) -> str:
    return f"{value:.3g}"


def defaults_plan(extra: tuple[str, ...] = ()) -> EvidencePlan:
    points: list[dict[str, float]] = [{} for _ in range(DEFAULT_REPS)]
    return EvidencePlan("calibration defaults", FIT_CONFIGS, points, 1, SEED, "distinct", extra)


def target_rows(
    targets: tuple[Target, ...], points: pd.DataFrame, defaults: pd.DataFrame
) -> list[str]:
    accepted = points[points["accepted"]]
    weights = accepted["weight"].to_numpy(dtype=float)
    rows = []
    for t in targets:
        prior = points[t.key].to_numpy(dtype=float)
        share = float(np.mean([t.met(v) for v in prior]))
        post = accepted[t.key].to_numpy(dtype=float)
        post_met = float(weights[[t.met(v) for v in post]].sum() / weights.sum())
        default = defaults[t.key].to_numpy(dtype=float)
        d = f"{t.fmt(float(np.nanmean(default)))}" if np.isfinite(default).any() else "no value"
        constrains = "no" if share >= LOOSE else "yes"
        rows.append(
            f"| {t.quantity} | {t.published} | {t.design} | {t.window()} | "
            f"{100 * share:.0f} % ({constrains}) | {_spread(post, weights, t.fmt)} "
            f"({100 * post_met:.0f} % met) | {d} |"
        )
    return rows


def parameter_rows(spec: UncertainSpec, points: pd.DataFrame) -> list[str]:
    accepted = points[points["accepted"]]
    weights = accepted["weight"].to_numpy(dtype=float)
    defaults = Scenario()
    rows = []
    for p in spec.parameters:
        unit = np.array([p.unit(v) for v in accepted[p.name].to_numpy(dtype=float)])
        lo, hi = (weighted_quantile(unit, weights, q) for q in (0.05, 0.95))
        narrowed = 1 - (hi - lo) / 0.9  # the prior's central 90 % spans 0.9 of the unit range
        if p.scale:
            shipped = "1 (the knobs' value)"
        else:
            node = defaults.model_dump(mode="json")
            for part in p.keys[0].split("."):
                node = node[part]
            shipped = _g(float(node))
        post = _spread(accepted[p.name].to_numpy(dtype=float), weights, _g)
        rows.append(
            f"| `{p.name}` | {'x ' if p.scale else ''}{p.low:g} to {p.high:g}"
            f"{' (log)' if p.log else ''} | {post} | {100 * max(narrowed, 0):.0f} % | {shipped} |"
        )
    return rows


def headline_rows(points: pd.DataFrame) -> list[str]:
    accepted = points[points["accepted"]]
    weights = accepted["weight"].to_numpy(dtype=float)
    rows = []
    for metric in abc.HEADLINE:
        column = f"difference_{metric}"
        if column not in points.columns:
            continue
        prior = points[column].to_numpy(dtype=float)
        ones = np.ones(prior.size)
        rows.append(
            f"| {metric} | {_spread(prior, ones, _n)} | "
            f"{_spread(accepted[column].to_numpy(dtype=float), weights, _n)} | "
            f"{100 * np.mean(prior[np.isfinite(prior)] < 0):.0f} % | "
            f"{100 * weights[accepted[column].to_numpy() < 0].sum() / weights.sum():.0f} % |"
        )
    return rows


def _n(value: float) -> str:
    return f"{value:,.2f}" if abs(value) < 10 else f"{value:,.0f}"


def build(points: pd.DataFrame, defaults: pd.DataFrame, print_: str) -> str:
    spec = load_spec()
    manifest = json.loads(MANIFEST.read_text())
    ensemble = pd.read_csv(ENSEMBLE)
    fit_defaults = abc.target_values(defaults, FITTING)
    context_defaults = abc.target_values(defaults, CONTEXT)
    minutes = manifest.get("wall_minutes")
    runs = manifest["points"] * len(manifest["configurations"])
    took = (
        f" ({runs:,} runs in {minutes:.0f} minutes of wall time with "
        f"{manifest.get('workers', 2)} workers on two cores shared with other work, a deliberate "
        "interruption and resumption included)"
        if minutes
        else ""
    )
    lines = [
        "# Calibration: the fit",
        "",
        *stamp(SCRIPT, print_),
        "",
        "This report is about **fitting**: which parameters were set from which published",
        "figures, how, and how tightly. Agreement with a fitting target is not evidence that the",
        "model works, because parameters were chosen to produce it. The held-out test is",
        "[validation.md](validation.md): published figures the calibration did not fit,",
        f"measured the way their studies measured them ({len(VALIDATION)} targets, disjoint from",
        "these; `tests/test_evidence.py` checks that).",
        "",
        "## What was calibrated, and what was not",
        "",
        f"The {len(spec.names)} uncertain parameters of `calibration/uncertain.yaml`: every",
        "parameter the evidence does not fix and that plausibly moves the headline comparison,",
        "including the need dynamics (reversion, the active threshold, coupling, driver",
        "spill-over, volatility, shocks), crisis hazards, help-seeking, the front door, the",
        "relational mechanisms and staff burnout, each with a range and its reason. Policy",
        "inputs are not fitted here: workforce size, caseload caps, flexible budgets, specialist",
        "capacity and funding stay as each scenario states them (the bundled assess-do-refer",
        "district has six duty workers whatever its caseload does; the earlier search below",
        "varied them, and six was its best point). Unit costs come from the",
        "sources below and are not fitted either.",
        "",
        "## How",
        "",
        "Rejection approximate Bayesian computation (`relsim/evidence/abc.py`, run by",
        "`python scripts/calibrate.py --workers 2`, resumable with `--resume`). The prior is",
        "uniform over each range (log-uniform where marked). A Latin hypercube of",
        f"{manifest['points']} points was drawn; each point ran the four fitting configurations",
        f"({', '.join(f'`{c}`' for c in FIT_CONFIGS)}: the bundled districts and the same at",
        "complexity 0.9, five years each, three measured after the two-year warm-up) once, on",
        f"its own random streams{took}. A point's distance is the root of the summed squares of",
        "each fitting target's distance outside its window, in window widths.",
        "",
        f"Acceptance: {manifest['acceptance']}",
        "",
        f"Result: {manifest['points']} points, {manifest['failed']} failed runs, "
        f"{manifest['inside_every_window']} inside every window, {manifest['accepted']} "
        f"accepted (tolerance {manifest['epsilon']:.3g} window widths), effective sample size "
        f"{manifest['effective_size']:.1f}. The accepted points and their weights are the",
        f"ensemble, `calibration/ensemble.csv` ({len(ensemble)} members); every point tried is",
        "in `calibration/abc_points.csv`, and `calibration/ensemble.json` records how they were",
        "made. `--ensemble N` on `relsim run`, `compare` and `sweep` draws from it.",
        "",
        "Honest limits: with 33 parameters and a few hundred points the prior is sampled",
        "coarsely, one run per point leaves chance in each distance, and the tolerance is the",
        "distance of the nearest tenth, not a small number. The ensemble is therefore a loose",
        "posterior: it rules out the parts of the ranges the fitting targets clearly reject and",
        "keeps the rest. A sequential ABC or history matching with an emulator would narrow",
        "it further; the store and the plan (`relsim/evidence/plan.py`) are built to take one.",
        "The hybrid is in none of the fitting configurations: its runs use the parameters",
        "fitted on the two pure models, and none of its own outcomes was set against a",
        "published figure (`relsim` warns when a scenario's knobs lie outside the fitted ones,",
        "not when its care model is the hybrid).",
        "",
        "## Fitting targets",
        "",
        "Prior: the share of all points meeting the target (a target met by 90 % or more of",
        "them does not constrain the parameters). Ensemble: the weighted median and central",
        "90 % over the accepted points, and the weighted share meeting it. Defaults: the shipped",
        f"scenario values, mean of {DEFAULT_REPS} runs.",
        "",
        "| target | published figure | design | window | prior meeting it (constrains?) | "
        "ensemble median [90 %] | defaults |",
        "|---|---|---|---|---|---|---|",
        *target_rows(FITTING, points, fit_defaults),
        "",
        "How each is measured:",
        "",
    ]
    for t in FITTING:
        note = f" Stands in: {t.proxy}." if t.proxy else ""
        lines.append(f"- {t.quantity}: {t.estimand} (`{t.config}`).{note}")
    lines += [
        "",
        "### Context, not used to accept",
        "",
        "Reported because earlier reports called them met; they do not constrain anything: a",
        "policy input decides the first, and nearly every parameter set meets the others.",
        "",
        "| target | published figure | design | window | prior meeting it (constrains?) | "
        "ensemble median [90 %] | defaults |",
        "|---|---|---|---|---|---|---|",
        *target_rows(CONTEXT, points, context_defaults),
        "",
        "## The parameters before and after",
        "",
        "Ensemble: weighted median and central 90 %. Narrowed: how much narrower the",
        "ensemble's central 90 % is than the prior's, in the units the range is sampled in",
        "(0 %: the fitting targets say nothing about the parameter). Shipped: the default the",
        "bundled scenarios use (not changed by the calibration: `--ensemble` applies the",
        "ensemble; a scale's shipped value is 1).",
        "",
        "| parameter | prior range | ensemble median [90 %] | narrowed | shipped |",
        "|---|---|---|---:|---|",
        *parameter_rows(spec, points),
        "",
        "## The headline before and after calibration",
        "",
        "The paired difference Liberated Method minus assess-do-refer in the bundled districts",
        "(per citizen-year, three measured years), over the prior sample and over the ensemble",
        "(weighted): the calibration's prior and posterior predictive. The last two columns give",
        "the share of points where the Liberated Method comes out lower.",
        "",
        "| difference | prior median [90 %] | ensemble median [90 %] | prior: lower | "
        "ensemble: lower |",
        "|---|---|---|---:|---:|",
        *headline_rows(points),
        "",
        "What drives these differences and which assumptions could reverse them:",
        "[sensitivity.md](sensitivity.md).",
        "",
        "## Calibrated parameters in the shipped defaults",
        "",
        "Before this calibration some defaults were set by hand against an earlier table of",
        "fourteen windows that mixed fitting with the patterns the model should produce (the",
        "earlier search, `calibration/search.yaml` and `refine.yaml` with their results, is",
        "kept for the record). The shipped defaults were not moved, so that results stay",
        "comparable; their place in the ensemble is in the table above.",
        "",
        "| parameter | default | how it was set |",
        "|---|---:|---|",
        *_calibrated_rows(),
        "",
        "## Unit costs (2023/24 prices)",
        "",
        "| parameter | value (GBP) | source and uprating |",
        "|---|---:|---|",
    ]
    crises = Scenario().crises
    sources = _sources()
    for name in ("ae", "mh_crisis", "police", "eviction"):
        key = f"crises.{name}.unit_cost_gbp"
        lines.append(
            f"| `{key}` | {getattr(crises, name).unit_cost_gbp:,.0f} | {sources.get(key, '')} |"
        )
    hourly = "workforce.hourly_cost_gbp"
    lines.append(
        f"| `{hourly}` | {Scenario().workforce.hourly_cost_gbp:,.0f} | {sources.get(hourly, '')} |"
    )
    lines += ["", "Runs: " + "; ".join(f"`{c}` {CONFIGS[c].describe}" for c in FIT_CONFIGS), ""]
    return "\n".join(lines)


def _sources() -> dict[str, str]:
    return {key: str(meta.get("source", "")) for key, _, _, meta in leaves(Scenario, Scenario())}


def _calibrated_rows() -> list[str]:
    return [
        f"| `{key}` | {default_text(key, value, meta)} | {meta['source']} |"
        for key, _, value, meta in leaves(Scenario, Scenario())
        if "calibrated" in str(meta.get("source", "")).lower()
    ]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the report is stale")
    parser.add_argument("--out", type=Path, default=Path("results/calibration-defaults"))
    parser.add_argument("--workers", type=at_least(1), default=max(1, os.cpu_count() or 1))
    args = parser.parse_args(argv)
    with one_line_errors("calibration_report"):
        report(args)


def report(args: argparse.Namespace) -> None:
    print_ = current_fingerprint()
    if args.check:
        check(REPORT, print_, f"python {SCRIPT}")
        return
    defaults = run_plan(defaults_plan(), args.out, force=True, workers=args.workers)
    problem = failed_runs(defaults, "report")
    if problem is not None:
        raise RunError(f"{problem}; see {args.out}")
    REPORT.write_text(build(pd.read_csv(POINTS), defaults, print_))
    print(f"wrote {REPORT}")


if __name__ == "__main__":
    main()
