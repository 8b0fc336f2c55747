"""Write docs/validation.md: each held-out validation target, measured on the model the way its
study measured it, with its verdict.

    python scripts/validation_report.py            # run the model (a few minutes) and rewrite
    python scripts/validation_report.py --check    # is the report from the current model?

Runs go to a resumable store (--out, default results/validation; --resume finishes an
interrupted run). The report's fingerprint covers the defaults, the regression baseline, the
ensemble and the evidence code; the tests fail when it no longer matches.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from relsim.config.errors import RunError
from relsim.evidence import validation as val
from relsim.evidence.configs import CONFIGS
from relsim.evidence.ensemble import ENSEMBLE, MANIFEST, load_ensemble
from relsim.evidence.plan import run_plan
from relsim.evidence.report import EVIDENCE_CODE, check, fingerprint, stamp
from relsim.evidence.script_cli import at_least, check_configurations, failed_runs, one_line_errors
from relsim.evidence.targets import FITTING, VALIDATION

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "docs" / "validation.md"
SCRIPT = "scripts/validation_report.py"


def current_fingerprint() -> str:
    return fingerprint([*EVIDENCE_CODE, ENSEMBLE, Path(val.__file__)])


def _default(v: val.Verdict) -> str:
    d = v.default
    if d.get("mean") is None:
        return "no value"
    ci = d.get("ci95") or [d["mean"], d["mean"]]
    t = v.target
    return f"{t.fmt(d['mean'])} [{t.fmt(ci[0])}, {t.fmt(ci[1])}]"


def build(verdicts: list[val.Verdict], sets: int, default_reps: int, print_: str) -> str:
    ensemble = load_ensemble()
    counts = {k: sum(v.verdict == k for v in verdicts) for k in (val.AGREES, val.WITHIN,
                                                                 val.DISAGREES)}  # fmt: skip
    lines = [
        "# Validation against held-out evidence",
        "",
        *stamp(SCRIPT, print_),
        "",
        "Each row is a published figure that the calibration did not fit: the calibration",
        "([calibration.md](calibration.md)) uses only the fitting targets, a disjoint set",
        f"({', '.join(t.key for t in FITTING)}). The shipped defaults are not all out of sample.",
        "Before fitting and validation were kept apart, the defaults whose source says",
        '"calibrated" or "set in an earlier calibration" ([parameters.md](parameters.md)) were',
        "chosen against an earlier table of fourteen windows (`relsim/calibration.py`, searched by",
        "`calibration/search.yaml` and `refine.yaml`) that included the MEAM Approach reductions",
        "in A&E attendances and arrests; `liberated.contact_effect_per_hour` was then set by hand",
        "aiming at those reductions. So the defaults' values for the three MEAM rows are no test",
        "of the model; the ensemble draws those parameters afresh over their ranges",
        "(`calibration/uncertain.yaml`), and the verdicts come from the ensemble. The targets are",
        "disjoint as quantities, not as published figures: the windows of two fitting targets,",
        "the A&E and arrest rates of people entering support (`entry_ae_rate`,",
        "`entry_arrest_rate`), were worked out from the same MEAM Approach figures (1.2 A&E",
        "attendances a quarter at the start; -0.4 a quarter being -54 %, -0.3 arrests -41 %)",
        "whose changes the three MEAM rows below test, so those rows' 'before' is fitted to them.",
        "Each figure is measured on the model the way its",
        "study measured it (the study's design and the estimand are stated), on runs with six",
        "measured years after the two-year warm-up. The model's value is given with its",
        f"default parameters ({default_reps} replications, mean and 95 % t-interval: chance",
        f"only) and over {sets} parameter sets drawn from the calibrated ensemble",
        f"({ensemble.describe()['members']} accepted sets, `calibration/ensemble.csv`), one run",
        "each: the median and the central 90 % (5th to 95th percentile), which carry parameter",
        "uncertainty and, with one run a set, chance with it. The estimands, cohorts and",
        "configurations are defined once, in",
        "`relsim/evidence/` (`targets.py`, `estimands.py`, `configs.py`).",
        "",
        "Verdict, from the ensemble: **agrees** when its median is inside the window;",
        "**within uncertainty** when the median is outside but the window overlaps the central",
        "90 %; **disagrees** when the window lies outside it. The windows were written down",
        "before this report's runs, but some of the figures behind them were known when the",
        "defaults were chosen (above), and two rows lean on what was set or fitted: the share",
        "with four or more needs comes from the source that set the entrants' number of needs",
        "(its caveat below), and re-referral within five years measures, over a longer span, what",
        "the fitting target `rereferral_12m` measures over one year at the same front door, which",
        "the calibration misses too ([calibration.md](calibration.md)), so the two misses are",
        "one finding, not two.",
        "",
        f"Of {len(verdicts)} targets: {counts[val.AGREES]} agree, {counts[val.WITHIN]} are within",
        f"uncertainty, {counts[val.DISAGREES]} disagree.",
        "",
        "## Targets",
        "",
        "| target | published figure | design | model, defaults | model, ensemble median "
        "[90 %] | window | verdict |",
        "|---|---|---|---|---|---|---|",
    ]
    for v in verdicts:
        t = v.target
        lines.append(
            f"| {t.quantity} | {t.published} | {t.design} | {_default(v)} | "
            f"{t.fmt(v.median)} [{t.fmt(v.low)}, {t.fmt(v.high)}] | {t.window()} | "
            f"**{v.verdict}** |"
        )
    lines += [
        "",
        "## How each is measured",
        "",
        "| target | estimand in the model | cohort (median people a run) | caveat |",
        "|---|---|---|---|",
    ]
    for v in verdicts:
        t = v.target
        cohort = "" if v.cohort is None else f"{v.cohort:,.0f}"
        lines.append(f"| {t.quantity} | {t.estimand} | {cohort} | {t.proxy or '-'} |")
    lines += [
        "",
        "## The same people under assess-do-refer",
        "",
        "The before/after studies had no control group. With common random numbers the model",
        "can follow the same rows over the same weeks in the same district run under",
        "assess-do-refer: what the before/after estimand gives with no relational support at",
        "all (regression to the mean, and the needs' own course). Side by side, the two",
        "columns show the effect of relational support against assess-do-refer, not against no",
        "service; each is a median over the parameter sets taken on its own, so their",
        "difference is not the median of the paired effects. The published figures measure the",
        "first column.",
        "",
        "| target | supported (ensemble median) | same rows under assess-do-refer (median) |",
        "|---|---:|---:|",
    ]
    for v in verdicts:
        if v.beside_median is not None:
            t = v.target
            lines.append(f"| {t.quantity} | {t.fmt(v.median)} | {t.fmt(v.beside_median)} |")
    lines += [
        "",
        "## Runs",
        "",
    ]
    for name in dict.fromkeys(t.config for t in VALIDATION):
        config = CONFIGS[name]
        runs = "; ".join(f"`{f}` with {', '.join(s)}" for f, s in config.runs)
        lines.append(f"- `{name}`: {config.describe} ({runs}).")
    lines += [
        "",
        f"Regenerate with `python {SCRIPT}`; the ensemble comes from",
        f"`python scripts/calibrate.py` ({MANIFEST.relative_to(ROOT)} says how it was made).",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the report is stale")
    parser.add_argument("--out", type=Path, default=Path("results/validation"))
    parser.add_argument("--resume", action="store_true")
    parser.add_argument("--sets", type=at_least(1), default=val.ENSEMBLE_SETS)
    parser.add_argument("--default-reps", type=at_least(1), default=val.DEFAULT_REPS)
    parser.add_argument(
        "--set",
        dest="sets_",
        action="append",
        default=[],
        help="KEY=VALUE added to every run (tests: a tiny district)",
    )
    parser.add_argument("--report", type=Path, default=REPORT)
    parser.add_argument("--workers", type=at_least(1), default=max(1, os.cpu_count() or 1))
    args = parser.parse_args(argv)  # fmt: skip
    with one_line_errors("validation_report"):
        report(args)


def report(args: argparse.Namespace) -> None:
    print_ = current_fingerprint()
    if args.check:
        check(args.report, print_, f"python {SCRIPT}")
        return
    plan = val.plan(args.sets, args.default_reps, args.sets_)
    check_configurations(plan, args.sets_)
    try:
        rows = run_plan(plan, args.out, resume=args.resume, force=not args.resume,
                        workers=args.workers, label="validation")  # fmt: skip
    except KeyboardInterrupt:
        print(f"interrupted; rerun with --resume to finish {args.out}", file=sys.stderr)
        raise SystemExit(130) from None
    problem = failed_runs(rows, "report")
    if problem is not None:
        raise RunError(f"{problem}; see {args.out}")
    verdicts = val.judge(rows, args.default_reps)
    args.report.write_text(build(verdicts, args.sets, args.default_reps, print_))
    print(f"wrote {args.report}")


if __name__ == "__main__":
    main()
