"""Decision support for commissioners: like-for-like comparisons at equal spend, who pays and who
saves, the staffing frontier, the best balance under a budget, and scaling to a district.

Everything here drives the model from outside, through scenarios and the runner: it never
changes how the model works, only which scenarios are run and how their results are read.
"""
