"""A picture of one district this week: every worker as a box holding the people on their
caseload, and beside them the queues (front door, caseworker, specialists), so waits, hand-offs
and triage can be seen, not only counted.

A dot is a person: its colour is how many active needs they have, its size how deep their
relationship with their current worker is. A red ring marks a crisis this week, a black diamond a
hand-off (referred, allocated or reallocated), a box's shade its worker's burnout and its edge
the worker's role (named in the legend).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from relsim.viz import observe
from relsim.viz.observe import CitizenSnapshot, WorkerState

#: dots in a queue's row: a queue's box is as wide as its title (a box 12 dots wide had its title
#: run out of it, and past the picture's edge beside 150 workers)
QUEUE_WIDTH = 24
#: boxes in a row beyond which a worker's box is too small for its label at half of a
#: 1280-pixel screen (150 workers put 14 in a row and their labels over each other)
LABELLED_COLUMNS = 10
QUEUE_ROWS_SHOWN = 7
#: the smallest picture the layout is made to fit, in pixels: half of a 1280-pixel screen at the
#: 125 % zoom the guide suggests for a projector, and the chart's 560 pixels less its legends
PLOT_WIDTH_PX = 480
SYSTEM_HEIGHT_PX = 560
#: the queues' titles: 9-pixel text, about this wide a character, and a line's foot this far
#: below its box's top (ECharts sets the text 5 pixels inside, on 11-pixel lines)
TITLE_CHARACTER_PX = 5.4
TITLE_LINE_PX = 16
#: the largest dot's radius, in pixels (relationship depth 1)
DOT_RADIUS_PX = 5
# Every box keeps its top row for its title, so no dot sits under the text.
TITLE_ROWS = 1.2
# A queue's second title line, saying how many of its people are drawn, in dot rows.
MORE_ROWS = 1.2
LEGEND_TOP = 40  # pixels: under the title (14 px) and its line of counts (12 px)
# The boxes' roles are a line of their own under the marks: the hybrid's two roles beside the
# marks did not fit in half of a 1280-pixel screen, and "caseworker" wrapped over the boxes
ROLES_TOP = LEGEND_TOP + 22
# The colour key of active needs is a line of its own under the legend, above the boxes: at the
# foot of the picture it was below the fold of a 1280x720 screen
NEEDS_KEY_TOP = ROLES_TOP + 22
BOXES_TOP = NEEDS_KEY_TOP + 22
PLOT_HEIGHT_PX = SYSTEM_HEIGHT_PX - BOXES_TOP - 8
NEEDS_KEY_TITLE = "dot colour, active needs:"
#: a box's edge by its worker's role (False: a duty worker), in the app's colours for the front
#: door and the caseworkers, and named in the legend
ROLE_BORDERS = {False: "#d95f02", True: "#1b9e77"}
ROLE_NAMES = {False: "duty worker", True: "caseworker"}
# Light to dark as needs rise, each step clearly darker than the last (viridis, reversed), so
# the order reads without telling red from green; the crisis ring's red differs from every step
# in hue or lightness.
NEED_PIECES = [
    {"min": 0, "max": 0, "label": "none", "color": "#fde725"},
    {"min": 1, "max": 1, "label": "1", "color": "#7ad151"},
    {"min": 2, "max": 2, "label": "2", "color": "#22a884"},
    {"min": 3, "max": 3, "label": "3", "color": "#2a788e"},
    {"min": 4, "max": 99, "label": "4 or more", "color": "#414487"},
]


# A dot's value, [x, y, active needs, relationship depth, citizen row], named for its tooltip.
PERSON_DIMENSIONS = ["x", "y", "active needs", "relationship (0–1)", "citizen"]


@dataclass(frozen=True)
class Box:
    title: str
    x: float
    y: float
    width: float
    height: float
    fill: str
    border: str


def _burnout_fill(burnout: float) -> str:
    return f"rgba(215,48,39,{0.06 + 0.5 * min(max(burnout, 0.0), 1.0):.2f})"


def _grid(count: int, width: int, x0: float, y0: float) -> tuple[np.ndarray, np.ndarray]:
    index = np.arange(count)
    return x0 + 0.5 + index % width, y0 + 0.5 + index // width


def layout(
    snapshot: CitizenSnapshot, workers: Sequence[WorkerState]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[Box], dict[str, int]]:
    """Positions (x, y) of the people shown, which snapshot rows they are, the boxes, and the
    counts of people in each place (shown or not)."""
    present = snapshot.place != observe.PLACE_LEFT
    held = snapshot.place == observe.PLACE_WORKER
    biggest = max([w.cap for w in workers] + [w.caseload for w in workers] + [1])
    side = math.ceil(math.sqrt(biggest))
    pitch = side + 1
    row_pitch = side + TITLE_ROWS + 1
    columns = max(1, math.ceil(math.sqrt(len(workers) * 1.3)))
    xs: list[np.ndarray] = []
    ys: list[np.ndarray] = []
    chosen: list[np.ndarray] = []
    boxes: list[Box] = []
    for i, worker in enumerate(workers):
        x0, y0 = (i % columns) * pitch, (i // columns) * row_pitch
        if not worker.in_post:
            label, fill, border = "vacant", "rgba(0,0,0,0)", "#bbb"
        else:
            # a box is narrow: an absent worker's box says so instead of its caseload
            label = "away" if worker.absent else f"{worker.caseload}/{worker.cap}"
            fill = "rgba(160,160,160,0.35)" if worker.absent else _burnout_fill(worker.burnout)
            border = ROLE_BORDERS[worker.caseworker]
        if columns > LABELLED_COLUMNS:
            label = ""  # too small to hold a label: each ran over the boxes beside it
        boxes.append(Box(label, x0, y0, side, side + TITLE_ROWS, fill, border))
        mine = np.flatnonzero(held & (snapshot.post == worker.post))
        x, y = _grid(mine.size, side, x0, y0 + TITLE_ROWS)
        xs.append(x)
        ys.append(y)
        chosen.append(mine)
    grid_rows = math.ceil(len(workers) / columns) if workers else 0
    grid_width, grid_height = columns * pitch, grid_rows * row_pitch
    queues = [
        ("front door queue", snapshot.place == observe.PLACE_FRONT_DOOR),
        ("waiting for a caseworker", snapshot.place == observe.PLACE_CASEWORKER_QUEUE),
        ("waiting for a specialist", snapshot.place == observe.PLACE_SPECIALIST_QUEUE),
        ("with a specialist", snapshot.place == observe.PLACE_SPECIALIST),
        ("case closed this week", snapshot.closed & (snapshot.place == observe.PLACE_OUT)),
    ]
    drawn = []
    for title, members in queues:
        rows = np.flatnonzero(members & present)
        shown = rows[: QUEUE_WIDTH * QUEUE_ROWS_SHOWN]
        height = max(1, math.ceil(shown.size / QUEUE_WIDTH))
        # how many are drawn goes on a line of its own: after the count, on one line, it ran
        # past the picture's right edge ("waiting for a caseworker: 335 (168 sh")
        more = f"\n({shown.size} shown)" if rows.size > shown.size else ""
        title_rows = TITLE_ROWS + (MORE_ROWS if more else 0.0)
        drawn.append((f"{title}: {rows.size}{more}", shown, height, title_rows))
    scale = queue_scale(
        grid_width,
        grid_height,
        sum(height + title_rows + 2.2 for _, _, height, title_rows in drawn),
        max(len(line) for title, *_ in drawn for line in title.split("\n")),
    )
    qx, qy = grid_width + 1, 0.0
    for title, shown, height, title_rows in drawn:
        boxes.append(
            Box(
                title,
                qx,
                qy + scale,
                QUEUE_WIDTH * scale,
                (height + title_rows) * scale,
                "rgba(0,0,0,0.03)",
                "#999",
            )
        )
        x, y = _grid(shown.size, QUEUE_WIDTH, 0.0, title_rows)
        xs.append(qx + x * scale)
        ys.append(qy + scale + y * scale)
        chosen.append(shown)
        qy += (height + title_rows + 2.2) * scale
    counts = {title: int((members & present).sum()) for title, members in queues}
    counts["held by a worker"] = int(held.sum())
    counts["not in any service"] = int((snapshot.place == observe.PLACE_OUT).sum())
    counts["grid_height"] = math.ceil(max(grid_height, qy))
    counts["grid_width"] = math.ceil(qx + QUEUE_WIDTH * scale + 0.5)
    counts["grid_labelled"] = int(columns <= LABELLED_COLUMNS)
    return np.concatenate(xs), np.concatenate(ys), np.concatenate(chosen), boxes, counts


def queue_scale(grid_width: float, grid_height: float, queues_height: float, title: int) -> float:
    """How much larger than a worker's dots the queues are drawn, so that in the smallest
    picture (PLOT_WIDTH_PX by PLOT_HEIGHT_PX) a queue's box holds its longest title line of
    `title` characters and its title rows hold the text above its dots. Beside many workers the
    picture shrinks to fit them, and the queues' titles, whose text does not shrink, ran out of
    their boxes and under their dots; the smallest scale that fits is taken (1: as the
    workers')."""
    for step in range(13):
        scale = 1.0 + 0.25 * step
        per_unit_x = PLOT_WIDTH_PX / (grid_width + 1 + QUEUE_WIDTH * scale + 0.5)
        per_unit_y = PLOT_HEIGHT_PX / max(grid_height, queues_height * scale, 1.0)
        wide = title * TITLE_CHARACTER_PX <= QUEUE_WIDTH * scale * per_unit_x
        tall = TITLE_ROWS * scale * per_unit_y >= TITLE_LINE_PX
        if wide and tall:
            return scale
    return scale


def system_chart(
    snapshot: CitizenSnapshot,
    workers: Sequence[WorkerState],
    title: str,
    followed: int | None = None,
) -> dict:
    """The ECharts option of the picture. Each dot's value is [x, y, active needs, relationship
    depth, citizen row], so a click on a dot names the citizen."""
    x, y, rows, boxes, counts = layout(snapshot, workers)
    needs = snapshot.active_needs[rows]
    depth = snapshot.depth[rows]
    points = [
        [round(float(a), 2), round(float(b), 2), int(n), round(float(d), 2), int(r)]
        for a, b, n, d, r in zip(x, y, needs, depth, rows, strict=True)
    ]

    def overlay(flag: np.ndarray) -> list[list[float]]:
        picked = flag[rows]
        return [[float(a), float(b)] for a, b in zip(x[picked], y[picked], strict=True)]

    series = [
        {
            "name": "people",
            "type": "scatter",
            "data": points,
            # who a dot is, in words: the default named the series and gave a coordinate
            "dimensions": PERSON_DIMENSIONS,
            "encode": {"x": 0, "y": 1, "tooltip": [4, 2, 3]},
            "markArea": {
                "silent": True,
                # lineHeight: ECharts' default sets a title's two lines over each other
                "label": {
                    "position": "insideTopLeft",
                    "fontSize": 9,
                    "lineHeight": 11,
                    "color": "#333",
                },
                "data": [
                    [
                        {
                            "name": b.title,
                            "coord": [b.x, b.y],
                            "itemStyle": {
                                "color": b.fill,
                                "borderColor": b.border,
                                "borderWidth": 1,
                            },
                        },
                        {"coord": [b.x + b.width, b.y + b.height]},
                    ]
                    for b in boxes
                ],
            },
        },
        {
            "name": "crisis this week",
            "type": "scatter",
            "symbol": "circle",
            "symbolSize": 11,
            "itemStyle": {"color": "rgba(0,0,0,0)", "borderColor": "#d7191c", "borderWidth": 2},
            "data": overlay(snapshot.crisis),
            "z": 3,
            # the mark lets a click through to the person under it, who can then be followed
            "silent": True,
        },
        {
            "name": "handed on this week",
            "type": "scatter",
            "symbol": "diamond",
            "symbolSize": 12,
            "itemStyle": {"color": "rgba(0,0,0,0)", "borderColor": "#222", "borderWidth": 1.5},
            "data": overlay(snapshot.handoff),
            "z": 3,
            "silent": True,
        },
    ]
    roles = sorted({w.caseworker for w in workers if w.in_post})
    series += [
        {
            "name": ROLE_NAMES[role],
            "type": "scatter",
            "symbol": "rect",
            "itemStyle": {
                "color": "rgba(0,0,0,0)",
                "borderColor": ROLE_BORDERS[role],
                "borderWidth": 2,
            },
            "data": [],
        }
        for role in roles
    ]
    if followed is not None:
        here = rows == followed
        series.append(
            {
                "name": "followed",
                "type": "scatter",
                "symbol": "pin",
                "symbolSize": 26,
                "itemStyle": {"color": "#5e3c99"},
                "data": [[float(a), float(b)] for a, b in zip(x[here], y[here], strict=True)],
                "z": 4,
                "silent": True,
            }
        )
    out = counts["not in any service"]
    return {
        "animation": False,
        "title": {
            "text": title,
            "subtext": f"{counts['held by a worker']} held by a worker · {out} not in any service"
            + ("" if counts["grid_labelled"] else " · boxes unlabelled (too many)"),
            "left": 8,
            "textStyle": {"fontSize": 14},
        },
        # the legend goes under the title and its counts: beside them, in half of a
        # 1280-pixel screen, it was drawn over the counts
        "legend": [
            {
                "data": data,
                "top": top,
                "left": 4,
                "textStyle": {"fontSize": 11},
            }
            for data, top in (
                (["crisis this week", "handed on this week"], LEGEND_TOP),
                ([ROLE_NAMES[r] for r in roles], ROLES_TOP),
            )
        ],
        "tooltip": {"confine": True, "trigger": "item"},
        "grid": {"left": 8, "right": 8, "top": BOXES_TOP, "bottom": 8},
        "xAxis": {"type": "value", "show": False, "min": 0, "max": counts["grid_width"]},
        "yAxis": {
            "type": "value",
            "show": False,
            "inverse": True,
            "min": 0,
            "max": max(counts["grid_height"], 1),
        },
        "visualMap": [
            {
                "type": "piecewise",
                "dimension": 2,
                "seriesIndex": 0,
                "pieces": NEED_PIECES,
                "orient": "horizontal",
                "left": 4,  # under the legend's first mark
                "top": NEEDS_KEY_TOP,
                "text": ["", NEEDS_KEY_TITLE],  # at the low end, before the pieces
                "showLabel": True,
                "itemWidth": 12,
                "itemHeight": 12,
                "itemGap": 8,
                "textStyle": {"fontSize": 11},
            },
            {
                "type": "continuous",
                "dimension": 3,
                "seriesIndex": 0,
                "min": 0,
                "max": 1,
                "inRange": {"symbolSize": [4, 10]},
                "show": False,
            },
        ],
        "series": series,
    }
