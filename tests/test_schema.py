"""The JSON Schemas editors use agree with the loader: same files pass, same mistakes fail."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO, SAMPLE

from site_gen.config import Config
from site_gen.errors import Problem
from site_gen.model import jsonschema as schemas
from site_gen.model.schema import COMMON, FIGURE_VALUE, KIND_FIELDS
from site_gen.sources.loader import load_facts, load_settings, load_sources
from site_gen.sources.yaml import Node, parse_yaml

validators = pytest.importorskip("jsonschema")


def plain(node: Node | None) -> Any:
    """Turn a Node tree into the plain values a JSON Schema validator expects."""
    if node is None:
        return None
    if isinstance(node.value, dict):
        return {key: plain(value) for key, value in node.value.items()}
    if isinstance(node.value, list):
        return [plain(item) for item in node.value]
    return node.value


def schema_for(path: Path) -> str:
    if path.name == "sources.yml":
        return "sources.schema.json"
    if path.name == "site.yml":
        return "site.schema.json"
    return "facts.schema.json"


def schema_errors(name: str, document: Any) -> list[str]:
    validator = validators.Draft7Validator(schemas.SCHEMAS[name]())
    return [error.message for error in validator.iter_errors(document)]


def test_committed_schemas_are_current() -> None:
    stale = schemas.stale_schemas(REPO / schemas.FOLDER)
    assert not stale, f"run 'site-gen schema --write' to refresh {stale}"


@pytest.mark.parametrize("name", list(schemas.SCHEMAS))
def test_schema_is_valid_draft_7(name: str) -> None:
    validators.Draft7Validator.check_schema(schemas.SCHEMAS[name]())


YAML_FILES = sorted(
    [
        *(REPO / "facts").rglob("*.yml"),
        REPO / "seeds/sources.yml",
        REPO / "site.yml",
        *(p for p in SAMPLE.rglob("*.yml") if "expected" not in p.parts),
    ]
)


@pytest.mark.parametrize("path", YAML_FILES, ids=lambda p: p.relative_to(REPO).as_posix())
def test_every_yaml_file_in_the_repo_validates(path: Path) -> None:
    root, problems = parse_yaml(path.read_bytes(), path.name)
    assert not problems
    assert schema_errors(schema_for(path), plain(root)) == []


GOOD_CITATION = (
    "  sources:\n    - source: gazette\n      quote: The harbour bridge reopened on Tuesday\n"
)

# Each: which file it is, the YAML, the loader's problem code, and a part of the schema's message.
INVALID = [
    (
        "unknown key",
        "facts",
        "- id: port\n  kind: place\n  name: P\n  text: T\n  colour: red\n",
        "unknown-key",
        "'colour' was unexpected",
    ),
    (
        "key of another kind",
        "facts",
        "- id: port\n  kind: place\n  name: P\n  title: T\n  text: T\n",
        "unknown-key",
        "'title' is not one of",
    ),
    (
        "missing required key",
        "facts",
        '- id: reopening\n  kind: event\n  date: "2025"\n  text: T\n',
        "missing-key",
        "'title' is a required property",
    ),
    (
        "bad id",
        "facts",
        "- id: Port_Elin\n  kind: place\n  name: P\n  text: T\n",
        "bad-id",
        "'Port_Elin' does not match",
    ),
    (
        "bad date format",
        "facts",
        '- id: reopening\n  kind: event\n  title: T\n  date: "04/03/2025"\n  text: T\n',
        "bad-date",
        "'04/03/2025' is not valid",
    ),
    (
        "wrong type",
        "facts",
        "- id: port\n  kind: place\n  name: P\n  text: T\n  aliases: Elin\n",
        "wrong-type",
        "'Elin' is not of type 'array'",
    ),
    (
        "bad kind",
        "facts",
        "- id: port\n  kind: planet\n  name: P\n  text: T\n",
        "bad-choice",
        "'planet' is not one of",
    ),
    (
        "bad status",
        "facts",
        "- id: inspections\n  kind: reform\n  title: T\n  proposed_by: office\n"
        "  status: done\n  text: T\n",
        "bad-choice",
        "'done' is not one of",
    ),
    (
        "empty citations",
        "facts",
        "- id: port\n  kind: place\n  name: P\n  text: T\n  sources: []\n",
        "no-citations",
        "[] should be non-empty",
    ),
    (
        "citation without quote",
        "facts",
        "- id: port\n  kind: place\n  name: P\n  text: T\n  sources:\n    - source: gazette\n",
        "missing-key",
        "'quote' is a required property",
    ),
    (
        "figure value not a number",
        "facts",
        "- id: cars\n  kind: figure\n  label: cars\n  text: T\n  values:\n    - value: many\n"
        "      sources:\n        - {source: gazette, quote: About 1200 vehicles crossed}\n",
        "wrong-type",
        "'many' is not of type 'number'",
    ),
    ("empty string", "site", 'title: ""\ndescription: D\n', "empty-value", "does not match"),
    (
        "unknown label",
        "site",
        "title: T\ndescription: D\nlabels:\n  colour: Colour\n",
        "unknown-key",
        "'colour' was unexpected",
    ),
    (
        "source without sha256",
        "sources",
        "- id: gazette\n  file: harbour.txt\n  title: T\n",
        "missing-key",
        "'sha256' is a required property",
    ),
    (
        "source with unknown evidence field",
        "sources",
        '- id: gazette\n  file: harbour.txt\n  sha256: "00"\n  title: T\n'
        "  evidence:\n    headline: T\n",
        "unknown-key",
        "'headline' was unexpected",
    ),
]


def loader_codes(root: Path, which: str, text: str) -> set[str]:
    """Load one snippet as the loader would in a site root; return the problem codes."""
    config = Config.for_root(root)
    problems: list[Problem] = []
    if which == "facts":
        target = config.facts_dir / "snippet.yml"
        target.parent.mkdir(parents=True)
        target.write_text(text, encoding="utf-8")
        load_facts(config, problems)
    elif which == "sources":
        config.seeds_dir.mkdir()
        (config.seeds_dir / "harbour.txt").write_bytes((SAMPLE / "seeds/harbour.txt").read_bytes())
        config.registry_file.write_text(text, encoding="utf-8")
        load_sources(config, problems)
    else:
        config.settings_file.write_text(text, encoding="utf-8")
        load_settings(config, problems)
    return {problem.code for problem in problems}


@pytest.mark.parametrize(
    ("which", "text", "code", "message"),
    [case[1:] for case in INVALID],
    ids=[c[0] for c in INVALID],
)
def test_invalid_snippet_is_rejected_by_schema_and_loader(
    which: str, text: str, code: str, message: str, tmp_path: Path
) -> None:
    if which == "facts" and "sources:" not in text and "values:" not in text:
        text += GOOD_CITATION
    assert code in loader_codes(tmp_path, which, text)
    path = tmp_path / "check.yml"
    path.write_text(text, encoding="utf-8")
    root, problems = parse_yaml(path.read_bytes(), "check.yml")
    assert not problems
    errors = schema_errors(f"{which}.schema.json", plain(root))
    assert any(message in error for error in errors), errors


def test_valid_snippets_pass_both(tmp_path: Path) -> None:
    """Guard the invalid cases: their valid counterpart passes, so each fails for its one flaw."""
    text = "- id: port\n  kind: place\n  name: P\n  text: T\n" + GOOD_CITATION
    assert loader_codes(tmp_path, "facts", text) == set()
    path = tmp_path / "check.yml"
    path.write_text(text, encoding="utf-8")
    root, _ = parse_yaml(path.read_bytes(), "check.yml")
    assert schema_errors("facts.schema.json", plain(root)) == []


def test_docs_describe_every_fact_field() -> None:
    """docs/format.md names each common key in its table and each kind's keys under the kind."""
    docs = (REPO / "docs/format.md").read_text(encoding="utf-8")
    missing = [f.name for f in COMMON if f"| `{f.name}` |" not in docs]
    per_kind = docs[docs.index("Per kind:") :]
    per_kind = per_kind[: per_kind.index("\n#")]
    bullets = {
        kind: bullet.split("\n\n", 1)[0]
        for bullet in per_kind.split("\n- ")
        for kind in re.findall(r"`([a-z]+)`", bullet.split(": ", 1)[0])
    }
    for kind, fields in KIND_FIELDS.items():
        bullet = bullets.get(kind, "")
        extra = FIGURE_VALUE if kind == "figure" else ()
        missing += [f"{kind}.{f.name}" for f in (*fields, *extra) if f"`{f.name}`" not in bullet]
    assert missing == []
