"""The published figures the model is held against, in two disjoint sets: fitting targets,
which the calibration uses to accept or reject parameter sets, and validation targets, held out
and compared only afterwards. Each names its source, the study's design and the estimand
computed the way the study computed it (relsim.evidence.estimands), on which configuration
(relsim.evidence.configs).

A fitting target that (almost) every parameter set meets does not constrain anything; those are
kept as context checks, reported but not used to accept parameter sets.
"""

from __future__ import annotations

from dataclasses import dataclass

from relsim.evidence.estimands import BEFORE_AFTER, COHORT, CROSS_SECTION, ROUTINE


@dataclass(frozen=True)
class Target:
    key: str
    quantity: str  # what is compared, in words
    published: str  # the figure and its source
    design: str  # the study's design (one of estimands.DESIGNS)
    estimand: str  # how the model's value is computed, in words
    config: str  # the evidence configuration it is read from
    column: str  # the metric or quantity of that configuration
    low: float
    high: float
    unit: str = ""  # "%" shares, "+%" relative changes
    beside: str | None = None  # a column shown beside it (the same people under the other model)
    proxy: str = ""  # what makes the estimand only an approximation of the study's

    def distance(self, value: float) -> float:
        """0 inside the window; outside, how far, in widths of the window; 10 for no value."""
        if value != value:  # NaN
            return 10.0
        return max(self.low - value, value - self.high, 0.0) / (self.high - self.low)

    def met(self, value: float) -> bool:
        return self.low <= value <= self.high

    def fmt(self, value: float | None) -> str:
        if value is None or value != value:
            return "no value"
        if self.unit == "%":
            return f"{100 * value:.0f} %"
        if self.unit == "+%":
            return f"{100 * value:+.0f} %"
        return f"{value:,.2f}" if abs(value) < 100 else f"{value:,.0f}"

    def window(self) -> str:
        return f"{self.fmt(self.low)} to {self.fmt(self.high)}"


HIGH = "complexity 0.9"

FITTING: tuple[Target, ...] = (
    Target(
        "adr_caseload", "Open cases per duty worker",
        "community mental-health keyworkers 21-30; children's social workers 16-18",
        ROUTINE, "mean open cases per duty worker, bundled assess-do-refer district (six posts, "
        "a policy input that is not fitted)", "adr", "mean_caseload", 16, 30,
    ),
    Target(
        "adr_turnover", "Staff turnover, front-door workers (leavers per FTE-year)",
        "children's social workers about 16 % (DfE 2023); adult social care about 30 % "
        "(Skills for Care)", ROUTINE, "leavers per FTE-year, bundled assess-do-refer district",
        "adr", "staff_turnover_per_fte_year", 0.16, 0.30, "%",
    ),
    Target(
        "lib_turnover", "Staff turnover, caseworkers (leavers per FTE-year)",
        "as above: 16-30 % a year", ROUTINE, "leavers per FTE-year, bundled Liberated district",
        "lib", "staff_turnover_per_fte_year", 0.16, 0.30, "%",
    ),
    Target(
        "entry_ae_rate", "A&E attendances per person-year of people entering support",
        "MEAM Approach evaluation: 1.2 a quarter at the start (year 5, about 4.8 a year); "
        "-0.4 a quarter was -54 % in year 3 (about 3 a year)", BEFORE_AFTER,
        f"the 'before' of the before/after: A&E in the quarter before the first week held, per "
        f"person-year, everyone first held in the measured period ({HIGH}, Liberated)",
        "lib_high", "entry_ae_rate", 3.0, 4.8,
    ),
    Target(
        "entry_arrest_rate", "Arrests per person-year of people entering support",
        "MEAM Approach evaluation year 3: -0.3 a quarter was -41 % (about 2.9 a year)",
        BEFORE_AFTER, f"arrests in the quarter before the first week held, per person-year "
        f"({HIGH}, Liberated)", "lib_high", "entry_arrest_rate", 2.3, 3.5,
    ),
    Target(
        "high_cost", "Public-service cost of the high-complexity cohort (GBP per person-year)",
        "more than £28,000 a year on joining (Fulfilling Lives evaluation, CFE Research 2021); "
        "the model's services are taken to be at least half of it", COHORT,
        f"total cost per citizen-year of the district at {HIGH} under assess-do-refer",
        "adr_high", "total_cost_per_citizen_year", 14_000, 28_000,
        proxy="a district rate stands for the cohort's cost on joining",
    ),
    Target(
        "high_deaths", "Deaths in the high-complexity cohort (per 1,000 person-years)",
        "just over 1 in 20 died during Fulfilling Lives (several years): roughly 10-20 per "
        "1,000 a year", COHORT, f"deaths per 1,000 citizen-years at {HIGH}, assess-do-refer",
        "adr_high", "deaths_per_1000_citizen_years", 10, 20,
        proxy="a district rate stands for the cohort's mortality",
    ),
    Target(
        "rereferral_12m", "Referrals that are re-referrals within 12 months",
        "22 % of referrals to children's social care are re-referrals within 12 months "
        "(DfE 2024)", ROUTINE, "of new presentations at the front door in the measured period, "
        "the share from people who presented in the 52 weeks before (bundled assess-do-refer)",
        "adr", "rereferral_12m_share", 0.15, 0.30, "%",
        proxy="children's social care stands for an adults' front door",
    ),
    Target(
        "signposting", "New requests turned away at the front door",
        "adult social care: 31 % signposted, 28 % no service (NHS Digital)", ROUTINE,
        "assessments ending in signposting (bundled assess-do-refer)", "adr",
        "signposted_share", 0.30, 0.70, "%",
    ),
)  # fmt: skip

#: Reported with the fit but not used to accept parameter sets: nearly every parameter set meets
#: them (docs/calibration.md gives the share), or a policy input decides them.
CONTEXT: tuple[Target, ...] = (
    Target(
        "lib_caseload", "People per caseworker",
        "Housing First fidelity 1:7; 'small caseloads are vital' (Fulfilling Lives)", ROUTINE,
        "mean caseload, bundled Liberated district: set by the cap, a policy input", "lib",
        "mean_caseload", 5, 12,
    ),
    Target(
        "failure_demand", "Failure demand share of demand",
        "Vanguard: 70-90 % in police and local authorities, lowest seen about 15 %", ROUTINE,
        "system-wide failure-demand share, bundled assess-do-refer district", "adr",
        "failure_demand_share", 0.15, 0.90, "%",
    ),
    Target(
        "transactional_time", "Share of staff time that is transactional",
        "'at least 25 % of a professional's time is wasted ... pushing people around the "
        "system' (Health Foundation insight piece)", ROUTINE,
        "assessment, referral, re-assessment and recording over hours worked, bundled "
        "assess-do-refer district", "adr", "share_time_transactional", 0.25, 1.0, "%",
    ),
)  # fmt: skip

VALIDATION: tuple[Target, ...] = (
    Target(
        "meam_ae_q8", "A&E attendances, quarter 8 of support against the quarter before",
        "MEAM Approach evaluation, year 5 (2022): 1.2 to 0.8 a person a quarter by quarter 8 "
        "for people supported two years or more, -37 %", BEFORE_AFTER,
        f"people first held in the measured period and still held in quarter 8 of their "
        f"support: their A&E in quarter 8 against the quarter before support ({HIGH}, "
        "Liberated); beside it, the same rows over the same weeks under assess-do-refer",
        "val_high", "meam_ae_q8", -0.50, -0.25, "+%", beside="meam_ae_q8_adr",
    ),
    Target(
        "meam_ae_q4", "A&E attendances, quarter 4 of support against the quarter before",
        "MEAM Approach evaluation, year 3: -0.4 a person a quarter, -54 %", BEFORE_AFTER,
        "as above, people still held in quarter 4, quarter 4 against the quarter before",
        "val_high", "meam_ae_q4", -0.65, -0.40, "+%", beside="meam_ae_q4_adr",
        proxy="the year-3 report's exact comparison quarters are not restated here",
    ),
    Target(
        "meam_arrests_q4", "Arrests, quarter 4 of support against the quarter before",
        "MEAM Approach evaluation, year 3: -0.3 a person a quarter, -41 %", BEFORE_AFTER,
        "as above, arrests", "val_high", "meam_arrests_q4", -0.55, -0.27, "+%",
        beside="meam_arrests_q4_adr",
        proxy="the year-3 report's exact comparison quarters are not restated here",
    ),
    Target(
        "voices_up", "People whose A&E use rose in their first year of support",
        "VOICES Stoke (n = 116, year 1): A&E up for 41 % of people", BEFORE_AFTER,
        f"people first held in the measured period and present a year later: share with more "
        f"A&E attendances in the first year of support than in the year before ({HIGH})",
        "val_high", "voices_up", 0.30, 0.52, "%", beside="voices_up_adr",
    ),
    Target(
        "voices_down", "People whose A&E use fell in their first year of support",
        "VOICES Stoke (n = 116, year 1): A&E down for 28 % of people", BEFORE_AFTER,
        "as above, share with fewer", "val_high", "voices_down", 0.18, 0.38, "%",
        beside="voices_down_adr",
    ),
    Target(
        "you_first_cost", "Crisis cost of the longest supported, first year against the year "
        "before", "You First (2016): for the 14 longest-supported, service costs fell by just "
        "under £10,000 a person a year, -20 %", BEFORE_AFTER,
        f"people still held in quarter 8 of their support: crisis costs in their first year of "
        f"support against the year before ({HIGH})", "val_high", "you_first_cost", -0.35, -0.05,
        "+%", beside="you_first_cost_adr",
        proxy="crisis costs only: the model does not count every public service by person",
    ),
    Target(
        "housing_first_3y", "Tenancies sustained three years after support began",
        "Housing First England pilots (2024 final evaluation): 84 % after three years", COHORT,
        f"people first held with an active housing need, present three years later: share "
        f"with no eviction in those three years ({HIGH})", "val_high", "housing_first_3y",
        0.75, 0.92, "%",
        proxy="no eviction while holding an active housing need stands for a tenancy kept; "
        "the model does not house people",
    ),
    Target(
        "rereferral_5y", "Referrals re-referred within five years",
        "children's social care, 2010-11 cohort: 54.5 % re-referred within five years "
        "(Troncoso 2017)", COHORT, "people with a new presentation in the first measured year: "
        "share presenting again within 260 weeks of it (bundled assess-do-refer; leavers count "
        "as not re-referred)", "val_adr", "rereferral_5y_share", 0.45, 0.65, "%",
        proxy="children's social care stands for an adults' front door",
    ),
    Target(
        "four_plus_needs", "Participants with four or more needs",
        "Changing Futures evaluation (2025): 83 % of participants had four or more of "
        "homelessness, mental health, drug or alcohol use, criminal justice, domestic abuse",
        CROSS_SECTION, f"people first held in the measured period: share with four or more of "
        f"six active needs in their first week held ({HIGH})", "val_high", "four_plus_needs",
        0.73, 0.93, "%",
        proxy="needs ever experienced against needs active now; the entrants' mean number of "
        "needs at complexity 1 (4) was itself set from this source, so agreement is weak "
        "evidence",
    ),
)  # fmt: skip


def by_key(targets: tuple[Target, ...]) -> dict[str, Target]:
    return {t.key: t for t in targets}
