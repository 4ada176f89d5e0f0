"""Turn a site root's YAML and source texts into the model, collecting every problem."""

from __future__ import annotations

import datetime
import difflib
import functools
import hashlib
import os
import re
import stat
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

from site_gen import cache, collector, parallel, schema
from site_gen.config import Config
from site_gen.errors import Location, Problem
from site_gen.items import items
from site_gen.model import (
    FACT_CLASSES,
    Citation,
    Fact,
    FigureValue,
    Settings,
    Site,
    Source,
    source_texts,
)
from site_gen.schema import Field, Type
from site_gen.yamlfile import (
    INVALID,
    MAX_FILE_BYTES,
    Node,
    decode_utf8,
    parse_yaml,
    read_file,
    ties_parts,
)

_ID = re.compile(schema.ID_PATTERN)
_DATE = re.compile(schema.DATE_PATTERN)
# Control characters other than tab and newline are invalid in HTML; escapes could smuggle them in.
# Site URLs end up in links and feeds: only plain paths and http(s) addresses are accepted.
BASE_URL = re.compile(r"^/?(?:[A-Za-z0-9._~-]+/?)*$")
_URL_RULES = (
    ("base_url", BASE_URL, "/kazakhstan-briefing/"),
    (
        "site_url",
        re.compile(r"^https?://[A-Za-z0-9.-]+(?::\d+)?(?:/[A-Za-z0-9._~/-]*)?$"),
        "https://example.github.io/kazakhstan-briefing/",
    ),
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
FACT_SUFFIXES = (".yml", ".yaml")


@dataclass
class _Reader:
    """Converts Nodes to typed values against a field list, recording locations and problems."""

    problems: list[Problem]
    fact: str | None = None
    locations: dict[str, Location] = field(default_factory=dict)

    def fail(self, location: Location, code: str, message: str, hint: str) -> None:
        self.problems.append(Problem(code, message, location, fact=self.fact, hint=hint))

    def mapping(
        self, node: Node, fields: tuple[Field, ...], what: str, prefix: str = ""
    ) -> dict[str, Any] | None:
        """Return the known keys of a mapping converted to their types, or None if unusable."""
        if node.value is INVALID:
            return None
        if not isinstance(node.value, dict):
            self.fail(
                node.location, "wrong-type", f"{what} must be a mapping", "write key: value pairs"
            )
            return None
        by_name = {f.name: f for f in fields}
        result: dict[str, Any] = {}
        for key, value in node.value.items():
            spec = by_name.get(key)
            if spec is None:
                close = difflib.get_close_matches(key, by_name, n=1)
                hint = (
                    f"did you mean '{close[0]}'?"
                    if close
                    else f"allowed keys: {', '.join(by_name)}"
                )
                key_location = node.key_locations.get(key, value.location)
                self.fail(key_location, "unknown-key", f"unknown key '{key}' in {what}", hint)
                continue
            if value.value is None:
                continue  # Same as leaving the key out; a required key is reported below.
            path = prefix + key
            self.locations[path] = value.location
            converted = self.value(value, spec, path)
            if converted is not None:
                result[key] = converted
        for spec in fields:
            given = node.value.get(spec.name) if spec.required else None
            if spec.required and (given is None or given.value is None):
                self.fail(
                    node.location,
                    "missing-key",
                    f"{what} has no '{spec.name}'",
                    f"add '{spec.name}': {_sentence_case(spec.description)}",
                )
        return result

    def value(self, node: Node, spec: Field, path: str) -> Any:
        """Convert one value; return None (after reporting) when it has the wrong shape."""
        value = node.value
        if value is INVALID:
            return None  # Already reported while reading the YAML.
        if spec.type in (Type.STR, Type.MARKDOWN):
            return self.string(node, spec.name)
        if spec.type in (Type.ID, Type.REF):
            return self.ident(node, spec.name)
        if spec.type is Type.DATE:
            return self.date(node, spec.name)
        if spec.type is Type.NUMBER:
            if isinstance(value, bool) or not isinstance(value, int | float):
                self.fail(
                    node.location,
                    "wrong-type",
                    f"'{spec.name}' must be a number",
                    "write digits only, e.g. 7939",
                )
                return None
            return value
        if spec.type is Type.CHOICE:
            if value not in spec.choices:
                self.fail(
                    node.location,
                    "bad-choice",
                    f"'{spec.name}' is {value!r}",
                    f"use one of: {', '.join(spec.choices)}",
                )
                return None
            return value
        if spec.type is Type.STR_MAP:
            return self.str_map(node, spec)
        items = self.items(node, spec.name)
        if items is None:
            return None
        if spec.type is Type.REFS:
            refs = [
                self.indexed(item, path, i, self.ident(item, spec.name))
                for i, item in enumerate(items)
            ]
            return tuple(ref for ref in refs if ref is not None)
        if spec.type is Type.STRS:
            strings = [
                self.indexed(item, path, i, self.string(item, spec.name))
                for i, item in enumerate(items)
            ]
            return tuple(text for text in strings if text is not None)
        if spec.type is Type.CITATIONS:
            return [c for i, item in enumerate(items) if (c := self.citation(item, f"{path}[{i}]"))]
        return [v for i, item in enumerate(items) if (v := self.figure_value(item, f"{path}[{i}]"))]

    def indexed(self, node: Node, path: str, index: int, value: Any) -> Any:
        self.locations[f"{path}[{index}]"] = node.location
        return value

    def items(self, node: Node, name: str) -> list[Node] | None:
        if not isinstance(node.value, list):
            self.fail(
                node.location,
                "wrong-type",
                f"'{name}' must be a list",
                "write one '- item' per line",
            )
            return None
        return list(node.value)

    def string(self, node: Node, name: str) -> str | None:
        if not isinstance(node.value, str):
            self.fail(
                node.location, "wrong-type", f"'{name}' must be a string", "put the value in quotes"
            )
            return None
        control = _CONTROL.search(node.value)
        if control:
            self.fail(
                node.location,
                "bad-character",
                f"'{name}' contains the control character U+{ord(control.group()):04X}",
                "delete it; pages cannot show it",
            )
            return None
        if not node.value.strip():
            self.fail(
                node.location,
                "empty-value",
                f"'{name}' is empty",
                "write a value or remove the key",
            )
            return None
        return node.value.strip()

    def ident(self, node: Node, name: str) -> str | None:
        text = self.string(node, name)
        if text is not None and not _ID.match(text):
            self.fail(
                node.location,
                "bad-id",
                f"'{name}' is {text!r}, not an id",
                "use lowercase letters, digits and single hyphens, e.g. 'csto-arrival'",
            )
            return None
        return text

    def date(self, node: Node, name: str) -> str | None:
        text = str(node.value) if isinstance(node.value, int) else self.string(node, name)
        if text is None:
            return None
        if _DATE.match(text) and _is_calendar_date(text):
            return text
        self.fail(
            node.location,
            "bad-date",
            f"'{name}' is {text!r}, not a valid ISO date",
            'write YYYY-MM-DD, YYYY-MM or YYYY, e.g. "2022-01-06"',
        )
        return None

    def str_map(self, node: Node, spec: Field) -> dict[str, str] | None:
        if not isinstance(node.value, dict):
            self.fail(
                node.location,
                "wrong-type",
                f"'{spec.name}' must be a mapping",
                "write key: value pairs",
            )
            return None
        fields = tuple(Field(key, Type.STR, spec.description) for key in spec.choices)
        return self.mapping(node, fields, f"'{spec.name}'", prefix=f"{spec.name}.")

    def citation(self, node: Node, path: str) -> Citation | None:
        data = self.mapping(node, schema.CITATION, "a citation", prefix=f"{path}.")
        if data is None or "source" not in data or "quote" not in data:
            return None
        # Point at the quote itself: that is the line an editor fixes.
        return Citation(location=self.locations.get(f"{path}.quote", node.location), **data)

    def figure_value(self, node: Node, path: str) -> FigureValue | None:
        data = self.mapping(node, schema.FIGURE_VALUE, "a figure value", prefix=f"{path}.")
        if (
            data is None
            or "value" not in data
            or not self.has_citations(node, data, "value", required=True)
        ):
            return None
        return FigureValue(location=node.location, **data)

    def has_citations(
        self, node: Node, data: dict[str, Any], what: str, *, required: bool = False
    ) -> bool:
        """Tell whether a fact or figure value kept a citation; report it when it listed none.

        A list whose every citation was malformed is already reported item by item.
        """
        if data.get("sources"):
            return True
        raw = node.value if isinstance(node.value, dict) else {}
        listed = raw.get("sources")
        absent = listed is None or listed.value is None
        # Where 'sources' is a required key, its absence is already reported as missing.
        if (absent and not required) or (listed is not None and listed.value == []):
            self.fail(
                node.location,
                "no-citations",
                f"{what} has no citations",
                "add at least one {source, quote} under 'sources'",
            )
        return False


def _sentence_case(text: str) -> str:
    """Lower-case a description's first letter for use mid-sentence, but keep acronyms (ISO)."""
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def _is_calendar_date(text: str) -> bool:
    parts = [int(p) for p in text.split("-")]
    year, month, day = parts + [1] * (3 - len(parts))
    try:
        datetime.date(year, month, day)
    except ValueError:
        return False
    return True


def load_site(config: Config) -> tuple[Site | None, list[Problem]]:
    """Read settings, sources and facts; return the model (None if unusable) and all problems."""
    problems: list[Problem] = []
    with collector.paused():
        settings = load_settings(config, problems)
        # Forked processes start parsing the facts files while this one reads the sources.
        with _FactsLoading(config) as facts_loading:
            sources = load_sources(config, problems)
            texts = source_texts(sources)
            facts, broken, partial, origins = facts_loading.finish(problems, texts)
    if settings is None:
        return None, problems
    site = Site(settings, sources, facts, frozenset(broken - facts.keys()), partial, origins)
    return site, problems


def _read_root(path: Path, display: str, problems: list[Problem]) -> Node | None:
    data, problem = _read_bytes(path, display)
    if problem:
        problems.append(problem)
        return None
    return _parse_root(data, display, problems)


def _read_bytes(path: Path, display: str) -> tuple[bytes, Problem | None]:
    """Return the bytes of an input file, or the problem that it is missing or unreadable."""
    if not path.is_file():
        return b"", Problem(
            "missing-file",
            "file not found",
            Location(display),
            hint="create it (see docs/format.md)",
        )
    return read_file(path, display)


def _parse_root(data: bytes, display: str, problems: list[Problem]) -> Node | None:
    root, found = parse_yaml(data, display)
    problems.extend(found)
    if root is None and not found:
        problems.append(
            Problem(
                "empty-file", "file is empty", Location(display), hint="add content or delete it"
            )
        )
    return root


def load_settings(config: Config, problems: list[Problem]) -> Settings | None:
    """Read site.yml."""
    display = config.display(config.settings_file)
    root = _read_root(config.settings_file, display, problems)
    if root is None:
        return None
    reader = _Reader(problems)
    data = reader.mapping(root, schema.SITE, "site settings")
    if data is None or "title" not in data or "description" not in data:
        return None
    for key, pattern, example in _URL_RULES:
        if key in data and not pattern.match(data[key]):
            reader.fail(
                reader.locations[key],
                "bad-url",
                f"'{key}' is {data[key]!r}",
                f"write it like {example}",
            )
            del data[key]
    return Settings(location=root.location, locations=reader.locations, **data)


@dataclass
class Registry:
    """What the sources registry says on its own, before any source text is read."""

    problems: list[Problem]
    sources: list[Source] = field(default_factory=list)

    @classmethod
    def unreadable(cls, problem: Problem) -> Registry:
        return cls([problem])


def load_sources(config: Config, problems: list[Problem]) -> dict[str, Source]:
    """Read the sources registry and the text of every source it lists."""
    path = config.registry_file
    ((_, registry),) = _load_records([(path, config.display(path))], Registry, read_registry)
    problems += registry.problems
    sources: dict[str, Source] = {}
    seeds = config.seeds_dir.resolve()
    read: set[Path] = set()
    for source in registry.sources:
        if source.id in sources:
            first = sources[source.id].location
            problems.append(
                Problem(
                    "duplicate-id",
                    f"source id '{source.id}' is already used at line {first.line}",
                    source.at("id"),
                    hint="give each source its own id",
                )
            )
            continue
        read_source_text(config, source, problems, seeds, read)
        sources[source.id] = source
    _texts.keep_only(read)
    return sources


def read_registry(data: bytes, display: str) -> Registry:
    """Read the bytes of seeds/sources.yml into sources without their texts."""
    problems: list[Problem] = []
    root = _parse_root(data, display, problems)
    registry = Registry(problems)
    if root is None:
        return registry
    if not isinstance(root.value, list) or not root.value:
        problems.append(
            Problem(
                "wrong-type",
                "the registry must be a non-empty list of sources",
                root.location,
                hint="write one '- id: …' entry per source",
            )
        )
        return registry
    for node in root.value:
        reader = _Reader(problems)
        fields = reader.mapping(node, schema.SOURCE, "a source")
        if fields is not None and {"id", "file", "sha256", "title"} <= fields.keys():
            registry.sources.append(
                Source(location=node.location, locations=reader.locations, **fields)
            )
    return registry


def read_source_text(
    config: Config, source: Source, problems: list[Problem], seeds: Path, read: set[Path]
) -> None:
    """Load the file a source names, refusing anything outside seeds/; add its path to `read`.

    `seeds` is the resolved seeds folder.
    """
    where = source.at("file")
    path = _inside(seeds, source.file)
    if path is None:
        problems.append(
            Problem(
                "source-path",
                f"file '{source.file}' is outside seeds/",
                where,
                hint="put the source text in seeds/ and name it by its file name",
            )
        )
        return
    try:
        status = path.stat()
    except OSError:
        status = None
    if status is None or not stat.S_ISREG(status.st_mode):
        problems.append(
            Problem(
                "source-missing",
                f"file '{source.file}' not found in seeds/",
                where,
                hint="copy the source text into seeds/ or fix the file name",
            )
        )
        return
    read.add(path)
    known = _texts.get(path, status)
    if known is not None:
        source.text, source.actual_sha256 = known
        return
    data = path.read_bytes()
    if len(data) > MAX_FILE_BYTES:
        problems.append(
            Problem(
                "file-too-large",
                f"source file has {len(data)} bytes, more than {MAX_FILE_BYTES}",
                where,
                hint="split the source",
            )
        )
        return
    text, problem = decode_utf8(data, config.display(path))
    if problem:
        problems.append(problem)
        return
    source.text = text
    source.actual_sha256 = hashlib.sha256(data).hexdigest()
    _texts.put(path, status, text, source.actual_sha256)


class _Texts:
    """Source texts this process has read, by what the file system said of each file then.

    A preview reads every source again on each rebuild, though an edit changes one at most: at
    a thousand sources that was a sixth of a rebuild. A file whose inode, size, modification
    and change times are as they were holds the same bytes: any write moves the change time,
    which no call can set back. As in git, a file changed less than a second before it was read
    is not trusted to that rule (a second write could share its times): it is read again.
    """

    def __init__(self) -> None:
        self.known: dict[Path, tuple[tuple[int, int, int, int], str, str]] = {}

    def get(self, path: Path, status: os.stat_result) -> tuple[str, str] | None:
        """Return the text and checksum read from the file before, if it is the same file."""
        known = self.known.get(path)
        if known is None or known[0] != _signature(status):
            return None
        return known[1], known[2]

    def put(self, path: Path, status: os.stat_result, text: str, sha256: str) -> None:
        """Note what a file held, if its times can tell a later change."""
        if time.time_ns() - status.st_ctime_ns > 1_000_000_000:
            self.known[path] = (_signature(status), text, sha256)

    def keep_only(self, paths: set[Path]) -> None:
        """Forget the files that no source reads any more, so memory stays bounded."""
        self.known = {path: known for path, known in self.known.items() if path in paths}


def _signature(status: os.stat_result) -> tuple[int, int, int, int]:
    return (status.st_ino, status.st_size, status.st_mtime_ns, status.st_ctime_ns)


_texts = _Texts()


def _inside(folder: Path, name: str) -> Path | None:
    """Return (folder / name).resolve() for a resolved folder, or None if that is outside it.

    A plain file name costs one system call instead of one per folder of the path, and no
    path arithmetic: a site has a thousand sources.
    """
    if "/" not in name and name not in ("", ".", "..") and not os.path.islink(f"{folder}/{name}"):
        return folder / name
    path = (folder / name).resolve()
    return path if not Path(name).is_absolute() and folder in path.parents else None


def fact_files(config: Config) -> list[Path]:
    """Return every facts file in a stable order, so output never depends on the file system."""
    if not config.facts_dir.is_dir():
        return []
    paths = [p for p in config.facts_dir.rglob("*") if p.suffix in FACT_SUFFIXES and p.is_file()]
    return sorted(paths, key=lambda p: p.relative_to(config.facts_dir).as_posix())


@dataclass
class FactsFile:
    """What one facts file yields on its own, before ids are compared across files."""

    problems: list[Problem]
    facts: list[Fact] = field(default_factory=list)
    # Ids of facts too broken to load ("" for one without a usable id).
    broken: list[str] = field(default_factory=list)
    # False when the file could not be read at all.
    readable: bool = True

    @classmethod
    def unreadable(cls, problem: Problem) -> FactsFile:
        return cls([problem], readable=False)

    def copy(self) -> FactsFile:
        """Return a copy whose facts a check can fill in, leaving this record as it was read."""
        return FactsFile(
            list(self.problems),
            [fact.copy() for fact in self.facts],
            list(self.broken),
            self.readable,
        )


class _Copies:
    """Facts files this process reads again and again (a preview), kept as read to copy from.

    A check fills in the spans of each quote, so every load needs facts of its own. Unpickling
    them again from the cache's memory was most of a preview's load at 10,000 facts; copying
    them (new facts, citations and figure values around the same values) takes a third of that.
    A file is kept from its second load on, so a one-off build pays nothing for the copies.
    The spans depend on the source texts alone: while they stay the same, the copy handed out
    last time, checked since, is handed out again, and the check knows it (see check.py).
    """

    def __init__(self) -> None:
        self.kept: dict[str, FactsFile] = {}
        self.seen: set[str] = set()
        self.handed: dict[str, FactsFile] = {}
        self.texts: object = None

    def depend_on(self, texts: object) -> bool:
        """Tell whether the source texts differ from those of the last load; if so, hand out new
        copies from now on."""
        if texts == self.texts:
            return False
        self.handed, self.texts = {}, texts
        return True

    def again(self, name: str, record: FactsFile) -> FactsFile:
        """Return a new copy in place of a record copied from what this process kept."""
        kept = self.kept.get(name)
        return record if kept is None else self._hand(name, kept)

    def get(self, name: str, store: cache.Store) -> object:
        """Return a record of its own for one load, or whatever the cache holds under `name`."""
        handed = self.handed.get(name)
        if handed is not None:
            return handed
        kept = self.kept.get(name)
        if kept is None:
            found = store.get(name)
            if name not in self.seen or not isinstance(found, FactsFile):
                return found
            kept = self.kept[name] = found  # Fresh from the cache: never handed out.
        return self._hand(name, kept)

    def _hand(self, name: str, kept: FactsFile) -> FactsFile:
        """Hand out a copy of a kept record, and again in later loads while the texts hold."""
        copy = self.handed[name] = kept.copy()
        return copy

    def keep_only(self, names: set[str]) -> None:
        """Forget the files that are gone or changed, so memory stays bounded."""
        self.kept = {name: record for name, record in self.kept.items() if name in names}
        self.handed = {name: record for name, record in self.handed.items() if name in names}
        self.seen = names


_copies = _Copies()


def load_facts(
    config: Config, problems: list[Problem]
) -> tuple[dict[str, Fact], set[str], bool, dict[str, str]]:
    """Read every facts file; return the facts, the ids of facts too broken to load, whether
    some file could not be read at all, and the key of the bytes each fact was read from.

    Ids must be unique across all files. Broken ids, and with an unreadable file any id, are
    not reported again as unknown references.
    """
    with _FactsLoading(config) as loading:
        return loading.finish(problems, None)


class _FactsLoading:
    """The facts files of a site root being read (see load_facts), parsed in forked processes
    from the start when there are many, so this process can do other work meanwhile."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.paths = fact_files(config)
        files = [(path, config.display(path)) for path in self.paths]
        self.records = _Loading(files, FactsFile, _item_reader, _copies)

    def __enter__(self) -> _FactsLoading:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.records.stop()

    def finish(
        self, problems: list[Problem], texts: object
    ) -> tuple[dict[str, Fact], set[str], bool, dict[str, str]]:
        """Return what load_facts returns, adding the problems to `problems`.

        `texts` are the source texts the facts will be checked against (None: not known).
        """
        records = self.records.finish()
        if _copies.depend_on(texts):
            # Copies handed out again were checked against other texts: copy afresh.
            records = [(name, _copies.again(name, record)) for name, record in records]
        return _gather_facts(self.config, self.paths, records, problems)


def _gather_facts(
    config: Config,
    paths: list[Path],
    records: list[tuple[str, FactsFile]],
    problems: list[Problem],
) -> tuple[dict[str, Fact], set[str], bool, dict[str, str]]:
    """Gather the facts of every file's record, reporting the ids used twice."""
    facts: dict[str, Fact] = {}
    origins: dict[str, str] = {}
    broken: set[str] = set()
    partial = False
    if not paths:
        problems.append(
            Problem(
                "no-facts",
                "no facts files found",
                Location(config.display(config.facts_dir)),
                hint="add a .yml file with a list of facts under facts/",
            )
        )
    for origin, record in records:
        problems += record.problems
        partial = partial or not record.readable
        broken.update(record.broken)
        for fact in record.facts:
            if fact.id in facts:
                first = facts[fact.id].location
                problems.append(
                    Problem(
                        "duplicate-id",
                        f"id is already used at {first}",
                        fact.at("id"),
                        fact=fact.id,
                        hint="give each fact its own id",
                    )
                )
            else:
                facts[fact.id] = fact
                origins[fact.id] = origin
    return facts, broken, partial, origins


def read_facts_file(data: bytes, display: str) -> FactsFile:
    """Read the bytes of one facts file into facts; the result depends on nothing else."""
    problems: list[Problem] = []
    root = _parse_root(data, display, problems)
    if root is None:
        return FactsFile(problems, readable=False)
    record = FactsFile(problems)
    if not isinstance(root.value, list) or not root.value:
        problems.append(
            Problem(
                "wrong-type",
                "a facts file must be a non-empty list of facts",
                root.location,
                hint="start each fact with '- id: …'",
            )
        )
        return record
    for node in root.value:
        fact = read_fact(node, problems)
        if fact is None:
            record.broken.append(_raw_id(node) or "")
        else:
            record.facts.append(fact)
    return record


class _ItemReader:
    """Read a facts file again item by item once it has been read whole (site_gen.items).

    A one-off build reads each file once, whole. A file read again has changed; it is then cut
    into items, and each item whose line and bytes were read before is not parsed again (from
    the third read of a file on, in a preview: the second parses and keeps every item). Any
    file that is not a plain list, or whose items tie each other together with anchors, or
    whose items hold YAML problems (which a whole parse would list first), is read whole.
    """

    def __init__(self) -> None:
        self.read: set[str] = set()
        # By display path, line and bytes of an item: its problems, its fact or broken id.
        self.known: dict[tuple[str, int, bytes], tuple[list[Problem], Fact | None, str]] = {}

    def __call__(self, data: bytes, display: str) -> FactsFile:
        record = self._by_item(data, display) if display in self.read else None
        self.read.add(display)
        return record or read_facts_file(data, display)

    def _by_item(self, data: bytes, display: str) -> FactsFile | None:
        cut = items(data) if len(data) <= MAX_FILE_BYTES else None
        if cut is None:
            return None
        known: dict[tuple[str, int, bytes], tuple[list[Problem], Fact | None, str]] = {}
        record = FactsFile([])
        for line, item in cut:
            key = (display, line, item)
            found = self.known.get(key) or self._item(line, item, display)
            if found is None:
                return None
            known[key] = problems, fact, broken = found
            record.problems += problems
            if fact is None:
                record.broken.append(broken)
            else:
                record.facts.append(fact.copy())  # The kept one stays as read, for next time.
        self.known = {key: found for key, found in self.known.items() if key[0] != display}
        self.known |= known
        return record

    def _item(
        self, line: int, item: bytes, display: str
    ) -> tuple[list[Problem], Fact | None, str] | None:
        """Read one item at its line; None when only a parse of the whole file is exact."""
        if ties_parts(item):
            return None
        problems: list[Problem] = []
        root = _parse_root(b"\n" * line + item, display, problems)
        if problems or root is None or not isinstance(root.value, list) or len(root.value) != 1:
            return None
        node = root.value[0]
        fact = read_fact(node, problems)
        return problems, fact, "" if fact else (_raw_id(node) or "")


_item_reader = _ItemReader()
Record = TypeVar("Record", FactsFile, Registry)
# Parsing in forked processes pays once the files to parse come to this many bytes.
PARALLEL_BYTES = 1_000_000


def _load_records(
    files: list[tuple[Path, str]],
    kind: type[Record],
    parse: Callable[[bytes, str], Record],
    copies: _Copies | None = None,
) -> list[tuple[str, Record]]:
    """Return parse(bytes, display) for every (path, display), in order, from the cache if it can,
    each with its key ("" for a file that could not be read).

    The key is that of the display path (every location names it) and the file's bytes: the
    same key means the same record, which is also what tells a rebuild which facts it can skip.
    `copies` hands out the records of files read before, where a kind can be copied.
    """
    with _Loading(files, kind, parse, copies) as loading:
        return loading.finish()


class _Loading(Generic[Record]):
    """Records being read (see _load_records): those the cache holds are found at once, and the
    others are parsed, in forked processes that start at once when there is a lot to parse.

    Forked processes send back pickles, which the cache stores as they are. Results come back in
    order, so problems are the same either way.
    """

    def __init__(
        self,
        files: list[tuple[Path, str]],
        kind: type[Record],
        parse: Callable[[bytes, str], Record],
        copies: _Copies | None = None,
    ) -> None:
        self.count = len(files)
        self.store = cache.store(kind.__name__)
        self.copies = copies
        self.records: dict[int, tuple[str, Record]] = {}
        self.names: set[str] = set()
        self.misses: list[tuple[int, str]] = []
        inputs: list[tuple[bytes, str]] = []
        for index, (path, display) in enumerate(files):
            data, problem = _read_bytes(path, display)
            if problem:
                self.records[index] = ("", kind.unreadable(problem))
                continue
            name = cache.key(display, data)
            self.names.add(name)
            found = None
            if self.store:
                found = copies.get(name, self.store) if copies else self.store.get(name)
            if isinstance(found, kind):
                self.records[index] = (name, found)
            else:
                self.misses.append((index, name))
                inputs.append((data, display))
        self.calls: list[Callable[[], Record]] = [
            functools.partial(parse, data, display) for data, display in inputs
        ]
        workers = parallel.worker_count()
        many = len(inputs) >= 2 and sum(len(data) for data, _ in inputs) >= PARALLEL_BYTES
        self.forked: parallel.PickledCalls[Record] | None = (
            parallel.PickledCalls(self.calls, workers) if many and workers >= 2 else None
        )

    def __enter__(self) -> _Loading[Record]:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def finish(self) -> list[tuple[str, Record]]:
        """Parse what the cache did not hold; return every record and its key, in order."""
        parsed: list[tuple[Record, bytes | None]]
        if self.forked:
            parsed = list(self.forked.results())
        else:
            parsed = [(call(), None) for call in self.calls]
        for (index, name), (record, pickled) in zip(self.misses, parsed, strict=True):
            self.records[index] = (name, record)
            if self.store and pickled:
                self.store.put_bytes(name, pickled)
            elif self.store:
                self.store.put(name, record)
        if self.store:
            self.store.keep_only(self.names)
        if self.copies:
            self.copies.keep_only(self.names)
        return [self.records[index] for index in range(self.count)]

    def stop(self) -> None:
        """Stop the forked processes, if the records are no longer wanted."""
        if self.forked:
            self.forked.stop()


def _is_kind(value: object) -> bool:
    return isinstance(value, str) and value in schema.KIND_FIELDS


def _raw_id(node: Node) -> str | None:
    """Return the id a fact mapping declares, before any validation."""
    raw = node.value.get("id") if isinstance(node.value, dict) else None
    return raw.value if raw is not None and isinstance(raw.value, str) else None


def read_fact(node: Node, problems: list[Problem]) -> Fact | None:
    """Convert one fact mapping, checking the common keys and those of its kind."""
    raw = node.value if isinstance(node.value, dict) else {}
    fact_id = _raw_id(node)
    kind_node = raw.get("kind")
    kind = kind_node.value if kind_node and _is_kind(kind_node.value) else None
    reader = _Reader(problems, fact=fact_id)
    fields = schema.COMMON + (schema.KIND_FIELDS[kind] if kind else ())
    if kind is None and kind_node is not None:
        # Report the bad kind once; don't also flag every kind-specific key as unknown.
        reader.value(kind_node, schema.COMMON[1], "kind")
        return None
    data = reader.mapping(node, fields, "a fact")
    if data is None or kind is None:
        return None
    if kind not in schema.CITES_ON_VALUES and not reader.has_citations(node, data, "fact"):
        return None
    required = {f.name for f in fields if f.required}
    if not required <= data.keys():
        return None
    return FACT_CLASSES[kind](location=node.location, locations=reader.locations, **data)
