"""`relsim rerun`, `relsim init` and `relsim schema`: the commands. What a rerun does for each
kind of result is in `relsim.cli_rerun`; the all-or-nothing copy `init` makes, in
`relsim.copying`."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import click

from relsim import bundled
from relsim.cli_options import json_option, workers_option
from relsim.config import ScenarioError
from relsim.config.errors import RunError, printable
from relsim.copying import copy_all
from relsim.result_files import OutputError

allow_option = click.option(
    "--allow-mismatch",
    is_flag=True,
    help="rerun even if this relsim differs from the one that made the result",
)


def add_tool_commands(group: click.Group) -> None:
    @group.command()
    @click.argument("manifest", type=click.Path(path_type=Path))
    @click.option("--out", type=click.Path(path_type=Path), required=True, help="a new directory")
    @click.option("--force", is_flag=True, help="replace an earlier result in --out")
    @allow_option
    @workers_option
    @json_option
    def rerun(
        manifest: Path,
        out: Path,
        force: bool,
        allow_mismatch: bool,
        workers: int | None,
        as_json: bool,
    ) -> None:
        """Re-create the run, comparison, sweep or experiment that MANIFEST describes in --out,
        and say whether its files are identical to the original's (byte for byte; for a sweep,
        run for run)."""
        from relsim.environment import git_commit
        from relsim.rerun import check_has_manifest, load_manifest, unchecked_source

        if manifest.is_dir():
            check_has_manifest(manifest)
            manifest = manifest / "manifest.json"
        data = load_manifest(manifest)
        unchecked = unchecked_source(data, git_commit())
        if unchecked is not None:
            click.echo(f"relsim: note: {unchecked}", err=True)
        result = manifest.parent.resolve()
        inside = manifest.name == "manifest.json" and out.resolve().is_relative_to(result)
        if inside or out.resolve() == result:
            raise OutputError(
                f"--out {printable(str(out))}: is or is inside the result being re-created; "
                "name a new directory outside it, so that the two can be compared"
            )
        from relsim.cli_rerun import rerun_result

        rerun_result(manifest, data, out, force, workers, allow_mismatch, as_json)

    @group.command()
    @click.argument("directory", type=click.Path(path_type=Path))
    @click.option("--force", is_flag=True, help="overwrite bundled files already copied there")
    def init(directory: Path, force: bool) -> None:
        """Copy the bundled scenarios and experiments into DIRECTORY, to edit and run."""
        copies = []
        for kind in bundled.KINDS:
            source = bundled.directory(kind)
            if source is None:
                raise RunError(f"this installation of relsim has no bundled {kind}")
            for name in bundled.names(kind):
                found = bundled.find(kind, name)
                assert found is not None
                copies.append((found, directory / kind / found.name))
        existing = [str(target) for _, target in copies if target.exists() or target.is_symlink()]
        if existing and not force:
            raise ScenarioError(
                f"{printable(str(directory))}: already holds {printable(existing[0])}"
                + (f" and {len(existing) - 1} more" if len(existing) > 1 else "")
                + " (use --force to overwrite the bundled files there)"
            )
        copy_all(directory, copies)
        counts = {k: sum(1 for _, t in copies if t.parent.name == k) for k in bundled.KINDS}
        click.echo(
            f"copied {counts['scenarios']} scenarios and {counts['experiments']} experiments "
            f"to {printable(str(directory))}; try: relsim run "
            f"{_shell_word(directory / 'scenarios' / 'baseline.yaml')}"
        )

    @group.command()
    def schema() -> None:
        """Print the JSON Schema of scenario files, for editors that complete and check them."""
        from relsim.config.json_schema import scenario_json_schema

        click.echo(json.dumps(scenario_json_schema(), indent=2))


def _shell_word(path: Path) -> str:
    """`path` as one word a shell reads back unchanged (spaces, quotes, `$(...)`, a leading
    dash), so that a command suggested with it can be pasted as it is."""
    text = printable(str(path))
    return shlex.quote(f"./{text}" if text.startswith("-") else text)
