"""Rebuild after an edit by rendering only the pages the edit can change.

The dependency map names, for every page, the facts, sources and site-wide lists whose content
it shows, following the theme's use of the data: a fact's page shows the fact, its sources, and
the entries of the facts it names and that name it. An entry is what a page shows of a fact it
links to: kind, title, date and, for a claim, its text and speaker (whose title is the claim's).
A fact's "fact:<id>" key changes with any edit of it, its "entry:<id>" key only with its entry
(or with what it names, which decides on which pages it is an entry). An edit changes some of
these keys; a page is rendered again when its keys, before or after the edit, include a changed
one. A template or settings change renders everything again.
Facts read from unchanged bytes are not compared, and the map is kept while the edits leave the
site's shape (which facts name and cite what) alone: it is only worked out again when they don't.
The result is the same, byte for byte, as a full build of the same inputs (tests prove it).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from pathlib import Path

from site_gen.fragments import Fragments
from site_gen.markup import MarkdownRenderer
from site_gen.model import Fact, Site, Statement
from site_gen.render import (
    DATA_FILES,
    CompiledTemplates,
    DataCache,
    SiteRender,
    make_environment,
)
from site_gen.views import SiteView

# Keys of the dependency map beside "fact:<id>", "entry:<id>" and "source:<id>".
ANY = "any"  # Changes with every edit; for pages the map does not know.
COUNTS = "counts"  # How many facts of each kind, sources and citations there are.
SHAPE = "shape"  # Changes whenever the site's shape does (see Change.reshaped).
REFERENCES = "references"  # Changes whenever a fact names other facts than before.
# Index pages by template: the kind of fact each lists, and whether it shows what they name
# and their sources (the timeline shows neither: only each event's own text and markers).
LISTS = {
    "timeline.html": ("event", False),
    "statements.html": ("statement", True),
    "figures.html": ("figure", True),
    "reforms.html": ("reform", True),
}
# What an entry shows of a fact beside its id: a claim's text too.
_ENTRY_FIELDS = ("kind", "title", "name", "label", "date", "speaker")
# Pages that only the settings and the theme decide.
FIXED_TEMPLATES = {"search.html", "404.html"}


@dataclass(frozen=True)
class DependencyMap:
    """For every page, the keys whose change may change it; and for every key, those pages."""

    dependencies: dict[str, frozenset[str]]
    dependents: dict[str, list[str]]

    @classmethod
    def of(cls, render: SiteRender) -> DependencyMap:
        dependencies = page_dependencies(render)
        dependents: dict[str, list[str]] = {}
        for path, keys in dependencies.items():
            for key in keys:
                dependents.setdefault(key, []).append(path)
        return cls(dependencies, dependents)

    def pages(self, changed: Iterable[str]) -> set[str]:
        """Return the pages that depend on any of the changed keys."""
        return {path for key in changed for path in self.dependents.get(key, ())}


@dataclass(frozen=True)
class _Rendered:
    """The last good render: what the next edit is compared with."""

    site: Site
    view: SiteView
    files: dict[str, bytes]
    map: DependencyMap
    theme: str
    base_url: str

    def is_like(self, site: Site, theme: str, base_url: str) -> bool:
        """Tell whether a new render shares everything that every page shows."""
        return (self.theme, self.base_url, self.site.settings) == (theme, base_url, site.settings)


class IncrementalRenderer:
    """Render a site like render_site, reusing the previous render for whatever an edit spared."""

    def __init__(self) -> None:
        self._last: _Rendered | None = None
        self._cache = DataCache()
        self._fragments: Fragments = {}
        # Converted Markdown and compiled templates outlive each build's environment.
        self._markdown = MarkdownRenderer()
        self._compiled = CompiledTemplates()

    def __call__(self, site: Site, templates: Path, base_url: str) -> dict[str, bytes]:
        """Return every output file, as render_site would, rendering only what changed."""
        theme = fingerprint(templates)
        last = self._last
        if last is None or not last.is_like(site, theme, base_url):
            last = None
            self._cache = DataCache()
            self._fragments = {}
        env = make_environment(templates, self._markdown, self._compiled, self._fragments)
        render = SiteRender(env, site, templates, base_url)
        if last is None:
            dependency_map = DependencyMap.of(render)
            made = render.make(render.pages, DATA_FILES, self._cache)
            files = render.files_in_order(made)
        else:
            change = compare(last.site, site)
            changed = change.keys
            # The map follows only the shape of the site, so an edit of text keeps it.
            if change.reshaped:
                dependency_map = DependencyMap.of(render)
            else:
                dependency_map = last.map
                # Also matters of shape.
                render.view.referrers = last.view.referrers
                render.view.citers = last.view.citers
            self._cache.forget(_search_stale(render.view, changed) | _fact_ids(changed))
            self._forget_fragments(render.view, change)
            stale_paths = dependency_map.pages(changed) | last.map.pages(changed)
            stale = [path for path in render.pages if path in stale_paths or path not in last.files]
            data = ["facts.json", "search.json"]
            if "kind:event" in changed:
                data.append("feed.xml")
            made = render.make(stale, data, self._cache)
            files = render.files_in_order(last.files | made)
        self._last = _Rendered(site, render.view, files, dependency_map, theme, base_url)
        return files

    def _forget_fragments(self, view: SiteView, change: Change) -> None:
        """Drop the fragments an edit may have changed (see fragments.py), before rendering.

        A change of shape drops them all: who names and cites what decides what each shows.
        """
        if change.reshaped:
            self._fragments.clear()
            return
        touched = _touched(view, change.keys)
        for key in [key for key in self._fragments if _names_any(key, touched)]:
            del self._fragments[key]


def fingerprint(templates: Path) -> str:
    """Return a digest of every file in the theme, so any change to it is noticed."""
    digest = hashlib.sha256()
    for path in sorted(p for p in templates.rglob("*") if p.is_file()):
        digest.update(path.relative_to(templates).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


@dataclass(frozen=True)
class Change:
    """What differs between two versions of a site."""

    # The dependency keys whose content differs.
    keys: set[str]
    # Whether the shape differs: which facts (in which order) and sources there are, and for
    # each fact its kind, the facts it names and the sources it cites. The dependency map and
    # the counts depend on nothing else, so an edit that keeps the shape keeps them.
    reshaped: bool


def compare(old: Site, new: Site) -> Change:
    """Return what differs between two versions of a site.

    A fact read from the same bytes as before is the same fact, unless a source changed:
    checking a quote fills in where it sits in its source. Only the other facts are compared.
    """
    changed = {ANY}
    same_sources = old.sources == new.sources
    reshaped = list(old.facts) != list(new.facts) or (
        not same_sources and old.sources.keys() != new.sources.keys()
    )
    for fact_id in _compared(old, new, same_sources):
        before, after = old.facts.get(fact_id), new.facts.get(fact_id)
        if before != after:
            changed.add(f"fact:{fact_id}")
            changed |= {f"kind:{fact.kind}" for fact in (before, after) if fact is not None}
            # A fact that names others differently comes and goes as an entry on their pages.
            names_others = _references(before) != _references(after)
            if names_others:
                changed.add(REFERENCES)
            if names_others or _entry(before) != _entry(after):
                changed.add(f"entry:{fact_id}")
            reshaped = reshaped or _shape(before) != _shape(after)
    for source_id in () if same_sources else old.sources.keys() | new.sources.keys():
        if old.sources.get(source_id) != new.sources.get(source_id):
            changed.add(f"source:{source_id}")
    if reshaped:
        changed.add(SHAPE)
        if _counts(old) != _counts(new):
            changed.add(COUNTS)
    return Change(changed, reshaped)


def _compared(old: Site, new: Site, same_sources: bool) -> list[str]:
    """Return the ids of the facts to compare: all but those read from the same bytes."""
    if not same_sources:
        return list(old.facts.keys() | new.facts.keys())
    before, after = old.origins, new.origins
    return [
        fact_id
        for fact_id in old.facts.keys() | new.facts.keys()
        if (origin := after.get(fact_id)) is None or origin != before.get(fact_id)
    ]


def page_dependencies(render: SiteRender) -> dict[str, frozenset[str]]:
    """Return, for every page, the keys whose change may change the page."""
    view = render.view
    shown = _Shown(view)
    dependencies: dict[str, frozenset[str]] = {}
    for path, page in render.pages.items():
        context = page.context
        if "fact" in context:
            fact = context["fact"]
            keys = shown([fact]) | shown.entries(view.mentions(fact)) | _sources([fact])
        elif "source" in context:
            source = context["source"]
            keys = shown(view.cited_facts(source)) | {f"source:{source.id}"}
        elif page.template in LISTS:
            kind, names = LISTS[page.template]
            facts = view.of_kind(kind)
            keys = shown(facts) | _sources(facts) if names else set()
            keys.add(f"kind:{kind}")
        elif page.template == "entities.html":
            keys = {f"kind:{context['kind']}", REFERENCES}
        elif page.template == "home.html":
            settings = view.settings
            facts = view.pick(settings.summary) + view.pick(settings.key_figures)
            keys = shown(facts) | _sources(facts) | {COUNTS}
        elif page.template == "sources.html":
            # Each source with how many facts cite it: a matter of shape.
            keys = {SHAPE} | {f"source:{source_id}" for source_id in view.site.sources}
        elif page.template in FIXED_TEMPLATES:
            keys = set()
        else:
            keys = {ANY}
        dependencies[path] = frozenset(keys)
    return dependencies


class _Shown:
    """The keys of facts as a page shows them: in full, with the entries of what they name.

    An entry of a claim shows its speaker's title: two steps cover every entry a page can show.
    Each fact's keys are worked out once.
    """

    def __init__(self, view: SiteView) -> None:
        self.view = view
        self.keys: dict[str, frozenset[str]] = {}

    def __call__(self, facts: Iterable[Fact]) -> set[str]:
        shown: set[str] = set()
        for fact in facts:
            keys = self.keys.get(fact.id)
            if keys is None:
                keys = self.keys[fact.id] = self._of(fact)
            shown |= keys
        return shown

    def entries(self, facts: Iterable[Fact]) -> set[str]:
        """Return the keys of facts shown only as entries."""
        keys: set[str] = set()
        for fact in facts:
            keys.add(f"entry:{fact.id}")
            if isinstance(fact, Statement):
                keys.add(f"entry:{fact.speaker}")
        return keys

    def _of(self, fact: Fact) -> frozenset[str]:
        refs = [ref for _, ref in fact.references()]
        named = self.view.pick(ref for ref in refs if ref in self.view.facts)
        keys = {f"fact:{fact.id}"} | {f"entry:{ref}" for ref in refs} | self.entries(named)
        return frozenset(keys)


def _sources(facts: Iterable[Fact]) -> set[str]:
    return {f"source:{citation.source}" for fact in facts for citation in fact.citations}


def _references(fact: Fact | None) -> list[tuple[str, str]]:
    return list(fact.references()) if fact is not None else []


def _entry(fact: Fact | None) -> tuple[object, ...] | None:
    """Return what an entry shows of a fact (the theme's entry, entity_link, short_title)."""
    if fact is None:
        return None
    shown = tuple(getattr(fact, name, None) for name in _ENTRY_FIELDS)
    return (*shown, fact.text) if isinstance(fact, Statement) else shown


def _shape(fact: Fact | None) -> tuple[object, ...] | None:
    """Return what the dependency map and the counts read from a fact."""
    if fact is None:
        return None
    return (fact.kind, _references(fact), [citation.source for citation in fact.citations])


def _counts(site: Site) -> tuple[object, ...]:
    """Return the counts the home page shows."""
    kinds = Counter(fact.kind for fact in site.facts.values())
    return (sorted(kinds.items()), len(site.sources), site.citation_count())


def _fact_ids(keys: Iterable[str]) -> set[str]:
    return {key.removeprefix("fact:") for key in keys if key.startswith("fact:")}


def _names_any(key: tuple[Hashable, ...], ids: set[str]) -> bool:
    """Tell whether a fragment's key names one of the ids: as a part, or inside a tuple part
    (a group of facts)."""
    return not ids.isdisjoint(key) or any(
        type(part) is tuple and not ids.isdisjoint(part) for part in key
    )


def _touched(view: SiteView, changed: set[str]) -> set[str]:
    """Return the ids of the facts whose fragments may show what changed: the facts that
    changed, the facts that name one whose entry changed (or name a claim of its speaker), and
    the facts that cite a source that changed."""
    touched = _fact_ids(changed)
    for key in changed:
        kind, _, name = key.partition(":")
        if kind == "entry":
            for ref in view.referrers.get(name, ()):
                touched.add(ref)
                fact = view.facts[ref]
                if isinstance(fact, Statement) and fact.speaker == name:
                    touched.update(view.referrers.get(ref, ()))
        elif kind == "source":
            touched.update(view.citers.get(name, ()))
    return touched


def _search_stale(view: SiteView, changed: set[str]) -> set[str]:
    """Return the claims whose search entry names a changed speaker."""
    speakers = _fact_ids(changed)
    return {s.id for s in view.statements if s.speaker in speakers}
