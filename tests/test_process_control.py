"""Stopping relsim from outside, and clusters failing under it.

SIGTERM behaves like Ctrl-C; after SIGTERM or SIGKILL of a sweep's main process no relsim process
is left; Ctrl-C while the pool starts prints one line and no traceback; a Dask cluster whose
workers or scheduler go away ends the sweep with one line, and a malformed address is bad input.
Each case runs `python -m relsim` in a subprocess so that real signals reach real processes.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from relsim.cli import main

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "scenarios" / "baseline.yaml"
GRID = ("--grid", "referral_friction=0.1,0.5,0.9", "--reps", "2", "--seed", "3")
# Runs of a few seconds each, so that a signal always lands while runs are in flight.
LONG = ("--set", "population.citizens=1500", "--set", "time.weeks=600")
MEDIUM = ("--set", "population.citizens=1000", "--set", "time.weeks=150")
ENV = {k: v for k, v in os.environ.items() if k not in ("RELSIM_DEBUG", "FORCE_COLOR")}


def start(*args: object, cwd: Path, env: dict[str, str] | None = None, **popen) -> subprocess.Popen:
    options = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, **popen}
    return subprocess.Popen(
        [sys.executable, "-m", "relsim", *(str(a) for a in args)],
        cwd=cwd,
        env={**ENV, **(env or {})},
        stdin=subprocess.DEVNULL,
        text=True,
        **options,
    )


def _parents() -> dict[int, tuple[int, str]]:
    found = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            found[int(entry.name)] = (int(fields[1]), fields[0])
    return found


def descendants(pid: int) -> set[int]:
    parents = _parents()
    found, changed = {pid}, True
    while changed:
        changed = False
        for child, (parent, _) in parents.items():
            if parent in found and child not in found:
                found.add(child)
                changed = True
    return found - {pid}


def alive(pids: set[int]) -> set[int]:
    """Those still running (a zombie, ended but not yet reaped by init, is not)."""
    states = _parents()
    return {p for p in pids if p in states and states[p][1] not in ("Z", "X")}


def wait_for(condition, timeout: float, proc: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if proc is not None and proc.poll() is not None:
            raise AssertionError(f"relsim ended early: {proc.communicate()}")
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def parts(out: Path) -> list[Path]:
    return sorted((out / "runs.parquet").glob("part-*.parquet"))


# -- SIGTERM and SIGKILL of a sweep's main process ----------------------------------------------


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_no_relsim_process_outlives_a_stopped_sweep(stop, tmp_path):
    out = tmp_path / "sweep"
    # stderr to a file, not a pipe: a process left behind would hold a pipe open for ever.
    log = (tmp_path / "stderr.txt").open("w")
    proc = start("sweep", BASELINE, *LONG, *GRID, "--workers", "2", "--out", out, cwd=tmp_path,
                 stdout=subprocess.DEVNULL, stderr=log)  # fmt: skip
    try:
        # The pool's fork server, its resource tracker and two workers.
        wait_for(lambda: len(descendants(proc.pid)) >= 4, 120, proc)
        time.sleep(0.5)
        family = descendants(proc.pid)
        proc.send_signal(stop)
        proc.wait(timeout=60)
        log.close()
        stderr = (tmp_path / "stderr.txt").read_text()
        deadline = time.monotonic() + 5
        while alive(family) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not alive(family), f"left running: {alive(family)}"
    finally:
        log.close()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    if stop == signal.SIGTERM:
        assert proc.returncode == 128 + signal.SIGTERM, stderr
        lines = [line for line in stderr.splitlines() if line.strip()]
        assert len(lines) == 1 and "Traceback" not in stderr, stderr
        assert "terminated (SIGTERM)" in lines[0] and "--resume" in lines[0]
        assert json.loads((out / "manifest.json").read_text())["status"] == "running"
    else:
        assert proc.returncode == -signal.SIGKILL


def test_a_closed_terminal_stops_a_sweep_in_one_line(tmp_path):
    """SIGHUP reaches every process of the terminal's session: the pool's resource tracker,
    which ignores Ctrl-C and SIGTERM but not SIGHUP, died of it and, relaunched, printed a
    warning and tracebacks about the pool's semaphores after relsim's own line."""
    out = tmp_path / "sweep"
    log = (tmp_path / "stderr.txt").open("w")
    proc = start("sweep", BASELINE, *LONG, *GRID, "--workers", "2", "--out", out, cwd=tmp_path,
                 start_new_session=True, stdout=subprocess.DEVNULL, stderr=log)  # fmt: skip
    try:
        wait_for(lambda: len(parts(out)) >= 1 or len(descendants(proc.pid)) >= 4, 120, proc)
        time.sleep(0.5)
        family = descendants(proc.pid)
        os.killpg(proc.pid, signal.SIGHUP)
        proc.wait(timeout=60)
        deadline = time.monotonic() + 5  # what the tracker printed came after relsim ended
        while alive(family) and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)
    finally:
        log.close()
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    stderr = (tmp_path / "stderr.txt").read_text()
    assert proc.returncode == 128 + signal.SIGHUP, stderr
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "terminated (SIGHUP)" in lines[0], stderr


@pytest.mark.parametrize("delay", [0.05, 0.3])
def test_ctrl_c_while_the_pool_starts_is_one_line(delay, tmp_path):
    """Ctrl-C reaches every process of the terminal's foreground group, pool included."""
    out = tmp_path / "sweep"
    proc = start(
        "sweep", BASELINE, *MEDIUM, *GRID, "--workers", "2", "--out", out,
        cwd=tmp_path, start_new_session=True,
    )  # fmt: skip
    try:
        wait_for(lambda: descendants(proc.pid), 120, proc)
        time.sleep(delay)
        os.killpg(proc.pid, signal.SIGINT)
        _, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
    assert proc.returncode == 130, stderr
    assert "Traceback" not in stderr
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "interrupted" in lines[0], stderr


def test_a_stop_that_a_library_reports_as_another_error_still_ends_as_a_stop(
    tmp_path, monkeypatch, capsys
):
    """A signal that arrives while a C extension is being imported comes out as that module's
    ImportError, with no trace of the signal: the stop's status and line must still win."""
    import relsim.cli

    def stopped_while_importing(*args: object, **kwargs: object) -> None:
        try:
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(5)
        except KeyboardInterrupt:
            pass
        raise ImportError("pd_parser.c could not import module pandas")

    monkeypatch.setattr(relsim.cli, "load_scenario", stopped_while_importing)
    with pytest.raises(SystemExit) as stopped:
        main(["validate", str(BASELINE)])
    assert stopped.value.code == 128 + signal.SIGTERM
    assert capsys.readouterr().err.splitlines() == [
        "relsim: terminated (SIGTERM); no results written"
    ]
    capsys.readouterr()
    # The next command in the same process starts afresh.
    monkeypatch.undo()
    with pytest.raises(SystemExit) as failed:
        main(["validate", str(tmp_path / "missing.yaml")])
    assert failed.value.code == 2


# -- Dask ----------------------------------------------------------------------------------------


def test_a_malformed_dask_address_is_bad_input(tmp_path, capsys):
    out = tmp_path / "sweep"
    for address in ("tcp://:notaport", "localhost", "tcp://host:99999", "nonsense://x:1"):
        capsys.readouterr()
        try:
            main(["sweep", str(BASELINE), "--grid", "continuity=0.1", "--dask", address,
                  "--out", str(out)])  # fmt: skip
            code = 0
        except SystemExit as exc:
            code = exc.code
        lines = capsys.readouterr().err.splitlines()
        assert code == 2, lines
        assert len(lines) == 1 and "--dask" in lines[0] and "tcp://HOST:8786" in lines[0]
        assert not out.exists()


@pytest.mark.parametrize(
    "command",
    [
        ["sweep", str(BASELINE), "--grid", "continuity=0.1"],
        ["frontier", "--workforce", "0.8,1.2"],
        ["experiment", "run", "continuity"],
    ],
    ids=["sweep", "frontier", "experiment"],
)
def test_workers_with_dask_is_bad_input(command, tmp_path, capsys):
    """A Dask cluster runs on its own workers: --workers beside --dask is a contradiction,
    refused before anything runs, not silently ignored."""
    out = tmp_path / "out"
    with pytest.raises(SystemExit) as refused:
        main([*command, "--workers", "2", "--dask", "tcp://127.0.0.1:8786", "--out", str(out)])
    lines = capsys.readouterr().err.splitlines()
    assert refused.value.code == 2, lines
    assert len(lines) == 1 and "--workers and --dask cannot be used together" in lines[0]
    assert not out.exists()


def _dask(*args: str, cwd: Path) -> subprocess.Popen:
    dask = Path(sys.executable).parent / "dask"
    return subprocess.Popen(
        [str(dask), *args],
        cwd=cwd,
        env=ENV,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def test_a_cluster_that_loses_its_workers_or_scheduler_ends_the_sweep_in_one_line(tmp_path):
    pytest.importorskip("distributed")
    file = tmp_path / "scheduler.json"
    loopback = ("--host", "127.0.0.1", "--dashboard-address", "127.0.0.1:0")
    scheduler = _dask("scheduler", "--scheduler-file", str(file), *loopback, "--port", "0",
                      cwd=tmp_path)  # fmt: skip
    worker_args = ("worker", "--scheduler-file", str(file), *loopback, "--nthreads", "1",
                   "--no-nanny")  # fmt: skip
    workers: list[subprocess.Popen] = []
    out = tmp_path / "sweep"
    env = {"RELSIM_DASK_NO_WORKERS_SECONDS": "3"}

    def sweep(*extra: str) -> subprocess.Popen:
        return start("sweep", BASELINE, *LONG, *GRID, "--dask", address, "--out", out, *extra,
                     cwd=tmp_path, env=env)  # fmt: skip

    def one_line(proc: subprocess.Popen, *fragments: str) -> None:
        _, stderr = proc.communicate(timeout=120)
        assert proc.returncode == 1, stderr
        lines = [line for line in stderr.splitlines() if line.strip()]
        assert len(lines) == 1 and "Traceback" not in stderr, stderr
        for fragment in fragments:
            assert fragment in lines[0], lines[0]

    try:
        wait_for(lambda: file.exists() and file.stat().st_size > 0, 60)
        address = json.loads(file.read_text())["address"]
        workers.append(_dask(*worker_args, cwd=tmp_path))
        proc = sweep()
        wait_for(lambda: parts(out), 180, proc)
        workers[0].kill()
        one_line(proc, "every worker", "has gone", "--resume")

        one_line(sweep("--resume"), "has no workers")  # and nothing was lost meanwhile

        workers.append(_dask(*worker_args, cwd=tmp_path))
        proc = sweep("--resume")
        done = len(pd.read_parquet(out / "runs.parquet"))
        wait_for(lambda: len(pd.read_parquet(out / "runs.parquet")) > done, 180, proc)
        scheduler.kill()
        one_line(proc, "lost the Dask scheduler", "--resume")
        assert json.loads((out / "manifest.json").read_text())["status"] == "running"
    finally:
        for process in (scheduler, *workers):
            if process.poll() is None:
                process.kill()
            process.wait()


def test_a_stop_after_a_finished_command_does_not_fail_it(monkeypatch, capsys):
    """Once the program has written and said everything, Ctrl-C or a stop signal (while the
    interpreter shuts down) is ignored: a complete result does not end with a silent 130. A
    caller in the same process (argv given) keeps its own handlers."""
    from relsim.cli import main

    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    try:
        main(["validate", "baseline"])
        assert signal.getsignal(signal.SIGINT) == handlers[signal.SIGINT]
        monkeypatch.setattr(sys, "argv", ["relsim", "validate", "baseline"])
        main()
        assert all(signal.getsignal(s) == signal.SIG_IGN for s in handlers)
    finally:
        for signum, handler in handlers.items():
            signal.signal(signum, handler)
    assert "ok: baseline" in capsys.readouterr().out


def test_a_study_stopped_by_its_own_handler_ends_the_program_at_once(monkeypatch, capsys):
    """A sweep or an experiment says its own stop (`stopped_exit`) and raises SystemExit. The
    program then ends at once with that status, as it does for any other stop, and not through
    the interpreter's normal exit, which a Ctrl-C taken by an extension's own Python code would
    turn into a death by SIGINT."""
    import relsim.cli as cli_module
    import relsim.signals as signals_module
    from relsim.cli import main

    class EndedError(Exception):
        pass

    def fake_exit(status):
        raise EndedError(status)

    def stopped_study(*args, **kwargs):
        signals_module._received = signal.SIGTERM
        raise signals_module.stopped_exit(signals_module.Terminated(signal.SIGTERM), "kept")

    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    exit_handlers: list[bool] = []
    monkeypatch.setattr(signals_module.os, "_exit", fake_exit)
    # recorded, not run: run, they would stop this test process's own pool server
    monkeypatch.setattr(signals_module.atexit, "_run_exitfuncs", lambda: exit_handlers.append(True))
    monkeypatch.setattr(cli_module, "load_scenario", stopped_study)
    monkeypatch.setattr(sys, "argv", ["relsim", "validate", "baseline"])
    try:
        with pytest.raises(EndedError) as ended:
            main()
    finally:
        for signum, handler in handlers.items():
            signal.signal(signum, handler)
    assert ended.value.args == (143,)
    assert exit_handlers == [True]
    assert capsys.readouterr().err.splitlines() == ["relsim: terminated (SIGTERM); kept"]

    # a caller in the same process gets the SystemExit, as before
    with pytest.raises(SystemExit) as stopped:
        main(["validate", "baseline"])
    assert stopped.value.code == 143


def test_a_stop_swallowed_by_a_library_still_stops_the_command(monkeypatch, capsys):
    """A library can turn Ctrl-C or SIGTERM into another error and pass over it (a C extension
    being imported reports an ImportError, which an optional import ignores): the command then
    runs to its end. It still ends as stopped, with the stop's line and status, not 0."""
    import relsim.cli as cli_module
    from relsim.cli import main

    original = cli_module.load_scenario

    for signum, status, words in ((signal.SIGINT, 130, "interrupted"),
                                  (signal.SIGTERM, 143, "terminated (SIGTERM)")):  # fmt: skip

        def swallowing(*args, signum=signum, **kwargs):
            try:
                os.kill(os.getpid(), signum)
                time.sleep(1)  # the handler runs here
            except KeyboardInterrupt:
                pass  # as an optional import would
            return original(*args, **kwargs)

        monkeypatch.setattr(cli_module, "load_scenario", swallowing)
        capsys.readouterr()
        with pytest.raises(SystemExit) as stopped:
            main(["validate", "baseline"])
        assert stopped.value.code == status
        assert capsys.readouterr().err.splitlines() == [f"relsim: {words}; no results written"]


def test_a_stop_raised_where_python_cannot_raise_it_leaves_no_traceback(monkeypatch, capsys):
    """A stop that arrives while a weak reference's callback runs (as they do inside
    importlib) is lost there, and Python printed "Exception ignored in" and a traceback before
    the stop's line; the command ends as stopped, with that line alone."""
    import weakref

    import relsim.cli as cli_module
    from relsim.cli import main

    original = cli_module.load_scenario

    def stopped_in_a_callback(*args, **kwargs):
        class Thing:
            pass

        def callback(_reference):
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(1)  # the handler raises here, inside the callback

        thing = Thing()
        reference = weakref.ref(thing, callback)
        del thing
        assert reference() is None
        return original(*args, **kwargs)

    monkeypatch.setattr(cli_module, "load_scenario", stopped_in_a_callback)
    # Python's own report of what it cannot raise, as the program has it (pytest sets its own)
    monkeypatch.setattr(sys, "unraisablehook", sys.__unraisablehook__)
    capsys.readouterr()
    with pytest.raises(SystemExit) as stopped:
        main(["validate", "baseline"])
    assert stopped.value.code == 143
    assert capsys.readouterr().err.splitlines() == [
        "relsim: terminated (SIGTERM); no results written"
    ]


# The program as `relsim` starts it, with a stop sent while the command line is imported.
LOADING = """
import builtins, os, signal, sys, time
from relsim import launch

real_import = builtins.__import__

def importing(name, *args, **kwargs):
    if name == "relsim.cli":
        builtins.__import__ = real_import
        os.kill(os.getpid(), signal.{signal})
        time.sleep(0.5)  # where a handler would raise
        print("the import went on", file=sys.stderr)
    return real_import(name, *args, **kwargs)

builtins.__import__ = importing
sys.argv = ["relsim", "validate", "baseline"]
launch.main()
"""


@pytest.mark.parametrize(
    ("signame", "status", "words"),
    [("SIGINT", 130, "interrupted"), ("SIGTERM", 143, "terminated (SIGTERM)")],
)
def test_a_stop_while_the_program_loads_waits_for_the_end_of_loading(signame, status, words):
    """A stop while relsim loads its libraries is held back until loading ends (an import
    cannot swallow it or end in a traceback), then taken with the stop's line and status; the
    command never runs."""
    code = LOADING.format(signal=signame)
    done = subprocess.run(
        [sys.executable, "-c", code], env=ENV, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == status, done.stderr
    assert done.stderr.splitlines() == [
        "the import went on",
        f"relsim: {words}; no results written",
    ]
    assert done.stdout == ""


POOL_START = """
import os, signal, time
from relsim import blas, signals

{prepare}
signals.note_stops()
with signals.stops_held_back():
    import relsim.cli  # threads started here (numerical libraries') hold Ctrl-C back for good
import relsim.runner, relsim.sweep.run  # what a command loads later (SciPy's OpenBLAS)
try:
    with signals.sigint_ignored():
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.3)
    print("lost")
except KeyboardInterrupt:
    print("taken")
print(len(os.listdir("/proc/self/task")))
"""


ONE_CPU = (os.cpu_count() or 1) < 2  # OpenBLAS starts no thread of its own: nothing to lose


@pytest.mark.parametrize(
    ("prepare", "expected"),
    [
        ("blas.no_blas_threads()", "taken"),
        pytest.param("", "lost", marks=pytest.mark.skipif(ONE_CPU, reason="one CPU")),
    ],
)
def test_ctrl_c_while_the_pool_server_starts_is_taken_after_it_not_lost(prepare, expected):
    """The pool's server starts with Ctrl-C ignored, which it inherits; a Ctrl-C sent to the
    relsim process meanwhile is taken as soon as the server has started, not lost. Without the
    program's first step (no OpenBLAS threads), the thread SciPy's OpenBLAS starts when a
    command loads the model takes it and drops it."""
    code = POOL_START.format(prepare=prepare)
    env = {k: v for k, v in ENV.items() if k != "OPENBLAS_NUM_THREADS"}
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )
    taken, threads = done.stdout.split()
    assert taken == expected, done.stderr
    assert int(threads) > 1  # the case that matters: other threads could have taken it


def test_the_program_starts_no_openblas_threads():
    """The program's first step, before any numerical library loads."""
    code = (
        "import os, sys\n"
        "from relsim import launch\n"
        "sys.argv = ['relsim', '--help']\n"
        "try:\n"
        "    launch.main()\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(os.environ['OPENBLAS_NUM_THREADS'], file=sys.stderr)\n"
    )
    env = {**ENV, "OPENBLAS_NUM_THREADS": "4"}
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.stderr.strip() == "1"


def test_a_run_loads_its_libraries_with_stops_held_back(monkeypatch) -> None:
    """pandas, Mesa and SciPy load when a run starts, after --out is locked. A SIGTERM that
    landed inside one of those imports could be swallowed there, and the run went on to the
    end and kept its result: they load with stops held back, so a stop is taken as loading
    ends."""
    import contextlib

    import relsim.signals
    from relsim.config import load_scenario
    from relsim.run_results import run_scenario

    loaded_inside = []

    @contextlib.contextmanager
    def held():
        before = "relsim.runner" in sys.modules
        yield
        loaded_inside.append(not before and "relsim.runner" in sys.modules)

    import relsim

    for name in ("relsim.runner", "relsim.io", "relsim.progress"):
        # loaded afresh here; afterwards the other tests find the modules they had, in
        # sys.modules and as the package's attributes both
        monkeypatch.delitem(sys.modules, name, raising=False)
        attribute = name.split(".")[1]
        monkeypatch.setattr(relsim, attribute, getattr(relsim, attribute, None), raising=False)
    monkeypatch.setattr(relsim.signals, "stops_held_back", held)
    small = load_scenario(BASELINE, ["population.citizens=100", "time.weeks=3"])
    assert len(run_scenario(small, 1, 1, 1, None)) == 1
    assert loaded_inside[:1] == [True]  # the first block held is the loading
