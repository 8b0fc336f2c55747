"""Reading input files and YAML within stated limits.

Only regular files are read (never a device such as /dev/zero, a pipe or a socket), and only up to
a size limit. YAML is parsed with the safe loader and checked before anything is built from it:
nesting deeper than a limit, more nodes than a limit once aliases are expanded (an "alias bomb"
of a few hundred bytes can stand for gigabytes), recursive aliases, duplicate keys and tags
other than those of plain values (`!!binary`, `!!set`, a Python object's) are refused with the
line they are on. Nothing from a file is echoed unless it was parsed as YAML, and then
only in short form.
"""

from __future__ import annotations

import os
import re
import stat
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from relsim.config.errors import FileError, ScenarioError, printable, shown

MERGE_TAG = "tag:yaml.org,2002:merge"
QUOTED = re.compile(r"'[^']{4,}'")


@dataclass(frozen=True)
class Limits:
    """How much input one file or value may hold."""

    bytes: int
    nodes: int
    depth: int


SCENARIO_LIMITS = Limits(bytes=1 << 20, nodes=20_000, depth=32)
VALUE_LIMITS = Limits(bytes=64 << 10, nodes=10_000, depth=32)
DESIGN_LIMITS = Limits(bytes=8 << 20, nodes=1_000_000, depth=32)


@dataclass
class Parsed:
    """A parsed YAML document and the line of each mapping key, by key path: in the mapping read
    (a key merged into it with `<<:`, or reached through an alias, at the line of the `<<:` or
    the alias), with a note of the line the key is written on where that is another."""

    data: Any
    lines: dict[tuple[str, ...], int]
    notes: dict[tuple[str, ...], str] = field(default_factory=dict)


def _a(noun: str) -> str:
    """`noun` with its indefinite article: "a scenario file", "an experiment file"."""
    return f"{'an' if noun[:1].lower() in 'aeiou' else 'a'} {noun}"


def read_text(path: Path, limit: int, what: str) -> str:
    """The text of a regular file of at most `limit` bytes, or ScenarioError naming the file."""
    name = printable(str(path))
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise FileError(f"{name}: no such file") from None
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "strerror", None) or "not a valid path"
        raise FileError(f"{name}: cannot read file ({reason})") from None
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise FileError(f"{name}: is a directory, expected {_a(what)}")
        if not stat.S_ISREG(mode):
            raise FileError(
                f"{name}: not a regular file (a device, pipe or socket); expected {_a(what)}"
            )
        with os.fdopen(os.dup(fd), "rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise FileError(f"{name}: cannot read file ({exc.strerror})") from None
    finally:
        os.close(fd)
    if len(data) > limit:
        raise FileError(f"{name}: larger than {limit:,} bytes; expected {_a(what)}")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise FileError(
            f"{name}: line {data.count(b'\n', 0, exc.start) + 1}: not valid utf-8 text "
            f"(byte {exc.start + 1} of the file); expected {_a(what)}"
        ) from None


INT_TAG = "tag:yaml.org,2002:int"
FLOAT_TAG = "tag:yaml.org,2002:float"
# Numbers as YAML 1.2 writes them, not 1.1: a leading zero is decimal (`010` is ten, not eight),
# `0o` and `0x` mark octal and hexadecimal, and there is no base 60 (`1:20` is text, not
# eighty) or `0b`. Underscores between digits are read, as 1.1 and Python read them.
_INT = re.compile(r"^(?:[-+]?[0-9][0-9_]*|[-+]?0o[0-7_]+|[-+]?0x[0-9a-fA-F_]+)$")
_FLOAT = re.compile(
    r"^(?:[-+]?[0-9][0-9_]*\.[0-9_]*(?:[eE][-+]?[0-9]+)?"  # 1.5, 1., 1.5e3, 1.5e+3
    r"|[-+]?\.[0-9_]+(?:[eE][-+]?[0-9]+)?"  # .5, -.5e-3
    r"|[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+"  # 1e3, as 1.2 reads it (1.1: text)
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
)


_YAML_TAG = "tag:yaml.org,2002:"
#: the tags a file may give explicitly (`!!str 3`): those of the plain values the formats use.
#: Any other is refused, also those the safe loader would read (`!!binary` as text, `!!set`,
#: `!!omap`, `!!pairs`, `!!timestamp`), which the formats have no use for.
PLAIN_TAGS = frozenset(
    _YAML_TAG + name for name in ("str", "int", "float", "bool", "null", "map", "seq")
)
#: tags from the YAML type repository, named in the message refusing them (others never are)
_NAMED_TAGS = frozenset(
    _YAML_TAG + name
    for name in ("binary", "set", "omap", "pairs", "timestamp", "merge", "value", "yaml")
)


class TagError(yaml.YAMLError):
    """An explicit tag that the formats do not use, at its mark."""

    def __init__(self, tag: str, mark: Any) -> None:
        super().__init__(tag)
        self.tag = tag
        self.problem_mark = mark


class _Loader(yaml.SafeLoader):
    """The safe loader, with a nesting limit while composing and duplicate keys recorded, and
    numbers read as YAML 1.2 reads them (`_INT`, `_FLOAT`); booleans and nulls as 1.1 reads
    them (`yes:` is True), which a schema of numbers and text never mistakes silently."""

    yaml_implicit_resolvers: typing.ClassVar[dict[Any, list[Any]]] = {
        first: [(tag, pattern) for tag, pattern in resolvers if tag not in (INT_TAG, FLOAT_TAG)]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }

    def construct_yaml_int(self, node: Any) -> int:
        text = str(self.construct_scalar(node)).replace("_", "")
        sign = -1 if text.startswith("-") else 1
        digits = text.lstrip("+-")
        for prefix, base in (("0x", 16), ("0o", 8)):
            if digits.startswith(prefix):
                return sign * int(digits[len(prefix) :], base)
        return sign * int(digits, 10)

    def __init__(self, text: str, max_depth: int) -> None:
        super().__init__(text)
        self.max_depth = max_depth
        self.depth = 0
        #: (the key as written, (the line and spelling of its first giving), the line repeating it)
        self.duplicates: list[tuple[str, tuple[int, str], int]] = []
        #: by mapping node (id), the keys (ids of their nodes) merged into it, each with the line
        #: of the `<<:` that merged it
        self.merged: dict[int, dict[int, int]] = {}

    def compose_node(self, parent: Any, index: Any) -> Any:
        self.depth += 1
        try:
            event = self.peek_event()
            if self.depth > self.max_depth:
                raise yaml.composer.ComposerError(
                    None,
                    None,
                    f"nested more than {self.max_depth} levels deep",
                    event.start_mark,
                )
            tag = getattr(event, "tag", None)
            if tag not in (None, "!") and tag not in PLAIN_TAGS:
                raise TagError(tag, event.start_mark)
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1

    def flatten_mapping(self, node: Any) -> None:
        merges = [(key, value) for key, value in node.value if key.tag == MERGE_TAG]
        super().flatten_mapping(node)
        for key_node, value_node in merges:
            line = key_node.start_mark.line + 1
            sources = [value_node]
            if isinstance(value_node, yaml.SequenceNode):
                sources = value_node.value
            for source in sources:  # flattened by now
                for merged_key, _ in source.value:
                    self.merged.setdefault(id(node), {}).setdefault(id(merged_key), line)

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        first: dict[Any, tuple[int, str]] = {}
        for key_node, _ in node.value:
            if key_node.tag == MERGE_TAG or not isinstance(key_node, yaml.ScalarNode):
                continue
            key = self.construct_object(key_node)
            line = key_node.start_mark.line + 1
            try:
                if key in first:
                    self.duplicates.append((key_node.value, first[key], line))
                else:
                    first[key] = (line, key_node.value)
            except TypeError:  # unhashable: the base constructor says so
                continue
        return super().construct_mapping(node, deep=deep)


def _children(node: Any) -> list[Any]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def _check_size(root: Any, limits: Limits) -> tuple[str, Any] | None:
    """Why the node graph is too big once aliases are expanded, and the node where that shows
    (None if it is not): counted without expanding anything, each shared node once, so an alias
    bomb costs little."""
    measured: dict[int, tuple[int, int]] = {}  # id -> (expanded nodes, depth)
    open_nodes: set[int] = set()
    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        node, closing = stack.pop()
        key = id(node)
        if closing:
            open_nodes.discard(key)
            sizes = [measured[id(c)] for c in _children(node)]
            size = 1 + sum(s for s, _ in sizes)
            depth = 1 + max((d for _, d in sizes), default=0)
            measured[key] = (size, depth)
            if size > limits.nodes:
                return f"more than {limits.nodes:,} values (aliases expanded)", node
            if depth > limits.depth:
                return f"nested more than {limits.depth} levels (aliases expanded)", node
            continue
        if key in measured:
            continue
        if key in open_nodes:
            return "an alias refers to a value that contains it", node
        open_nodes.add(key)
        stack.append((node, True))
        stack.extend((c, False) for c in _children(node) if id(c) not in measured)
    return None


_Loader.add_implicit_resolver(INT_TAG, _INT, list("-+0123456789"))
_Loader.add_implicit_resolver(FLOAT_TAG, _FLOAT, list("-+0123456789."))
_Loader.add_constructor(INT_TAG, _Loader.construct_yaml_int)


def _key_text(node: yaml.ScalarNode) -> str:
    """A key as the loaded data spells it (`null:` and `~:` are None, `yes:` is True), so that a
    problem with that key finds its line."""
    if node.tag == "tag:yaml.org,2002:str":
        return str(node.value)
    try:  # the tag this loader resolved (`1e3:` is a number here, text to PyYAML's own)
        return str(_Loader("", 1).construct_object(node))
    except yaml.YAMLError:
        return str(node.value)


def _key_lines(
    root: Any, limit: int, merged: dict[int, dict[int, int]]
) -> tuple[dict[tuple[str, ...], int], dict[tuple[str, ...], str]]:
    """The line of each mapping key, by key path (scalar keys only), in the mapping read, and a
    note of the line the key is written on where that is another: a key merged into a mapping
    with `<<:` (and everything below it) is at the `<<:`'s line, and one reached through an
    alias at the alias's. Of a key given both by a merge and in the mapping, the mapping's own,
    which is the value read."""
    lines: dict[tuple[str, ...], int] = {}
    notes: dict[tuple[str, ...], str] = {}
    # (node, key path, the line in the mapping read and how the node came there, if elsewhere)
    stack: list[tuple[Any, tuple[str, ...], tuple[int, str] | None]] = [(root, (), None)]
    while stack and len(lines) < limit:
        node, path, via = stack.pop()
        if not isinstance(node, yaml.MappingNode):
            continue
        keys: dict[str, tuple[Any, Any]] = {}  # the pair read for each key: the last given
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.tag != MERGE_TAG:
                keys[_key_text(key_node)] = (key_node, value_node)
        for text, (key_node, value_node) in keys.items():
            child = (*path, text)
            line = key_node.start_mark.line + 1
            merge = merged.get(id(node), {}).get(id(key_node))
            below = via
            if via is None and merge is not None:
                below = (merge, "merged")
            if below is not None:
                lines.setdefault(child, below[0])
                if line != below[0]:  # merged or aliased on the line it is written on: no note
                    notes.setdefault(child, f"{below[1]} from line {line}")
            else:
                lines.setdefault(child, line)
                if value_node.start_mark.index < key_node.start_mark.index:  # an alias
                    below = (line, "aliased")
            stack.append((value_node, child, below))
    return lines, notes


def _reader_error(origin: str, text: str, exc: yaml.reader.ReaderError) -> ScenarioError:
    """A character YAML does not allow (a control character such as NUL or ESC, DEL, U+FFFE),
    named by its code point and line, never echoed."""
    line = text.count("\n", 0, exc.position) + 1
    return ScenarioError(
        f"{origin}: line {line}: character U+{int(exc.character):04X} is not allowed in YAML "
        "(a control or non-text character)"
    )


def _duplicate(origin: str, written: str, first: tuple[int, str], line: int) -> str:
    """A key given twice in one mapping; YAML reads some different spellings as one key (`1` and
    `true`, `null` and `~`), which is said, since the file shows two keys."""
    first_line, first_written = first
    if written == first_written:
        return (
            f"{origin}: line {line}: duplicate key {shown(written)} "
            f"(first given on line {first_line})"
        )
    return (
        f"{origin}: line {line}: duplicate key: YAML reads {shown(written)} as the same key as "
        f"{shown(first_written)} on line {first_line}"
    )


def _syntax_error(origin: str, exc: yaml.YAMLError) -> ScenarioError:
    mark = getattr(exc, "problem_mark", None)
    where = f"line {mark.line + 1}: " if mark is not None else ""
    problem_text = str(getattr(exc, "problem", None) or "")
    if isinstance(exc, yaml.composer.ComposerError) and "another document" in problem_text:
        return ScenarioError(
            f"{origin}: {where}a second YAML document (after ---); the file must be one document"
        )
    if isinstance(exc, yaml.constructor.ConstructorError) and "unhashable key" in problem_text:
        return ScenarioError(f"{origin}: {where}a key must be a name, not a list or a mapping")
    if isinstance(exc, TagError) and exc.tag in _NAMED_TAGS:
        return ScenarioError(
            f"{origin}: {where}the YAML tag !!{exc.tag.removeprefix(_YAML_TAG)} is not allowed; "
            "expected plain mappings, lists, numbers and strings"
        )
    if isinstance(exc, TagError) or (
        isinstance(exc, yaml.constructor.ConstructorError) and "tag" in str(exc.problem)
    ):
        return ScenarioError(
            f"{origin}: {where}YAML tags that build objects are not allowed; "
            "expected plain mappings, lists, numbers and strings"
        )
    # Names quoted from the file (an undefined alias, a tag handle) are left out: the file may not
    # be YAML at all, and its content is not for the terminal.
    problem = QUOTED.sub("'...'", str(getattr(exc, "problem", None) or "not valid YAML"))
    return ScenarioError(f"{origin}: {where}malformed YAML ({printable(problem, 120)})")


def parse_yaml(text: str, origin: str, limits: Limits) -> Parsed:
    """Parse one YAML document within `limits`; errors name `origin` and the line."""
    origin = printable(origin)
    if len(text.encode("utf-8", errors="replace")) > limits.bytes:
        raise ScenarioError(f"{origin}: longer than {limits.bytes:,} bytes")
    try:
        loader = _Loader(text, limits.depth)
    except yaml.reader.ReaderError as exc:  # the whole text is checked for characters at once
        raise _reader_error(origin, text, exc) from None
    except yaml.YAMLError as exc:
        raise _syntax_error(origin, exc) from None
    try:
        root = loader.get_single_node()
        if root is None:
            return Parsed(None, {})
        too_big = _check_size(root, limits)
        if too_big:
            problem, node = too_big
            raise ScenarioError(f"{origin}: line {node.start_mark.line + 1}: {problem}")
        data = loader.construct_document(root)
    except yaml.reader.ReaderError as exc:
        raise _reader_error(origin, text, exc) from None
    except yaml.YAMLError as exc:
        raise _syntax_error(origin, exc) from None
    finally:
        loader.dispose()
    if loader.duplicates:
        raise ScenarioError(*(_duplicate(origin, *duplicate) for duplicate in loader.duplicates))
    return Parsed(data, *_key_lines(root, limits.nodes, loader.merged))


def load_file(path: Path, what: str, limits: Limits = SCENARIO_LIMITS) -> Parsed:
    """Read and parse a YAML file within `limits`."""
    return parse_yaml(read_text(path, limits.bytes, what), str(path), limits)


def parse_value(text: str, origin: str) -> Any:
    """A value given on the command line (`--set`, `--grid`), read as YAML."""
    return parse_yaml(text, origin, VALUE_LIMITS).data
