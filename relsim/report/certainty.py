"""How sure the comparison is, in plain words: what its intervals carry and leave out, what a
weekly band is, and where overlapping intervals still hide a clear difference. Every number
here is a rounded copy of one in the JSON payload."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from relsim.evidence.intervals import few_sets
from relsim.report.formatting import sig
from relsim.report.words import sides


def overlap_note(payload: dict[str, Any], metrics: Sequence[str], labels: Mapping[str, str]) -> str:
    """Where the two sides' intervals overlap but the paired difference is clear: said, so that
    overlapping intervals are not read as 'no difference'. Empty when there is no such case."""
    blocks = {b["scenario"]: b["metrics"] for b in payload["scenarios"]}
    found = []
    for label, differences in (payload.get("differences") or {}).items():
        other, first = sides(payload, label)
        names = []
        for metric in metrics:
            ci = (differences.get(metric) or {}).get("ci95")
            a = (blocks.get(first, {}).get(metric) or {}).get("ci95")
            b = (blocks.get(other, {}).get(metric) or {}).get("ci95")
            if not (ci and a and b) or ci[0] <= 0 <= ci[1]:
                continue
            if a[0] <= b[1] and b[0] <= a[1]:
                names.append(labels.get(metric, metric))
        if names:
            found.append(
                f"{other} against {first}: the two sides' intervals overlap, yet the paired "
                f"difference is clear, for {'; '.join(names)}."
            )
    if not found:
        return ""
    return (
        f"{' '.join(found)} Each side's interval holds the spread both sides share (the same "
        "citizens, luck and parameter sets); pairing takes it away, so whether a difference is "
        "clear is read from the difference's own interval, not from whether the sides' overlap."
    )


def band_words(payload: dict[str, Any]) -> tuple[str, str]:
    """What a weekly line and its band are, in the comparison's kind of interval: a short form
    for a figure's title and a sentence for its caption."""
    interval = payload.get("interval") or {}
    if interval.get("kind") == "parameters and chance":
        sets = interval.get("parameter_sets")
        return (
            f"mean over {sets} parameter sets, central 95 % of them",
            f"the line is the mean over the {sets} parameter sets drawn from the calibrated "
            "ensemble, the band the central 95 % of the sets' weekly means (parameters and "
            "chance)",
        )
    reps = payload.get("reps")
    return (
        f"mean over {reps} replications, 95 % interval",
        f"the line is the mean over {reps} replications, the band its 95 % interval (chance only)",
    )


#: the held-out validation record of this version of the model (docs/validation.md, whose counts
#: a test keeps this in step with): how far its answers can be trusted beyond the intervals
VALIDATION_RECORD = {"targets": 9, "agree": 2, "within_uncertainty": 2, "disagree": 5}


def validation_sentence() -> str:
    record = VALIDATION_RECORD
    return (
        f"Against {record['targets']} published figures held out from its calibration "
        f"(docs/validation.md), the model agrees with {record['agree']}, is within uncertainty "
        f"of {record['within_uncertainty']} and disagrees with {record['disagree']}; those it "
        "misses on what relational support achieves (A&E falls further, and for more people, "
        "than the studies found) point towards the Liberated Method, so where it comes out "
        "ahead its advantage is more likely overstated than understated"
    )


def _distinct_words(payload: dict[str, Any]) -> str:
    """' (6 of them distinct: ...)' when the draw, with replacement and by weight, took a
    member more than once (every share "of sets" counts it each time)."""
    blocks = payload.get("scenarios") or [{}]
    drawn = ((blocks[0].get("provenance") or {}).get("ensemble") or {}).get("members_drawn")
    if not isinstance(drawn, list) or len(set(drawn)) == len(drawn):
        return ""
    return (
        f" ({len(set(drawn))} of them distinct: members are drawn with replacement, in "
        "proportion to their weights, and each share of sets counts a member as often as it "
        "was drawn)"
    )


def certainty_paragraph(payload: dict[str, Any]) -> str:
    reps = payload["reps"]
    counts = payload.get("assumptions") or {}
    share = counts.get("share")
    interval = payload.get("interval") or {}
    if interval.get("kind") == "parameters and chance":
        text = (
            f"Intervals carry parameter uncertainty as well as chance: {reps} paired "
            f"run{'' if reps == 1 else 's'} over {interval.get('parameter_sets')} parameter "
            f"set{'' if interval.get('parameter_sets') == 1 else 's'} drawn from the calibrated "
            f"ensemble{_distinct_words(payload)}, "
            "each scenario meeting the same citizens with the same luck and the same parameters; "
            "each interval is the central 95 % of the parameter sets' results"
        )
        sets = few_sets(interval)
        if sets:
            text += (
                f"; with only {sets} sets, each end lies between the two lowest (or the two "
                f"highest) of their {sets} results, so one set may fall outside an interval, "
                "even on the other side of zero: the spread of the sets tried rather than a "
                "measured 95 %, and more sets (--ensemble N) make it steadier"
            )
        text += ". They still leave out what the calibration did not vary"
    else:
        text = (
            f"Intervals show chance only: {reps} paired replication{'' if reps == 1 else 's'}, "
            "each scenario meeting the "
            "same citizens with the same luck; an interval of a measure that cannot be "
            "negative (a count, a cost, a share) stops at zero, where a t-interval over few "
            "runs of something rare would reach below it. They leave out uncertainty in the "
            "model's parameters"
        )
    if share is not None:
        # a sentence of its own: after "what the calibration did not vary" the count read as
        # the number of parameters it left out
        text += (
            f". Of its {counts['parameters']} behavioural parameters, {counts['assumptions']} "
            f"({sig(100 * share, 2)} %) rest on assumption rather than a direct source"
        )
    sensitivity = payload.get("sensitivity") or {}
    if sensitivity.get("available"):
        ranked: dict[str, list[dict[str, Any]]] = sensitivity.get("top", {})
        top = ranked.get("crisis_events_per_citizen_year") or next(iter(ranked.values()), [])
        names = ", ".join(entry["parameter"] for entry in top[:3])
        of = "the difference " if sensitivity.get("difference") else ""
        text += f". A sensitivity analysis of {of}{sensitivity['scenario']} ranks first {names}"
    else:
        text += (
            ". No sensitivity analysis was supplied, so which of them matter most is not known here"
        )
    return f"{text}. {validation_sentence()}."
