"""Keys a care model never reads. Each care model reads the sections of its own rules and not
the others' (the specialists read some of assess-do-refer's rules under every care model, and
a district with no services reads no service's rules at all), so a key set or varied in a
section no care model of the run reads changes nothing: a sweep of it gives the same results
at every point, and a sensitivity analysis ranks it at zero. Those are refused; a `--set` of
one is said as a warning (a shared file may set it for another scenario)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from relsim.config.errors import ScenarioError, printable
from relsim.config.loading import parse_set
from relsim.config.schema import Scenario

#: the sections each care model never reads
UNREAD_SECTIONS: dict[str, frozenset[str]] = {
    "assess_do_refer": frozenset({"liberated", "hybrid"}),
    "liberated": frozenset({"hybrid"}),
    "hybrid": frozenset(),
    "none": frozenset({"assess_do_refer", "liberated", "hybrid", "specialists"}),
}

#: top-level keys that label a scenario and change nothing it does
LABELS = frozenset({"name", "description"})

DEFAULT_CARE_MODEL = str(Scenario.model_fields["care_model"].default)


def care_model_of(raw: dict) -> str:
    """The care model of raw scenario data (the schema's default when it names none)."""
    return str(raw.get("care_model", DEFAULT_CARE_MODEL))


def unread(keys: Iterable[str], care_models: Iterable[str]) -> list[str]:
    """The keys none of `care_models` reads, in the order given. A name that is no care model
    reads everything here: the schema check that follows names the mistake."""
    models = sorted(set(care_models))
    return [
        key
        for key in dict.fromkeys(keys)
        if all(key.split(".", 1)[0] in UNREAD_SECTIONS.get(m, frozenset()) for m in models)
    ]


def _why(key: str, care_models: Sequence[str]) -> str:
    models = sorted(set(care_models))
    who = " or ".join(models)
    return (
        f"{printable(key, 80)}: the {who} care model{'s' if len(models) > 1 else ''} never "
        f"read{'' if len(models) > 1 else 's'} the {key.split('.', 1)[0]} section"
    )


def check_read(
    keys: Iterable[str],
    care_models: Sequence[str],
    option: str,
    outcome: str,
    instead: str = "vary a key it reads",
    labels_change_nothing: bool = True,
) -> None:
    """Refuse a key the design varies (or a series sets) that no care model of the run reads:
    a section's, or a label (the scenario's name or description) unless it names something
    (`labels_change_nothing` False: an experiment's series is named by its `name`)."""
    keys = list(keys)
    for key in keys:
        if key in LABELS and labels_change_nothing:
            raise ScenarioError(
                f"{option} {key}: a label, which no care model reads, so {outcome}; {instead}"
            )
    missed = unread(keys, care_models)
    if missed:
        raise ScenarioError(f"{option} {_why(missed[0], care_models)}, so {outcome}; {instead}")


def setting_keys(sets: Iterable[str]) -> list[str]:
    """The dotted keys of KEY=VALUE settings, as `--set` reads them."""
    return [".".join(parse_set(assignment)[0]) for assignment in sets]


def unread_setting_warnings(sets: Sequence[str], care_models: Sequence[str]) -> list[str]:
    """A line for each --set KEY=VALUE whose key no care model of the run reads."""
    keys = setting_keys(sets)
    return [
        f"--set {_why(key, care_models)}: the setting changes nothing"
        for key in unread(keys, care_models)
    ]
