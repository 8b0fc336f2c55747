"""What `relsim sweep`, `sensitivity`, `experiment`, `frontier` and `budget` share on the
command line: the options for a results directory, resuming and Dask, and running a plan into
that directory with a clear word on what is left when it stops."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import click
from click.core import ParameterSource

from relsim.cli_options import host_problem
from relsim.config import ScenarioError
from relsim.config.errors import printable, shown
from relsim.signals import stopped_exit

if TYPE_CHECKING:
    from relsim.sweep.run import SweepPlan

out_option = click.option(
    "--out",
    type=click.Path(path_type=Path),
    required=True,
    help="results directory: runs.parquet (written as runs finish) and manifest.json",
)
resume_option = click.option(
    "--resume", is_flag=True, help="finish an interrupted sweep in --out (same arguments)"
)
retry_failed_option = click.option(
    "--retry-failed",
    is_flag=True,
    help="with --resume: run again the runs stored as failed",
)
force_option = click.option(
    "--force", is_flag=True, help="discard a non-empty --out and start again"
)


def check_dask_address(address: str) -> None:
    """Refuse, as bad input, an address that cannot be a scheduler's (malformed, a port out of
    range, a host that is not a host name or IP address): found from the text alone, before
    anything starts, rather than after a connection timeout."""
    from relsim.sweep.dask_executor import check_address

    check_address(address)  # first: it says when the 'distributed' package is missing
    from distributed.comm.addressing import parse_address, parse_host_port

    scheme, location = parse_address(address)
    if scheme == "inproc":
        return
    host = str(parse_host_port(location)[0])
    problem = host_problem(host)
    if problem is not None:
        raise ScenarioError(f"--dask {shown(address)}: {printable(host, 80)} {problem}")


def checked_dask_address(
    _ctx: click.Context, _param: click.Parameter, address: str | None
) -> str | None:
    if address is not None:
        check_dask_address(address)
    return address


dask_option = click.option(
    "--dask",
    "dask_address",
    metavar="ADDRESS",
    default=None,
    callback=checked_dask_address,
    help="run on an existing Dask scheduler, e.g. tcp://10.0.0.5:8786",
)
range_option = click.option(
    "--range",
    "ranges",
    multiple=True,
    metavar="KEY=LOW:HIGH",
    help="a swept key and its range (repeat it; sensitivity needs two or more)",
)


def check_together(
    resume: bool, force: bool, workers: int | None, dask_address: str | None
) -> None:
    """Refuse options that contradict each other, before anything runs."""
    if resume and force:
        raise click.UsageError("--resume and --force cannot be used together")
    if workers is not None and dask_address is not None:
        raise click.UsageError(
            "--workers and --dask cannot be used together (a Dask cluster runs on its own "
            "workers; relsim keeps about two runs per worker core in flight)"
        )


def execute_plan(
    plan: SweepPlan,
    out: Path,
    resume: bool,
    force: bool,
    workers: int | None,
    dask_address: str | None,
    retry_failed: bool = False,
) -> None:
    """Run the sweep; a failed run is recorded and the sweep goes on, so say how many failed."""
    from relsim.sweep.run import StoppedBeforeWriting, run_sweep

    check_together(resume, force, workers, dask_address)
    if retry_failed and not resume:
        raise click.UsageError("--retry-failed needs --resume (it reruns failed runs in --out)")
    try:
        failures = run_sweep(
            plan,
            out,
            resume=resume,
            force=force,
            workers=workers or max(1, os.cpu_count() or 1),
            dask_address=dask_address,
            retry_failed=retry_failed,
        )
    except KeyboardInterrupt as exc:
        if isinstance(exc, StoppedBeforeWriting) and not resume:
            left = f"nothing written to {out}; run the same command again"
        elif stored_runs(out) == 0:
            left = (
                f"no run had finished; {out} holds the sweep's plan: run the same command with "
                "--resume to run it"
            )
        else:
            left = f"finished runs are saved in {out}; run the same command with --resume to finish"
        raise stopped_exit(exc, left) from None
    if failures.failed:
        say_note(
            f"{failures.describe()}; `relsim sweep-summary` counts them by point, and "
            "--resume --retry-failed runs them again"
        )


def stored_runs(out: Path) -> int | None:
    """How many runs a sweep's store holds (None when it cannot be read): what a stop says
    is saved."""
    import pyarrow.parquet as pq

    from relsim.sweep.directory import PART, RUNS

    try:
        parts = [part for part in (out / RUNS).iterdir() if PART.fullmatch(part.name)]
        return sum(pq.ParquetFile(part).metadata.num_rows for part in parts)
    except (OSError, ValueError):
        return None


def given(parameter: str) -> bool:
    """Whether the command line set `parameter`, rather than leaving it at its default."""
    source = click.get_current_context().get_parameter_source(parameter)
    return source not in (None, ParameterSource.DEFAULT)


def note_sobol_size(method: str | None, n: int) -> None:
    if method == "sobol" and n & (n - 1):
        say_note("Sobol' points balance best when --n is a power of 2")


def say_note(text: str) -> None:
    click.echo(f"relsim: note: {printable(text)}", err=True)


def where_to_write(
    directory: Path, wanted: dict[str, tuple[Path | None, Path | None]]
) -> dict[str, Path | None]:
    """Where each file goes: `wanted` maps an option to (the path given, the default beside the
    sweep or None when not asked for). A sweep on a read-only disk is still read: what would
    have gone beside it is said to be left out (None), and what was given is written."""
    from relsim.target_checks import cannot_write_in

    defaulted = {o: d for o, (given, d) in wanted.items() if given is None and d is not None}
    reason = cannot_write_in(directory) if defaulted else None
    if reason is None:
        return {option: given or default for option, (given, default) in wanted.items()}
    left_out = " and ".join(f"{default.name} ({o} FILE)" for o, default in defaulted.items())
    say_note(
        f"cannot write in {directory} ({reason}): {left_out} not written; the option after "
        "each writes it elsewhere"
    )
    return {option: given for option, (given, _) in wanted.items()}


def note_unfinished(note: str | None) -> None:
    if note is not None:
        say_note(note)
