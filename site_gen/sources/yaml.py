"""Read untrusted YAML into plain values that remember their file, line and column."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, NamedTuple

import yaml

from site_gen.errors import Location, Problem

try:  # The C loader is several times faster; fall back when libyaml is missing.
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]

# Limits that keep a hostile file from exhausting memory or time.
MAX_FILE_BYTES = 16 * 1024 * 1024
MAX_SCALAR_CHARS = 100_000
# Aliases may repeat a node, but not blow a small file up into a huge tree.
MAX_ALIAS_EXPANSION = 10_000
# Facts nest four levels deep; anything far deeper is an attack on the recursion limit.
MAX_DEPTH = 64

_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_ALLOWED_TAGS = {
    _MAP,
    _SEQ,
    _STR,
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
}


class _Loader(_BaseLoader):
    """Safe loader that keeps dates as strings, so partial dates and ISO dates read alike."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}


class _Invalid:
    """Marks a value that was reported and dropped; readers skip it without a second report."""

    def __repr__(self) -> str:
        return "INVALID"


INVALID: Any = _Invalid()


# Scalars and lists have no keys; one shared, read-only mapping saves a dict per value.
_NO_KEYS: Mapping[str, Location] = MappingProxyType({})


class Node(NamedTuple):
    """A YAML value (scalar, list of Nodes, or dict of str to Node) and where it was written.

    A named tuple, because a load makes one for every value of every facts file.
    """

    value: Any
    location: Location
    key_locations: Mapping[str, Location] = _NO_KEYS


@dataclass
class _Reader:
    """Converts one composed document, collecting problems instead of raising."""

    loader: _Loader
    path: str
    problems: list[Problem] = field(default_factory=list)
    seen: set[int] = field(default_factory=set)
    repeats: int = 0

    def location(self, node: yaml.Node) -> Location:
        mark = node.start_mark
        return Location(self.path, mark.line + 1, mark.column + 1)

    def fail(self, node: yaml.Node, code: str, message: str, hint: str) -> None:
        self.problems.append(Problem(code, message, self.location(node), hint=hint))

    def reject(self, node: yaml.Node, code: str, message: str, hint: str) -> Node:
        """Report a value and keep its place, so its key is not also reported as missing."""
        self.fail(node, code, message, hint)
        return Node(INVALID, self.location(node))

    def convert(self, node: yaml.Node, depth: int = 0) -> Node:
        """Convert a node and all below it; runs once per value, so it avoids every spare call."""
        if depth > MAX_DEPTH:
            self.fail(
                node,
                "yaml-too-deep",
                f"values nest more than {MAX_DEPTH} levels deep",
                "flatten the structure",
            )
            raise _Abort
        if id(node) in self.seen:
            self.repeats += 1
            if self.repeats > MAX_ALIAS_EXPANSION:
                self.fail(
                    node,
                    "yaml-alias-limit",
                    f"aliases expand to more than {MAX_ALIAS_EXPANSION} repeated nodes",
                    "write the values out instead of nesting aliases",
                )
                raise _Abort
        self.seen.add(id(node))
        tag = node.tag
        if tag not in _ALLOWED_TAGS:
            return self.reject(
                node,
                "yaml-tag",
                f"tag '{tag}' is not allowed",
                "use plain strings, numbers, lists and mappings",
            )
        if isinstance(node, yaml.MappingNode):
            return self.convert_mapping(node, depth)
        where = self.location(node)
        if isinstance(node, yaml.SequenceNode):
            return Node([self.convert(item, depth + 1) for item in node.value], where)
        if len(node.value) > MAX_SCALAR_CHARS:
            return self.reject(
                node,
                "value-too-long",
                f"value has {len(node.value)} characters, more than {MAX_SCALAR_CHARS}",
                "split it or shorten it",
            )
        if tag == _STR:
            # What PyYAML's str constructor returns, without its bookkeeping for every scalar.
            return Node(node.value, where)
        try:
            value = self.loader.construct_object(node)
        except (yaml.YAMLError, ValueError, OverflowError) as exc:
            return self.reject(node, "yaml-value", f"cannot read value: {exc}", "fix the value")
        return Node(value, where)

    def convert_mapping(self, node: yaml.MappingNode, depth: int) -> Node:
        values: dict[str, Node] = {}
        keys: dict[str, Location] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                self.fail(
                    key_node,
                    "yaml-merge-key",
                    "merge keys (<<) are not supported",
                    "write the keys out",
                )
                continue
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != _STR:
                self.fail(
                    key_node, "yaml-key", "keys must be plain strings", "quote or rename the key"
                )
                continue
            key = key_node.value
            if key in values:
                self.fail(
                    key_node,
                    "duplicate-key",
                    f"key '{key}' appears twice in one mapping (first at line {keys[key].line})",
                    "keep one of them",
                )
                continue
            values[key] = self.convert(value_node, depth + 1)
            keys[key] = self.location(key_node)
        return Node(values, self.location(node), keys)


class _Abort(Exception):
    """Stops reading a file whose problem makes the rest meaningless."""


def read_file(path: Path, display: str) -> tuple[bytes, Problem | None]:
    """Return a file's bytes, or the problem of reading it."""
    try:
        return path.read_bytes(), None
    except OSError as exc:
        return b"", Problem(
            "file-unreadable", f"cannot read file: {exc.strerror}", Location(display)
        )


def parse_yaml(data: bytes, display: str) -> tuple[Node | None, list[Problem]]:
    """Parse the bytes of a YAML file; return its root Node (None when empty or unusable)."""
    if len(data) > MAX_FILE_BYTES:
        return None, [
            Problem(
                "file-too-large",
                f"file has {len(data)} bytes, more than the limit of {MAX_FILE_BYTES}",
                Location(display),
                hint="split it into smaller files",
            )
        ]
    text, problem = decode_utf8(data, display)
    if problem:
        return None, [problem]
    loader = _Loader(text)
    reader = _Reader(loader, display)
    try:
        root = loader.get_single_node()
        converted = reader.convert(root) if root is not None else None
        if converted is None or converted.value is INVALID:
            return None, reader.problems
        return converted, reader.problems
    except yaml.MarkedYAMLError as exc:
        return None, [syntax_problem(exc, text, display)]
    except yaml.reader.ReaderError as exc:
        return None, [character_problem(exc, text, display)]
    except RecursionError:
        # The parser itself recursed too deep, before our own depth check could see the node.
        return None, [
            Problem(
                "yaml-too-deep",
                f"values nest more than {MAX_DEPTH} levels deep",
                Location(display),
                hint="flatten the structure",
            )
        ]
    except _Abort:
        return None, reader.problems
    finally:
        loader.dispose()


def decode_utf8(data: bytes, display: str) -> tuple[str, Problem | None]:
    """Decode UTF-8 (a BOM is allowed); name the line and column of the first bad byte."""
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        return "", Problem(
            "encoding",
            f"invalid UTF-8 (byte 0x{data[exc.start]:02x})",
            Location(display, line, column),
            hint="save the file as UTF-8",
        )


def character_problem(exc: yaml.reader.ReaderError, text: str, display: str) -> Problem:
    """Name the line and column of a character YAML does not allow, such as a control code."""
    before = text[: exc.position]
    line = before.count("\n") + 1
    column = exc.position - (before.rfind("\n") + 1) + 1
    code_point = (
        exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "\0")
    )
    return Problem(
        "yaml-character",
        f"character U+{code_point:04X} is not allowed in YAML",
        Location(display, line, column),
        hint="delete it, or write it as an escape such as \\u00e9 inside double quotes",
    )


def syntax_problem(exc: yaml.MarkedYAMLError, text: str, display: str) -> Problem:
    """Turn a parser error into a Problem that shows the line with a caret under the fault."""
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark else 0
    column = mark.column + 1 if mark else 0
    what = exc.problem or "invalid YAML"
    if exc.context:
        what = f"{what} ({exc.context})"
    lines = text.splitlines()
    detail: tuple[str, ...] = ()
    context = exc.context_mark
    # An unclosed bracket or quote fails far below where it opened: show that line too.
    if context and mark and context.line < mark.line and exc.context:
        detail = _caret(
            lines, context, f" {exc.context.removeprefix('while parsing ')} starts here"
        )
    if mark:
        detail += _caret(lines, mark)
    return Problem(
        "yaml-syntax",
        what,
        Location(display, line, column),
        hint="fix the YAML syntax at the caret",
        detail=detail,
    )


def _caret(lines: list[str], mark: yaml.Mark, label: str = "") -> tuple[str, ...]:
    """Return a source line and a caret under the marked column (nothing past the end)."""
    if mark.line >= len(lines):
        return ()
    return (f"{mark.line + 1:>5} | {lines[mark.line]}", f"      | {' ' * mark.column}^{label}")
