"""benchmarks/revisions.py, which compares revisions of relsim, says 'identical' only when the
results are: a tree whose model differs by one constant is reported as differing, and the
same code in two places is not."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SMALL = ["population.citizens=300", "time.weeks=12", "time.warmup_weeks=2", "workforce.workers=2"]


def _revisions_module():
    spec = importlib.util.spec_from_file_location("revisions", REPO / "benchmarks" / "revisions.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _copy_of_the_code(into: Path) -> Path:
    tree = into / "copy"
    tree.mkdir()
    shutil.copytree(REPO / "relsim", tree / "relsim", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(REPO / "scenarios", tree / "scenarios")
    return tree


def test_the_same_code_elsewhere_is_identical_and_a_changed_model_is_not(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    revisions = _revisions_module()
    same = _copy_of_the_code(tmp_path)
    assert revisions.compare_results({"here": REPO, "copy": same}, ["baseline"], SMALL)
    assert "baseline: copy against here: identical" in capsys.readouterr().out

    # One constant of the model changed: entrants' help fit spreads a little wider.
    arrivals = same / "relsim" / "dynamics" / "arrivals.py"
    text = arrivals.read_text()
    assert "FIT_SPREAD = 0.4" in text
    arrivals.write_text(text.replace("FIT_SPREAD = 0.4", "FIT_SPREAD = 0.41"))
    assert not revisions.compare_results({"here": REPO, "copy": same}, ["baseline"], SMALL)
    verdict = capsys.readouterr().out
    assert "mean_need" in verdict and "series differ" in verdict
