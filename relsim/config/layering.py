"""Layering scenario data: mappings merged key by key, and where each value came from (a file
and its line, or a `--set`), so that every problem can name it."""

from __future__ import annotations

import copy
import re
from typing import Any

KEY_PART = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class Origins:
    """Where each value came from ("FILE: line N" or "--set KEY"), by key path: a tree, so that
    a value replacing a whole section forgets where the section's old values came from."""

    _LABEL = object()

    def __init__(self) -> None:
        self._root: dict[Any, Any] = {}

    def record(self, key: tuple[str, ...], label: str, replaces: bool) -> None:
        node = self._root
        for part in key:
            node = node.setdefault(part, {})
        if replaces:
            node.clear()
        node[self._LABEL] = label

    def nearest(self, loc: tuple[str, ...]) -> str | None:
        """The origin of `loc` or of its nearest recorded section."""
        node: dict[Any, Any] | None = self._root
        found = None
        for part in loc:
            node = node.get(part) if node is not None else None
            if node is None:
                break
            found = node.get(self._LABEL, found)
        return found

    def options_below(self, loc: tuple[str, ...]) -> list[str]:
        """Command-line origins (`--set`) at or below `loc`."""
        node: dict[Any, Any] | None = self._root
        for part in loc:
            node = node.get(part) if node is not None else None
        found, stack = [], [node] if node is not None else []
        while stack:
            current = stack.pop()
            for part, child in current.items():
                if part is self._LABEL:
                    if child.startswith("--"):
                        found.append(child)
                else:
                    stack.append(child)
        return found


def deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """`override` layered on `base`: mappings merge key by key, anything else replaces."""
    merged = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def is_key_name(text: str) -> bool:
    """A plausible key: letters, digits and underscores, not too long. Anything else read from
    a file is not echoed in messages."""
    return len(text) <= 64 and KEY_PART.fullmatch(text) is not None
