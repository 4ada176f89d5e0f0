"""facts.json: every source and fact with resolved citation spans, for researchers to reuse.

The shape is a published contract (see docs/format.md); add keys, never rename them.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from json.encoder import encode_basestring
from typing import Any

from site_gen.model import Citation, Fact, FigureValue, Site, Source

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


def facts_json(site: Site, cache: DocumentCache | None = None) -> bytes:
    """Serialize the checked site deterministically (sorted keys, stable order).

    Each fact is serialized and encoded on its own and indented into place, which gives the
    same bytes as serializing the whole document at once, and lets a rebuild reuse the facts
    and sources that did not change (`cache`): at 10,000 facts the document is 7 MB.
    """
    cache = DocumentCache() if cache is None else cache
    facts = []
    for fact in site.facts.values():
        chunk = cache.facts.get(fact.id)
        if chunk is None:
            chunk = cache.facts[fact.id] = b"\n  " + _indented(_fact(fact), 2).encode()
        facts.append(chunk)
    sources = [_source(s) for s in site.sources.values()]
    key = tuple(tuple(source.values()) for source in sources)
    if cache.sources is None or cache.sources[0] != key:
        cache.sources = (key, _indented(sources, 1).encode())
    tail = b'\n "sources": ' + cache.sources[1] + b"\n}\n"
    if not facts:
        return b'{\n "facts": [],' + tail
    # The document is copied once, in one join: at 7 MB every copy counts.
    facts[0] = b'{\n "facts": [' + facts[0]
    facts[-1] += b"\n ]," + tail
    return b",".join(facts)


@dataclass
class DocumentCache:
    """The serialized facts of the last facts.json, by id, and its sources listing."""

    facts: dict[str, bytes] = dataclasses.field(default_factory=dict)
    # The sources as listed, and their listing.
    sources: tuple[tuple[tuple[str | None, ...], ...], bytes] | None = None


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
