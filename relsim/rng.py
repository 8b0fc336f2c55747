"""One seeded random tree per run, with streams declared by name rather than numbered.

A stream's seed depends only on the run's seed and the stream's name, so adding a stream never
shifts another. Citizen-side streams are drawn for every citizen every week whatever their state,
so the same citizens meet the same luck under every care model: common random numbers (their
draws keyed by row or by citizen: `relsim.citizen_draws`). Asking
for a stream that is not declared here is an error, so a typo cannot silently create a new one.
"""

from __future__ import annotations

import zlib

import numpy as np

#: citizen-side streams: drawn for every row every week, whatever the care model
CITIZEN_STREAMS: dict[str, str] = {
    "arrivals": "how many arrive and what they arrive with",
    "needs": "weekly fluctuation of each need",
    "shocks": "life shocks: whether and where",
    "crises": "whether each crisis type happens, and whether it sends the person to services",
    "help_seeking": "whether a person comes to services unprompted, or back after a failure",
    "attendance": "whether a person keeps an appointment or engages with a contact",
    "dropout": "leaving a specialist waiting list, giving up a queue",
    "departures": "deaths and moving away",
}
#: service-side streams: drawn by services as they work, so they differ between care models
SERVICE_STREAMS: dict[str, str] = {
    "assessment": "assessment error, which needs a front door notices, what the router sees",
    "referrals": "exclusion rules, re-assessment error, whether a refusal is referred again",
    "allocation": "ties and choices in allocation and triage",
    "staff": "absence, leaving, vacancies and agency cover",
    "handover": "whether a person disengages after a change of worker",
    "mesa": "Mesa's own generator (agent shuffling); the model does not draw from it",
}
STREAMS: dict[str, str] = {**CITIZEN_STREAMS, **SERVICE_STREAMS}


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

    def seed_sequence(self, name: str) -> np.random.SeedSequence:
        """The seed of stream `name`: its generator's, or a counter-based draw's key."""
        if name not in STREAMS:
            raise KeyError(f"undeclared random stream {name!r} (declare it in relsim.rng)")
        return np.random.SeedSequence(
            entropy=self.root.entropy, spawn_key=(*self.root.spawn_key, _stream_key(name))
        )

    def __getitem__(self, name: str) -> np.random.Generator:
        stream = self._streams.get(name)
        if stream is None:
            stream = self._streams[name] = np.random.default_rng(self.seed_sequence(name))
        return stream
