"""Two or more revisions of relsim against each other: is a change faster, and are its results
identical?

Each revision (a git revision, or `.` for the working tree with its uncommitted changes) is
exported into a temporary directory (`git archive`, so the repository is not touched) and run
from there with this environment's interpreter and packages. For each bundled scenario:

- **identical**: one run with journeys and the weekly series kept, under every revision; its
  metrics, journeys and series must be equal to the first revision's, value for value;
- **speed**: the process time of a run as a sweep makes it (no journeys, no series), the best of
  `--repeats` runs in one process after one to warm up, every revision in turn, `--rounds`
  times, the order rotated each round. Reported: the median of the rounds and their range, and
  the change against the first revision.

The load average is printed with the results: on a shared machine compare only revisions
measured in the same call.

    python benchmarks/revisions.py HEAD~1 .      # the last commit, and what is uncommitted
    python benchmarks/revisions.py v1 v2 --scenarios baseline --rounds 6
    python benchmarks/revisions.py HEAD . --set time.weeks=52 --identical-only
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path
from typing import NoReturn

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ("baseline", "liberated", "hybrid")


def fail(problem: str) -> NoReturn:
    print(f"revisions: {problem}", file=sys.stderr)
    sys.exit(2)


def export(revision: str, into: Path) -> Path:
    """The source tree of `revision` (`.`: this checkout as it is) as a directory."""
    if revision == ".":
        return ROOT
    tree = into / revision.replace("/", "_").replace("~", "-").replace("^", "-")
    tree.mkdir()
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", revision],
        capture_output=True,
        check=False,
    )
    if archive.returncode != 0:
        fail(f"{revision}: {archive.stderr.decode().strip()}")
    with tempfile.TemporaryFile() as handle:
        handle.write(archive.stdout)
        handle.seek(0)
        with tarfile.open(fileobj=handle) as tar:
            tar.extractall(tree, filter="data")
    return tree


def child(tree: Path, scenario: str, sets: list[str], mode: str, repeats: int) -> dict:
    """Run in a fresh process with `tree`'s relsim; `mode` is 'identical' or 'speed'."""
    env = {
        **os.environ,
        "PYTHONPATH": str(tree),
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
    }
    command = [sys.executable, __file__, "--child", mode, "--tree", str(tree)]
    command += ["--scenarios", scenario, "--repeats", str(repeats)]
    for assignment in sets:
        command += ["--set", assignment]
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        fail(f"{tree}: {scenario}: {done.stderr.strip()[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _digest(frame: object) -> str | None:
    if frame is None:
        return None
    import pandas as pd

    assert isinstance(frame, pd.DataFrame)
    hashed = pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes()
    return hashlib.sha256(hashed + ",".join(map(str, frame.columns)).encode()).hexdigest()


def in_child(args: argparse.Namespace) -> None:
    import relsim
    from relsim.config import load_scenario
    from relsim.runner import run_one

    tree = Path(args.tree).resolve()
    if tree not in Path(relsim.__file__).resolve().parents:
        raise SystemExit(f"relsim was imported from {relsim.__file__}, not from {tree}")
    scenario = load_scenario(tree / "scenarios" / f"{args.scenarios[0]}.yaml", args.set)
    if args.child == "identical":
        result = run_one(scenario, scenario.seed, 0, journeys=True, timeseries=True)
        metrics = {k: repr(float(v)) for k, v in sorted(result.metrics.items())}
        found: dict[str, object] = {
            "metrics": metrics,
            "journeys": _digest(result.journeys),
            "series": _digest(result.timeseries),
        }
    else:
        run_one(scenario, scenario.seed, 0, journeys=False, timeseries=False)  # warms caches
        seconds = []
        for _ in range(args.repeats):
            start = time.process_time()
            run_one(scenario, scenario.seed, 0, journeys=False, timeseries=False)
            seconds.append(time.process_time() - start)
        found = {"seconds": min(seconds)}
    print(json.dumps(found))


def compare_results(trees: dict[str, Path], scenarios: list[str], sets: list[str]) -> bool:
    """Prints, per scenario, whether every revision's results equal the first's."""
    same_everywhere = True
    first = next(iter(trees))
    for scenario in scenarios:
        found = {rev: child(tree, scenario, sets, "identical", 1) for rev, tree in trees.items()}
        for revision, result in found.items():
            if revision == first:
                continue
            reference = found[first]
            differ = [
                k
                for k in reference["metrics"]
                if reference["metrics"][k] != result["metrics"].get(k)
            ]
            added = sorted(set(result["metrics"]) - set(reference["metrics"]))
            parts = []
            if differ:
                parts.append(f"{len(differ)} metrics differ (first: {', '.join(differ[:4])})")
            if added:
                parts.append(f"metrics added: {', '.join(added)}")
            for what in ("journeys", "series"):
                if result[what] != reference[what]:
                    parts.append(f"{what} differ")
            verdict = "identical" if not parts else "; ".join(parts)
            same_everywhere &= not parts
            print(f"{scenario}: {revision} against {first}: {verdict}")
    return same_everywhere


def compare_speed(
    trees: dict[str, Path], scenarios: list[str], sets: list[str], rounds: int, repeats: int
) -> None:
    revisions = list(trees)
    first = revisions[0]
    loads = [os.getloadavg()[0]]
    seconds: dict[tuple[str, str], list[float]] = {}
    for scenario in scenarios:
        for number in range(rounds):
            shift = number % len(revisions)
            for revision in revisions[shift:] + revisions[:shift]:
                found = child(trees[revision], scenario, sets, "speed", repeats)
                seconds.setdefault((scenario, revision), []).append(found["seconds"])
            loads.append(os.getloadavg()[0])
    print()
    print(
        f"process time of a run, best of {repeats} in a process; median of {rounds} rounds (range)"
    )
    print()
    print("| scenario | revision | seconds | change |")
    print("|---|---|---:|---:|")
    for scenario in scenarios:
        reference = statistics.median(seconds[scenario, first])
        for revision in revisions:
            runs = seconds[scenario, revision]
            middle = statistics.median(runs)
            change = "" if revision == first else f"{100 * (middle / reference - 1):+.1f} %"
            print(
                f"| {scenario} | {revision} | {middle:.3f} ({min(runs):.3f}–{max(runs):.3f}) "
                f"| {change} |"
            )
    print()
    print(f"load average (1 minute) {min(loads):.1f}–{max(loads):.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("revisions", nargs="*", help="git revisions, or . for the working tree")
    parser.add_argument("--scenarios", nargs="+", default=list(SCENARIOS))
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--identical-only", action="store_true", help="compare results only")
    parser.add_argument("--child", choices=("identical", "speed"), help=argparse.SUPPRESS)
    parser.add_argument("--tree", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        in_child(args)
        return
    if len(args.revisions) < 2 or len(set(args.revisions)) < len(args.revisions):
        parser.error("name two or more different revisions (. is the working tree)")
    with tempfile.TemporaryDirectory(prefix="relsim-revisions-") as scratch:
        trees = {revision: export(revision, Path(scratch)) for revision in args.revisions}
        identical = compare_results(trees, args.scenarios, args.set)
        if not args.identical_only:
            compare_speed(trees, args.scenarios, args.set, args.rounds, args.repeats)
    sys.exit(0 if identical else 1)


if __name__ == "__main__":
    main()
