"""Read untrusted YAML into plain values that remember their file, line and column."""

from __future__ import annotations

import codecs
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, NamedTuple, NoReturn

import yaml

from site_gen.errors import Location, Problem

try:  # The C loader is several times faster; fall back when libyaml is missing.
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]


@dataclass(frozen=True)
class Limit:
    """One bound on what a single input file may make a check read, build or hold."""

    value: int
    what: str


# Every bound on untrusted input, in one table (docs/format.md prints it). Aliases count each
# time they repeat a value, so a small file cannot expand into a huge tree; the bounds are
# checked while the file is read, before anything larger than the file itself is built.
LIMITS = MappingProxyType(
    {
        "file_bytes": Limit(16 * 1024 * 1024, "bytes in one YAML file or source text"),
        "scalar_chars": Limit(100_000, "characters in one value"),
        # Markdown renders in more than linear time on hostile text, so its values are shorter.
        "markdown_chars": Limit(5_000, "characters in one Markdown value"),
        # Python-Markdown recurses once per level, and runs out of stack some hundreds deep.
        "markdown_depth": Limit(64, "lists and quotes nested in one another in a Markdown value"),
        # Numbers this long are no counts; YAML would also build sexagesimal ones in quadratic time.
        "number_chars": Limit(100, "characters in one number"),
        "file_chars": Limit(
            8_000_000, "characters of values in one file, each alias counted as what it repeats"
        ),
        "file_values": Limit(400_000, "values in one file, each alias counted as what it repeats"),
        "collection_items": Limit(50_000, "items in one list, or keys in one mapping"),
        "depth": Limit(64, "levels of nesting"),
        # An id names a folder of the built site; file systems allow 255 bytes per name.
        "id_chars": Limit(200, "characters in one id"),
    }
)
MAX_FILE_BYTES = LIMITS["file_bytes"].value
MAX_SCALAR_CHARS = LIMITS["scalar_chars"].value
MAX_DEPTH = LIMITS["depth"].value
_MAX_VALUES = LIMITS["file_values"].value
_MAX_CHARS = LIMITS["file_chars"].value
_MAX_ITEMS = LIMITS["collection_items"].value


def _forbidden_characters() -> str:
    """Return a character class of what HTML, XML and JSON text may not carry.

    The C0 and C1 controls but tab, newline and carriage return; lone surrogates (which a YAML
    escape can make); the Unicode noncharacters; and the bidi embeddings, overrides and
    isolates, which reorder what a page shows ("5,<U+202E>13<U+202C>5" shows as 5,531) while
    the quote matcher reads past them.
    """
    ranges = [("\x00", "\x08"), ("\x0b", "\x0c"), ("\x0e", "\x1f"), ("\x7f", "\x9f")]
    ranges += [("\u202a", "\u202e"), ("\u2066", "\u2069")]
    ranges += [("\ud800", "\udfff"), ("\ufdd0", "\ufdef")]
    ranges += [(chr(plane + 0xFFFE), chr(plane + 0xFFFF)) for plane in range(0, 0x110000, 0x10000)]
    return "[" + "".join(f"{re.escape(a)}-{re.escape(b)}" for a, b in ranges) + "]"


# What no value may contain: pages, feeds and facts.json could not carry it.
FORBIDDEN = re.compile(_forbidden_characters())


def find_forbidden(text: str) -> re.Match[str] | None:
    """Return the first character of `text` that no page can carry, or None.

    Each such character is unprintable (a control, a surrogate, a noncharacter), so a text that is
    printable but for its line breaks and tabs holds none: most texts, told at C speed, many times
    faster than the pattern (benchmarks/README.md).
    """
    if text.replace("\n", "").replace("\r", "").replace("\t", "").isprintable():
        return None
    return FORBIDDEN.search(text)


# Where the parser read a value; PyYAML's C and Python parsers each have a Mark class of their own.
Mark = Any
_STR = "tag:yaml.org,2002:str"
_ALLOWED_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}" for name in ("map", "seq", "str", "int", "float", "bool", "null")
)
_NOT_A_STRING = ("yaml-key", "keys must be plain strings", "quote or rename the key")


class _Loader(_BaseLoader):
    """Safe loader that keeps dates as strings, so partial dates and ISO dates read alike."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}


# The first characters of plain scalars that an implicit type (number, bool, null…) may start
# with; PyYAML reads any other plain scalar as a string, as tag() does without calling it.
# (tests/test_loader.py holds this to PyYAML's own resolution.)
_RESOLVED_FIRST = frozenset(first for first in _Loader.yaml_implicit_resolvers if first)


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
    """Builds Nodes from the parser's events, collecting problems instead of raising.

    Reading events rather than PyYAML's composed node graph keeps memory within the limits:
    the graph of a hostile file is built before anything could count it.
    """

    loader: _Loader
    path: str
    problems: list[Problem] = field(default_factory=list)
    # Anchored values by name, with the values and characters they expand to.
    anchors: dict[str, tuple[Node, int, int]] = field(default_factory=dict)
    values: int = 0
    chars: int = 0

    def location(self, mark: Mark) -> Location:
        return Location(self.path, mark.line + 1, mark.column + 1)

    def fail(self, where: Location, code: str, message: str, hint: str) -> None:
        self.problems.append(Problem(code, message, where, hint=hint))

    def reject(self, mark: Mark, code: str, message: str, hint: str) -> Node:
        """Report a value and keep its place, so its key is not also reported as missing."""
        where = self.location(mark)
        self.fail(where, code, message, hint)
        return Node(INVALID, where)

    def too_large(self, mark: Mark, limit: str, hint: str) -> NoReturn:
        """Stop reading a file that holds more than LIMITS[limit] allows."""
        over = LIMITS[limit]
        message = f"over the limit: more than {over.value:,} {over.what}"
        self.fail(self.location(mark), "yaml-too-large", message, hint)
        raise _Abort

    def document(self) -> Node | None:
        """Read the stream's one document; None when the stream is empty."""
        get = self.loader.get_event
        get()  # StreamStart
        start: Any = get()
        if type(start) is yaml.StreamEndEvent:
            return None
        root = self.node(get(), 0)
        get()  # DocumentEnd
        if not self.loader.check_event(yaml.StreamEndEvent):
            another: Any = self.loader.peek_event()
            raise yaml.composer.ComposerError(
                "expected a single document in the stream",
                start.start_mark,
                "but found another document",
                another.start_mark,
            )
        return root

    def count(self, mark: Mark, values: int, chars: int) -> None:
        """Add to what the file expands to; stop reading it past the limits."""
        self.values += values
        self.chars += chars
        if self.values > _MAX_VALUES or self.chars > _MAX_CHARS:
            limit = "file_values" if self.values > _MAX_VALUES else "file_chars"
            hint = "split it into smaller files, and write values out instead of aliases"
            self.too_large(mark, limit, hint)

    def node(self, event: Any, depth: int) -> Node:
        """Read one value, whose first event is `event`, and all below it.

        Each event is fetched once and dispatched on its exact type: this loop runs for every
        value of every file, and most values are plain strings.
        """
        if depth > MAX_DEPTH:
            self.problems.append(_too_deep(self.location(event.start_mark)))
            raise _Abort
        kind = type(event)
        if kind is yaml.ScalarEvent:
            node = self.scalar(event)
        elif kind is yaml.AliasEvent:
            if event.anchor not in self.anchors:
                raise yaml.composer.ComposerError(
                    None, None, f"found undefined alias {event.anchor!r}", event.start_mark
                )
            node, values, chars = self.anchors[event.anchor]
            self.count(event.start_mark, values, chars)
            return node
        else:
            before = (self.values, self.chars)
            if kind is yaml.SequenceStartEvent:
                node = self.sequence(event, depth)
            else:
                node = self.mapping(event, depth)
            if event.anchor is not None:
                self.anchors[event.anchor] = (node, self.values - before[0], self.chars - before[1])
            return node
        if event.anchor is not None:
            self.anchors[event.anchor] = (node, 1, len(event.value))
        return node

    def tag(self, event: Any, kind: type[yaml.Node], value: str | None) -> str:
        tag = event.tag
        if tag is None or tag == "!":
            if kind is yaml.ScalarNode and not event.implicit[0]:
                return _STR  # A quoted scalar: PyYAML resolves it to a string without looking.
            if kind is yaml.ScalarNode and value and value[0] not in _RESOLVED_FIRST:
                return _STR  # No implicit type starts so ("kassym-…", "kind"): a string.
            return str(self.loader.resolve(kind, value, event.implicit))  # type: ignore[no-untyped-call]
        return str(tag)

    def disallowed(self, tag: str, mark: Mark) -> Node | None:
        if tag in _ALLOWED_TAGS:
            return None
        hint = "use plain strings, numbers, lists and mappings"
        return self.reject(mark, "yaml-tag", f"tag '{tag}' is not allowed", hint)

    def scalar(self, event: Any) -> Node:
        mark = event.start_mark
        text = event.value
        self.count(mark, 1, len(text))
        tag = self.tag(event, yaml.ScalarNode, text)
        if (rejected := self.disallowed(tag, mark)) is not None:
            return rejected
        if len(text) > MAX_SCALAR_CHARS:
            message = f"value has {len(text)} characters, more than {MAX_SCALAR_CHARS}"
            return self.reject(mark, "value-too-long", message, "split it or shorten it")
        if tag == _STR:
            return Node(text, self.location(mark))
        limit = LIMITS["number_chars"].value
        if len(text) > limit:
            message = f"number has {len(text)} characters, more than {limit}"
            hint = "write it as a plain number, or put it in quotes if it is text"
            return self.reject(mark, "value-too-long", message, hint)
        node = yaml.ScalarNode(tag, text, mark, event.end_mark, event.style)
        try:
            value = self.loader.yaml_constructors[tag](self.loader, node)
        except (yaml.YAMLError, ValueError, OverflowError, LookupError) as exc:
            # PyYAML's constructors raise KeyError or IndexError on some tagged values.
            return self.reject(mark, "yaml-value", f"cannot read value: {exc}", "fix the value")
        return Node(value, self.location(mark))

    def sequence(self, event: Any, depth: int) -> Node:
        mark = event.start_mark
        self.count(mark, 1, 0)
        get = self.loader.get_event
        items: list[Node] = []
        while type(item := get()) is not yaml.SequenceEndEvent:
            items.append(self.node(item, depth + 1))
            if len(items) > _MAX_ITEMS:
                self.too_large(mark, "collection_items", "split it into smaller files")
        tag = self.tag(event, yaml.SequenceNode, None)
        return self.disallowed(tag, mark) or Node(items, self.location(mark))

    def mapping(self, event: Any, depth: int) -> Node:
        mark = event.start_mark
        self.count(mark, 1, 0)
        get = self.loader.get_event
        values: dict[str, Node] = {}
        keys: dict[str, Location] = {}
        key: Any
        while type(key := get()) is not yaml.MappingEndEvent:
            if type(key) is not yaml.ScalarEvent:
                where = self.node(key, depth + 1).location  # Read, to move past it, and dropped.
                self.node(get(), depth + 1)
                self.fail(where, *_NOT_A_STRING)
                continue
            key_mark = key.start_mark
            self.count(key_mark, 1, len(key.value))
            key_tag = self.tag(key, yaml.ScalarNode, key.value)
            value = self.node(get(), depth + 1)
            if len(values) >= _MAX_ITEMS:
                self.too_large(mark, "collection_items", "split it into smaller files")
            if key_tag != _STR or key.value in values:
                self.bad_key(key, key_tag, keys)
            else:
                values[key.value] = value
                keys[key.value] = self.location(key_mark)
        tag = self.tag(event, yaml.MappingNode, None)
        return self.disallowed(tag, mark) or Node(values, self.location(mark), keys)

    def bad_key(self, key: Any, tag: str, keys: dict[str, Location]) -> None:
        """Report a merge key, a key that is not a string, or a key given twice."""
        if tag == "tag:yaml.org,2002:merge":
            problem = ("yaml-merge-key", "merge keys (<<) are not supported", "write the keys out")
        elif tag != _STR:
            problem = _NOT_A_STRING
        else:
            first = keys[key.value].line
            message = f"key '{key.value}' appears twice in one mapping (first at line {first})"
            problem = ("duplicate-key", message, "keep one of them")
        self.fail(self.location(key.start_mark), *problem)


class _Abort(Exception):
    """Stops reading a file whose problem makes the rest meaningless."""


def _too_deep(where: Location) -> Problem:
    """Report values nested too deep, as our depth check or the parser's own recursion finds."""
    message = f"values nest more than {MAX_DEPTH} levels deep"
    return Problem("yaml-too-deep", message, where, hint="flatten the structure")


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
        message = f"file has {len(data)} bytes, more than the limit of {MAX_FILE_BYTES}"
        hint = "split it into smaller files"
        return None, [Problem("file-too-large", message, Location(display), hint=hint)]
    text, problem = decode_utf8(data, display)
    if problem:
        return None, [problem]
    loader = _Loader(text)
    reader = _Reader(loader, display)
    try:
        root = reader.document()
        if root is not None and root.value is INVALID:
            root = None
        return root, reader.problems
    except yaml.MarkedYAMLError as exc:
        return None, [syntax_problem(exc, text, display)]
    except yaml.reader.ReaderError as exc:
        return None, [character_problem(exc, text, display)]
    except RecursionError:
        # The parser itself recursed too deep, before our own depth check could see the node.
        return None, [_too_deep(Location(display))]
    except _Abort:
        return None, reader.problems
    finally:
        loader.dispose()


def decode_utf8(data: bytes, display: str) -> tuple[str, Problem | None]:
    """Decode UTF-8 (a BOM is allowed); name the line and column of the first bad byte."""
    # The BOM goes first, not through "utf-8-sig", whose errors count bytes from the BOM's end.
    data = data.removeprefix(codecs.BOM_UTF8)
    try:
        return data.decode(), None
    except UnicodeDecodeError as exc:
        before = data[: exc.start].decode()  # All valid, up to the first bad byte.
        message = f"invalid UTF-8 (byte 0x{data[exc.start]:02x})"
        where = location_at(display, before, len(before))
        return "", Problem("encoding", message, where, hint="save the file as UTF-8")


def location_at(display: str, text: str, offset: int) -> Location:
    """Return where the character at `offset` of a file's text is, as an editor counts."""
    before = text[:offset]
    return Location(display, before.count("\n") + 1, offset - before.rfind("\n"))


def character_problem(exc: yaml.reader.ReaderError, text: str, display: str) -> Problem:
    """Name the line and column of a character YAML does not allow, such as a control code."""
    code_point = (
        exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "\0")
    )
    message = f"character U+{code_point:04X} is not allowed in YAML"
    hint = "delete it, or write it as an escape such as \\u00e9 inside double quotes"
    return Problem("yaml-character", message, location_at(display, text, exc.position), hint=hint)


def syntax_problem(exc: yaml.MarkedYAMLError, text: str, display: str) -> Problem:
    """Turn a parser error into a Problem that shows the line with a caret under the fault.

    An unclosed quote or a tab in the indentation makes the parser fail lines later, where
    nothing is wrong: the problem then points at the line where the fault starts.
    """
    mark = exc.problem_mark or exc.context_mark
    what = exc.problem or "invalid YAML"
    if exc.context:
        what = f"{what} ({exc.context})"
    lines = text.splitlines()
    if mark is None:
        return Problem("yaml-syntax", what, Location(display), hint="fix the YAML syntax")
    context = exc.context_mark
    first = context.line if context and context.line < mark.line else mark.line
    start = _fault_start(lines, first, mark.line)
    detail: tuple[str, ...] = ()
    hint = "fix the YAML syntax at the caret"
    line, column = mark.line, mark.column
    if start is not None:
        cause = start[2]
        hint = "close the quote" if "quote" in cause else "indent with spaces, not tabs"
        if start[0] != mark.line:
            line, column = start[0], start[1]
            what = f"{cause} (the parser then fails at line {mark.line + 1}: {what})"
            detail = _caret(lines, line, column, " here")
    elif exc.context == "while scanning a simple key" and context is not None:
        # Words without ':' read as the start of a key, and the parser fails only where the
        # next key begins, or past the file's end: the fault is the line of those words.
        where = Location(display, context.line + 1, context.column + 1)
        what = "a line has no ':' after its words where a key was expected"
        hint = "write 'key: value', or indent the words to go on with the value above"
        return Problem(
            "yaml-syntax",
            what,
            where,
            hint=hint,
            detail=_caret(lines, context.line, context.column),
        )
    elif exc.problem == _COLON_IN_VALUE and (plain := _plain_value(lines, mark)) is not None:
        what = "the value has ': ' in it, which YAML reads as the start of another key"
        hint = "put the whole value in double quotes"
        if '"' in plain:
            hint += ', and write each " inside it as \\"'
    elif context and context.line < mark.line and exc.context:
        label = f" {exc.context.removeprefix('while parsing ')} starts here"
        detail = _caret(lines, context.line, context.column, label)
    detail += _caret(lines, mark.line, mark.column)
    return Problem(
        "yaml-syntax", what, Location(display, line + 1, column + 1), hint=hint, detail=detail
    )


# An optional "- ", then a plain "key: ".
_KEY = r"[ ]*(?:-[ ]+)?(?:[^\s:#\"'][^:#\"']*:[ ]+)"
# A value that starts with a quote, after an optional "- " and "key: ".
_QUOTED_VALUE = re.compile(_KEY + r"?([\"'])")
# A value after "key: " that starts with no quote, bracket or other YAML sign: a plain one.
_PLAIN_VALUE = re.compile(_KEY + r"(?=[^\s\"'#&*!|>{\[%@`])")
# What PyYAML says of a ': ' where no key may start.
_COLON_IN_VALUE = "mapping values are not allowed in this context"
# Lines searched above the parser's mark for the start of the fault.
_FAULT_WINDOW = 50


def _fault_start(lines: list[str], first: int, last: int) -> tuple[int, int, str] | None:
    """Return the line, column and cause of the nearest fault at or above `last`: a tab in the
    indentation, or a quoted value not closed on its own line."""
    for number in range(min(last, len(lines) - 1), max(first, last - _FAULT_WINDOW) - 1, -1):
        line = lines[number]
        indent = line[: len(line) - len(line.lstrip())]
        if "\t" in indent:
            return number, indent.index("\t"), "a tab in the indentation"
        opened = _QUOTED_VALUE.match(line)
        if opened and not _closes(line, opened.start(1)) and _is_the_fault(lines, number, last):
            return number, opened.start(1), "a quote that is not closed on its line"
    return None


def _plain_value(lines: list[str], mark: Mark) -> str | None:
    """Return the plain value that the ': ' at `mark` stands in, written after its key on the
    same line; None when the colon is no part of such a value (a key's own, say)."""
    line = lines[mark.line] if mark.line < len(lines) else ""
    value = _PLAIN_VALUE.match(line)
    if value is None or mark.column < value.end():
        return None
    return line[value.end() :]


def _is_the_fault(lines: list[str], number: int, failed: int) -> bool:
    """Tell whether closing the quote on line `number` moves the parse past line `failed`.

    A quoted value may go on over several lines; only one whose closing fixes the parse is
    blamed.
    """
    line = lines[number]
    quote = _QUOTED_VALUE.match(line)
    assert quote is not None
    mended = [*lines[:number], line + quote.group(1), *lines[number + 1 :]]
    try:
        for _ in yaml.parse("\n".join(mended), Loader=_BaseLoader):
            pass
    except yaml.MarkedYAMLError as exc:
        return exc.problem_mark is not None and exc.problem_mark.line > failed
    except yaml.YAMLError:
        # A character the reader refuses, which it read ahead to: its own error says where.
        return False
    return True


def _closes(line: str, start: int) -> bool:
    """Tell whether the quote opened at `start` closes later on the same line."""
    quote, index = line[start], start + 1
    while index < len(line):
        if line[index] == "\\" and quote == '"':
            index += 2
            continue
        if line[index] == quote:
            if quote == "'" and line[index + 1 : index + 2] == "'":
                index += 2  # '' is an escaped quote inside single quotes.
                continue
            return True
        index += 1
    return False


def _caret(lines: list[str], line: int, column: int, label: str = "") -> tuple[str, ...]:
    """Return a source line and a caret under the column (nothing past the end)."""
    if line >= len(lines):
        return ()
    return (f"{line + 1:>5} | {lines[line]}", f"      | {' ' * column}^{label}")
