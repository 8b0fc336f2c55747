"""The small kernels the weekly phases are built from, tested on their own: slot filling, ranking
and running sums within groups, triage, the services' exclusion rules, merging contact counts,
the continuity indices, MSER-5, effort weights, and the declarations that reject unknown
names."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from relsim.agents.specialist import excluded_by_rules, excluded_referrals
from relsim.arrays import cumulative_within, rank_within
from relsim.care_models.liberated import effort_shares
from relsim.care_models.triage import choose_whom_to_see
from relsim.cases import fill_slots
from relsim.citizens import COLUMNS, Citizens, column_table
from relsim.config import load_scenario
from relsim.continuity import (
    PairCounts,
    bice_boxerman,
    merge_counts,
    pair_keys,
    per_citizen,
    usual_provider_of_care,
)
from relsim.counters import COUNTERS, LEDGER
from relsim.model import CareModel
from relsim.records import Tally
from relsim.warmup import drift, mser5

groups_and_keys = st.integers(1, 40).flatmap(
    lambda n: st.tuples(
        st.lists(st.integers(0, 5), min_size=n, max_size=n),
        st.lists(st.floats(-5, 5, allow_nan=False), min_size=n, max_size=n, unique=True),
    )
)


@settings(max_examples=60, deadline=None, derandomize=True)
@given(groups_and_keys)
def test_rank_within_counts_the_smaller_keys_of_the_same_group(data) -> None:
    groups, keys = (np.array(x) for x in data)
    rank = rank_within(groups, keys)
    for i in range(groups.size):
        expected = int(((groups == groups[i]) & (keys < keys[i])).sum())
        assert rank[i] == expected


@settings(max_examples=60, deadline=None, derandomize=True)
@given(groups_and_keys, st.lists(st.floats(0, 10, allow_nan=False), min_size=40, max_size=40))
def test_cumulative_within_sums_up_to_and_including_each_element(data, amounts) -> None:
    groups, keys = (np.array(x) for x in data)
    amounts = np.array(amounts[: groups.size])
    running = cumulative_within(groups, keys, amounts)
    for i in range(groups.size):
        mine = (groups == groups[i]) & (keys <= keys[i])
        assert running[i] == pytest.approx(amounts[mine].sum())


@settings(max_examples=60, deadline=None, derandomize=True)
@given(st.integers(0, 30), st.lists(st.integers(0, 4), min_size=5, max_size=5))
def test_fill_slots_serves_the_queue_in_order_round_the_rota(count, slots) -> None:
    slots = np.array(slots)
    result = fill_slots(count, slots)
    given_posts = result[result >= 0]
    # never more people on a post than it has slots
    assert (np.bincount(given_posts, minlength=5) <= slots).all()
    # as many are served as there are slots (or people), the first in the queue
    served = int(min(count, slots.sum()))
    assert (result[:served] >= 0).all() and (result[served:] == -1).all()
    # round-robin: no post takes a second slot while a post with a free slot has none yet
    taken = np.bincount(given_posts, minlength=5)
    open_posts = slots > taken
    if open_posts.any():
        assert taken.max(initial=0) <= taken[open_posts].min() + 1


def test_triage_sees_the_highest_scores_until_the_hours_run_out() -> None:
    serving = np.array([0, 0, 0, 1, 1, -1])
    score = np.array([1.0, 3.0, 2.0, 0.5, 0.1, 9.0])
    hours = np.array([2.0, 2.0, 2.0, 3.0, 3.0, 1.0])
    free = np.array([4.0, 3.0])
    seen = choose_whom_to_see(serving, score, hours, free)
    # post 0 has 4 h: the two highest scores (3.0 and 2.0), not the third; post 1 has 3 h:
    # only its first; nobody serves the last person
    assert seen.tolist() == [False, True, True, True, False, False]


def test_effort_goes_to_what_matters_and_to_the_driver_as_far_as_it_is_known() -> None:
    priority = np.array([[0.5, 0.5, 0.0], [0.5, 0.5, 0.0]])
    need = np.array([[0.6, 0.6, 0.5], [0.6, 0.6, 0.5]])
    active = need > 0.4
    driver = np.array([2, 2])
    stake = priority * np.where(active, need, 0.0)
    weights = effort_shares(stake, active, driver, np.array([0.0, 0.5]))
    np.testing.assert_allclose(weights.sum(axis=1), 1.0)
    # knowing nothing, nothing goes to the driver that does not matter to the person
    assert weights[0, 2] == 0.0
    # knowing it well, half the effort goes there
    assert weights[1, 2] == pytest.approx(0.5)


def test_merged_pair_counts_equal_counting_everything_at_once() -> None:
    rng = np.random.default_rng(0)
    rows = rng.integers(0, 50, 5000)
    people = rng.integers(-20, 20, 5000)
    counts = PairCounts()
    counts.MERGE_EVERY = 700  # merge often, to exercise merging
    for chunk in np.array_split(np.arange(5000), 13):
        counts.add(rows[chunk], people[chunk])
    keys, n = counts.pairs()
    expected_keys, expected_n = np.unique(pair_keys(rows, people), return_counts=True)
    np.testing.assert_array_equal(keys, expected_keys)
    np.testing.assert_array_equal(n, expected_n)
    merged = merge_counts(keys[:10], n[:10], keys[5:20], n[5:20])
    assert merged[1].sum() == n[:10].sum() + n[5:20].sum()
    np.testing.assert_array_equal(merged[0], keys[:20])  # sorted, each key once
    np.testing.assert_array_equal(
        merged[1], np.where(np.isin(np.arange(20), range(5, 10)), 2, 1) * n[:20]
    )


def test_continuity_indices_on_known_cases() -> None:
    # citizen 0: 4 contacts all with one worker; citizen 1: 4 contacts with 4 workers;
    # citizen 2: 3 with A, 1 with B; citizen 3: a single contact (not counted)
    rows = np.array([0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3])
    people = np.array([7, 7, 7, 7, 1, 2, 3, 4, 5, 5, 5, 6, 9])
    keys, counts = np.unique(pair_keys(rows, people), return_counts=True)
    stats = per_citizen(keys, counts)
    np.testing.assert_array_equal(stats["people"], [1, 4, 2, 1])
    upc = usual_provider_of_care(stats)
    assert upc == pytest.approx((1.0 + 0.25 + 0.75) / 3)
    # COC: (sum n_j^2 - N) / (N (N - 1)): 1, 0 and (9 + 1 - 4) / 12 = 0.5
    assert bice_boxerman(stats) == pytest.approx((1.0 + 0.0 + 0.5) / 3)


def test_mser5_finds_a_transient_and_not_a_steady_series() -> None:
    rng = np.random.default_rng(1)
    steady = 100 + rng.normal(0, 5, 400)
    assert mser5(steady) <= 40
    transient = steady + np.r_[np.linspace(-60, 0, 100), np.zeros(300)]
    assert 50 <= mser5(transient) <= 150


def test_a_manifests_settling_point_reads_the_crisis_rate_not_the_crises() -> None:
    """A district growing for its first 150 weeks at a steady crisis rate: the weekly crises
    rise with it and MSER-5 on them sees a transient; the manifest's check reads the rate
    (pooled over replications), which has none."""
    import pandas as pd

    from relsim.warmup import steady_state_report, weekly_crisis_rate

    rng = np.random.default_rng(2)
    weeks = np.arange(1, 401)
    citizens = np.minimum(1000 + 20 * weeks, 4000).astype(float)
    frames = []
    for replication in range(2):
        crises = (0.01 + rng.normal(0, 0.0005, weeks.size)) * citizens
        frames.append(pd.DataFrame({"replication": replication, "week": weeks,
                                    "measured": weeks > 104, "crises": crises,
                                    "mean_need": 0.3, "citizens": citizens}))  # fmt: skip
    series = pd.concat(frames)
    pooled = series.groupby("week")[["crises", "citizens"]].sum()
    rate = weekly_crisis_rate(series)
    assert rate.to_numpy() == pytest.approx((pooled["crises"] / pooled["citizens"]).to_numpy())
    assert mser5(series.groupby("week")["crises"].mean().to_numpy()) >= 100
    report = steady_state_report(series, 104)
    assert report["mser5_truncation_weeks"] == mser5(rate.to_numpy()) <= 40
    assert report["warmup_covers_mser5"]


def test_drift_compares_the_halves_of_the_measured_period() -> None:
    import pandas as pd

    weeks = np.arange(1, 21)
    frame = pd.DataFrame(
        {
            "week": np.r_[weeks, weeks],
            "measured": np.r_[weeks, weeks] > 4,
            "crises": np.r_[np.where(weeks > 12, 12.0, 10.0), np.where(weeks > 12, 12.0, 10.0)],
            "mean_need": 0.3,
        }
    )
    result = drift(frame)
    # measured weeks 5..20: first half 5..12 (10 each), second half 13..20 (12 each)
    assert result["crises"] == pytest.approx(0.2)
    assert result["mean_need"] == pytest.approx(0.0)
    assert "crisis_rate" not in result  # no citizens in the series
    # a district that grew by a fifth with its crises: the rate per citizen has not moved
    frame["citizens"] = np.r_[
        np.where(weeks > 12, 120.0, 100.0), np.where(weeks > 12, 120.0, 100.0)
    ]
    result = drift(frame)
    assert result["crises"] == pytest.approx(0.2)
    assert result["crisis_rate"] == pytest.approx(0.0)


def test_the_tally_rejects_an_undeclared_counter() -> None:
    tally = Tally()
    tally.start_week(measuring=True)
    tally.add("crises_ae", 2)
    assert tally["crises_ae"] == 2.0
    with pytest.raises(KeyError, match="undeclared counter 'crises_aee'"):
        tally.add("crises_aee")
    with pytest.raises(KeyError, match="undeclared counter"):
        tally["no_such_counter"]
    assert set(tally.totals()) == set(COUNTERS)


def test_every_citizen_column_is_declared_with_unit_and_meaning() -> None:
    table = column_table()
    assert [row["name"] for row in table] == list(COLUMNS)
    assert all(row["unit"] and row["meaning"] for row in table)
    citizens = Citizens(domains=6, crisis_types=4, capacity=4)
    rows = citizens.add(10)  # grows past its capacity
    assert citizens.capacity >= 10 and rows.tolist() == list(range(10))
    assert citizens.need.shape[1] == 6 and citizens.measured_crises.shape[1] == 4
    assert (citizens.worker[:10] == -1).all() and citizens.present[:10].all()
    with pytest.raises(KeyError, match="no citizen column"):
        citizens.view("needs")


def test_free_hours_are_the_hours_available_less_every_category_but_idle() -> None:
    """Idle is what is left, so it never counts as used; every other category does."""
    model = CareModel(
        load_scenario("scenarios/liberated.yaml", ["population.citizens=300", "time.weeks=2"]),
        seed=1,
        record_journeys=False,
    )
    model.step()
    workforce = model.workforce
    rng = np.random.default_rng(0)
    for name in LEDGER:
        workforce.hours[name][:] = rng.random(workforce.posts)
    used = sum(workforce.hours[name] for name in LEDGER if name != "idle")
    expected = np.maximum(workforce.available - used, 0.0)
    assert np.allclose(workforce.free_hours(), expected, rtol=0, atol=1e-12)
    assert LEDGER[-1] == "idle"


def test_exclusion_rules_refuse_while_a_closing_need_is_active_with_the_strictness_chance() -> None:
    # Service 0 refuses while need 1 is active; service 2 while need 0 or need 1 is; 1 never.
    rules = [(0, [1]), (1, []), (2, [0, 1])]
    services: Any = [
        SimpleNamespace(domain=d, exclusion_domains=np.array(e, dtype=np.intp)) for d, e in rules
    ]
    need = np.array([[0.9, 0.9, 0.1], [0.1, 0.1, 0.9], [0.9, 0.1, 0.9]], dtype=np.float32)
    always = np.zeros(need.shape)
    assert excluded_by_rules(services, need, always, 1.0, 0.5).tolist() == [
        [True, False, True],
        [False, False, False],
        [False, False, True],
    ]
    chance = always.copy()
    chance[2, 2] = 0.9  # above the strictness: this rule is not applied this time
    assert not excluded_by_rules(services, need, chance, 0.5, 0.5)[2, 2]
    # Referrals: row i to service domains[i], each checked against its receiving service only.
    rows, domains = np.array([0, 1, 2, 0, 2]), np.array([0, 2, 2, 1, 2])
    refused = excluded_referrals(services, need[rows], chance[rows], domains, 0.5, 0.5)
    assert refused.tolist() == [True, False, False, False, False]
    refused = excluded_referrals(services, need[rows], always[rows], domains, 1.0, 0.5)
    assert refused.tolist() == [True, False, True, False, True]
    assert not excluded_referrals(services[1:2], need[rows], always[rows], domains, 1.0, 0.5).any()
