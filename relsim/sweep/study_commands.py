"""`relsim discover` (scenario discovery on a finished sweep) and `relsim experiment` (the
declarative experiments that regenerate the published figures): commands over whole studies,
beside the sweep commands whose options they share."""

from __future__ import annotations

import os
from pathlib import Path

import click

from relsim import bundled
from relsim.cli_options import FiniteFloatRange, WholeNumber, emit_json, warn, workers_option
from relsim.config.errors import printable
from relsim.evidence.options import sets_option
from relsim.file_targets import PLOT, check_summary_targets, table_kind
from relsim.signals import left_to_resume, stopped_exit
from relsim.sweep.cli_options import (
    check_together,
    dask_option,
    force_option,
    note_unfinished,
    resume_option,
    say_note,
    where_to_write,
)
from relsim.target_checks import make_parents


def add_discover_command(group: click.Group) -> None:
    @group.command()
    @click.argument("directory", type=click.Path(path_type=Path))
    @click.option("--metric", default=None, help="the metric the condition is on")
    @click.option(
        "--where",
        "condition",
        required=True,
        metavar='"METRIC > X"',
        help="the outcome to find: a metric compared with a number (>, >=, <, <=)",
    )
    @click.option(
        "--min-density",
        type=FiniteFloatRange(0, 1, max_open=True),
        default=0.8,
        show_default=True,
        help="the least share of a box's points where the condition holds (below 1: PRIM "
        "peels until a box is denser than this)",
    )
    @click.option(
        "--boxes",
        type=WholeNumber(1, 5),
        default=1,
        show_default=True,
        help="how many boxes to find, each among the points the earlier ones left",
    )
    @click.option(
        "--csv",
        "csv_path",
        type=click.Path(path_type=Path),
        default=None,
        help="write the boxes here [default: DIR/discover_METRIC.csv]",
    )
    @click.option(
        "--plot",
        "plot_path",
        type=click.Path(path_type=Path),
        default=None,
        help="write the plot here, a .png file [default: DIR/discover_METRIC.png]",
    )
    @click.option("--json", "as_json", is_flag=True, help="print the boxes as one JSON object")
    def discover(
        directory: Path,
        metric: str | None,
        condition: str,
        min_density: float,
        boxes: int,
        csv_path: Path | None,
        plot_path: Path | None,
        as_json: bool,
    ) -> None:
        """Scenario discovery on a sweep in DIRECTORY: the boxes of parameter space (ranges
        of the swept keys) where a condition on a metric holds, found by PRIM, with their
        coverage and density, as a table and a plot."""
        from relsim.sweep import discover as discovery
        from relsim.sweep.directory import check_kept_beside
        from relsim.sweep.summary import load_sweep, unfinished_note

        parsed = discovery.parse_condition(condition, metric)
        discovery._require_prim()
        runs, manifest = load_sweep(directory)
        default_csv, default_png = discovery.default_paths(directory, parsed.metric)
        targets = where_to_write(
            directory, {"--csv": (csv_path, default_csv), "--plot": (plot_path, default_png)}
        )
        csv_path, plot_path = targets["--csv"], targets["--plot"]
        writing = {option: path for option, path in targets.items() if path is not None}
        check_summary_targets(
            directory,
            writing,
            {"--csv": table_kind("a table of boxes", "box,key,"), "--plot": PLOT},
        )
        check_kept_beside(directory, writing)
        note_unfinished(unfinished_note(directory, runs, manifest))
        runs = discovery.with_values_run(runs, manifest, printable(str(directory)))
        found = discovery.discover(
            runs, manifest["design"]["keys"], parsed, min_density=min_density, max_boxes=boxes
        )
        for target in (csv_path, plot_path):
            if target is not None:
                make_parents(target)
        discovery.write(found, csv_path, plot_path)
        if as_json:
            emit_json({"sweep": str(directory), **discovery.as_json(found)})
        else:
            click.echo("\n".join(discovery.report_lines(found)))
        written = [str(t) for t in (csv_path, plot_path) if t is not None]
        if written:
            click.echo(f"wrote {' and '.join(written)}", err=True)


def add_experiment_commands(group: click.Group) -> None:
    @group.group()
    def experiment() -> None:
        """Declarative experiments (experiments/*.yaml) that regenerate tables and figures."""

    @experiment.command("run")
    @click.argument("path", type=click.Path(path_type=Path))
    @click.option(
        "--out",
        type=click.Path(path_type=Path),
        default=None,
        help="results directory [default: results/experiments/NAME]",
    )
    @click.option(
        "--quick",
        is_flag=True,
        help="two replications on a tiny district: checks the pipeline, not findings",
    )
    @resume_option
    @force_option
    @workers_option
    @dask_option
    @sets_option(
        "run every point over N parameter sets from the calibrated ensemble (the same sets "
        "in every series), the file's reps_per_set times each [default: the file's ensemble "
        "key]; 0: chance only, the file's reps per point"
    )
    def run(
        path: Path,
        out: Path | None,
        quick: bool,
        resume: bool,
        force: bool,
        workers: int | None,
        dask_address: str | None,
        ensemble: int | None,
    ) -> None:
        """Run the experiment in PATH (a .yaml file, or the name of a bundled experiment such
        as complexity_crossover). Its figures show each series and, with two or more, the
        paired differences from the first; intervals carry chance only, or parameter
        uncertainty too when the experiment runs over the calibrated ensemble."""
        from relsim.experiment_files import load_experiment
        from relsim.experiments import plan_experiment

        check_together(resume, force, workers, dask_address)
        path = bundled.resolve("experiments", path)
        experiment = load_experiment(path)
        target = out or Path("results") / "experiments" / experiment.name
        try:
            run = plan_experiment(path, quick=quick, ensemble=ensemble)
            manifest = run.write(
                target,
                resume=resume,
                force=force,
                workers=workers or max(1, os.cpu_count() or 1),
                dask_address=dask_address,
            )
        except KeyboardInterrupt as exc:
            raise stopped_exit(exc, left_to_resume(target)) from None
        for figure in manifest["figures"]:
            click.echo(f"{target / figure['png']}  (data: {figure['data']})")
            if "note" in figure:
                say_note(f"{figure['png']}: {figure['note']}")
        warn(run.calibration_warnings())  # of the finished results
