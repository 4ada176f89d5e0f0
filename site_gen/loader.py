"""Turn a site root's YAML and source texts into the model, collecting every problem."""

from __future__ import annotations

import datetime
import difflib
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from site_gen import schema
from site_gen.config import Config
from site_gen.errors import Location, Problem
from site_gen.model import FACT_CLASSES, Citation, Fact, FigureValue, Settings, Site, Source
from site_gen.schema import Field, Type
from site_gen.yamlfile import INVALID, MAX_FILE_BYTES, Node, decode_utf8, read_yaml

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
            key_location = node.key_locations.get(key, value.location)
            spec = by_name.get(key)
            if spec is None:
                close = difflib.get_close_matches(key, by_name, n=1)
                hint = (
                    f"did you mean '{close[0]}'?"
                    if close
                    else f"allowed keys: {', '.join(by_name)}"
                )
                self.fail(key_location, "unknown-key", f"unknown key '{key}' in {what}", hint)
                continue
            if value.value is None:
                continue  # Same as leaving the key out; a required key is reported below.
            self.locations[prefix + key] = value.location
            converted = self.value(value, spec, prefix + key)
            if converted is not None:
                result[key] = converted
        for spec in fields:
            if spec.required and node.value.get(spec.name, Node(None, node.location)).value is None:
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
    settings = load_settings(config, problems)
    sources = load_sources(config, problems)
    facts, broken, partial = load_facts(config, problems)
    if settings is None:
        return None, problems
    return Site(settings, sources, facts, frozenset(broken - facts.keys()), partial), problems


def _read_root(path: Path, display: str, problems: list[Problem]) -> Node | None:
    if not path.is_file():
        problems.append(
            Problem(
                "missing-file",
                "file not found",
                Location(display),
                hint="create it (see docs/format.md)",
            )
        )
        return None
    root, found = read_yaml(path, display)
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


def load_sources(config: Config, problems: list[Problem]) -> dict[str, Source]:
    """Read the sources registry and the text of every source it lists."""
    display = config.display(config.registry_file)
    root = _read_root(config.registry_file, display, problems)
    sources: dict[str, Source] = {}
    if root is None:
        return sources
    if not isinstance(root.value, list) or not root.value:
        problems.append(
            Problem(
                "wrong-type",
                "the registry must be a non-empty list of sources",
                root.location,
                hint="write one '- id: …' entry per source",
            )
        )
        return sources
    for node in root.value:
        reader = _Reader(problems)
        data = reader.mapping(node, schema.SOURCE, "a source")
        if data is None or not {"id", "file", "sha256", "title"} <= data.keys():
            continue
        source = Source(location=node.location, locations=reader.locations, **data)
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
        read_source_text(config, source, problems)
        sources[source.id] = source
    return sources


def read_source_text(config: Config, source: Source, problems: list[Problem]) -> None:
    """Load the file a source names, refusing anything outside seeds/."""
    where = source.at("file")
    seeds = config.seeds_dir.resolve()
    path = (seeds / source.file).resolve()
    if Path(source.file).is_absolute() or seeds not in path.parents:
        problems.append(
            Problem(
                "source-path",
                f"file '{source.file}' is outside seeds/",
                where,
                hint="put the source text in seeds/ and name it by its file name",
            )
        )
        return
    if not path.is_file():
        problems.append(
            Problem(
                "source-missing",
                f"file '{source.file}' not found in seeds/",
                where,
                hint="copy the source text into seeds/ or fix the file name",
            )
        )
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


def fact_files(config: Config) -> list[Path]:
    """Return every facts file in a stable order, so output never depends on the file system."""
    if not config.facts_dir.is_dir():
        return []
    paths = [p for p in config.facts_dir.rglob("*") if p.suffix in FACT_SUFFIXES and p.is_file()]
    return sorted(paths, key=lambda p: p.relative_to(config.facts_dir).as_posix())


def load_facts(config: Config, problems: list[Problem]) -> tuple[dict[str, Fact], set[str], bool]:
    """Read every facts file; return the facts, the ids of facts too broken to load, and
    whether some file could not be read at all.

    Ids must be unique across all files. Broken ids, and with an unreadable file any id, are
    not reported again as unknown references.
    """
    facts: dict[str, Fact] = {}
    broken: set[str] = set()
    partial = False
    paths = fact_files(config)
    if not paths:
        problems.append(
            Problem(
                "no-facts",
                "no facts files found",
                Location(config.display(config.facts_dir)),
                hint="add a .yml file with a list of facts under facts/",
            )
        )
    for path in paths:
        root = _read_root(path, config.display(path), problems)
        if root is None:
            partial = True
            continue
        if not isinstance(root.value, list) or not root.value:
            problems.append(
                Problem(
                    "wrong-type",
                    "a facts file must be a non-empty list of facts",
                    root.location,
                    hint="start each fact with '- id: …'",
                )
            )
            continue
        for node in root.value:
            fact = read_fact(node, problems)
            if fact is None:
                broken.add(_raw_id(node) or "")
            elif fact.id in facts:
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
    return facts, broken, partial


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
