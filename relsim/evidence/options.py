"""The `--ensemble` option of `relsim run`, `compare` and `sweep` (light: the command line loads
it at start-up)."""

from __future__ import annotations

import click
from click.core import ParameterSource

ensemble_option = click.option(
    "--ensemble",
    "ensemble",
    type=click.IntRange(2, 10_000),
    default=None,
    metavar="N",
    help="draw N parameter sets from the calibrated ensemble (calibration/ensemble.csv), each "
    "run --reps times (default 1 with --ensemble): intervals then carry parameter uncertainty "
    "as well as chance",
)


def reps_per_set(reps: int) -> int:
    """--reps as given, or 1 when --ensemble is used and --reps was left at its default."""
    context = click.get_current_context(silent=True)
    if context is not None and context.get_parameter_source("reps") == ParameterSource.DEFAULT:
        return 1
    return reps
