"""Calibrate the uncertain parameters by rejection ABC and write the ensemble.

    python scripts/calibrate.py --out results/calibration --workers 2  # run (about 10 minutes)
    python scripts/calibrate.py --out results/calibration --resume   # finish an interrupted run
    python scripts/calibrate.py --out results/calibration --score    # rescore a finished run

Every point of a Latin hypercube over calibration/uncertain.yaml runs every fitting
configuration (relsim/evidence/configs.py) once, on the sweep machinery: runs are stored in
OUT/runs.parquet as they finish, and an interrupted calibration finishes with --resume. Then
every point tried, its target values, distance and weight go to calibration/abc_points.csv, the
accepted points (the ensemble) to calibration/ensemble.csv and how they were chosen to
calibration/ensemble.json (relsim/evidence/abc.py states the rule). A calibration other than
the shipped one (--points, --set, another --spec) must be written elsewhere (--write-to), and
runs that failed are never scored into an ensemble.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
from pathlib import Path

from relsim.config import ScenarioError
from relsim.config.errors import RunError
from relsim.environment import source_record
from relsim.evidence import abc
from relsim.evidence.ensemble import ENSEMBLE, MANIFEST
from relsim.evidence.plan import read_store, run_plan
from relsim.evidence.script_cli import (
    at_least,
    check_configurations,
    failed_runs,
    one_line_errors,
)
from relsim.evidence.targets import FITTING
from relsim.evidence.uncertain import SPEC, load_spec
from relsim.io import git_commit, now, portable_path
from relsim.signals import stop_signals_interrupt

ROOT = Path(__file__).resolve().parent.parent
POINTS = ROOT / "calibration" / "abc_points.csv"


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def wall_minutes(store: Path) -> float | None:
    """From the store's first start to its completion (an interruption's pause included)."""
    import datetime as dt

    manifest = json.loads((store / "manifest.json").read_text())
    if not manifest.get("finished"):
        return None
    started = dt.datetime.fromisoformat(manifest["started"])
    finished = dt.datetime.fromisoformat(manifest["finished"])
    return round((finished - started).total_seconds() / 60, 1)


def main(argv: list[str] | None = None) -> None:
    with one_line_errors("calibrate"):
        calibrate(argv)


def calibrate(argv: list[str] | None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("results/calibration"))
    parser.add_argument("--spec", type=Path, default=SPEC)
    parser.add_argument(
        "--points", type=at_least(2), help="override the spec's number of points (at least 2)"
    )
    parser.add_argument(
        "--set",
        dest="sets",
        action="append",
        default=[],
        help="KEY=VALUE added to every configuration (tests: a tiny district)",
    )
    parser.add_argument("--resume", action="store_true")
    parser.add_argument("--force", action="store_true")
    parser.add_argument("--score", action="store_true", help="only rescore a finished run")
    parser.add_argument("--workers", type=at_least(1), default=max(1, os.cpu_count() or 1))
    parser.add_argument(
        "--write-to",
        type=Path,
        default=ROOT / "calibration",
        help="where abc_points.csv, ensemble.csv and ensemble.json go",
    )
    args = parser.parse_args(argv)  # fmt: skip
    shipped = args.write_to.resolve() == (ROOT / "calibration").resolve()
    if shipped and (args.points is not None or args.sets or args.spec.resolve() != SPEC.resolve()):
        # the shipped ensemble is what the full calibration of the shipped spec accepted
        raise ScenarioError(
            "--points, --set or another --spec make a calibration other than the shipped one: "
            "give --write-to a directory of its own, so that calibration/ is not replaced"
        )
    spec = load_spec(args.spec.resolve())
    plan = abc.plan(spec, args.points, args.sets)
    if args.score:
        if not (args.out / "runs.parquet").exists():
            raise ScenarioError(f"--score: no calibration runs in {args.out} (run without --score)")
        rows = read_store(args.out)
    else:
        check_configurations(plan, args.sets)
        try:
            with stop_signals_interrupt():  # SIGTERM and SIGHUP stop it as Ctrl-C does
                rows = run_plan(
                    plan, args.out, resume=args.resume, force=args.force, workers=args.workers,
                    label="calibration", start_again="run again with --force",
                )  # fmt: skip
        except KeyboardInterrupt:
            print(f"interrupted; finished runs are kept in {args.out}; rerun with --resume",
                  file=sys.stderr)  # fmt: skip
            raise SystemExit(130) from None
    problem = failed_runs(rows, "ensemble")
    if problem is not None:
        raise RunError(
            f"{problem}; see {args.out}, and once the cause is fixed run again with --force"
        )
    table = abc.score(rows, spec)
    target = args.write_to
    target.mkdir(parents=True, exist_ok=True)
    abc.write_points(table, target / POINTS.name)
    ensemble = abc.ensemble_frame(table, spec)
    ensemble.to_csv(target / ENSEMBLE.name, index=False, float_format="%.6g")
    manifest = {
        "what": "accepted parameter sets of a rejection ABC over calibration/uncertain.yaml",
        "command": "python scripts/calibrate.py --out " + portable_path(args.out),
        "uncertain_spec": {"version": spec.version, "sha256": sha(args.spec)},
        "fitting_targets": [t.key for t in FITTING],
        "configurations": list(plan.configs),
        "extra_sets": list(args.sets),
        "replications_per_point": plan.reps,
        "seed": plan.seed,
        "acceptance": abc.__doc__.split("Acceptance: ", 1)[1].split("\n\n")[0].replace("\n", " "),
        **abc.summary(table, spec),
        "wall_minutes": wall_minutes(args.out),
        "workers": args.workers,
        # the commit alone would hide uncommitted changes to relsim's source
        **source_record(git_commit()),
        "written": now(),
        "files": {"points": POINTS.name, "ensemble": ENSEMBLE.name},
        "ensemble_sha256": sha(target / ENSEMBLE.name),
    }
    (target / MANIFEST.name).write_text(json.dumps(manifest, indent=2) + "\n")
    shown = ("points", "accepted", "inside_every_window", "effective_size", "epsilon")
    print(json.dumps({k: manifest[k] for k in shown}, indent=2))


if __name__ == "__main__":
    main()
