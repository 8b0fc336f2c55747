"""The tables of a comparison, built once from its JSON payload (and the weekly bands), so that
the HTML report, the workbook and the results directory show the same numbers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from relsim.commission.payers import PAYER_LABELS
from relsim.commission.resources import RESOURCE_FIELDS
from relsim.metrics import CONTRACT_METRICS, UNITS

if TYPE_CHECKING:
    from relsim.commission.analysis import Analysis

#: the measures a board reads first, in this order
HEADLINE: tuple[str, ...] = (
    "crisis_events_per_citizen_year",
    "crisis_ae_per_citizen_year",
    "crisis_mh_crisis_per_citizen_year",
    "crisis_police_per_citizen_year",
    "crisis_eviction_per_citizen_year",
    "total_cost_per_citizen_year",
    "staff_cost_per_citizen_year",
    "crisis_cost_per_citizen_year",
    "share_citizens_stable",
    "mean_wait_weeks",
    "failure_demand_share",
)
STAFF_LOAD: tuple[str, ...] = (
    "mean_caseload",
    "staff_utilisation",
    "share_time_transactional",
    "unmet_hours_share",
    "mean_burnout",
    "staff_turnover_per_fte_year",
    "vacancy_rate",
)
DISTRICT: dict[str, tuple[str, str]] = {
    "citizens_present": ("citizens present at a time", "people"),
    "total_cost_gbp_per_year": ("total cost, all payers", "GBP/year"),
    "staff_cost_gbp_per_year": ("staff cost as run", "GBP/year"),
    "crisis_cost_gbp_per_year": ("cost of crises", "GBP/year"),
    "crisis_events_per_year": ("crisis events", "events/year"),
}


def _interval(summary: dict[str, Any] | None) -> tuple[Any, Any, Any]:
    if not summary:
        return None, None, None
    ci = summary.get("ci95") or [None, None]
    return summary.get("mean"), ci[0], ci[1]


def ordered_metrics(payload: dict[str, Any]) -> list[str]:
    names = list(payload["scenarios"][0]["metrics"])
    head = [m for m in CONTRACT_METRICS if m in names]
    return head + [m for m in names if m not in head]


def _long(key: str, summaries: dict[str, dict[str, Any]], metrics: list[str]) -> list[dict]:
    """Rows of (`key`, metric, unit, mean, interval) for each name's summaries."""
    rows = []
    for metric in metrics:
        for name, found in summaries.items():
            mean, low, high = _interval(found.get(metric))
            rows.append(
                {
                    key: name,
                    "metric": metric,
                    "unit": UNITS.get(metric, ""),
                    "mean": mean,
                    "ci95_low": low,
                    "ci95_high": high,
                }
            )
    return rows


def interval_kind(payload: dict[str, Any]) -> str:
    """What the intervals carry ('chance', or 'parameters and chance'), as the CSV files say."""
    return str((payload.get("interval") or {}).get("kind", ""))


def summary_table(payload: dict[str, Any], metrics: list[str] | None = None) -> pd.DataFrame:
    """Every scenario's mean and 95 % interval of each metric (long: a row per pair)."""
    blocks = {b["scenario"]: b["metrics"] for b in payload["scenarios"]}
    frame = pd.DataFrame(_long("scenario", blocks, metrics or ordered_metrics(payload)))
    return frame.assign(interval=interval_kind(payload))


def differences_table(payload: dict[str, Any], metrics: list[str] | None = None) -> pd.DataFrame:
    """Each comparison's paired differences with 95 % intervals."""
    metrics = metrics or ordered_metrics(payload)
    rows = [
        row
        for label, diffs in payload["differences"].items()
        for row in _long("comparison", {label: diffs}, metrics)
    ]
    return pd.DataFrame(rows).assign(interval=interval_kind(payload))


def resources_table(payload: dict[str, Any]) -> pd.DataFrame:
    """One row per scenario: its resources, and how equal spend sized it (if it did)."""
    sized = {}
    spend = payload.get("equal_spend")
    if spend:
        sized = {row["scenario"]: row for row in spend["scenarios"]}
    rows = []
    for block in payload["scenarios"]:
        row: dict[str, Any] = {"scenario": block["scenario"]}
        row.update({key: block["resources"].get(key) for key in RESOURCE_FIELDS})
        entry = sized.get(block["scenario"])
        # not for a scenario left as written because it had nothing to size
        row["equal_spend_basis"] = spend["basis"] if spend and entry and not entry["note"] else None
        row["posts_as_written"] = entry["workers_before"] if entry else None
        row["equal_spend_gbp_per_citizen_year"] = (
            entry["spend_gbp_per_citizen_year"] if entry else None
        )
        rows.append(row)
    return pd.DataFrame(rows)


RESOURCE_EXTRA = {
    "equal_spend_basis": ("", "staff or service when sized for equal spend, else empty"),
    "posts_as_written": ("FTE", "posts in the scenario as written, before equal-spend sizing"),
    "equal_spend_gbp_per_citizen_year": (
        "GBP/citizen-year",
        "the spend this scenario reached once sized (staff budget, or service spend on the "
        "sizing runs); the spend it was sized to match, the reference scenario's, is in the "
        "JSON's `equal_spend`, and a scenario with no services stays at 0",
    ),
}


def payers_table(payload: dict[str, Any], key: str = "payers") -> pd.DataFrame:
    """Per comparison and payer: spend per citizen-year on each side, the saving, the
    cumulative saving for the district and the break-even week."""
    section = payload.get(key) or {}
    comparisons = section.get("comparisons", section) if key == "transition" else section
    rows = []
    for label, data in comparisons.items():
        for payer, entry in data["payers"].items():
            first = _interval(entry["first_gbp_per_citizen_year"])
            other = _interval(entry["other_gbp_per_citizen_year"])
            saving = _interval(entry["saving_gbp_per_citizen_year"])
            cumulative = _interval(entry["cumulative_saving_gbp"])
            rows.append(
                {
                    "comparison": label,
                    "payer": payer,
                    "who": PAYER_LABELS.get(payer, payer),
                    "first_mean": first[0],
                    "first_ci95_low": first[1],
                    "first_ci95_high": first[2],
                    "other_mean": other[0],
                    "other_ci95_low": other[1],
                    "other_ci95_high": other[2],
                    "saving_mean": saving[0],
                    "saving_ci95_low": saving[1],
                    "saving_ci95_high": saving[2],
                    "cumulative_saving_gbp": cumulative[0],
                    "cumulative_ci95_low": cumulative[1],
                    "cumulative_ci95_high": cumulative[2],
                    "weeks": data["weeks"],
                    "break_even_week": entry["break_even_week"],
                    "break_even_week_earliest": entry["break_even_week_earliest"],
                    "break_even_week_latest": entry["break_even_week_latest"],
                    "interval": interval_kind(payload),
                }
            )
    return pd.DataFrame(rows)


def district_table(payload: dict[str, Any]) -> pd.DataFrame:
    rows = []
    for block in payload["scenarios"]:
        for key, (label, unit) in DISTRICT.items():
            mean, low, high = _interval(block.get("district", {}).get(key))
            rows.append(
                {
                    "scenario": block["scenario"],
                    "quantity": label,
                    "unit": unit,
                    "mean": mean,
                    "ci95_low": low,
                    "ci95_high": high,
                    "interval": interval_kind(payload),
                }
            )
    return pd.DataFrame(rows)


def inputs_table(payload: dict[str, Any]) -> pd.DataFrame:
    rows = []
    for scenario, inputs in payload.get("inputs", {}).items():
        for key, entry in inputs.items():
            rows.append(
                {
                    "scenario": scenario,
                    "input": key,
                    "value": _number_or_text(entry["value"]),
                    "default": _number_or_text(entry["default"]),
                    "unit": entry["unit"],
                    "kind": entry["kind"],
                    "rests_on_assumption": bool(entry["assumption"]),
                    "source": entry["source"],
                }
            )
    columns = ["scenario", "input", "value", "default", "unit", "kind"]
    return pd.DataFrame(rows, columns=[*columns, "rests_on_assumption", "source"])


def _text(value: Any) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


def sensitivity_table(payload: dict[str, Any]) -> pd.DataFrame:
    found = payload.get("sensitivity") or {}
    rows = []
    for metric, entries in (found.get("top") or {}).items():
        for rank, entry in enumerate(entries, start=1):
            rows.append({"metric": metric, "rank": rank, **entry})
    return pd.DataFrame(
        rows,
        columns=[
            "metric",
            "rank",
            "parameter",
            "index",
            "value",
            "ci95_half_width",
            "kind",
            "assumption",
        ],
    )


def provenance_table(payload: dict[str, Any]) -> pd.DataFrame:
    rows = []
    for block in payload["scenarios"]:
        p = block["provenance"]
        versions = p.get("versions", {})
        rows.append(
            {
                "scenario": block["scenario"],
                "scenario_hash": p.get("scenario_hash"),
                "seed": p.get("seed"),
                "replications": p.get("reps"),
                "relsim_version": p.get("relsim_version"),
                "git_commit": p.get("git_commit"),
                "started": p.get("started"),
                "finished": p.get("finished"),
                **{f"version_{k}": v for k, v in versions.items()},
            }
        )
    return pd.DataFrame(rows)


def timeseries_table(analysis: Analysis) -> pd.DataFrame:
    from relsim.commission.analysis import SERIES

    frames = []
    for scenario, bands in analysis.series.items():
        for key, found in bands.items():
            frames.append(
                pd.DataFrame(
                    {
                        "scenario": scenario,
                        "series": key,
                        "unit": SERIES[key][1],
                        "week": found.weeks.astype(int),
                        "mean": found.mean,
                        "ci95_low": found.low,
                        "ci95_high": found.high,
                    }
                )
            )
    if not frames:
        return pd.DataFrame()
    return pd.concat(frames, ignore_index=True).assign(interval=interval_kind(analysis.payload))


def cumulative_table(analysis: Analysis, transition: bool = False) -> pd.DataFrame:
    """Cumulative saving for the district by payer, week by week, per comparison."""
    frames = []
    for comparison in analysis.transition if transition else analysis.payers:
        for payer, (mean, low, high) in comparison.cumulative.items():
            frames.append(
                pd.DataFrame(
                    {
                        "comparison": comparison.label,
                        "payer": payer,
                        "week": comparison.weeks.astype(int),
                        "cumulative_saving_gbp": mean,
                        "ci95_low": low,
                        "ci95_high": high,
                    }
                )
            )
    if not frames:
        return pd.DataFrame()
    return pd.concat(frames, ignore_index=True).assign(interval=interval_kind(analysis.payload))


def prices_table(payload: dict[str, Any]) -> pd.DataFrame:
    """Every price, payer and the measured period of each scenario, one row each."""
    rows = [
        {
            "scenario": scenario,
            "price": key,
            "value": _number_or_text(entry["value"]),
            "default": _number_or_text(entry["default"]),
            "unit": entry["unit"],
            "source": entry["source"],
        }
        for scenario, entries in (payload.get("prices") or {}).items()
        for key, entry in entries.items()
    ]
    return pd.DataFrame(rows, columns=["scenario", "price", "value", "default", "unit", "source"])


def _number_or_text(value: Any) -> Any:
    """A number stays a number in the workbook; anything else is text."""
    return value if isinstance(value, int | float) and not isinstance(value, bool) else _text(value)
