"""Plain data for a briefing: sources, facts and settings, each knowing where it was written."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol, Self, TypeVar, cast

from site_gen.errors import Location

Span = tuple[int, int]
_T = TypeVar("_T")


def _shallow(obj: _T) -> _T:
    """Return a new object of the same class sharing every attribute: cheaper than copy.copy."""
    new: Any = object.__new__(type(obj))
    new.__dict__.update(obj.__dict__)
    return cast(_T, new)


class _Citing(Protocol):
    sources: list[Citation]


_C = TypeVar("_C", bound=_Citing)


def _with_own_citations(obj: _C) -> _C:
    """Return a copy whose citations are its own: a check fills in their spans, which must not
    reach the object copied from. Every other value is shared, and never changed."""
    new = _shallow(obj)
    new.sources = [_shallow(citation) for citation in obj.sources]
    return new


@dataclass
class Citation:
    """A verbatim quote from one source; `spans` is filled in when the quote is verified."""

    source: str
    quote: str
    location: Location
    note: str = ""
    spans: tuple[Span, ...] = ()


@dataclass(kw_only=True)
class Fact:
    """Fields every kind of fact shares."""

    id: str
    kind: str
    text: str
    location: Location
    # Location of every key and list item, e.g. "people[1]" or "values[0].value".
    locations: dict[str, Location] = field(default_factory=dict)
    sources: list[Citation] = field(default_factory=list)
    people: tuple[str, ...] = ()
    organizations: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    related: tuple[str, ...] = ()

    @property
    def citations(self) -> list[Citation]:
        """Return every citation of the fact, including those on figure values."""
        return self.sources

    def references(self) -> Iterator[tuple[str, str]]:
        """Yield (field path, id) for every id this fact points at."""
        for name in ("people", "organizations", "places", "related"):
            for index, ref in enumerate(getattr(self, name)):
                yield f"{name}[{index}]", ref

    def at(self, key: str) -> Location:
        """Return where `key` was written, falling back to the fact itself."""
        return self.locations.get(key, self.location)

    def copy(self) -> Self:
        """Return a copy for another check: see _with_own_citations."""
        return _with_own_citations(self)


@dataclass(kw_only=True)
class Event(Fact):
    title: str
    date: str
    date_note: str = ""


@dataclass(kw_only=True)
class Person(Fact):
    name: str
    roles: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()


@dataclass(kw_only=True)
class Organization(Fact):
    name: str
    aliases: tuple[str, ...] = ()


@dataclass(kw_only=True)
class Place(Fact):
    name: str
    aliases: tuple[str, ...] = ()


@dataclass(kw_only=True)
class Reform(Fact):
    title: str
    proposed_by: str
    date: str = ""
    date_note: str = ""
    status: str = ""
    area: str = ""

    def references(self) -> Iterator[tuple[str, str]]:
        yield from super().references()
        yield "proposed_by", self.proposed_by


@dataclass
class FigureValue:
    """One reported value of a figure, with who reported it and when."""

    value: int | float
    location: Location
    sources: list[Citation] = field(default_factory=list)
    qualifier: str = ""
    as_of: str = ""
    as_of_note: str = ""
    reported_by: str = ""

    def copy(self) -> Self:
        """Return a copy for another check: see _with_own_citations."""
        return _with_own_citations(self)


@dataclass(kw_only=True)
class Figure(Fact):
    label: str
    values: list[FigureValue]

    @property
    def citations(self) -> list[Citation]:
        return self.sources + [c for value in self.values for c in value.sources]

    def copy(self) -> Self:
        new = super().copy()
        new.values = [value.copy() for value in self.values]
        return new

    def references(self) -> Iterator[tuple[str, str]]:
        yield from super().references()
        for index, value in enumerate(self.values):
            if value.reported_by:
                yield f"values[{index}].reported_by", value.reported_by


@dataclass(kw_only=True)
class Statement(Fact):
    speaker: str
    date: str
    date_note: str = ""
    contested_by: tuple[str, ...] = ()

    def references(self) -> Iterator[tuple[str, str]]:
        yield from super().references()
        yield "speaker", self.speaker
        for index, ref in enumerate(self.contested_by):
            yield f"contested_by[{index}]", ref


FACT_CLASSES: dict[str, type[Fact]] = {
    "event": Event,
    "person": Person,
    "organization": Organization,
    "place": Place,
    "reform": Reform,
    "figure": Figure,
    "statement": Statement,
}


@dataclass
class Source:
    """A source article: its registry entry and its decoded text."""

    id: str
    file: str
    sha256: str
    title: str
    location: Location
    text: str = ""
    # sha256 of the bytes on disk, compared with the pin by the checker.
    actual_sha256: str = ""
    publisher: str = ""
    date: str = ""
    author: str = ""
    evidence: dict[str, str] = field(default_factory=dict)
    editorial: dict[str, str] = field(default_factory=dict)
    ignore: tuple[str, ...] = ()
    locations: dict[str, Location] = field(default_factory=dict)
    # Filled in by the checker: where evidence passages and ignored spans sit in `text`.
    evidence_spans: dict[str, tuple[Span, ...]] = field(default_factory=dict)
    ignore_spans: tuple[Span, ...] = ()

    def at(self, key: str) -> Location:
        return self.locations.get(key, self.location)


@dataclass
class Settings:
    """Site-wide text and options from site.yml."""

    title: str
    description: str
    location: Location
    language: str = "en"
    intro: str = ""
    summary: tuple[str, ...] = ()
    key_figures: tuple[str, ...] = ()
    base_url: str = "/"
    site_url: str = ""
    coverage_target: float = 0.9
    labels: dict[str, str] = field(default_factory=dict)
    locations: dict[str, Location] = field(default_factory=dict)

    def at(self, key: str) -> Location:
        return self.locations.get(key, self.location)


def source_texts(sources: dict[str, Source]) -> tuple[tuple[str, str], ...]:
    """Return each source's id and text: what the spans of every quote depend on."""
    return tuple((source_id, source.text) for source_id, source in sources.items())


@dataclass
class Site:
    """Everything one build reads."""

    settings: Settings
    sources: dict[str, Source]
    facts: dict[str, Fact]
    # Ids of facts that exist but failed to load; their own problems are already reported.
    broken: frozenset[str] = frozenset()
    # True when a facts file could not be read at all: any unknown id may be one of its facts.
    partial: bool = False
    # Per fact id, the key of the bytes of the file it was read from (site_gen.cache.key):
    # two builds that read a fact from the same key read the same fact.
    origins: dict[str, str] = field(default_factory=dict)

    def citation_count(self) -> int:
        return sum(len(fact.citations) for fact in self.facts.values())
