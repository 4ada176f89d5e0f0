"""What templates need beyond the model: URLs, citation numbers, mentions, highlighted sources."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from site_gen.model import Citation, Event, Fact, Figure, FigureValue, Site, Source, Statement

# Kinds that have a page of their own and an index, keyed to the URL folder and label key.
ENTITY_FOLDERS = {"person": "people", "organization": "organizations", "place": "places"}
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


@dataclass(frozen=True)
class CitationView:
    """A citation as a reader sees it: numbered within its fact, linked to its passage."""

    number: int
    fact: Fact
    citation: Citation
    source: Source

    @property
    def anchor(self) -> str:
        return f"c-{self.fact.id}-{self.number}"

    @property
    def href(self) -> str:
        return f"sources/{self.source.id}/#{self.anchor}"


@dataclass(frozen=True)
class Segment:
    """A run of source text with the citations that cover it."""

    text: str
    covering: tuple[CitationView, ...]
    starting: tuple[CitationView, ...]
    ending: tuple[CitationView, ...]
    ignored: bool


@dataclass(frozen=True)
class Bar:
    """One horizontal bar of a figure chart, in SVG user units."""

    y: int
    width: float
    value: FigureValue
    label: str


def format_date(value: str) -> str:
    """Return an ISO date, full or partial, as '6 January 2022', 'January 2022' or '2022'."""
    if not value:
        return ""
    parts = [int(p) for p in value.split("-")]
    if len(parts) == 3:
        return f"{parts[2]} {MONTHS[parts[1] - 1]} {parts[0]}"
    if len(parts) == 2:
        return f"{MONTHS[parts[1] - 1]} {parts[0]}"
    return str(parts[0])


def format_number(value: int | float) -> str:
    """Return a value with thousands separators, as newsrooms print it."""
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,}"
    return f"{int(value):,}"


class SiteView:
    """Indexes a checked site once, so every page can look things up cheaply."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self.facts = site.facts
        self.settings = site.settings

    def of_kind(self, kind: str) -> list[Fact]:
        return [fact for fact in self.facts.values() if fact.kind == kind]

    @cached_property
    def events(self) -> list[Event]:
        events = [f for f in self.facts.values() if isinstance(f, Event)]
        return sorted(events, key=lambda e: (e.date, e.id))

    @cached_property
    def statements(self) -> list[Statement]:
        statements = [f for f in self.facts.values() if isinstance(f, Statement)]
        return sorted(statements, key=lambda s: (s.date, s.id))

    def timeline(self) -> list[tuple[str, list[Event]]]:
        """Return events grouped by date, oldest first."""
        groups: dict[str, list[Event]] = {}
        for event in self.events:
            groups.setdefault(event.date, []).append(event)
        return list(groups.items())

    def url(self, fact: Fact) -> str:
        """Return the site-relative URL of a fact's own page."""
        return f"{ENTITY_FOLDERS.get(fact.kind, 'facts')}/{fact.id}/"

    def title(self, fact: Fact) -> str:
        """Return the short name a fact is listed under."""
        for attribute in ("title", "name", "label"):
            value = getattr(fact, attribute, None)
            if isinstance(value, str):
                return value
        if isinstance(fact, Statement):
            return f"{self.title(self.facts[fact.speaker])}, {format_date(fact.date)}"
        return fact.id

    def date(self, fact: Fact) -> str:
        return str(getattr(fact, "date", "") or "")

    @cached_property
    def _citations(self) -> dict[str, list[CitationView]]:
        return {
            fact.id: [
                CitationView(n, fact, c, self.site.sources[c.source])
                for n, c in enumerate(fact.citations, start=1)
            ]
            for fact in self.facts.values()
        }

    def citations(self, fact: Fact) -> list[CitationView]:
        return self._citations[fact.id]

    def value_citations(self, fact: Figure, value: FigureValue) -> list[CitationView]:
        """Return the numbered citations that belong to one figure value."""
        own = {id(c) for c in value.sources}
        return [view for view in self._citations[fact.id] if id(view.citation) in own]

    def is_corroborated(self, fact: Fact) -> bool:
        """A fact is corroborated when two or more different sources support it."""
        return len({c.source for c in fact.citations}) >= 2

    def source_ids(self, fact: Fact) -> list[str]:
        return sorted({c.source for c in fact.citations})

    @cached_property
    def _mentions(self) -> dict[str, list[Fact]]:
        mentions: dict[str, list[Fact]] = {}
        for fact in self.facts.values():
            for ref in dict.fromkeys(ref for _, ref in fact.references()):
                mentions.setdefault(ref, []).append(fact)
        for facts in mentions.values():
            facts.sort(key=lambda f: (self.date(f) or "9999", f.kind, f.id))
        return mentions

    def mentions(self, fact: Fact) -> list[Fact]:
        """Return the facts that name this one, in date order (undated last)."""
        return self._mentions.get(fact.id, [])

    def contesting(self, fact: Statement) -> list[Fact]:
        return [self.facts[ref] for ref in fact.contested_by]

    def bars(self, fact: Figure, width: int = 300, height: int = 26) -> list[Bar]:
        """Lay out one bar per value, scaled to the largest, for the build-time SVG chart."""
        largest = max(v.value for v in fact.values) or 1
        return [
            Bar(
                i * height, max(1.0, round(v.value / largest * width, 1)), v, format_number(v.value)
            )
            for i, v in enumerate(fact.values)
        ]

    def range(self, fact: Figure) -> tuple[int | float, int | float]:
        values = [v.value for v in fact.values]
        return min(values), max(values)

    def segments(self, source: Source) -> list[list[Segment]]:
        """Split a source into lines of segments, cut wherever a citation starts or ends."""
        views = [v for vs in self._citations.values() for v in vs if v.source.id == source.id]
        text = source.text
        cuts = {0, len(text)}
        cuts.update(i + 1 for i, ch in enumerate(text) if ch == "\n")
        for view in views:
            for start, end in view.citation.spans:
                cuts.update((start, end))
        for start, end in source.ignore_spans:
            cuts.update((start, end))
        bounds = sorted(cuts)
        lines: list[list[Segment]] = [[]]
        for start, end in itertools.pairwise(bounds):
            piece = text[start:end]
            covering = tuple(v for v in views if _covers(v.citation.spans, start, end))
            starting = tuple(
                v for v in views if v.citation.spans and v.citation.spans[0][0] == start
            )
            ending = tuple(v for v in views if v.citation.spans and v.citation.spans[-1][1] == end)
            ignored = _covers(source.ignore_spans, start, end)
            if piece.strip("\r\n"):
                lines[-1].append(Segment(piece.rstrip("\r\n"), covering, starting, ending, ignored))
            if piece.endswith("\n"):
                lines.append([])
        return [line for line in lines if line]


def _covers(spans: Iterable[tuple[int, int]], start: int, end: int) -> bool:
    return any(s <= start and end <= e for s, e in spans)
