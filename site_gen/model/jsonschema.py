"""JSON Schemas for the YAML files, derived from site_gen.schema so editors and the loader agree."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

from site_gen.model import schema
from site_gen.model.schema import Field, Type

# Where a site root keeps them; its YAML files point there in a yaml-language-server comment.
FOLDER = "schemas"
# Draft 7 has if/then and is the newest draft that every YAML editor plugin understands.
DRAFT = "http://json-schema.org/draft-07/schema#"
# The loader strips strings and rejects empty ones.
_NOT_BLANK = r"\S"

JsonSchema = dict[str, Any]
# The lists whose items are mappings: the keys of each item.
_ITEMS = MappingProxyType(
    {
        Type.CITATIONS: schema.CITATION,
        Type.VALUES: schema.FIGURE_VALUE,
        Type.CITED_TEXTS: schema.CITED_TEXT,
    }
)


def _value(field: Field) -> JsonSchema:
    """Return the schema of one field's value, as the loader accepts it."""
    kind = field.type
    if kind in (Type.STR, Type.MARKDOWN):
        return {"type": "string", "pattern": _NOT_BLANK}
    if kind in (Type.ID, Type.REF):
        return {"type": "string", "pattern": schema.ID_PATTERN}
    if kind is Type.DATE:
        # An unquoted year is read as a number, and the loader accepts it.
        return {
            "anyOf": [
                {"type": "string", "pattern": schema.DATE_PATTERN},
                {"type": "integer", "minimum": 1000, "maximum": 9999},
            ]
        }
    if kind is Type.NUMBER:
        return {"type": "number"}
    if kind is Type.BOOL:
        return {"type": "boolean"}
    if kind is Type.CHOICE:
        return {"enum": list(field.choices)}
    if kind is Type.REFS:
        return {"type": "array", "items": {"type": "string", "pattern": schema.ID_PATTERN}}
    if kind is Type.STRS:
        return {"type": "array", "items": {"type": "string", "pattern": _NOT_BLANK}}
    if kind in _ITEMS:
        return _list(_mapping(_ITEMS[kind]))
    keys = tuple(Field(key, Type.STR, field.description) for key in field.choices)
    return _mapping(keys)


def _list(items: JsonSchema) -> JsonSchema:
    """Return the schema of a list that holds at least one item."""
    return {"type": "array", "minItems": 1, "items": items}


def _nullable(spec: JsonSchema) -> JsonSchema:
    """Also accept null, which the loader reads as an absent optional key."""
    if "enum" in spec:
        return {**spec, "enum": [*spec["enum"], None]}
    if "anyOf" in spec:
        return {**spec, "anyOf": [*spec["anyOf"], {"type": "null"}]}
    return {**spec, "type": [spec["type"], "null"]}


def _property(field: Field) -> JsonSchema:
    spec = _value(field)
    return {"description": field.description, **(spec if field.required else _nullable(spec))}


def _mapping(fields: tuple[Field, ...]) -> JsonSchema:
    """Return the schema of a mapping that allows exactly these keys."""
    spec: JsonSchema = {
        "type": "object",
        "properties": {field.name: _property(field) for field in fields},
        "additionalProperties": False,
    }
    required = [field.name for field in fields if field.required]
    if required:
        spec["required"] = required
    return spec


def _kind_rule(kind: str, fields: tuple[Field, ...]) -> JsonSchema:
    """Return the if/then that gives one kind of fact its own keys and required keys."""
    then: JsonSchema = {
        "properties": {field.name: _property(field) for field in fields},
        "propertyNames": {"enum": [field.name for field in schema.COMMON + fields]},
    }
    required = [field.name for field in fields if field.required]
    if kind not in schema.CITES_ON_VALUES:
        required.append("sources")
        then["properties"]["sources"] = {"type": "array", "minItems": 1}
    if required:
        then["required"] = required
    return {"if": {"properties": {"kind": {"const": kind}}, "required": ["kind"]}, "then": then}


def _document(title: str, description: str, body: JsonSchema) -> JsonSchema:
    """Return a schema file: the draft it follows, its title and description, then `body`."""
    return {"$schema": DRAFT, "title": title, "description": description, **body}


def facts_schema() -> JsonSchema:
    """Return the schema of a facts file: a list of facts, each checked against its kind."""
    fact = _mapping(schema.COMMON)
    # Every key of every kind is listed here, so additionalProperties catches typos; the kind's
    # rule below then limits the keys to those of that kind.
    for fields in schema.KIND_FIELDS.values():
        for field in fields:
            fact["properties"].setdefault(field.name, {"description": field.description})
    fact["allOf"] = [_kind_rule(kind, fields) for kind, fields in schema.KIND_FIELDS.items()]
    description = "A list of facts; each cites verbatim quotes of the sources."
    return _document("site_gen facts file", description, _list(fact))


def sources_schema() -> JsonSchema:
    """Return the schema of the sources registry, seeds/sources.yml."""
    description = "Every source text in seeds/, with its sha256 pin and metadata."
    return _document("site_gen sources registry", description, _list(_mapping(schema.SOURCE)))


def site_schema() -> JsonSchema:
    """Return the schema of the site settings, site.yml."""
    description = "Title, introduction, navigation labels and URLs of the site."
    return _document("site_gen site settings", description, _mapping(schema.SITE))


SCHEMAS: Mapping[str, Callable[[], JsonSchema]] = MappingProxyType(
    {
        "facts.schema.json": facts_schema,
        "sources.schema.json": sources_schema,
        "site.schema.json": site_schema,
    }
)


def rendered_schemas() -> dict[str, str]:
    """Return each schema file's name and text, laid out stably so a stale file shows in a diff."""
    return {
        name: json.dumps(make(), indent=2, ensure_ascii=False) + "\n"
        for name, make in SCHEMAS.items()
    }


def write_schemas(folder: Path) -> list[Path]:
    """Write every schema file into folder; return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    texts = {folder / name: text for name, text in rendered_schemas().items()}
    for path, text in texts.items():
        path.write_text(text, encoding="utf-8")
    return list(texts)


def stale_schemas(folder: Path) -> list[Path]:
    """Return the schema files in folder that are missing or differ from site_gen.schema."""
    stale = []
    for name, text in rendered_schemas().items():
        path = folder / name
        if not path.is_file() or path.read_bytes() != text.encode():
            stale.append(path)
    return stale
