"""The scenario schema: every parameter with its unit, default and source.

Costs are in pounds at 2023/24 prices. Older unit costs are uprated with an assumed GDP-deflator
factor stated in each source string (2006/07 x1.55, 2008/09 x1.45, 2010/11 x1.35, 2011/12 x1.33,
2013/14 x1.28). The factors are assumptions, rounded.
"""

# One module a side of the model: the citizens (`citizens`), their crises (`crises`), the
# assess-do-refer services and rationing (`services`), the Liberated Method and the hybrid
# (`liberated`), the workforce (`staff`), and the whole scenario (`scenario`); the names they
# share are in `vocabulary`.

from relsim.config.schema.citizens import Arrivals, HelpSeeking, Needs, Population
from relsim.config.schema.crises import (
    AandE,
    Crises,
    CrisisType,
    Eviction,
    MentalHealthCrisis,
    PoliceCustody,
)
from relsim.config.schema.liberated import Hybrid, Liberated
from relsim.config.schema.scenario import DemandShock, Scenario, Time
from relsim.config.schema.services import AssessDoRefer, Rationing, Specialist, Specialists
from relsim.config.schema.staff import Relationship, Staff, Workforce
from relsim.config.schema.vocabulary import (
    CRISIS_TYPES,
    DOMAINS,
    PAYERS,
    UNIT_COSTS,
    CareModelName,
    CitizenDrawKey,
    Domain,
    Payer,
)

__all__ = [
    "CRISIS_TYPES",
    "DOMAINS",
    "PAYERS",
    "UNIT_COSTS",
    "AandE",
    "Arrivals",
    "AssessDoRefer",
    "CareModelName",
    "CitizenDrawKey",
    "Crises",
    "CrisisType",
    "DemandShock",
    "Domain",
    "Eviction",
    "HelpSeeking",
    "Hybrid",
    "Liberated",
    "MentalHealthCrisis",
    "Needs",
    "Payer",
    "PoliceCustody",
    "Population",
    "Rationing",
    "Relationship",
    "Scenario",
    "Specialist",
    "Specialists",
    "Staff",
    "Time",
    "Workforce",
]
