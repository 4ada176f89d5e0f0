"""What templates need beyond the model: URLs, citation numbers, mentions, highlighted sources."""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from types import MappingProxyType
from typing import TypeVar

from site_gen.model import (
    Citation,
    CitedText,
    Event,
    Fact,
    Figure,
    FigureValue,
    Site,
    Source,
    Span,
    Statement,
    counts,
    titles,
)
from site_gen.model.counts import Count
from site_gen.render.textfragment import link_to_passage
from site_gen.verify.coverage import split_sentences
from site_gen.verify.located import Located

# Kinds that have a page of their own and an index, keyed to the URL folder and label key.
ENTITY_FOLDERS = MappingProxyType(
    {"person": "people", "organization": "organizations", "place": "places"}
)
# Kinds that happen at a time: they make up a person's actions and statements.
DATED_KINDS = ("event", "statement")
DatedT = TypeVar("DatedT", Event, Statement)
# A date, and whether it is only that of the report: what facts are grouped under.
Dating = tuple[str, bool]
# Pads a partial date so that it sorts after every full date it contains (and "" after all).
_LATER = "~"
# Chart geometry in SVG user units: one row per value, its label line and the line naming who
# reported it above a thin bar.
CHART_WIDTH = 360
CHART_ROW = 50
CHART_BASELINE = 13
CHART_WHO_BASELINE = 29
CHART_BAR_TOP = 35
CHART_BAR = 9
# Room kept right of the longest bar, where a 'more than' runs on.
CHART_REACH = 16
_NEWLINE = re.compile("\n")
# The sweep's stand-ins for ignored spans and shown excerpts, beside citation indexes 0, 1, 2...
_IGNORED = -1
_SHOWN = -2


@dataclass(frozen=True)
class CitationView:
    """A citation as a reader sees it: numbered within its fact, linked to its passage."""

    number: int
    fact: CitedText
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
    # How it is shown, so that segments shown alike merge into one run: 'cited', 'ignored',
    # 'plain', or 'omitted' (left out of a page that publishes excerpts only).
    look: str


@dataclass(frozen=True)
class Piece:
    """A segment of a highlighted run, with the elements of the citations whose quote starts on
    it opened before it, outermost first, and how many open elements end after it."""

    text: str
    opens: tuple[CitationView, ...] = ()
    closes: int = 0


@dataclass(frozen=True)
class Run:
    """A stretch of one source line shown one way: plain, ignored, highlighted, or left out."""

    text: str
    ignored: bool = False
    cited: bool = False
    # Stands for text an excerpted page leaves out; its `text` is empty.
    omitted: bool = False
    # A highlighted run's text, cut where a quote starting in it begins or ends.
    pieces: tuple[Piece, ...] = ()


@dataclass(frozen=True)
class Passage:
    """Runs read together: highlighted runs with only spaces between them, or one other run."""

    runs: tuple[Run, ...]
    # Every fact (or lead sentence) citing any part of the passage, each once, to go back to.
    citing: tuple[CitedText, ...] = ()


@dataclass(frozen=True)
class Bar:
    """One row of a figure chart, in SVG user units: where its label sits and how long its bar is."""

    y: int
    width: float
    value: FigureValue
    label: str
    # How the qualifier bounds the value: 'at least', 'at most', 'approximate', or '' (exact).
    shape: str = ""
    height: int = CHART_BAR
    # How far a qualified end reaches past, or back from, the value.
    reach: int = CHART_REACH

    @property
    def label_y(self) -> int:
        return self.y + CHART_BASELINE

    @property
    def who_y(self) -> int:
        return self.y + CHART_WHO_BASELINE

    @property
    def bar_y(self) -> int:
        return self.y + CHART_BAR_TOP


def format_number(value: int | float) -> str:
    """Return a value with thousands separators, as newsrooms print it."""
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,}"
    return f"{int(value):,}"


def plural(number: int, noun: str, nouns: str = "") -> str:
    """Return '1 event', '3 events': a count as people write it (`nouns` when not noun + s)."""
    return f"{number} {noun}" if number == 1 else f"{number} {nouns or noun + 's'}"


def sentence_case(text: str) -> str:
    """Return text with its first letter capitalized and the rest as written, so a label such
    as "people arrested" heads a page as "People arrested" and "CSTO" keeps its capitals."""
    return text[:1].upper() + text[1:]


def og_locale(language: str) -> str:
    """Return Open Graph's language_TERRITORY for a BCP 47 tag ("en-GB" is "en_GB"), or "" when
    the tag names no two-letter region: Open Graph knows no bare "en", and would read a missing
    locale as en_US, which is not ours to claim for every "en"."""
    first, *rest = language.split("-")
    for subtag in rest:
        if len(subtag) == 1:  # An extension or a private part: what follows is no region.
            break
        if len(subtag) == 2 and subtag.isalpha():
            return f"{first.lower()}_{subtag.upper()}"
    return ""


def format_value(value: FigureValue) -> str:
    """Return a reported value with its qualifier, as in 'more than 4,400'."""
    return " ".join(part for part in (value.qualifier, format_number(value.value)) if part)


def chronology(fact: Fact) -> tuple[str, bool]:
    """Return a fact's place in the story: by date, undated facts last, a month or a year after
    its days (sorting '2022-01' before '2022-01-02', as text does, would open a story with its
    aftermath), and what was only reported on a day after what was done on it.

    Facts of one place keep the order they are loaded in (sorts are stable): the editors tell a
    month's events in order, which no id or kind knows."""
    date = str(getattr(fact, "date", "") or "")
    return date.ljust(10, _LATER), bool(getattr(fact, "date_of_report", False))


def is_exact_date(value: str) -> bool:
    """Tell whether a date names a day, rather than only a month or a year."""
    return value.count("-") == 2


def worded_date(fact: Fact) -> str:
    """Return a fact's date as the pages word it, for what is read off the pages (search, the
    feed), where a bare date would pass for the day of the act: "reported 31 January 2022"
    where it is only the report's, "January 2022, day not given" where no day is; '' if none."""
    date = str(getattr(fact, "date", "") or "")
    if not date:
        return ""
    reported = "reported " if getattr(fact, "date_of_report", False) else ""
    gap = date_gap(date)
    return reported + titles.format_date(date) + (f", {gap}" if gap else "")


def date_gap(date: str) -> str:
    """Return what a date leaves out, as the pages say it: '' for a full date."""
    if is_exact_date(date):
        return ""
    return "day not given" if "-" in date else "exact date not given"


class SiteView:
    """Indexes a checked site once, so every page can look things up cheaply."""

    def __init__(self, site: Site, located: Located) -> None:
        self.site = site
        self.located = located
        self.facts = site.facts
        self.settings = site.settings
        # Made when first asked for, by fact id: the facts that name it, sorted; its citations.
        self._mentions: dict[str, list[Fact]] = {}
        self._citations: dict[str, list[CitationView]] = {}
        self._counts: dict[str, tuple[Count, ...]] = {}
        # By source id: its citations.
        self._source_citations: dict[str, list[CitationView]] = {}

    def pick(self, ids: Iterable[str]) -> list[Fact]:
        return [self.facts[ref] for ref in ids]

    def of_kind(self, kind: str) -> list[Fact]:
        """Return the facts of one kind, in the site's order."""
        return list(self.kinds.get(kind, ()))

    @cached_property
    def kinds(self) -> dict[str, list[Fact]]:
        """Return the facts of each kind: pages ask for a kind at a time, a dozen times a build."""
        kinds: dict[str, list[Fact]] = {}
        for fact in self.facts.values():
            kinds.setdefault(fact.kind, []).append(fact)
        return kinds

    @cached_property
    def events(self) -> list[Event]:
        events = [f for f in self.facts.values() if isinstance(f, Event)]
        return sorted(events, key=chronology)

    @cached_property
    def statements(self) -> list[Statement]:
        statements = [f for f in self.facts.values() if isinstance(f, Statement)]
        return sorted(statements, key=chronology)

    def chronological(self, facts: Iterable[Fact]) -> list[Fact]:
        """Return facts in the order of the story, as the timeline tells it (stable otherwise)."""
        return sorted(facts, key=chronology)

    def timeline(self) -> list[tuple[Dating, list[Event]]]:
        """Return events grouped by date, oldest first."""
        return _group_by_date(self.events)

    def statements_by_date(self) -> list[tuple[Dating, list[Statement]]]:
        """Return statements grouped by the date they were made, oldest first."""
        return _group_by_date(self.statements)

    def url(self, fact: CitedText) -> str:
        """Return the site-relative URL of a fact's own page; of a lead sentence, its place on
        the home page."""
        if not isinstance(fact, Fact):
            return f"#{fact.id}"
        return f"{ENTITY_FOLDERS.get(fact.kind, 'facts')}/{fact.id}/"

    def title(self, fact: Fact) -> str:
        """Return the short name a fact is listed under (for a statement: speaker on subject)."""
        return titles.title(self.facts, fact)

    def headline(self, fact: Fact) -> str:
        """Return what a fact is listed under beside its date: its title, but only the speaker
        of a statement with no subject, since the date shows anyway."""
        if isinstance(fact, Statement) and not fact.about:
            return titles.speaker(self.facts, fact)
        return self.title(fact)

    def date(self, fact: Fact) -> str:
        return str(getattr(fact, "date", "") or "")

    def citations(self, fact: CitedText) -> list[CitationView]:
        """Return a fact's citations, numbered; made when first asked for."""
        if fact.id not in self._citations:
            self._citations[fact.id] = [
                CitationView(n, fact, c, self.site.sources[c.source])
                for n, c in enumerate(fact.citations, start=1)
            ]
        return self._citations[fact.id]

    def by_source(
        self, citations: Iterable[CitationView]
    ) -> list[tuple[Source, list[CitationView]]]:
        """Group citations under their sources, in the order each source is first cited."""
        groups: dict[str, tuple[Source, list[CitationView]]] = {}
        for view in citations:
            groups.setdefault(view.source.id, (view.source, []))[1].append(view)
        return list(groups.values())

    def original(self, view: CitationView) -> str:
        """Return a link to the quoted passage in the original article, or '' when not online.

        The passage is taken from the stored text where the quote was found, not from the
        quote, which may leave words out or change a letter's case.
        """
        if not view.source.url:
            return ""
        spans = self.located.of(view.citation)
        passage = view.source.text[spans[0][0] : spans[-1][1]] if spans else view.citation.quote
        return link_to_passage(view.source.url, passage)

    def value_citations(self, fact: Figure, value: FigureValue) -> list[CitationView]:
        """Return the numbered citations that belong to one figure value."""
        own = {id(c) for c in value.sources}
        return [view for view in self.citations(fact) if id(view.citation) in own]

    def citations_of(self, facts: Iterable[Fact]) -> list[CitationView]:
        """Return the citations of several facts in order, for one list of notes."""
        return [view for fact in facts for view in self.citations(fact)]

    def corroborating_sources(self, fact: Fact) -> list[str]:
        """Return the different sources that support the same claim of an event or a figure,
        one per named publisher: two reports of one outlet are one voice, not two.

        For a figure that is the widest set of outlets giving one count's latest value. A value
        that restates it (a rounding, a repetition) is no separate report, and sources that give
        different counts must not read as corroboration, nor outlets that all carry one
        reporter's count (two reports of "Tokayev said 2,000" are Tokayev's voice). A claim (a
        statement) is carried by reports, never corroborated by them: none here.
        """
        if isinstance(fact, Figure):
            by_value: dict[float, list[FigureValue]] = {}
            for count in self.counts(fact):
                by_value.setdefault(count.latest.value, []).append(count.latest)
            groups = [self._voices(values) for values in by_value.values()]
            return max(groups, key=len, default=[])
        if isinstance(fact, Event):
            return self._one_per_publisher(self.source_ids(fact))
        return []

    def _voices(self, values: list[FigureValue]) -> list[str]:
        """Return the sources of values that give one count, one per publisher, and only the
        first when one reporter gives every value."""
        source_ids = sorted({c.source for value in values for c in value.sources})
        reporters = {value.reported_by for value in values}
        if len(reporters) == 1 and "" not in reporters:
            source_ids = source_ids[:1]
        return self._one_per_publisher(source_ids)

    def _one_per_publisher(self, source_ids: list[str]) -> list[str]:
        """Return the first source of each publisher. A source that names none is left out: it
        may be any outlet's, one already counted too, so it cannot show that two outlets agree.
        One text under two entries is one source (check warns of it)."""
        outlets: dict[str, str] = {}
        texts: set[str] = set()
        for source_id in source_ids:
            source = self.site.sources.get(source_id)
            if source is None or not source.publisher:
                continue
            text = source.actual_sha256 or source_id
            if text in texts:
                continue
            texts.add(text)
            outlets.setdefault(source.publisher.casefold(), source_id)
        return list(outlets.values())

    def is_corroborated(self, fact: Fact) -> bool:
        """An event or figure is corroborated when two or more outlets support it."""
        return len(self.corroborating_sources(fact)) >= 2

    def source_ids(self, fact: Fact) -> list[str]:
        return sorted({c.source for c in fact.citations})

    @cached_property
    def referrers(self) -> dict[str, list[str]]:
        """Return the ids of the facts that name each fact."""
        referrers: dict[str, list[str]] = {}
        for fact in self.facts.values():
            for ref in dict.fromkeys(ref for _, ref in fact.references()):
                referrers.setdefault(ref, []).append(fact.id)
        return referrers

    def mentions(self, fact: Fact) -> list[Fact]:
        """Return the facts that name this one, in date order (undated last)."""
        if fact.id not in self._mentions:
            found = self.pick(self.referrers.get(fact.id, ()))
            self._mentions[fact.id] = sorted(found, key=chronology)
        return self._mentions[fact.id]

    def referring(self, fact: Fact) -> list[Fact]:
        """Return the facts that name this one, leaving out those it already lists as related."""
        return [f for f in self.mentions(fact) if f.id not in fact.related]

    def activity(self, fact: Fact) -> list[Fact]:
        """Return the events and statements that name this one, in date order."""
        return [f for f in self.mentions(fact) if f.kind in DATED_KINDS]

    def named_in(self, fact: Fact) -> list[Fact]:
        """Return the other facts that name this one, grouped by kind, then by title."""
        rest = [f for f in self.mentions(fact) if f.kind not in DATED_KINDS]
        return sorted(rest, key=lambda f: (f.kind, self.title(f).casefold()))

    def counts(self, fact: Figure) -> tuple[Count, ...]:
        """Return a figure's counts; made when first asked for, as a figure's block asks often."""
        if fact.id not in self._counts:
            self._counts[fact.id] = counts.counts(fact)
        return self._counts[fact.id]

    def named_value(self, fact: Figure, value: FigureValue, number: float) -> FigureValue | None:
        return counts.named_value(fact, value, number)

    def disagree(self, fact: Figure) -> bool:
        """Tell whether a figure's reports disagree, rather than update or restate each other."""
        return len({count.latest.value for count in self.counts(fact)}) > 1

    def latest_range(self, fact: Figure) -> tuple[FigureValue, FigureValue]:
        """Return the lowest and the highest of the counts' latest values, first written on ties."""
        latest = [count.latest for count in self.counts(fact)]
        return min(latest, key=lambda v: v.value), max(latest, key=lambda v: v.value)

    def is_charted(self, fact: Figure) -> bool:
        """A chart helps where values differ in substance: disagreeing counts, or a series."""
        found = self.counts(fact)
        return len(found) > 1 or len(found[0].values) > 1

    def attributed(self, value: FigureValue) -> str:
        """Return a value with its qualifier and who reported it: 'more than 4,400 (Ministry)'.

        A value that names no reporter says so, as the values table does: bare beside named
        ones, it read as the briefing's own.
        """
        return f"{format_value(value)} ({self.reporter(value)})"

    def reporter(self, value: FigureValue) -> str:
        """Return who reported a value, or "not attributed": a chart's bar says one or the other."""
        return self.title(self.facts[value.reported_by]) if value.reported_by else "not attributed"

    def bars(self, fact: Figure) -> list[Bar]:
        """Lay out one bar per counted value, scaled to the largest, for the build-time chart.

        Restatements are left out: they repeat a value already drawn.
        """
        values = [v for count in self.counts(fact) for v in count.values]
        largest = max(v.value for v in values) or 1
        bars: list[Bar] = []
        for i, v in enumerate(values):
            width = max(1.0, round(v.value / largest * (CHART_WIDTH - CHART_REACH), 1))
            bars.append(Bar(i * CHART_ROW, width, v, format_value(v), counts.bound(v.qualifier)))
        return bars

    def chart_size(self, bars: list[Bar]) -> tuple[int, int]:
        return CHART_WIDTH, len(bars) * CHART_ROW

    @cached_property
    def citers(self) -> dict[str, list[CitedText]]:
        """Return what cites each source: the lead's sentences, then the facts, in their order."""
        citers: dict[str, list[CitedText]] = {}
        for text in self.site.cited_texts():
            for source_id in dict.fromkeys(c.source for c in text.citations):
                citers.setdefault(source_id, []).append(text)
        return citers

    def _by_source(self, source_id: str) -> list[CitationView]:
        """Return the citations of a source, in the order of the facts; made when first asked for."""
        if source_id not in self._source_citations:
            self._source_citations[source_id] = [
                view
                for text in self.citers.get(source_id, ())
                for view in self.citations(text)
                if view.source.id == source_id
            ]
        return self._source_citations[source_id]

    def cited_facts(self, source: Source) -> list[Fact]:
        """Return the facts that cite a source, in date order (undated last)."""
        facts = [text for text in self.citers.get(source.id, ()) if isinstance(text, Fact)]
        return sorted(facts, key=chronology)

    def is_excerpted(self, source: Source) -> bool:
        """Tell whether a source's page shows only its cited sentences, not its whole text."""
        return (source.publish or self.settings.publish) == "excerpts"

    @cached_property
    def all_in_full(self) -> bool:
        """Tell whether every source's page shows its whole text, as the site's wording says."""
        return not any(self.is_excerpted(source) for source in self.site.sources.values())

    def shown(self, source: Source) -> list[Span]:
        """Return what an excerpted page shows: each quoted span widened to its sentences."""
        sentences = split_sentences(source.text)
        starts = [sentence.start for sentence in sentences]
        shown = []
        for view in self._by_source(source.id):
            for start, end in self.located.of(view.citation):
                # The sentences that overlap the span: from the last one starting at or before
                # its start, on to the last one starting before its end.
                first = max(bisect.bisect_right(starts, start) - 1, 0)
                last = bisect.bisect_left(starts, end)
                around = [s for s in sentences[first:last] if s.end > start]
                shown.append(
                    (min([start, *(s.start for s in around)]), max([end, *(s.end for s in around)]))
                )
        return shown

    def segments(self, source: Source) -> list[list[Segment]]:
        """Split a source into lines of segments, cut wherever a citation starts or ends.

        On an excerpted page, segments outside the shown sentences are hidden.
        """
        views = self._by_source(source.id)
        text = source.text
        # One sweep over the cut points: each span opens where it starts and closes where it
        # ends, so a segment is covered by whatever is open, with no scan of every span per cut.
        opening: dict[int, list[int]] = {}
        closing: dict[int, list[int]] = {}

        def add_spans(spans: Iterable[Span], index: int) -> None:
            """Note where each non-empty span opens and closes; an empty span covers nothing."""
            for start, end in spans:
                if start < end:
                    opening.setdefault(start, []).append(index)
                    closing.setdefault(end, []).append(index)

        starting: dict[int, list[CitationView]] = {}
        for index, view in enumerate(views):
            spans = self.located.of(view.citation)
            if spans:
                starting.setdefault(spans[0][0], []).append(view)
            add_spans(spans, index)
        add_spans(self.located.ignored(source), _IGNORED)
        excerpted = self.is_excerpted(source)
        if excerpted:
            add_spans(self.shown(source), _SHOWN)
        cuts = {0, len(text), *opening, *closing}
        cuts.update(found.end() for found in _NEWLINE.finditer(text))
        open_count: dict[int, int] = {}
        lines: list[list[Segment]] = [[]]
        for start, end in itertools.pairwise(sorted(cuts)):
            for index in closing.get(start, ()):
                open_count[index] -= 1
            for index in opening.get(start, ()):
                open_count[index] = open_count.get(index, 0) + 1
            piece = text[start:end]
            if piece.strip("\r\n"):
                covering = tuple(views[i] for i in sorted(open_count) if i >= 0 and open_count[i])
                # Spaces between two shown sentences are no omission.
                if excerpted and not open_count.get(_SHOWN, 0) and not piece.isspace():
                    look = "omitted"
                elif covering:
                    look = "cited"
                else:
                    look = "ignored" if open_count.get(_IGNORED, 0) else "plain"
                anchors = tuple(starting.get(start, ()))
                lines[-1].append(Segment(piece.rstrip("\r\n"), covering, anchors, look))
            if piece.endswith("\n"):
                lines.append([])
        return [line for line in lines if line]

    def passages(self, source: Source) -> list[list[Passage]]:
        """Return a source as lines of passages; an excerpted page's left-out lines are empty,
        one for each stretch of them."""
        lines: list[list[Passage]] = []
        for line in self.segments(source):
            passages = _passages(line)
            if any(not run.omitted for p in passages for run in p.runs):
                lines.append(passages)
            elif not lines or lines[-1]:
                lines.append([])
        return lines


def _passages(line: list[Segment]) -> list[Passage]:
    """Merge a line's segments into runs, and highlighted runs that only spaces and punctuation
    part into passages, so a passage's citing facts are listed once, not after every sentence."""
    passages: list[Passage] = []
    # The highlighted passage being read, and the facts citing it.
    runs: list[Run] = []
    citing: dict[str, CitedText] = {}
    for look, group in itertools.groupby(line, key=lambda segment: segment.look):
        segments = list(group)
        text = "".join(s.text for s in segments)
        if look == "cited":
            runs.append(Run(text, cited=True, pieces=_pieces(segments)))
            citing.update((v.fact.id, v.fact) for s in segments for v in s.covering)
        elif look == "plain" and runs and not any(char.isalnum() for char in text):
            runs.append(Run(text))
        else:
            if runs:
                passages.append(Passage(tuple(runs), tuple(citing.values())))
                runs, citing = [], {}
            run = Run(
                "" if look == "omitted" else text, look == "ignored", omitted=look == "omitted"
            )
            passages.append(Passage((run,)))
    if runs:
        passages.append(Passage(tuple(runs), tuple(citing.values())))
    return passages


def _pieces(segments: list[Segment]) -> tuple[Piece, ...]:
    """Return a highlighted run's segments with an element for each quote that starts in it,
    holding exactly that quote, so that a link's `:target` marks the words cited and not the
    whole run of overlapping quotes around them.

    A quote inside another nests in its element. Elements cannot cross, nor leave the run:
    where a quote crosses one begun before it, or runs on past the line, its element holds
    only its start.
    """
    covered = [{view.anchor for view in segment.covering} for segment in segments]
    # The last segment of each open element, innermost last; never later than the one outside.
    ends: list[int] = []
    pieces: list[Piece] = []
    for index, segment in enumerate(segments):
        # Outermost first: the quote that reaches furthest; quotes of one span in their order.
        opens = sorted(
            ((_last_covered(covered, index, view.anchor), view) for view in segment.starting),
            key=lambda reach: -reach[0],
        )
        for end, _ in opens:
            ends.append(min([end, *ends[-1:]]))
        closes = 0
        while ends and ends[-1] == index:
            ends.pop()
            closes += 1
        pieces.append(Piece(segment.text, tuple(view for _, view in opens), closes))
    return tuple(pieces)


def _last_covered(covered: list[set[str]], index: int, anchor: str) -> int:
    """Return the last of the segments from `index` on that a citation covers without a break."""
    while index + 1 < len(covered) and anchor in covered[index + 1]:
        index += 1
    return index


def _group_by_date(facts: Iterable[DatedT]) -> list[tuple[Dating, list[DatedT]]]:
    """Group facts by date, keeping acts apart from what was only reported that day."""
    groups: dict[Dating, list[DatedT]] = {}
    for fact in facts:
        groups.setdefault((fact.date, fact.date_of_report), []).append(fact)
    return list(groups.items())
