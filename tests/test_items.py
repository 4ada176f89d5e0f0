"""A facts file read again item by item gives exactly what reading it whole gives."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SAMPLE

from site_gen import loader, yamlfile
from site_gen.items import items

EVENTS = (SAMPLE / "facts/events.yml").read_bytes()
ENTITIES = (SAMPLE / "facts/more/entities.yml").read_bytes()
# Edits of the entities file: each gives a file that is read again after the original.
EDITS = {
    "text": (b"is the chief engineer", b"is the bridge's chief engineer"),
    "a line more": (
        b"  roles: [chief engineer]\n",
        b"  roles: [chief engineer]\n  aliases: [ML]\n",
    ),
    "a missing key": (b"  label: vehicles in the first hour\n", b""),
    "a broken id": (b"- id: port-elin", b"- id: Port Elin"),
    "a duplicate key": (b"  name: Port Elin\n", b"  name: Port Elin\n  name: Elin\n"),
    "a syntax error": (b"  name: Port Elin\n", b'  name: "Port Elin\n'),
    "an anchor": (b"  kind: place\n", b"  kind: &k place\n"),
    "a document marker": (b"- id: safe-claim", b"---\n- id: safe-claim"),
    "a tab": (b"- id: vehicles", b"\t\n- id: vehicles"),
    "a comment": (b"- id: vehicles", b"# Counts\n- id: vehicles"),
    "carriage returns": (b"\n", b"\r\n"),
}


def read_again(original: bytes, edited: bytes, display: str) -> loader.FactsFile:
    reader = loader._ItemReader()
    reader(original, display)
    return reader(edited, display)


@pytest.mark.parametrize("edit", EDITS)
def test_an_edited_file_reads_as_a_whole(edit: str) -> None:
    old, new = EDITS[edit]
    edited = ENTITIES.replace(old, new)
    assert edited != ENTITIES
    display = "facts/more/entities.yml"
    assert read_again(ENTITIES, edited, display) == loader.read_facts_file(edited, display)


def test_items_are_read_again_only_where_they_changed(monkeypatch: pytest.MonkeyPatch) -> None:
    reader = loader._ItemReader()
    display = "facts/events.yml"
    reader(ENTITIES, display)
    reader(ENTITIES + EVENTS, display)
    edited = ENTITIES + EVENTS.replace(b"by a storm", b"by the storm")
    whole = loader.read_facts_file(edited, display)
    parsed: list[bytes] = []
    parse_root = loader._parse_root

    def spy(data: bytes, shown: str, problems: list[loader.Problem]) -> object:
        parsed.append(data)
        return parse_root(data, shown, problems)

    monkeypatch.setattr(loader, "_parse_root", spy)
    assert reader(edited, display) == whole
    assert len(parsed) == 1 and parsed[0].endswith(EVENTS.replace(b"by a storm", b"by the storm"))


def test_a_file_too_large_is_read_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    for module in (loader, yamlfile):
        monkeypatch.setattr(module, "MAX_FILE_BYTES", len(ENTITIES))
    display = "facts/more/entities.yml"
    edited = ENTITIES.replace(b"chief engineer.", b"bridge's chief engineer.")
    assert [p.code for p in read_again(ENTITIES, edited, display).problems] == ["file-too-large"]


def test_aliases_count_across_the_whole_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yamlfile, "MAX_ALIAS_EXPANSION", 1)
    display = "facts/more/entities.yml"
    # Within each item, an alias repeats its anchor: twice in the file, once in each item.
    edited = ENTITIES.replace(b"  kind: place\n", b"  kind: &p place\n  related: [*p]\n")
    edited = edited.replace(b"  kind: figure\n", b"  kind: &f figure\n  related: [*f]\n")
    whole = loader.read_facts_file(edited, display)
    assert [p.code for p in whole.problems] == ["yaml-alias-limit"]
    assert read_again(ENTITIES, edited, display) == whole


def test_a_generated_file_reads_as_a_whole(generated: Path) -> None:
    path = generated / "facts/wire/facts-0000.yml"
    data = path.read_bytes()
    cut = items(data)
    assert cut is not None and len(cut) > 10
    edited = data.replace(b'  text: "', b'  text: "Edited: ', 1)
    display = "facts/wire/facts-0000.yml"
    assert read_again(data, edited, display) == loader.read_facts_file(edited, display)


@pytest.mark.parametrize(
    "data", [b"", b"# only a comment\n", b"---\n- id: a\n", b"id: a\n", b"\xef\xbb\xbf- id: a\n"]
)
def test_only_a_plain_list_is_cut(data: bytes) -> None:
    assert items(data) is None
