"""Citizen-side draws keyed by row or by citizen, and the dropping of departed rows that keying by
citizen allows."""

from __future__ import annotations

import numpy as np
import pytest

from relsim.citizen_draws import CitizenDraws
from relsim.config import load_scenario
from relsim.model import CareModel
from relsim.rng import RandomStreams, replication_seed_sequence
from relsim.runner import run_one


def _draws(key: str, seed: int = 7) -> CitizenDraws:
    return CitizenDraws(RandomStreams(replication_seed_sequence(seed, 0)), key)  # type: ignore[arg-type]


def test_by_row_draws_are_the_named_streams_own() -> None:
    draws = _draws("by_row")
    streams = RandomStreams(replication_seed_sequence(7, 0))
    draws.start_week(1, np.arange(50))
    assert np.array_equal(
        draws.uniform("needs", 0, 50, 6, np.float32), streams["needs"].random((50, 6), np.float32)
    )
    assert np.array_equal(draws.uniform("crises", 1, 50), streams["crises"].random(50))
    assert np.array_equal(draws.integers("shocks", 1, 50, 6), streams["shocks"].integers(0, 6, 50))


def test_a_citizens_keyed_draw_depends_on_them_not_on_their_row_or_who_else_is_here() -> None:
    everyone, some = _draws("by_citizen"), _draws("by_citizen")
    ids = np.arange(1000)
    kept = np.sort(np.random.default_rng(1).choice(1000, 300, replace=False))
    for week in (1, 2, 250):
        everyone.start_week(week, ids)
        some.start_week(week, kept)
        for stream, slot, columns, dtype in (
            ("needs", 0, 6, np.float32),
            ("crises", 0, 4, np.float32),
            ("crises", 1, 0, np.float32),
            ("departures", 0, 0, np.float64),
            ("help_seeking", 1, 0, np.float64),
        ):
            all_rows = everyone.uniform(stream, slot, ids.size, columns, dtype)
            assert np.array_equal(
                some.uniform(stream, slot, kept.size, columns, dtype), all_rows[kept]
            )
        assert np.array_equal(
            some.integers("shocks", 1, kept.size, 6),
            everyone.integers("shocks", 1, ids.size, 6)[kept],
        )


def test_keyed_draws_are_uniform_and_independent_across_calls_weeks_and_seeds() -> None:
    n = 200_000
    draws = _draws("by_citizen")
    draws.start_week(3, np.arange(n))
    columns = [
        draws.uniform("needs", 0, n, 6, np.float32)[:, 0],
        draws.uniform("needs", 0, n, 6, np.float32)[:, 5],
        draws.uniform("crises", 0, n, 4, np.float32)[:, 3],
        draws.uniform("crises", 1, n, 0, np.float32),
        draws.uniform("departures", 0, n),
        draws.uniform("shocks", 0, n),
        draws.uniform("help_seeking", 1, n),
        draws.uniform("attendance", 0, n, 0, np.float32),
        draws.uniform("attendance", 1, n, 0, np.float32),
        draws.uniform("dropout", 1, n, 0, np.float32),
    ]
    columns = [values.copy() for values in columns]  # views of the week's values, reused
    draws.start_week(4, np.arange(n))
    columns.append(draws.uniform("attendance", 0, n, 0, np.float32))
    other = _draws("by_citizen", seed=8)
    other.start_week(3, np.arange(n))
    columns.append(other.uniform("attendance", 0, n, 0, np.float32))
    for values in columns:
        assert values.min() >= 0.0 and values.max() < 1.0
        counts = np.bincount((values * 20).astype(int), minlength=20)
        chi_square = float((((counts - n / 20) ** 2) / (n / 20)).sum())
        assert chi_square < 50.0  # 19 degrees of freedom: p about 1e-4
    correlation = np.corrcoef(np.vstack(columns))
    off_diagonal = correlation[~np.eye(len(columns), dtype=bool)]
    assert np.abs(off_diagonal).max() < 0.01  # 4.5 standard errors at n = 200,000
    shock = draws.integers("shocks", 1, n, 6)
    assert set(np.unique(shock)) == set(range(6))
    assert np.abs(np.bincount(shock) / n - 1 / 6).max() < 0.005


def test_a_keyed_draw_refuses_the_wrong_number_of_rows() -> None:
    draws = _draws("by_citizen")
    draws.start_week(1, np.arange(10))
    with pytest.raises(ValueError, match="10"):
        draws.uniform("crises", 0, 11, 4, np.float32)
    with pytest.raises(KeyError, match="not declared"):
        draws.uniform("crises", 2, 10)  # a call the week does not declare
    # The week's values are shared: a draw cannot be changed in place.
    with pytest.raises(ValueError, match="read-only"):
        draws.uniform("crises", 1, 10)[0] = 0.5


SHORT = [
    "population.citizens=500",
    "time.warmup_weeks=10",
    "time.weeks=120",
    "population.leave_probability_per_week=0.008",  # many leave: rows are dropped often
]


@pytest.mark.parametrize("scenario", ["baseline", "liberated", "hybrid"])
def test_dropping_departed_rows_changes_no_result(scenario: str) -> None:
    """Under draws keyed by citizen, a district that drops the rows of people who have left
    and one that keeps them tell the same story: the same journeys, counters and contacts."""
    config = load_scenario(f"scenarios/{scenario}.yaml", ["citizen_draws=by_citizen", *SHORT])
    models = [CareModel(config, seed=4, compact_rows=compact) for compact in (True, False)]
    for model in models:
        for _ in range(model.final_week):
            model.step()
    dropped, kept = models
    assert dropped.citizens.n < 0.8 * kept.citizens.n  # rows were dropped
    assert kept.citizens.n == kept.citizens.admitted == dropped.citizens.admitted
    assert dropped.journeys.frame(config.needs.domains).equals(
        kept.journeys.frame(config.needs.domains)
    )
    totals, expected = dropped.tally.totals(), kept.tally.totals()
    for name, value in expected.items():
        assert totals[name] == pytest.approx(value, rel=1e-12, abs=1e-9), name
    contacts = dropped.district.records.contacts.measures()
    assert contacts == pytest.approx(kept.district.records.contacts.measures(), nan_ok=True)
    rows = dropped.citizens.n
    present = dropped.citizens.id[:rows][dropped.citizens.present[:rows]]
    assert np.array_equal(present, np.flatnonzero(kept.citizens.present[: kept.citizens.n]))


def test_rows_are_dropped_only_when_draws_are_keyed_by_citizen() -> None:
    config = load_scenario("scenarios/baseline.yaml", ["citizen_draws=by_row", *SHORT])
    model = CareModel(config, seed=4)
    assert not model.compact_rows
    for _ in range(model.final_week):
        model.step()
    assert model.citizens.n == model.citizens.admitted
    assert not model.citizens.present[: model.citizens.n].all()


def test_a_citizen_is_followed_by_id_across_dropped_rows() -> None:
    config = load_scenario("scenarios/liberated.yaml", ["citizen_draws=by_citizen", *SHORT])
    dropped, kept = (CareModel(config, seed=4, compact_rows=c) for c in (True, False))
    followed = [dropped.citizen(i) for i in range(0, 500, 25)]
    for _ in range(80):
        dropped.step()
        kept.step()
    assert not dropped.citizens.rows_are_ids
    for view in followed:
        if dropped.citizens.row_of(view.citizen_id) is None:
            with pytest.raises(LookupError, match="left"):
                _ = view.trust
            with pytest.raises(LookupError):
                dropped.citizen(view.citizen_id)
            assert not kept.citizens.present[view.citizen_id]
            continue
        other = kept.citizen(view.citizen_id)
        assert view.row <= other.row == view.citizen_id
        assert (view.needs, view.trust, view.pathway, view.crises) == (
            other.needs,
            other.trust,
            other.pathway,
            other.crises,
        )
    assert any(dropped.citizens.row_of(v.citizen_id) is None for v in followed)


def test_a_running_district_cannot_change_how_its_draws_are_keyed() -> None:
    config = load_scenario("scenarios/baseline.yaml", SHORT)
    assert config.citizen_draws == "by_citizen"
    model = CareModel(config, seed=1)
    with pytest.raises(ValueError, match="citizen_draws"):
        model.apply_policy(config.model_copy(update={"citizen_draws": "by_row"}))


def _replications(key: str, care_model: str, reps: int) -> np.ndarray:
    """Crisis events per citizen-year of `reps` replications of a small bundled district."""
    config = load_scenario(
        f"scenarios/{care_model}.yaml",
        [
            f"citizen_draws={key}",
            "population.citizens=600",
            "time.warmup_weeks=26",
            "time.weeks=104",
        ],
    )
    return np.array(
        [
            run_one(config, 11, r, timeseries=False).metrics["crisis_events_per_citizen_year"]
            for r in range(reps)
        ]
    )


def test_keying_by_citizen_changes_results_only_by_chance_and_keeps_the_pairing() -> None:
    """Draws keyed by citizen are other luck from the same distributions: each care model's
    crisis rate and the paired difference between the models agree with those keyed by row
    within chance, and the pairing (common random numbers) narrows the difference as much."""
    reps = 10
    by_model = {
        key: {model: _replications(key, model, reps) for model in ("baseline", "liberated")}
        for key in ("by_row", "by_citizen")
    }
    for model in ("baseline", "liberated"):
        row, citizen = by_model["by_row"][model], by_model["by_citizen"][model]
        standard_error = np.sqrt(row.var(ddof=1) / reps + citizen.var(ddof=1) / reps)
        assert abs(row.mean() - citizen.mean()) < 4 * standard_error, model
    differences = {key: runs["liberated"] - runs["baseline"] for key, runs in by_model.items()}
    row, citizen = differences["by_row"], differences["by_citizen"]
    standard_error = np.sqrt(row.var(ddof=1) / reps + citizen.var(ddof=1) / reps)
    assert abs(row.mean() - citizen.mean()) < 4 * standard_error
    # Paired, the difference varies far less than the models' rates do on their own.
    spread = by_model["by_citizen"]["baseline"].std(ddof=1)
    assert citizen.std(ddof=1) < 0.6 * np.sqrt(2) * spread  # unpaired: about sqrt(2) x
    assert citizen.std(ddof=1) < 2 * row.std(ddof=1)
