"""`relsim frontier`, `relsim budget` and `relsim scale`: a commissioner's questions, each one
command. The heavy modules are imported by the commands that use them."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from relsim import bundled
from relsim.cli_options import (
    FiniteFloatRange,
    MetricName,
    WholeNumber,
    emit_json,
    note_one_seed,
    seed_option,
    set_option,
    warn,
    workers_option,
)
from relsim.config import ScenarioError, load_scenario
from relsim.config.errors import printable
from relsim.evidence.options import REPORT_SETS, sets_for, sets_option
from relsim.signals import left_to_resume, stopped_exit
from relsim.sweep.cli_options import check_together, dask_option, force_option, resume_option
from relsim.sweep.resume_check import SAME_OPTIONS, ResumeMismatchError

out_option = click.option(
    "--out",
    type=click.Path(path_type=Path),
    required=True,
    help="results directory: one sweep per series, and the tables, figure and manifest",
)


study_ensemble_option = sets_option(
    "run N parameter sets from the calibrated ensemble, the same at every point and in "
    "every scenario, with --reps shared among them (at least one run each): intervals carry "
    "parameter uncertainty as well as chance. 0: chance only, --reps runs a point",
    default=REPORT_SETS,
)


def study_options[F: Callable[..., Any]](command: F) -> F:
    """--seed, --set, --out, --resume, --force, --workers, --dask and --ensemble, as every
    study has them."""
    for option in reversed(
        (seed_option, set_option, out_option, resume_option, force_option, workers_option,
         dask_option, study_ensemble_option)
    ):  # fmt: skip
        command = option(command)
    return command


def _warn_domain(configs: list[Any]) -> None:
    """Say on stderr, as `run` and `compare` do, where a scenario's knobs lie outside the
    conditions the model was calibrated in."""
    from relsim.commission.domain import calibration_warnings

    warn([w for config in configs for w in calibration_warnings(config)])


def _as_budget(exc: ResumeMismatchError, out: Path, stage: str) -> ScenarioError:
    """A stage's refused --resume, said of the budget search the user resumed: the stage's
    sweep is the search's own working, and its advice names a design the user never gave
    (a changed --limit or --minimise changes the stages' designs)."""
    advice = exc.advice
    if advice == SAME_OPTIONS:
        advice = (
            "resume with the same scenario, --limit, --minimise, --set, --reps, --seed and "
            "--ensemble, or start again with --force"
        )
    return ScenarioError(
        f"--resume {printable(str(out))}: the budget search there was run with other options "
        f"(its {stage} stage: {exc.why}); {advice}"
    )


def _processes(workers: int | None) -> int:
    return workers or max(1, os.cpu_count() or 1)


def _interrupted(exc: BaseException, out: Path) -> SystemExit:
    return stopped_exit(exc, left_to_resume(out))


def add_commission_commands(group: click.Group) -> None:
    @group.command()
    @click.argument("scenarios", nargs=-1, type=click.Path(path_type=Path))
    @click.option(
        "--workforce",
        default="6,12,19,26,33,40",
        show_default=True,
        metavar="N1,N2,...|START:STOP:STEP",
        help="the workforce sizes (posts) to run every scenario at",
    )
    @click.option(
        "--reps",
        type=WholeNumber(1, 100_000),
        default=5,
        show_default=True,
        help="replications at each size (the same seeds in every scenario and at every size)",
    )
    @click.option(
        "--max-wait-weeks",
        "max_wait_weeks",
        type=FiniteFloatRange(0, 520),
        default=13.0,
        show_default=True,
        help="say, for each scenario, the fewest posts run whose mean wait is within this",
    )
    @study_options
    def frontier(
        scenarios: tuple[Path, ...],
        workforce: str,
        reps: int,
        max_wait_weeks: float,
        seed: int | None,
        sets: tuple[str, ...],
        out: Path,
        resume: bool,
        force: bool,
        workers: int | None,
        dask_address: str | None,
        ensemble: int,
    ) -> None:
        """The staffing frontier: each SCENARIO (default: baseline, liberated, hybrid) run at
        every --workforce size; crisis demand and total cost against staff spend, with 95 %
        intervals (over the calibrated ensemble unless --ensemble 0), and where each model is
        the better buy. Writes frontier.csv, better_buy.csv, incremental.csv and frontier.png in
        --out."""
        from relsim.commission import frontier as study
        from relsim.commission.study import (
            publish_study,
            run_series,
            staged_results,
            study_directory,
        )
        from relsim.io import now

        check_together(resume, force, workers, dask_address)
        names = scenarios or tuple(Path(n) for n in study.DEFAULT_SCENARIOS)
        paths = [bundled.resolve("scenarios", p) for p in names]
        root, plans = study.plans(paths, workforce, sets, reps, seed, sets_for(ensemble))
        if not study.compared(plans):
            raise ScenarioError(
                "frontier: no scenario has services (care_model: none has no posts to size); "
                "name one with services, beside a district with none as the reference"
            )
        configs = [load_scenario(p, list(sets)) for p in paths]
        _warn_domain(configs)
        note_one_seed(configs, seed)
        recorded = {"workforce": workforce, "reps": reps, "seed": root, "sets": list(sets)}
        opened = study_directory(out, study.KIND, study.OWN, force=force, resume=resume)
        started = now()
        with staged_results(opened) as staged:
            try:
                if resume:
                    study.check_resumed(out, plans, recorded)
                runs = run_series(
                    plans, out, resume=resume, workers=_processes(workers),
                    dask_address=dask_address, label="frontier",
                )  # fmt: skip
                lines, found = study.write_results(staged, plans, runs, max_wait_weeks)
                publish_study(
                    out, staged, study.KIND, study.OWN, started, series=[s for s, _ in plans],
                    **recorded, **found,
                )  # fmt: skip
            except KeyboardInterrupt as exc:
                raise _interrupted(exc, out) from None
        click.echo("\n".join(lines))
        written = (study.TABLE, study.BETTER, study.CHOICE)
        click.echo(
            f"wrote {', '.join(str(out / n) for n in written)} and {out / study.FIGURE}", err=True
        )

    @group.command()
    @click.argument("scenario", type=click.Path(path_type=Path), default="hybrid")
    @click.option(
        "--limit",
        required=True,
        metavar="GBP",
        help="the staff budget a year, e.g. 3.7m, 850k or 3700000: it buys the posts",
    )
    @click.option(
        "--minimise",
        "metric",
        type=MetricName(),
        default="crisis_events_per_citizen_year",
        show_default=True,
        help="the outcome to minimise, e.g. total_cost_per_citizen_year or "
        "cost_nhs_per_citizen_year",
    )
    @click.option(
        "--reps",
        type=WholeNumber(2, 100_000),
        default=4,
        show_default=True,
        help="replications of each refined point (half as many, at least 2, in the coarse stage)",
    )
    @study_options
    @click.option("--json", "as_json", is_flag=True, help="print the result as one JSON object")
    def budget(
        scenario: Path,
        limit: str,
        metric: str,
        reps: int,
        seed: int | None,
        sets: tuple[str, ...],
        out: Path,
        resume: bool,
        force: bool,
        workers: int | None,
        dask_address: str | None,
        ensemble: int,
        as_json: bool,
    ) -> None:
        """The best balance of the hybrid SCENARIO (default: hybrid) under a staff budget: the
        split of the posts between caseworkers and duty workers, and the routing threshold,
        that minimise --minimise; with its 95 % interval (over the calibrated ensemble unless
        --ensemble 0) and how flat the surface is there. Writes budget.csv, budget.json and
        budget.png in --out."""
        import pandas as pd

        from relsim.commission import budget as study
        from relsim.commission.budget_results import write_results
        from relsim.commission.study import (
            publish_study,
            run_series,
            staged_results,
            study_directory,
        )
        from relsim.io import now, portable_path

        check_together(resume, force, workers, dask_address)
        if metric in study.MORE_IS_BETTER:
            raise click.BadParameter(
                f"more {metric} is better, so minimising it would find the worst split; give "
                "a measure where less is better (crisis_events_per_citizen_year, "
                "total_cost_per_citizen_year, mean_wait_weeks, ...)",
                param_hint="'--minimise'",
            )
        if metric in study.FIXED_BY_LIMIT:
            raise click.BadParameter(
                f"--limit fixes the posts, so {metric} changes only with vacancies and agency "
                "cover: minimising it would find the split that loses most staff; give an "
                "outcome (crisis_events_per_citizen_year, total_cost_per_citizen_year, "
                "mean_wait_weeks, ...)",
                param_hint="'--minimise'",
            )
        path = bundled.resolve("scenarios", scenario)
        pounds = study.parse_money(limit)
        base, config = study.base_scenario(path, list(sets))
        study.check_measurable(metric, config)
        _warn_domain([config])
        posts = study.affordable_posts(config, pounds)
        root = config.seed if seed is None else seed
        spec = {"limit_gbp_per_year": pounds, "outcome": metric, "posts": posts}
        draw = study.draw(base, root, reps, sets_for(ensemble))
        runs_per_point = reps if draw is None else draw.runs
        coarse_reps = max(2, runs_per_point // 2)
        processes = _processes(workers)

        def run_stage(name: str, design: pd.DataFrame, stage_reps: int) -> pd.DataFrame:
            stage = study.plan(path, base, design, name, stage_reps, root, spec, draw)
            try:
                return run_series(
                    [(name, stage)], out, resume=resume, workers=processes,
                    dask_address=dask_address, label="budget",
                )[name]  # fmt: skip
            except ResumeMismatchError as exc:
                raise _as_budget(exc, out, name) from None

        opened = study_directory(out, study.KIND, study.OWN, force=force, resume=resume)
        started = now()
        with staged_results(opened) as staged:
            try:
                coarse, refined = study.search(
                    posts, metric, runs_per_point, coarse_reps, run_stage
                )
                result = write_results(
                    staged, coarse, refined, metric, pounds, posts, config, root, draw
                )
                publish_study(
                    out, staged, study.KIND, study.OWN, started, scenario=portable_path(path),
                    reps=reps, coarse_reps=coarse_reps, seed=root, sets=list(sets), **spec,
                    result=result,
                )  # fmt: skip
            except KeyboardInterrupt as exc:
                raise _interrupted(exc, out) from None
        if as_json:
            emit_json(result)
        else:
            click.echo(result["sentence"])
        click.echo(
            f"wrote {out / study.TABLE}, {out / study.SUMMARY} and {out / study.FIGURE}", err=True
        )

    @group.command()
    @click.argument("scenario", type=click.Path(path_type=Path))
    @click.option(
        "--citizens",
        type=WholeNumber(1, 2_000_000),
        required=True,
        help="the population of your district",
    )
    @click.option(
        "--name", default=None, help="the scaled scenario's name [default: NAME-CITIZENS]"
    )
    @click.option(
        "--out",
        type=click.Path(path_type=Path),
        default=None,
        help="write the scaled scenario here (a .yaml file) [default: print it]",
    )
    def scale(scenario: Path, citizens: int, name: str | None, out: Path | None) -> None:
        """Scale SCENARIO (a file or a bundled name) to a district of --citizens: arrivals,
        workforce and specialist capacity in proportion. Writes a scenario that extends the
        original, so everything else stays as it is."""
        from relsim.commission.resources import posts_words, staffing_warnings
        from relsim.commission.scale import (
            SCALED,
            extends_reference,
            proportion_warnings,
            scaled_document,
            scaled_values,
        )
        from relsim.config import load_scenario, validate_data
        from relsim.config.loading import deep_merge, layered, load_raw
        from relsim.file_targets import check_file_target
        from relsim.files import atomic_path
        from relsim.result_files import OutputError
        from relsim.target_checks import check_entry_name, make_parents, remove_if_empty

        if name is not None:
            if not name.strip():
                raise click.UsageError("--name: empty; leave it out for NAME-CITIZENS")
            # compared, a scenario's results go in a directory named after it
            check_entry_name(name, "--name")
        path = bundled.resolve("scenarios", scenario)
        raw = load_raw(path)
        config = load_scenario(path)
        if out is not None:
            if out.resolve() in layered(path).files:
                raise OutputError(
                    f"--out {printable(str(out))}: is the scenario being scaled or one it "
                    "extends; the scaled scenario extends it, so write it to a new file"
                )
            check_file_target(out, "--out", kind=SCALED)
        values = scaled_values(config, raw, citizens)
        named = {**values, "name": name or f"{config.name}-{citizens}"}
        scaled = validate_data(deep_merge(raw, named), f"{printable(str(path))} scaled")
        reference = extends_reference(path, out)
        text = scaled_document(config, raw, citizens, reference, name)
        if out is None:
            click.echo(text, nl=False)
        else:
            created = make_parents(out)
            try:
                # read back from beside its final place (its `extends:` is relative to it)
                # before it replaces anything
                with atomic_path(out) as written:
                    written.write_text(text, encoding="utf-8")
                    scaled = load_scenario(written)
            except BaseException:
                remove_if_empty(created)
                raise
            click.echo(
                f"wrote {printable(str(out))}: {scaled.population.citizens:,} citizens, "
                f"{scaled.population.arrivals_per_week or 0:g} arrivals a week, "
                f"{posts_words(scaled.workforce.workers)}",
                err=True,
            )
        for warning in (*proportion_warnings(scaled), *staffing_warnings(scaled)):
            click.echo(f"relsim: warning: {printable(warning)}", err=True)
