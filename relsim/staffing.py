"""The staff phase of a week: burnout, absence and leaving are settled, vacancies filled (by
agency cover or a new hire), and the caseloads of those who left handed to whoever now holds
the post, or back to the care model to reassign."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from relsim.care_models.base import CarePathway
from relsim.cases import allocate, release
from relsim.citizens import Route
from relsim.district import District, Week
from relsim.workforce import Hire


def staff_week(
    district: District, week: Week, pathways: Mapping[Route, CarePathway], hire: Hire
) -> None:
    """`hire(post, agency_until)` makes the worker who fills a post."""
    workforce, citizens, tally = district.workforce, district.citizens, district.records.tally
    staff = district.config.staff
    rng = district.streams["staff"]
    left = workforce.finish_week(week.number, week.reflective, rng, staff)
    vacancy = rng.exponential(max(staff.vacancy_weeks or 0.0, 1e-9), workforce.posts)
    tally.add("leavers", sum(1 for p in left if not workforce.agency[p]))
    for post in left:
        workforce.vacate(post, week.number, float(vacancy[post])).remove()
    filled = set(workforce.fill_posts(week.number, hire, rng, staff))
    tally.add("agency_starts", sum(1 for p in filled if workforce.agency[p]))
    n = citizens.n
    for post in left:
        rows = (citizens.worker[:n] == post).nonzero()[0]
        if rows.size == 0:
            continue
        if post in filled:  # someone new takes the caseload over in the same post
            release(district, rows)
            citizens.handoffs[rows] += 1
            tally.add("handoffs", rows.size)
            allocate(district, week, rows, np.full(rows.size, post), handover=True)
            continue
        for route, pathway in pathways.items():
            mine = rows[citizens.route[rows] == route]
            if mine.size:
                pathway.reassign(district, week, mine)
