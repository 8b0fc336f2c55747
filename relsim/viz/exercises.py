"""The guided exercises of the "Things to try" panel. docs/teaching.md tells the same exercises at
more length; a test keeps the two in step (titles and settings)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from relsim.viz.session import Setup, preset_side


@dataclass(frozen=True)
class Exercise:
    title: str
    idea: str  # the concept from complexity or care it teaches
    settings: dict[str, object]  # control values loaded at week 0 (A./B. for one side)
    steps: tuple[str, ...]
    look_for: str

    def setup(self, current: Setup) -> Setup:
        """`current` with this exercise's settings; a side whose care model changes gets that
        model's usual workforce before its own settings are laid on."""
        setup = current
        shared: dict[str, Any] = {k: v for k, v in self.settings.items() if "." not in k}
        if "citizens" in shared:
            setup = replace(setup, citizens=int(shared["citizens"]))
        setup = replace(setup, **{k: v for k, v in shared.items() if k != "citizens"})
        for index, label in enumerate(("A", "B")):
            mine = {
                k.split(".", 1)[1]: v for k, v in self.settings.items() if k.startswith(f"{label}.")
            }
            if "care_model" in mine:
                base = preset_side(str(mine["care_model"]), setup.citizens)
                setup = setup.side(index, workers=base.workers, caseload_cap=base.caseload_cap)
            if mine:
                setup = setup.side(index, **mine)
        return setup


DEFAULTS: dict[str, object] = {
    "demand_complexity": 0.6,
    "continuity": 0.8,
    "referral_friction": 0.6,
    "citizens": 1500,
    "A.care_model": "assess_do_refer",
    "B.care_model": "liberated",
}

EXERCISES: tuple[Exercise, ...] = (
    Exercise(
        "1. Same people, two systems",
        "emergence: nobody scripts a crisis",
        DEFAULTS,
        (
            "Press +1 year three times: two years of warm-up, then one measured year.",
            "Open Journeys and press 'Follow someone at random' a few times.",
        ),
        "The districts start identical and the same people have the same luck every week, yet "
        "the crisis lines part within months and stay apart: in the measured year B has about "
        "a sixth fewer crises, while its cost so far is higher. B's caseworkers are full and "
        "about 250 people wait for one; A's front door rations and fewer wait there. In "
        "Journeys, one person's path under A passes through assessments, referrals (about half "
        "of them refused) and several workers; under B, mostly one name, or a long wait for it.",
    ),
    Exercise(
        "2. Tame or complex?",
        "tame versus complex problems",
        {**DEFAULTS, "demand_complexity": 0.1},
        (
            "Press +1 year three times at demand complexity 0.1; note crises and cost so far.",
            "Set demand complexity to 0.9, press Reset, and press +1 year three times again.",
        ),
        "With one need at a time the two districts have about the same crises and A costs "
        "little more than half as much. With many interacting needs B has about an eighth "
        "fewer crises and, from the second year on, costs about the same each year as A: the "
        "crises it avoids pay for its caseworkers, and the cost-so-far lines run together.",
    ),
    Exercise(
        "3. Does friction compound?",
        "feedback loops, and testing a claim against a model",
        {**DEFAULTS, "referral_friction": 0.2},
        (
            "Press +1 year twice, to week 104.",
            "Move referral friction to 0.9 there (a change mid-run: no Reset), then press +1 "
            "year twice more.",
            "Press Load again and press +1 year four times, to week 208, without moving the "
            "slider: compare A's and "
            "B's crises so far with the first run.",
        ),
        "The claim is that each refused or abandoned referral comes back, so failure demand "
        "and crises snowball under assess-do-refer and hardly touch the relational model. "
        "After the dashed line A's time on transactions jumps from about half to nearly two "
        "thirds, more people wait, and its crisis line pulls away from B's, slowly at first "
        "and more each month; B's lines do not move. The failure-demand chart counts only "
        "people coming back or chasing at the door and hardly moves: the refusals, drop-outs "
        "and referrals sent again further down the chain are not charted. Why does the effect "
        "take months to build?",
    ),
    Exercise(
        "4. Thresholds and legacies",
        "thresholds, tipping points and path dependence: burnout, turnover and who arrives",
        DEFAULTS,
        (
            "Press +1 year twice, to week 104.",
            "Raise B's caseload cap from 10 to 15 there (no Reset); press +1 year twice more.",
            "Press Load again, +1 year twice, set the cap to 20 and press +1 year twice more; "
            "then likewise 25, 12 and 13 (and 6): where does the response bend?",
            "Press Load, +1 year twice, set the cap to 15, +1 year once, put it back to 10 and "
            "press +1 year four times: does burnout come back down?",
            "Press Load, +1 year twice, set demand complexity to 1.0, +1 year once, put it back "
            "to 0.6 and press +1 year four times; then Load and +1 year seven times without "
            "the push: do crises come back down?",
        ),
        "B's burnout stays near nothing at a cap of 10, climbs steeply from there to 15 (about "
        "two fifths at 12, half at 13, three quarters at 15) and is only a little higher at 20 "
        "and 25: a knee, not a straight line. Each cap settles at a level of its own, and "
        "putting the cap back undoes it: burnout falls most of the way back within two years "
        "and to almost nothing by the end of the run. That is a threshold, not a tipping "
        "point in the strict sense, which would leave the system stuck in its other state "
        "after the push is taken away. Hand-offs rise as burnt-out caseworkers go off sick and "
        "leave, and B's crises rise with the cap: each caseworker holds more people and sees "
        "each of them less. B's waiting list for a caseworker empties at first, then fills "
        "again as caseworkers leave. At 6 crises rise too: too few are held. A year of "
        "complex demand is different: crises fall back after it but not all the way, to the "
        "end of the run. Nothing is stuck: the people who arrived that year came with more "
        "complex needs and keep them while they live in the district. Its memory is in its "
        "people. What would you want to measure before choosing a cap, and what in a real "
        "service might not recover when caseloads fall?",
    ),
    Exercise(
        "5. Continuity",
        "the relationship is the mechanism",
        {**DEFAULTS, "continuity": 0.9},
        (
            "Press +1 year twice, to week 104, with continuity 0.9.",
            "Drop continuity to 0.1 there (no Reset); press +1 year twice more.",
            "Press Load again and press +1 year four times, to week 208, without the drop, to "
            "compare.",
        ),
        "Continuity is workforce stability. After the drop caseworkers leave more often and "
        "short-stay agency locums cover their posts: B's hand-offs climb from about a hundred "
        "a year to several hundred, the dots in The system shrink as relationships stay "
        "shallow (the scoreboard's mean relationship depth falls), and B's crises rise by a "
        "tenth or more, its cost with them, while A hardly changes. A named worker helps only "
        "while they stay, so the gap between the districts narrows.",
    ),
    Exercise(
        "6. Rationing at the front door",
        "unintended consequences: costs move, they do not vanish",
        {**DEFAULTS, "B.care_model": "assess_do_refer", "A.workers": 2, "B.workers": 6},
        (
            "Both districts are assess-do-refer: A has 2 duty workers, B has 6. Press +1 year "
            "three times.",
            "Compare 'Cost so far by payer', 'Crises per week', 'Failure demand at the door' "
            "and the hand-offs on the scoreboard; then look at the queues in The system.",
        ),
        "A's front door cannot keep up, so it rations: it raises the bar for help and turns "
        "more people away (the app does not draw the bar; you see what it does). A spends "
        "less of the council's money, but people queue at its front door, half as many are "
        "referred on, more come back and chase, more reach crisis, and the NHS and the police "
        "pay a little more than the council saved: the two totals end about level. In The "
        "system fewer of A's people even wait for a specialist, because fewer get far enough "
        "to be referred.",
    ),
    Exercise(
        "7. The balance question",
        "the right mix of relational and transactional",
        {**DEFAULTS, "A.care_model": "hybrid", "demand_complexity": 0.3},
        (
            "A sends people with three or more active needs to its 8 caseworkers and the rest "
            "to its 5 duty workers; B gives everyone a caseworker. Press +1 year three times.",
            "Set demand complexity to 0.9, press Reset, and press +1 year three times again.",
        ),
        "At low complexity the hybrid has a few more crises than B for clearly less money. At "
        "high complexity almost everyone goes to the hybrid's few caseworkers: hundreds wait "
        "for one while its duty workers have little to do, and B has fewer crises and costs "
        "less. The right balance depends on who lives in the district, and on how the staff "
        "are split.",
    ),
    Exercise(
        "8. Is it the model or the money?",
        "like for like: the same staff on both sides",
        {**DEFAULTS, "A.workers": 20, "B.workers": 20},
        ("Both districts get 20 workers, so staff cost is the same. Press +1 year three times.",),
        "With the caseworkers' budget, nobody waits at A's front door and its staff use "
        "under a third of their case hours, yet A still has about an eighth more crises, many "
        "times B's hand-offs and a higher cost so far. What does the relational model buy "
        "that more transactional capacity does not?",
    ),
)
