"""Reproducing and installing: `relsim rerun` re-creates a result byte for byte from its manifest;
a wheel built from the repository, installed into a fresh virtual environment, runs the bundled
scenarios by name from an empty directory; `relsim init` copies them out; `relsim schema`
describes the scenario format in JSON Schema.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
import yaml

from relsim.config.loading import layered
from tests.cli_helpers import relsim_main

ROOT = Path(__file__).resolve().parent.parent
# twenty weeks in all, half of them warm-up: long enough for the steady-state check, which the
# warm-up then always covers (MSER-5 truncates at most half the series), so no warning is said
TINY = (
    "--set", "population.citizens=200", "--set", "time.weeks=10",
    "--set", "time.warmup_weeks=10", "--set", "workforce.workers=2",
)  # fmt: skip


@pytest.fixture(scope="module")
def original(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("original") / "run"
    assert relsim_main("run", "baseline", *TINY, "--reps", "3", "--workers", "2", "--out", out) == 0
    return out


def test_rerun_reproduces_a_run_byte_for_byte(original, tmp_path, capsys):
    capsys.readouterr()
    new = tmp_path / "again"
    assert relsim_main("rerun", original / "manifest.json", "--out", new, "--workers", "1") == 0
    for name in ("summary.csv", "timeseries.parquet", "journeys.parquet"):
        assert (new / name).read_bytes() == (original / name).read_bytes(), name
    err = capsys.readouterr().err
    assert "summary.csv identical" in err and "timeseries.parquet identical" in err
    manifest = json.loads((new / "manifest.json").read_text())
    assert manifest["rerun_of"].endswith("manifest.json")


def test_rerun_of_a_manifest_whose_list_of_files_was_edited_still_checks_every_file(
    original, tmp_path, capsys
):
    """A manifest whose `files` no longer lists journeys.parquet (edited, or a bogus entry put
    in) does not make the rerun skip the journeys: the original has them and their hash, so
    they are run and compared; and a file the original has that a rerun does not make is said,
    not passed over."""
    import shutil

    from relsim.rerun import NOT_MADE, compare_files, verdict_problems

    copy = tmp_path / "copy"
    shutil.copytree(original, copy)
    data = json.loads((copy / "manifest.json").read_text())
    data["files"] = [f for f in data["files"] if f != "journeys.parquet"] + ["../../etc/passwd"]
    (copy / "manifest.json").write_text(json.dumps(data))
    capsys.readouterr()
    new = tmp_path / "again"
    assert relsim_main("rerun", copy / "manifest.json", "--out", new, "--workers", "1") == 0
    assert "journeys.parquet identical" in capsys.readouterr().err
    (new / "journeys.parquet").unlink()
    verdicts = compare_files(data, copy, new)
    assert verdicts["journeys.parquet"] == NOT_MADE
    assert any("did not make journeys.parquet" in p for p in verdict_problems(verdicts))


def test_rerun_of_a_sweep_compares_its_weekly_series_and_answers_in_json(tmp_path, capsys):
    """A sweep kept with --timeseries is re-created and both its tables compared, row for row;
    --json prints one object with each verdict (it printed nothing for a sweep). A weekly
    series changed after the run is found (only the runs table was compared)."""
    original = tmp_path / "sweep"
    grid = ("--grid", "continuity=0.2,0.8", "--reps", "2", "--timeseries", "--workers", "1")
    assert relsim_main("sweep", "baseline", *TINY, *grid, "--out", original) == 0
    capsys.readouterr()
    again = ("--out", tmp_path / "again", "--workers", "1", "--json")
    assert relsim_main("rerun", original / "manifest.json", *again) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["identical"] is True
    assert answer["files"] == {"runs.parquet": "identical", "timeseries.parquet": "identical"}

    import pandas as pd

    part = sorted((original / "timeseries.parquet").glob("*.parquet"))[0]
    weekly = pd.read_parquet(part)
    weekly["mean_need"] += 0.001
    weekly.to_parquet(part, index=False)
    capsys.readouterr()
    again = ("--out", tmp_path / "third", "--workers", "1", "--json")
    assert relsim_main("rerun", original / "manifest.json", *again) == 1
    answer = json.loads(capsys.readouterr().out)
    assert answer["files"]["timeseries.parquet"] == "differs" and not answer["identical"]


def test_an_interrupted_rerun_of_a_sweep_says_what_it_left(tmp_path, capsys, monkeypatch):
    """rerun has no --resume: interrupted, it says its --out holds unfinished runs and that
    --force starts again (it said "no results written", with a manifest and runs in --out),
    and --force then re-creates the sweep."""
    import relsim.sweep.store

    original = tmp_path / "sweep"
    grid = ("--grid", "continuity=0.2,0.8", "--reps", "2", "--workers", "1")
    assert relsim_main("sweep", "baseline", *TINY, *grid, "--out", original) == 0
    real_add = relsim.sweep.store.SweepStore.add
    added = []

    def interrupted(self, *args, **kwargs):
        if added:
            raise KeyboardInterrupt
        added.append(1)
        return real_add(self, *args, **kwargs)

    again = tmp_path / "again"
    capsys.readouterr()
    with monkeypatch.context() as patch:
        patch.setattr(relsim.sweep.store.SweepStore, "add", interrupted)
        assert relsim_main("rerun", original, "--out", again, "--workers", "1") == 130
    error = capsys.readouterr().err
    assert "no results written" not in error
    assert f"{again} holds the rerun's finished runs, not a complete result" in error
    assert "--force starts it again" in error
    assert relsim_main("rerun", original, "--out", again, "--workers", "1", "--force") == 0
    assert "runs.parquet identical" in capsys.readouterr().err


def test_rerun_outside_a_checkout_says_what_it_cannot_check(
    original, tmp_path, capsys, monkeypatch
):
    """From an unpacked archive or a wheel there is no commit to compare, and identical files
    do not show that the same code made them (a result made by older code said "identical"
    with nothing more): the rerun says so in a note, and still reruns."""
    import relsim.environment

    monkeypatch.setattr(relsim.environment, "git_commit", lambda: None)
    capsys.readouterr()
    assert relsim_main("rerun", original, "--out", tmp_path / "again", "--workers", "1") == 0
    err = capsys.readouterr().err
    assert "relsim: note: this relsim is not a git checkout" in err, err
    assert "summary.csv identical" in err
    # A result made outside a checkout, rerun in one: the same note from the other side.
    monkeypatch.undo()
    copy = tmp_path / "copy"
    shutil.copytree(original, copy)
    manifest = json.loads((copy / "manifest.json").read_text())
    manifest.update(git_commit=None, git_source_sha256=None, git_uncommitted_sha256=None)
    (copy / "manifest.json").write_text(json.dumps(manifest))
    assert relsim_main("rerun", copy, "--out", tmp_path / "again2", "--workers", "1") == 0
    assert "relsim: note: the result records no commit" in capsys.readouterr().err


def test_rerun_refuses_when_this_relsim_differs(original, tmp_path, capsys):
    copy = tmp_path / "copy"
    shutil.copytree(original, copy)
    manifest = json.loads((copy / "manifest.json").read_text())
    manifest["relsim_version"] = "0.0.1"
    manifest["scenario_hash"] = "0" * 64
    (copy / "manifest.json").write_text(json.dumps(manifest))
    capsys.readouterr()
    assert relsim_main("rerun", copy, "--out", tmp_path / "new") == 2
    (line,) = capsys.readouterr().err.splitlines()
    assert "relsim '0.0.1'" in line and "hash" in line and "--allow-mismatch" in line
    assert not (tmp_path / "new").exists()
    # Told to, it reruns; the files are still the same bytes.
    assert relsim_main("rerun", copy, "--out", tmp_path / "new", "--allow-mismatch") == 0
    assert (tmp_path / "new" / "summary.csv").read_bytes() == (copy / "summary.csv").read_bytes()


@pytest.mark.parametrize(
    ("field", "value", "named"),
    [
        ("versions", {"numpy": "1.0.0"}, "numpy '1.0.0'"),
        ("git_uncommitted_sha256", "f" * 64, "uncommitted changes to relsim ffffffffffff"),
    ],
    ids=["numpy", "uncommitted changes"],
)
def test_rerun_refuses_when_the_code_or_libraries_differ(
    original, tmp_path, field, value, named, capsys
):
    """Another numpy, or other uncommitted changes at the same commit, can change the numbers."""
    copy = tmp_path / "copy"
    shutil.copytree(original, copy)
    manifest = json.loads((copy / "manifest.json").read_text())
    if field == "git_uncommitted_sha256" and not manifest["git_commit"]:
        pytest.skip("not a git checkout: uncommitted changes are not recorded")
    manifest[field] = {**manifest[field], **value} if isinstance(value, dict) else value
    (copy / "manifest.json").write_text(json.dumps(manifest))
    capsys.readouterr()
    assert relsim_main("rerun", copy, "--out", tmp_path / "new") == 2
    (line,) = capsys.readouterr().err.splitlines()
    assert named in line and "--allow-mismatch" in line
    assert not (tmp_path / "new").exists()


@pytest.fixture(scope="module")
def comparison(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("comparison") / "compare"
    args = ("--reps", "2", "--workers", "1", "--equal-spend", "--ensemble", "2")
    assert relsim_main("compare", "baseline", "liberated", *TINY, *args, "--out", out) == 0
    return out


def test_a_comparison_has_a_manifest_and_reruns_byte_for_byte(comparison, tmp_path, capsys):
    """A comparison's directory says what was compared (scenarios, seed, reps, options, the
    sizing applied, code and libraries) and hashes its own files; `relsim rerun` re-creates
    every file of it from that manifest and each scenario's own."""
    manifest = json.loads((comparison / "manifest.json").read_text())
    assert manifest["kind"] == "relsim compare"
    assert manifest["scenarios"] == ["baseline", "liberated"]
    assert manifest["options"]["equal_spend"] and manifest["options"]["ensemble"] == 2
    assert manifest["equal_spend"]["scenarios"], "the sizing applied is recorded"
    assert set(manifest["sha256"]) == {
        "differences.csv",
        "resources.csv",
        "cost_effectiveness.csv",
        "incremental.csv",
        "price_changes.csv",
    }
    assert {"versions", "git_commit", "git_uncommitted_sha256", "started"} <= set(manifest)
    capsys.readouterr()
    new = tmp_path / "again"
    assert relsim_main("rerun", comparison, "--out", new, "--workers", "1") == 0
    captured = capsys.readouterr()
    err = captured.err
    # it prints what `compare` prints: who saves too (the commissioner's sections were missing)
    assert "Who saves, steady state: baseline's cost minus liberated's" in captured.out
    for name in (
        "differences.csv",
        "resources.csv",
        "cost_effectiveness.csv",
        "price_changes.csv",
        "liberated/journeys.parquet",
    ):
        assert f"{name} identical" in err
    assert "differs" not in err
    for path in comparison.rglob("*"):
        if path.is_file() and path.name != "manifest.json":
            assert (new / path.relative_to(comparison)).read_bytes() == path.read_bytes(), path
    assert json.loads((new / "manifest.json").read_text())["rerun_of"].endswith("manifest.json")


def test_a_rerun_comparison_that_differs_says_so(comparison, tmp_path, capsys):
    copy = tmp_path / "copy"
    shutil.copytree(comparison, copy)
    manifest = json.loads((copy / "manifest.json").read_text())
    manifest["sha256"]["differences.csv"] = "0" * 64
    (copy / "manifest.json").write_text(json.dumps(manifest))
    capsys.readouterr()
    assert relsim_main("rerun", copy, "--out", tmp_path / "new", "--workers", "1") == 1
    assert "differences.csv differs" in capsys.readouterr().err


def test_an_edited_series_manifest_is_named_not_blamed_on_the_schema(comparison, tmp_path, capsys):
    copy = tmp_path / "copy"
    shutil.copytree(comparison, copy)
    own = copy / "liberated" / "manifest.json"
    data = json.loads(own.read_text())
    data["scenario"]["workforce"]["caseload_cap"] += 1
    own.write_text(json.dumps(data))
    capsys.readouterr()
    assert relsim_main("rerun", copy, "--out", tmp_path / "new", "--workers", "1") == 2
    (line,) = capsys.readouterr().err.splitlines()
    assert f"the scenario in {own} no longer resolves to the recorded hash" in line
    assert "the manifest was edited, or the schema changed" in line
    assert not (tmp_path / "new").exists()


def test_rerun_compares_the_source_not_the_commit(original, tmp_path, capsys):
    """A run recorded at another commit with the same source (a documentation-only commit)
    reruns; one recorded with other source is refused."""
    manifest = json.loads((original / "manifest.json").read_text())
    if not manifest["git_source_sha256"]:
        pytest.skip("not a git checkout: the source is not recorded")
    copy = tmp_path / "copy"
    for name, changes in (
        ("docs", {"git_commit": "0" * 40}),
        ("code", {"git_commit": "0" * 40, "git_source_sha256": "6" * 64}),
    ):
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(original, copy)
        (copy / "manifest.json").write_text(json.dumps({**manifest, **changes}))
        capsys.readouterr()
        code = relsim_main("rerun", copy, "--out", tmp_path / name, "--workers", "1")
        err = capsys.readouterr().err
        if name == "docs":
            assert code == 0 and "summary.csv identical" in err, err
        else:
            assert code == 2 and "relsim source 666666666666" in err, err


def test_rerun_into_the_original_is_refused(original, capsys):
    """Re-creating a result over itself (even with --force) would compare it with itself, and
    inside it would add to it what its manifest does not list."""
    before = {p.name: p.read_bytes() for p in original.iterdir()}
    for out in (original, original / "again"):
        capsys.readouterr()
        assert relsim_main("rerun", original, "--out", out, "--force") == 2
        assert "is or is inside the result being re-created" in capsys.readouterr().err
        assert {p.name: p.read_bytes() for p in original.iterdir()} == before


def test_rerun_says_when_the_result_differs(original, tmp_path, capsys):
    copy = tmp_path / "copy"
    shutil.copytree(original, copy)
    manifest = json.loads((copy / "manifest.json").read_text())
    manifest["sha256"]["summary.csv"] = "0" * 64
    (copy / "manifest.json").write_text(json.dumps(manifest))
    capsys.readouterr()
    assert relsim_main("rerun", copy, "--out", tmp_path / "new") == 1
    assert "summary.csv differs" in capsys.readouterr().err


def test_rerun_says_when_the_original_was_changed_after_it_was_written(original, tmp_path, capsys):
    """The new files are checked against the recorded hashes, and the originals beside the
    manifest too: an original edited since it was written is never called identical, even
    when the rerun reproduces what was recorded."""
    copy = tmp_path / "copy"
    shutil.copytree(original, copy)
    with (copy / "summary.csv").open("a", encoding="utf-8") as table:
        table.write("edited,by,hand\n")
    capsys.readouterr()
    assert relsim_main("rerun", copy, "--out", tmp_path / "new", "--workers", "1") == 1
    err = capsys.readouterr().err
    assert "summary.csv original changed" in err and "timeseries.parquet identical" in err
    assert "summary.csv was changed after it was written" in err
    assert "no longer matches the manifest's hash" in err
    assert "not identical to the original" not in err, "the rerun itself reproduced the hash"


def test_rerun_says_when_an_original_is_missing(original, tmp_path, capsys):
    """An original the manifest records, deleted since, is not called identical (it was, on
    the strength of the recorded hash alone): it is said missing, and the rerun exits 1."""
    copy = tmp_path / "copy"
    shutil.copytree(original, copy)
    (copy / "summary.csv").unlink()
    capsys.readouterr()
    assert relsim_main("rerun", copy, "--out", tmp_path / "new", "--workers", "1") == 1
    err = capsys.readouterr().err
    assert "summary.csv original missing" in err and "timeseries.parquet identical" in err
    assert (
        "the original summary.csv is missing (the manifest records it as written, with its "
        "hash; the rerun's has it); the rerun is kept"
    ) in err
    assert "both are kept" not in err  # one of the two is not there to keep
    assert "not identical to the original" not in err, "the rerun itself reproduced the hash"


def test_rerun_refuses_a_manifest_of_a_kind_it_cannot_recreate(original, tmp_path, capsys):
    """A manifest naming a kind relsim does not write is refused, not rerun as if it were a
    run's."""
    copy = tmp_path / "copy"
    shutil.copytree(original, copy)
    manifest = json.loads((copy / "manifest.json").read_text())
    manifest["kind"] = "relsim banana"
    (copy / "manifest.json").write_text(json.dumps(manifest))
    capsys.readouterr()
    assert relsim_main("rerun", copy, "--out", tmp_path / "new") == 2
    assert "its kind is 'relsim banana', not a result rerun can re-create" in (
        capsys.readouterr().err
    )
    assert not (tmp_path / "new").exists()


def test_a_rerun_comparison_says_when_its_original_was_edited(comparison, tmp_path, capsys):
    copy = tmp_path / "copy"
    shutil.copytree(comparison, copy)
    table = copy / "differences.csv"
    table.write_text(table.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    capsys.readouterr()
    assert relsim_main("rerun", copy, "--out", tmp_path / "new", "--workers", "1") == 1
    err = capsys.readouterr().err
    assert "differences.csv original changed" in err and "resources.csv identical" in err
    assert "the original differences.csv was changed after it was written" in err


@pytest.mark.parametrize("recorded", [None, {}])
def test_a_manifest_with_nothing_to_compare_is_not_a_success(original, tmp_path, capsys, recorded):
    """With no recorded hashes and no original files beside it, a rerun can show nothing: it
    is refused before anything runs (exit 2, nothing written), not 0 with nothing compared."""
    manifest = json.loads((original / "manifest.json").read_text())
    if recorded is None:
        del manifest["sha256"]
    else:
        manifest["sha256"] = recorded
    alone = tmp_path / "alone"
    alone.mkdir()
    (alone / "manifest.json").write_text(json.dumps(manifest))
    capsys.readouterr()
    assert relsim_main("rerun", alone, "--out", tmp_path / "new", "--workers", "1") == 2
    (line,) = capsys.readouterr().err.splitlines()
    assert "records no SHA-256 for its files" in line and "nothing to compare with" in line
    assert not (tmp_path / "new").exists()


def test_the_json_verdict_names_changed_originals(tmp_path, capsys):
    """A study's rerun answers in one JSON object: an original changed after it was written is
    listed apart from the files that differ, and the result is not identical."""
    from relsim.cli_rerun import _report
    from relsim.config.errors import RunError

    verdicts = {"frontier.csv": "original changed", "sweep/runs.parquet": "identical"}
    with pytest.raises(RunError, match=r"frontier\.csv was changed after it was written"):
        _report(verdicts, tmp_path / "manifest.json", True, tmp_path / "out")
    answer = json.loads(capsys.readouterr().out)
    assert answer["files"] == verdicts and answer["original_changed"] == ["frontier.csv"]
    assert answer["identical"] is False


def test_rerun_of_a_sweep_gives_the_same_runs(tmp_path, capsys):
    first, second = tmp_path / "first", tmp_path / "second"
    grid = ("--grid", "continuity=0.2,0.8", "--reps", "2", "--workers", "1")
    assert relsim_main("sweep", "baseline", *TINY, *grid, "--out", first) == 0
    capsys.readouterr()
    assert relsim_main("rerun", first, "--out", second, "--workers", "1") == 0
    assert "runs.parquet identical" in capsys.readouterr().err


def test_bad_manifests_are_bad_input(tmp_path, capsys):
    (tmp_path / "notjson.json").write_text("{", encoding="utf-8")
    (tmp_path / "other.json").write_text('{"a": 1}', encoding="utf-8")
    for name, fragment in (("notjson.json", "not JSON"), ("other.json", "no scenario")):
        capsys.readouterr()
        assert relsim_main("rerun", tmp_path / name, "--out", tmp_path / "out") == 2
        assert fragment in capsys.readouterr().err
    assert relsim_main("rerun", "/dev/zero", "--out", tmp_path / "out") == 2
    capsys.readouterr()
    assert relsim_main("rerun", tmp_path / "missing", "--out", tmp_path / "out") == 2
    assert "missing: no such file" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def _dev_function(name: str) -> str:
    """The text of one shell function of dev.sh, to run on its own."""
    text = (ROOT / "dev.sh").read_text(encoding="utf-8")
    start = text.index(f"{name}() {{")
    return text[start : text.index("\n}\n", start) + 3]


def _found_python(path: Path, home: Path | None) -> subprocess.CompletedProcess[str]:
    """dev.sh's find_python with only `path` on PATH and `home` as HOME (None: unset)."""
    env = {"PATH": str(path)} | ({"HOME": str(home)} if home is not None else {})
    script = f"set -euo pipefail\n{_dev_function('find_python')}\nfind_python\n"
    bash = shutil.which("bash") or "/bin/bash"
    return subprocess.run([bash, "-c", script], env=env, capture_output=True, text=True)


@pytest.mark.skipif(sys.version_info < (3, 12), reason="needs this Python to be >= 3.12")
def test_dev_sh_finds_a_python_on_path_with_home_unset(tmp_path):
    """Run with HOME unset (env -i, a service), dev.sh still finds the Python on PATH."""
    (tmp_path / "python3").symlink_to(sys.executable)
    found = _found_python(tmp_path, None)
    assert found.returncode == 0 and found.stdout.strip() == str(tmp_path / "python3"), found


@pytest.mark.skipif(sys.version_info < (3, 12), reason="needs this Python to be >= 3.12")
def test_dev_sh_finds_a_pyenv_python_newer_than_313(tmp_path):
    """A Python 3.14 (or later) under pyenv is used, as the README's '3.12 or newer' says."""
    newer = tmp_path / "home" / ".pyenv" / "versions" / "3.14.0" / "bin" / "python3"
    newer.parent.mkdir(parents=True)
    newer.symlink_to(sys.executable)
    (tmp_path / "bin").mkdir()
    found = _found_python(tmp_path / "bin", tmp_path / "home")
    assert found.returncode == 0 and found.stdout.strip() == str(newer), found


def test_dev_sh_names_an_unknown_command_and_helps_on_request():
    """An unknown command is one `relsim:` line naming it (escaped), exit 2, before anything is
    set up; --help is not an error."""
    bash = shutil.which("bash") or "/bin/bash"
    wrong = subprocess.run(
        [bash, ROOT / "dev.sh", "tset\x1b[2J"], capture_output=True, text=True, timeout=60
    )
    assert wrong.returncode == 2 and wrong.stdout == "", wrong
    assert wrong.stderr.startswith("relsim: dev.sh has no command ") and "tset" in wrong.stderr
    assert "\x1b" not in wrong.stderr and wrong.stderr.count("\n") == 1, wrong
    helped = subprocess.run([bash, ROOT / "dev.sh", "--help"], capture_output=True, text=True)
    assert helped.returncode == 0 and "usage: ./dev.sh" in helped.stdout, helped


def test_dev_sh_prefers_the_newest_python(tmp_path):
    """Among the Pythons found (stand-ins that answer the version check), the newest 3.12 or
    later is used, wherever it was found, and older ones never."""
    home, path = tmp_path / "home", tmp_path / "bin"
    path.mkdir()

    def stand_in(where: Path, minor: int) -> Path:
        where.parent.mkdir(parents=True, exist_ok=True)
        where.write_text(f"#!/bin/sh\necho {minor}\n", encoding="utf-8")
        where.chmod(0o755)
        return where

    stand_in(path / "python3", 12)
    versions = home / ".pyenv" / "versions"
    stand_in(versions / "3.9.18" / "bin" / "python3", 0)  # older than 3.12: the check says 0
    newest = stand_in(versions / "3.13.2" / "bin" / "python3", 13)
    stand_in(versions / "3.12.8" / "bin" / "python3", 12)
    found = _found_python(path, home)
    assert found.returncode == 0 and found.stdout.strip() == str(newest), found


@pytest.mark.skipif(
    [p for d in ("/usr/bin", "/usr/local/bin") for p in Path(d).glob("python3.1[2-9]")],
    reason="dev.sh would find a Python >= 3.12 there and start a real install",
)
@pytest.mark.parametrize("broken", ["without pip", "an older Python", "moved"])
def test_dev_sh_makes_an_unusable_venv_again(tmp_path, broken):
    """A .venv that pip cannot install into (setup interrupted before pip was in it, or made by
    a Python older than 3.12), or made where the checkout was before it moved, is made again,
    not failed on (or run from the old place) at every start."""
    old = "/usr/bin/python3.11" if broken == "an older Python" else sys.executable
    if not Path(old).exists():
        pytest.skip(f"no {old} here")
    shutil.copy(ROOT / "dev.sh", tmp_path / "dev.sh")
    for name in ("pyproject.toml", "setup.py"):
        shutil.copy(ROOT / name, tmp_path / name)
    subprocess.run([old, "-m", "venv", "--without-pip", tmp_path / ".venv"], check=True)
    if broken != "without pip":
        # pip is there (an empty stand-in): only the version or the place makes it unusable
        site = next((tmp_path / ".venv" / "lib").glob("python3.*/site-packages"))
        (site / "pip.py").write_text("", encoding="utf-8")
    if broken == "moved":
        stamp = "what was installed there\n/somewhere/else/.venv\n"
        (tmp_path / ".venv" / ".relsim-installed").write_text(stamp, encoding="utf-8")
    tools = tmp_path / "tools"  # coreutils only: no Python, so nothing is installed
    tools.mkdir()
    for tool in ("dirname", "cat", "cksum", "rm", "sed"):
        (tools / tool).symlink_to(shutil.which(tool) or f"/usr/bin/{tool}")
    bash = shutil.which("bash") or "/bin/bash"
    env = {"PATH": str(tools), "HOME": str(tmp_path)}
    done = subprocess.run(
        [bash, tmp_path / "dev.sh", "relsim"], env=env, capture_output=True, text=True
    )
    assert done.returncode == 2, done
    said = "made in another place" if broken == "moved" else ".venv is not usable"
    assert said in done.stderr and "no Python >= 3.12" in done.stderr, done
    assert not (tmp_path / ".venv").exists()


def test_init_copies_the_bundled_files(tmp_path, capsys):
    target = tmp_path / "mine"
    assert relsim_main("init", target) == 0
    assert sorted(p.name for p in (target / "scenarios").iterdir()) == sorted(
        p.name for p in (ROOT / "scenarios").glob("*.yaml")
    )
    assert sorted(p.name for p in (target / "experiments").iterdir()) == sorted(
        p.name for p in (ROOT / "experiments").glob("*.yaml")
    )
    assert relsim_main("validate", target / "scenarios" / "liberated.yaml") == 0
    edited = target / "scenarios" / "baseline.yaml"
    edited.write_text("name: edited\n", encoding="utf-8")
    capsys.readouterr()
    assert relsim_main("init", target) == 2  # nothing overwritten without --force
    assert "--force" in capsys.readouterr().err
    assert edited.read_text(encoding="utf-8") == "name: edited\n"


@pytest.mark.parametrize("name", ["my dir", "it's", "$(touch pwned)", "-x"])
def test_init_suggests_a_command_that_can_be_pasted(tmp_path, capsys, monkeypatch, name):
    """The `relsim run` that init suggests names its copy as one shell word, whatever the
    directory is called, and runs nothing else when pasted."""
    monkeypatch.chdir(tmp_path)
    capsys.readouterr()
    assert relsim_main("init", "--", name) == 0
    suggested = capsys.readouterr().out.split("try: ")[1].strip()
    words = shlex.split(suggested)
    assert words[:2] == ["relsim", "run"] and len(words) == 3, words
    assert not words[2].startswith("-"), words  # it would be read as an option
    assert Path(words[2]).resolve() == (tmp_path / name / "scenarios" / "baseline.yaml")


def test_init_stopped_part_way_leaves_nothing_and_says_so(tmp_path, capsys, monkeypatch):
    """A stop while copying takes back what was copied (no truncated scenario, no partial
    set that a plain init would then refuse), and the stop's line says nothing was written."""
    import relsim.files

    target = tmp_path / "mine"
    real = relsim.files.write_bytes
    calls = []

    def stops_on_the_third(path, data):
        calls.append(path)
        if len(calls) == 3:
            raise KeyboardInterrupt
        real(path, data)

    monkeypatch.setattr(relsim.files, "write_bytes", stops_on_the_third)
    capsys.readouterr()
    assert relsim_main("init", target) == 130
    lines = [line for line in capsys.readouterr().err.splitlines() if line]  # after ^C's line
    assert len(lines) == 1 and "no results written" in lines[0], lines
    assert len(calls) == 3 and list(tmp_path.iterdir()) == []
    monkeypatch.setattr(relsim.files, "write_bytes", real)
    assert relsim_main("init", target) == 0  # and a plain init then works


@pytest.mark.skipif(not Path("/proc/self").exists(), reason="needs /proc")
def test_init_where_no_directory_can_be_made_says_so_in_one_line(capsys):
    """/proc takes no new directories; the system calls that "no such file", which named /proc
    as if it were missing."""
    capsys.readouterr()
    assert relsim_main("init", "/proc/nope/deeper") == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert lines == [
        "relsim: error: init: cannot create /proc/nope/deeper: "
        "/proc does not allow new files or directories"
    ]


def test_init_that_fails_midway_leaves_nothing(tmp_path, capsys, monkeypatch):
    """A copy that fails (a full disk) takes back the directories and files already made."""
    import relsim.files

    real = relsim.files.write_bytes
    done: list[Path] = []

    def fill_up(path: Path, data: bytes) -> None:
        if len(done) == 4:
            raise OSError(28, "No space left on device")
        real(path, data)
        done.append(path)

    monkeypatch.setattr(relsim.files, "write_bytes", fill_up)
    capsys.readouterr()
    assert relsim_main("init", tmp_path / "new" / "copies") == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and "cannot be written (No space left on device)" in lines[0], lines
    assert len(done) == 4 and list(tmp_path.iterdir()) == []


def test_a_full_disk_after_a_result_says_what_failed_and_that_the_result_is_complete(
    tmp_path, capsys, monkeypatch
):
    """The report cannot be written (a full disk) after --out is complete: one line with the
    system's reason and what is complete, not "OSError: [Errno 28] ..." with neither."""
    import relsim.report.html

    def full(path: Path, analysis: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(relsim.report.html, "write_report", full)
    monkeypatch.delenv("RELSIM_DEBUG", raising=False)
    out, report = tmp_path / "done", tmp_path / "report.html"
    args = ("compare", "baseline", "liberated", *TINY, "--reps", "2", "--workers", "1")
    capsys.readouterr()
    assert relsim_main(*args, "--out", out, "--report", report) == 1
    assert capsys.readouterr().err.strip().splitlines() == [
        f"relsim: error: No space left on device; --out {out} complete; nothing else written"
    ]
    assert (out / "manifest.json").is_file() and not report.exists()


def _tree(directory: Path) -> dict[str, str]:
    """Every file and link under `directory`, hidden ones too: its content, or where it links."""
    return {
        str(path.relative_to(directory)): (
            f"-> {os.readlink(path)}" if path.is_symlink() else path.read_text(encoding="utf-8")
        )
        for path in sorted(directory.rglob("*"))
        if path.is_symlink() or path.is_file()
    }


@pytest.mark.parametrize("stop", ["full disk", "Ctrl-C"])
@pytest.mark.parametrize("links", [True, False], ids=["links", "no links"])
def test_init_force_that_fails_midway_puts_back_what_it_replaced(
    tmp_path, capsys, monkeypatch, stop, links
):
    """`init --force` is all or nothing: a failure or stop after some files were replaced puts
    back the files it replaced, as they were (a link as a link), and removes the ones it
    made, also where the file system has no hard links to keep the old files by."""
    import relsim.files

    target = tmp_path / "mine"
    assert relsim_main("init", target) == 0
    scenarios, experiments = target / "scenarios", target / "experiments"
    (scenarios / "baseline.yaml").write_text("name: my edited baseline\n", encoding="utf-8")
    (scenarios / "hybrid.yaml").unlink()  # made anew by the init that fails
    (scenarios / "liberated.yaml").unlink()
    (scenarios / "liberated.yaml").symlink_to("baseline.yaml")
    for path in experiments.iterdir():
        path.write_text(f"# my notes on {path.name}\n", encoding="utf-8")
    (scenarios / "mine.yaml").write_text("name: mine\n", encoding="utf-8")
    before = _tree(target)
    if not links:

        def no_links(*args, **kwargs):
            raise OSError(1, "Operation not permitted")

        monkeypatch.setattr(os, "link", no_links)
    real = relsim.files.write_bytes
    done: list[Path] = []

    def fails_on_the_sixth(path: Path, data: bytes) -> None:
        if len(done) == 5:
            if stop == "Ctrl-C":
                raise KeyboardInterrupt
            raise OSError(28, "No space left on device")
        real(path, data)
        done.append(path)

    monkeypatch.setattr(relsim.files, "write_bytes", fails_on_the_sixth)
    capsys.readouterr()
    status = relsim_main("init", "--force", target)
    lines = [line for line in capsys.readouterr().err.splitlines() if line]
    assert len(done) == 5 and {p.parent for p in done} == {scenarios, experiments}, done
    assert _tree(target) == before
    if stop == "Ctrl-C":
        assert status == 130 and len(lines) == 1 and "no results written" in lines[0], lines
    else:
        assert status == 2 and len(lines) == 1, lines
        assert "cannot be written (No space left on device)" in lines[0], lines
    monkeypatch.setattr(relsim.files, "write_bytes", real)
    assert relsim_main("init", "--force", target) == 0  # and when it succeeds, all replaced
    bundled_baseline = (ROOT / "scenarios" / "baseline.yaml").read_bytes()
    assert (scenarios / "baseline.yaml").read_bytes() == bundled_baseline
    assert not (scenarios / "liberated.yaml").is_symlink()
    assert sorted(p.name for p in scenarios.iterdir()) == [
        "baseline.yaml", "hybrid.yaml", "liberated.yaml", "mine.yaml", "none.yaml"
    ]  # fmt: skip
    assert not [p for p in target.rglob(".*")]


def test_init_force_stopped_just_as_a_file_is_set_aside_puts_it_back(tmp_path, monkeypatch):
    """A stop the moment a file to replace has been moved aside (where there are no hard
    links) still puts it back: it is known to be aside before it is moved."""
    target = tmp_path / "mine"
    assert relsim_main("init", target) == 0
    (target / "scenarios" / "baseline.yaml").write_text("name: mine\n", encoding="utf-8")
    before = _tree(target)
    real_rename = os.rename

    def no_links(*args, **kwargs):
        raise OSError(1, "Operation not permitted")

    def stopped_after(source, destination):
        real_rename(source, destination)
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "link", no_links)
    monkeypatch.setattr(os, "rename", stopped_after)
    assert relsim_main("init", "--force", target) == 130
    assert _tree(target) == before


def test_init_force_that_cannot_put_a_file_back_says_where_it_is(tmp_path, capsys, monkeypatch):
    """A file replaced that cannot be put back after a failure is not lost: the one line says
    where it is kept."""
    import relsim.files

    target = tmp_path / "mine"
    assert relsim_main("init", target) == 0
    edited = target / "scenarios" / "baseline.yaml"
    edited.write_text("name: my edited baseline\n", encoding="utf-8")
    real_write, real_replace = relsim.files.write_bytes, os.replace
    failed: list[bool] = []

    def fails_on_the_second(path: Path, data: bytes) -> None:
        if path.name != "baseline.yaml":
            failed.append(True)
            raise OSError(28, "No space left on device")
        real_write(path, data)

    def replace(source, destination):
        if failed:
            raise OSError(30, "Read-only file system")
        real_replace(source, destination)

    monkeypatch.setattr(relsim.files, "write_bytes", fails_on_the_second)
    monkeypatch.setattr(os, "replace", replace)
    capsys.readouterr()
    assert relsim_main("init", "--force", target) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and "baseline.yaml: stopped part-way" in lines[0], lines
    kept = Path(lines[0].split("it is kept as ")[1])
    assert kept.parent == edited.parent and kept.name.startswith(".baseline.yaml.")
    assert kept.read_text(encoding="utf-8") == "name: my edited baseline\n"


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize(
    "args",
    [("schema",), ("validate", "baseline"), ("--help",), ("run", "baseline", *TINY, "--reps", "1")],
)
def test_a_full_standard_output_is_one_line_and_exit_1(args):
    """Output sent to a full disk is said in one line naming standard output, not as an
    unexplained OSError; not bad input (status 2 says nothing was written), so status 1."""
    env = {k: v for k, v in os.environ.items() if k != "RELSIM_DEBUG"}
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "relsim", *args],
            cwd=ROOT, env=env, stdout=full, stderr=subprocess.PIPE, text=True, timeout=300,
        )  # fmt: skip
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 1, done.stderr
    assert lines == [
        "relsim: error: standard output: cannot be written (No space left on device); "
        "no results written"
    ], done.stderr


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize(
    "args",
    [
        ("run", "baseline", *TINY, "--reps", "1"),
        ("frontier", "baseline", *TINY[:6], "--workforce", "2,3", "--reps", "1", "--ensemble", "0"),
        ("budget", "hybrid", *TINY[:6], "--limit", "500k", "--reps", "2", "--ensemble", "0"),
        ("experiment", "run", "experiments/continuity_erosion.yaml", "--quick", "--ensemble", "0"),
    ],
    ids=lambda args: args[0],
)
def test_a_full_standard_output_after_a_result_says_the_result_is_complete(args, tmp_path):
    """A command's --out is written before its table is printed: the line says it is
    complete (a study's said "no results written" over its complete directory)."""
    out = tmp_path / "done"
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "relsim", *args, "--out", str(out)],
            cwd=ROOT, stdout=full, stderr=subprocess.PIPE, text=True, timeout=300,
        )  # fmt: skip
    assert done.returncode == 1, done.stderr
    assert done.stderr.strip().splitlines() == [
        "relsim: error: standard output: cannot be written (No space left on device); "
        f"--out {out} complete; nothing else written"
    ]
    assert (out / "manifest.json").is_file()


@pytest.mark.parametrize(
    "args", [("validate", "baseline"), ("run", "baseline", *TINY, "--reps", "1")]
)
def test_a_standard_output_closed_from_the_start_is_said_as_a_full_one_is(args, tmp_path):
    """Started with standard output closed (`relsim validate baseline >&-`), Python has no
    sys.stdout at all: the command said "AttributeError: 'NoneType' object has no attribute
    'write'", and of a run not that its --out was complete."""
    out = tmp_path / "done"
    extra = ("--out", str(out)) if args[0] == "run" else ()
    env = {k: v for k, v in os.environ.items() if k != "RELSIM_DEBUG"}
    done = subprocess.run(
        ["bash", "-c", 'exec "$0" -m relsim "$@" >&-', sys.executable, *args, *extra],
        cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    written = f"--out {out} complete; nothing else written" if extra else "no results written"
    [line] = [line for line in done.stderr.splitlines() if "error" in line]
    assert line == (
        f"relsim: error: standard output: cannot be written (Bad file descriptor); {written}"
    ), done.stderr


@pytest.mark.parametrize("args", [("schema",), ("run", "baseline", *TINY, "--reps", "1", "--json")])
def test_a_closed_pipe_is_one_line_and_exit_1(args):
    """Standard output closed by its reader (`relsim schema | true`) gets the same one line,
    not a silent exit: the output was cut short. Nothing else follows it on stderr (no second
    message from the interpreter's own flush at exit)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "relsim", *args],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # before the command has written anything
    stderr = process.stderr.read()
    assert process.wait(timeout=300) == 1, stderr
    assert stderr.strip().splitlines() == [
        "relsim: error: standard output: cannot be written (Broken pipe); no results written"
    ]


def test_schema_accepts_the_bundled_scenarios_and_rejects_mistakes(capsys):
    jsonschema = pytest.importorskip("jsonschema")
    capsys.readouterr()
    assert relsim_main("schema") == 0
    schema = json.loads(capsys.readouterr().out)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    for path in sorted((ROOT / "scenarios").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert not list(validator.iter_errors(data)), path
        assert not list(validator.iter_errors(layered(path).data)), path
    for bad in (
        {"workforce": {"caseload_capp": 3}},
        {"continuity": 1.5},
        {"care_model": "relational"},
        {"crises": {"ae": {"drivers": {"housing": 500}}}},
        {"crises": {"ae": {"drivers": {"garden": 1}}}},
        {"name": ""},
        {"name": " \t"},
    ):
        assert list(validator.iter_errors(bad)), bad


# -- installed from a wheel -------------------------------------------------------------------


def test_an_installed_wheel_runs_the_bundled_scenarios_by_name(tmp_path):
    """Build a wheel from the tracked sources, install it alone into a fresh virtual
    environment, and run from an empty directory. The fresh environment borrows this one's
    third-party libraries (through a .pth file) rather than downloading them again; relsim
    itself comes only from the wheel."""
    pytest.importorskip("setuptools")
    source = tmp_path / "source"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    source.mkdir()
    for name in ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "LICENSE"):
        shutil.copy(ROOT / name, source / name)
    for name in ("relsim", "scenarios", "experiments", "calibration", "docs/teaching"):
        shutil.copytree(ROOT / name, source / name, ignore=ignore)
    shutil.copy(ROOT / "docs" / "teaching.md", source / "docs" / "teaching.md")

    def run(*args: object, cwd: Path = tmp_path) -> subprocess.CompletedProcess:
        result = subprocess.run(
            [str(a) for a in args], cwd=cwd, capture_output=True, text=True, timeout=300
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return result

    pip = (sys.executable, "-m", "pip", "--disable-pip-version-check", "--quiet")
    run(*pip, "wheel", "--no-deps", "--no-build-isolation", "-w", tmp_path / "dist", ".",
        cwd=source)  # fmt: skip
    (wheel,) = (tmp_path / "dist").glob("relsim-*.whl")
    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", "--without-pip", venv)
    python = venv / "bin" / "python"
    run(*pip, "--python", python, "install", "--no-deps", "--no-index", wheel)
    fresh = run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])")
    borrowed = sysconfig.get_paths()["purelib"]
    (Path(fresh.stdout.strip()) / "borrowed_libraries.pth").write_text(borrowed + "\n")

    empty = tmp_path / "empty"
    empty.mkdir()
    where = run(python, "-c", "import relsim; print(relsim.__file__)", cwd=empty)
    assert where.stdout.startswith(str(venv)), where.stdout
    relsim = venv / "bin" / "relsim"
    result = run(relsim, "run", "baseline", "--reps", "1", "--workers", "1", *TINY,
                 "--out", "results", "--json", cwd=empty)  # fmt: skip
    assert json.loads(result.stdout)["scenario"] == "baseline"
    assert (empty / "results" / "manifest.json").is_file()
    run(relsim, "validate", "liberated", "hybrid", cwd=empty)
    run(relsim, "init", "copies", cwd=empty)
    assert (empty / "copies" / "experiments" / "complexity_crossover.yaml").is_file()
    found = run(python, "-c", "from relsim.bundled import find; "
                "print(find('experiments', 'complexity_crossover'))", cwd=empty)  # fmt: skip
    assert found.stdout.startswith(str(venv)), found.stdout
    # The calibrated ensemble comes with the wheel: --ensemble, the commissioner's studies and
    # reports draw parameter sets from it.
    result = run(relsim, "compare", "baseline", "liberated", "--ensemble", "2", "--workers", "1",
                 *TINY, "--json", cwd=empty)  # fmt: skip
    assert json.loads(result.stdout)["interval"]["parameter_sets"] == 2
    # The teaching guide comes with it too, pictures and all, for the app's Guide tab.
    probe = (
        "from relsim.viz.guide import guide_html; h = guide_html(); "
        "print(h.count('data:image/png;base64'), 'Things to try' in h)"
    )
    shown = run(python, "-c", probe, cwd=empty)
    assert shown.stdout.split() == ["4", "True"], shown.stdout


@pytest.mark.parametrize(("value", "shown"), [("x", '"x"'), (2.5, "2.5"), (True, "true")])
def test_a_manifest_whose_reps_are_not_a_whole_number_says_so(
    original, value, shown, tmp_path, capsys
):
    """Replications recorded as something other than a whole number are named as such, not as
    missing, in one line, before anything runs."""
    copy = tmp_path / "copy.json"
    recorded = json.loads((original / "manifest.json").read_text())
    copy.write_text(json.dumps({**recorded, "reps": value}))
    capsys.readouterr()
    assert relsim_main("rerun", copy, "--out", tmp_path / "new") == 2
    assert (
        capsys.readouterr().err == f"relsim: error: {copy}: reps: {shown} is not a whole number\n"
    )
    assert not (tmp_path / "new").exists()


def test_a_rerun_gives_the_warnings_the_original_gave(tmp_path, capsys):
    """A run or comparison made with a setting none of its care models reads warned of it;
    rerun, the warning was gone from its JSON and manifest (a comparison's rerun had an empty
    list)."""
    unread = ("--set", "hybrid.complexity_threshold_active_needs=2")
    said = "--set hybrid.complexity_threshold_active_needs: the "
    tiny = (*TINY, *unread, "--reps", "2", "--workers", "1", "--ensemble", "0")
    run, compared = tmp_path / "run", tmp_path / "compared"
    assert relsim_main("run", "baseline", *tiny, "--out", run) == 0
    assert relsim_main("compare", "baseline", "liberated", *tiny, "--out", compared) == 0
    for original in (run, compared):
        capsys.readouterr()
        again = tmp_path / f"{original.name}-again"
        assert relsim_main("rerun", original, "--out", again, "--json") == 0
        captured = capsys.readouterr()
        (warning,) = json.loads(captured.out)["warnings"]
        assert warning.startswith(said) and said in captured.err
    recorded = json.loads((tmp_path / "run-again" / "manifest.json").read_text())
    assert [w.startswith(said) for w in recorded["warnings"]] == [True]


def _edited(original: Path, where: Path, **fields: object) -> Path:
    """A copy of a result whose manifest has `fields` replaced."""
    copy = where / f"edited-{original.name}"
    shutil.copytree(original, copy)
    manifest = json.loads((copy / "manifest.json").read_text())
    manifest.update(fields)
    (copy / "manifest.json").write_text(json.dumps(manifest))
    return copy


def test_an_edited_manifest_is_named_not_left_to_fail_in_python(
    original, comparison, tmp_path, capsys
):
    """Fields of the wrong kind failed with Python's words and exit 1 ("'int' object is not
    iterable", "string indices must be integers"), an experiment with no series after its
    runs, leaving an empty directory; each is now one line, exit 2, before any run."""
    sweep = tmp_path / "sweep"
    grid = ("--grid", "continuity=0.2,0.8", "--reps", "1", "--workers", "1")
    assert relsim_main("sweep", "baseline", *TINY, *grid, "--out", sweep) == 0
    experiment = tmp_path / "experiment"
    path = tmp_path / "tiny.yaml"
    path.write_text(
        "name: tiny\ntitle: Tiny\nscenarios: [baseline]\nset: [population.citizens=200, "
        "time.weeks=10, time.warmup_weeks=2]\ngrid: {continuity: [0.2, 0.8]}\nreps: 1\n"
        "seed: 1\nfigures: [{metric: crisis_events_per_citizen_year, x: continuity}]\n"
    )
    assert relsim_main("experiment", "run", path, "--out", experiment, "--workers", "1") == 0
    cases = [
        (sweep, {"point_scenario_hashes": 5}, "point_scenario_hashes: not a list of hashes"),
        (comparison, {"equal_spend": "yes"}, "equal_spend: not a record of the sizing"),
        (experiment, {"series": []}, "series: 0 names for its 1 scenarios"),
        (experiment, {"series": 5}, "series: not a list of names"),
        (experiment, {"interval": 5}, "interval: not a record of the interval"),
        # a hash that is no hash made a file identical byte for byte "differ"
        (original, {"sha256": {"summary.csv": 5}}, "sha256: not a SHA-256 for each file"),
        # "no longer resolves to the recorded hash", of a hash that is not there
        (original, {"scenario_hash": None}, "it records no scenario hash (the manifest was"),
        # "the scenario format has changed since", of a manifest this very version made
        (original, {"scenario": {"population": {"citizens": -5}}},
         "(the manifest was edited: this relsim is the version that made it)"),
    ]  # fmt: skip
    record = json.loads((experiment / "manifest.json").read_text())["experiment"]
    # an edited record ran the sweeps as they were and was copied into the rerun's manifest
    cases += [
        (experiment, {"experiment": {**record, "reps": 3}}, "its reps (3) would not give"),
        (experiment, {"experiment": {**record, "grid": {"continuity": [0.2, 0.9]}}},
         "its grid or name is not what series baseline ran"),
    ]  # fmt: skip
    for number, (original, fields, said) in enumerate(cases):
        edited = _edited(original, tmp_path / str(number), **fields)
        capsys.readouterr()
        out = tmp_path / f"again-{number}"
        assert relsim_main("rerun", edited, "--out", out, "--workers", "1") == 2, fields
        err = capsys.readouterr().err
        assert said in err and err.count("\n") == 1, err
        assert not out.exists()


def test_a_rerun_in_json_says_what_it_found(original, comparison, tmp_path, capsys):
    """For a run or a comparison, --json printed the result's JSON and no verdict: a script
    could not tell which file differed. It now holds a `rerun` object, as a study's answer."""
    for number, result in enumerate((original, comparison)):
        capsys.readouterr()
        out = tmp_path / f"again-{number}"
        assert relsim_main("rerun", result, "--out", out, "--workers", "1", "--json") == 0
        answer = json.loads(capsys.readouterr().out)
        assert answer["rerun"]["identical"] is True and answer["rerun"]["original_changed"] == []
        assert answer["rerun"]["files"]["differences.csv" if number else "summary.csv"] == (
            "identical"
        )
        assert "metrics" in answer or "scenarios" in answer  # the result's own JSON as well
