"""search.json: a small index of every fact, its names and its quotes, for assets/search.js."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from site_gen.model import Fact
from site_gen.views import SiteView, format_date

# How one fact sorts in the index, and its entry as serialized and encoded.
SearchItem = tuple[tuple[str, str], bytes]


def search_index(
    view: SiteView,
    link: Callable[[str], str],
    plain: Callable[[str], str],
    kind_names: Mapping[str, str],
    cache: dict[str, SearchItem] | None = None,
) -> bytes:
    """Return the index the search page loads: short keys, because every reader downloads it.

    Each entry is serialized on its own, which gives the same bytes as serializing the list at
    once, so a rebuild can reuse the entries of facts that did not change (`cache`, by fact id).
    """
    cache = {} if cache is None else cache
    items = []
    for fact in view.facts.values():
        item = cache.get(fact.id)
        if item is None:
            item = cache[fact.id] = _search_item(view, fact, link, plain, kind_names)
        items.append(item)
    items.sort(key=lambda item: item[0])
    return b"[" + b",".join(text for _, text in items) + b"]\n"


def _search_item(
    view: SiteView,
    fact: Fact,
    link: Callable[[str], str],
    plain: Callable[[str], str],
    kind_names: Mapping[str, str],
) -> SearchItem:
    item: dict[str, Any] = {
        "t": view.title(fact),
        "k": kind_names[fact.kind],
        "u": link(view.url(fact)),
        "x": plain(fact.text),
        "q": [c.quote for c in fact.citations],
    }
    # Aliases are how readers often know a name; they only need to match, not to show.
    aliases = getattr(fact, "aliases", ())
    if aliases:
        item["a"] = list(aliases)
    if view.date(fact):
        item["d"] = format_date(view.date(fact))
    text = json.dumps(item, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return (item["t"].casefold(), item["u"]), text.encode()
