"""Facts and their citations: frozen records that each know where they were written."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from site_gen.errors import Location

Span = tuple[int, int]


@dataclass(frozen=True)
class Citation:
    """A verbatim quote from one source; where it sits in the source is the checker's finding."""

    source: str
    quote: str
    location: Location
    note: str = ""


@dataclass(frozen=True, kw_only=True)
class Fact:
    """Fields every kind of fact shares."""

    id: str
    kind: str
    text: str
    location: Location
    # Location of every key and list item, e.g. "people[1]" or "values[0].value".
    locations: Mapping[str, Location] = field(default_factory=dict)
    sources: tuple[Citation, ...] = ()
    people: tuple[str, ...] = ()
    organizations: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    draft: bool = False

    @property
    def citations(self) -> tuple[Citation, ...]:
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


@dataclass(frozen=True, kw_only=True)
class Event(Fact):
    title: str
    date: str
    date_note: str = ""


@dataclass(frozen=True, kw_only=True)
class Person(Fact):
    name: str
    roles: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Organization(Fact):
    name: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Place(Fact):
    name: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
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


@dataclass(frozen=True)
class FigureValue:
    """One reported value of a figure, with who reported it and when."""

    value: int | float
    location: Location
    sources: tuple[Citation, ...] = ()
    qualifier: str = ""
    as_of: str = ""
    as_of_note: str = ""
    reported_by: str = ""


@dataclass(frozen=True, kw_only=True)
class Figure(Fact):
    label: str
    values: tuple[FigureValue, ...]

    @property
    def citations(self) -> tuple[Citation, ...]:
        return self.sources + tuple(c for value in self.values for c in value.sources)

    def references(self) -> Iterator[tuple[str, str]]:
        yield from super().references()
        for index, value in enumerate(self.values):
            if value.reported_by:
                yield f"values[{index}].reported_by", value.reported_by


@dataclass(frozen=True, kw_only=True)
class Statement(Fact):
    speaker: str
    date: str
    # What the claim is about, so its title can say more than who spoke and when.
    about: str = ""
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
