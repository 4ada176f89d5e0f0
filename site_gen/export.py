"""facts.json: every source and fact with resolved citation spans, for researchers to reuse.

The shape is a published contract (see docs/format.md); add keys, never rename them.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from site_gen.model import Citation, Fact, FigureValue, Site

# Bookkeeping that says where a value was written, not what it says.
_INTERNAL = {"location", "locations", "sources"}


def _citation(citation: Citation) -> dict[str, Any]:
    return {
        "source": citation.source,
        "quote": citation.quote,
        "spans": [list(span) for span in citation.spans],
        **({"note": citation.note} if citation.note else {}),
    }


def _value(value: FigureValue) -> dict[str, Any]:
    data = {k: v for k, v in dataclasses.asdict(value).items() if k not in _INTERNAL and v != ""}
    data["citations"] = [_citation(c) for c in value.sources]
    return data


def _fact(fact: Fact) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for field in dataclasses.fields(fact):
        if field.name in _INTERNAL:
            continue
        value = getattr(fact, field.name)
        if field.name == "values":
            value = [_value(v) for v in value]
        elif isinstance(value, tuple):
            value = list(value)
        if value not in ("", []):
            data[field.name] = value
    data["citations"] = [_citation(c) for c in fact.sources]
    return data


def facts_json(site: Site, cache: dict[str, str] | None = None) -> bytes:
    """Serialize the checked site deterministically (sorted keys, stable order).

    Each fact is serialized on its own and indented into place, which gives the same bytes as
    serializing the whole document at once, and lets a rebuild reuse the facts that did not
    change (`cache`, by fact id).
    """
    cache = {} if cache is None else cache
    facts = []
    for fact in site.facts.values():
        chunk = cache.get(fact.id)
        if chunk is None:
            chunk = cache[fact.id] = _indented(_fact(fact), 2)
        facts.append(chunk)
    sources = [
        {
            "id": s.id,
            "file": s.file,
            "title": s.title,
            "publisher": s.publisher or None,
            "date": s.date or None,
            "author": s.author or None,
            "sha256": s.sha256,
        }
        for s in site.sources.values()
    ]
    listed = "[\n  " + ",\n  ".join(facts) + "\n ]" if facts else "[]"
    document = f'{{\n "facts": {listed},\n "sources": {_indented(sources, 1)}\n}}\n'
    return document.encode()


def _indented(value: object, level: int) -> str:
    """Serialize a value as it reads `level` levels deep in the document, one space per level."""
    # A JSON string holds no raw line break, so every line break starts a new indented line.
    text = json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True)
    return text.replace("\n", "\n" + " " * level)
