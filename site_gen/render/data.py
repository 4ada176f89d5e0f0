"""The data files: facts.json, every source and fact with its located spans, for researchers
to reuse; and search.json, the index that assets/search.js loads.

facts.json's shape is a published contract (see docs/format.md); add keys, never rename them.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from site_gen.model import (
    Citation,
    Fact,
    FigureValue,
    Organization,
    Person,
    Place,
    Source,
    Span,
)
from site_gen.render.views import SiteView, worded_date
from site_gen.verify.located import Located

# Bookkeeping that says where a value was written, not what it says.
_INTERNAL = frozenset({"location", "locations", "sources"})
# A source's stored text, and the spans of it that its page shows.
Shown = tuple[str, Sequence[Span]]
# Characters of context on each side of a TextQuoteSelector's passage, as Hypothesis keeps.
SELECTOR_CONTEXT = 32
# What search calls a sentence of the home page's lead, which has no kind.
LEAD_KIND = "Summary"


def _citation(citation: Citation, located: Located, texts: Mapping[str, Shown]) -> dict[str, Any]:
    spans = located.of(citation)
    return {
        "source": citation.source,
        "quote": citation.quote,
        "spans": [list(span) for span in spans],
        "selectors": [selectors(*texts[citation.source], span) for span in spans],
        **({"note": citation.note} if citation.note else {}),
    }


def selectors(text: str, shown: Sequence[Span], span: Span) -> list[dict[str, Any]]:
    """Describe one passage of a source as W3C Web Annotation selectors, two alternatives.

    Offsets count code points of the source's stored text, as the Web Annotation model counts
    characters, so annotation tools such as Hypothesis can anchor the same passage. The context
    stays within what the source's page shows, so an excerpted source leaks nothing through it.
    """
    start, end = span
    low, high = next(((a, b) for a, b in shown if a <= start and end <= b), span)
    return [
        {
            "type": "TextQuoteSelector",
            "exact": text[start:end],
            "prefix": text[max(low, start - SELECTOR_CONTEXT) : start],
            "suffix": text[end : min(high, end + SELECTOR_CONTEXT)],
        },
        {"type": "TextPositionSelector", "start": start, "end": end},
    ]


def _record(
    item: Fact | FigureValue, located: Located, texts: Mapping[str, Shown]
) -> dict[str, Any]:
    """Return a fact, or one value of a figure, with its non-empty fields and located citations."""
    # Field by field: dataclasses.asdict would first deep-copy the citations left out here.
    data: dict[str, Any] = {}
    for field in dataclasses.fields(item):
        if field.name in _INTERNAL:
            continue
        value = getattr(item, field.name)
        if field.name == "values":
            value = [_record(v, located, texts) for v in value]
        elif isinstance(value, tuple):
            value = list(value)
        if value not in ("", None, [], {}) and value is not False:
            data[field.name] = value
    data["citations"] = [_citation(c, located, texts) for c in item.sources]
    return data


def facts_json(view: SiteView) -> bytes:
    """Serialize the checked site deterministically (sorted keys, stable order)."""
    site, located = view.site, view.located
    texts = {
        source.id: (
            source.text,
            view.shown(source) if view.is_excerpted(source) else [(0, len(source.text))],
        )
        for source in site.sources.values()
    }
    document = {
        "facts": [_record(fact, located, texts) for fact in site.facts.values()],
        "lead": [
            {
                "text": sentence.text,
                "citations": [_citation(c, located, texts) for c in sentence.sources],
            }
            for sentence in site.settings.lead
        ],
        "sources": [_source(source) for source in site.sources.values()],
    }
    return (json.dumps(document, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode()


def _source(source: Source) -> dict[str, str | None]:
    return {
        "id": source.id,
        "file": source.file,
        "title": source.title,
        "publisher": source.publisher or None,
        "date": source.date or None,
        "author": source.author or None,
        "sha256": source.sha256,
    }


def search_index(
    view: SiteView,
    link: Callable[[str], str],
    plain: Callable[[str], str],
    kind_names: Mapping[str, str],
) -> bytes:
    """Return the index the search page loads: short keys, because every reader downloads it."""
    items: list[dict[str, Any]] = []
    for fact in view.facts.values():
        item: dict[str, Any] = {
            "t": view.title(fact),
            "k": kind_names[fact.kind],
            "u": link(view.url(fact)),
            "x": plain(fact.text),
            "q": [c.quote for c in fact.citations],
        }
        # A person's, organization's or place's names put it first for a reader who types one;
        # aliases are how readers often know a name, and only need to match, not to show. An
        # event's title may name someone too, but that makes it no page about them.
        if isinstance(fact, Person | Organization | Place):
            item["n"] = [fact.name, *fact.aliases]
        if date := worded_date(fact):
            item["d"] = date
        items.append(item)
    # The lead is the briefing's own summary, checked like a fact: found by its words or its
    # quotes, it shows whole as its title, as links to it do, and leads to its place at home.
    items += [
        {
            "t": plain(sentence.text),
            "k": LEAD_KIND,
            "u": link(view.url(sentence)),
            "x": "",
            "q": [c.quote for c in sentence.citations],
        }
        for sentence in view.site.settings.lead
    ]
    items.sort(key=lambda item: (item["t"].casefold(), item["u"]))
    text = json.dumps(items, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return (text + "\n").encode()
