"""Options, checks and JSON output shared by the command-line commands."""

from __future__ import annotations

import ipaddress
import json
import math
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import click

from relsim.config.errors import ScenarioError, printable, shown

if TYPE_CHECKING:
    from relsim.config import Scenario

HOST_LABEL = re.compile(r"(?!-)[A-Za-z0-9_-]{1,63}(?<!-)")


class WholeNumber(click.IntRange):
    """A whole-number option: click names its type "integer range" in the message for a value
    that is not a number ("'1.5' is not a valid integer range")."""

    name = "whole number"

    def get_metavar(self, param: click.Parameter, ctx: click.Context) -> str | None:
        return "INTEGER"


class SetCount(WholeNumber):
    """A number of parameter sets: none (0, chance only) or two or more; one set would stand
    for the scenario's own values and give no parameter interval."""

    def __init__(self, most: int) -> None:
        super().__init__(0, most)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        number = super().convert(value, param, ctx)
        if number == 1:
            self.fail("needs 2 or more parameter sets (0: chance only)", param, ctx)
        return number

    def _describe_range(self) -> str:
        return f"0 or 2<=x<={self.max}"


reps_option = click.option(
    "--reps",
    type=WholeNumber(1, 100_000),
    default=10,
    show_default=True,
    help="replications (each uses the same seeds in every scenario)",
)
seed_option = click.option(
    "--seed",
    type=WholeNumber(0, 2**63 - 1),
    default=None,
    help="root seed [default: the scenario's seed; with several, the first one's]",
)


set_option = click.option(
    "--set",
    "sets",
    multiple=True,
    metavar="KEY=VALUE",
    help="override a scenario key, e.g. workforce.caseload_cap=12",
)
workers_option = click.option(
    "--workers",
    type=WholeNumber(1, 512),
    default=None,
    help="processes for replications [default: all cores]",
)
json_option = click.option("--json", "as_json", is_flag=True, help="print one JSON object")


def clean_json(value: Any) -> Any:
    """NaN and infinities become null: JSON has no other way to say 'no value'."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: clean_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [clean_json(v) for v in value]
    return value


def warn(warnings: list[str]) -> list[str]:
    """Say each warning on stderr, one line each; the same list, for the JSON and reports."""
    for warning in warnings:
        click.echo(f"relsim: warning: {printable(warning)}", err=True)
    return warnings


def note_one_seed(configs: Sequence[Scenario], given: int | None) -> None:
    """Say on stderr when scenarios run together with the first one's seed set seeds of
    their own, which are not used: with each its own seed they would not meet the same
    citizens with the same luck, and the results would hang on the order they were named in."""
    if given is not None or not configs:
        return
    first = configs[0]
    others = [c for c in configs[1:] if c.seed != first.seed]
    if not others:
        return
    named = ", ".join(f"{printable(c.name, 60)} ({c.seed})" for c in others)
    click.echo(
        f"relsim: note: every scenario runs with the seed of the first, "
        f"{printable(first.name, 60)} ({first.seed}), so that all meet the same citizens with "
        f"the same luck; the seed{'s' if len(others) > 1 else ''} of {named} "
        f"{'are' if len(others) > 1 else 'is'} not used (--seed sets the one seed)",
        err=True,
    )


def warn_proportions(configs: Sequence[Scenario]) -> list[str]:
    """Say on stderr where a scenario's population and flows are out of proportion, its posts
    leave one side of a hybrid with nobody, or its knobs lie outside those the model was
    calibrated at."""
    from relsim.commission.domain import calibration_warnings
    from relsim.commission.resources import staffing_warnings
    from relsim.commission.scale import proportion_warnings

    return warn(
        [
            w
            for c in configs
            for w in (*proportion_warnings(c), *staffing_warnings(c), *calibration_warnings(c))
        ]
    )


def warn_unread(sets: Sequence[str], configs: Sequence[Scenario]) -> list[str]:
    """Say on stderr which --set keys none of the scenarios' care models reads."""
    from relsim.config.unread import unread_setting_warnings

    return warn(unread_setting_warnings(sets, [c.care_model for c in configs]))


def emit_json(payload: dict) -> None:
    click.echo(json.dumps(clean_json(payload), indent=2, allow_nan=False))


class FiniteFloatRange(click.FloatRange):
    """A click.FloatRange that refuses NaN (which every comparison with a bound lets through)."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        number = super().convert(value, param, ctx)
        if not math.isfinite(number):
            self.fail(f"{shown(str(value))} is not a finite number", param, ctx)
        return number


def option_label(param: click.Parameter) -> str:
    """How a message names a parameter: `--out` for an option, `DIRECTORY` for an argument."""
    if isinstance(param, click.Option):
        return max(param.opts, key=len)
    return param.human_readable_name


class MetricName(click.ParamType):
    """A metric's name: refused with the nearest names, where click.Choice would list all
    fifty-odd and the line would be cut before most of them."""

    name = "metric"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        from relsim.metrics import METRIC_NAMES, not_a_metric

        if value not in METRIC_NAMES:
            self.fail(not_a_metric(str(value)), param, ctx)
        return value


class NonEmptyPath(click.ParamType):
    """A click.Path that refuses empty text: pathlib reads "" as ".", so `--out ''` would
    quietly name the current directory."""

    envvar_list_splitter = click.Path.envvar_list_splitter

    def __init__(self, path: click.Path) -> None:
        self.path = path
        self.name = path.name

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, str | bytes) and not value:
            label = option_label(param) if param is not None else "path"
            raise ScenarioError(f"{label}: is empty; give a path")
        return self.path.convert(value, param, ctx)

    def get_metavar(self, param: click.Parameter, ctx: click.Context) -> str | None:
        return self.path.get_metavar(param, ctx)

    def shell_complete(
        self, ctx: click.Context, param: click.Parameter, incomplete: str
    ) -> list[Any]:
        return self.path.shell_complete(ctx, param, incomplete)

    def to_info_dict(self) -> Any:
        return self.path.to_info_dict()


def refuse_empty_paths(command: click.Command) -> None:
    """Make every path parameter of `command` and its subcommands refuse empty text."""
    for param in command.params:
        if isinstance(param.type, click.Path):
            param.type = NonEmptyPath(param.type)
    if isinstance(command, click.Group):
        for subcommand in command.commands.values():
            refuse_empty_paths(subcommand)


def host_problem(host: str) -> str | None:
    """What makes `host` neither a host name nor an IP address (None if nothing), judged from
    the text alone: a wrong address should fail at once, not after a lookup or a timeout."""
    if not host:
        return "is empty"
    if ":" in host:
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            bracketed = host.startswith("[") and host.endswith("]")
            if bracketed:
                return "is not an IPv6 address (write it without brackets)"
            if "://" in host:
                return "is a web address; give the host alone (such as localhost)"
            name, _, port = host.rpartition(":")
            if port.isdigit() and host_problem(name) is None:
                return f"give the host alone, without the port (--port {port})"
            return "is not an IPv6 address"
        return None
    labels = host.removesuffix(".").split(".")
    if re.fullmatch(r"[0-9]+", labels[-1]):  # no top-level domain is all digits
        try:
            ipaddress.IPv4Address(host.removesuffix("."))
        except ValueError:
            return "is not an IP address (four numbers from 0 to 255, such as 127.0.0.1)"
        return None
    if len(host) > 253 or not all(HOST_LABEL.fullmatch(label) for label in labels):
        return "is not a host name or IP address"
    return None


def check_host(host: str, option: str) -> None:
    """Refuse, as bad input, a host that cannot be one (see host_problem)."""
    problem = host_problem(host)
    if problem is not None:
        raise ScenarioError(f"{option} {shown(host)}: {problem}")
