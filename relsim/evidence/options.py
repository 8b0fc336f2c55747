"""The `--ensemble` option of `relsim run`, `compare` and `sweep` (light: the command line loads
it at start-up)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click
from click.core import ParameterSource

from relsim.cli_options import SetCount

#: Parameter sets a commissioner's report (compare --report) draws when --ensemble is not given;
#: --reps is shared among them (at least one run each), so the report costs what the comparison
#: would.
REPORT_SETS = 10


F = TypeVar("F", bound=Callable[..., Any])


def sets_option(help_text: str, default: int | None = None) -> Callable[[F], F]:
    """An --ensemble option: N parameter sets (2 or more), 0 for chance only."""
    return click.option(
        "--ensemble",
        "ensemble",
        type=SetCount(10_000),
        default=default,
        show_default=default is not None,
        metavar="N",
        help=help_text,
    )


ensemble_option = sets_option(
    "draw N parameter sets from the calibrated ensemble (calibration/ensemble.csv), each "
    "run --reps times (default 1 with --ensemble): intervals then carry parameter uncertainty "
    f"as well as chance. 0: chance only. compare --report or --xlsx without --ensemble draws "
    f"{REPORT_SETS} (no more than --reps) and shares --reps among them"
)


def sets_for(
    ensemble: int | None, report: object | None = None, reps: int = REPORT_SETS
) -> int | None:
    """The parameter sets to draw: as given; for a report, REPORT_SETS unless given (no more
    than the --reps they share, so a report never runs more than asked, and none from one run:
    a single drawn set would stand in for the scenario's own values); 0 is none."""
    if ensemble is None and report is not None:
        shared = min(REPORT_SETS, reps)
        ensemble = shared if shared >= 2 else 0
    return ensemble or None


def shared_reps_note(ensemble: int | None, reps: int, sets: int | None) -> str | None:
    """What a report's default ensemble does with --reps, when that is not all of them."""
    if ensemble is None and sets is None:
        return (
            f"--reps {reps}: one run gives no interval, and draws no parameter sets (the "
            "scenarios' own values are used); give --reps 2 or more"
        )
    per_set = report_reps_per_set(ensemble, reps, sets)
    if per_set is None or sets is None or per_set * sets == reps:
        return None
    return (
        f"--reps {reps} shared among {sets} parameter sets is {per_set} runs of each, "
        f"{per_set * sets} in all; give --reps a multiple of {sets}, or --ensemble"
    )


def report_reps_per_set(ensemble: int | None, reps: int, sets: int | None) -> int | None:
    """Runs of each parameter set when a report draws its sets by default (--ensemble not
    given): --reps shared among them, so a report costs what the comparison would; None when
    --ensemble was given (then `reps_per_set` decides)."""
    if ensemble is not None or not sets:
        return None
    return shared_reps_per_set(reps, sets)


def shared_reps_per_set(reps: int, sets: int) -> int:
    """Runs of each of `sets` parameter sets when --reps is shared among them (at least one)."""
    return max(1, reps // sets)


def reps_per_set(reps: int) -> int:
    """--reps as given, or 1 when --ensemble is used and --reps was left at its default."""
    context = click.get_current_context(silent=True)
    if context is not None and context.get_parameter_source("reps") == ParameterSource.DEFAULT:
        return 1
    return reps
