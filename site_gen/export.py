"""facts.json: every source and fact with resolved citation spans, for researchers to reuse.

The shape is a published contract (see docs/format.md); add keys, never rename them.
"""

from __future__ import annotations

import dataclasses
import json
from json.encoder import encode_basestring
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
    # Field by field: dataclasses.asdict would first deep-copy the citations left out here.
    data = {
        field.name: getattr(value, field.name)
        for field in dataclasses.fields(value)
        if field.name not in _INTERNAL and getattr(value, field.name) != ""
    }
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
    """Serialize a value as it reads `level` levels deep in the document, one space per level.

    The same text as json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True) with
    `level` spaces after every line break, made in half the time: with an indent, the standard
    library encodes in Python, through a generator per nested list and object.
    """
    return _json(value, " " * level)


def _json(value: object, indent: str) -> str:
    """Serialize a value whose first line is already indented by `indent`."""
    if isinstance(value, str):
        return encode_basestring(value)
    if isinstance(value, dict):
        inner = indent + " "
        members = [f"{encode_basestring(k)}: {_json(v, inner)}" for k, v in sorted(value.items())]
        return _joined("{", members, "}", indent)
    if isinstance(value, list | tuple):
        return _joined("[", [_json(item, indent + " ") for item in value], "]", indent)
    if isinstance(value, int) and not isinstance(value, bool):
        return int.__repr__(value)  # As json writes it; spans make these the most common.
    # Floats (NaN and the infinities too), booleans and null, as json writes them.
    return json.dumps(value)


def _joined(opening: str, items: list[str], closing: str, indent: str) -> str:
    """Return a JSON list or object of serialized items, one item a line, or empty."""
    if not items:
        return opening + closing
    inner = "\n" + indent + " "
    return opening + inner + ("," + inner).join(items) + "\n" + indent + closing
