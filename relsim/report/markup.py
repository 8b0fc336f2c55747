"""The pieces of the HTML report: cells that show a number readably and carry its exact value
(`data-value`, and `data-low`, `data-high` for an interval), tables of measures, embedded
figures and sections."""

from __future__ import annotations

import base64
import html
import math
from typing import Any

from relsim.metrics import IN_WORDS, METRICS, UNITS
from relsim.report.formatting import POINTS, is_share, number

SECTIONS: tuple[tuple[str, str], ...] = (
    ("summary", "In brief"),
    ("resources", "Resources on each side"),
    ("differences", "What changes"),
    ("cost-effectiveness", "What a crisis avoided costs"),
    ("price-changes", "If the prices were different"),
    ("district", "District totals a year"),
    ("over-time", "Over time"),
    ("payers", "Who pays and who saves"),
    ("transition", "The cost of the change"),
    ("staff", "Staff load"),
    ("inputs", "Inputs and assumptions"),
    ("measures", "All measures"),
    ("provenance", "Provenance"),
)
DESCRIPTIONS = {m.name: m.description for m in METRICS}


def esc(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _data(data: dict[str, Any]) -> str:
    return "".join(f' data-{k.replace("_", "-")}="{esc(v)}"' for k, v in data.items())


def _exact(value: Any) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return repr(value)
    return ""


def cell(value: Any, unit: str = "", **data: Any) -> str:
    """A table cell showing `value` readably, with the exact value in data-value."""
    exact = ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        exact = f' data-value="{esc(_exact(value))}"'
    return f"<td{exact}{_data(data)}>{esc(number(value, unit))}</td>"


def summary_cell(summary: dict[str, Any] | None, unit: str, **data: Any) -> str:
    """A mean with its 95 % interval beneath; exact values in data-value, data-low, data-high."""
    summary = summary or {}
    mean = summary.get("mean")
    ci = summary.get("ci95")
    attrs = f' data-value="{esc(_exact(mean))}"'
    shown = esc(number(mean, unit))
    if ci:
        attrs += f' data-low="{esc(_exact(ci[0]))}" data-high="{esc(_exact(ci[1]))}"'
        shown += (
            f'<br><span class="ci">{esc(number(ci[0], unit))} to {esc(number(ci[1], unit))}</span>'
        )
    return f"<td{attrs}{_data(data)}>{shown}</td>"


def image(data: bytes, alt: str, caption: str, name: str) -> str:
    encoded = base64.b64encode(data).decode()
    return (
        f'<figure data-figure="{esc(name)}"><img alt="{esc(alt)}" '
        f'src="data:image/png;base64,{encoded}"><figcaption>{esc(caption)}</figcaption></figure>'
    )


def metric_table(
    payload: dict[str, Any], metrics: Any, table: str, caption: str, with_ids: bool = False
) -> str:
    """Rows: a measure, each scenario's mean and interval, each paired difference's.
    `with_ids` puts each measure's name in the files under its words, for finding it there."""
    blocks = payload["scenarios"]
    head = '<th class="name">measure</th><th class="name">unit</th>'
    head += "".join(f"<th>{esc(b['scenario'])}</th>" for b in blocks)
    head += "".join(f"<th>difference<br>{esc(label)}</th>" for label in payload["differences"])
    rows = []
    for metric in metrics:
        if metric not in blocks[0]["metrics"]:
            continue
        unit = UNITS.get(metric, "")
        label = esc(IN_WORDS.get(metric, metric))
        if with_ids:
            label += f'<br><code class="id">{esc(metric)}</code>'
        cells = [
            f'<td class="name" title="{esc(metric)}: {esc(DESCRIPTIONS.get(metric, ""))}">'
            f"{label}</td>",
            f'<td class="name">{esc(unit)}</td>',
        ]
        for block in blocks:
            ids = {"table": table, "metric": metric, "scenario": block["scenario"]}
            cells.append(summary_cell(block["metrics"][metric], unit, **ids))
        shown = POINTS if is_share(unit) else unit
        for comparison, diffs in payload["differences"].items():
            ids = {"table": table, "metric": metric, "comparison": comparison}
            cells.append(summary_cell(diffs[metric], shown, **ids))
        rows.append(f"<tr>{''.join(cells)}</tr>")
    if any(is_share(UNITS.get(m, "")) for m in metrics if m in blocks[0]["metrics"]):
        caption += "; differences between shares in percentage points (pp)"
    return (
        f'<table data-table="{esc(table)}"><caption>{esc(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def section(key: str, body: str) -> str:
    title = dict(SECTIONS)[key]
    return f'<section id="{key}"><h2>{esc(title)}</h2>{body}</section>'
