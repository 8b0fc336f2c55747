"""matplotlib as relsim draws with it: without a display, and with every text taken as it is
written. Titles, legends and axis labels carry names and values from users' files, and
matplotlib reads text between two `$` as mathematics: 'Cost in $ per $ spent' lost its
signs, and an unbalanced one stopped a figure after every run had finished."""

from __future__ import annotations

from typing import Any


def pyplot() -> Any:
    """matplotlib.pyplot, set up for files (the Agg backend) and plain text."""
    import matplotlib

    matplotlib.use("Agg")
    matplotlib.rcParams["text.parse_math"] = False
    import matplotlib.pyplot as plt

    return plt
