"""search.json: a small index of every fact, its names and its quotes, for assets/search.js."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from site_gen.views import SiteView, format_date


def search_index(
    view: SiteView,
    link: Callable[[str], str],
    plain: Callable[[str], str],
    kind_names: Mapping[str, str],
) -> bytes:
    """Return the index the search page loads: short keys, because every reader downloads it."""
    items: list[dict[str, Any]] = []
    for fact in view.facts.values():
        item = {
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
        items.append(item)
    items.sort(key=lambda item: (item["t"].casefold(), item["u"]))
    text = json.dumps(items, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.encode() + b"\n"
