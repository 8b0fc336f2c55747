"""Whether a sweep can be resumed: finished runs and new ones must come from the same design,
base scenario, replications, seed, parameter sets and code, or the summary would mix them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from relsim.config import ScenarioError
from relsim.environment import differences

#: what to do about a sweep asked for otherwise than the stored one
SAME_OPTIONS = "resume with the same scenario, design, --reps, --seed and --ensemble"
#: the same for a sensitivity analysis, whose design is its options
SAME_ANALYSIS = "resume with the same scenario, --method, --n, --range, --reps and --seed"
#: what differs, in words, for each manifest entry compared
_DIFFERING = {
    "design": "the design differs",
    "base_scenario": "the base scenario differs",
    "reps": "--reps differs",
    "seed": "--seed differs",
    "point_scenario_hashes": "the design points' scenarios differ",
}


class ResumeMismatchError(ScenarioError):
    """A --resume refused because the stored sweep was made otherwise: `why`, and what to do
    (`advice`), kept apart so that a command whose sweeps are its own working (a budget
    search's stages) can say them of the options its user gave. `option` is the option whose
    value differs, where one does (--quick, --ensemble, --reps, --seed)."""

    def __init__(self, directory: Path, why: str, advice: str, option: str | None = None) -> None:
        super().__init__(f"--resume {directory}: {why}; {advice}")
        self.why, self.advice, self.option = why, advice, option


class OtherCodeError(ResumeMismatchError):
    """The stored sweep matches in every option but was made by other code (`changed`, in
    words): finishing it would mix runs, but a complete one can still be read (nothing is
    run)."""

    def __init__(self, directory: Path, changed: str) -> None:
        super().__init__(
            directory,
            f"the stored sweep was made with {changed}",
            "its finished runs and new ones would not come from the same code (use --force to "
            "start again)",
        )
        self.changed = changed


def _spec(manifest: dict[str, Any]) -> dict[str, Any]:
    """What a sweep's manifest records of how its design was asked for."""
    design = manifest.get("design")
    spec = design.get("spec") if isinstance(design, dict) else None
    return spec if isinstance(spec, dict) else {}


def _ensemble_of(manifest: dict[str, Any]) -> Any:
    """The parameter sets a sweep's manifest records it drew (None: chance only)."""
    return _spec(manifest).get("ensemble")


def _ensemble_option(stored: dict[str, Any], manifest: dict[str, Any]) -> str:
    """Which option changed the parameter sets a sweep draws: with --ensemble, --reps is the
    runs per set and is recorded with the draw, so a changed --reps alone is named as itself."""
    before, after = _ensemble_of(stored), _ensemble_of(manifest)
    if isinstance(before, dict) and isinstance(after, dict):
        runs = "reps_per_set"
        if before.get(runs) != after.get(runs) and {**before, runs: None} == {**after, runs: None}:
            return "--reps"
    return "--ensemble"


def _as_run(manifest: dict[str, Any], key: str) -> Any:
    """What a manifest's entry means for the runs: a design by its points, not as it was
    written (`0.8` and `0.80`, or one design file under two paths, are the same design)."""
    value = manifest.get(key)
    if key == "design" and isinstance(value, dict):
        return {k: v for k, v in value.items() if k != "spec"}
    return value


def check_resumable(directory: Path, stored: dict[str, Any], manifest: dict[str, Any]) -> None:
    """Refuse, as bad input, a --resume whose sweep is not the one stored in `directory`
    (`stored`: its manifest; `manifest`: the one the command would write)."""
    analysis = "method" in _spec(manifest)  # a sensitivity analysis's sweep, by its spec
    if ("method" in _spec(stored)) != analysis:
        raise ResumeMismatchError(
            directory,
            "the stored sweep is a plain sweep, not a sensitivity analysis's"
            if analysis
            else "the stored sweep is a sensitivity analysis's",
            f"resume it with `relsim {'sweep' if analysis else 'sensitivity'}`",
        )
    if _spec(stored).get("quick") != _spec(manifest).get("quick"):
        ran = "with" if _spec(stored).get("quick") else "without"
        raise ResumeMismatchError(
            directory,
            f"the stored experiment was run {ran} --quick",
            "resume it the same way",
            option="--quick",
        )
    if _ensemble_of(stored) != _ensemble_of(manifest):
        option = _ensemble_option(stored, manifest)
        raise ResumeMismatchError(
            directory,
            f"{option} differs from the stored sweep's",
            "resume with the same --ensemble and --reps",
            option=option,
        )
    for key, differing in _DIFFERING.items():
        if _as_run(stored, key) != _as_run(manifest, key):
            raise ResumeMismatchError(
                directory,
                f"{differing} from the stored sweep's",
                SAME_ANALYSIS if analysis else SAME_OPTIONS,
                option=f"--{key}" if key in ("reps", "seed") else None,
            )
    if bool(stored.get("timeseries")) != bool(manifest.get("timeseries")):
        raise ResumeMismatchError(
            directory,
            f"the stored sweep was run {'with' if stored.get('timeseries') else 'without'} "
            "--timeseries",
            "resume it the same way",
        )
    changed = differences(stored, manifest)
    if changed:
        raise OtherCodeError(directory, "; ".join(changed))
