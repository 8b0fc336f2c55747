"""`relsim sweep`, `relsim sweep-summary` and `relsim sensitivity`."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from relsim import bundled
from relsim.cli_options import (
    MetricName,
    WholeNumber,
    emit_json,
    reps_option,
    seed_option,
    set_option,
    warn,
    workers_option,
)
from relsim.config import ScenarioError
from relsim.config.errors import printable
from relsim.config.loading import load_raw
from relsim.evidence.options import ensemble_option, reps_per_set, sets_for
from relsim.file_targets import PLOT, check_summary_targets, table_kind
from relsim.files import write_csv
from relsim.metrics import METRIC_NAMES, not_a_metric
from relsim.signals import finished_writing, left_to_resume, stopped_exit
from relsim.sweep.cli_options import (
    check_together,
    dask_option,
    execute_plan,
    force_option,
    given,
    note_sobol_size,
    note_unfinished,
    out_option,
    range_option,
    resume_option,
    retry_failed_option,
    say_note,
    where_to_write,
)
from relsim.sweep.names import HEADLINE_METRICS, MAX_DESIGN_POINTS, METHODS, SAMPLERS
from relsim.target_checks import make_parents

if TYPE_CHECKING:  # the heavy modules are imported by the commands that use them
    import pandas as pd

    from relsim.evidence.ensemble import EnsembleDraw
    from relsim.sweep.design import Range


def _ensemble_draw(
    sets: int | None, reps: int, seed: int, base: dict, swept: list[str]
) -> EnsembleDraw | None:
    """--ensemble's draw; the swept keys, like the ones the scenario writes, are left alone."""
    if sets is None:
        return None
    from relsim.evidence.ensemble import draw_for

    return draw_for(sets, reps_per_set(reps), seed, base, swept)


def foreign_runs_note(runs: pd.DataFrame, points: object, reps: object) -> str | None:
    """What to say of runs the sweep's design cannot have made (a point or a replication
    beyond it): the store was changed after the sweep wrote it, and the summary counts them."""
    import pandas as pd

    if not isinstance(points, list) or not isinstance(reps, int) or isinstance(reps, bool):
        return None
    numbers = pd.to_numeric(runs["point"], errors="coerce")
    replications = pd.to_numeric(runs["replication"], errors="coerce")
    outside = ~numbers.between(0, len(points) - 1) | ~replications.between(0, reps - 1)
    if not outside.any():
        return None
    return (
        f"{int(outside.sum()):,} of the store's runs are of a point or replication its design "
        f"does not have ({len(points):,} points x {reps:,} replications): it was changed after "
        "the sweep wrote it, and the summary counts them; `relsim rerun` checks the store"
    )


def empty_point_warnings(points: list[int]) -> list[str]:
    """One line for the design points whose district is empty, as `run` warns of one."""
    if not points:
        return []
    named = ", ".join(str(p) for p in points[:5]) + (
        f" and {len(points) - 5:,} more" if len(points) > 5 else ""
    )
    return [
        f"design point{'s' if len(points) > 1 else ''} {named}: population.citizens is 0 and "
        "nobody arrives, so the district is empty there: every per-citizen metric is empty "
        "and nothing is measured"
    ]


def _headline(summary: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    columns = ["point", *keys, "runs_ok", "runs_failed"]
    columns += [f"{m}_mean" for m in HEADLINE_METRICS if f"{m}_mean" in summary.columns]
    return summary[columns]


#: a sweep's summary table, as `sweep-summary` writes it
SUMMARY_TABLE = table_kind("a sweep summary", "point,")


def add_sweep_commands(group: click.Group) -> None:
    @group.command()
    @click.argument("scenario", type=click.Path(path_type=Path))
    @click.option(
        "--grid",
        "grids",
        multiple=True,
        metavar="KEY=V1,V2|START:STOP:STEP",
        help="a full-grid axis; repeat for more axes",
    )
    @click.option(
        "--sample",
        type=click.Choice(SAMPLERS),
        default=None,
        help="sample --n points over the --range keys",
    )
    @click.option(
        "--n",
        "n_points",
        type=WholeNumber(1, MAX_DESIGN_POINTS),
        default=64,
        show_default=True,
        help="points for --sample",
    )
    @range_option
    @click.option(
        "--design",
        "design_file",
        type=click.Path(path_type=Path),
        default=None,
        help="points from a CSV (a column per key) or YAML (a list of mappings)",
    )
    @reps_option
    @seed_option
    @set_option
    @out_option
    @click.option(
        "--timeseries",
        is_flag=True,
        help="also keep every run's weekly time series, in DIR/timeseries.parquet",
    )
    @resume_option
    @retry_failed_option
    @force_option
    @workers_option
    @dask_option
    @ensemble_option
    def sweep(
        scenario: Path,
        grids: tuple[str, ...],
        sample: str | None,
        n_points: int,
        ranges: tuple[str, ...],
        design_file: Path | None,
        reps: int,
        seed: int | None,
        sets: tuple[str, ...],
        out: Path,
        timeseries: bool,
        resume: bool,
        retry_failed: bool,
        force: bool,
        workers: int | None,
        dask_address: str | None,
        ensemble: int | None,
    ) -> None:
        """Run SCENARIO (a file, or a bundled scenario's name) at every point of a design,
        --reps times each (with --ensemble N: N parameter sets from the calibrated ensemble,
        --reps times each, the same sets at every point).

        Exactly one design: --grid axes (full factorial), --sample lhs|sobol with --range keys,
        or --design FILE. Replication r uses the same seed at every point. Interrupted sweeps
        finish with the same command plus --resume.
        """
        from relsim.config.unread import check_read, unread_setting_warnings
        from relsim.io import portable_path
        from relsim.sweep.design import (
            care_models_at_points,
            check_not_also_set,
            file_design,
            grid_design,
            sample_design,
        )
        from relsim.sweep.run import SweepPlan, plans_calibration_warnings

        chosen = [bool(grids), sample is not None, design_file is not None]
        if sum(chosen) != 1:
            raise click.UsageError("give exactly one design: --grid, --sample or --design")
        if ranges and sample is None:
            raise click.UsageError("--range goes with --sample (or with `relsim sensitivity`)")
        if sample is None and given("n_points"):
            design_option = "--grid" if grids else "--design"
            raise click.UsageError(f"--n goes with --sample ({design_option} sets its own points)")
        scenario = bundled.resolve("scenarios", scenario)
        base = load_raw(scenario, sets)
        root_seed = int(base.get("seed", 1)) if seed is None else seed
        note_sobol_size(sample, n_points)
        spec: dict[str, object]
        if grids:
            design, kind, spec = grid_design(grids), "grid", {"grid": list(grids)}
        elif sample is not None:
            design = sample_design(sample, n_points, ranges, root_seed)
            kind, spec = sample, {"n": n_points, "ranges": list(ranges), "sample_seed": root_seed}
            repeated = len(design) - len(design.drop_duplicates())
            if repeated:  # whole-number keys over a narrow range: --grid refuses a repeat
                say_note(
                    f"{repeated:,} of the {len(design):,} sampled points repeat another (whole "
                    "numbers over a range narrower than --n): each is run as a point of its "
                    "own, so summaries and analyses count those values more than once"
                )
        else:
            assert design_file is not None  # exactly one design was given
            design, kind, spec = file_design(design_file), "file", {"file": str(design_file)}
        check_not_also_set(design.columns, sets, "the design")
        models = care_models_at_points(base, design)
        option = "--grid" if grids else "--range" if sample is not None else "--design"
        check_read(design.columns, models, option, "every point would give the same results")
        warn(unread_setting_warnings(sets, models))
        draw = _ensemble_draw(sets_for(ensemble), reps, root_seed, base, list(design.columns))
        if draw is not None:
            spec["ensemble"] = draw.describe()
        plan = SweepPlan(
            portable_path(scenario), base, design, kind, spec,
            reps if draw is None else draw.runs, root_seed, timeseries, draw,
        )  # fmt: skip
        warn(empty_point_warnings(plan.empty_points))
        execute_plan(plan, out, resume, force, workers, dask_address, retry_failed)
        click.echo(f"sweep complete: {plan.total} runs in {out / 'runs.parquet'}", err=True)
        # said of the finished results, as `run` says whether its district had settled
        warn(plans_calibration_warnings("the sweep", [plan]))

    @group.command("sweep-summary")
    @click.argument("directory", type=click.Path(path_type=Path))
    @click.option(
        "--csv",
        "csv_path",
        type=click.Path(path_type=Path),
        default=None,
        help="write the per-point summary [default: DIR/summary.csv]",
    )
    @click.option("--metric", default=None, help="metric to plot against --param")
    @click.option("--param", "parameter", default=None, help="swept key for the plot's x axis")
    @click.option(
        "--plot",
        "plot_path",
        type=click.Path(path_type=Path),
        default=None,
        help="write the plot here, a .png file [default: DIR/METRIC_by_PARAM.png]",
    )
    @click.option("--json", "as_json", is_flag=True, help="print the summary as JSON records")
    def sweep_summary(
        directory: Path,
        csv_path: Path | None,
        metric: str | None,
        parameter: str | None,
        plot_path: Path | None,
        as_json: bool,
    ) -> None:
        """Per design point: mean and 95 % interval of every metric; optionally a plot."""
        import pandas as pd

        from relsim.sweep.directory import check_kept_beside
        from relsim.sweep.summary import (
            interval_kind,
            load_sweep,
            plot_metric,
            summarise,
            unfinished_note,
        )

        if plot_path is not None and metric is None and parameter is None:
            raise click.UsageError("--plot needs --metric and --param (the plot's y and x)")
        runs, manifest = load_sweep(directory)
        keys = manifest["design"]["keys"]
        if metric is not None and metric not in METRIC_NAMES:
            raise ScenarioError(f"--metric: {not_a_metric(metric)}")
        if (metric is None) != (parameter is None):
            raise click.UsageError("--metric and --param go together")
        if parameter is not None and parameter not in keys:
            raise ScenarioError(
                f"--param {printable(parameter, 80)}: not a swept key (swept: {', '.join(keys)})"
            )
        plotted = metric is not None and parameter is not None
        chosen = where_to_write(
            directory,
            {
                "--csv": (csv_path, directory / "summary.csv"),
                "--plot": (
                    plot_path if plotted else None,
                    directory / f"{metric}_by_{parameter}.png" if plotted else None,
                ),
            },
        )
        table_path, target = chosen["--csv"], chosen["--plot"]
        writing = {option: path for option, path in chosen.items() if path is not None}
        check_summary_targets(directory, writing, {"--csv": SUMMARY_TABLE, "--plot": PLOT})
        check_kept_beside(directory, writing)
        kind, reps_per_set = interval_kind(manifest)
        note_unfinished(unfinished_note(directory, runs, manifest))
        points = manifest["design"].get("points")
        note_unfinished(foreign_runs_note(runs, points, manifest.get("reps")))
        summary = summarise(
            runs,
            keys,
            reps_per_set=reps_per_set,
            design_points=points if isinstance(points, list) else None,
        )
        if table_path is not None:
            make_parents(table_path)
            write_csv(table_path, summary)
            # a stop while the plot is drawn leaves the table: said so, not "no results written"
            finished_writing(printable(str(table_path)))
        if target is not None and metric is not None and parameter is not None:
            make_parents(target)
            plot_metric(
                _ran_with(summary, parameter, manifest, directory), keys, metric, parameter,
                target, manifest,
            )  # fmt: skip
            click.echo(f"plot: {target}", err=True)
            if summary[f"{metric}_mean"].isna().all():
                # a share with nothing to count anywhere (repeat presentations in a short run)
                say_note(f"{metric} has no value at any design point: the plot is empty")
        if as_json:
            points = summary.to_dict(orient="records")
            emit_json({"sweep": str(directory), "interval": kind, "points": points})
        else:
            click.echo(f"intervals: 95 % ({kind})", err=True)
            with pd.option_context("display.width", 160, "display.max_columns", 20):
                click.echo(_headline(summary, keys).to_string(index=False))

    @group.command()
    @click.argument("scenario", type=click.Path(path_type=Path))
    @click.option(
        "--method",
        type=click.Choice(METHODS),
        default=None,
        help=f"the analysis: {' or '.join(METHODS)} (required)",
    )
    @range_option
    @click.option(
        "--n",
        "n_base",
        type=WholeNumber(2, 1_000_000),
        default=16,
        show_default=True,
        help="Morris trajectories, or Sobol' base samples (a power of 2)",
    )
    @click.option(
        "--metric",
        "metrics",
        multiple=True,
        type=MetricName(),
        help="metrics to analyse [default: the headline metrics]",
    )
    @click.option(
        "--against",
        type=click.Path(path_type=Path),
        default=None,
        metavar="OTHER",
        help="analyse SCENARIO's results less OTHER's (a file or a bundled name), run by run "
        "on the same design and seeds, instead of SCENARIO's own",
    )
    @reps_option
    @seed_option
    @set_option
    @out_option
    @resume_option
    @retry_failed_option
    @force_option
    @workers_option
    @dask_option
    def sensitivity(
        scenario: Path,
        method: str | None,
        against: Path | None,
        ranges: tuple[str, ...],
        n_base: int,
        metrics: tuple[str, ...],
        reps: int,
        seed: int | None,
        sets: tuple[str, ...],
        out: Path,
        resume: bool,
        retry_failed: bool,
        force: bool,
        workers: int | None,
        dask_address: str | None,
    ) -> None:
        """Morris or Sobol' sensitivity of the headline metrics to the --range keys (SALib).

        Runs the design with the sweep machinery (resumable, Dask-capable), then writes
        sensitivity.csv and sensitivity.png in --out. Each design point's value is the mean
        over its replications. With --against OTHER, both scenarios run the design, each in its
        own subdirectory of --out, and a point's value is the mean of SCENARIO's metric less
        OTHER's, run by run; differences.csv holds every point's.
        """
        import pandas as pd

        from relsim.config.unread import care_model_of, check_read, unread_setting_warnings
        from relsim.io import portable_path
        from relsim.sweep.design import check_not_also_set, parse_range
        from relsim.sweep.run import SweepPlan, plans_calibration_warnings
        from relsim.sweep.sensitivity import sensitivity_design, write_sensitivity

        if method is None:
            # click's own message lists the choices over several lines
            raise click.UsageError(f"--method is required: {' or '.join(METHODS)}")
        parsed = [parse_range(r) for r in ranges]  # each is checked before they are counted
        if len(ranges) < 2:
            raise click.UsageError("sensitivity needs at least two --range keys")
        check_not_also_set([r.key for r in parsed], sets, "a --range")
        note_sobol_size(method, n_base)
        scenario = bundled.resolve("scenarios", scenario)
        sides = [scenario] if against is None else [scenario, bundled.resolve("scenarios", against)]
        models = [care_model_of(load_raw(side, sets)) for side in sides]
        check_read([r.key for r in parsed], models, "--range", "its indices would all be zero")
        warn(unread_setting_warnings(sets, models))
        chosen = tuple(dict.fromkeys(metrics)) or HEADLINE_METRICS  # each once
        if against is not None:
            against = bundled.resolve("scenarios", against)
            _difference(scenario, against, method, ranges, parsed, n_base, chosen, reps, seed,
                        sets, out, resume, retry_failed, force, workers, dask_address)  # fmt: skip
            return
        base = load_raw(scenario, sets)
        root_seed = int(base.get("seed", 1)) if seed is None else seed
        design = sensitivity_design(method, parsed, n_base, root_seed)
        spec = {"method": method, "n": n_base, "ranges": list(ranges), "sample_seed": root_seed}
        plan = SweepPlan(portable_path(scenario), base, design, method, spec, reps, root_seed)
        execute_plan(plan, out, resume, force, workers, dask_address, retry_failed)
        notes: list[str] = []
        try:
            table = write_sensitivity(out, method, parsed, n_base, root_seed, chosen, notes)
        except KeyboardInterrupt as exc:
            left = (
                f"every run is saved in {out}, the indices may not be (sensitivity.csv and "
                ".png); run the same command with --resume to write them"
            )
            raise stopped_exit(exc, left) from None
        with pd.option_context("display.width", 160, "display.max_columns", 20):
            click.echo(table.to_string(index=False, float_format=lambda v: f"{v:.4g}"))
        for note in notes:
            say_note(note)
        click.echo(f"wrote {out / 'sensitivity.csv'} and {out / 'sensitivity.png'}", err=True)
        warn(plans_calibration_warnings("the design", [plan]))


def _difference(
    scenario: Path,
    against: Path,
    method: str,
    ranges: tuple[str, ...],
    parsed: list[Range],
    n_base: int,
    metrics: tuple[str, ...],
    reps: int,
    seed: int | None,
    sets: tuple[str, ...],
    out: Path,
    resume: bool,
    retry_failed: bool,
    force: bool,
    workers: int | None,
    dask_address: str | None,
) -> None:
    """`relsim sensitivity SCENARIO --against OTHER` (relsim.sweep.sensitivity_difference): two
    sweeps of one design in --out, then the indices of their paired difference."""
    import pandas as pd

    from relsim.commission.study import (
        check_same_work,
        publish_study,
        run_series,
        staged_results,
        study_directory,
    )
    from relsim.io import now
    from relsim.sweep import sensitivity_difference as study
    from relsim.sweep.run import plans_calibration_warnings

    check_together(resume, force, workers, dask_address)
    if retry_failed and not resume:
        raise click.UsageError("--retry-failed needs --resume (it reruns failed runs in --out)")
    root, plans = study.plans(scenario, against, sets, method, ranges, parsed, n_base, reps, seed)
    series = [name for name, _ in plans]
    recorded = {
        "series": series, "method": method, "n": n_base, "ranges": list(ranges),
        "reps": reps, "seed": root, "sets": list(sets),
    }  # fmt: skip
    opened = study_directory(out, study.KIND, study.OWN, force=force, resume=resume)
    started = now()
    notes: list[str] = []
    with staged_results(opened) as staged:
        try:
            if resume:
                check_same_work(out, series, study.resumed_work(recorded))
            runs = run_series(
                plans, out, resume=resume, workers=workers or max(1, os.cpu_count() or 1),
                dask_address=dask_address, label="sensitivity", retry_failed=retry_failed,
            )  # fmt: skip
            table, lines = study.write_results(staged, plans, runs, parsed, metrics, notes)
            publish_study(
                out, staged, study.KIND, study.OWN, started, **recorded,
                difference=study.difference_label(plans), metrics=list(metrics),
            )  # fmt: skip
        except KeyboardInterrupt as exc:
            raise stopped_exit(exc, left_to_resume(out)) from None
    with pd.option_context("display.width", 160, "display.max_columns", 20):
        click.echo(table.to_string(index=False, float_format=lambda v: f"{v:.4g}"))
    click.echo("\n".join(lines))
    for note in notes:
        say_note(note)
    written = ", ".join(str(out / name) for name in study.OWN)
    click.echo(f"wrote {written}", err=True)
    warn(plans_calibration_warnings("the design, over both scenarios", [p for _, p in plans]))


def _ran_with(
    summary: pd.DataFrame, parameter: str, manifest: dict[str, Any], directory: Path
) -> pd.DataFrame:
    """The summary with the plotted key filled in where a design point left it out, at the
    value that point ran with (the scenario's), and a note of how many: those points were
    left off the plot, their lines named in the legend with no marks."""
    from relsim.sweep.discover import with_values_run
    from relsim.sweep.summary import unset

    left_out = int(sum(unset(v) for v in summary[parameter]))
    if not left_out:
        return summary
    filled = with_values_run(summary[["point", parameter]], manifest, printable(str(directory)))
    points = f"{left_out} design points leave" if left_out != 1 else "1 design point leaves"
    say_note(f"{points} {parameter} out; plotted at the value the scenario gives it")
    return summary.assign(**{parameter: filled[parameter]})
