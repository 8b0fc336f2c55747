"""The specialist services' week is worked out for all services at once, but must be what each
service would do in turn, in domain order: these set up one week by hand and check the cases
where that order matters or where two ends of an episode could meet. Last, what a policy change
mid-run does to the services and the posts."""

from __future__ import annotations

import numpy as np
import pytest

from relsim.agents.specialist_week import specialists_week
from relsim.citizens import Route, SpecialistState
from relsim.config import validate_data
from relsim.district import Week
from relsim.model import CareModel

DISTRICT = {
    "care_model": "assess_do_refer",
    "population": {"citizens": 300},
    "time": {"weeks": 4, "warmup_weeks": 0},
    "assess_do_refer": {"waiting_dropout_per_week": 0.2, "discharge_trust_change": -0.2},
}


def quiet_week(model: CareModel) -> Week:
    """A week after one step, with every service's standings cleared and nobody coming to a
    session, leaving a list or anything else by chance (the draws are set by each test)."""
    model.step()
    citizens = model.citizens
    n = citizens.n
    citizens.spec_state[:n] = SpecialistState.NONE
    week = Week(model.week + 1, True, n)
    week.attendance_p = np.zeros(n, dtype=np.float32)
    week.specialist_attendance_draw = np.full(n, 0.5, dtype=np.float32)
    week.dropout_draw = np.ones(n, dtype=np.float32)
    return week


def kinds_of(model: CareModel, row: int) -> list[str]:
    journeys = model.journeys.frame(model.config.needs.domains)
    citizen = int(model.citizens.ids_of(np.array([row]))[0])
    return [str(kind) for kind in journeys.loc[journeys["citizen"] == citizen, "kind"]]


def test_a_last_session_missed_past_the_limit_is_a_discharge_not_also_a_completed_episode() -> None:
    model = CareModel(validate_data(DISTRICT, "<test>"), seed=3)
    week = quiet_week(model)
    citizens = model.citizens
    limit = model.config.assess_do_refer.max_missed_sessions
    rows = np.array([5, 9])
    for row, domain in zip(rows, (0, 3), strict=True):
        citizens.spec_state[row, domain] = SpecialistState.EPISODE
        citizens.spec_sessions_left[row, domain] = 1  # this week's is the last
        citizens.spec_missed[row, domain] = limit  # and missing it passes the limit
    before = model.tally.this_week("specialist_discharges_non_attendance")
    specialists_week(model.services, model.district, week)
    assert model.tally.this_week("specialist_discharges_non_attendance") - before == 2
    for row in rows:
        ends = [k for k in kinds_of(model, int(row)) if k.startswith(("discharged", "specialist"))]
        assert ends == ["discharged_non_attendance"], ends
        assert not citizens.spec_state[row].any()


def test_a_discharge_by_one_service_moves_the_chance_of_leaving_a_later_ones_list() -> None:
    """Trust falls at a discharge, and a waiting list is left with a chance that grows as
    trust falls: someone discharged by the first service this week is more likely to leave the
    fourth one's list the same week than they were when the week began."""
    model = CareModel(validate_data(DISTRICT, "<test>"), seed=3)
    week = quiet_week(model)
    citizens = model.citizens
    row, limit = 7, model.config.assess_do_refer.max_missed_sessions
    citizens.trust[row] = 0.5
    citizens.need[row] = 0.0  # one active need: no extra chaos
    citizens.need[row, 3] = 0.9
    citizens.spec_state[row, 0] = SpecialistState.EPISODE
    citizens.spec_sessions_left[row, 0] = 4
    citizens.spec_missed[row, 0] = limit
    citizens.spec_state[row, 3] = SpecialistState.WAITING
    citizens.spec_since[row, 3] = week.number
    dropout = model.config.assess_do_refer.waiting_dropout_per_week
    # between the chance at the week's first trust (0.5) and at the trust after the discharge
    week.dropout_draw[row] = dropout * (1 - 0.5) + 0.01
    specialists_week(model.services, model.district, week)
    assert citizens.trust[row] < 0.5 - 0.01 / dropout
    assert "dropped_out" in kinds_of(model, row)
    assert citizens.spec_state[row, 3] != SpecialistState.WAITING


def test_a_wait_ended_by_a_refusal_is_counted_from_the_referral() -> None:
    """Someone re-assessed and refused has waited from their referral to that re-assessment,
    whether or not the referral is then sent again (which is dated in a column of its own)."""
    district = {**DISTRICT, "assess_do_refer": {"rereferral_probability": 1.0}}
    model = CareModel(validate_data(district, "<test>"), seed=3)
    week = quiet_week(model)
    citizens, row = model.citizens, 11
    citizens.need[row, 2] = 0.0  # below any acceptance threshold: refused at re-assessment
    citizens.spec_state[row, 2] = SpecialistState.WAITING
    citizens.spec_since[row, 2] = week.number - 5
    tally = model.tally
    before = tally.this_week("wait_weeks_specialist"), tally.this_week("waits_specialist")
    specialists_week(model.services, model.district, week)
    assert tally.this_week("rejected_at_reassessment") == 1
    assert citizens.spec_state[row, 2] == SpecialistState.REREFERRAL_DUE
    assert tally.this_week("waits_specialist") - before[1] == 1
    assert tally.this_week("wait_weeks_specialist") - before[0] == 5
    assert citizens.spec_since[row, 2] == week.number - 5  # still the referral's week
    delay = model.config.assess_do_refer.rereferral_delay_weeks
    assert citizens.spec_resend_week[row, 2] == week.number + delay


def test_a_policy_change_to_a_services_rules_moves_its_places_hours_and_exclusions() -> None:
    before = validate_data(DISTRICT, "<test>")
    after = validate_data(
        {
            **DISTRICT,
            "specialists": {
                "mental_health": {
                    "capacity_slots_per_1000_citizens": 40.0,
                    "session_hours": 2.0,
                    "excludes_if_active": [],
                },
                "housing": {"excludes_if_active": ["safety", "money"]},
            },
        },
        "<test>",
    )
    running = CareModel(before, seed=3)
    running.step()
    running.apply_policy(after)
    fresh = CareModel(after, seed=3)
    for changed, built in zip(running.district.services, fresh.district.services, strict=True):
        assert changed.rules == built.rules
        assert (changed.slots, changed.hours_per_slot, changed.capacity_hours) == (
            built.slots,
            built.hours_per_slot,
            built.capacity_hours,
        )
        assert changed.exclusion_domains.tolist() == built.exclusion_domains.tolist()
    mental_health = running.district.services[before.needs.domains.index("mental_health")]
    assert mental_health.slots == 12 and mental_health.exclusion_domains.size == 0


def test_a_running_hybrid_keeps_its_split_of_posts_and_takes_new_caps_by_role() -> None:
    hybrid = {**DISTRICT, "care_model": "hybrid", "workforce": {"workers": 10}}
    model = CareModel(validate_data(hybrid, "<test>"), seed=3)
    model.step()
    roles = model.workforce.role.copy()
    moved = {**hybrid, "hybrid": {"caseworker_share_of_workforce": 0.8}}
    with pytest.raises(ValueError, match="caseworker_share_of_workforce"):
        model.apply_policy(validate_data(moved, "<test>"))
    capped = {
        **hybrid,
        "hybrid": {"caseworker_caseload_cap": 7},
        "workforce": {"workers": 10, "caseload_cap": 21},
    }
    model.apply_policy(validate_data(capped, "<test>"))
    assert (model.workforce.role == roles).all()
    expected = np.where(roles == Route.LIBERATED, 7, 21)
    assert model.workforce.cap.tolist() == expected.tolist()


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"seed": 99}, "seed"),
        ({"time": {"weeks": 10, "warmup_weeks": 2}}, "time.weeks"),
        ({"time": {"weeks": 8, "warmup_weeks": 4}}, "time.warmup_weeks"),
    ],
)
def test_a_running_district_refuses_a_new_seed_horizon_or_warm_up(change, named) -> None:
    """The streams are seeded, and the measured period and the last week set, when the run
    starts: a change would not apply, or would measure weeks the horizon does not cover."""
    data = {**DISTRICT, "time": {"weeks": 8, "warmup_weeks": 2}}
    model = CareModel(validate_data(data, "<test>"), seed=3)
    model.step()
    with pytest.raises(ValueError, match=named.replace(".", r"\.")):
        model.apply_policy(validate_data({**data, **change}, "<test>"))
    assert model.config.time.weeks == 8 and model.config.time.warmup_weeks == 2
