"""Facts and their citations: frozen records that each know where they were written."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from site_gen.errors import Location
from site_gen.model.schema import REFORM_ACTS

Span = tuple[int, int]


@dataclass(frozen=True)
class Citation:
    """A verbatim quote from one source; where it sits in the source is the checker's finding."""

    source: str
    quote: str
    # Where the quote was written: the line an editor fixes when it is not in its source.
    location: Location
    note: str = ""
    # Where the source id was written, for a problem with the id itself.
    source_location: Location | None = None


@dataclass(frozen=True, kw_only=True)
class CitedText:
    """Text in the editors' words with the verbatim quotes it rests on.

    Every fact is one; so is each sentence of the home page's lead in site.yml, which has no
    kind and is shown nowhere else. The quote and number checks, and citation markers, need
    no more than this, so both are checked and cited alike.
    """

    # A fact's id; for a lead sentence, made by the loader from its place ("lead_1"), with an
    # underscore, which no fact id has, so the anchors of their citations never clash.
    id: str
    text: str
    location: Location
    # Location of every key and list item, e.g. "people[1]" or "values[0].value".
    locations: Mapping[str, Location] = field(default_factory=dict)
    sources: tuple[Citation, ...] = ()

    @property
    def citations(self) -> tuple[Citation, ...]:
        """Return every citation of the text, including those on figure values."""
        return self.sources

    @property
    def fact_id(self) -> str | None:
        """Return the id a problem names: a fact's; a lead sentence is named by where it is."""
        return None

    def at(self, key: str) -> Location:
        """Return where `key` was written, falling back to the text itself."""
        return self.locations.get(key, self.location)


@dataclass(frozen=True, kw_only=True)
class Fact(CitedText):
    """Fields every kind of fact shares."""

    kind: str
    people: tuple[str, ...] = ()
    organizations: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    draft: bool = False
    # Wording-lint findings the editors accept: code -> the reason, shown in facts.json.
    accept: Mapping[str, str] = field(default_factory=dict)

    @property
    def fact_id(self) -> str | None:
        return self.id

    def references(self) -> Iterator[tuple[str, str]]:
        """Yield (field path, id) for every id this fact points at."""
        for name in ("people", "organizations", "places", "related"):
            for index, ref in enumerate(getattr(self, name)):
                yield f"{name}[{index}]", ref


@dataclass(frozen=True, kw_only=True)
class Event(Fact):
    title: str
    date: str
    date_note: str = ""
    date_of_report: bool = False


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
    proposed_by: str = ""
    announced_by: str = ""
    reported_by: str = ""
    date: str = ""
    date_note: str = ""
    date_of_report: bool = False
    status: str = ""
    area: str = ""

    @property
    def acts(self) -> tuple[tuple[str, str], ...]:
        """Return (verb, actor id) for each thing a quote says someone did: proposed, announced…"""
        return tuple(
            (verb, actor) for verb in REFORM_ACTS if (actor := getattr(self, f"{verb}_by"))
        )

    def references(self) -> Iterator[tuple[str, str]]:
        yield from super().references()
        for verb, actor in self.acts:
            yield f"{verb}_by", actor


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
    # Numbers of other values of the same figure: an earlier count, or the value restated.
    updates: int | float | None = None
    restates: int | float | None = None


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
    date_of_report: bool = False
    contested_by: tuple[str, ...] = ()

    def references(self) -> Iterator[tuple[str, str]]:
        yield from super().references()
        yield "speaker", self.speaker
        for index, ref in enumerate(self.contested_by):
            yield f"contested_by[{index}]", ref


FACT_CLASSES: Mapping[str, type[Fact]] = MappingProxyType(
    {
        "event": Event,
        "person": Person,
        "organization": Organization,
        "place": Place,
        "reform": Reform,
        "figure": Figure,
        "statement": Statement,
    }
)
