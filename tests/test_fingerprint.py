"""scripts/fingerprint.py: the same code gives the same fingerprints, and a comparison with
saved ones names the runs that differ (exit 1) or reports an unreadable file in one line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "fingerprint.py"


def _fingerprint(*args: object) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(SCRIPT), "--only", "none", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_fingerprints_repeat_and_a_changed_result_is_named(tmp_path: Path) -> None:
    first = _fingerprint()
    assert first.returncode == 0, first.stderr
    (line,) = first.stdout.splitlines()
    name, metrics, series, journeys, events = line.split()
    assert name == "none" and int(events) > 0
    assert all(len(digest) == 16 for digest in (metrics, series, journeys))

    saved = tmp_path / "before.txt"
    saved.write_text(first.stdout, encoding="utf-8")
    again = _fingerprint("--compare", saved)
    assert again.returncode == 0 and again.stdout == first.stdout

    saved.write_text(first.stdout.replace(series, "0" * 16), encoding="utf-8")
    changed = _fingerprint("--compare", saved)
    assert changed.returncode == 1
    assert changed.stderr.splitlines() == [f"fingerprint: results differ from {saved}: none"]

    missing = _fingerprint("--compare", tmp_path / "missing.txt")
    assert missing.returncode == 2 and len(missing.stderr.splitlines()) == 1
