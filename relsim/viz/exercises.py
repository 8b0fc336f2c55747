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
    "continuity": 0.4,
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
            "Press +1 year twice.",
            "Open Journeys and press 'Follow someone at random' a few times.",
        ),
        "The districts start identical and the same people have the same luck every week, yet "
        "the crisis lines part once the warm-up is over: B has about a quarter fewer crises a "
        "year, while its cost so far is higher. In Journeys, one person's path under A passes "
        "through assessments, referrals and several workers; under B, mostly one name.",
    ),
    Exercise(
        "2. Tame or complex?",
        "tame versus complex problems",
        {**DEFAULTS, "demand_complexity": 0.1},
        (
            "Run two years at demand complexity 0.1 and note crises and cost so far.",
            "Set demand complexity to 0.9, press Reset, and run two years again.",
        ),
        "With one need at a time the two districts have about the same crises and A costs "
        "about half as much. With many interacting needs B has fewer crises and its cost so "
        "far drops below A's: crisis costs avoided pay for the caseworkers.",
    ),
    Exercise(
        "3. Does friction compound?",
        "feedback loops, and testing a claim against a model",
        {**DEFAULTS, "referral_friction": 0.2},
        (
            "Run to week 104.",
            "Move referral friction to 0.9 while the model runs, then run another year.",
        ),
        "The claim is that each rejected or abandoned referral brings the person back, so "
        "failure demand snowballs. Watch the lines after the dashed mark: in this model they "
        "barely move, and A's queue even shrinks as people give up waiting. Why might the "
        "snowball not appear here? (Few onward referrals; people turned away stop asking.)",
    ),
    Exercise(
        "4. A tipping point in caseloads",
        "tipping points: burnout and turnover",
        DEFAULTS,
        (
            "Run to week 104.",
            "Raise B's caseload cap from 10 to 15 while the model runs; run two more years.",
            "Reset and try 20, then 25: where does the response bend?",
        ),
        "Burnout in B jumps from almost nothing to nearly half at a cap of 15, then levels off: "
        "a knee, not a straight line. Hand-offs rise as burnt-out caseworkers leave. Crises do "
        "not rise, because the caseworker queue empties: more people are held, each less well. "
        "What would you want to measure before choosing a cap?",
    ),
    Exercise(
        "5. Continuity",
        "the relationship is the mechanism",
        {**DEFAULTS, "continuity": 0.9},
        (
            "Run to week 104 with continuity 0.9.",
            "Drop continuity to 0.1 while the model runs; run two more years.",
        ),
        "After the drop, B's hand-offs climb from none to a steady trickle and its crises "
        "rise by about a tenth, while A hardly changes: a named worker helps only while "
        "they stay, so the gap between the districts narrows.",
    ),
    Exercise(
        "6. Rationing at the front door",
        "unintended consequences: costs move, they do not vanish",
        {**DEFAULTS, "B.care_model": "assess_do_refer", "A.workers": 2, "B.workers": 6},
        (
            "Both districts are assess-do-refer: A has 2 duty workers, B has 6. Run three years.",
            "Compare 'Cost so far by payer', 'People waiting' and 'Crises per week'.",
        ),
        "A spends less of the council's money on staff, but its queue is long, more people "
        "reach crisis, and the NHS and the police pay more than the council saved: A's total "
        "cost so far ends higher than B's.",
    ),
    Exercise(
        "7. The balance question",
        "the right mix of relational and transactional",
        {**DEFAULTS, "A.care_model": "hybrid", "demand_complexity": 0.3},
        (
            "A sends people with three or more active needs to caseworkers and the rest to the "
            "front door; B gives everyone a caseworker. Run three years.",
            "Set demand complexity to 0.9, press Reset, and run three years again.",
        ),
        "At low complexity the hybrid has about the same crises for less money; at high "
        "complexity B has fewer crises and costs less. The right balance depends on who lives "
        "in the district.",
    ),
    Exercise(
        "8. Is it the model or the money?",
        "like for like: the same staff on both sides",
        {**DEFAULTS, "A.workers": 20, "B.workers": 20},
        ("Both districts get 20 workers, so staff cost is the same. Run three years.",),
        "With the caseworkers' budget, A's front door clears and its waits vanish, yet A still "
        "has more crises, several times B's hand-offs, and a higher cost so far. What does the "
        "relational model buy that more transactional capacity does not?",
    ),
)
