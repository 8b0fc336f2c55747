"""The calibrated ensemble: the accepted parameter sets and their weights
(calibration/ensemble.csv, described by calibration/ensemble.json), drawn from for `--ensemble`.

A draw of N sets depends only on the root seed and N, never on the scenario, so parameter set i
is the same in every scenario of a comparison and at every point of a sweep: comparisons stay
paired. Set i is run `reps` times, as replications i x reps .. i x reps + reps - 1 (their own
random streams, the same in every scenario).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from relsim.bundled import calibration_file
from relsim.config import Scenario, ScenarioError
from relsim.evidence.uncertain import UncertainSpec, apply_values, explicit_in, load_spec

ENSEMBLE = calibration_file("ensemble.csv")
MANIFEST = calibration_file("ensemble.json")
DRAW_STREAM = 0x454E53  # a fixed spawn key for the draw, apart from every replication's


@dataclass(frozen=True)
class Ensemble:
    members: pd.DataFrame  # member, weight, and one column per uncertain parameter
    manifest: dict[str, Any]
    spec: UncertainSpec

    def values(self, member: int) -> dict[str, float]:
        row = self.members.iloc[member]
        return {name: float(row[name]) for name in self.spec.names if name in row.index}

    def draw(self, count: int, seed: int) -> list[int]:
        """`count` members drawn with replacement in proportion to their weights."""
        rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(DRAW_STREAM,)))
        weights = self.members["weight"].to_numpy(dtype=float)
        chosen = rng.choice(len(weights), size=count, replace=True, p=weights / weights.sum())
        return [int(c) for c in chosen]

    def describe(self) -> dict[str, Any]:
        return {
            "file": "calibration/ensemble.csv",
            "members": len(self.members),
            "sha256": self.manifest.get("ensemble_sha256"),
            "uncertain_spec_version": self.spec.version,
        }


@cache
def load_ensemble(path: Path = ENSEMBLE, manifest: Path = MANIFEST) -> Ensemble:
    if not path.exists():
        raise ScenarioError(
            f"--ensemble: no calibrated ensemble at {path}; run python scripts/calibrate.py"
        )
    members = pd.read_csv(path)
    spec = load_spec()
    missing = [n for n in spec.names if n not in members.columns]
    if missing or members.empty:
        raise ScenarioError(
            f"--ensemble: {path} does not match calibration/uncertain.yaml "
            f"(missing {missing[:3]}); rerun python scripts/calibrate.py"
        )
    data = json.loads(manifest.read_text()) if manifest.exists() else {}
    return Ensemble(members, data, spec)


@dataclass(frozen=True)
class EnsembleDraw:
    """`sets` parameter sets drawn from the ensemble (member indices), each run `reps` times;
    `explicit` lists the keys the scenario writes itself, which the sets leave alone."""

    members: tuple[int, ...]
    reps: int
    explicit: tuple[str, ...]

    @property
    def runs(self) -> int:
        return len(self.members) * self.reps

    def set_of(self, replication: int) -> int:
        return replication // self.reps

    def sets(self) -> list[int]:
        """The parameter set of each replication 0 .. runs-1."""
        return [self.set_of(r) for r in range(self.runs)]

    def scenario(self, scenario: Scenario, replication: int) -> Scenario:
        ensemble = load_ensemble()
        values = ensemble.values(self.members[self.set_of(replication)])
        return apply_values(scenario, values, ensemble.spec, self.explicit)

    def describe(self) -> dict[str, Any]:
        return {
            **load_ensemble().describe(),
            "parameter_sets": len(self.members),
            "reps_per_set": self.reps,
            "members_drawn": list(self.members),
            "replication_r_uses": "parameter set r // reps_per_set",
            "left_as_written": list(self.explicit),
        }


def make_draw(sets: int, reps: int, seed: int, raw: Mapping[str, Any]) -> EnsembleDraw:
    """The draw for `--ensemble sets` (the same for every scenario with this seed)."""
    ensemble = load_ensemble()
    return EnsembleDraw(
        tuple(ensemble.draw(sets, seed)), reps, tuple(explicit_in(raw, ensemble.spec))
    )


def draw_for(
    sets: int, reps: int, seed: int, raw: Mapping[str, Any], swept: Iterable[str] = ()
) -> EnsembleDraw:
    """The draw for a sweep: the keys it sweeps, like those the scenario writes, are left as
    each point sets them."""
    draw = make_draw(sets, reps, seed, raw)
    return dataclasses.replace(draw, explicit=tuple(sorted({*draw.explicit, *swept})))


def sets_of(draw: EnsembleDraw | None, replications: Iterable[int]) -> list[int] | None:
    """Each replication's parameter set, or None for chance-only runs."""
    return None if draw is None else [draw.set_of(int(r)) for r in replications]


def draw_from_record(record: Mapping[str, Any]) -> EnsembleDraw:
    """The draw a manifest recorded (for `relsim rerun`)."""
    return EnsembleDraw(
        tuple(int(m) for m in record["members_drawn"]),
        int(record["reps_per_set"]),
        tuple(record.get("left_as_written", ())),
    )
