"""A whole briefing as one build reads it: settings, sources with their texts, and facts."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from site_gen.errors import Location
from site_gen.model.facts import CitedText, Fact


@dataclass(frozen=True)
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
    evidence: Mapping[str, str] = field(default_factory=dict)
    editorial: Mapping[str, str] = field(default_factory=dict)
    ignore: tuple[str, ...] = ()
    # The original article online, an http(s) address; "" when it is not online.
    url: str = ""
    # "full" or "excerpts"; "" follows the site's setting.
    publish: str = ""
    locations: Mapping[str, Location] = field(default_factory=dict)

    def at(self, key: str) -> Location:
        return self.locations.get(key, self.location)

    @property
    def changed(self) -> bool:
        """Tell whether the file on disk is not the one pinned: quotes cannot be held to it."""
        return bool(self.actual_sha256) and self.actual_sha256 != self.sha256.lower()


@dataclass(frozen=True)
class Settings:
    """Site-wide text and options from site.yml."""

    title: str
    description: str
    location: Location
    language: str = "en"
    intro: str = ""
    lead: tuple[CitedText, ...] = ()
    summary: tuple[str, ...] = ()
    key_figures: tuple[str, ...] = ()
    base_url: str = "/"
    site_url: str = ""
    coverage_target: float = 0.9
    publish: str = "full"
    labels: Mapping[str, str] = field(default_factory=dict)
    locations: Mapping[str, Location] = field(default_factory=dict)

    def at(self, key: str) -> Location:
        return self.locations.get(key, self.location)


@dataclass(frozen=True)
class Unread:
    """What failed to load, of the facts or of the sources: their own problems are reported
    already, and what rests on them waits, as what they say is unknown."""

    # Ids of entries that exist but failed to load ("" for one without a usable id).
    ids: frozenset[str] = frozenset()
    # True when a whole file could not be read: any unknown id may be one of its entries.
    partial: bool = False

    def __bool__(self) -> bool:
        return bool(self.ids) or self.partial

    def may_hold(self, entry_id: str) -> bool:
        return entry_id in self.ids or self.partial


@dataclass(frozen=True)
class Site:
    """Everything one build reads."""

    settings: Settings
    sources: Mapping[str, Source]
    facts: Mapping[str, Fact]
    unread_facts: Unread = Unread()
    unread_sources: Unread = Unread()
    # Ids of draft facts left out of this build.
    drafts: frozenset[str] = frozenset()

    @property
    def complete(self) -> bool:
        """Tell whether every fact and source loaded, each source with the text it pinned:
        checks of the whole, such as coverage and stale accepts, wait till then."""
        texts = all(source.text and not source.changed for source in self.sources.values())
        return texts and not self.unread_facts and not self.unread_sources

    def unread(self, fact_id: str) -> bool:
        """Tell whether a fact that is not here may exist all the same: it failed to load."""
        return fact_id not in self.facts and self.unread_facts.may_hold(fact_id)

    def source_unread(self, source_id: str) -> bool:
        """Tell whether a source that is not here may exist all the same: it failed to load."""
        return source_id not in self.sources and self.unread_sources.may_hold(source_id)

    def cited_texts(self) -> tuple[CitedText, ...]:
        """Return everything that cites sources: the lead's sentences, then the facts."""
        return (*self.settings.lead, *self.facts.values())

    def citation_count(self) -> int:
        return sum(len(fact.citations) for fact in self.facts.values())
