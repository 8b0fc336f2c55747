"""Each relational mechanism works only through what it claims to need: worker time, an engaged
contact, the relationship and what the worker knows. Every test switches one thing off (or makes
it unaffordable) and checks the effect it claims goes away, against a control where it is on.
Same seeds throughout, so the runs differ only in the switch."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from relsim.agents import Citizen
from relsim.cases import allocate, fade_relationships
from relsim.citizens import Pathway, Route
from relsim.config import validate_data
from relsim.district import Week
from relsim.metrics import compute_metrics
from relsim.model import CareModel
from relsim.runner import simulate

DISTRICT: dict[str, Any] = {
    "care_model": "liberated",
    "demand_complexity": 0.7,
    "continuity": 0.7,
    "population": {"citizens": 500},
    "workforce": {"workers": 8, "caseload_cap": 10},
    "time": {"weeks": 60, "warmup_weeks": 20},
}


def merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    out = {**base}
    for key, value in extra.items():
        out[key] = merge(out.get(key, {}), value) if isinstance(value, dict) else value
    return out


def run(extra: dict[str, Any] | None = None, seed: int = 4) -> tuple[CareModel, dict[str, float]]:
    scenario = validate_data(merge(DISTRICT, extra or {}), "<test>")
    model = simulate(scenario, seed=seed, replication=0, journeys=False)
    return model, compute_metrics(model)


def test_the_budget_is_spent_only_after_an_engaged_contact() -> None:
    """With almost nobody engaging (attendance at its 5 % floor) almost nothing is spent."""
    _, usual = run()
    _, disengaged = run(
        {
            "help_seeking": {
                "attendance_base": 0.0,
                "attendance_per_trust": 0.0,
                "attendance_per_depth": 0.0,
            }
        }
    )
    spend = "flexible_budget_cost_per_citizen_year"
    assert usual[spend] > 0
    assert disengaged[spend] < 0.2 * usual[spend], (disengaged[spend], usual[spend])


def test_the_budget_takes_the_workers_time() -> None:
    """A spend the worker has no time to arrange does not happen."""
    model, metrics = run({"liberated": {"budget_decision_hours": 40.0}})
    assert metrics["flexible_budget_cost_per_citizen_year"] == 0.0
    assert model.tally["budget_decisions"] == 0
    control, _ = run()
    assert control.tally["budget_decisions"] > 0
    assert control.tally["hours_budget"] > 0


def test_money_spent_without_knowing_the_person_does_nothing_when_knowledge_is_all() -> None:
    """With no effect without knowledge and no way to learn, spending changes no need; with
    learning on, the same spending lowers needs."""
    blind = {
        "relationship": {"knowledge_growth_per_hour": 0.0},
        "staff": {"handover_retention": 0.0},
    }
    free = {"budget_decision_hours": 0.0, "budget_effect_without_knowledge_share": 0.0}
    spending, _ = run(merge(blind, {"liberated": free}))
    no_spend, _ = run(merge(blind, {"liberated": {**free, "weekly_spend_gbp": 0.0}}))
    n = spending.citizens.n
    assert spending.tally["budget_cost_gbp"] > 0
    np.testing.assert_array_equal(spending.citizens.need[:n], no_spend.citizens.need[:n])

    learning, _ = run({"liberated": free})
    learning_no_spend, _ = run({"liberated": {**free, "weekly_spend_gbp": 0.0}})
    assert learning.citizens.need[:n].mean() < learning_no_spend.citizens.need[:n].mean()


def test_drawing_a_specialist_in_takes_the_caseworkers_time() -> None:
    model, _ = run({"liberated": {"brokerage_hours": 40.0}})
    assert model.tally["draw_ins"] == 0
    assert model.tally["joint_work_sessions"] == 0
    control, _ = run()
    assert control.tally["draw_ins"] > 0 and control.tally["joint_work_sessions"] > 0
    assert control.tally["hours_brokerage"] > 0


def test_a_specialist_drawn_in_works_only_the_hours_it_has() -> None:
    """Joint work is served in order of asking while the service's hours last: with few
    places and long joint sessions some of it goes unserved, and no service books more hours
    in a week than it has; with the hours ample nothing goes unserved."""
    scarce = {
        "demand_complexity": 0.9,
        "liberated": {"joint_work_hours_per_week": 6.0},
        "specialists": {
            "mental_health": {"capacity_slots_per_1000_citizens": 2.0},
            "housing": {"capacity_slots_per_1000_citizens": 3.0},
        },
    }
    scenario = validate_data(merge(DISTRICT, scarce), "<test>")
    model = CareModel(scenario, replication=0, seed=4, record_journeys=False)
    most_used = 0.0
    for _ in range(model.final_week):
        model.step()
        most_used = max(most_used, *(s.hours_used - s.capacity_hours for s in model.services))
    assert model.tally["joint_work_sessions"] > 0
    assert model.tally["joint_work_unserved"] > 0
    assert most_used <= 1e-9
    ample, _ = run()
    assert ample.tally["joint_work_sessions"] > 0
    assert ample.tally["joint_work_unserved"] == 0


def test_an_overloaded_caseworker_leaves_people_unseen_rather_than_seeing_everyone_less() -> None:
    _, ample = run({"workforce": {"workers": 12, "caseload_cap": 6}})
    _, overloaded = run({"workforce": {"workers": 2, "caseload_cap": 200}})
    assert ample["held_not_seen_share"] < 0.1
    assert overloaded["held_not_seen_share"] > 0.7


def test_burnout_lowers_what_contact_achieves() -> None:
    """Thin caseloads burn workers out; with depersonalisation switched off, the same burnt-out
    workers' contact achieves more."""
    thin = {"workforce": {"workers": 4, "caseload_cap": 30}}
    gaps = []
    for seed in (4, 5, 6):
        model, metrics = run(thin, seed=seed)
        assert metrics["mean_burnout"] > 0.3
        switched_off, _ = run(
            merge(thin, {"staff": {"depersonalisation_per_burnout": 0.0}}), seed=seed
        )
        n = model.citizens.n
        gaps.append(model.citizens.need[:n].mean() - switched_off.citizens.need[:n].mean())
    assert min(gaps) > 0 and np.mean(gaps) > 0.001, gaps


def test_the_front_door_works_on_what_is_presented_not_on_a_hidden_driver() -> None:
    """Under assess-do-refer the episode's domain is the presenting need: when every driver is
    hidden it is rarely the driver; when none is, it mostly is."""

    def share_on_driver(hidden: float) -> float:
        model, _ = run(
            {
                "care_model": "assess_do_refer",
                "workforce": {"workers": 4, "caseload_cap": 25},
                "needs": {"hidden_driver_probability": hidden},
            }
        )
        citizens = model.citizens
        n = citizens.n
        assessed = citizens.presenting_domain[:n] >= 0
        assert assessed.sum() > 50
        return float((citizens.presenting_domain[:n] == citizens.driver[:n])[assessed].mean())

    hidden, tame = share_on_driver(1.0), share_on_driver(0.0)
    assert hidden < 0.3 and tame > hidden + 0.25, (hidden, tame)


def test_a_change_of_worker_costs_trust_and_more_with_each_change() -> None:
    model = CareModel(validate_data(merge(DISTRICT, {"time": {"weeks": 2}}), "<test>"), seed=1)
    model.step()
    district, citizens = model.district, model.citizens
    row = int(np.flatnonzero(citizens.pathway[: citizens.n] == Pathway.NOT_IN_SERVICE)[0])
    citizens.trust[row] = 0.9
    citizens.trust_base[row] = 0.9
    week = Week(model.week, True, citizens.n)
    rows = np.array([row])
    losses = []
    for post in (0, 1, 2, 3):
        before = float(citizens.trust[row])
        allocate(district, week, rows, np.array([post]))
        losses.append(before - float(citizens.trust[row]))
        district.workforce.caseload[post] -= 1
        citizens.worker[row] = -1
    assert losses[0] == 0.0  # a first worker is not a change
    assert 0 < losses[1] < losses[2] < losses[3]
    assert citizens.worker_changes[row] == 3


def test_relationships_fade_without_contact_and_not_with_it() -> None:
    model = CareModel(validate_data(merge(DISTRICT, {"time": {"weeks": 2}}), "<test>"), seed=1)
    model.step()
    citizens = model.citizens
    n = citizens.n
    citizens.depth[:n] = 0.8
    citizens.knowledge[:n] = 0.8
    citizens.last_seen_week[:n] = -1
    citizens.last_seen_week[0] = model.week + 1
    fade_relationships(citizens, model.week + 1, 0.1, 0.05)
    assert citizens.depth[0] == pytest.approx(0.8)
    assert citizens.depth[1] == pytest.approx(0.72)
    assert citizens.knowledge[1] == pytest.approx(0.76)


def test_care_model_none_has_no_services_and_crises_still_happen() -> None:
    model, metrics = run({"care_model": "none"})
    assert model.workforce.posts == 0 and model.services == []
    assert metrics["crisis_events_per_citizen_year"] > 0
    assert metrics["crisis_cost_per_citizen_year"] > 0
    for name in (
        "staff_cost_per_citizen_year",
        "specialist_cost_per_citizen_year",
        "flexible_budget_cost_per_citizen_year",
    ):
        assert metrics[name] == 0.0, name
    assert model.tally["unserved_presentations"] > 0
    assert model.tally["presentations"] == 0
    # no one met anyone: the means over those who did are not a number, as UPC and COC are,
    # and not a 0 a paired difference would take as "met no one"
    for name in (
        "distinct_workers_per_citizen",
        "professionals_involved_per_citizen",
        "usual_provider_of_care",
        "continuity_of_care_index",
    ):
        assert np.isnan(metrics[name]), name


def test_citizen_agents_of_people_who_leave_leave_the_model() -> None:
    model, _ = run({"time": {"weeks": 10, "warmup_weeks": 0}})
    citizens = model.citizens
    watched = {row: model.citizen(row) for row in np.flatnonzero(citizens.present[: citizens.n])}
    for _ in range(8):
        model.step()
    left = [row for row in watched if not citizens.present[row]]
    assert left, "nobody left in eight weeks: the test needs departures"
    present_views = set(model.agents_by_type[Citizen])
    assert all(citizens.present[view.row] for view in present_views)
    assert not any(watched[row] in present_views for row in left)
    assert not model.citizen(left[0]).present  # still a view of them, outside `agents`
    assert model.citizen(left[0]) not in present_views


def test_citizen_agents_are_live_views_of_their_rows_and_workers_decide_their_week() -> None:
    model, _ = run({"time": {"weeks": 10, "warmup_weeks": 0}})
    citizens = model.citizens
    held = np.flatnonzero(citizens.pathway[: citizens.n] == Pathway.HELD)
    assert not model.agents_by_type.get(Citizen)  # made only when someone asks
    person = model.citizen(int(held[0]))
    assert model.citizen(int(held[0])) is person
    row = person.row
    assert person.pathway is Pathway.HELD
    assert person.worker == model.workforce.person[citizens.worker[row]]
    assert person.needs["housing"] == pytest.approx(float(citizens.need[row, 0]))
    citizens.trust[row] = 0.123  # the view follows the row, not a copy
    assert person.trust == pytest.approx(0.123)
    assert person in model.agents
    # A worker's absence is the worker's own state, and decides the hours they bring.
    worker = model.workforce.occupant[0]
    assert worker is not None
    worker.absent_until = model.week + 1
    rules = model.config.workforce
    assert worker.case_hours(model.week + 1, rules.hours_per_week, rules.non_case_share) == 0.0
    model.step()
    assert model.workforce.available[0] == 0.0


def test_professionals_met_in_the_warm_up_are_not_counted() -> None:
    """One measured week after a long warm-up: each specialist place holds one episode with a
    session a week, so at most that many specialist pairs can come from the measured week (with
    the warm-up's counted, several times as many)."""
    model, _ = run({"care_model": "assess_do_refer", "time": {"weeks": 1, "warmup_weeks": 40}})
    contacts = model.district.records.contacts
    front_line = contacts.front_line.pairs()[0].size
    specialist_pairs = contacts.professionals.pairs()[0].size - front_line
    places = sum(service.slots for service in model.services)
    assert 0 < specialist_pairs <= places


def test_nobody_is_referred_to_a_service_with_no_places() -> None:
    """Not at assessment, not at the end of a short episode, not sent again: a list that never
    moves would hold people who then give up, lose trust and are sent back to it."""
    closed = {"specialists": {"housing": {"capacity_slots_per_1000_citizens": 0}}}
    scenario = validate_data(merge(DISTRICT, {"care_model": "assess_do_refer", **closed}), "<t>")
    model = simulate(scenario, seed=4, replication=0, journeys=True)
    housing = model.config.needs.domains.index("housing")
    assert not model.services[housing].open
    citizens = model.citizens
    assert not citizens.spec_state[: citizens.n, housing].any()
    journeys = model.journeys.frame(model.config.needs.domains)
    assert (journeys["kind"] == "referred").any()
    assert not ((journeys["kind"] == "referred") & (journeys["service"] == "housing")).any()


def test_a_return_after_step_down_carries_the_relationship_only_when_it_is_meant_to() -> None:
    """The method takes people back to the worker who knows them; the `as_new` check keeps the
    step-downs (and so the places they free) and carries nothing across the return."""

    def stepped_down_and_back(mode: str) -> tuple[CareModel, int]:
        extra = {"liberated": {"step_down_stable_weeks": 4, "return_after_step_down": mode}}
        model = CareModel(validate_data(merge(DISTRICT, extra), "<test>"), seed=4)
        for _ in range(60):
            model.step()
        events = model.journeys.frame(model.config.needs.domains)
        ends = ["stepped_down", "disengaged", "abandoned_wait", "returned_to_same_worker"]
        events = events[events.kind.isin(ends)].reset_index(drop=True)
        before = events.groupby("citizen").kind.shift()
        back = (events.kind == "returned_to_same_worker") & (before == "stepped_down")
        return model, int(back.sum())

    method, back_method = stepped_down_and_back("known_worker")
    ablated, back_ablated = stepped_down_and_back("as_new")
    assert back_method > 0 and back_ablated == 0, (back_method, back_ablated)
    for model, carried in ((method, True), (ablated, False)):
        citizens = model.citizens
        away = np.flatnonzero(citizens.pathway[: citizens.n] == Pathway.STEPPED_DOWN)
        assert away.size > 20, away.size
        known = citizens.known_by[away] >= 0
        assert known.mean() > 0.9 if carried else not known.any()
        assert (citizens.depth[away] > 0).any() == carried
        assert (citizens.last_worker[away] >= 0).all() == carried


def test_a_referral_waits_for_its_paperwork_only_when_it_is_meant_to() -> None:
    """Calibrated, a referral goes even when no duty worker has the hours for its paperwork
    (and one sent again costs none); with `waits` every referral sent has its paperwork
    written in that week's hours, and those that found none are put off."""
    paperwork = 2.0
    extra = {
        "care_model": "assess_do_refer",
        "workforce": {"workers": 2, "caseload_cap": 25},
        "referral_friction": 0.8,
        "assess_do_refer": {"referral_paperwork_hours": paperwork},
        "time": {"weeks": 60, "warmup_weeks": 1},
    }

    def weeks(mode: str) -> tuple[list[float], list[float], float]:
        data = merge(DISTRICT, merge(extra, {"assess_do_refer": {
            "referral_without_paperwork_hours": mode}}))  # fmt: skip
        model = CareModel(validate_data(data, "<test>"), seed=4)
        written, sent = [], []
        for _ in range(60):
            before = model.tally["referrals"]
            model.step()
            written.append(float(model.workforce.hours["referral"].sum()))
            sent.append(paperwork * (model.tally["referrals"] - before))
        # the tally counts from the end of the one-week warm-up
        return written[1:], sent[1:], model.tally["referrals_deferred"]

    written, sent, deferred = weeks("waits")
    assert sum(sent) > 0 and deferred > 0
    assert written == pytest.approx(sent)
    written, sent, deferred = weeks("sent")
    assert deferred == 0
    assert sum(written) < 0.9 * sum(sent), (sum(written), sum(sent))


def a_week_at_depth(depth: float, liberated: str, relationship: str) -> CareModel:
    """A district run 30 weeks as bundled, then one more week with every relationship set to
    `depth` and the two depth switches as given. Attendance does not depend on depth here, so
    each week's contacts are the same whatever the depth."""
    extra = {"help_seeking": {"attendance_per_depth": 0.0}}
    model = CareModel(validate_data(merge(DISTRICT, extra), "<test>"), seed=4)
    for _ in range(30):
        model.step()
    config = model.config
    model.apply_policy(
        config.model_copy(
            update={
                "liberated": config.liberated.model_copy(
                    update={"contact_effect_with_depth": liberated}
                ),
                "relationship": config.relationship.model_copy(
                    update={"disclosure_with_depth": relationship}
                ),
            }
        )
    )
    model.citizens.depth[: model.citizens.n] = depth
    model.step()
    return model


def test_a_flat_contact_effect_takes_depth_out_of_what_contact_achieves() -> None:
    """With the contact effect flat, a week's contacts do exactly as much for people known well
    as for strangers; as fitted, they do far more. What people tell their worker is kept off
    depth (disclosure flat), so with both flat depth has no way left to matter."""
    deep, strangers = (a_week_at_depth(d, "flat", "flat").citizens for d in (1.0, 0.0))
    n = strangers.n
    assert deep.n == n
    np.testing.assert_array_equal(deep.support[:n], strangers.support[:n])
    np.testing.assert_array_equal(deep.knowledge[:n], strangers.knowledge[:n])
    deep, strangers = (a_week_at_depth(d, "rises", "flat").citizens for d in (1.0, 0.0))
    assert deep.support[:n].sum() > 2 * strangers.support[:n].sum()
    np.testing.assert_array_equal(deep.knowledge[:n], strangers.knowledge[:n])


def test_flat_disclosure_takes_depth_out_of_what_a_worker_learns() -> None:
    """With disclosure flat, a worker learns exactly as much of a person known well as of a
    stranger; as fitted, they learn more of the one known well. The contact effect is kept off
    depth (flat) in both."""
    deep, strangers = (a_week_at_depth(d, "flat", "flat").citizens for d in (1.0, 0.0))
    n = strangers.n
    np.testing.assert_array_equal(deep.knowledge[:n], strangers.knowledge[:n])
    deep, strangers = (a_week_at_depth(d, "flat", "rises").citizens for d in (1.0, 0.0))
    gained = deep.knowledge[:n] - strangers.knowledge[:n]
    assert (gained >= 0).all() and (gained > 0).sum() > 20, (gained > 0).sum()


def test_the_hybrid_routes_at_the_front_door_only_in_its_hours() -> None:
    """As fitted, the hybrid's routing conversation costs nobody's time: even when the front
    door has no hours for anyone, people reach its caseworkers. Routed at the front door, they
    reach them only through its screening: with no hours for it nobody does, and with hours
    the screening is booked, more people pass the front door, and caseworkers still hold
    people."""
    hybrid = {
        "care_model": "hybrid",
        "workforce": {"workers": 8, "caseload_cap": 25},
        "hybrid": {"complexity_threshold_active_needs": 2},
    }
    no_hours = {"assess_do_refer": {"assessment_hours": 40.0, "screening_hours": 40.0}}

    def held_by_caseworkers(model: CareModel) -> int:
        citizens = model.citizens
        n = citizens.n
        return int(
            ((citizens.route[:n] == Route.LIBERATED) & (citizens.pathway[:n] == Pathway.HELD)).sum()
        )

    free, _ = run(merge(hybrid, no_hours))
    costed, _ = run(merge(merge(hybrid, no_hours), {"hybrid": {"routing": "at_the_front_door"}}))
    assert held_by_caseworkers(free) > 10
    assert held_by_caseworkers(costed) == 0
    assert costed.tally["assessments"] == 0

    as_fitted, _ = run(hybrid)
    at_the_door, _ = run(merge(hybrid, {"hybrid": {"routing": "at_the_front_door"}}))
    assert held_by_caseworkers(at_the_door) > 10
    assert at_the_door.tally["assessments"] > as_fitted.tally["assessments"]
    assert at_the_door.tally["hours_assessment"] > as_fitted.tally["hours_assessment"]
