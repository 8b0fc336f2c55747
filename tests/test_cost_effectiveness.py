"""What one care model's crises avoided cost over another's (relsim.evidence.cost_effectiveness):
who is priced against whom, the net cost per crisis avoided and its interval of each kind, and
the net benefit at a price with the share of parameter sets under which it is positive."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from relsim.evidence.cost_effectiveness import (
    PRICES_GBP,
    break_even,
    cost_effectiveness,
    net_benefit,
    pairs,
)
from relsim.evidence.intervals import interval


def test_a_district_with_no_services_is_always_the_reference() -> None:
    crossover = {"baseline": "assess_do_refer", "liberated": "liberated", "none": "none"}
    assert pairs(crossover) == [
        ("liberated", "baseline"),
        ("baseline", "none"),
        ("liberated", "none"),
    ]
    assert pairs({"none": "none", "hybrid": "hybrid"}) == [("hybrid", "none")]
    assert pairs({"a": "none", "b": "none"}) == [("b", "a")]
    assert pairs({"baseline": "assess_do_refer"}) == []


def _paired(seed: int, n: int, avoided: float, extra: float) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    shared = rng.normal(size=n)
    return avoided + 0.1 * shared + 0.05 * rng.normal(size=n), extra + 80 * shared


def test_with_chance_only_the_interval_is_where_the_net_benefits_interval_reaches_zero() -> None:
    """Fieller's interval: at each of its ends the t-interval of P * avoided - extra over the
    paired runs has one bound at zero; the ratio of means lies inside."""
    avoided, extra = _paired(1, 12, avoided=0.4, extra=300.0)
    found = break_even(avoided, extra, None)
    assert found["mean"] == pytest.approx(extra.mean() / avoided.mean())
    low, high = found["ci95"]
    assert low < found["mean"] < high
    for price in (low, high):
        bounds = interval((price * avoided - extra).tolist(), None)["ci95"]
        assert min(abs(b) for b in bounds) == pytest.approx(0, abs=1e-6)
    inside = interval(((low + high) / 2 * avoided - extra).tolist(), None)["ci95"]
    assert inside[0] < 0 < inside[1]


def test_the_price_is_unbounded_when_the_crises_avoided_may_be_none() -> None:
    avoided, extra = _paired(2, 12, avoided=0.02, extra=300.0)  # avoided's interval spans zero
    assert interval(avoided.tolist(), None)["ci95"][0] < 0
    assert break_even(avoided, extra, None) == {"mean": None, "ci95": None}
    more_crises = break_even(-np.abs(avoided), extra, None)
    assert more_crises == {"mean": None, "ci95": None}


def test_over_parameter_sets_the_interval_is_the_sets_own_break_even_prices() -> None:
    """Two runs a set: each set's price is its mean extra cost over its mean crises avoided;
    the interval is their central 95 %, and none exists when a set avoids no crises."""
    avoided, extra = _paired(3, 20, avoided=0.5, extra=200.0)
    sets = [r // 2 for r in range(20)]
    found = break_even(avoided, extra, sets)
    frame = pd.DataFrame({"a": avoided, "c": extra, "set": sets}).groupby("set").mean()
    prices = frame["c"] / frame["a"]
    assert found["ci95"] == pytest.approx([prices.quantile(0.025), prices.quantile(0.975)])
    assert found["mean"] == pytest.approx(extra.mean() / avoided.mean())
    avoided[:2] = -1.0  # the first set has more crises
    assert break_even(avoided, extra, sets) == {"mean": None, "ci95": None}


def test_net_benefit_at_a_price_and_the_share_of_sets_it_is_positive_under() -> None:
    avoided = np.array([0.2, 0.2, 0.5, 0.5, 1.0, 1.0])
    extra = np.array([-50.0, -50.0, 400.0, 400.0, 600.0, 600.0])
    sets = [0, 0, 1, 1, 2, 2]
    at_zero = net_benefit(avoided, extra, 0, sets)
    assert at_zero["mean"] == pytest.approx(-(-50 + 400 + 600) / 3)
    assert at_zero["share_positive"] == pytest.approx(1 / 3)  # pays for itself under one set
    at_thousand = net_benefit(avoided, extra, 1000, sets)  # 250, 100, 400
    assert at_thousand["share_positive"] == 1.0
    assert at_thousand["mean"] == pytest.approx(250)
    assert net_benefit(avoided, extra, 1000, None)["share_positive"] is None


def _runs(crises: list[float], cost: list[float], status: str = "ok") -> pd.DataFrame:
    n = len(crises)
    return pd.DataFrame(
        {
            "point": [r % 2 for r in range(n)],
            "replication": [r // 2 for r in range(n)],
            "status": status,
            "x": [0.1 if r % 2 == 0 else 0.9 for r in range(n)],
            "crisis_events_per_citizen_year": crises,
            "total_cost_per_citizen_year": cost,
        }
    )


def test_each_pair_and_point_is_priced_from_its_paired_runs() -> None:
    none = _runs([2.0, 6.0, 2.2, 6.4, 1.8, 6.2], [1000.0, 8000.0, 1100.0, 8300.0, 900.0, 8100.0])
    service = _runs(
        [1.8, 5.0, 2.0, 5.2, 1.7, 5.1], [1900.0, 7600.0, 2000.0, 8000.0, 1800.0, 7700.0]
    )
    table = cost_effectiveness(
        {"service": service, "none": none}, {"service": "assess_do_refer", "none": "none"},
        ["x"], None,
    )  # fmt: skip
    assert list(table["series"]) == ["service", "service"]
    assert list(table["reference"]) == ["none", "none"]
    assert list(table["x"]) == [0.1, 0.9]
    assert list(table["pairs"]) == [3, 3]
    high = table.iloc[1]
    avoided = np.array([1.0, 1.2, 1.1])
    extra = np.array([-400.0, -300.0, -400.0])
    assert high["crises_avoided_per_citizen_year_mean"] == pytest.approx(avoided.mean())
    assert high["net_cost_per_crisis_avoided_mean"] == pytest.approx(extra.mean() / avoided.mean())
    for price in PRICES_GBP:
        assert high[f"net_benefit_at_{price}_gbp_mean"] == pytest.approx(
            (price * avoided - extra).mean()
        )
    assert np.isnan(high["net_benefit_at_0_gbp_share_positive"])  # chance only: no sets


def test_a_failed_run_leaves_its_pair_out() -> None:
    none = _runs([2.0, 6.0, 2.2, 6.4], [1000.0, 8000.0, 1100.0, 8300.0])
    service = _runs([1.8, 5.0, 2.0, 5.2], [1900.0, 7600.0, 2000.0, 8000.0])
    service.loc[3, "status"] = "failed"
    table = cost_effectiveness(
        {"none": none, "service": service}, {"none": "none", "service": "liberated"}, ["x"], None
    )
    assert list(table["pairs"]) == [2, 1]


def test_every_column_is_documented_in_order() -> None:
    """docs/outputs.md is generated from COLUMNS: the table has exactly those columns."""
    from relsim.evidence.cost_effectiveness import COLUMNS

    none = _runs([2.0, 6.0, 2.2, 6.4], [1000.0, 8000.0, 1100.0, 8300.0])
    service = _runs([1.8, 5.0, 2.0, 5.2], [1900.0, 7600.0, 2000.0, 8000.0])
    table = cost_effectiveness(
        {"none": none, "service": service}, {"none": "none", "service": "liberated"}, ["x"], None
    )
    expected: list[str] = []
    for column in COLUMNS:
        if column == "KEY":
            expected.append("x")
        elif "_P_" in column:
            continue
        else:
            expected.append(column)
    for price in PRICES_GBP:
        expected += [c.replace("_P_", f"_{price}_") for c in COLUMNS if "_P_" in c]
    assert list(table.columns) == expected


def test_with_one_series_the_empty_table_has_every_column() -> None:
    """An experiment of one series has no pair to price: its file is the header the two-series
    table has, not the first four columns of it."""
    none = _runs([2.0, 6.0, 2.2, 6.4], [1000.0, 8000.0, 1100.0, 8300.0])
    service = _runs([1.8, 5.0, 2.0, 5.2], [1900.0, 7600.0, 2000.0, 8000.0])
    both = cost_effectiveness(
        {"none": none, "service": service}, {"none": "none", "service": "liberated"}, ["x"], None
    )
    alone = cost_effectiveness({"service": service}, {"service": "liberated"}, ["x"], None)
    assert alone.empty
    assert list(alone.columns) == list(both.columns)
