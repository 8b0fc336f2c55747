"""The comparison in plain words: what changes, for whom, at what cost, who pays and who saves
(how sure we are is `relsim.report.certainty`). Every number here is a rounded copy of one in
the JSON payload."""

from __future__ import annotations

import math
from typing import Any

from relsim.commission.payers import PAYER_LABELS, SERVICE, break_even_text
from relsim.config import PAYERS
from relsim.report.formatting import money, sig

MODEL_WORDS = {
    "assess_do_refer": "assess-do-refer",
    "liberated": "the Liberated Method",
    "hybrid": "a hybrid of the two",
    "none": "no services",
}


def sides(payload: dict[str, Any], label: str) -> tuple[str, str]:
    """(other, first): the scenarios a comparison label 'OTHER - FIRST' names, read from the
    payload rather than by splitting the label (a name may hold ' - ')."""
    first = payload["scenarios"][0]["scenario"]
    for block in payload["scenarios"][1:]:
        if label == f"{block['scenario']} - {first}":
            return block["scenario"], first
    other, _, rest = label.partition(" - ")
    return other, rest


def change(summary: dict[str, Any] | None, noun: str, topic: str, scale: float = 1.0,
           amount: Any = sig, fewer: str = "fewer", more: str = "more",
           average: bool = False) -> str:  # fmt: skip
    """'about 40 fewer crisis events per 100 people a year (95 % interval 31 to 49)'. With
    `average`, a difference that is not clear still gives its mean ('on average about 870
    more'), as the break-even week of the mean curve is read beside it."""
    if not summary or summary.get("mean") is None:
        return f"{topic}: not measured"
    mean = summary["mean"] * scale
    ci = summary.get("ci95")
    if ci is None:
        direction = fewer if mean < 0 else more
        return f"about {amount(abs(mean))} {direction} {noun} (one replication: no interval)"
    low, high = ci[0] * scale, ci[1] * scale
    verdict = _verdict(summary)
    # the interval's ends to as many figures as tell them apart: at two, £10,822 to £11,393
    # read '£11,000 to £11,000'
    digits = next((d for d in (2, 3, 4) if amount(low, d) != amount(high, d)), 4)

    def end(value: float) -> str:
        return str(amount(value, digits))

    if verdict == "less":
        return f"about {amount(-mean)} {fewer} {noun} (95 % interval {end(-high)} to {end(-low)})"
    if verdict == "more":
        return f"about {amount(mean)} {more} {noun} (95 % interval {end(low)} to {end(high)})"
    mean_words = ""
    if average and mean != 0:
        mean_words = f"on average about {amount(abs(mean))} {fewer if mean < 0 else more}; "
    return (
        f"no clear difference in {topic} ({mean_words}95 % interval from {amount(-low)} {fewer} "
        f"to {amount(high)} {more})"
    )


def article(number: int) -> str:
    """'an' before a number said with a vowel first (8, 11, 18, 80-89, 800-899), else 'a'."""
    return "an" if str(number).startswith("8") or number in (11, 18) else "a"


def _people(value: Any) -> str:
    return f"{value:,}" if isinstance(value, int) else sig(value, 3)


def staff_words(resources: dict[str, Any]) -> str:
    posts = resources["posts"]
    if resources["care_model"] == "none":
        return "no front-line service"
    if not posts:
        return "no front-line posts (the care model has nobody to run it), no staff budget"
    parts = []
    if resources["caseworker_posts"]:
        count = resources["caseworker_posts"]
        over = resources.get("caseworker_return_places_over_cap")
        back = f" (up to {over} over, to take back people of theirs who return)" if over else ""
        parts.append(
            f"{count} caseworker{'s' if count != 1 else ''} holding up to "
            f"{resources['caseworker_caseload_cap']} people each{back}"
        )
    if resources["duty_worker_posts"]:
        count = resources["duty_worker_posts"]
        parts.append(
            f"{count} duty worker{'s' if count != 1 else ''} with up to "
            f"{resources['duty_worker_caseload_cap']} open cases each"
        )
    budget = resources["staff_budget_gbp_per_year"]
    return f"{posts} posts ({' and '.join(parts)}), a staff budget of {money(budget, 3)} a year"


def _ratio_words(first: float, other: float, name: str) -> str:
    """The staff budget `other` against `first`'s, scenario `name`'s, in words."""
    if first <= 0 or other <= 0:
        return ""
    ratio = other / first
    if abs(ratio - 1) < 0.005:
        return f"the same staff budget as {name}"
    if ratio > 1:
        return f"{sig(ratio, 2)} times the staff budget of {name}"
    return f"{sig(100 * ratio, 2)} % of the staff budget of {name}"


#: a service is said to work at its limit when its workers cannot find more than this share of
#: the hours asked of them, or people wait longer than this on average: its results are then
#: those of too few posts for the demand as much as of its way of working
UNMET_HOURS_LIMIT = 0.25
WAIT_LIMIT_WEEKS = 13.0


def at_its_limit(block: dict[str, Any]) -> str | None:
    """'working at its limit: ...' for a scenario whose service is full, else None."""
    metrics = block.get("metrics") or {}
    unmet = (metrics.get("unmet_hours_share") or {}).get("mean")
    wait = (metrics.get("mean_wait_weeks") or {}).get("mean")
    if unmet is None or wait is None:
        return None
    if unmet <= UNMET_HOURS_LIMIT and wait <= WAIT_LIMIT_WEEKS:
        return None
    return (
        f"working at its limit: {unmet:.0%} of the hours asked of its workers were not found "
        f"and people waited {wait:.0f} weeks on average, so its results are those of this "
        "number of posts as much as of its way of working (relsim frontier compares sizes)"
    )


def resources_paragraph(payload: dict[str, Any]) -> list[str]:
    blocks = payload["scenarios"]
    first = blocks[0]
    reference = first["resources"]["staff_budget_gbp_per_year"]
    lines = []
    for block in blocks:
        found = block["resources"]
        line = f"{block['scenario']} ({MODEL_WORDS.get(found['care_model'], '?')}): "
        line += staff_words(found)
        ratio = _ratio_words(reference, found["staff_budget_gbp_per_year"], first["scenario"])
        if block is not first and ratio:
            line += f"; {ratio}"
        full = at_its_limit(block)
        if full:
            line += f"; {full}"
        lines.append(line + ".")
    spend = payload.get("equal_spend")
    if spend:
        basis = (
            "staff budget"
            if spend["basis"] == "staff"
            else "service spend (as run, sized by trial)"
        )
        sized = "; ".join(
            f"{row['scenario']} {row['workers_before']} -> {row['workers']} posts"
            + (
                f" ({money(row['spend_gbp_per_citizen_year'], 3)})"
                if spend["basis"] == "service" and row["spend_gbp_per_citizen_year"] is not None
                else ""
            )
            for row in spend["scenarios"][1:]
            if not row["note"]
        )
        unsized = [row["scenario"] for row in spend["scenarios"][1:] if row["note"]]
        as_written = (
            f"{', '.join(unsized)} {'has' if len(unsized) == 1 else 'have'} no services to size "
            "and " + ("is" if len(unsized) == 1 else "are") + " compared as written, not at "
            "equal spend."
        )
        if not sized:
            lines.append(f"Equal spend: nothing was sized. {as_written}")
            return lines
        lines.append(
            f"Equal spend: every workforce was sized so that its {basis} matches "
            f"{spend['reference']}'s, {money(spend['target_gbp_per_citizen_year'], 3)} per "
            f"citizen-year, to the nearest whole post ({sized})."
            + (f" {as_written}" if unsized else "")
        )
    return lines


def _saves_or_spends(payer: str, saving: float, ci: list[float]) -> str | None:
    """'NHS saves about £700' or 'NHS spends about £1,700 more' where the saving's interval
    is clear of zero; None where it is not."""
    if ci[0] > 0:
        return f"{PAYER_LABELS[payer]} saves about {money(saving)}"
    if ci[1] < 0:
        return f"{PAYER_LABELS[payer]} spends about {money(-saving)} more"
    return None


def _who_saves(data: dict[str, Any]) -> str:
    saves: list[str] = []
    pays: list[str] = []
    for payer, entry in data["payers"].items():
        if payer == "system":
            continue
        summary = entry["saving_gbp_per_citizen_year"]
        ci = summary.get("ci95")
        mean = summary.get("mean")
        if mean is None or ci is None:
            continue
        said = _saves_or_spends(payer, mean, ci)
        if said:
            (saves if ci[0] > 0 else pays).append(said)
    service = [w for w in pays + saves if w.startswith(PAYER_LABELS[SERVICE])]
    bodies = [w for w in pays + saves if w not in service]
    if service and bodies:
        # the bodies' lines leave out the service they pay for: "council saves" read as its
        # whole bill saving, beside a service it pays for
        return (
            f"Per person a year, {service[0]}; on their other costs (the service apart), "
            f"{'; '.join(bodies)}."
        )
    words = "; ".join(pays + saves)
    return f"Per person a year, {words}." if words else "No payer's spending clearly changes."


def _each_body_in_all(diffs: dict[str, Any]) -> str | None:
    """Each public body's whole bill, the service it pays for included (workforce.payer,
    liberated.budget_payer): read beside the line above, a body paying for a dearer service
    that 'saves' on its other costs was taken to save."""
    changes = []
    clear = False
    for payer in PAYERS:
        summary = diffs.get(f"cost_{payer}_per_citizen_year") or {}
        ci, mean = summary.get("ci95"), summary.get("mean")
        if mean is None or ci is None:
            continue
        # a cost difference (the other side's minus the first's) is a saving negated
        said = _saves_or_spends(payer, -mean, [-ci[1], -ci[0]])
        clear = clear or said is not None
        # a body left out read as one not asked about, after the line above named it
        changes.append(
            said
            or f"{PAYER_LABELS[payer]}: no clear change ({money(-ci[1])} to {money(-ci[0])} saved)"
        )
    if not clear:
        return None
    return (
        "Each public body's whole bill, counting the service with the body that pays for it: "
        f"{'; '.join(changes)}."
    )


def comparison_paragraph(payload: dict[str, Any], label: str) -> list[str]:
    """Bullet points for one comparison ('B - A')."""
    diffs = payload["differences"][label]
    other, first = sides(payload, label)
    per100 = "per 100 people a year"
    noun = f"crisis events {per100}"
    crises = change(diffs.get("crisis_events_per_citizen_year"), noun, noun, 100)
    noun = f"A&E attendances {per100}"
    ae = change(diffs.get("crisis_ae_per_citizen_year"), noun, noun, 100)
    noun = f"arrests or custody episodes {per100}"
    police = change(diffs.get("crisis_police_per_citizen_year"), noun, noun, 100)
    per_person = diffs.get("total_cost_per_citizen_year")
    cost = change(
        per_person,
        "per person a year",
        "total cost per person a year",
        1,
        money,
        fewer="less",
        average=True,
    )
    bullets = [
        f"Crisis demand: {crises}.",
        f"A&E: {ae}; police: {police}.",
        f"Total cost to the public purse: {cost}, each side's spending divided by its own "
        "people present.",
    ]
    payers = (payload.get("payers") or {}).get(label)
    if payers:
        bullets.append(_who_saves(payers))
        whole_bills = _each_body_in_all(diffs)
        if whole_bills:
            bullets.append(whole_bills)
        system = payers["payers"].get("system")
        if system:
            bullets.append(
                f"Break-even for the whole system, from the start of the measured period "
                f"{measured_period(payload)}: {break_even_text(system, payers['weeks'])}. "
                + district_spending(system, f"the {payers['weeks']} measured weeks", other, first)
                + counted_apart(payload, per_person, system, other, first)
            )
    transition = (payload.get("transition") or {}).get("comparisons", {}).get(label)
    if transition:
        system = transition["payers"]["system"]
        weeks = payload["transition"]["overlap_weeks"]
        bullets.append(
            f"Counting the change itself (both launched on day one, both teams paid for {weeks} "
            "weeks), break-even for the whole system: "
            f"{break_even_text(system, transition['weeks'])}. "
            + district_spending(
                system,
                f"the {transition['weeks']} weeks from launch, double running included",
                other,
                first,
            )
        )
    # 'about 1 week less in the mean completed wait', not 'about 1 fewer weeks'
    wait = change(
        diffs.get("mean_wait_weeks"), "in the mean completed wait", "the mean completed wait",
        1, _weeks, fewer="less", more="more",
    )  # fmt: skip
    bullets.append(f"Waiting (front door, allocation, caseworker, specialist): {wait}.")
    caseload, burnout = diffs.get("mean_caseload"), diffs.get("mean_burnout")
    if (caseload or {}).get("mean") is not None and (burnout or {}).get("mean") is not None:
        bullets.append(
            f"Staff ({other} against {first}): {_staff_change(caseload, 'fewer', 'open cases')} "
            f"per worker, and {_staff_change(burnout, 'lower', 'burnout', before=True)} on a "
            "0-1 scale."
        )
    return bullets


def _weeks(value: float, digits: int = 2) -> str:
    """'1 week', '2.5 weeks', '0.8 weeks'."""
    shown = sig(value, digits)
    return f"{shown} week" if shown == "1" else f"{shown} weeks"


def _verdict(summary: dict[str, Any] | None) -> str | None:
    """'more', 'less' or 'unclear' as an interval says; None without one."""
    ci = (summary or {}).get("ci95")
    if summary is None or summary.get("mean") is None or ci is None:
        return None
    if ci[0] > 0:
        return "more"
    if ci[1] < 0:
        return "less"
    return "unclear"


def _district_extra(system: dict[str, Any]) -> dict[str, Any]:
    """The whole system's cumulative saving turned round: what `other` spends beyond `first`
    over the weeks, in the district's pounds."""
    saving = system.get("cumulative_saving_gbp") or {}
    mean, ci = saving.get("mean"), saving.get("ci95")
    return {
        "mean": None if mean is None else -mean,
        "ci95": None if ci is None else [-ci[1], -ci[0]],
    }


def district_spending(system: dict[str, Any], period: str, other: str, first: str) -> str:
    """The pounds a break-even week is read from, in the words of the cost per person: 'The
    whole district's spending over the 260 measured weeks, liberated against baseline: about
    £13m more in all (95 % interval £58,000 to £19m).' Where that is not clear it still gives
    the mean, as the break-even week beside it is the mean curve's."""
    extra = _district_extra(system)
    if extra["mean"] is None:
        return ""
    found = change(extra, "in all", "the district's spending", 1, money, fewer="less", average=True)
    return f"The whole district's spending over {period}, {other} against {first}: {found}."


def counted_apart(
    payload: dict[str, Any],
    per_person: dict[str, Any] | None,
    system: dict[str, Any],
    other: str,
    first: str,
) -> str:
    """Why the cost per person and the district's pounds can disagree, said where they do:
    one divides each side's spending by its own people present, the other does not."""
    person, district = _verdict(per_person), _verdict(_district_extra(system))
    if person is None or district is None or person == district:
        return ""
    said = {
        "unclear": "not clear",
        "more": f"clear ({other} spends more)",
        "less": f"clear ({other} spends less)",
    }
    present: dict[str, float] = {}
    for block in payload["scenarios"]:
        mean = ((block.get("district") or {}).get("citizens_present") or {}).get("mean")
        if mean is not None:
            present[block["scenario"]] = float(mean)
    people = ""
    if first in present and other in present:
        people = (
            f" (about {round(present[first]):,} under {first} and "
            f"{round(present[other]):,} under {other})"
        )
    return (
        f" Per person a year the difference is {said[person]}; for the whole district it is "
        f"{said[district]}. The two are counted differently: per person divides each side's "
        f"spending by its own people present{people}; the district's pounds are all that is "
        "spent, however many people there are."
    )


def _staff_change(summary: dict[str, Any], less: str, noun: str, before: bool = False) -> str:
    """'6.5 fewer open cases', 'burnout 0.30 lower', or, where the difference's interval
    includes none, 'no clear difference in burnout' ('burnout 0.036 higher' stood beside an
    interval from 0.009 lower to 0.080 higher)."""
    if _verdict(summary) == "unclear":
        return f"no clear difference in {noun}"
    change = _more_or_fewer(summary["mean"], less)
    return f"{noun} {change}" if before else f"{change} {noun}"


def _more_or_fewer(value: float, less: str) -> str:
    """'6.5 fewer', '0.30 lower', '2 more', 'no change' (words, where '-6.5' read as a
    typo)."""
    if not math.isfinite(value):
        return "-"
    if value == 0:
        return "no change"
    more = {"fewer": "more", "lower": "higher"}[less]
    return f"{sig(abs(value), 2)} {less if value < 0 else more}"


def _checks(payload: dict[str, Any]) -> list[bool | None]:
    """Each scenario's steady-state check: True (its warm-up covers its transient), False, or
    None (its runs too short to tell)."""
    return [
        block.get("provenance", {}).get("steady_state", {}).get("warmup_covers_mser5", True)
        for block in payload["scenarios"]
    ]


def settled(payload: dict[str, Any]) -> bool:
    """Whether every scenario's warm-up covers its transient (the manifest's steady-state
    check): what is said of 'the steady state' holds only then."""
    return all(check is True for check in _checks(payload))


def measured_period(payload: dict[str, Any]) -> str:
    """Where the measured period starts, said only as far as the steady-state check allows."""
    if settled(payload):
        return "in the steady state"
    if False in _checks(payload):
        return "(after the warm-up, before every district had settled: see the warning)"
    return "(after the warm-up; too short to tell whether it had settled: see the warning)"


def district_sentence(payload: dict[str, Any]) -> str:
    first = payload["scenarios"][0]
    resources = first["resources"]
    provenance = first["provenance"]
    weeks = first.get("district", {})
    present = (weeks.get("citizens_present") or {}).get("mean")
    steady = provenance.get("steady_state", {})
    warmup = steady.get("warmup_weeks")
    text = (
        f"A district of {_people(resources['citizens'])} people with multiple needs"
        + (f" (about {_people(round(present))} present at a time)" if present else "")
        + f", {sig(resources['arrivals_per_week'] or 0, 2)} arriving a week"
    )
    if warmup is not None:
        text += f", measured after {article(warmup)} {warmup}-week warm-up"
    return text + "."
