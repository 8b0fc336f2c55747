"""The guided exercises of the "Things to try" panel. docs/teaching.md tells the same exercises at
more length; a test keeps the two in step (titles and settings)."""

from __future__ import annotations

from dataclasses import dataclass, replace

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
        shared = {k: v for k, v in self.settings.items() if "." not in k}
        if "citizens" in shared:
            setup = replace(setup, citizens=int(shared["citizens"]))  # type: ignore[arg-type]
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
        "The two districts start identical, week by week the same people have the same luck, yet "
        "the crisis lines part. In Journeys, compare one person's path: how many workers, "
        "assessments and referrals under A; one name under B.",
    ),
    Exercise(
        "2. Tame or complex?",
        "tame versus complex problems",
        {**DEFAULTS, "demand_complexity": 0.1},
        (
            "Run two years at complexity 0.1 and note cost so far.",
            "Press Reset, set demand complexity to 0.9, run two years again.",
        ),
        "With one need at a time, assess-do-refer reaches similar crisis numbers for far less "
        "money. With many interacting needs the gap in crises opens and the cost lines move "
        "towards each other: crisis costs start to pay for the caseworkers.",
    ),
    Exercise(
        "3. Friction compounds",
        "feedback loops: failure demand feeds itself",
        {**DEFAULTS, "referral_friction": 0.2},
        (
            "Run to week 104.",
            "Move referral friction to 0.9 while the model runs, then run another year.",
        ),
        "After the dashed line, side A's failure demand and waiting climb and keep climbing: "
        "each rejected or abandoned referral brings the person back to the front door. Side B "
        "barely moves, because its caseworkers draw specialists in instead of referring away.",
    ),
    Exercise(
        "4. A tipping point in caseloads",
        "tipping points: burnout, turnover, lost continuity",
        DEFAULTS,
        (
            "Run to week 104.",
            "Raise B's caseload cap from 10 to 25 while the model runs; run two more years.",
            "Reset and try 15, then 20: where does the response bend?",
        ),
        "Caseloads fill, utilisation hits the ceiling and burnout rises; burnt-out staff leave, "
        "their people are handed on and relationships restart. Small rises in the cap do little; "
        "past a point crises rise sharply.",
    ),
    Exercise(
        "5. Continuity",
        "the relationship is the mechanism",
        {**DEFAULTS, "continuity": 0.9},
        (
            "Run to week 104 with continuity 0.9.",
            "Drop continuity to 0.1 while the model runs; run two more years.",
        ),
        "With high turnover and handovers that keep little, B's hand-offs climb and its "
        "advantage in crises shrinks: a named worker helps only while they stay.",
    ),
    Exercise(
        "6. Rationing at the front door",
        "unintended consequences: costs move, they do not vanish",
        {**DEFAULTS, "A.workers": 3, "B.care_model": "assess_do_refer"},
        (
            "Both sides are assess-do-refer; A has half of B's duty workers. Run three years.",
            "Compare 'Cost so far by payer' and 'People waiting'.",
        ),
        "A saves on staff, but its queue grows, people present in crisis instead, and the "
        "NHS and the police pay more: the saving in one budget is spent in another.",
    ),
    Exercise(
        "7. The balance question",
        "the right mix of relational and transactional",
        {**DEFAULTS, "A.care_model": "hybrid", "B.care_model": "liberated"},
        (
            "A routes people with three or more active needs to caseworkers and the rest to the "
            "front door; B gives everyone a caseworker. Run three years.",
            "Reset with demand complexity 0.3, then 0.9.",
        ),
        "Which costs less, which has fewer crises, and does the answer depend on complexity? "
        "There is no single right balance: it depends on who lives in the district.",
    ),
    Exercise(
        "8. Is it the model or the money?",
        "like for like: the same spend on staff",
        {**DEFAULTS, "A.workers": 20, "B.workers": 20},
        ("Both sides get 20 workers, so staff cost is the same. Run three years.",),
        "Give assess-do-refer the caseworkers' budget and its front door clears, yet people "
        "with many needs still bounce between services. What does the relational model buy "
        "that more transactional capacity does not?",
    ),
)
