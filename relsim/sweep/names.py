"""Names the command line needs before any heavy import: samplers, methods, headline metrics."""

SAMPLERS = ("lhs", "sobol")
# The most points a design may have, and runs a sweep may make (points x replications): checked
# before a design is built, so a mistyped range cannot fill the memory.
MAX_DESIGN_POINTS = 100_000
MAX_RUNS = 10_000_000
METHODS = ("morris", "sobol")
HEADLINE_METRICS = (
    "crisis_events_per_citizen_year",
    "total_cost_per_citizen_year",
    "staff_cost_per_citizen_year",
    "failure_demand_share",
    "mean_burnout",
)
