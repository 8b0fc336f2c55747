"""The array helpers that make the weekly kernels fast must give exactly what the plain NumPy
expressions they replace give: the same cells, the same numbers, bit for bit."""

from __future__ import annotations

import copy

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from relsim.arrays import (
    EveryRow,
    add_to_rows,
    nonzero_cells,
    row_any,
    row_count,
    row_count_above,
    row_sum,
    stable_order,
)
from relsim.citizen_draws import CitizenDraws
from relsim.config import load_scenario
from relsim.dynamics.crises import MAX_WEEKLY_HAZARD, CrisisModel
from relsim.dynamics.departures import draw_departures
from relsim.dynamics.needs import NeedModel
from relsim.model import CareModel
from relsim.rng import RandomStreams

shapes = hnp.array_shapes(min_dims=2, max_dims=2, min_side=0, max_side=12)
cells = st.one_of(
    hnp.arrays(dtype=np.int8, shape=shapes, elements=st.integers(0, 3)),
    hnp.arrays(dtype=np.bool_, shape=shapes),
)


@settings(max_examples=80, deadline=None, derandomize=True)
@given(cells)
def test_nonzero_cells_are_numpys_nonzero(values: np.ndarray) -> None:
    rows, columns = nonzero_cells(values)
    expected_rows, expected_columns = np.nonzero(values)
    assert np.array_equal(rows, expected_rows)
    assert np.array_equal(columns, expected_columns)


# up to seven columns: NumPy adds fewer than eight numbers in order (pairwise from eight on);
# the model has at most six domains
wide = st.tuples(st.integers(0, 12), st.integers(1, 7))
needs_like = st.sampled_from([np.float32, np.float64]).flatmap(
    lambda dtype: hnp.arrays(
        dtype=dtype,
        shape=wide,
        # zeros, ties and magnitudes far apart: where the order of adding would show
        elements=st.one_of(
            st.just(0.0),
            st.sampled_from([0.25, 0.5, 1.0]),
            st.floats(0.0, 1.0, width=32),
            st.floats(0.0, 1e4, width=32),
        ),
    )
)


@settings(max_examples=150, deadline=None, derandomize=True)
@given(needs_like)
def test_row_reductions_are_numpys_axis_one_reductions(values: np.ndarray) -> None:
    # as drawn (few rows: NumPy's own reduction) and repeated to 300 rows (column by column)
    for rows in (values, np.resize(values, (300, values.shape[1]))):
        total = row_sum(rows, rows.dtype)
        assert total.dtype == rows.dtype
        assert np.array_equal(total, rows.sum(axis=1))
        assert np.array_equal(row_sum(rows), rows.sum(axis=1, dtype=np.float64))
        mask = rows > 0.3
        assert np.array_equal(row_count(mask), mask.sum(axis=1))
        assert np.array_equal(row_count(mask[:, ::-1]), mask.sum(axis=1))  # not contiguous
        assert np.array_equal(row_count_above(rows, 0.3), mask.sum(axis=1))
        assert np.array_equal(row_any(mask), mask.any(axis=1))


@settings(max_examples=60, deadline=None, derandomize=True)
@given(
    st.integers(1, 6),
    st.lists(st.integers(0, 29), max_size=40),  # repeated rows too: the last write wins
    st.sampled_from([np.float32, np.float64]),
    st.integers(0, 2**32 - 1),
)
def test_add_to_rows_is_fancy_indexing_plus_equals(
    domains: int, row_list: list[int], values_dtype: type, seed: int
) -> None:
    rng = np.random.default_rng(seed)
    column = rng.random((30, domains), dtype=np.float32)
    rows = np.array(row_list, dtype=np.int64)
    values = rng.normal(0.0, 1.0, (rows.size, domains)).astype(values_dtype)
    expected = column.copy()
    expected[rows] += values
    add_to_rows(column, rows, values)
    assert np.array_equal(column, expected)


sort_keys = st.one_of(
    hnp.arrays(np.int64, st.integers(0, 60), elements=st.integers(-5, 5)),
    hnp.arrays(np.int64, st.integers(0, 60), elements=st.integers(-(10**6), 10**6)),
    hnp.arrays(np.int32, st.integers(0, 150), elements=st.integers(-40000, 40000)),
    hnp.arrays(
        np.float64,
        st.integers(0, 150),
        elements=st.one_of(
            st.sampled_from([0.0, -0.0, 1.0, 0.5, float("nan"), float("inf")]),
            st.floats(-1e3, 1e3),
        ),
    ),
    hnp.arrays(np.float32, st.integers(0, 150), elements=st.floats(0, 1, width=32)),
)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(sort_keys)
def test_stable_order_is_numpys_stable_argsort(keys: np.ndarray) -> None:
    for repeated in (keys, np.resize(keys, 200)):  # as drawn, and enough for the fast ways
        assert np.array_equal(stable_order(repeated), np.argsort(repeated, kind="stable"))


def test_every_row_repeats_the_row_as_rows_are_added() -> None:
    row = np.array([0.5, 2.0, -1.25], dtype=np.float32)
    repeat = EveryRow(row)
    for n in (0, 3, 700, 5, 2500, 2501):  # grows past its first size, and shrinks
        assert np.array_equal(repeat(n), np.tile(row, n))
        assert repeat(n).dtype == np.float32


def _model(seed: int = 3) -> CareModel:
    scenario = load_scenario(
        "scenarios/liberated.yaml", ["population.citizens=600", "time.weeks=30"]
    )
    model = CareModel(scenario, replication=0, seed=seed, record_journeys=False)
    for _ in range(20):
        model.step()
    return model


def test_crisis_hazards_are_the_documented_formula_bit_for_bit() -> None:
    model = _model()
    crisis = CrisisModel(model.config)
    n = model.citizens.n
    need = model.citizens.need[:n]
    n_active = (need > np.float32(model.config.needs.active_threshold)).sum(axis=1).astype(np.int8)
    expected = need @ crisis.weights_t
    expected -= np.float32(0.5)
    expected *= crisis.steepness
    np.exp(expected, out=expected)
    expected *= crisis.base
    extra_needs = np.maximum(n_active.astype(np.float32) - 1, 0)
    expected *= 1.0 + crisis.extra[None, :] * extra_needs[:, None]
    np.minimum(expected, np.float32(MAX_WEEKLY_HAZARD), out=expected)
    assert np.array_equal(crisis.hazards(need, n_active), expected)


def _draws(seed: int) -> CitizenDraws:
    return CitizenDraws(RandomStreams(np.random.SeedSequence(seed)), "by_row")


def _plain_crisis_draw(crisis: CrisisModel, citizens, n_active, rng, week: int):
    """The crisis draw as first written: every row masked, every type scanned, every need
    clipped."""
    n = citizens.n
    chance = rng.random((n, len(crisis.specs)), dtype=np.float32)
    referral_chance = rng.random(n, dtype=np.float32)
    happened = (chance < crisis.hazards(citizens.need[:n], n_active)) & citizens.present[:n, None]
    need, trust = citizens.need[:n], citizens.trust[:n]
    present_prob = np.zeros(n, dtype=np.float32)
    for k, spec in enumerate(crisis.specs):
        rows = np.flatnonzero(happened[:, k])
        for domain, amount in crisis.increase[k]:
            need[rows, domain] += amount
        trust[rows] += np.float32(spec.trust_change)
        present_prob[rows] = np.maximum(present_prob[rows], spec.presentation_probability)
        if spec.interrupts_support_weeks:
            until = citizens.interrupted_until
            until[rows] = np.maximum(until[rows], week + spec.interrupts_support_weeks - 1)
    np.clip(need, 0.0, 1.0, out=need)
    np.clip(trust, 0.0, 1.0, out=trust)
    return happened, referral_chance < present_prob


def test_the_crisis_draw_is_the_plain_version_bit_for_bit() -> None:
    """One scan for every type's hits, presence checked for the hits only, and only the rows a
    crisis raised clipped: the same crises and the same needs, trust and interruptions."""
    scenario = load_scenario(
        "scenarios/liberated.yaml",
        [
            "population.citizens=600",
            "time.weeks=30",
            "population.leave_probability_per_week=0.02",  # rows of people who have left
        ],
    )
    model = CareModel(scenario, replication=0, seed=5, record_journeys=False)
    for _ in range(20):
        model.step()
    assert not model.citizens.present[: model.citizens.n].all()
    crisis = CrisisModel(model.config)
    crisis.base *= 20  # many crises, several types for some people
    fast, plain = copy.deepcopy(model.citizens), copy.deepcopy(model.citizens)
    threshold = model.config.needs.active_threshold
    hits = 0
    for week in range(21, 31):
        fast_week = crisis.draw(
            fast, row_count_above(fast.need[: fast.n], threshold), _draws(week), week
        )
        happened, sent = _plain_crisis_draw(
            crisis, plain, row_count_above(plain.need[: plain.n], threshold),
            RandomStreams(np.random.SeedSequence(week))["crises"], week,
        )  # fmt: skip
        for k, rows in enumerate(fast_week.rows_by_type):
            assert np.array_equal(rows, np.flatnonzero(happened[:, k]))
        assert np.array_equal(fast_week.any, happened.any(axis=1))
        assert np.array_equal(fast_week.sent_to_front_door, sent)
        for column in ("need", "trust", "interrupted_until"):
            assert np.array_equal(getattr(fast, column), getattr(plain, column)), column
        hits += int(happened.sum())
    assert hits > 100


def test_departures_read_only_those_who_could_go_and_find_everyone_who_does() -> None:
    """Only people whose draw falls under death's chance at full need plus the chance of moving
    are looked at: the same deaths and moves as working out everyone's chance."""
    model = _model()
    citizens = model.citizens
    n = citizens.n
    for at_full_need, leave in ((0.0011, 0.002), (0.3, 0.05), (0.0, 0.1), (1.0, 0.0)):
        population = model.config.population.model_copy(
            update={"death_probability_per_week_at_full_need": at_full_need,
                    "leave_probability_per_week": leave}
        )  # fmt: skip
        for seed in range(5):
            chance = np.random.default_rng(seed).random(n)
            died, moved = draw_departures(citizens, population, chance)
            mean_need = citizens.need[:n].sum(axis=1, dtype=np.float64) / citizens.domains
            death = at_full_need * mean_need**2
            present = citizens.present[:n]
            assert np.array_equal(died, np.flatnonzero(present & (chance < death)))
            assert np.array_equal(
                moved,
                np.flatnonzero(present & (chance >= death) & (chance < death + leave)),
            )


def test_need_update_does_not_depend_on_what_its_work_arrays_held() -> None:
    """The work arrays kept between weeks are written before they are read."""
    model = _model()
    fresh, reused = NeedModel(model.config), NeedModel(model.config)
    for work in reused._work_arrays(model.citizens.n):  # left over from an earlier week
        work.fill(np.nan)
    updated = []
    for need_model in (fresh, reused):
        citizens = copy.deepcopy(model.citizens)
        need_model.update(citizens, model.config, _draws(11))
        updated.append(citizens)
    for column in ("need", "baseline", "support"):
        assert np.array_equal(getattr(updated[0], column), getattr(updated[1], column)), column
    assert not np.isnan(updated[1].need[: model.citizens.n]).any()


def test_a_district_runs_with_one_blas_thread(monkeypatch) -> None:
    """A second BLAS thread only spins on relsim's small products, using CPU for nothing: every
    week runs with one, and the limit is lifted afterwards."""
    from threadpoolctl import threadpool_info

    from relsim.runner import simulate

    def blas_threads() -> list[int]:
        return [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]

    seen: list[list[int]] = []
    step = CareModel.step

    def observed_step(model: CareModel) -> None:
        seen.append(blas_threads())
        step(model)

    monkeypatch.setattr(CareModel, "step", observed_step)
    before = blas_threads()
    scenario = load_scenario(
        "scenarios/baseline.yaml",
        ["population.citizens=300", "time.weeks=4", "time.warmup_weeks=0"],
    )
    simulate(scenario, seed=1, replication=0, journeys=False)
    assert seen and all(threads == [1] * len(threads) for threads in seen)
    assert blas_threads() == before
