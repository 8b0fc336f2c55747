"""The command line: thin wrappers over config, runner, stats and io.

Bad input gets one line on stderr and exit status 2; anything else that fails gets exit status 1.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sys
from collections.abc import Sequence
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any, NoReturn

import click

from relsim import bundled
from relsim.cli_compare import add_compare_command
from relsim.cli_options import (
    WholeNumber,
    check_host,
    emit_json,
    json_option,
    refuse_empty_paths,
    reps_option,
    seed_option,
    set_option,
    warn,
    warn_proportions,
    warn_unread,
    workers_option,
)
from relsim.cli_tools import add_tool_commands
from relsim.commission.cli import add_commission_commands
from relsim.config import ScenarioError, load_scenario
from relsim.config.errors import RunError, printable
from relsim.evidence.options import (
    ensemble_option,
    sets_for,
)
from relsim.io import OutputError, now
from relsim.metrics import UNITS
from relsim.output import print_summary
from relsim.pools import shared_pool
from relsim.run_results import (
    default_workers,
    ensemble_draw,
    run_scenario,
    scenario_block,
    write_run,
)
from relsim.signals import (
    describe,
    exit_status,
    exit_stopped,
    ignore_stop_signals,
    left_behind,
    stop_received,
    stop_signals_interrupt,
)
from relsim.stdout import StdoutError, guarded_stdout, silence_stdout
from relsim.sweep.cli import add_sweep_commands
from relsim.sweep.study_commands import add_discover_command, add_experiment_commands
from relsim.target_checks import why_not
from relsim.targets import ResultTarget

BAD_INPUT = 2


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="relsim")
def cli() -> None:
    """relsim: assess-do-refer versus the Liberated Method, simulated week by week."""


@cli.command()
@click.argument("scenario", type=click.Path(path_type=Path))
@reps_option
@seed_option
@set_option
@workers_option
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=None,
    help="write summary.csv, summary_means.csv, timeseries.parquet, journeys.parquet and "
    "manifest.json",
)
@click.option("--force", is_flag=True, help="replace a non-empty --out directory")
@ensemble_option
@json_option
def run(
    scenario: Path,
    reps: int,
    seed: int | None,
    sets: tuple[str, ...],
    workers: int | None,
    out: Path | None,
    force: bool,
    ensemble: int | None,
    as_json: bool,
) -> None:
    """Run SCENARIO (a file, or the name of a bundled scenario such as `baseline`) for --reps
    replications and report every metric with 95 % intervals (chance only, or with --ensemble
    parameter uncertainty and chance)."""
    if force and out is None:
        raise click.UsageError("--force needs --out (it replaces an earlier result there)")
    path = bundled.resolve("scenarios", scenario)
    config = load_scenario(path, sets)
    seed = config.seed if seed is None else seed
    draw = ensemble_draw(sets_for(ensemble), reps, seed, path, sets)
    warnings = warn_proportions([config]) + warn_unread(sets, [config])
    with ResultTarget(out, force) if out is not None else contextlib.nullcontext() as target:
        started = now()
        journeys_to = target.staged if target is not None else None
        results = run_scenario(config, reps, seed, workers or default_workers(), journeys_to, draw)
        from relsim.warmup import unsettled_warnings

        block = scenario_block(config, results, seed, started, draw)
        warnings += warn(unsettled_warnings([block]))
        # what was said on stderr is kept with the result, as a comparison keeps it
        block = {**block, "warnings": warnings}
        if target is not None:
            write_run(target.staged, config, results, block, draw)
            target.commit()
    show_run(block, as_json)


def name_warnings(name: str) -> list[str]:
    """A valid scenario whose name compare and experiments cannot use: they make a directory
    of it (validate said 'ok' of `name: ../../evil`, which compare then refused)."""
    from relsim.result_files import OutputError
    from relsim.target_checks import check_entry_name

    try:
        check_entry_name(name, "name")
    except OutputError as exc:
        return [f"{exc}: compare and experiments, which name a directory after it, refuse it"]
    return []


def show_run(block: dict[str, Any], as_json: bool) -> None:
    """A run's results on stdout: one JSON object, or a table."""
    if as_json:
        emit_json(block)
    else:
        print_summary(block, UNITS)


@cli.command()
@click.argument("scenarios", nargs=-1, required=True, type=click.Path(path_type=Path))
@set_option
def validate(scenarios: tuple[Path, ...], sets: tuple[str, ...]) -> None:
    """Check scenario files against the schema without running them."""
    failed = 0
    for path in scenarios:
        try:
            config = load_scenario(bundled.resolve("scenarios", path), sets)
        except ScenarioError as exc:
            failed += 1
            for problem in exc.problems:
                click.echo(f"relsim: error: {problem}", err=True)
            continue
        click.echo(printable(f"ok: {path} ({config.name}, {config.care_model})"))
        warn_proportions([config])
        warn_unread(sets, [config])
        warn(name_warnings(config.name))
    if failed:
        sys.exit(BAD_INPUT)


@cli.command()
@click.argument("scenario", required=False, type=click.Path(path_type=Path))
@click.option("--host", default="127.0.0.1", show_default=True, help="address to listen on")
@click.option(
    "--port", type=WholeNumber(0, 65535), default=8765, show_default=True, help="0: any free"
)
def viz(scenario: Path | None, host: str, port: int) -> None:
    """Open the teaching app in a browser: SCENARIO (default: baseline) beside a contrasting
    care model, on the same citizens, with live charts, journeys and exercises."""
    from relsim.viz.scenarios import bundled_scenario, resolve, scenario_data
    from relsim.viz.server import AddressError, ServerError, serve
    from relsim.viz.session import default_workers_note, initial_setup, outside_sliders

    check_host(host, "--host")
    path = bundled_scenario("baseline" if scenario is None else str(scenario))
    load_scenario(path)
    base = scenario_data(path)
    setup = initial_setup(resolve(base, str(path)))
    outside = outside_sliders(setup)
    if outside:
        raise ScenarioError(
            f"{printable(str(path))}: the app's sliders cannot show {', '.join(outside)}; a "
            "slider's first move would replace the value, so give values in range (relsim "
            "scale --citizens sizes a district; relsim run takes any)"
        )
    note = default_workers_note(base, setup)
    if note is not None:
        click.echo(f"relsim viz: note: {printable(note)}", err=True)
    try:
        serve(path, host, port, lambda url: click.echo(f"relsim viz: open {url} (Ctrl-C stops)"))
    except AddressError as exc:
        raise ScenarioError(str(exc)) from None
    except ServerError as exc:
        raise click.ClickException(str(exc)) from None


def _fail(problems: Sequence[str], status: int, program: bool = False) -> NoReturn:
    """One line on stderr per problem, with nothing a terminal would interpret; or, if a stop
    signal turned into some other error on its way out, the stop's line and status."""
    if stop_received() is not None:
        _stopped(None, program)
    for problem in problems:
        click.echo(f"relsim: error: {printable(_joined(problem))}", err=True)
    sys.exit(status)


def _no_command(exc: click.UsageError) -> bool:
    """A group called with nothing after it (Click raises this as an error)."""
    return isinstance(exc, click.exceptions.NoArgsIsHelpError)


def _joined(problem: str) -> str:
    """A message laid out over several lines (click lists choices one per line) as one line."""
    return " ".join(part.strip() for part in problem.split("\n") if part.strip())


def _stopped(interrupt: BaseException | None, program: bool = False) -> NoReturn:
    click.echo(f"relsim: {describe(interrupt)}; {printable(left_behind())}", err=True)
    exit_stopped(exit_status(interrupt), program)


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point: turns every failure into one line per problem and the contract's exit
    status."""
    program = argv is None  # the program itself, not a caller in the same process
    try:
        # one process pool for all of a command's replications and sweeps, started if needed
        with stop_signals_interrupt(), shared_pool(), guarded_stdout():
            cli.main(args=argv, prog_name="relsim", standalone_mode=False)
    except ScenarioError as exc:
        _fail(exc.problems, BAD_INPUT, program)
    except OutputError as exc:
        _fail(str(exc).splitlines() or ["bad output target"], BAD_INPUT, program)
    except click.UsageError as exc:
        if _no_command(exc):
            # `relsim` or `relsim experiment` alone asks what there is: its help, whole, as
            # --help gives it (squeezed into one error line, it was cut off after `init`)
            click.echo(exc.ctx.get_help() if exc.ctx else "")
            return
        _fail([exc.format_message()], BAD_INPUT, program)
    except (KeyboardInterrupt, click.Abort) as exc:
        _stopped(exc, program)
    except SystemExit as exc:
        if stop_received() is None or not isinstance(exc.code, int):
            raise
        # a study's own stop (`stopped_exit`), already said: it ends as every stop does
        exit_stopped(exc.code, program)
    except click.ClickException as exc:
        _fail([exc.format_message()], exc.exit_code, program)
    except RunError as exc:
        _fail([str(exc)], 1, program)
    except StdoutError as exc:
        # not bad input: the command did its work, and any --out is complete (and said so)
        if program:
            silence_stdout()
        _fail([f"standard output: cannot be written ({exc.strerror}); {left_behind()}"], 1, program)
    except OSError as exc:
        if os.environ.get("RELSIM_DEBUG"):
            raise
        if exc.errno == errno.ENAMETOOLONG:
            # relsim shortens the names it makes: a path too long is one the user gave
            _fail([_system_error(exc)], BAD_INPUT, program)
        # a full disk, a quota, a mount gone: what failed, and what is complete all the same
        _fail([f"{_system_error(exc)}; {left_behind()}"], 1, program)
    except BrokenProcessPool:
        from relsim.sweep.run import WORKER_LOST

        _fail([f"{WORKER_LOST}; {left_behind()}"], 1, program)
    except Exception as exc:
        if os.environ.get("RELSIM_DEBUG"):
            raise
        _fail([f"{type(exc).__name__}: {exc} (set RELSIM_DEBUG=1 for details)"], 1, program)
    else:
        if stop_received() is not None:
            # stopped, but a library swallowed the interrupt and the command ran to its end:
            # still a stopped command, with what it finished writing said
            _stopped(None, program)
        if program:
            # Everything is written and said: a stop signal now (while the interpreter shuts
            # down) would only turn a complete result into a silent exit status of 130.
            ignore_stop_signals()


def _system_error(exc: OSError) -> str:
    """The system's reason, and the file it concerned when it names one."""
    reason = why_not(exc)
    if exc.filename is None:
        return reason
    return f"{printable(os.fsdecode(exc.filename))}: {reason}"


add_compare_command(cli)
add_sweep_commands(cli)
add_discover_command(cli)
add_experiment_commands(cli)
add_tool_commands(cli)
add_commission_commands(cli)
refuse_empty_paths(cli)

if __name__ == "__main__":
    main()
