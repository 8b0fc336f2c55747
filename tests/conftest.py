"""Shared fixtures. The `cli_` ones run the command line as a user would: a fresh interpreter."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

CLI_REPO = Path(__file__).resolve().parent.parent

# A user's Ctrl-C reaches relsim. Tests started in the background of a non-interactive shell
# (`cmd &`) have SIGINT ignored, which every child would inherit: the tests that press Ctrl-C
# would then see it ignored. Children of a handled SIGINT start with the default.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)

# A scenario small enough that a command-line call takes about a second.
CLI_SMALL_SETS = (
    "--set",
    "population.citizens=300",
    "--set",
    "time.weeks=20",
    "--set",
    "time.warmup_weeks=4",
    "--set",
    "workforce.workers=2",
)

# The metric names engineering.md section 1 promises; written out here, not imported, so a name
# dropped from the code is caught.
CLI_CONTRACT_METRICS = (
    "crisis_events_per_citizen_year",
    "crisis_cost_per_citizen_year",
    "staff_cost_per_citizen_year",
    "total_cost_per_citizen_year",
    "mean_caseload",
    "staff_utilisation",
    "share_time_transactional",
    "mean_burnout",
    "staff_turnover_per_fte_year",
    "failure_demand_share",
    "handoffs_per_citizen_year",
    "distinct_workers_per_citizen",
    "mean_wait_weeks",
    "share_citizens_stable",
    "mean_need",
    "mean_trust",
)


# Off a terminal relsim prints a progress line every 30 s; on a slow or busy machine a test's
# command can take that long, and tests count stderr lines. Tests of the progress lines set
# their own interval.
os.environ.setdefault("RELSIM_PROGRESS_SECONDS", "3600")


def _cli_command(*args: str | os.PathLike) -> list[str]:
    return [sys.executable, "-m", "relsim", *(str(a) for a in args)]


def _cli_env() -> dict[str, str]:
    """The environment of a user's shell, without the debug switch that lets tracebacks through."""
    return {k: v for k, v in os.environ.items() if k not in ("RELSIM_DEBUG", "FORCE_COLOR")}


def _cli_run(*args: str | os.PathLike, cwd: Path | None = None, timeout: float = 180):
    return subprocess.run(
        _cli_command(*args),
        cwd=cwd or CLI_REPO,
        env=_cli_env(),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        encoding="utf-8",
        errors="replace",
        timeout=timeout,
        check=False,
    )


@pytest.fixture(scope="session")
def cli_run() -> Callable[..., subprocess.CompletedProcess]:
    """`cli_run(*args, cwd=None)`: `python -m relsim ARGS` in a subprocess, output captured."""
    return _cli_run


@pytest.fixture(scope="session")
def cli_popen() -> Callable[..., subprocess.Popen]:
    """`cli_popen(*args, cwd=None)`: start `python -m relsim ARGS`, output piped, not waited for."""

    def start(*args: str | os.PathLike, cwd: Path | None = None) -> subprocess.Popen:
        return subprocess.Popen(
            _cli_command(*args),
            cwd=cwd or CLI_REPO,
            env=_cli_env(),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            encoding="utf-8",
            errors="replace",
        )

    return start


@pytest.fixture(scope="session")
def cli_scenarios() -> Path:
    """The bundled scenarios directory."""
    return CLI_REPO / "scenarios"


def _cli_leftovers(parent: Path, name: str) -> list[str]:
    return sorted(
        p.name for p in parent.iterdir() if p.name == name or p.name.startswith(f".{name}.partial")
    )


@pytest.fixture(scope="session")
def cli_leftovers() -> Callable[[Path, str], list[str]]:
    """`cli_leftovers(parent, name)`: `name` and any `.name.partial-*` staging sibling there."""
    return _cli_leftovers


@pytest.fixture(scope="session")
def cli_small_sets() -> tuple[str, ...]:
    """`--set` arguments for a scenario small enough that a command takes about a second."""
    return CLI_SMALL_SETS


@pytest.fixture(scope="session")
def cli_contract_metrics() -> tuple[str, ...]:
    """The metric names engineering.md section 1 promises."""
    return CLI_CONTRACT_METRICS
