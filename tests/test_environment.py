"""What a manifest records about the code that made a result: the commit, and a hash of the
uncommitted changes to relsim's source, so that a result made from a modified checkout is not
taken for one made at its commit."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from relsim import environment


@pytest.fixture
def checkout(tmp_path, monkeypatch) -> Path:
    """A git checkout with relsim's layout, standing in for the real one."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    root = tmp_path / "checkout"
    (root / "relsim").mkdir(parents=True)
    (root / "relsim" / "model.py").write_text("RATE = 1\n")
    (root / "notes.txt").write_text("not source\n")

    def git(*args: str) -> None:
        subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True)

    git("init", "-q")
    git("add", ".")
    git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "start")
    monkeypatch.setattr(environment, "_root", lambda: root)
    return root


def test_a_clean_checkout_records_no_uncommitted_changes(checkout):
    commit = environment.git_commit()
    assert commit is not None and len(commit) == 40
    assert environment.uncommitted_sha256(commit) is None
    assert environment.uncommitted_sha256(None) is None  # no checkout, nothing to record


def test_changes_to_the_source_are_hashed_and_others_ignored(checkout):
    commit = environment.git_commit()
    (checkout / "notes.txt").write_text("edited, but not source\n")
    assert environment.uncommitted_sha256(commit) is None
    (checkout / "relsim" / "model.py").write_text("RATE = 2\n")
    edited = environment.uncommitted_sha256(commit)
    assert edited is not None
    (checkout / "relsim" / "model.py").write_text("RATE = 3\n")
    other = environment.uncommitted_sha256(commit)
    assert other not in (None, edited), "another edit gives another hash"
    (checkout / "relsim" / "model.py").write_text("RATE = 1\n")
    (checkout / "relsim" / "new.py").write_text("EXTRA = 1\n")
    added = environment.uncommitted_sha256(commit)
    assert added not in (None, edited, other), "a new, untracked source file counts"


def test_differences_name_what_changed():
    mine = {
        "relsim_version": "1.0",
        "git_commit": "a" * 40,
        "git_uncommitted_sha256": None,
        "versions": {"numpy": "2.0", "mesa": "3.4", "pandas": "3.0"},
    }
    assert environment.differences(mine, mine) == []
    assert (
        environment.differences({**mine, "versions": {**mine["versions"], "pandas": "1"}}, mine)
        == []
    )
    found = environment.differences(
        {**mine, "git_uncommitted_sha256": "b" * 64, "versions": {"numpy": "1.26"}}, mine
    )
    assert found == [
        "uncommitted changes to relsim bbbbbbbbbbbb (here none)",
        "numpy '1.26' (here 2.0)",
    ]
    assert environment.differences({**mine, "git_commit": "c" * 40}, mine) == [
        "commit cccccccccccc (here aaaaaaaaaaaa)"
    ]
    older = {k: v for k, v in mine.items() if k != "git_uncommitted_sha256"}
    assert environment.differences(older, mine) == []  # manifests from before the field
    # made from the commit itself, rerun from a modified checkout: it read "changes to relsim
    # none (here ...)"
    assert environment.differences(mine, {**mine, "git_uncommitted_sha256": "d" * 64}) == [
        "relsim's committed source (here with uncommitted changes dddddddddddd)"
    ]


def test_the_source_hash_ignores_commits_that_leave_the_source_alone(checkout):
    def commit_all(message: str) -> str:
        subprocess.run(["git", "-C", str(checkout), "add", "."], check=True)
        subprocess.run(
            ["git", "-C", str(checkout), "-c", "user.name=t", "-c", "user.email=t@t",
             "commit", "-q", "-m", message],
            check=True,
        )  # fmt: skip
        commit = environment.git_commit()
        assert commit is not None
        return commit

    (checkout / "calibration").mkdir()
    (checkout / "calibration" / "ensemble.csv").write_text("a\n1\n")
    (checkout / "pyproject.toml").write_text("[project]\n")
    first = commit_all("source")
    (checkout / "notes.txt").write_text("documentation only\n")
    second = commit_all("docs")
    assert second != first
    assert environment.source_sha256(first) == environment.source_sha256(second) is not None
    (checkout / "calibration" / "ensemble.csv").write_text("a\n2\n")
    third = commit_all("recalibrated")
    assert environment.source_sha256(third) != environment.source_sha256(second)


def test_differences_compare_the_source_not_the_commit_where_both_recorded_it():
    mine = {
        "relsim_version": "1.0",
        "git_commit": "a" * 40,
        "git_source_sha256": "5" * 64,
        "git_uncommitted_sha256": None,
        "versions": {"numpy": "2.0"},
    }
    docs_only = {**mine, "git_commit": "c" * 40}
    assert environment.differences(docs_only, mine) == []
    other_code = {**docs_only, "git_source_sha256": "6" * 64}
    assert environment.differences(other_code, mine) == [
        "relsim source 666666666666 at commit cccccccccccc (here 555555555555 at aaaaaaaaaaaa)"
    ]
    older = {k: v for k, v in docs_only.items() if k != "git_source_sha256"}
    assert environment.differences(older, mine) == ["commit cccccccccccc (here aaaaaaaaaaaa)"]
