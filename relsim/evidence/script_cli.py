"""What the evidence scripts (scripts/calibrate.py and the three report scripts) share at the
command line: whole numbers checked as they are read, and errors said in one line with the
status relsim's own commands use (2 for input the user can put right, 1 for runs that
failed), never as a traceback."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

import pandas as pd

from relsim.config import ScenarioError
from relsim.config.errors import RunError, printable
from relsim.evidence.configs import CONFIGS, scenario_for
from relsim.evidence.plan import EvidencePlan


def at_least(low: int) -> Callable[[str], int]:
    """An argparse type: a whole number of at least `low`."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < low:
            raise argparse.ArgumentTypeError(f"{value} is below {low}")
        return value

    return parse


@contextmanager
def one_line_errors(script: str) -> Iterator[None]:
    """Run a script's body, turning what goes wrong into `script: error: ...` lines."""
    try:
        yield
    except ScenarioError as exc:
        for problem in exc.problems:
            print(f"{script}: error: {problem}", file=sys.stderr)
        raise SystemExit(2) from None
    except (OSError, RunError) as exc:
        print(f"{script}: error: {printable(str(exc))}", file=sys.stderr)
        raise SystemExit(1 if isinstance(exc, RunError) else 2) from None


def check_configurations(plan: EvidencePlan, sets: Sequence[str]) -> None:
    """Every configuration of the plan loads with the --set overrides (a key misspelt in --set
    would fail every run, after all of them had been made)."""
    for config in plan.configs:
        for file, config_sets in CONFIGS[config].runs:
            scenario_for(file, config_sets, {}, sets)


def failed_runs(rows: pd.DataFrame, made: str) -> str | None:
    """Why nothing can be `made` from these runs, if any failed: a point judged on some of its
    configurations would be judged on others' targets, and a report would rest on fewer runs
    than it says."""
    failed = rows[rows["status"] == "failed"]
    if failed.empty:
        return None
    first = failed["error"].iloc[0]
    return f"{len(failed)} of {len(rows)} runs failed (first: {first}); no {made} written"
