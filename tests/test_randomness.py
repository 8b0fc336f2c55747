"""Randomness (engineering.md section 2): determinism, replications, common random numbers,
stream independence and serial/parallel equality."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import relsim.model
import relsim.pools
import relsim.rng
import relsim.runner
from relsim.config import load_scenario
from relsim.config.schema import Scenario
from relsim.dynamics.arrivals import draw_entrants
from relsim.model import CareModel
from relsim.rng import CITIZEN_STREAMS, RandomStreams, replication_seed_sequence
from relsim.runner import RunResult, run_one, run_replications

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"
BASELINE = SCENARIOS / "baseline.yaml"
LIBERATED = SCENARIOS / "liberated.yaml"
CARE_MODELS = ("assess_do_refer", "liberated", "hybrid", "none")
ROOT = Path(__file__).resolve().parent.parent
SMALL = (
    "population.citizens=500",
    "workforce.workers=4",
    "time.weeks=50",
    "time.warmup_weeks=10",
)
CRN_WEEKS = 30


def small(care_model: str = "assess_do_refer", *extra: str) -> Scenario:
    path = LIBERATED if care_model == "liberated" else BASELINE
    return load_scenario(path, sets=[*SMALL, f"care_model={care_model}", *extra])


def same_metrics(a: dict[str, float], b: dict[str, float]) -> list[str]:
    """Names whose values differ (NaN equals NaN; otherwise exact)."""
    assert a.keys() == b.keys()
    return [k for k in a if not (a[k] == b[k] or (math.isnan(a[k]) and math.isnan(b[k])))]


def assert_same_run(a: RunResult, b: RunResult) -> None:
    differing = same_metrics(a.metrics, b.metrics)
    assert not differing, f"metrics differ: {differing}"
    pd.testing.assert_frame_equal(a.timeseries, b.timeseries, check_exact=True)


@pytest.mark.parametrize("care_model", CARE_MODELS)
def test_same_seed_same_results(care_model: str) -> None:
    scenario = small(care_model)
    first = run_one(scenario, seed=99, replication=2, journeys=True)
    second = run_one(scenario, seed=99, replication=2, journeys=True)
    assert_same_run(first, second)
    pd.testing.assert_frame_equal(first.journeys, second.journeys, check_exact=True)


@pytest.mark.parametrize("care_model", CARE_MODELS)
def test_other_replication_or_seed_gives_other_results(care_model: str) -> None:
    scenario = small(care_model)
    base = run_one(scenario, seed=99, replication=0)
    for other in (run_one(scenario, seed=99, replication=1), run_one(scenario, seed=100)):
        differing = same_metrics(base.metrics, other.metrics)
        assert "crisis_events_per_citizen_year" in differing
        assert "mean_need" in differing
        assert not base.timeseries["crises"].equals(other.timeseries["crises"])


def test_seed_in_scenario_is_the_default_seed() -> None:
    scenario = small()
    a = CareModel(scenario, replication=0)
    b = CareModel(scenario, replication=0, seed=scenario.seed)
    c = CareModel(scenario, replication=0, seed=scenario.seed + 1)
    np.testing.assert_array_equal(a.citizens.view("need"), b.citizens.view("need"))
    assert not np.array_equal(a.citizens.view("need"), c.citizens.view("need"))


def _arrivals_under(care_model: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, np.ndarray]:
    """Initial cohort and the first CRN_WEEKS weeks of arrivals, as drawn for this model:
    needs right after construction, each row's arrival week, and every entrant's drawn needs,
    priorities, informal support and trust (captured as `draw_entrants` returns them)."""
    drawn: list[np.ndarray] = []
    original = relsim.model.draw_entrants

    def recording(scenario, count, rng):
        entrants = original(scenario, count, rng)
        drawn.append(
            np.column_stack(
                [
                    entrants.need,
                    entrants.priority,
                    entrants.driver,
                    entrants.driver_hidden,
                    entrants.help_fit,
                    entrants.informal,
                    entrants.trust,
                ]
            )
        )
        return entrants

    with monkeypatch.context() as patch:
        patch.setattr(relsim.model, "draw_entrants", recording)
        scenario = small(care_model, "population.arrivals_per_week=5")
        model = CareModel(scenario, replication=3, seed=2024)
        initial_need = model.citizens.view("need").copy()
        for _ in range(CRN_WEEKS):
            model.step()
    return {
        "initial_need": initial_need,
        "arrival_week": model.citizens.view("arrival_week").copy(),
        "entrants": np.concatenate(drawn),
    }


def test_common_random_numbers_same_citizens_under_every_model(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Replication r of every care model starts from the same cohort and receives the same
    arrivals: the same rows, in the same weeks, with the same initial needs, priorities,
    drivers (hidden or not), fit of standard help, informal support and trust."""
    runs = {cm: _arrivals_under(cm, monkeypatch) for cm in CARE_MODELS}
    reference = runs["assess_do_refer"]
    initial = reference["initial_need"].shape[0]
    assert initial == 500
    arrived_later = reference["arrival_week"][initial:]
    assert arrived_later.size > 5 * CRN_WEEKS / 2, "too few arrivals: the test would prove little"
    assert (arrived_later > 0).all() and (np.diff(arrived_later) >= 0).all()
    assert reference["entrants"].shape[0] == reference["arrival_week"].size
    for care_model in CARE_MODELS[1:]:
        for key, value in reference.items():
            np.testing.assert_array_equal(
                runs[care_model][key], value, err_msg=f"{care_model} vs assess_do_refer: {key}"
            )


def test_common_random_numbers_same_crisis_and_need_draws() -> None:
    """The citizen-side streams give the same numbers whatever the care model: two models
    built for the same replication hold identical generators for every citizen stream."""
    models = [CareModel(small(cm), replication=1, seed=7) for cm in CARE_MODELS]
    for name in CITIZEN_STREAMS:
        draws = [m.district.streams[name].random(8) for m in models]
        for other in draws[1:]:
            np.testing.assert_array_equal(other, draws[0], err_msg=name)


def test_adding_a_stream_does_not_shift_the_others(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(relsim.rng.STREAMS, "zzz", "a stream added later")
    monkeypatch.setitem(relsim.rng.STREAMS, "another_new_stream", "and another")
    root = replication_seed_sequence(12345, 0)
    plain = RandomStreams(root)
    needs_plain = plain["needs"].random(10)
    extra = RandomStreams(replication_seed_sequence(12345, 0))
    zzz = extra["zzz"].random(10)
    extra["another_new_stream"].random(3)
    needs_after_extra = extra["needs"].random(10)
    np.testing.assert_array_equal(needs_plain, needs_after_extra)
    assert not np.array_equal(zzz, needs_plain)
    # streams are independent of each other, and of the replication
    assert not np.array_equal(plain["shocks"].random(10), RandomStreams(root)["needs"].random(10))
    other_rep = RandomStreams(replication_seed_sequence(12345, 1))["needs"].random(10)
    assert not np.array_equal(other_rep, needs_plain)
    # the same name always gives the same generator state
    np.testing.assert_array_equal(
        RandomStreams(root)["needs"].random(10), RandomStreams(root)["needs"].random(10)
    )


def test_mesa_generators_are_drawn_from_only_when_mesa_seeds_itself() -> None:
    """docs/odd.md, section 3: the model never draws from Mesa's generators; Mesa takes one
    number from the `mesa` stream when the model is built, to seed its stdlib `random`, and after
    that neither moves, whatever the weeks do."""
    expected = RandomStreams(replication_seed_sequence(5, 0))["mesa"]
    expected.integers(np.iinfo(np.int32).max)  # Mesa's one draw, seeding its stdlib random
    model = CareModel(small("hybrid"), replication=0, seed=5)
    assert model.rng.bit_generator.state == expected.bit_generator.state
    stdlib = model.random.getstate()
    for _ in range(20):
        model.step()
    assert model.rng.bit_generator.state == expected.bit_generator.state
    assert model.random.getstate() == stdlib
    odd = " ".join((ROOT / "docs" / "odd.md").read_text().split())
    assert "Mesa's own generator is never drawn from" not in odd
    assert "Mesa itself takes one number from the `mesa` stream when the model is built" in odd


def test_an_undeclared_stream_is_an_error() -> None:
    """A typo in a stream name must not silently create a new, independent stream."""
    streams = RandomStreams(replication_seed_sequence(1, 0))
    with pytest.raises(KeyError, match="undeclared random stream 'neds'"):
        streams["neds"]


def test_adding_a_stream_does_not_change_a_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """A model that asks for an extra stream before running gives identical results."""
    scenario = small()
    plain = run_one(scenario, seed=5, replication=0)
    original_init = CareModel.__init__
    monkeypatch.setitem(relsim.rng.STREAMS, "zzz", "a stream added later")

    def init_with_extra_stream(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        self.district.streams["zzz"].random(1000)

    monkeypatch.setattr(CareModel, "__init__", init_with_extra_stream)
    with_extra = run_one(scenario, seed=5, replication=0)
    assert_same_run(plain, with_extra)


def test_serial_and_parallel_replications_are_identical(monkeypatch: pytest.MonkeyPatch) -> None:
    scenario = small("hybrid")
    serial = run_replications(scenario, reps=3, seed=31, workers=1)
    assert [r.replication for r in serial] == [0, 1, 2]

    # Prove the pool really runs the work elsewhere: in this process a run now fails, so the
    # parallel results can only come from the worker processes.
    def refuse(*args, **kwargs):
        raise AssertionError("run_one was called in the parent process")

    monkeypatch.setattr(relsim.runner, "run_one", refuse)
    with pytest.raises(AssertionError, match="parent process"):
        run_replications(scenario, reps=3, seed=31, workers=1)
    parallel = run_replications(scenario, reps=3, seed=31, workers=2)

    assert [r.replication for r in parallel] == [0, 1, 2]
    for s, p in zip(serial, parallel, strict=True):
        assert_same_run(s, p)
    # and the replications really differ from each other
    assert same_metrics(serial[0].metrics, serial[1].metrics)


def test_a_shared_pool_serves_replications_and_sweep_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    """Within shared_pool() every set of replications and every sweep uses one pool, and the
    results are the serial ones; outside it each set has a pool of its own."""
    from relsim.config import scenario_dict
    from relsim.sweep.executors import Task, run_local

    started: list[int] = []
    real = relsim.pools.process_pool

    def counted(workers: int):
        started.append(workers)
        return real(workers)

    monkeypatch.setattr(relsim.pools, "process_pool", counted)
    scenario = small("liberated")
    serial = run_replications(scenario, reps=2, seed=17, workers=1)
    tasks = [Task(0, r, 17, scenario_dict(scenario), {}) for r in range(2)]
    assert started == []
    with relsim.pools.shared_pool():
        first = run_replications(scenario, reps=2, seed=17, workers=2)
        rows = sorted(run_local(tasks, 2), key=lambda outcome: outcome[0]["replication"])
        second = run_replications(scenario, reps=2, seed=17, workers=2)
    assert started == [2]
    for runs in (first, second):
        for s, p in zip(serial, runs, strict=True):
            assert_same_run(s, p)
    for s, (row, _) in zip(serial, rows, strict=True):
        assert not same_metrics(s.metrics, {k: row[k] for k in s.metrics})
    run_replications(scenario, reps=2, seed=17, workers=2)
    assert started == [2, 2]


def test_arrivals_draw_the_same_numbers_whatever_the_complexity() -> None:
    """Scenarios that differ in complexity meet the same people: what complexity does not set
    (priorities, informal support, arrival weeks) is identical, so sweeps over complexity are
    paired citizen by citizen."""
    models = [
        CareModel(small("assess_do_refer", f"demand_complexity={c}"), replication=0, seed=3)
        for c in (0.1, 0.9)
    ]
    for _ in range(10):
        for model in models:
            model.step()
    low, high = (m.citizens for m in models)
    assert low.n == high.n
    np.testing.assert_array_equal(low.priority[: low.n], high.priority[: high.n])
    np.testing.assert_array_equal(low.informal[: low.n], high.informal[: high.n])
    np.testing.assert_array_equal(low.arrival_week[: low.n], high.arrival_week[: high.n])
    assert not np.array_equal(low.set_point[: low.n], high.set_point[: high.n])


@pytest.mark.parametrize(
    ("key", "values"),
    [
        ("arrivals.mean_needs_at_entry", (1.2, 4.5)),
        ("arrivals.trust_mean", (0.2, 0.8)),
        ("arrivals.trust_drop_per_extra_need", (0.0, 0.1)),
        ("needs.hidden_driver_probability", (0.0, 0.9)),
        ("demand_complexity", (0.1, 0.9)),
    ],
)
def test_what_entrants_bring_does_not_shift_the_arrivals_stream(
    key: str, values: tuple[float, float]
) -> None:
    """Every entrant takes the same draws whatever these parameters are (docs/odd.md, section
    4): after the same entrants are drawn under either value the `arrivals` stream is at the
    same place, and what the parameter does not set is the same for every entrant."""
    drawn, following = [], []
    for value in values:
        rng = RandomStreams(replication_seed_sequence(11, 0))["arrivals"]
        drawn.append(draw_entrants(small("assess_do_refer", f"{key}={value}"), 500, rng))
        following.append(rng.random(8))
    np.testing.assert_array_equal(following[0], following[1])
    np.testing.assert_array_equal(drawn[0].priority, drawn[1].priority)
    np.testing.assert_array_equal(drawn[0].informal, drawn[1].informal)
    changed = [
        not np.array_equal(getattr(drawn[0], name), getattr(drawn[1], name))
        for name in ("need", "trust", "driver_hidden", "help_fit")
    ]
    assert any(changed), key
