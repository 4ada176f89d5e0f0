"""Fuzzing the loader, the checker and the build: whatever the site root holds, the result is
located problems and an exit code, never a crash, a leak or a write out of place.

Hypothesis mutates field values; the YAML structure (anchors and aliases, tags, merge keys, flow
and block style, deep nesting, several documents, huge but bounded lists, raw bytes); and the
site root itself (odd file and folder names, names that are not UTF-8 or near 255 bytes,
symbolic links inside and out of the root, dangling links, loops, named pipes, a registry
naming odd files). Every run must keep the promises `assert_clean_run` lists: no traceback;
exit 0, 1 or 2; each problem on a line of its own that starts with its path; no line that GitHub
reads as a workflow command; no raw control character; not a byte of a file outside the root,
read or printed; no input file changed; and for `build`, nothing written outside --out.

The CI budget keeps this module near 20 s. For a longer run, multiply every test's number of
examples: SITE_GEN_FUZZ_SCALE=20 python -m pytest tests/test_fuzz.py. tests/fuzz_loader.py
fuzzes the loader with Atheris, for as long as you let it.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import re
import secrets
import shutil
import signal
import stat
import sys
import tempfile
import threading
import unicodedata
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import count
from pathlib import Path
from types import FrameType
from typing import Any, ClassVar

import pytest
import yaml
from conftest import REPO, SAMPLE, check_root, run_cli
from hypothesis import HealthCheck, event, given, note, settings
from hypothesis import strategies as st
from hypothesis.control import currently_in_test_context
from yaml import events as ev

from site_gen.cli import main
from site_gen.model import schema

# Multiplies every test's number of examples, for a longer run than CI's.
SCALE = float(os.environ.get("SITE_GEN_FUZZ_SCALE", "1"))


def fuzz(examples: int) -> settings:
    return settings(
        max_examples=max(1, round(examples * SCALE)),
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.large_base_example,
            HealthCheck.filter_too_much,
        ],
    )


FUZZ = fuzz(80)

# ---------------------------------------------------------------------------------------------
# Field values: whatever the YAML says, loading and checking it gives problems, never a crash.

# Keys the loader knows, so generated mappings reach deep into fact, value and citation parsing.
KEYS = sorted(
    {f.name for fields in schema.KIND_FIELDS.values() for f in fields}
    | {f.name for f in schema.COMMON + schema.CITATION + schema.FIGURE_VALUE}
)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True)
    | st.text(max_size=40)
    | st.sampled_from(
        [*schema.KINDS, "gazette", "mara-lind", "2025-03-04", "About 1,200 vehicles crossed"]
    )
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=8), inner, max_size=6)
    ),
    max_leaves=30,
)


def fresh_copy(folder: Path) -> Path:
    """Copy the sample project, with the repo's templates, into `folder`."""
    shutil.copytree(SAMPLE, folder, ignore=shutil.ignore_patterns("expected"))
    shutil.copytree(REPO / "templates", folder / "templates")
    return folder


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return fresh_copy(tmp_path_factory.mktemp("fuzz") / "site")


def checked(root: Path, data: bytes) -> None:
    """Write one facts file and check the site; only the tool's own problem reports may result."""
    (root / "facts/zz.yml").write_bytes(data)
    _, problems = check_root(root)
    assert all(p.location.path for p in problems)


@FUZZ
@given(facts=st.lists(VALUES, min_size=1, max_size=4))
def test_structured_yaml(root: Path, facts: list[Any]) -> None:
    checked(root, yaml.safe_dump(facts, allow_unicode=True).encode())


@fuzz(60)
@given(text=st.text(max_size=300))
def test_arbitrary_text(root: Path, text: str) -> None:
    checked(root, text.encode("utf-8", "surrogatepass"))


@fuzz(60)
@given(data=st.binary(max_size=300))
def test_arbitrary_bytes(root: Path, data: bytes) -> None:
    checked(root, data)


# ---------------------------------------------------------------------------------------------
# YAML structure: a tree of nodes shaped like the schema, emitted as parser events, so anchors,
# aliases, tags, styles, duplicate and merge keys and extra documents all come out as real YAML.


@dataclass(frozen=True)
class Y:
    """One YAML node to emit: a scalar, a list, a mapping, an alias, or a huge flow list."""

    kind: str  # scalar | seq | map | alias | huge
    value: Any = None  # str; tuple of Y; tuple of (Y, Y); anchor name; (count, item)
    tag: str | None = None
    anchor: str | None = None
    style: str | None = None  # a scalar style ('', "'", '"', '|', '>') or "flow" for lists


def scalar(text: str, tag: str | None = None, style: str | None = None) -> Y:
    return Y("scalar", text, tag, style=style)


YAML_ORG = "tag:yaml.org,2002:"
ANCHORS = ("a", "b", "c", "long-anchor_1")
# Tags whose constructor takes any value; !!bool, !!int and !!float are drawn with valid values
# here (test_explicit_tag_with_bad_value covers the others), and the Atheris fuzzer draws any.
ANY_VALUE_TAGS = (
    *(YAML_ORG + t for t in ("str", "null", "binary", "timestamp", "set", "omap", "pairs")),
    *(YAML_ORG + t for t in ("merge", "value", "yaml", "python/object/apply:os.system")),
    YAML_ORG + "python/name:builtins.eval",
    "!custom",
    "!",
    "tag:example.com,2000:app/thing",
)
TYPED_VALUES = {
    YAML_ORG + "bool": ("yes", "false", "ON", "off"),
    YAML_ORG + "int": ("7", "-0", "0x1F", "0o17", "0b101", "1_000", "190:20:30", "+12"),
    YAML_ORG + "float": ("1.5", ".inf", "-.INF", ".nan", "1e999", "6.8523015e+5", "190:20:30.15"),
}
SAMPLE_IDS = ("bridge-reopens", "mara-lind", "port-elin", "transport-office", "vehicles")
SOURCE_TEXT = (SAMPLE / "seeds/harbour.txt").read_text(encoding="utf-8")
SENTENCES = [line for line in SOURCE_TEXT.splitlines() if line]
ODD_STRINGS = (
    "",
    " ",
    "~",
    "null",
    "<<",
    "=",
    "yes",
    "0x1F",
    "1e999",
    "-.inf",
    "2025-02-30",
    "9999-99-99",
    "Grüße, ünïcödé",
    "e\u0301",  # a decomposed é
    "\u202eevil",  # right-to-left override
    "zero\u200bwidth",
    "line\u2028separator",
    "next\x85line",
    "bell\x07",
    "nul\x00",
    "esc\x1b[31mred",
    "cr\rreturn",
    "tab\tbed",
    "new\nline",
    "::error file=x::forged",
    "\n::warning::forged",
    "\ud800",  # a lone surrogate, which only an escape can write
    "\ufffe",
    "\U0001f600",
    "{{ 7 * 7 }}",
    "<script>alert(1)</script>",
    "[x](javascript:alert(1))",
    "a" * 201,
    "a" * 300,
    "about 1,200 vehicles",
    "nearly 36",
    "...",
    "The harbour bridge [...] reopened",
    "The bridge is not safe",
)
odd_texts = st.sampled_from(ODD_STRINGS) | st.text(max_size=30)


@st.composite
def passages(draw: st.DrawFn) -> str:
    """A passage of the source: cut anywhere, now and then with a word dropped, swapped, elided,
    a number added, or in capitals."""
    words = draw(st.sampled_from(SENTENCES)).split(" ")
    start = draw(st.integers(0, len(words) - 1))
    end = draw(st.integers(start + 1, len(words)))
    chosen = words[start:end]
    edit = draw(st.sampled_from(["", "", "drop", "swap", "ellipsis", "number", "case"]))
    if edit == "drop" and len(chosen) > 2:
        del chosen[draw(st.integers(0, len(chosen) - 1))]
    elif edit == "swap" and len(chosen) > 1:
        chosen[0], chosen[-1] = chosen[-1], chosen[0]
    elif edit == "ellipsis" and len(chosen) > 3:
        chosen[len(chosen) // 2] = draw(st.sampled_from(["...", "[...]", "…"]))
    elif edit == "number":
        chosen.append(draw(st.sampled_from(["1,300", "36", "12", "-1", "1.200"])))
    elif edit == "case":
        chosen = [word.upper() for word in chosen]
    return " ".join(chosen)


# Quotes that match the source, almost match it, or match nothing.
QUOTES = passages() | odd_texts


@dataclass
class Draft:
    """The anchors a document being drawn has defined so far, so aliases can name them."""

    anchors: list[str]


# The generators below are plain functions that take Hypothesis's `draw`, as one composite,
# yaml_document, calls them: drawing through nested composites costs more than the check.
MAYBE_TAG = st.none() | st.none() | st.none() | st.sampled_from([*ANY_VALUE_TAGS, *TYPED_VALUES])


def any_node(draw: st.DrawFn, draft: Draft, depth: int = 0) -> Y:
    """Any YAML value: odd scalars, tags, aliases, lists and mappings, deep or huge ones."""
    choice = draw(st.integers(0, 39))
    if choice <= 1:
        return alias(draw, draft)
    if choice == 2:
        return deep(draw)
    if choice == 3:
        return huge(draw)  # rare: a huge value takes a tenth of a second to read
    if choice <= 11 and depth < 3:
        flow = draw(st.sampled_from([None, "flow"]))
        anchor = maybe_anchor(draw, draft)
        items = tuple(any_node(draw, draft, depth + 1) for _ in range(draw(st.integers(0, 3))))
        return Y("seq", items, draw(MAYBE_TAG), anchor, flow)
    if choice <= 17 and depth < 3:
        flow = draw(st.sampled_from([None, "flow"]))
        anchor = maybe_anchor(draw, draft)
        pairs = tuple(
            (key_node(draw, draft, st.sampled_from(KEYS)), any_node(draw, draft, depth + 1))
            for _ in range(draw(st.integers(0, 3)))
        )
        return Y("map", pairs, draw(MAYBE_TAG), anchor, flow)
    return odd_scalar(draw, draft)


def odd_scalar(draw: st.DrawFn, draft: Draft) -> Y:
    tag = draw(MAYBE_TAG)
    if tag in TYPED_VALUES:
        text = draw(st.sampled_from(TYPED_VALUES[tag]))
    else:
        text = draw(odd_texts | st.sampled_from(["12", "-3.5", "true", "~", "2025", "1_0"]))
    style = draw(st.sampled_from([None, None, "'", '"', "|", ">"]))
    return Y("scalar", text, tag, maybe_anchor(draw, draft), style)


def maybe_anchor(draw: st.DrawFn, draft: Draft) -> str | None:
    if draw(st.integers(0, 7)):
        return None
    name: str = draw(st.sampled_from(ANCHORS))
    draft.anchors.append(name)
    return name


def alias(draw: st.DrawFn, draft: Draft) -> Y:
    """An alias of an anchor defined earlier (or of one still open, or of none at all)."""
    if draft.anchors and draw(st.integers(0, 5)):
        return Y("alias", draw(st.sampled_from(draft.anchors)))
    return Y("alias", draw(st.sampled_from(ANCHORS)))


def deep(draw: st.DrawFn) -> Y:
    """Lists or mappings nested around the limit of 64 levels, or far past it."""
    levels = draw(st.sampled_from([10, 63, 64, 65, 200]))
    mapping = draw(st.booleans())
    flow = "flow" if levels > 70 or draw(st.booleans()) else None
    node = scalar("bottom")
    for _ in range(levels):
        node = (
            Y("map", ((scalar("k"), node),), style=flow)
            if mapping
            else Y("seq", (node,), style=flow)
        )
    return node


def huge(draw: st.DrawFn) -> Y:
    """A list or value around the size limits, or an alias bomb that expands past them."""
    kind = draw(st.sampled_from(["list", "list", "value", "bomb"]))
    if kind == "list":
        return Y("huge", (draw(st.sampled_from([1000, 50_000, 50_001])), "x"))
    if kind == "value":
        return scalar("v" * draw(st.sampled_from([99_999, 100_001])), style='"')
    # Each level lists the one before ten times: 10^levels values once the aliases expand.
    levels = draw(st.integers(3, 7))
    node = Y("seq", tuple(scalar("lol") for _ in range(10)), anchor="bomb0", style="flow")
    for level in range(1, levels):
        node = Y(
            "seq",
            (node, *(Y("alias", f"bomb{level - 1}") for _ in range(9))),
            anchor=f"bomb{level}",
            style="flow",
        )
    return node


def key_node(draw: st.DrawFn, draft: Draft, names: st.SearchStrategy[str]) -> Y:
    """A mapping key: mostly a known name, else an odd scalar, a number, a list or a merge."""
    choice = draw(st.integers(0, 15))
    if choice == 0:
        return odd_scalar(draw, draft)
    if choice == 1:
        return Y("seq", (scalar("k"),), style=draw(st.sampled_from([None, "flow"])))
    if choice == 2:
        return scalar("<<")
    if choice == 3:
        return scalar(draw(st.sampled_from(["12", "~", "true", "1.5"])))
    return scalar(draw(names))


def mapping_of(
    draw: st.DrawFn, draft: Draft, fields: tuple[schema.Field, ...], depth: int = 0
) -> Y:
    """A mapping with the fields' keys and values of their types, now and then mutated."""
    pairs: list[tuple[Y, Y]] = []
    for spec in fields:
        if draw(st.integers(0, 9)) < (8 if spec.required else 4):
            pairs.append((scalar(spec.name), field_value(draw, draft, spec, depth)))
    names = st.sampled_from([f.name for f in fields]) | st.sampled_from(KEYS) | odd_texts
    for _ in range(draw(st.sampled_from([0, 0, 0, 1, 2]))):
        # An extra key: unknown, odd, a duplicate, or a merge key (<<: *anchor).
        pairs.insert(
            draw(st.integers(0, len(pairs))),
            (key_node(draw, draft, names), any_node(draw, draft, depth + 1)),
        )
    if draw(st.integers(0, 5)) == 0:
        pairs = draw(st.permutations(pairs))
    style = draw(st.sampled_from([None, None, None, "flow"]))
    return Y("map", tuple(pairs), draw(MAYBE_TAG), maybe_anchor(draw, draft), style)


def field_value(draw: st.DrawFn, draft: Draft, spec: schema.Field, depth: int) -> Y:
    """A value of the field's type (nine times in ten), else any value at all."""
    if draw(st.integers(0, 9)) == 0 or depth > 4:
        return any_node(draw, draft, depth + 1)
    kind = spec.type
    T = schema.Type
    if kind in (T.STR, T.MARKDOWN):
        text = draw(st.sampled_from(SENTENCES) | odd_texts)
    elif kind in (T.ID, T.REF):
        text = draw(st.sampled_from([*SAMPLE_IDS, "gazette", "nobody"]) | odd_texts)
    elif kind is T.DATE:
        text = draw(st.sampled_from(["2025-03-04", "2025-03", "2025", "2025-02-30", "0000"]))
    elif kind is T.NUMBER:
        text = draw(st.sampled_from(["1200", "36", "1.5e3", "-0", ".inf", ".nan", "1e999"]))
    elif kind is T.CHOICE:
        text = draw(st.sampled_from([*spec.choices, *schema.KINDS, "Enacted"]))
    elif kind is T.STR_MAP:
        keys = tuple(schema.Field(c, T.STR, "") for c in spec.choices)
        return mapping_of(draw, draft, keys, depth + 1)
    else:
        items = [list_item(draw, draft, kind, depth + 1) for _ in range(draw(st.integers(0, 3)))]
        style = draw(st.sampled_from([None, "flow"]))
        return Y("seq", tuple(items), None, maybe_anchor(draw, draft), style)
    style = draw(st.sampled_from([None, None, "'", '"']))
    return Y("scalar", text, None, maybe_anchor(draw, draft), style)


def list_item(draw: st.DrawFn, draft: Draft, kind: schema.Type, depth: int) -> Y:
    T = schema.Type
    if kind is T.CITATIONS:
        if draw(st.integers(0, 3)) == 0 and draft.anchors:
            return alias(draw, draft)
        source = draw(st.sampled_from(["gazette", "gazette", "nowhere"]) | odd_texts)
        pairs = [(scalar("source"), scalar(source)), (scalar("quote"), scalar(draw(QUOTES)))]
        if draw(st.booleans()):
            pairs.append((scalar("note"), scalar(draw(odd_texts))))
        return Y("map", tuple(pairs), anchor=maybe_anchor(draw, draft))
    if kind is T.VALUES:
        return mapping_of(draw, draft, schema.FIGURE_VALUE, depth)
    if kind is T.CITED_TEXTS:
        return mapping_of(draw, draft, schema.CITED_TEXT, depth)
    return field_value(draw, draft, schema.Field("item", T.ID, ""), depth)


def fact_node(draw: st.DrawFn, draft: Draft) -> Y:
    kind = draw(st.sampled_from(schema.KINDS))
    fields = schema.COMMON + schema.KIND_FIELDS[kind]
    node: Y = mapping_of(draw, draft, fields)
    # Pin the kind, so the kind's own fields are read, unless the kind itself was mutated.
    pairs = tuple(
        (k, scalar(kind) if k.value == "kind" and draw(st.integers(0, 5)) else v)
        for k, v in node.value
    )
    return Y("map", pairs, node.tag, node.anchor, node.style)


def top_node(draw: st.DrawFn, draft: Draft, shape: str) -> Y:
    """The root value of a facts file, the settings or the registry, or any value at all."""
    if draw(st.integers(0, 11)) == 0:
        return any_node(draw, draft)
    if shape == "site":
        return mapping_of(draw, draft, schema.SITE)
    if shape == "registry":
        entries = [source_node(draw, draft) for _ in range(draw(st.integers(1, 3)))]
        return Y("seq", tuple(entries), style=draw(st.sampled_from([None, None, "flow"])))
    facts = [fact_node(draw, draft) for _ in range(draw(st.integers(1, 4)))]
    return Y("seq", tuple(facts), style=draw(st.sampled_from([None, None, "flow"])))


# Values of a registry's `file:`; @OUTSIDE@ stands for the folder outside the root.
ODD_FILES = (
    "harbour.txt",
    "./harbour.txt",
    "sub/../harbour.txt",
    "HARBOUR.TXT",
    "harbour.txt ",
    "harbour.txt/",
    "harbour.txt/x",
    "sources.yml",
    "../site.yml",
    "../facts/events.yml",
    "../../outside/secret.txt",
    "@OUTSIDE@/secret.txt",
    "/dev/zero",
    "/etc/passwd",
    ".",
    "..",
    "~",
    "-",
    "file:///etc/passwd",
    "%2e%2e/%2e%2e/outside/secret.txt",
    "..\\..\\outside\\secret.txt",
    "C:\\secret.txt",
    "x" * 300,
    "d/" * 2100 + "x",
    "new\nline.txt",
    "café.txt",
    "cafe\u0301.txt",
)


def source_node(draw: st.DrawFn, draft: Draft) -> Y:
    node: Y = mapping_of(draw, draft, schema.SOURCE)
    if draw(st.booleans()):
        return node
    # Point the entry at an odd file name, keeping the rest of it.
    file = scalar(draw(st.sampled_from(ODD_FILES)), style='"')
    pairs = tuple((k, file if k.value == "file" else v) for k, v in node.value)
    return Y("map", pairs, node.tag, node.anchor, node.style)


def to_events(node: Y, out: list[ev.Event]) -> None:
    if node.kind == "alias":
        out.append(ev.AliasEvent(node.value))
    elif node.kind == "huge":
        # Emitted as a placeholder; yaml_text() swaps in the list, which emitting would be slow.
        size, item = node.value
        out.append(ev.ScalarEvent(None, None, (True, True), f"HUGE{size}x{item}"))
    elif node.kind == "scalar":
        implicit = (node.tag is None, node.tag is None)
        out.append(ev.ScalarEvent(node.anchor, node.tag, implicit, node.value, style=node.style))
    else:
        flow = node.style == "flow"
        start, end = (
            (ev.SequenceStartEvent, ev.SequenceEndEvent)
            if node.kind == "seq"
            else (ev.MappingStartEvent, ev.MappingEndEvent)
        )
        out.append(start(node.anchor, node.tag, node.tag is None, flow_style=flow))
        for item in node.value:
            for part in item if node.kind == "map" else (item,):
                to_events(part, out)
        out.append(end())


_HUGE = re.compile(r"HUGE(\d+)x(\w+)")


@dataclass(frozen=True)
class Emit:
    """How to write a document: the emitter's options and what to wrap it in."""

    allow_unicode: bool
    indent: int
    width: int
    canonical: bool
    explicit: bool
    version: bool
    documents: int  # 0: an empty stream; 2: a second document after the first


def yaml_text(nodes: list[Y], how: Emit) -> str:
    events: list[ev.Event] = [ev.StreamStartEvent()]
    for i, node in enumerate(nodes):
        version = (1, 1) if how.version and i == 0 else None
        events.append(ev.DocumentStartEvent(explicit=how.explicit or i > 0, version=version))
        to_events(node, events)
        events.append(ev.DocumentEndEvent(explicit=how.explicit))
    events.append(ev.StreamEndEvent())
    text = yaml.emit(
        events,
        allow_unicode=how.allow_unicode,
        indent=how.indent,
        width=how.width,
        canonical=how.canonical,
    )
    return _HUGE.sub(lambda m: "[" + ", ".join([m[2]] * int(m[1])) + "]", text)


def raw_edit(data: bytes, edit: str, at: int, byte: int) -> bytes:
    """Damage emitted YAML the way editors and tools do."""
    at = at % (len(data) + 1)
    if edit == "bom":
        return b"\xef\xbb\xbf" + data
    if edit == "crlf":
        return data.replace(b"\n", b"\r\n")
    if edit == "cr":
        return data.replace(b"\n", b"\r")
    if edit == "byte":
        return data[:at] + bytes([byte]) + data[at:]
    if edit == "tab":
        return data.replace(b"\n  ", b"\n\t", 1)
    if edit == "cut":
        return data[:at]
    if edit == "comment":
        return data[:at] + b" # " + data[at:]
    return data


@st.composite
def yaml_document(draw: st.DrawFn, shape: str) -> bytes:
    """The bytes of one YAML file of the given shape (facts, site or registry), mutated."""
    draft = Draft([])
    how = Emit(
        allow_unicode=draw(st.booleans()),
        indent=draw(st.sampled_from([2, 2, 4, 9])),
        width=draw(st.sampled_from([80, 80, 20, 10_000])),
        canonical=draw(st.integers(0, 9)) == 0,
        explicit=draw(st.booleans()),
        version=draw(st.integers(0, 9)) == 0,
        documents=draw(st.sampled_from([1, 1, 1, 1, 1, 1, 1, 1, 0, 2])),
    )
    nodes = [top_node(draw, draft, shape) for _ in range(how.documents)]
    data = yaml_text(nodes, how).encode("utf-8", "surrogatepass")
    if draw(st.integers(0, 4)) == 0:
        edit = draw(st.sampled_from(["bom", "crlf", "cr", "byte", "tab", "cut", "comment"]))
        byte = draw(st.sampled_from([0, 7, 9, 13, 27, 0x7F, 0x85, 0xC3, 0xFF]))
        data = raw_edit(data, edit, draw(st.integers(0, 10**6)), byte)
    return data


# ---------------------------------------------------------------------------------------------
# The world of one example: a site root, and beside it a folder outside the root that holds a
# secret, which no run may read or print, and a folder for build output.

SECRET = f"TOPSECRET-{secrets.token_hex(8)}"
# An unclosed list: a YAML file holding it fails with its line shown under the error.
SECRET_YAML = f"{SECRET}: [{SECRET}\n"


@dataclass
class World:
    base: Path
    name: str = "site"

    @property
    def root(self) -> Path:
        return self.base / self.name

    @property
    def outside(self) -> Path:
        return self.base / "outside"

    @property
    def builds(self) -> Path:
        return self.base / "build"


class Worlds:
    """Makes a fresh world for each example from one pristine world, by hard links: fast, and
    safe because every change removes a file before it writes one, and no run may write any."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.pristine = World(folder / "pristine")
        fresh_copy(self.pristine.root)
        secret_dir = self.pristine.outside / "dir"
        secret_dir.mkdir(parents=True)
        for where in (self.pristine.outside, secret_dir):
            for name in ("secret.yml", "site.yml", "sources.yml", "events.yml"):
                (where / name).write_text(SECRET_YAML, encoding="utf-8")
            for name in ("secret.txt", "harbour.txt"):
                (where / name).write_text(f"{SECRET}\n{SOURCE_TEXT}", encoding="utf-8")
            for name in ("secret.html", "base.html", "fact.html"):
                (where / name).write_text(f"<p>{SECRET}</p>\n", encoding="utf-8")
        with_fifo(self.pristine.outside / "pipe")
        self.pristine.builds.mkdir()
        self.state = snapshot(self.pristine.base)
        self.numbers = count()

    def new(self, name: bytes = b"site") -> World:
        world = World(self.folder / f"w{next(self.numbers)}", os.fsdecode(name))
        world.base.mkdir()
        for part in (self.pristine.root, self.pristine.outside, self.pristine.builds):
            target = world.root if part == self.pristine.root else world.base / part.name
            shutil.copytree(part, target, symlinks=True, copy_function=os.link)
        return world

    def assert_pristine(self) -> None:
        assert snapshot(self.pristine.base) == self.state, "a run changed a file it only reads"


def with_fifo(path: Path) -> bool:
    try:
        os.mkfifo(path)
    except (OSError, AttributeError):
        return False
    return True


@pytest.fixture(scope="module")
def worlds(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Worlds]:
    made = Worlds(tmp_path_factory.mktemp("worlds"))
    yield made
    made.assert_pristine()


def snapshot(folder: Path) -> dict[bytes, tuple[Any, ...]]:
    """Every entry under a folder, links and pipes as what they are, files by their digest."""
    entries: dict[bytes, tuple[Any, ...]] = {}
    top = os.fsencode(folder)
    for here, dirs, files in os.walk(top):
        for name in dirs + files:
            path = os.path.join(here, name)
            info = os.lstat(path)
            if stat.S_ISLNK(info.st_mode):
                entry: tuple[Any, ...] = ("link", os.readlink(path))
            elif stat.S_ISREG(info.st_mode):
                with open(path, "rb") as f:
                    entry = ("file", hashlib.sha256(f.read()).hexdigest(), info.st_mode)
            else:
                entry = (stat.S_IFMT(info.st_mode), info.st_mode)
            entries[os.path.relpath(path, top)] = entry
    return entries


# ---------------------------------------------------------------------------------------------
# Changes to a world's site root. Each raises OSError where the OS refuses it (a name too long,
# a link where links are not allowed), and the example goes on without it (apply_all).


class Refused(OSError):
    """A change that would write through a link out of the root; the example goes on without it."""


def writable(world: World, path: bytes | Path) -> bytes:
    """Return the path once its folder, links followed, is known to lie in the root: changes
    never write through a link that leads out of it."""
    path = os.fsencode(path)
    root = os.path.realpath(os.fsencode(world.root))
    folder = os.path.realpath(os.path.dirname(path))
    if folder != root and not folder.startswith(root + b"/"):
        raise Refused(errno.EPERM, "would write outside the root", path)
    return path


def fs_name(name: bytes) -> bytes:
    return name.replace(b"/", b"_").replace(b"\0", b"_") or b"_"


def remove(path: bytes) -> None:
    if os.path.isdir(path) and not os.path.islink(path):
        shutil.rmtree(path)
    elif os.path.lexists(path):
        os.unlink(path)


@dataclass(frozen=True)
class FactsFile:
    """Write a facts file at facts/<folders>/<name>."""

    folders: tuple[bytes, ...]
    name: bytes
    content: bytes

    def apply(self, world: World) -> None:
        folder = os.path.join(os.fsencode(world.root / "facts"), *map(fs_name, self.folders))
        path = writable(world, os.path.join(folder, fs_name(self.name)))
        os.makedirs(folder, exist_ok=True)
        remove(path)
        with open(path, "wb") as f:
            f.write(self.content)


@dataclass(frozen=True)
class Replace:
    """Overwrite one input file with generated YAML."""

    at: str
    content: bytes

    def apply(self, world: World) -> None:
        path = writable(world, world.root / self.at)
        remove(path)
        with open(path, "wb") as f:
            f.write(self.content)


# Where a link, pipe or folder can take the place of an input; "facts/NEW" is a new facts file.
PLACES = (
    "site.yml",
    "seeds/sources.yml",
    "seeds/harbour.txt",
    "facts/events.yml",
    "facts/NEW",
    "facts/more",
    "facts",
    "seeds",
    "templates",
    "templates/assets",
    "templates/partials",
    "templates/base.html",
    "templates/fact.html",
    "templates/_macros.html",
    "templates/assets/style.css",
)
# What a link points at: see Link.target.
TARGETS = (
    "same",
    "chain",
    "inside-file",
    "inside-dir",
    "shelf",
    "outside-file",
    "outside-dir",
    "outside-pipe",
    "dev-zero",
    "dangling",
    "self",
    "pair",
)


@dataclass(frozen=True)
class Link:
    """Put a symbolic link in the place of an input, or add one as a new facts file."""

    at: str
    to: str
    relative: bool
    name: bytes = b"new.yml"

    def place(self, world: World) -> bytes:
        if self.at == "facts/NEW":
            return os.path.join(os.fsencode(world.root / "facts"), fs_name(self.name))
        return os.fsencode(world.root / self.at)

    def target(self, world: World, place: bytes) -> bytes:
        """Return what the link points at, moving the input aside first where it should."""
        root, outside = os.fsencode(world.root), os.fsencode(world.outside)
        base = os.path.basename(place)
        if self.to in ("same", "chain"):
            # The input moves into a folder of its own inside the root; the link leads to it.
            stash = os.path.join(root, b"moved", fs_name(os.path.relpath(place, root)))
            os.makedirs(os.path.dirname(stash), exist_ok=True)
            if os.path.lexists(place):
                os.rename(place, stash)
            else:
                shutil.copy(os.path.join(root, b"facts", b"events.yml"), stash)
            if self.to == "same":
                return stash
            hop = os.path.join(root, b"moved", b"hop-" + fs_name(base))
            os.symlink(stash, hop)
            return hop
        if self.to == "inside-file":
            return os.path.join(root, b"site.yml" if b"facts" in place else b"facts/events.yml")
        if self.to == "inside-dir":
            return os.path.join(root, b"facts", b"more")
        if self.to == "shelf":
            # A folder inside the root whose files are links out of it: the link to the folder
            # stays inside, what Jinja or the asset copy then opens through it does not.
            shelf = os.path.join(root, b"shelf")
            os.makedirs(shelf, exist_ok=True)
            for name in (b"secret.html", b"base.html", b"extra.css", b"events.yml"):
                if not os.path.lexists(os.path.join(shelf, name)):
                    os.symlink(os.path.join(outside, b"secret.html"), os.path.join(shelf, name))
            return shelf
        if self.to == "outside-file":
            matching = base if os.path.exists(os.path.join(outside, base)) else b"secret.yml"
            return os.path.join(outside, matching)
        if self.to == "outside-dir":
            return os.path.join(outside, b"dir")
        if self.to == "outside-pipe":
            return os.path.join(outside, b"pipe")
        if self.to == "dev-zero":
            return b"/dev/zero"
        if self.to == "dangling":
            return os.path.join(root, b"nowhere", base)
        if self.to == "self":
            return place
        partner = place + b".2"  # pair: a link to a link back to this one
        os.symlink(place, partner)
        return partner

    def apply(self, world: World) -> None:
        place = writable(world, self.place(world))
        os.makedirs(os.path.dirname(place), exist_ok=True)
        target = self.target(world, place)
        remove(place)
        if self.relative and target.startswith(b"/"):
            target = os.path.relpath(target, os.path.dirname(place))
        os.symlink(target, place)


@dataclass(frozen=True)
class Swap:
    """Put a named pipe, an empty folder or nothing at all in the place of an input."""

    at: str
    what: str  # pipe | folder | gone | empty

    def apply(self, world: World) -> None:
        place = Path(os.fsdecode(writable(world, world.root / self.at.replace("NEW", "new.yml"))))
        remove(os.fsencode(place))
        place.parent.mkdir(parents=True, exist_ok=True)
        if self.what == "pipe":
            with_fifo(place)
        elif self.what == "folder":
            place.mkdir()
        elif self.what == "empty":
            place.write_bytes(b"")


def yaml_quoted(text: str) -> str:
    """Return text as a double-quoted YAML scalar that reads back as the same string."""
    out = []
    for char in text:
        code = ord(char)
        if char in '"\\':
            out.append("\\" + char)
        elif code in (0x9, 0xA, 0xD, 0x85) or 0x20 <= code < 0x7F or 0xA0 <= code < 0xD800:
            out.append(char if code >= 0x20 or char == "\t" else f"\\x{code:02x}")
        elif 0xE000 <= code <= 0xFFFD or code > 0xFFFF:
            out.append(char)
        else:
            out.append(f"\\u{code:04x}")
    return '"' + "".join(out) + '"'


@dataclass(frozen=True)
class SourceText:
    """Add a source text under an odd name, and register it in seeds/sources.yml.

    The registry names the file by `file` when given, else by its own name if that is UTF-8.
    """

    name: bytes
    content: bytes
    file: str | None = None

    def apply(self, world: World) -> None:
        seeds = os.fsencode(world.root / "seeds")
        path = writable(world, os.path.join(seeds, fs_name(self.name)))
        if not os.path.lexists(path):
            with open(path, "wb") as f:
                f.write(self.content)
        file = self.file
        if file is None:
            try:
                file = fs_name(self.name).decode("utf-8")
            except UnicodeDecodeError:
                return  # YAML cannot name it: the file stays in seeds/, unlisted.
        file = file.replace("@OUTSIDE@", str(world.outside))
        registry = world.root / "seeds/sources.yml"
        if registry.is_symlink() or not registry.is_file():
            return  # Never write through a link: it may lead out of the root.
        writable(world, registry)
        entry = (
            f"- id: extra-{zlib.crc32(self.name + (self.file or '').encode())}\n"
            f"  file: {yaml_quoted(file)}\n"
            f'  sha256: "{hashlib.sha256(self.content).hexdigest()}"\n'
            f"  title: {SENTENCES[0]}\n"
            f"  evidence:\n    title: {SENTENCES[0]}\n"
        )
        # Written anew, not appended to: the file is a hard link to the pristine world's.
        text = registry.read_bytes() + b"\n" + entry.encode("utf-8", "surrogateescape")
        registry.unlink()
        registry.write_bytes(text)


@dataclass(frozen=True)
class Template:
    """Write a theme file, such as one that includes a file outside the root, or itself."""

    at: str
    content: bytes

    def apply(self, world: World) -> None:
        path = Path(os.fsdecode(writable(world, world.root / "templates" / self.at)))
        remove(os.fsencode(path))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(self.content)


# File and folder names: spaces, Unicode, newlines, leading dots and dashes, bytes that are not
# UTF-8, and names at and past the 255 bytes file systems allow.
ODD_NAMES = (
    b"plain",
    b".hidden",
    b"..dots",
    b" leading space",
    b"trailing space ",
    b"new\nline",
    b"tab\there",
    b"cr\rhere",
    b"esc\x1b[31mred",
    b"bell\x07",
    b"\x7f",
    b"-",
    b"--help",
    b"::error file=x::forged",
    b"a:b:3:4",
    "caf\u00e9".encode(),
    "cafe\u0301".encode(),
    "\u202eevil".encode(),
    "line\u2028sep".encode(),
    "\U0001f600".encode(),
    b"caf\xe9",  # Latin-1, not UTF-8
    b"\xff\xfe",
    b"\xed\xa0\x80",  # an encoded surrogate
    b"%2e%2e",
    b"con",
    b"*",
    b"?",
    b"[x]",
    b"~",
    b"$HOME",
)
odd_names = st.sampled_from(ODD_NAMES) | st.binary(min_size=1, max_size=12).map(fs_name)


@st.composite
def long_names(draw: st.DrawFn, suffix: bytes) -> bytes:
    """A name of 250 to 256 bytes with the suffix, some of it in multi-byte characters."""
    total = draw(st.integers(250, 256))
    head = "é".encode() * draw(st.integers(0, 20))
    return head + b"x" * max(0, total - len(head) - len(suffix)) + suffix


@st.composite
def facts_names(draw: st.DrawFn) -> bytes:
    if draw(st.integers(0, 5)) == 0:
        return draw(long_names(draw(st.sampled_from([b".yml", b".yaml"]))))
    suffix = draw(
        st.sampled_from([b".yml", b".yml", b".yaml", b".YML", b".yml~", b"", b".yml.txt"])
    )
    return draw(odd_names) + suffix


GOOD_FACT = """\
- id: {id}
  kind: place
  name: Port Elin
  text: Port Elin is the city where the bridge stands.
  sources:
    - source: gazette
      quote: "Port Elin, March 3 (Gazette).- The harbour bridge"
"""


@st.composite
def good_fact(draw: st.DrawFn) -> bytes:
    """A valid fact with an id of its own, so the site still builds."""
    return GOOD_FACT.format(id=f"extra-{draw(st.integers(0, 10**6))}").encode()


@st.composite
def facts_files(draw: st.DrawFn, good: bool = False) -> FactsFile:
    folders = tuple(draw(st.lists(odd_names | long_names(b""), max_size=3)))
    content = draw(good_fact() if good else (good_fact() | yaml_document("facts")))
    return FactsFile(folders, draw(facts_names()), content)


SHAPES = {"facts/events.yml": "facts", "site.yml": "site", "seeds/sources.yml": "registry"}


@st.composite
def replaces(draw: st.DrawFn) -> Replace:
    at = draw(st.sampled_from(sorted(SHAPES)))
    return Replace(at, draw(yaml_document(SHAPES[at])))


@st.composite
def links(draw: st.DrawFn, targets: tuple[str, ...] = TARGETS) -> Link:
    at, to = draw(st.sampled_from(PLACES)), draw(st.sampled_from(targets))
    return Link(at, to, draw(st.booleans()), draw(facts_names()))


def source_texts(good: bool = False) -> st.SearchStrategy[SourceText]:
    contents = st.sampled_from(
        [
            SOURCE_TEXT.encode(),
            b"\xef\xbb\xbf" + SOURCE_TEXT.replace("\n", "\r\n").encode(),
            SOURCE_TEXT.replace("\n", "\r").encode(),
            SOURCE_TEXT.replace(" ", "\u2028", 3).encode(),
            SOURCE_TEXT.replace(" ", "\x1b[31m", 2).encode(),
            SOURCE_TEXT.replace(" ", "\u202e", 2).encode(),
            SOURCE_TEXT.encode() + b"caf\xe9\n",
            b"",
            b"\x00" * 10,
        ]
    )
    if good:
        contents = st.just(SOURCE_TEXT.encode())
    files = st.none() | st.none() | st.sampled_from(ODD_FILES)
    return st.builds(
        SourceText, odd_names | long_names(b".txt"), contents, st.none() if good else files
    )


# Themes that reach for files they should not: outside the root, below it, or themselves.
HOSTILE_TEMPLATES = (
    b"{% include '../../outside/secret.html' %}",
    b"{% include 'partials/secret.html' %}",
    b"{% include '/etc/passwd' %}",
    b"{% include 'assets/../../../outside/secret.html' %}",
    b"{% extends 'base.html' %}",
    b"{% include 'fact.html' %}{{ 1 }}",
    b"{% if %}",
    b"{{ undefined_name.attribute }}",
    b"{% import '_macros.html' as m %}{{ m.nothing() }}",
    f"{SECRET} {{{{ 1 }}}}".encode(),
    b"<p>caf\xe9</p>",  # Latin-1, not UTF-8
    b"body { color: red }\n\xff",
    b"",
)


def templates() -> st.SearchStrategy[Template]:
    names = ["base.html", "fact.html", "home.html", "_macros.html", "new.html"]
    names += ["assets/style.css", "assets/new.css", "assets/search.js"]
    return st.builds(Template, st.sampled_from(names), st.sampled_from(HOSTILE_TEMPLATES))


def root_changes() -> st.SearchStrategy[Any]:
    """One change to a site root, of any kind."""
    swaps = st.builds(
        Swap, st.sampled_from(PLACES), st.sampled_from(["pipe", "folder", "gone", "empty"])
    )
    return st.one_of(
        facts_files(), replaces(), links(), links(), swaps, source_texts(), templates()
    )


def benign_changes() -> st.SearchStrategy[Any]:
    """Changes after which the site should still build: odd names, links that stay inside."""
    return st.one_of(
        facts_files(good=True),
        facts_files(good=True),
        source_texts(good=True),
        links(("same", "chain")),
        root_changes(),
    )


def apply_all(world: World, changes: list[Any]) -> None:
    """Apply the changes the OS allows (symbolic links, pipes, long names); note the others."""
    for change in changes:
        try:
            change.apply(world)
        except OSError as exc:
            remember(f"refused {change!r}: {exc}")


def remember(message: str) -> None:
    """Add a line to Hypothesis's report of a failing example (when there is one)."""
    if currently_in_test_context():
        note(message)


# ---------------------------------------------------------------------------------------------
# Running the CLI in-process, with an eye on every file it opens and a bound on its time.


class Guard:
    """While a run is watched: the real paths it may not open a file under (the folder outside
    the root, /dev/zero), those it may open files for writing under (the cache; for a build,
    the folder that holds --out), and what it tried anyway."""

    active = False
    forbidden: ClassVar[list[str]] = []
    writable: ClassVar[list[str]] = []
    breaches: ClassVar[list[str]] = []


class Breach(BaseException):
    """A run opened a file out of bounds; BaseException, so no `except` in site_gen swallows it."""


_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC


def _under(path: str, folders: list[str]) -> bool:
    return any(path == f or path.startswith(f + os.sep) for f in folders)


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if event != "open" or not Guard.active or not isinstance(args[0], str | bytes | os.PathLike):
        return
    path, mode, flags = args
    try:
        real = os.fsdecode(os.path.realpath(path))
    except (ValueError, OSError):
        return
    if isinstance(mode, str):
        writes = any(c in mode for c in "wax+")
    else:
        writes = isinstance(flags, int) and bool(flags & _WRITE_FLAGS)
    if _under(real, Guard.forbidden):
        Guard.breaches.append(f"opened {real}")
    elif writes and not _under(real, Guard.writable) and not real.endswith(".pyc"):
        Guard.breaches.append(f"wrote {real}")
    else:
        return
    raise Breach(Guard.breaches[-1])


sys.addaudithook(_audit)

RUN_SECONDS = 60


class TookTooLong(BaseException):
    """A run went past RUN_SECONDS: a hang, such as a read from a named pipe."""


@dataclass
class Run:
    argv: list[str]
    code: int
    out: str
    err: str


@dataclass
class Watch:
    """Watches a run: see Guard; and no more than RUN_SECONDS."""

    forbidden: list[Path]
    writable: list[Path]
    previous: Any = None

    def __enter__(self) -> None:
        Guard.forbidden[:] = [os.path.realpath(f) for f in self.forbidden] + ["/dev/zero"]
        cache = os.environ.get("SITE_GEN_CACHE_DIR")
        writable = [*self.writable, *([Path(cache)] if cache else [])]
        Guard.writable[:] = [os.path.realpath(f) for f in writable]
        Guard.breaches.clear()
        Guard.active = True
        self.previous = signal.signal(signal.SIGALRM, self.alarm)
        signal.alarm(RUN_SECONDS)

    def __exit__(self, kind: type[BaseException] | None, *exc: object) -> None:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, self.previous)
        Guard.active = False
        if kind is None:  # else Breach, or what site_gen made of it, is on its way
            assert not Guard.breaches, f"out of bounds: {Guard.breaches}"

    @staticmethod
    def alarm(signum: int, frame: FrameType | None) -> None:
        raise TookTooLong(f"a run took more than {RUN_SECONDS} s")


def run_main(argv: list[str], world: World, capsys: pytest.CaptureFixture[str]) -> Run:
    """Run the CLI in-process, watched; a build may write only beside its --out."""
    capsys.readouterr()
    out = [a.removeprefix("--out=") for a in argv if a.startswith("--out=")]
    out += [argv[i + 1] for i, a in enumerate(argv[:-1]) if a == "--out"]
    writable = [Path(path).parent for path in out] if argv[0] == "build" else []
    with Watch([world.outside], writable):
        before = set(threading.enumerate())
        try:
            code = main(argv)
            # As the process would before it exits: wait for the threads the run left going
            # (a build deletes the previous output in one).
            for thread in set(threading.enumerate()) - before:
                if not thread.daemon:
                    thread.join()
        except SystemExit as exc:  # argparse refusing the arguments
            code = exc.code if isinstance(exc.code, int) else 2
    out, err = capsys.readouterr()
    run = Run(argv, code, out, err)
    if currently_in_test_context():
        note(f"{run!r}")
        event(f"{argv[0]} exit {code}")  # shown by pytest --hypothesis-show-statistics
    return run


# A problem in text: `path[:line:col]: error[code]`.
_HEADLINE = re.compile(r"(?P<path>[^\s/].*?)(?::\d+:\d+)?: (?:error|warning)\[[a-z0-9-]+\]")
_SUMMARIES = ("check ok: ", "check failed: ", "built ", "build failed: ", "error: ")
_COVERAGE = re.compile(r"[a-z0-9-]+: \d+\.\d% of sentences cited \(\d+/\d+\)")
# What must never reach a terminal or a log raw: controls (but tab and newline), format
# characters such as bidirectional overrides, lone surrogates, line and paragraph separators.
_RAW = ("Cc", "Cf", "Cs", "Zl", "Zp")


def raw_characters(text: str) -> list[str]:
    return [c for c in set(text) if c not in "\t\n" and unicodedata.category(c) in _RAW]


def assert_clean_run(run: Run) -> None:
    """Assert the promises every run keeps, whatever its input."""
    text = run.out + run.err
    assert run.code in (0, 1, 2), run.code
    assert "Traceback" not in text
    assert SECRET not in text
    assert not raw_characters(text), f"raw {raw_characters(text)} in the output"
    command = run.argv[0]
    fmt = run.argv[run.argv.index("--format") + 1] if "--format" in run.argv else "text"
    for line in (run.err if fmt == "github" else text).split("\n"):
        assert not line.startswith("::"), line
    for line in run.err.split("\n"):
        if line and not line.startswith("    ") and not line.startswith(_SUMMARIES):
            assert_headline(line)
    if fmt == "json" and run.code != 2:
        document = json.loads(run.out)
        for record in document["errors"] + document["warnings"]:
            assert_in_root(record["file"])
    elif fmt == "github":
        for line in run.out.splitlines():
            assert line.startswith(("::error file=", "::warning file=")), line
    elif command == "coverage":
        for line in run.out.splitlines():
            assert line.startswith("    seeds/") or _COVERAGE.fullmatch(line), line
    else:
        assert run.out == ""


def assert_headline(line: str) -> None:
    found = _HEADLINE.match(line)
    assert found, f"not a problem line: {line!r}"
    assert_in_root(found["path"])


def assert_in_root(path: str) -> None:
    """A problem's path is relative to the root and inside it: an input, or where a link inside
    the root leads (seeds/ may be a link to moved/seeds/)."""
    assert not path.startswith(("/", "../")) and path != "..", f"path outside the root: {path!r}"


# ---------------------------------------------------------------------------------------------
# The properties.

# Commands that read a root and write nothing.
CHECKS = (
    ["check"],
    ["coverage"],
    ["check", "--format", "json"],
    ["check", "--format", "github"],
    ["check", "--strict", "--no-cache"],
)


@fuzz(100)
@given(
    shape=st.sampled_from(sorted(SHAPES)).flatmap(
        lambda at: st.tuples(st.just(at), yaml_document(SHAPES[at]))
    ),
    command=st.sampled_from(CHECKS),
)
def test_yaml_structure(
    worlds: Worlds, shape: tuple[str, bytes], command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """Whatever the YAML's structure, in facts, settings or registry, a check keeps its promises."""
    at, data = shape
    world = worlds.new()
    try:
        Replace(at, data).apply(world)
        before = snapshot(world.base)
        assert_clean_run(run_main([*command, "--root", str(world.root)], world, capsys))
        assert snapshot(world.base) == before
    finally:
        shutil.rmtree(world.base)


@fuzz(100)
@given(changes=st.lists(root_changes(), min_size=1, max_size=4), command=st.sampled_from(CHECKS))
def test_mutated_root(
    worlds: Worlds, changes: list[Any], command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """Odd names, folders, links, pipes and registries: a check reads and prints only the root."""
    world = worlds.new()
    try:
        apply_all(world, changes)
        before = snapshot(world.base)
        assert_clean_run(run_main([*command, "--root", str(world.root)], world, capsys))
        assert snapshot(world.base) == before
    finally:
        shutil.rmtree(world.base)


# Where a build may be told to write: an odd name in a folder of its own, or a place it must refuse.
OUT_PLACES = ("odd",) * 10 + ("root", "facts", "outside", "file", "under-file")


def out_folder(world: World, place: str, name: bytes) -> Path:
    if place == "root":
        return world.root
    if place == "facts":
        return world.root / "facts"
    if place == "outside":
        return world.outside
    if place in ("file", "under-file"):
        (world.builds / "a-file").write_text("not a folder\n", encoding="utf-8")
        return world.builds / "a-file" / ("out" if place == "under-file" else "")
    return world.builds / os.fsdecode(fs_name(name))


# --base-url values: none, plain paths, and what must be refused.
BASE_URLS = (
    "/",
    "/briefing/",
    "/a b/",
    "//evil.example/",
    "javascript:alert(1)",
    "/x\n::error::forged/",
    "/ünï/",
    "../",
)


@fuzz(15)
@given(
    changes=st.lists(benign_changes(), max_size=3),
    place=st.sampled_from(OUT_PLACES),
    name=odd_names | long_names(b""),
    base_url=st.integers(0, 3).flatmap(
        lambda n: st.sampled_from(BASE_URLS) if n == 3 else st.none()
    ),
)
def test_build_writes_only_out(
    worlds: Worlds,
    changes: list[Any],
    place: str,
    name: bytes,
    base_url: str | None,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A build writes only into --out, changes no input, and leaks nothing into the pages."""
    world = worlds.new()
    try:
        apply_all(world, changes)
        out = out_folder(world, place, name)
        before = snapshot(world.base)
        argv = ["build", "--root", str(world.root), f"--out={out}"]
        argv += [f"--base-url={base_url}"] if base_url is not None else []
        run = run_main(argv, world, capsys)
        assert_clean_run(run)
        after = snapshot(world.base)
        written = os.fsencode(os.path.relpath(out, world.base))
        changed = {
            path for path in before.keys() | after.keys() if before.get(path) != after.get(path)
        }
        assert all(path == written or path.startswith(written + b"/") for path in changed), changed
        if run.code == 0:
            assert_good_output(out)
            # A second build replaces the first with the same files.
            first = snapshot(out)
            assert_clean_run(run_main(argv, world, capsys))
            assert snapshot(out) == first
        else:
            assert not changed
    finally:
        shutil.rmtree(world.base)


def assert_good_output(out: Path) -> None:
    """The output holds plain files and folders only, and not a byte of the secret."""
    for here, dirs, files in os.walk(out):
        for name in dirs + files:
            path = os.path.join(here, name)
            assert not os.path.islink(path), path
            if name in files:
                with open(path, "rb") as f:
                    assert SECRET.encode() not in f.read(), path


# ---------------------------------------------------------------------------------------------
# The real CLI, in a process of its own, on one root that holds every oddity at once.

KITCHEN_SINK: list[Any] = [
    *(
        FactsFile((b"deep", name), name + b".yml", GOOD_FACT.format(id=f"odd-{i}").encode())
        for i, name in enumerate(ODD_NAMES)
    ),
    FactsFile((), b"x" * 251 + b".yml", b"- [unclosed\n"),
    FactsFile((), b"\n::error file=x::forged.yml", SECRET_YAML.replace(SECRET, "forged").encode()),
    Link("facts/NEW", "outside-file", False, b"leak.yml"),
    Link("facts/NEW", "outside-dir", True, b"leak-dir"),
    Link("facts/NEW", "dangling", True, b"dangling.yml"),
    Link("facts/NEW", "self", False, b"loop.yml"),
    Link("facts/NEW", "pair", False, b"pair.yml"),
    Link("facts/NEW", "outside-pipe", False, b"pipe.yml"),
    Link("templates/base.html", "outside-file", False),
    Link("site.yml", "chain", True),
    Swap("facts/NEW", "pipe"),
    *(SourceText(name + b".txt", SOURCE_TEXT.encode()) for name in ODD_NAMES),
    *(SourceText(b"odd-%d" % i, b"", file) for i, file in enumerate(ODD_FILES)),
]


@pytest.mark.parametrize(
    "command",
    [
        "check",
        "build",
        "coverage",
    ],
)
def test_kitchen_sink_in_a_process(worlds: Worlds, command: str) -> None:
    """The real CLI, whose output goes through real pipes, on a root holding every oddity."""
    world = worlds.new()
    apply_all(world, KITCHEN_SINK)
    before = snapshot(world.base)
    out = world.builds / "out\nput"
    args = ["--out", out] if command == "build" else []
    result = run_cli(command, "--root", world.root, *args)
    assert_clean_run(Run([command], result.returncode, result.stdout, result.stderr))
    assert "error[" in result.stderr
    assert snapshot(world.base) == before
    assert not out.exists()


# ---------------------------------------------------------------------------------------------
# What the generators found, pinned one by one: each was a traceback or a leak before its fix.
# A strict xfail is one still open: when its fix lands, it passes and fails the run, so drop
# the mark.


@pytest.fixture
def world(worlds: Worlds) -> World:
    return worlds.new()


def symlinks_work() -> bool:
    with tempfile.TemporaryDirectory() as folder:
        try:
            os.symlink("target", os.path.join(folder, "link"))
        except (OSError, NotImplementedError):
            return False
    return True


needs_symlinks = pytest.mark.skipif(not symlinks_work(), reason="the OS refuses symbolic links")


# How --root can name the root, or fail to (a loop: test_argument_is_a_loop).
ROOT_FORMS = (
    "loop",
    "odd-name",
    "relative",
    "link",
    "chain",
    "dot-dot",
    "file",
    "dangling",
    "missing",
    "long",
)


def root_argument(world: World, form: str) -> str:
    """Return a --root argument of the given form that leads (or fails to lead) to the root."""
    base, root = world.base, world.root
    if form == "relative":
        return os.path.relpath(root) + "/"
    if form in ("link", "chain"):
        (base / "link").symlink_to(root if form == "link" else base / "link2")
        if form == "chain":
            (base / "link2").symlink_to(os.path.relpath(root, base))
        return str(base / "link")
    if form == "dot-dot":
        return f"{root}/facts/../"
    if form == "file":
        return str(root / "site.yml")
    if form == "dangling":
        (base / "dangling").symlink_to(base / "nowhere")
        return str(base / "dangling")
    if form == "missing":
        return str(base / "nowhere")
    if form == "long":
        return str(base / ("x" * 300))
    if form == "loop":
        (base / "loop").symlink_to("loop")
        return str(base / "loop")
    return str(root)


@fuzz(20)
@given(
    form=st.sampled_from(ROOT_FORMS),
    name=odd_names | long_names(b""),
    command=st.sampled_from([*CHECKS, ["build"]]),
)
def test_odd_root_argument(
    worlds: Worlds, form: str, name: bytes, command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """--root spelled any way, or naming no folder: a clean verdict or a usage error."""
    try:
        world = worlds.new(fs_name(name) if form == "odd-name" else b"site")
    except OSError as exc:
        remember(f"refused the root name: {exc}")
        return
    try:
        with contextlib.chdir(world.base):
            try:
                argument = root_argument(world, form)
            except OSError as exc:  # no symbolic links here
                remember(f"refused --root {form}: {exc}")
                return
            out = ["--out", str(world.builds / "out")] if command == ["build"] else []
            before = snapshot(world.root)
            run = run_main([*command, "--root", argument, *out], world, capsys)
        assert_clean_run(run)
        if form in ("file", "dangling", "missing", "long", "loop"):
            assert run.code == 2
        assert snapshot(world.root) == before
    finally:
        shutil.rmtree(world.base)


@needs_symlinks
@pytest.mark.parametrize(
    ("place", "command"),
    [
        ("seeds/harbour.txt", "check"),
        ("facts", "build"),
        ("seeds", "build"),
        ("templates", "build"),
    ],
)
def test_input_is_a_loop(
    world: World, place: str, command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """rm -r ROOT/facts; ln -s facts ROOT/facts; python -m site_gen build --root ROOT --out OUT
    (or seeds/harbour.txt as a link to itself, and check)."""
    Link(place, "self", relative=True).apply(world)
    out = ["--out", str(world.builds / "out")] if command == "build" else []
    assert_clean_run(run_main([command, "--root", str(world.root), *out], world, capsys))


@needs_symlinks
@pytest.mark.parametrize("option", ["--root", "--out"])
def test_argument_is_a_loop(world: World, option: str, capsys: pytest.CaptureFixture[str]) -> None:
    """ln -s loop loop; python -m site_gen build --root loop (or --out loop)."""
    loop = world.base / "loop"
    loop.symlink_to("loop")
    paths = {"--root": world.root, "--out": world.builds / "out", option: loop}
    argv = ["build", "--root", str(paths["--root"]), "--out", str(paths["--out"])]
    assert_clean_run(run_main(argv, world, capsys))


@pytest.mark.parametrize(
    "value", ["!!bool maybe", "!!int ''", "!!int '-'", "!!int '_'", "!!float ''"]
)
def test_explicit_tag_with_bad_value(
    world: World, value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """An explicit !!bool, !!int or !!float tag on a value its constructor cannot read."""
    (world.root / "facts/zz.yml").write_text(f"- id: {value}\n", encoding="utf-8")
    assert_clean_run(run_main(["check", "--root", str(world.root)], world, capsys))


def test_root_path_not_utf8(worlds: Worlds, capsys: pytest.CaptureFixture[str]) -> None:
    """A root whose path is not UTF-8 (mkdir $'r\\x80'), holding a template of its own
    (templates/base.html): python -m site_gen build --root $'r\\x80' --out out."""
    world = worlds.new(b"r\x80")
    argv = ["build", "--root", str(world.root), "--out", str(world.builds / "out")]
    assert_clean_run(run_main(argv, world, capsys))


@pytest.mark.parametrize(
    ("name", "content"),
    [("base.html", b"{% extends 'base.html' %}"), ("fact.html", b"{% include 'fact.html' %}")],
)
def test_template_includes_itself(
    world: World, name: str, content: bytes, capsys: pytest.CaptureFixture[str]
) -> None:
    """templates/base.html holding {% extends 'base.html' %}: the build reports it."""
    Template(name, content).apply(world)
    argv = ["build", "--root", str(world.root), "--out", str(world.builds / "out")]
    assert_clean_run(run_main(argv, world, capsys))


@pytest.mark.parametrize(
    ("name", "content"), [("404.html", b"<p>caf\xe9</p>"), ("assets/style.css", b"p {}\xff")]
)
def test_theme_file_not_utf8(
    world: World, name: str, content: bytes, capsys: pytest.CaptureFixture[str]
) -> None:
    """printf '<p>caf\\xe9</p>' > templates/404.html: the build reports it."""
    Template(name, content).apply(world)
    argv = ["build", "--root", str(world.root), "--out", str(world.builds / "out")]
    assert_clean_run(run_main(argv, world, capsys))


@needs_symlinks
def test_assets_folder_links_outside(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    """ln -s /elsewhere templates/assets: refused, not one file of /elsewhere published."""
    Link("templates/assets", "outside-dir", relative=False).apply(world)
    argv = ["build", "--root", str(world.root), "--out", str(world.builds / "out")]
    assert_clean_run(run_main(argv, world, capsys))


@needs_symlinks
@pytest.mark.parametrize("place", ["templates/assets", "templates/partials"])
def test_linked_folder_inside_leads_outside(
    world: World, place: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """templates/assets (or templates/partials, which a template includes from) is a link to
    ROOT/shelf, inside the root, and ROOT/shelf/extra.css a link to /elsewhere/secret.html:
    `check` passes, and `build` publishes the file outside the root."""
    Link(place, "shelf", relative=True).apply(world)
    if place == "templates/partials":
        Template("404.html", b"{% include 'partials/secret.html' %}").apply(world)
    argv = ["build", "--root", str(world.root), "--out", str(world.builds / "out")]
    assert_clean_run(run_main(argv, world, capsys))


def test_coverage_prints_raw_names(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    """A source text named 'x<newline>::error file=site.yml::forged', registered with the YAML
    escape "x\\n::error file=site.yml::forged": `site-gen coverage` escapes its name, so no line
    reads as a GitHub workflow command."""
    SourceText(b"x\n::error file=site.yml::forged", SOURCE_TEXT.encode()).apply(world)
    run = run_main(["coverage", "--root", str(world.root)], world, capsys)
    assert not any(line.startswith("::") for line in run.out.splitlines())
