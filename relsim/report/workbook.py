"""A comparison as a workbook (.xlsx) with the report's tables, for a finance lead to work
with: a sheet per table, each with a header row, numbers as numbers (not rounded), and a sheet
saying what each one holds."""

from __future__ import annotations

import dataclasses
import io
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from relsim.commission.resources import RESOURCE_FIELDS
from relsim.file_targets import FileKind
from relsim.files import guard_formulas, write_bytes
from relsim.report import tables

if TYPE_CHECKING:
    from relsim.commission.analysis import Analysis

#: sheet name -> what it holds
SHEETS: dict[str, str] = {
    "About": "what each sheet holds",
    "Summary": "every scenario's mean and 95 % interval of every measure",
    "Differences": "paired differences (each scenario minus the first) with 95 % intervals",
    "Cost-effectiveness": (
        "what each scenario's crises avoided cost over another's: net cost per crisis avoided "
        "and net benefit at prices on a crisis avoided (the columns of cost_effectiveness.csv)"
    ),
    "Choice": (
        "which scenario to choose at each price on a crisis avoided: dominance, the frontier "
        "and each step's price along it (the columns of incremental.csv)"
    ),
    "Price changes": (
        "each price moved alone: the break-even price at which two scenarios' bills are equal, "
        "and the bills' difference with the price halved and doubled, on the whole bill and "
        "the paying body's (the columns of price_changes.csv)"
    ),
    "Resources": "the resources on each side, and how equal spend sized them",
    "Resource units": "what each column of Resources means, and its unit",
    "District": "district totals a year (per citizen-year measures x citizens present)",
    "By payer": (
        "spend per citizen-year by payer (each side's over its own people present), savings, "
        "cumulative saving and break-even week; the cumulative saving and break-even week are "
        "the district's pounds. A blank break-even week is one not reached within `weeks`: "
        "break_even_week on average, break_even_week_earliest even at the favourable end of "
        "the cumulative saving's 95 % interval, break_even_week_latest at its unfavourable end "
        "(beyond `weeks`); the last two are blank with one replication, which has no interval"
    ),
    "Cumulative": (
        "cumulative saving for the district by payer, week by week; `week` counts the measured "
        "period (week 1 is the first after the warm-up)"
    ),
    "Transition": (
        "as By payer, from launch with both teams paid for the overlap (with "
        "--transition-weeks; otherwise a note); its `week` counts from launch"
    ),
    "Time series": (
        "weekly means with 95 % intervals of the kind `interval` names: over replications "
        "(chance), or the central 95 % of the parameter sets' means (parameters and chance); "
        "`week` counts the measured period (week 1 is the first after the warm-up, where "
        "timeseries.parquet's week counts the warm-up too)"
    ),
    "Inputs": "inputs that differ from the defaults, with their source",
    "Prices": "every price, who pays it and the measured period, with their source",
    "Sensitivity": "the parameters the result is most sensitive to (if an analysis was given)",
    "Provenance": "relsim version, scenario hashes, seeds, replications, dates, software",
}


def workbook_tables(analysis: Analysis) -> dict[str, pd.DataFrame]:
    payload = analysis.payload
    counts = payload.get("assumptions") or {}
    sensitivity = payload.get("sensitivity") or {}
    about = pd.DataFrame(
        [{"sheet": name, "holds": text} for name, text in SHEETS.items()]
        + [
            {"sheet": "", "holds": ""},
            {
                "sheet": "intervals",
                "holds": (payload.get("interval") or {}).get("description", ""),
            },
            {
                "sheet": "assumptions",
                "holds": (
                    f"{counts.get('assumptions')} of {counts.get('parameters')} behavioural "
                    "parameters rest on assumption"
                ),
            },
            {
                "sheet": "sensitivity",
                "holds": sensitivity.get("note")
                or f"from {sensitivity.get('method')} analysis of {sensitivity.get('scenario')}",
            },
            *({"sheet": "warning", "holds": warning} for warning in payload.get("warnings", [])),
        ]
    )
    units = pd.DataFrame(
        [
            {"resource": key, "unit": unit, "meaning": meaning}
            for key, (unit, meaning) in {**RESOURCE_FIELDS, **tables.RESOURCE_EXTRA}.items()
        ]
    )
    resources = tables.resources_table(payload)
    found = {
        "About": about,
        "Summary": tables.summary_table(payload),
        "Differences": tables.differences_table(payload),
        "Cost-effectiveness": pd.DataFrame(payload.get("cost_effectiveness") or []),
        "Choice": pd.DataFrame(payload.get("incremental") or []),
        "Price changes": pd.DataFrame(payload.get("price_changes") or []),
        "Resources": resources,
        "Resource units": units,
        "District": tables.district_table(payload),
        "By payer": tables.payers_table(payload),
        "Cumulative": tables.cumulative_table(analysis),
        "Transition": tables.payers_table(payload, "transition"),
        "Time series": tables.timeseries_table(analysis),
        "Inputs": tables.inputs_table(payload),
        "Prices": tables.prices_table(payload),
        "Sensitivity": tables.sensitivity_table(payload),
        "Provenance": tables.provenance_table(payload),
    }
    # a sheet with nothing in it says why, so that it does not read as a fault
    return {
        name: pd.DataFrame([{"note": EMPTY.get(name, "nothing to show")}]) if frame.empty else frame
        for name, frame in found.items()
    }


#: why a sheet can have nothing in it
EMPTY = {
    "Cost-effectiveness": "one scenario: no pair of scenarios to compare",
    "Choice": "one scenario: no pair of scenarios to compare",
    "Price changes": "one scenario: no pair of scenarios to compare",
    "By payer": "one scenario: no pair of scenarios to compare",
    "Cumulative": "one scenario: no pair of scenarios to compare",
    "Transition": "the comparison was run without --transition-weeks, which counts the cost of "
    "the change itself from launch",
    "Inputs": "every input of every scenario is at its default",
    "Sensitivity": "no sensitivity analysis was given (--sensitivity DIR)",
}


def _is_workbook(path: Path) -> bool:
    """A workbook with the sheets relsim's have (read from the file's index, not opened)."""
    import zipfile

    with zipfile.ZipFile(path) as archive:
        index = archive.read("xl/workbook.xml").decode("utf-8", "replace")
    return all(f'name="{sheet}"' in index for sheet in ("About", "Summary", "Provenance"))


WORKBOOK = FileKind("a workbook", (".xlsx",), _is_workbook)


def _width(series: pd.Series, name: Any) -> int:
    longest = max([len(str(name)), *(len(str(v)) for v in series.head(200))])
    return min(60, max(8, longest + 2))


def write_workbook(path: Path, analysis: Analysis) -> None:
    """Write the workbook whole (or not at all). Text that a spreadsheet would run as a formula
    starts with an apostrophe, as in relsim's CSV files."""
    from relsim.cli_options import clean_json

    cleaned = dataclasses.replace(analysis, payload=clean_json(analysis.payload))
    buffer = io.BytesIO()
    # Closed only when every sheet is in: closing on the way out of an error (as a `with` block
    # would) saves a workbook without sheets, and that error hides the first (Ctrl-C included).
    writer = pd.ExcelWriter(buffer, engine="openpyxl")
    for name, frame in workbook_tables(cleaned).items():
        guarded = guard_formulas(frame)
        guarded.to_excel(writer, sheet_name=name, index=False)
        sheet = writer.sheets[name]
        sheet.freeze_panes = "A2"
        for column, letter in zip(guarded.columns, _letters(len(guarded.columns)), strict=False):
            sheet.column_dimensions[letter].width = _width(guarded[column], column)
    writer.close()
    path.parent.mkdir(parents=True, exist_ok=True)
    write_bytes(path, buffer.getvalue())


def _letters(count: int) -> list[str]:
    from openpyxl.utils import get_column_letter

    return [get_column_letter(i + 1) for i in range(count)]
