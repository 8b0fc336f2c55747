"""`relsim compare`: scenarios run replication by replication on the same citizens and luck,
their differences with intervals, the resources on each side, and a board's report and
workbook."""

from __future__ import annotations

import contextlib
from pathlib import Path

import click

from relsim import bundled
from relsim.cli_options import (
    WholeNumber,
    emit_json,
    json_option,
    note_one_seed,
    reps_option,
    seed_option,
    warn,
    warn_proportions,
    warn_unread,
    workers_option,
)
from relsim.config import load_scenario
from relsim.evidence.options import (
    ensemble_option,
    report_reps_per_set,
    sets_for,
    shared_reps_note,
)
from relsim.file_targets import check_file_target
from relsim.io import OutputError, now
from relsim.metrics import UNITS
from relsim.output import print_comparison
from relsim.run_results import (
    DIFFERENCES,
    MANIFEST,
    RESOURCES,
    TRANSITION,
    comparison_payload,
    default_workers,
    ensemble_draw,
    run_scenario,
    same_results_warnings,
    scenario_block,
    write_comparison,
)
from relsim.signals import finished_writing
from relsim.target_checks import check_entry_name, same_name_key
from relsim.targets import ResultTarget


def add_compare_command(group: click.Group) -> None:
    @group.command()
    @click.argument("scenarios", nargs=-1, required=True, type=click.Path(path_type=Path))
    @reps_option
    @seed_option
    @click.option(
        "--set",
        "sets",
        multiple=True,
        metavar="KEY=VALUE",
        help="override a key in every scenario compared, e.g. workforce.caseload_cap=12 (to "
        "change one of them only, write a scenario that extends it: docs/scenarios.md)",
    )
    @workers_option
    @click.option(
        "--out",
        type=click.Path(path_type=Path),
        default=None,
        help="write each scenario's files in a subdirectory, plus differences.csv, "
        "resources.csv, cost_effectiveness.csv, incremental.csv, price_changes.csv (and "
        "transition.csv with --transition-weeks) and the comparison's manifest.json",
    )
    @click.option("--force", is_flag=True, help="replace a non-empty --out directory")
    @click.option(
        "--report",
        type=click.Path(path_type=Path),
        default=None,
        help="write a self-contained HTML report for a board: summary in words, resources, "
        "differences, what other prices would change, time series, payers, inputs and "
        "provenance",
    )
    @click.option(
        "--xlsx",
        type=click.Path(path_type=Path),
        default=None,
        help="write a workbook (.xlsx) with the report's tables",
    )
    @click.option(
        "--equal-spend",
        is_flag=True,
        help="size each scenario's workforce so that its staff budget matches the first scenario's",
    )
    @click.option(
        "--equal-service-spend",
        is_flag=True,
        help="size each scenario's workforce so that its service spend (staff, specialists, "
        "flexible budget, as run) matches the first scenario's; found by trial runs",
    )
    @click.option(
        "--transition-weeks",
        type=WholeNumber(0, 5200),
        default=None,
        metavar="WEEKS",
        help="also cost the change from the first scenario's model to each other's: both launched "
        "on day one, both teams paid for WEEKS weeks; cumulative savings and break-even by payer",
    )
    @click.option(
        "--sensitivity",
        "sensitivity_dir",
        type=click.Path(path_type=Path),
        default=None,
        help="a `relsim sensitivity` result directory: the report names the parameters the "
        "result is most sensitive to",
    )
    @ensemble_option
    @json_option
    def compare(
        scenarios: tuple[Path, ...],
        reps: int,
        seed: int | None,
        sets: tuple[str, ...],
        workers: int | None,
        out: Path | None,
        force: bool,
        report: Path | None,
        xlsx: Path | None,
        equal_spend: bool,
        equal_service_spend: bool,
        transition_weeks: int | None,
        sensitivity_dir: Path | None,
        ensemble: int | None,
        as_json: bool,
    ) -> None:
        """Compare scenarios replication by replication (paired, common random numbers).

        Each scenario is a file or the name of a bundled one. Differences are each scenario minus
        the first, with 95 % intervals: chance only, or with --ensemble N parameter uncertainty
        and chance (replication r uses the same parameter set in every scenario; a report or
        workbook draws parameter sets unless told --ensemble 0). The resources on each side
        (posts, caps, staff budget, specialist places) are stated with the results; --equal-spend
        sizes every workforce to the first scenario's staff budget.
        """
        from relsim.commission.inputs import sensitivity_summary
        from relsim.commission.resources import check_same_horizon, check_same_population
        from relsim.commission.spend import (
            Sizing,
            equal_staff_spend,
        )
        from relsim.commission.spend import (
            equal_service_spend as size_service,
        )
        from relsim.commission.transition import check_overlap

        if len(scenarios) < 2:
            raise click.UsageError("compare needs at least two scenarios")
        if force and out is None:
            raise click.UsageError("--force needs --out (it replaces an earlier result there)")
        if equal_spend and equal_service_spend:
            raise click.UsageError("--equal-spend and --equal-service-spend: choose one")
        paths = [bundled.resolve("scenarios", path) for path in scenarios]
        configs = [load_scenario(path, sets) for path in paths]
        names = [c.name for c in configs]
        if len({same_name_key(n) for n in names}) != len(names):
            raise click.UsageError(
                f"scenario names must differ, ignoring case, to be compared (got {names}): give "
                "each file its own `name:` (a file that extends another keeps the parent's name "
                "unless it sets one)"
            )
        check_same_population(configs)
        check_same_horizon(configs)
        sizing: Sizing | None = None
        if equal_spend:
            configs, sizing = equal_staff_spend(configs)
        if transition_weeks is not None:
            check_overlap(configs, transition_weeks)
        if sensitivity_dir is not None:
            sensitivity_summary(sensitivity_dir, configs)  # a bad directory fails before any run
        if out is not None:
            for name in names:
                # each scenario's results go in a directory of --out named after it
                check_entry_name(name, "--out: scenario name")
                reserved = (DIFFERENCES, RESOURCES, TRANSITION, MANIFEST)
                if same_name_key(name) in (same_name_key(n) for n in reserved):
                    raise OutputError(f"--out: a scenario may not be named {name}")
        from relsim.report.html import REPORT
        from relsim.report.workbook import WORKBOOK

        for target_file, option, kind in ((report, "--report", REPORT), (xlsx, "--xlsx", WORKBOOK)):
            if target_file is not None:
                check_file_target(target_file, option, out, kind=kind)
        warnings = (
            warn_proportions(configs)
            + warn_unread(sets, configs)
            + warn([] if sizing is None else sizing.warnings())
        )

        from relsim.commission.analysis import analyse

        note_one_seed(configs, seed)
        seed = configs[0].seed if seed is None else seed
        processes = workers or default_workers()
        # commissioner-facing outputs carry parameter uncertainty unless told otherwise
        facing = report if report is not None else xlsx
        chosen = sets_for(ensemble, facing, reps)
        per_set = report_reps_per_set(ensemble, reps, chosen)
        shared = None if facing is None else shared_reps_note(ensemble, reps, chosen)
        if shared is not None:
            click.echo(f"relsim: note: {shared}", err=True)
        draws = [ensemble_draw(chosen, reps, seed, path, sets, per_set) for path in paths]
        with ResultTarget(out, force) if out is not None else contextlib.nullcontext() as target:
            started = now()
            if equal_service_spend:
                configs, sizing = size_service(
                    configs,
                    lambda c, n: run_scenario(c, n, seed, processes, None, doing="sizing "),
                    reps,
                )
                warnings += warn(sizing.warnings())
            runs = [
                run_scenario(
                    c, reps, seed, processes, None if target is None else target.staged / c.name, d
                )
                for c, d in zip(configs, draws, strict=True)
            ]
            warnings += warn(same_results_warnings(configs, runs))
            blocks = [
                scenario_block(c, r, seed, started, d)
                for c, r, d in zip(configs, runs, draws, strict=True)
            ]
            from relsim.warmup import unsettled_warnings

            warnings += warn(unsettled_warnings(blocks))
            payload = comparison_payload(configs, runs, draws, blocks, seed)
            analysis = analyse(
                payload,
                configs,
                runs,
                sizing=sizing,
                transition_weeks=transition_weeks,
                run_launched=lambda c, i: run_scenario(
                    c, reps, seed, processes, None, draws[i], doing="launching "
                ),
                sensitivity=sensitivity_dir,
                warnings=warnings,
                set_args=sets,
            )
            if target is not None:
                options = {
                    "set": list(sets),
                    "ensemble": ensemble,
                    "equal_spend": equal_spend,
                    "equal_service_spend": equal_service_spend,
                    "transition_weeks": transition_weeks,
                }
                write_comparison(target.staged, configs, runs, draws, payload, options, started)
                target.commit()
        if report is not None:
            from relsim.report.html import write_report

            write_report(report, analysis)
            finished_writing(f"--report {report}")
        if xlsx is not None:
            from relsim.report.workbook import write_workbook

            write_workbook(xlsx, analysis)
            finished_writing(f"--xlsx {xlsx}")
        if as_json:
            emit_json(payload)
        else:
            print_comparison(payload, UNITS)
