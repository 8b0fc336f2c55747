"""ECharts options for the live charts: one line per district, the warm-up shaded, every policy
change marked. Options are plain data, so the browser updates a chart in place when they change."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from relsim.viz.observe import WeekMeasures
from relsim.viz.session import SIDES, PolicyChange, PreviousRun, Setup, describe_change

YEAR = 52  # weeks

COLOURS = ("#d95f02", "#1b9e77")  # side A, side B (colour-blind safe)
PAYER_LABELS = {
    "nhs": "NHS",
    "police_justice": "police & justice",
    "council_housing": "council & housing",
}
SMOOTH_WEEKS = 4
DEPTH_LABEL = "mean relationship depth now (0–1)"
END_LABEL_SHIFT = 7  # pixels: half a line of the letters that end the lines
# pixels: "warm-up" lifted from the top of its shaded weeks to the gap under the subtitle, where
# no line climbs and no letter is lifted over it
WARMUP_LABEL_RISE = 29
PREVIOUS_OPACITY = 0.35  # the previous run's lines: there to compare with, not to read first
#: a line ending below this share of its axis's top has its letter set above its end
NEAR_FLOOR_SHARE = 0.08
#: pixels: the faint run's number set beside this run's when both changed policy in one week
SHARED_WEEK_SHIFT = 16
PREVIOUS_MARK_OPACITY = 0.6  # its policy changes' dashed lines: fainter than this run's
PAYER_LABEL_WIDTH = 70  # pixels: a third of the payer chart's axis on a 1280x720 screen


@dataclass(frozen=True)
class ChartSpec:
    key: str
    title: str
    unit: str
    value: Callable[[Sequence[WeekMeasures]], np.ndarray]
    share: bool = False  # a share in [0, 1], shown in %


def _column(name: str) -> Callable[[Sequence[WeekMeasures]], np.ndarray]:
    return lambda history: np.array([getattr(m, name) for m in history], dtype=float)


def _smoothed(name: str) -> Callable[[Sequence[WeekMeasures]], np.ndarray]:
    def values(history: Sequence[WeekMeasures]) -> np.ndarray:
        raw = _column(name)(history)
        if raw.size == 0:
            return raw
        sums = np.cumsum(np.r_[0.0, raw])
        start = np.maximum(np.arange(1, raw.size + 1) - SMOOTH_WEEKS, 0)
        return (sums[1:] - sums[start]) / (np.arange(1, raw.size + 1) - start)

    return values


def _cumulative_cost_m(history: Sequence[WeekMeasures]) -> np.ndarray:
    return np.cumsum(_column("total_cost")(history)) / 1e6


def _waiting(history: Sequence[WeekMeasures]) -> np.ndarray:
    return np.array([m.people_waiting for m in history], dtype=float)


#: a chart's subtitle fits in a third of the page at 1280x720 (about 40 characters)
SUBTITLE_CHARACTERS = 40

LINE_CHARTS = (
    ChartSpec("crises", "Crises per week", "crises (4-week average)", _smoothed("crises")),
    ChartSpec(
        "failure_demand",
        "Failure demand at the door",
        "returns and chasing (4-week average)",
        _smoothed("failure_demand"),
    ),
    ChartSpec("cost", "Cost so far", "£ million, everything every payer spent", _cumulative_cost_m),
    ChartSpec("waiting", "People waiting", "at any door or on any list, once each", _waiting),
    ChartSpec("caseload", "Mean caseload", "people per worker", _column("mean_caseload")),
    ChartSpec(
        "utilisation", "Staff utilisation", "% of case hours used", _column("utilisation"), True
    ),
    ChartSpec("burnout", "Staff burnout", "mean burnout, %", _column("burnout"), True),
    ChartSpec(
        "transactional",
        "Time spent on transactions",
        "% of staff time: assess, refer, record",
        _column("transactional"),
        True,
    ),
)


def _side_mark(index: int) -> dict:
    """A line's end, or a bar's top, names its district (A or B) in its colour: the charts
    have no legend, and the scoreboard whose heading gives the colours is scrolled out of view
    by the time the charts are on screen."""
    return {
        "show": True,
        "formatter": SIDES[index],
        "color": COLOURS[index],
        "fontWeight": "bold",
        "fontSize": 12,
    }


def _base(title: str, unit: str) -> dict:
    return {
        "animation": False,
        "title": {"text": title, "subtext": unit, "left": 8, "textStyle": {"fontSize": 14}},
        # right: room for "A"; top: room for "warm-up" between the subtitle and the plot
        "grid": {"left": 52, "right": 28, "top": 62, "bottom": 40},
        # confined to the chart: beside the left edge of the screen it opened off it, and a
        # hovered week read "6" for "156"
        "tooltip": {"confine": True, "trigger": "axis"},
    }


def line_chart(
    spec: ChartSpec,
    histories: Sequence[Sequence[WeekMeasures]],
    labels: Sequence[str],
    warmup: int,
    horizon: int,
    changes: Sequence[PolicyChange],
    previous: PreviousRun | None = None,
) -> dict:
    """One measure, one line per district, over the weeks so far; and, faint, the `previous`
    run's (before the last Reset or Load), on the same axes."""
    option = _base(spec.title, spec.unit)
    columns = [spec.value(history) * (100 if spec.share else 1) for history in histories]
    ends = [float(values[-1]) if values.size else 0.0 for values in columns]
    # the lower line on the floor (a district with no services has no caseload), or close
    # enough above it that a letter set below its end reached the axis (burnout at 5 % of an
    # axis to 100 %), keeps its letter above it, where below it sat on the axis and its week
    # labels, and the higher line's letter goes further up, clear of it
    top = 100.0 if spec.share else max((float(v.max()) for v in columns if v.size), default=0.0)
    floor = min(ends) <= NEAR_FLOOR_SHARE * top and max(ends) > 0
    series: list[dict[str, Any]] = []
    for index, (history, label, values) in enumerate(zip(histories, labels, columns, strict=True)):
        weeks = [m.week for m in history]
        # the higher line's letter a little up and the lower's down: where the lines end
        # together, as caseloads and utilisation often do, A and B were drawn over each other
        higher = ends[index] > ends[1 - index] or (ends[0] == ends[1] and index == 0)
        if higher:
            shift = -(3 if floor else 1) * END_LABEL_SHIFT
        else:
            shift = -END_LABEL_SHIFT if floor else END_LABEL_SHIFT
        series.append(
            {
                "name": label,
                "type": "line",
                "showSymbol": False,
                "lineStyle": {"width": 2},
                "color": COLOURS[index],
                "endLabel": {
                    **_side_mark(index),
                    "offset": [0, shift],
                },
                "data": [[w, round(float(v), 3)] for w, v in zip(weeks, values, strict=True)],
            }
        )
    earlier = previous.history if previous is not None else ()
    for index, history in enumerate(earlier):
        values = spec.value(history) * (100 if spec.share else 1)
        series.append(
            {
                "name": f"{SIDES[index]}, previous run",
                "type": "line",
                "showSymbol": False,
                "silent": True,
                "z": 1,  # under this run's lines
                "lineStyle": {"width": 1.5, "opacity": PREVIOUS_OPACITY},
                "color": COLOURS[index],
                "data": [
                    [m.week, round(float(v), 3)] for m, v in zip(history, values, strict=True)
                ],
            }
        )
    series[0]["markArea"] = {
        "silent": True,
        "itemStyle": {"color": "rgba(120,120,120,0.12)"},
        "label": {
            "position": "insideTop",
            "offset": [0, -WARMUP_LABEL_RISE],
            "color": "#777",
            "fontSize": 10,
        },
        "data": [[{"name": "warm-up", "xAxis": 0}, {"xAxis": warmup}]],
    }
    if changes:
        series[0]["markLine"] = {
            "silent": True,
            "symbol": "none",
            "lineStyle": {"color": "#555", "type": "dashed"},
            # each line is numbered, and the numbers are said in words above the charts
            # (`change_notes`): the words on the chart printed two changes a year apart over
            # each other, and a change of three knobs ran off both edges
            "label": {"formatter": "{b}", "fontSize": 11, "color": "#333"},
            "data": [{"name": str(i), "xAxis": c.week} for i, c in enumerate(changes, 1)],
        }
    if previous is not None and previous.changes:
        changed = {c.week for c in changes}
        # the faint run's changes, paler and numbered in brackets (at the top, upright: along
        # the line at its foot the number was turned on its side, and this run's lines ran
        # over it): without them the run a change is compared against showed no mark of where
        # its change was made
        series[len(histories)]["markLine"] = {
            "silent": True,
            "symbol": "none",
            "lineStyle": {"color": "#555", "type": "dashed", "opacity": PREVIOUS_MARK_OPACITY},
            "label": {"formatter": "({b})", "fontSize": 11, "color": "#777"},
            "data": [
                {
                    "name": str(i),
                    "xAxis": c.week,
                    # a change this run made in the same week has its number there already
                    **({"label": {"offset": [SHARED_WEEK_SHIFT, 0]}} if c.week in changed else {}),
                }
                for i, c in enumerate(previous.changes, 1)
            ],
        }
    option["xAxis"] = {
        "type": "value",
        "min": 0,
        "max": max(horizon, max((m.week for h in (*histories, *earlier) for m in h), default=0)),
        "name": "week",
        "nameLocation": "middle",
        "nameGap": 24,
        # the tooltip's heading is this label: a week, not the axis value "52.00"
        "axisPointer": {"label": {"precision": 0, "formatter": "week {value}"}},
    }
    option["yAxis"] = {"type": "value", "max": 100} if spec.share else {"type": "value"}
    option["series"] = series
    return option


def previous_note(previous: PreviousRun | None, started: Setup | None) -> str:
    """What the faint lines are (nothing when there are none): the run before the last Reset or
    Load, how it started where this run started otherwise, and its policy changes, numbered as
    their faint dashed lines are."""
    if previous is None:
        return ""
    words = f"Faint lines: the run before the last Reset or Load, to week {previous.last_week}"
    differences = describe_change(previous.started, started) if started else ""
    if differences:
        words += f"; it started with other settings (that run→this one): {differences}"
    if previous.changes:
        changes = ", ".join(
            f"({i}) week {c.week}: {c.text}" for i, c in enumerate(previous.changes, 1)
        )
        words += f"; its policy changes, the faint dashed lines: {changes}"
    return words + "."


def change_notes(changes: Sequence[PolicyChange]) -> list[str]:
    """What each numbered dashed line on the charts is: '1 · week 104: B: cap 10→15'."""
    return [f"{i} · week {c.week}: {c.text}" for i, c in enumerate(changes, 1)]


def payer_chart(histories: Sequence[Sequence[WeekMeasures]], labels: Sequence[str]) -> dict:
    """Cost so far by who pays, one bar per district."""
    option = _base("Cost so far by payer", "£ million")
    payers = list(PAYER_LABELS)
    option["tooltip"] = {"confine": True, "trigger": "axis", "axisPointer": {"type": "shadow"}}
    # every payer named, broken over lines: on one line each, ECharts drops the middle name
    # (police & justice) when the chart is a third of a 1280-pixel screen
    option["xAxis"] = {
        "type": "category",
        "data": [PAYER_LABELS[p] for p in payers],
        "axisLabel": {
            "interval": 0,
            "width": PAYER_LABEL_WIDTH,
            "overflow": "break",
            "lineHeight": 14,  # ECharts' default sets broken lines over each other
        },
    }
    option["yAxis"] = {"type": "value"}
    option["series"] = [
        {
            "name": label,
            "type": "bar",
            "color": COLOURS[index],
            "label": {**_side_mark(index), "position": "top"},
            "data": [
                round(sum(m.cost_by_payer.get(p, 0.0) for m in history) / 1e6, 3) for p in payers
            ],
        }
        for index, (history, label) in enumerate(zip(histories, labels, strict=True))
    ]
    return option


@dataclass(frozen=True)
class Headline:
    label: str
    values: tuple[float, float]
    digits: int
    #: the unit of B − A where it is not the row's own (a difference of percentages is in points)
    difference_unit: str = ""

    def difference(self) -> str:
        """B − A, signed with a true minus as the heading is, in the difference's unit: the
        difference of the two values as the row shows them, so that the three agree (0 and 4
        are 4 apart, never 3), and no difference is 0, not −0."""
        a, b = (round(v, self.digits) for v in self.values)
        gap = round(b - a, self.digits) + 0.0  # + 0.0 turns -0.0 into 0.0
        text = f"{gap:+,.{self.digits}f}".replace("-", "\u2212")
        if gap == 0:
            text = text.lstrip("+")
        return f"{text} {self.difference_unit}" if self.difference_unit else text


def headlines(histories: Sequence[Sequence[WeekMeasures]]) -> list[Headline]:
    """The scoreboard: totals so far and this week's state, per district."""

    def both(f: Callable[[Sequence[WeekMeasures]], float]) -> tuple[float, float]:
        return (f(histories[0]), f(histories[1]))

    def last(name: str) -> Callable[[Sequence[WeekMeasures]], float]:
        return lambda h: float(getattr(h[-1], name)) if h else 0.0

    def total(
        name: str, scale: float = 1.0, weeks: int | None = None
    ) -> Callable[[Sequence[WeekMeasures]], float]:
        """The sum over every week so far, or over the last `weeks` of them."""
        return lambda h: sum(getattr(m, name) for m in h[-weeks if weeks else 0 :]) / scale

    return [
        Headline("crises so far", both(total("crises")), 0),
        # a year's worth, as the guide quotes them: at week 156 the third year, and so on
        Headline("crises in the last 52 weeks", both(total("crises", weeks=YEAR)), 0),
        Headline("cost so far (£m)", both(total("total_cost", 1e6)), 2),
        Headline("cost in the last 52 weeks (£m)", both(total("total_cost", 1e6, YEAR)), 2),
        Headline("crisis cost so far (£m)", both(total("crisis_cost", 1e6)), 2),
        Headline("failure-demand contacts so far", both(total("failure_demand")), 0),
        Headline("hand-offs so far", both(total("handoffs")), 0),
        Headline("people waiting now", both(lambda h: float(_waiting(h[-1:]).sum())), 0),
        Headline("mean caseload now", both(last("mean_caseload")), 1),
        # the dots' mean size in The system: the depth the guide's exercise 5 compares
        Headline(DEPTH_LABEL, both(last("relationship_depth")), 2),
        Headline("burnout now (%)", both(lambda h: last("burnout")(h) * 100), 0, "pp"),
    ]
