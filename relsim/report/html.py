"""A comparison as one self-contained HTML page a board can read: a summary in words, the
resources on each side, paired differences with intervals, what other prices would change, time
series with bands, who pays and who saves and when, staff load, the inputs and assumptions,
every measure, and provenance.

The figures are embedded (no network, no external files) and the page prints cleanly to PDF.
Every number in a table carries its exact value in a `data-value` attribute, the value the JSON
payload holds.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING

from relsim.file_targets import FileKind
from relsim.files import write_text
from relsim.report.cost_effectiveness import cost_effectiveness_section
from relsim.report.inputs import inputs_section, measures_section, provenance_section
from relsim.report.markup import SECTIONS, esc
from relsim.report.price_changes import price_changes_section
from relsim.report.sections import (
    differences_section,
    district_section,
    over_time_section,
    payers_section,
    resources_section,
    staff_section,
    summary_section,
    transition_section,
)

if TYPE_CHECKING:
    from relsim.commission.analysis import Analysis

__all__ = ["SECTIONS", "document", "write_report"]

STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;margin:2em auto;
max-width:60em;padding:0 1em;color:#111;line-height:1.4}
h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.25em;border-bottom:2px solid #333;
margin-top:1.8em;padding-bottom:.15em}h3{font-size:1.05em}
table{border-collapse:collapse;margin:.6em 0 1em;font-size:.85em}
th,td{border:1px solid #999;padding:2px 6px;text-align:right;vertical-align:top}
th{background:#eee}td.name,th.name{text-align:left;overflow-wrap:anywhere}td.same{color:#666}
caption{caption-side:top;text-align:left;font-weight:bold;padding:.2em 0}
figure{margin:1em 0}figure img{max-width:100%;height:auto;border:1px solid #ccc}
figcaption{font-size:.85em;color:#333}
.ci{font-size:.85em;color:#444;white-space:nowrap}code.id{font-size:.8em;color:#555}
.note{font-size:.9em;color:#333}.warning{border-left:4px solid #000;padding-left:.6em}
nav ol{columns:2;font-size:.9em}
@page{size:A4;margin:14mm}
@media print{body{margin:0;max-width:none;font-size:9pt}nav{display:none}table{font-size:7pt}
h2{break-after:avoid}table,figure,tr{break-inside:avoid}thead{display:table-header-group}
a{color:inherit;text-decoration:none}}
"""


def document(analysis: Analysis) -> str:
    payload = analysis.payload
    scenario_names = [b["scenario"] for b in payload["scenarios"]]
    names = ", ".join(scenario_names[:-1]) + " and " + scenario_names[-1]
    toc = "".join(f'<li><a href="#{key}">{esc(title)}</a></li>' for key, title in SECTIONS)
    body = "".join(
        [
            summary_section(payload),
            resources_section(payload),
            differences_section(payload),
            cost_effectiveness_section(payload),
            price_changes_section(payload),
            district_section(payload),
            over_time_section(analysis),
            payers_section(analysis),
            transition_section(analysis),
            staff_section(analysis),
            inputs_section(payload),
            measures_section(payload),
            provenance_section(payload),
        ]
    )
    finished = payload["scenarios"][0]["provenance"].get("finished", "")
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>relsim: {esc(names)}</title><style>{STYLE}</style></head><body>"
        f"<header><h1>{esc(names)}: a comparison</h1>"
        f'<p class="note">relsim {esc(payload["scenarios"][0]["provenance"].get("relsim_version"))}'
        f", {payload['reps']} paired replication{'' if payload['reps'] == 1 else 's'}, seed "
        f"{payload['seed']}, {esc(finished)}."
        f"</p></header><nav><ol>{toc}</ol></nav><main>{body}</main></body></html>\n"
    )


#: every report relsim writes starts with this, within its first few hundred bytes
_REPORT_TITLE = b"<title>relsim: "


def _is_report(path: Path) -> bool:
    with path.open("rb") as handle:
        start = handle.read(4096)
    return start.lower().startswith(b"<!doctype html>") and _REPORT_TITLE in start


REPORT = FileKind("an HTML report", (".html", ".htm"), _is_report)


def write_report(path: Path, analysis: Analysis) -> None:
    """Write the report; it appears whole or not at all, and never through a planted link."""
    from relsim.cli_options import clean_json

    cleaned = dataclasses.replace(analysis, payload=clean_json(analysis.payload))
    path.parent.mkdir(parents=True, exist_ok=True)
    write_text(path, document(cleaned))
