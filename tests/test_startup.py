"""Start-up: commands import only what they use, and the shortcuts taken for it change nothing."""

from __future__ import annotations

import subprocess
import sys

import pytest
from scipy import stats as scipy_stats

from relsim.stats import T975, mean_ci95, t975


def test_t_table_is_scipy_exactly() -> None:
    for degrees in range(1, len(T975) + 1):
        assert t975(degrees) == float(scipy_stats.t.ppf(0.975, degrees))
    beyond = len(T975) + 5
    assert t975(beyond) == float(scipy_stats.t.ppf(0.975, beyond))


def test_interval_uses_the_t_quantile() -> None:
    found = mean_ci95([1.0, 2.0, 4.0])
    half = float(scipy_stats.t.ppf(0.975, 2)) * 1.5275252316519468 / 3**0.5
    assert found["ci95"] == pytest.approx([7 / 3 - half, 7 / 3 + half], rel=1e-12)


def _imported(args: list[str]) -> set[str]:
    code = (
        "import sys\n"
        "from relsim.cli import main\n"
        f"sys.argv = ['relsim', *{args!r}]\n"
        "try:\n"
        "    main()\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(' '.join(sorted(sys.modules)), file=sys.stderr)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=300
    )
    return set(out.stderr.strip().splitlines()[-1].split())


HEAVY = ("pandas", "scipy.stats", "mesa", "matplotlib", "pyarrow")


@pytest.mark.parametrize("args", [["--help"], ["validate", "baseline"]])
def test_help_and_validate_import_no_heavy_library(args: list[str]) -> None:
    loaded = _imported(args)
    assert not [name for name in HEAVY if name in loaded]


def test_one_run_without_files_imports_no_scipy_stats_or_plotting() -> None:
    loaded = _imported(
        ["run", "baseline", "--reps", "1", "--set", "time.weeks=1", "--set", "time.warmup_weeks=0"]
    )
    assert "mesa" in loaded  # the model is a Mesa model
    assert "scipy.stats" not in loaded
    assert "matplotlib" not in loaded
