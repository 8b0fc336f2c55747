"""Bad input: exit status 2, one line on stderr naming the file (or `--set KEY`), the key path and
what was expected, never a traceback, and nothing written to the `--out` directory.

Each case runs `relsim` in a fresh interpreter, as a user would, from a scratch directory.
"""

from __future__ import annotations

from pathlib import Path

import pytest

BASELINE = str(Path(__file__).resolve().parent.parent / "scenarios" / "baseline.yaml")

EXPERIMENT = """name: e
title: t
question: q
scenarios:
  - baseline{series}
grid:
  {grid}
reps: 1
seed: 1
figures:
  - metric: crisis_events_per_citizen_year
    x: {x}
"""

# id: (files to create, or None for a directory; arguments; fragments the error line must contain)
#: a sensitivity analysis of liberated against esc.yaml, whose name each case sets
AGAINST_ESC = [
    "sensitivity", "liberated", "--against", "esc.yaml", "--method", "morris", "--n", "2",
    "--range", "demand_complexity=0.2:0.9", "--range", "referral_friction=0:1",
]  # fmt: skip

CASES: dict[str, tuple[dict[str, bytes | None], list[str], list[str]]] = {
    "unknown top-level key": (
        {"bad.yaml": b"name: x\nbogus_key: 1\n"},
        ["run", "bad.yaml"],
        # what was expected: the keys that do exist
        ["bad.yaml", "bogus_key", "unknown key", "care_model"],
    ),
    "unknown nested key": (
        {"bad.yaml": b"workforce:\n  casload_cap: 12\n"},
        ["run", "bad.yaml"],
        ["bad.yaml", "workforce.casload_cap", "unknown key", "caseload_cap?"],
    ),
    "wrong type": (
        {"bad.yaml": b"time:\n  weeks: many\n"},
        ["run", "bad.yaml"],
        ["bad.yaml", "time.weeks", "valid integer", "'many'"],
    ),
    "knob out of range": (
        {"bad.yaml": b"continuity: 1.5\n"},
        ["run", "bad.yaml"],
        ["bad.yaml", "continuity", "less than or equal to 1", "1.5"],
    ),
    "caseload cap zero": (
        {"bad.yaml": b"workforce:\n  caseload_cap: 0\n"},
        ["run", "bad.yaml"],
        ["bad.yaml", "workforce.caseload_cap", "greater than or equal to 1"],
    ),
    "invalid care model": (
        {"bad.yaml": b"care_model: relational\n"},
        ["run", "bad.yaml"],
        ["bad.yaml", "care_model", "assess_do_refer", "liberated", "hybrid", "'relational'"],
    ),
    "invalid care model swept first": (
        {},
        # the misspelt name sorted first, so the check of the keys each model reads met it
        # before the schema did (KeyError, exit 1)
        ["sweep", BASELINE, "--grid", "care_model=Liberated,hybrid"],
        ["care_model", "assess_do_refer", "'Liberated'"],
    ),
    "invalid care model swept with a key it would not read": (
        {},
        [
            "sweep",
            BASELINE,
            "--grid",
            "care_model=relational",
            "--grid",
            "liberated.contact_effect_per_hour=0.1,0.2",
        ],
        ["care_model", "'relational'"],
    ),
    "a scenario path longer than the system allows": (
        {},
        ["run", "a" * 300 + ".yaml"],
        ["aaaa", "File name too long"],
    ),
    "a compared path longer than the system allows": (
        {},
        ["compare", BASELINE, "a" * 300 + ".yaml"],
        ["aaaa", "File name too long"],
    ),
    "a section set to one value": (
        {},
        # pydantic's words: "a valid dictionary or instance of Needs (got None)"
        ["run", BASELINE, "--set", "needs=null"],
        ["--set needs: is a section: give its keys", "(got null)"],
    ),
    "malformed yaml": (
        {"bad.yaml": b"name: x\nworkforce: [caseload_cap: 3\ntime:\n  weeks: 5\n"},
        ["run", "bad.yaml"],
        ["bad.yaml", "line ", "malformed YAML"],
    ),
    "python object tag": (
        {"bad.yaml": b'name: !!python/object/apply:os.system ["echo hi; touch pwned"]\n'},
        ["run", "bad.yaml"],
        ["bad.yaml", "line 1", "not allowed"],
    ),
    "missing file": (
        {},
        ["run", "nothere.yaml"],
        ["nothere.yaml", "no such file"],
    ),
    "directory as scenario": (
        {"adir.yaml": None},
        ["run", "adir.yaml"],
        ["adir.yaml", "directory", "scenario file"],
    ),
    "invalid utf-8": (
        {"bad.yaml": b"seed: 3\nname: caf\xe9\n"},
        ["run", "bad.yaml"],
        ["bad.yaml", "line 2", "utf-8", "byte 18"],
    ),
    "extends cycle": (
        {"a.yaml": b"extends: b.yaml\nname: a\n", "b.yaml": b"extends: a.yaml\nname: b\n"},
        ["run", "a.yaml"],
        ["a.yaml", "b.yaml", "extends", "cycle"],
    ),
    "no domains, in a file": (
        {"bad.yaml": b"name: x\nneeds:\n  domains: []\n"},
        ["run", "bad.yaml"],
        ["bad.yaml: line 3: needs.domains:", "non-empty list of distinct domains"],
    ),
    "a domain twice, by --set": (
        {},
        ["run", BASELINE, "--set", "needs.domains=[housing,housing]"],
        ["--set needs.domains:", "non-empty list of distinct domains"],
    ),
    "set unknown key": (
        {},
        ["run", BASELINE, "--set", "workforce.casload_cap=12"],
        ["--set workforce.casload_cap", "unknown key", "caseload_cap?"],
    ),
    "set wrong type": (
        {},
        ["run", BASELINE, "--set", "time.weeks=many"],
        ["--set time.weeks", "valid integer", "'many'"],
    ),
    "set out of range": (
        {},
        ["run", BASELINE, "--set", "workforce.caseload_cap=0"],
        ["--set workforce.caseload_cap", "greater than or equal to 1"],
    ),
    "set without equals": (
        {},
        ["run", BASELINE, "--set", "workforce.caseload_cap"],
        ["--set workforce.caseload_cap", "KEY=VALUE"],
    ),
    "reps zero": (
        {},
        ["run", BASELINE, "--reps", "0"],
        ["--reps", "0"],
    ),
    "one parameter set": (
        {},
        ["run", BASELINE, "--ensemble", "1"],
        ["--ensemble", "needs 2 or more parameter sets"],
    ),
    "ensemble times reps over the limit": (
        {},
        ["run", BASELINE, "--ensemble", "10000", "--reps", "100000"],
        ["--ensemble 10000", "1,000,000,000 runs", "at most 10,000,000"],
    ),
    "compare name that is not a directory name": (
        {"evil.yaml": f"extends: {BASELINE}\nname: ../escaped\n".encode()},
        ["compare", BASELINE, "evil.yaml"],
        ["--out", "'../escaped'", "directory name"],
    ),
    "blank name": (
        {"blank.yaml": b'name: "  "\n'},
        ["run", "blank.yaml"],
        ["blank.yaml", "line 1", "name", "not blank", "'  '"],
    ),
    "null key": (
        {"nulls.yaml": b"name: x\nworkforce:\n  workers: 3\n  null: 3\n"},
        ["run", "nulls.yaml"],
        # as the file writes it: null, not Python's None
        ["nulls.yaml", "line 4", "workforce.null:", "Keys should be strings"],
    ),
    "quoted number": (
        {"quoted.yaml": b'name: x\nworkforce:\n  workers: "3"\n'},
        ["run", "quoted.yaml"],
        ["quoted.yaml", "line 3", "workforce.workers", "expected a number, got text", "'3'"],
    ),
    "quoted number in --set": (
        {},
        ["run", BASELINE, "--set", "continuity='0.5'"],
        ["--set continuity", "expected a number, got text", "'0.5'", "without quotes"],
    ),
    "boolean key": (
        {"yes.yaml": b"name: x\nyes: 3\n"},
        ["run", "yes.yaml"],
        ["yes.yaml", "line 2: true:", "Keys should be strings", "(got true)"],
    ),
    "number key with an exponent": (
        {"exponent.yaml": b"name: x\nworkforce:\n  workers: 3\n  1e3: 3\n"},
        ["run", "exponent.yaml"],
        ["exponent.yaml", "line 4", "Keys should be strings", "1000.0"],
    ),
    "compare needs distinct names": (
        {},
        ["compare", BASELINE, BASELINE],
        ["names must differ", "give each file its own `name:`"],
    ),
    # a key no care model of the run reads would change nothing: refused where it is varied
    "a swept key its care model never reads": (
        {},
        ["sweep", BASELINE, "--grid", "liberated.contact_effect_per_hour=0.1,0.9"],
        [
            "--grid liberated.contact_effect_per_hour",
            "assess_do_refer care model never reads the liberated section",
            "every point would give the same results",
        ],
    ),
    "a sampled key its care model never reads": (
        {},
        [
            "sweep",
            BASELINE,
            "--sample",
            "lhs",
            "--n",
            "2",
            "--range",
            "hybrid.complexity_threshold_active_needs=1:3",
        ],
        ["--range hybrid.complexity_threshold_active_needs", "never reads the hybrid section"],
    ),
    "a design key its care model never reads": (
        {"d.csv": b"liberated.contact_effect_per_hour\n0.1\n0.9\n"},
        ["sweep", BASELINE, "--design", "d.csv"],
        ["--design liberated.contact_effect_per_hour", "never reads the liberated section"],
    ),
    "a sensitivity range its care model never reads": (
        {},
        [
            "sensitivity",
            BASELINE,
            "--method",
            "morris",
            "--range",
            "continuity=0:1",
            "--range",
            "liberated.contact_effect_per_hour=0:1",
        ],
        ["--range liberated.contact_effect_per_hour", "its indices would all be zero"],
    ),
    "an experiment grid no series reads": (
        {
            "e.yaml": EXPERIMENT.format(
                grid="liberated.contact_effect_per_hour: [0.1, 0.9]",
                series="",
                x="liberated.contact_effect_per_hour",
            ).encode()
        },
        ["experiment", "run", "e.yaml"],
        [
            "e.yaml: grid: liberated.contact_effect_per_hour",
            "every series would give the same results",
        ],
    ),
    "an experiment series setting what its care model never reads": (
        {
            "e.yaml": EXPERIMENT.format(
                grid="continuity: [0.1, 0.9]",
                x="continuity",
                series="\n  - {scenario: baseline, name: b2, "
                "set: [hybrid.caseworker_share_of_workforce=0.5]}",
            ).encode()
        },
        ["experiment", "run", "e.yaml"],
        [
            "e.yaml: scenarios.1.set: hybrid.caseworker_share_of_workforce",
            "never reads the hybrid section",
            "set a key it reads",
        ],
    ),
    "a scaled scenario's empty name": (
        {},
        ["scale", BASELINE, "--citizens", "600", "--name", " "],
        ["--name: empty"],
    ),
    "a scaled scenario's name that cannot be a directory": (
        {},
        ["scale", BASELINE, "--citizens", "600", "--name", "a/b"],
        ["--name: 'a/b' is not a plain directory name"],
    ),
    "sensitivity against a scenario whose name leaves --out": (
        {"esc.yaml": b"extends: baseline\nname: ../escape\n"},
        AGAINST_ESC,
        ["sensitivity --against: scenario name: '../escape' is not a plain directory name"],
    ),
    "sensitivity against a scenario named as one of its files": (
        {"esc.yaml": b"extends: baseline\nname: differences.csv\n"},
        AGAINST_ESC,
        ["a scenario may not be named differences.csv", "take the place of differences.csv"],
    ),
    "a frontier scenario whose name leaves --out": (
        {"esc.yaml": b"extends: baseline\nname: ../escape\n"},
        ["frontier", "baseline", "esc.yaml", "--workforce", "4,6", "--ensemble", "0"],
        ["frontier: scenario name: '../escape' is not a plain directory name"],
    ),
    "a compared scenario whose name ends in a space": (
        # "baseline " beside baseline made two subdirectories and two sides shown alike
        {"tb.yaml": b'extends: liberated\nname: "baseline "\n'},
        ["compare", "baseline", "tb.yaml", "--out", "ctb", "--ensemble", "0"],
        ["--out: scenario name: 'baseline ' begins or ends with white space"],
    ),
    "a frontier scenario named as its manifest, in other case": (
        {"esc.yaml": b"extends: liberated\nname: Manifest.JSON\n"},
        ["frontier", "baseline", "esc.yaml", "--workforce", "4,6", "--ensemble", "0"],
        ["a scenario may not be named Manifest.JSON", "take the place of manifest.json"],
    ),
    "a sweep that varies only the scenario's name": (
        {},
        ["sweep", BASELINE, "--grid", "name=a,b"],
        ["--grid name: a label, which no care model reads, so every point would give the same"],
    ),
    "a whole-number key sampled between fractions": (
        {},
        ["sweep", BASELINE, "--sample", "lhs", "--n", "3", "--range", "workforce.workers=0.2:0.4"],
        ["workforce.workers takes whole numbers"],
    ),
}


def _make(tmp_path: Path, files: dict[str, bytes | None]) -> None:
    for name, content in files.items():
        if content is None:
            (tmp_path / name).mkdir()
        else:
            (tmp_path / name).write_bytes(content)


@pytest.mark.parametrize(("files", "args", "fragments"), CASES.values(), ids=CASES)
def test_bad_input_is_one_line_exit_2_and_writes_nothing(
    files, args, fragments, tmp_path, cli_run, cli_leftovers
):
    _make(tmp_path, files)
    before = sorted(p.name for p in tmp_path.iterdir())

    extra = ["--out", "OUT"] + (["--workers", "1"] if args[0] != "scale" else [])
    if "--reps" not in args and args[0] not in ("experiment", "scale"):  # they have none
        extra += ["--reps", "1"]  # should the input be wrongly accepted, fail fast
    result = cli_run(*args, *extra, cwd=tmp_path)

    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert result.stdout == ""
    assert result.stderr.endswith("\n") and result.stderr.count("\n") == 1, result.stderr
    line = result.stderr.rstrip("\n")
    assert line.startswith("relsim: error: "), line
    for fragment in fragments:
        assert fragment in line, f"{fragment!r} missing from: {line}"
    assert cli_leftovers(tmp_path, "OUT") == []
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_yaml_object_tag_is_never_executed(tmp_path, cli_run):
    """A tag that would run a shell command must be refused before anything is built."""
    (tmp_path / "evil.yaml").write_text(
        '!!python/object/apply:os.system ["echo hi; touch pwned"]\n', encoding="utf-8"
    )
    result = cli_run("validate", "evil.yaml", cwd=tmp_path)

    assert result.returncode == 2
    assert result.stdout == ""  # `echo hi` did not run
    assert not (tmp_path / "pwned").exists()
    assert "evil.yaml" in result.stderr and "not allowed" in result.stderr


def test_validate_reports_every_bad_file_and_passes_good_ones(tmp_path, cli_run, cli_scenarios):
    (tmp_path / "typo.yaml").write_text("workforce:\n  casload_cap: 3\n", encoding="utf-8")
    (tmp_path / "range.yaml").write_text("referral_friction: -0.1\n", encoding="utf-8")
    (tmp_path / "good.yaml").write_text(
        f"extends: {cli_scenarios / 'liberated.yaml'}\nname: good\n", encoding="utf-8"
    )
    baseline = cli_scenarios / "baseline.yaml"

    result = cli_run(
        "validate", "typo.yaml", baseline, "missing.yaml", "good.yaml", "range.yaml", cwd=tmp_path
    )

    assert result.returncode == 2
    assert "Traceback" not in result.stdout + result.stderr
    errors = result.stderr.splitlines()
    assert len(errors) == 3, result.stderr
    assert "typo.yaml" in errors[0] and "workforce.casload_cap" in errors[0]
    assert "missing.yaml" in errors[1] and "no such file" in errors[1]
    assert "range.yaml" in errors[2] and "referral_friction" in errors[2]
    assert "greater than or equal to 0" in errors[2]
    assert result.stdout.splitlines() == [
        f"ok: {baseline} (baseline, assess_do_refer)",
        "ok: good.yaml (good, liberated)",
    ]


# Characters YAML does not allow in a document: NUL, other C0 controls, ESC, DEL, a non-character.
NOT_YAML_CHARACTERS = ["\x00", "\x01", "\x07", "\x1b", "\x7f", "\ufffe"]


@pytest.mark.parametrize("character", NOT_YAML_CHARACTERS, ids=lambda c: f"U+{ord(c):04X}")
def test_a_character_yaml_does_not_allow_is_named_with_its_line(character):
    from relsim.config import ScenarioError
    from relsim.config.safe_yaml import SCENARIO_LIMITS, parse_yaml

    with pytest.raises(ScenarioError) as raised:
        parse_yaml(f"name: x\nseed: 3{character}\n", "odd.yaml", SCENARIO_LIMITS)
    assert raised.value.problems == [
        f"odd.yaml: line 2: character U+{ord(character):04X} is not allowed in YAML "
        "(a control or non-text character)"
    ]


@pytest.mark.parametrize(
    ("command", "options"),
    [(["validate"], []), (["run"], ["--reps", "1"]), (["experiment", "run"], ["--out", "OUT"])],
)
def test_a_control_character_in_a_yaml_file_is_one_line_exit_2(command, options, tmp_path, cli_run):
    (tmp_path / "odd.yaml").write_bytes(b"name: x\x1b[31m\n")
    result = cli_run(*command, "odd.yaml", *options, cwd=tmp_path)

    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    assert result.stderr == (
        "relsim: error: odd.yaml: line 1: character U+001B is not allowed in YAML "
        "(a control or non-text character)\n"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["odd.yaml"]


TINY_RUN = ("--set", "population.citizens=30", "--set", "time.weeks=2",
            "--set", "time.warmup_weeks=0", "--reps", "1", "--workers", "1")  # fmt: skip


@pytest.mark.parametrize(
    "content", [b"", b"# a scenario, one day\n\n"], ids=["zero bytes", "comments only"]
)
def test_an_empty_scenario_file_is_refused_not_run_with_defaults(
    content, tmp_path, cli_run, cli_leftovers
):
    (tmp_path / "empty.yaml").write_bytes(content)
    result = cli_run("run", "empty.yaml", *TINY_RUN, "--out", "OUT", cwd=tmp_path)

    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    assert result.stderr == (
        "relsim: error: empty.yaml: is empty; write at least one key, such as a name (see "
        "relsim init)\n"
    )
    assert cli_leftovers(tmp_path, "OUT") == []


def test_bundled_scenarios_and_their_copies_by_init_still_load(tmp_path, capsys):
    from tests.cli_helpers import relsim_main

    assert relsim_main("init", tmp_path / "copy") == 0
    copies = sorted((tmp_path / "copy" / "scenarios").glob("*.yaml"))
    assert len(copies) == 4
    assert relsim_main("validate", "baseline", "liberated", "hybrid", "none", *copies) == 0
    assert capsys.readouterr().err == ""


EMPTY_PATHS = {
    "init DIRECTORY": (["init", ""], "DIRECTORY"),
    "run SCENARIO": (["run", "", *TINY_RUN], "SCENARIO"),
    "run --out": (["run", BASELINE, *TINY_RUN, "--out", ""], "--out"),
    "compare --out": (["compare", BASELINE, "liberated", *TINY_RUN, "--out", ""], "--out"),
    "compare --report": (["compare", BASELINE, "liberated", *TINY_RUN, "--report", ""], "--report"),
    "sweep --out": (
        ["sweep", BASELINE, "--grid", "continuity=0.1", *TINY_RUN, "--out", ""],
        "--out",
    ),
}


@pytest.mark.parametrize(("args", "label"), EMPTY_PATHS.values(), ids=EMPTY_PATHS)
def test_an_empty_path_is_refused_not_read_as_the_current_directory(
    args, label, tmp_path, monkeypatch, capsys
):
    """pathlib reads "" as ".": an empty path would write into, or read, the current directory."""
    from tests.cli_helpers import relsim_main

    monkeypatch.chdir(tmp_path)
    capsys.readouterr()
    assert relsim_main(*args) == 2
    captured = capsys.readouterr()
    assert captured.err == f"relsim: error: {label}: is empty; give a path\n"
    assert captured.out == ""
    assert list(tmp_path.iterdir()) == []


def test_a_number_with_an_exponent_and_no_point_is_a_number(tmp_path):
    """YAML 1.1 reads `1e3` as text; relsim reads it as YAML 1.2 does, a number, so that it is
    neither refused as text nor silently turned into one."""
    from relsim.config import load_scenario

    path = tmp_path / "exp.yaml"
    path.write_text("name: e\npopulation:\n  citizens: 2e3\ncontinuity: 5e-1\n", encoding="utf-8")
    scenario = load_scenario(path)
    assert scenario.population.citizens == 2000 and scenario.continuity == 0.5


def test_numbers_are_read_as_yaml_1_2_reads_them(tmp_path, capsys):
    """YAML 1.1 reads `010` as eight (octal) and `1:20` as eighty (base 60) without a word;
    relsim reads numbers as YAML 1.2 does: `010` is ten, `1:20` is text, refused with its line,
    and `3.0e3`, `0o17`, `0x10` and `1_000` are numbers (on the command line too)."""
    from relsim.config import load_scenario
    from tests.cli_helpers import relsim_main

    path = tmp_path / "numbers.yaml"
    path.write_text(
        "name: n\nseed: 010\npopulation:\n  citizens: 3.0e3\nworkforce:\n  workers: 0o17\n"
        "  caseload_cap: 0x10\n",
        encoding="utf-8",
    )
    scenario = load_scenario(path, ["time.weeks=1_000"])
    assert scenario.seed == 10 and scenario.population.citizens == 3000
    assert (scenario.workforce.workers, scenario.workforce.caseload_cap) == (15, 16)
    assert scenario.time.weeks == 1000
    sexagesimal = tmp_path / "sixty.yaml"
    sexagesimal.write_text("name: s\nseed: 1:20\n", encoding="utf-8")
    capsys.readouterr()
    assert relsim_main("validate", sexagesimal) == 2
    line = capsys.readouterr().err
    assert "sixty.yaml: line 2: seed:" in line and "'1:20'" in line, line


def test_a_name_that_is_neither_a_file_nor_bundled_lists_the_bundled_ones(capsys):
    from tests.cli_helpers import relsim_main

    for command, kind in (
        (("run", "nosuch"), "scenario"),
        (("experiment", "run", "nosuch"), "experiment"),
    ):
        capsys.readouterr()
        assert relsim_main(*command) == 2
        line = capsys.readouterr().err
        assert f"nosuch: no such file, nor a bundled {kind} of that name (" in line
        assert ("baseline" if kind == "scenario" else "complexity_crossover") in line


@pytest.mark.parametrize(
    "args", [["rerun", "a" * 300, "--out", "again"], ["sweep-summary", "a" * 300]]
)
def test_a_result_path_longer_than_the_system_allows_is_bad_input(args, tmp_path, cli_run):
    """It exited 1, as a full disk does, saying 'no results written'."""
    result = cli_run(*args, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1 and "File name too long" in result.stderr
    assert "no results written" not in result.stderr


def test_validate_warns_of_a_name_compare_would_refuse(tmp_path, cli_run):
    """validate said 'ok' of `name: ../../evil`, which compare and experiments then refuse."""
    (tmp_path / "evil.yaml").write_text("name: ../../evil\n", encoding="utf-8")
    (tmp_path / "fine.yaml").write_text("name: fine\n", encoding="utf-8")
    result = cli_run("validate", "evil.yaml", "fine.yaml", cwd=tmp_path)
    assert result.returncode == 0
    assert "ok: evil.yaml" in result.stdout and "ok: fine.yaml" in result.stdout
    said = [line for line in result.stderr.splitlines() if "plain directory name" in line]
    assert len(said) == 1 and "'../../evil'" in said[0] and "compare" in said[0]


def test_a_later_scenarios_own_seed_is_said_to_be_unused(tmp_path, capsys) -> None:
    """compare and frontier run every scenario with the first one's seed (common random
    numbers); a later scenario's own `seed:` was dropped without a word, so the same scenario
    gave other numbers when named first."""
    from tests.cli_helpers import relsim_main

    own = tmp_path / "ls.yaml"
    own.write_text("extends: bundled:liberated\nname: ls\nseed: 42\n", encoding="utf-8")
    tiny = ("--set", "population.citizens=100", "--set", "time.weeks=8",
            "--set", "time.warmup_weeks=2", "--workers", "1", "--ensemble", "0")  # fmt: skip
    note = (
        "relsim: note: every scenario runs with the seed of the first, baseline (20261122), so "
        "that all meet the same citizens with the same luck; the seed of ls (42) is not used "
        "(--seed sets the one seed)"
    )
    capsys.readouterr()
    assert relsim_main("compare", "baseline", own, *tiny, "--reps", "2", "--json") == 0
    assert note in capsys.readouterr().err
    assert relsim_main("compare", "baseline", own, *tiny, "--reps", "2", "--seed", "7") == 0
    assert "is not used" not in capsys.readouterr().err
    assert relsim_main("compare", "baseline", "liberated", *tiny, "--reps", "2") == 0
    assert "is not used" not in capsys.readouterr().err
    frontier = ("frontier", "baseline", own, "--workforce", "2", "--reps", "1")
    assert relsim_main(*frontier, *tiny, "--out", tmp_path / "f") == 0
    assert note in capsys.readouterr().err
