"""One seeded random tree per run, with streams named rather than numbered.

A stream's seed depends only on the run's seed and the stream's name, so adding a stream never
shifts another. Citizen-side streams (arrivals, needs, shocks, crises, help-seeking, attendance,
drop-out, departures) are drawn for every citizen every week whatever their state, so the same
citizens meet the same luck under every care model: common random numbers.
"""

from __future__ import annotations

import zlib

import numpy as np

CITIZEN_STREAMS = (
    "arrivals",
    "needs",
    "shocks",
    "crises",
    "help_seeking",
    "attendance",
    "dropout",
    "departures",
)
SERVICE_STREAMS = ("assessment", "referrals", "allocation", "staff", "mesa")


def replication_seed_sequence(seed: int, replication: int) -> np.random.SeedSequence:
    """The root of replication `replication`: the same for every scenario run with `seed`."""
    return np.random.SeedSequence(entropy=seed, spawn_key=(replication,))


def _stream_key(name: str) -> int:
    return zlib.crc32(name.encode("utf-8"))


class RandomStreams:
    """Named, independent generators derived from one SeedSequence."""

    def __init__(self, root: np.random.SeedSequence) -> None:
        self.root = root
        self._streams: dict[str, np.random.Generator] = {}

    def __getitem__(self, name: str) -> np.random.Generator:
        stream = self._streams.get(name)
        if stream is None:
            child = np.random.SeedSequence(
                entropy=self.root.entropy,
                spawn_key=(*self.root.spawn_key, _stream_key(name)),
            )
            stream = self._streams[name] = np.random.default_rng(child)
        return stream
