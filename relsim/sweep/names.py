"""Names the command line needs before any heavy import: samplers, methods, headline metrics."""

SAMPLERS = ("lhs", "sobol")
METHODS = ("morris", "sobol")
HEADLINE_METRICS = (
    "crisis_events_per_citizen_year",
    "total_cost_per_citizen_year",
    "staff_cost_per_citizen_year",
    "failure_demand_share",
    "mean_burnout",
)
