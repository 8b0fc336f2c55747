"""Checking numbers a page quotes against the file they come from, to the precision the page
gives them: "4,850" must find between 4,845 and 4,855, "19,000" between 18,500 and 19,500,
"0.26" between 0.255 and 0.265."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

#: a number the page quotes, in braces within the passage
QUOTED = re.compile(r"\{([^}]*)\}")


@dataclass(frozen=True)
class Quote:
    """A passage of a page with the numbers it quotes in braces, and what each of them reads
    from the source (a function of the source), in order."""

    where: Any  # which section of the page
    text: str
    values: Sequence[Callable[[Any], float]]


def precision(text: str) -> float:
    """Half the unit of the last digit given."""
    digits = text.replace(",", "").replace("£", "").lstrip("−-")
    if "." in digits:
        return 0.5 * 10.0 ** -len(digits.split(".")[1])
    trailing = len(digits) - len(digits.rstrip("0"))
    return 0.5 * 10.0 ** min(trailing, len(digits) - 1)


def as_number(text: str) -> float:
    return float(text.replace(",", "").replace("£", "").replace("−", "-"))


def check(quote: Quote, section: str, source: Any) -> None:
    """The passage is in `section` (white space made single spaces) as written, and each number
    it quotes is what the source gives, to its precision."""
    assert QUOTED.sub(r"\1", quote.text) in " ".join(section.split()), "not on the page as written"
    numbers = QUOTED.findall(quote.text)
    assert len(numbers) == len(quote.values), "a value for each number in braces"
    for text, value in zip(numbers, quote.values, strict=True):
        found = value(source)
        assert abs(found - as_number(text)) <= precision(text) + 1e-9, (text, round(found, 4))
