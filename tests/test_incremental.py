"""The preview's incremental rebuild gives, after every edit, exactly what a full build gives."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from test_build import read_tree
from test_cli import replace_in

from site_gen.build import build
from site_gen.config import Config
from site_gen.errors import CheckFailed
from site_gen.incremental import DependencyMap, IncrementalRenderer
from site_gen.output_memory import WriteMemory
from site_gen.render import SiteRender, make_environment

NEW_CLAIM = """
- id: second-claim
  kind: statement
  speaker: mara-lind
  date: "2025-03-05"
  text: Mara Lind said about 1,200 vehicles crossed in the first hour.
  contested_by: [vehicles]
  sources:
    - source: gazette
      quote: About 1,200 vehicles crossed in the first hour
"""
ENTITIES = "facts/more/entities.yml"
EVENTS = "facts/events.yml"
# Each edit: file, text to replace, replacement. Together they touch every kind of input.
EDITS = [
    (EVENTS, "reopened after being closed", "reopened after being shut"),
    (EVENTS, "quote: Harbour bridge reopens after storm", "quote: The harbour bridge reopened"),
    (ENTITIES, "  kind: figure\n", "  kind: figure\n  related: [safe-claim]\n"),
    (
        ENTITIES,
        "name: Mara Lind",
        "name: Mara Lind-Holm",
    ),  # The claim's title on the figure's page.
    (ENTITIES, "name: City transport office", "name: Transport office"),
    (ENTITIES, "- id: vehicles", NEW_CLAIM.lstrip("\n") + "- id: vehicles"),
    (ENTITIES, "value: 1200", "value: 1200\n      as_of_note: at noon"),
    (ENTITIES, "status: proposed", "status: enacted"),
    (EVENTS, "The Gazette of 3 March says", "The Gazette, 3 March, says"),
    (ENTITIES, NEW_CLAIM.lstrip("\n"), ""),
    ("seeds/sources.yml", "publisher: Gazette\n", "publisher: Harbour Gazette\n"),
    ("seeds/sources.yml", "  ignore:\n    - Related Articles\n", ""),
    ("templates/base.html", "All facts as JSON", "Every fact as JSON"),
    ("site.yml", "summary: [bridge-reopens]", "summary: [bridge-reopens, safe-claim]"),
    (EVENTS, "  people: [mara-lind]\n", ""),
    # Edits that leave every entry as it was: pages that only link to the fact stay.
    (ENTITIES, "Mara Lind is the chief engineer.", "Mara Lind is the bridge's chief engineer."),
    (ENTITIES, "roles: [chief engineer]", "roles: [engineer]"),
    (ENTITIES, "The city's transport office reported", "The transport office reported"),
    (ENTITIES, "crossed the bridge in its first hour open", "crossed in the first open hour"),
    # Edits of entries: a claim's text and an event's date show wherever they are linked.
    (ENTITIES, "the bridge is safe and has", "the bridge was safe and had"),
    (EVENTS, 'date: "2025-03-04"', 'date: "2025-03-05"'),
]


EXTRA_EVENT = """\
- id: extra-event
  kind: event
  title: Vehicles cross
  date: "2025-03-05"
  text: Vehicles crossed the bridge.
  people: [mara-lind]
  sources:
    - source: gazette
      quote: About 1,200 vehicles crossed in the first hour
"""


@dataclass
class Session:
    """Build as the preview does: with its incremental renderer and the memory of its writes."""

    renderer: IncrementalRenderer = field(default_factory=IncrementalRenderer)
    memory: WriteMemory = field(default_factory=WriteMemory)

    def build(self, config: Config) -> None:
        build(config, self.renderer, self.memory)


def assert_same_as_full_build(root: Path, out: Path, session: Session) -> None:
    """Build incrementally into `out`, then fully into a fresh folder, and compare every file.

    The dependency map the renderer keeps must also be the one worked out afresh.
    """
    session.build(Config.for_root(root, out))
    fresh = root.parent / "fresh"
    shutil.rmtree(fresh, ignore_errors=True)
    config = Config.for_root(root, fresh)
    site = build(config).site
    assert read_tree(out) == read_tree(fresh)
    env = make_environment(config.templates_dir)
    render = SiteRender(env, site, config.templates_dir, site.settings.base_url)
    last = session.renderer._last
    assert last is not None
    assert last.map == DependencyMap.of(render)


def test_every_edit_gives_what_a_full_build_gives(sample: Path, tmp_path: Path) -> None:
    session = Session()
    out = tmp_path / "preview"
    assert_same_as_full_build(sample, out, session)
    for relative, old, new in EDITS:
        replace_in(sample / relative, old, new)
        assert_same_as_full_build(sample, out, session)


def test_a_speaker_renamed_shows_on_claims_that_only_name_the_claim(
    sample: Path, tmp_path: Path
) -> None:
    # The safe claim is contested by the office's claim, whose entry shows the office's name:
    # the safe claim's card changes with that name, though it never names the office itself.
    office_claim = """\
- id: office-claim
  kind: statement
  speaker: transport-office
  date: "2025-03-05"
  text: The office proposed weekly inspections.
  sources:
    - source: gazette
      quote: The office proposed weekly inspections of the bridge.
"""
    entities = sample / ENTITIES
    text = entities.read_text(encoding="utf-8").replace(
        "  speaker: mara-lind\n", "  speaker: mara-lind\n  contested_by: [office-claim]\n"
    )
    entities.write_text(text + office_claim, encoding="utf-8")
    session, out = Session(), tmp_path / "preview"
    assert_same_as_full_build(sample, out, session)
    replace_in(entities, "name: City transport office", "name: Harbour office")
    assert_same_as_full_build(sample, out, session)


def test_facts_files_added_renamed_moved_and_deleted(sample: Path, tmp_path: Path) -> None:
    session = Session()
    out = tmp_path / "preview"
    assert_same_as_full_build(sample, out, session)
    extra = sample / "facts/extra.yml"
    extra.write_text(EXTRA_EVENT, encoding="utf-8")
    assert_same_as_full_build(sample, out, session)
    replace_in(extra, "id: extra-event", "id: vehicles-cross")
    assert_same_as_full_build(sample, out, session)
    extra.rename(sample / "facts/more/moved.yml")  # The same bytes, read under another name.
    assert_same_as_full_build(sample, out, session)
    (sample / "facts/more/moved.yml").unlink()
    assert_same_as_full_build(sample, out, session)
    # The same facts in another order: a source's citations come in the order of the facts.
    entities = sample / ENTITIES
    head, start, rest = entities.read_text("utf-8").partition("- id: port-elin\n")
    place, next_start, tail = rest.partition("- id: ")
    entities.write_text(start + place + head + next_start + tail, "utf-8")
    assert_same_as_full_build(sample, out, session)


def test_edits_after_the_output_was_changed_by_hand(sample: Path, tmp_path: Path) -> None:
    session = Session()
    out = tmp_path / "preview"
    for _ in range(3):  # The output and its spare, each written once by this session.
        assert_same_as_full_build(sample, out, session)
    page = out / "search/index.html"  # A page that no edit of facts renders again.
    page.write_bytes(page.read_bytes().upper())  # Same size; an old time, as a restore leaves.
    os.utime(page, ns=(0, 0))
    (out / "people/stray.html").write_bytes(b"stray")
    for old, new in [("reopened after being", "reopened after"), ("reopened after", "reopened")]:
        replace_in(sample / EVENTS, old, new)
        assert_same_as_full_build(sample, out, session)


def test_a_source_text_edit_moves_the_quotes_of_unchanged_facts(
    sample: Path, tmp_path: Path
) -> None:
    session = Session()
    out = tmp_path / "preview"
    assert_same_as_full_build(sample, out, session)
    text = sample / "seeds/harbour.txt"
    old_pin = hashlib.sha256(text.read_bytes()).hexdigest()
    text.write_bytes(b"Updated at noon.\n" + text.read_bytes())
    new_pin = hashlib.sha256(text.read_bytes()).hexdigest()
    replace_in(sample / "seeds/sources.yml", old_pin, new_pin)
    assert_same_as_full_build(sample, out, session)


def test_a_rebuild_reports_the_problems_of_unchanged_files_again(
    sample: Path, tmp_path: Path
) -> None:
    config = Config.for_root(sample, tmp_path / "preview")
    session = Session()
    session.build(config)
    replace_in(sample / EVENTS, "36 hours by a storm", "37 hours by a storm")
    with pytest.raises(CheckFailed) as first:
        session.build(config)
    replace_in(sample / ENTITIES, "is the chief engineer", "is the bridge's chief engineer")
    with pytest.raises(CheckFailed) as second:
        session.build(config)
    assert [p.code for p in first.value.problems] == ["number-not-quoted"]
    assert second.value.problems == first.value.problems
    replace_in(sample / EVENTS, "37 hours by a storm", "36 hours by a storm")
    assert_same_as_full_build(sample, tmp_path / "preview", session)
    # The unchanged events file now names a fact that is gone.
    entities = sample / ENTITIES
    entities.write_text(entities.read_text("utf-8").replace("mara-lind", "mara-holm"), "utf-8")
    with pytest.raises(CheckFailed) as third:
        session.build(config)
    assert [(p.code, p.location.path) for p in third.value.problems] == [
        ("unknown-reference", EVENTS)
    ]
    entities.write_text(entities.read_text("utf-8").replace("mara-holm", "mara-lind"), "utf-8")
    assert_same_as_full_build(sample, tmp_path / "preview", session)


def test_a_failed_build_then_a_fix(sample: Path, tmp_path: Path) -> None:
    session = Session()
    out = tmp_path / "preview"
    assert_same_as_full_build(sample, out, session)
    replace_in(sample / EVENTS, "after a storm closed", "after the storm closed")
    with pytest.raises(CheckFailed):
        session.build(Config.for_root(sample, out))
    replace_in(sample / EVENTS, "after the storm closed", "after a storm shut")
    replace_in(sample / EVENTS, "after a storm shut", "after a storm closed")
    replace_in(sample / EVENTS, "36 hours by a storm", "36 hours by a gale")
    assert_same_as_full_build(sample, out, session)
    template = sample / "templates/fact.html"
    replace_in(template, "{% block main %}", "{% block main %}{% if %}")
    with pytest.raises(CheckFailed):
        session.build(Config.for_root(sample, out))
    replace_in(template, "{% block main %}{% if %}", "{% block main %}")
    replace_in(sample / ENTITIES, "is the chief engineer", "is the bridge's chief engineer")
    assert_same_as_full_build(sample, out, session)


def test_an_edit_renders_only_the_pages_it_changes(sample: Path, tmp_path: Path) -> None:
    session = Session()
    out = tmp_path / "preview"
    session.build(Config.for_root(sample, out))
    rendered: list[str] = []
    page_jobs = SiteRender.page_jobs

    def spy(render: SiteRender, paths: list[str]) -> object:
        rendered.extend(paths)
        return page_jobs(render, paths)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(SiteRender, "page_jobs", spy)
        replace_in(sample / ENTITIES, "Port Elin is the city", "Port Elin is the town")
        session.build(Config.for_root(sample, out))
    assert "places/port-elin/index.html" in rendered
    assert "sources/gazette/index.html" in rendered  # Its passage links name the place.
    assert "facts/vehicles/index.html" not in rendered
    assert "statements/index.html" not in rendered
    rendered.clear()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(SiteRender, "page_jobs", spy)
        replace_in(sample / ENTITIES, "is the chief engineer", "is the bridge's chief engineer")
        session.build(Config.for_root(sample, out))
    assert "people/mara-lind/index.html" in rendered
    # Her claim and the list of claims show her name, which stayed as it was.
    assert "facts/safe-claim/index.html" not in rendered
    assert "statements/index.html" not in rendered
    assert "sources/index.html" not in rendered  # As many facts cite each source as before.


def test_edits_across_a_generated_site_with_many_cross_references(
    generated: Path, tmp_path: Path
) -> None:
    root = generated
    facts = root / "facts/wire/facts-0000.yml"
    session = Session()
    out = tmp_path / "preview"
    assert_same_as_full_build(root, out, session)
    for pattern, change, count in [
        (r'(  name: ")([^"]+)', r"\1\2 Renamed", 0),  # Every entity: speakers, lists, links.
        (r'(  title: ")([^"]+)', r"\1\2 retitled", 3),
        (r"  related: \[[^\]]*\]\n", "", 3),  # References go: mentions and counts change.
        (r'(  text: ")([^"]+)', r"\1\2 Edited", 8),  # Texts: a claim's shows where it is linked.
        (r'(  date: "20)(\d\d)', r"\g<1>19", 4),  # Dates: order and entries change.
    ]:
        text = facts.read_text(encoding="utf-8")
        facts.write_text(re.sub(pattern, change, text, count=count), encoding="utf-8")
        assert_same_as_full_build(root, out, session)
