"""The teaching guide (docs/teaching.md) as the app's Guide tab, so that a teacher who installed
relsim has it beside the model: its pictures put in the page itself (nothing is fetched), and
its links to the other documents, which only a checkout has, left as their words."""

from __future__ import annotations

import base64
import functools
import re
from pathlib import Path

import markdown

from relsim import bundled

MISSING = "The teaching guide is not in this installation (it is docs/teaching.md in the source)."
_PICTURE = re.compile(r'<img alt="([^"]*)" src="([^"]+\.png)"')
_LINK = re.compile(r'<a href="[^"#:]+\.(?:md|csv)(?:#[^"]*)?">(.*?)</a>')


@functools.cache
def guide_html() -> str:
    """The guide as HTML, read once."""
    path = bundled.teaching_guide()
    if path is None:
        return f"<p>{MISSING}</p>"
    page = markdown.markdown(path.read_text(encoding="utf-8"), extensions=["tables", "fenced_code"])
    page = _PICTURE.sub(lambda m: _inline(m, path.parent), page)
    return _LINK.sub(r"\1", page)


def _inline(match: re.Match[str], folder: Path) -> str:
    alt, source = match.groups()
    picture = folder / source
    if not picture.is_file():
        return f'<img alt="{alt}" src=""'
    data = base64.b64encode(picture.read_bytes()).decode("ascii")
    return f'<img alt="{alt}" style="max-width: 100%" src="data:image/png;base64,{data}"'
