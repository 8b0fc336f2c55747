"""A self-contained HTML report of a comparison: tables and charts, no external assets."""

from __future__ import annotations

import base64
import html
import io
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from relsim.files import write_text
from relsim.metrics import CONTRACT_METRICS

HEADLINE = (
    "crisis_events_per_citizen_year",
    "total_cost_per_citizen_year",
    "crisis_cost_per_citizen_year",
    "staff_cost_per_citizen_year",
    "share_time_transactional",
    "failure_demand_share",
)


def _chart(payload: dict[str, Any], metric: str) -> str:
    blocks = payload["scenarios"]
    names = [b["scenario"] for b in blocks]
    means = [b["metrics"][metric]["mean"] or 0.0 for b in blocks]
    errors = []
    for b in blocks:
        ci = b["metrics"][metric]["ci95"]
        errors.append(0.0 if ci is None else (ci[1] - ci[0]) / 2)
    fig, ax = plt.subplots(figsize=(4, 3), dpi=100)
    ax.bar(names, means, yerr=errors, capsize=4, color="#4C72B0")
    ax.set_title(metric, fontsize=9)
    ax.tick_params(labelsize=8)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    return base64.b64encode(buffer.getvalue()).decode()


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:,.3f}"


def write_report(path: Path, payload: dict[str, Any], units: dict[str, str]) -> None:
    blocks = payload["scenarios"]
    head = "".join(f"<th>{html.escape(b['scenario'])}</th>" for b in blocks)
    interval_kind = payload.get("interval") or {}
    label = html.escape(interval_kind.get("label", "95% interval"))
    diff_head = "".join(
        f"<th>{html.escape(k)}</th><th>{label}</th>" for k in payload["differences"]
    )
    rows = []
    names = list(CONTRACT_METRICS) + [m for m in blocks[0]["metrics"] if m not in CONTRACT_METRICS]
    for name in names:
        cells = "".join(f"<td>{_fmt(b['metrics'][name]['mean'])}</td>" for b in blocks)
        for diffs in payload["differences"].values():
            ci = diffs[name]["ci95"]
            interval = "-" if ci is None else f"[{_fmt(ci[0])}, {_fmt(ci[1])}]"
            cells += f"<td>{_fmt(diffs[name]['mean'])}</td><td>{interval}</td>"
        rows.append(f"<tr><td>{name}</td>{cells}<td>{html.escape(units.get(name, ''))}</td></tr>")
    charts = "".join(
        f'<img alt="{m}" src="data:image/png;base64,{_chart(payload, m)}">' for m in HEADLINE
    )
    document = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>relsim comparison</title>
<style>body{{font-family:sans-serif;margin:2em}}table{{border-collapse:collapse}}
td,th{{border:1px solid #ccc;padding:3px 8px;text-align:right}}
td:first-child{{text-align:left}}</style>
</head><body>
<h1>relsim comparison</h1>
<p>{payload["reps"]} paired runs with seed {payload["seed"]} (common random numbers).
Differences are each scenario minus {html.escape(blocks[0]["scenario"])};
{label}: {html.escape(interval_kind.get("description", "95 % t-intervals over replications"))}.
</p>
<div>{charts}</div>
<table><tr><th>metric</th>{head}{diff_head}<th>unit</th></tr>{"".join(rows)}</table>
</body></html>
"""
    # Written to a new temporary file beside the target and moved into place, so an interrupted
    # run leaves no half report and a link planted there is never written through.
    path.parent.mkdir(parents=True, exist_ok=True)
    write_text(path, document)
