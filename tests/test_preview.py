"""The preview's rebuild, with the default theme and with themes that show other data.

`site-gen serve` calls Preview.rebuild on every saved change; each test here makes the edits an
editor would, rebuilds in the same warm process, and compares the output byte for byte with a
fresh `site-gen build` of the same files. The custom themes read data the default theme does
not show, so a preview that guessed what a page depends on would keep a stale page.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import REPO, read_tree, replace_in, run_cli

from site_gen.config import Config
from site_gen.pipeline import Memory
from site_gen.preview.server import Preview

PERSON = "facts/more/entities.yml"


@dataclass(frozen=True)
class Theme:
    """A change to one template of the default theme, and an edit whose effect it shows."""

    template: str
    anchor: str
    addition: str
    edit: tuple[str, str, str]
    page: str
    shown: str


THEMES = {
    # Each event on the timeline also names its people (the default shows only the event card).
    "timeline-people": Theme(
        "timeline.html",
        "<li>{{ event_card(event) }}</li>",
        '<li>{{ event_card(event) }}<p class="who">'
        "{% for person in view.pick(event.people) %}{{ person.name }}{% endfor %}</p></li>",
        (PERSON, "name: Mara Lind", "name: Mara Lind-Ek"),
        "timeline/index.html",
        "Mara Lind-Ek",
    ),
    # The reforms table also quotes what its proposer is, from the proposer's own fact.
    "reform-proposer-text": Theme(
        "reforms.html",
        "{% endblock %}",
        '<p class="proposers">{% for reform in reforms %}'
        "{{ view.facts[reform.proposed_by].text }}{% endfor %}</p>\n{% endblock %}",
        (PERSON, "reported the reopening.", "announced that the bridge reopened."),
        "reforms/index.html",
        "announced that the bridge reopened.",
    ),
    # A source page also lists the roles of the people its citing facts name.
    "source-roles": Theme(
        "source.html",
        "{% endblock %}",
        '<p class="roles">{% for fact in view.cited_facts(source) %}'
        "{% for person in view.pick(fact.people) %}{{ person.roles | join(', ') }}"
        "{% endfor %}{% endfor %}</p>\n{% endblock %}",
        (PERSON, "roles: [chief engineer]", "roles: [engineer]"),
        "sources/gazette/index.html",
        '<p class="roles">engineer</p>',
    ),
    # The home page counts every citation in the briefing.
    "home-citation-count": Theme(
        "home.html",
        "{% endblock %}",
        '<p class="count">{{ view.site.citation_count() }} citations</p>\n{% endblock %}',
        (
            "facts/events.yml",
            "    - source: gazette\n      quote: Harbour bridge reopens after storm\n",
            "    - source: gazette\n      quote: Harbour bridge reopens after storm\n"
            "    - source: gazette\n      quote: after a storm closed it for 36 hours\n",
        ),
        "index.html",
        "9 citations",
    ),
}


@pytest.fixture
def themed(sample: Path) -> Callable[[Theme | None], Preview]:
    """Return a preview of the sample with the default theme, or with one template changed."""

    def start(theme: Theme | None) -> Preview:
        if theme is not None:
            replace_in(sample / "templates" / theme.template, theme.anchor, theme.addition)
        preview = Preview(Config.for_root(sample, base_url="/"), lambda *_: None, Memory())
        preview.rebuild()
        assert preview.failure is None, preview.failure
        return preview

    return start


def full_build(root: Path, out: Path) -> dict[str, bytes]:
    """Build the same files from scratch, as `site-gen build` does, and read what it wrote."""
    result = run_cli("build", "--root", root, "--out", out, "--base-url", "/")
    assert result.returncode == 0, result.stderr
    return read_tree(out)


def rebuilt(preview: Preview) -> dict[str, bytes]:
    """Rebuild as the preview does after a save; the build must succeed."""
    preview.rebuild()
    assert preview.failure is None, preview.failure
    return read_tree(preview.config.out)


@pytest.mark.parametrize("name", THEMES)
def test_a_custom_theme_shows_every_edit_as_a_full_build_would(
    themed: Callable[[Theme | None], Preview], tmp_path: Path, name: str
) -> None:
    theme = THEMES[name]
    preview = themed(theme)
    before = read_tree(preview.config.out)[theme.page].decode()
    assert theme.shown not in before
    replace_in(preview.config.root / theme.edit[0], *theme.edit[1:])
    after = rebuilt(preview)
    assert theme.shown in after[theme.page].decode()
    assert after == full_build(preview.config.root, tmp_path / "fresh")


def test_the_default_theme_stays_equal_to_a_full_build_across_edits(
    themed: Callable[[Theme | None], Preview], tmp_path: Path
) -> None:
    preview = themed(None)
    root = preview.config.root
    edits = [
        ("facts/events.yml", "title: Bridge reopens", "title: The bridge reopens"),
        (PERSON, "name: Mara Lind", "name: Mara Lind-Ek"),
        (PERSON, "The city's transport office", "The city transport office"),
        ("seeds/sources.yml", "title:", "title: The"),
        ("templates/base.html", "</footer>", "<p>Edited theme</p></footer>"),
        ("site.yml", "A sample briefing", "A sample briefing, edited"),
    ]
    for number, (relative, old, new) in enumerate(edits):
        replace_in(root / relative, old, new)
        assert rebuilt(preview) == full_build(root, tmp_path / f"fresh-{number}"), relative


FERRY = """\
- id: ferry-resumes
  kind: event
  title: Ferry resumes
  date: "2025-03-04"
  text: The harbour bridge reopened on Tuesday.
  sources:
    - source: gazette
      quote: The harbour bridge reopened on Tuesday
"""


def test_a_page_added_and_removed_again_leaves_no_trace(
    themed: Callable[[Theme | None], Preview], tmp_path: Path
) -> None:
    preview = themed(None)
    first = read_tree(preview.config.out)
    added = preview.config.root / "facts/ferry.yml"
    added.write_text(FERRY, encoding="utf-8")
    assert "facts/ferry-resumes/index.html" in rebuilt(preview)
    added.unlink()
    assert rebuilt(preview) == first
    folders = sorted(p.relative_to(preview.config.out) for p in preview.config.out.rglob("*"))
    full_build(preview.config.root, tmp_path / "fresh")
    assert folders == sorted(
        p.relative_to(tmp_path / "fresh") for p in (tmp_path / "fresh").rglob("*")
    )


def test_a_rebuild_after_another_build_wrote_the_output_writes_it_whole(
    themed: Callable[[Theme | None], Preview], tmp_path: Path
) -> None:
    preview = themed(None)
    out, root = preview.config.out, preview.config.root
    elsewhere = run_cli("build", "--root", root, "--out", out, "--base-url", "/elsewhere/")
    assert elsewhere.returncode == 0, elsewhere.stderr
    replace_in(root / "facts/events.yml", "title: Bridge reopens", "title: The bridge reopens")
    assert rebuilt(preview) == full_build(root, tmp_path / "fresh")


def test_a_failed_rebuild_keeps_the_last_good_output_until_fixed(
    themed: Callable[[Theme | None], Preview], tmp_path: Path
) -> None:
    preview = themed(THEMES["timeline-people"])
    good = read_tree(preview.config.out)
    quote = "quote: chief engineer Mara Lind told reporters"
    replace_in(
        preview.config.root / PERSON, quote, "quote: chief engineer Mara Lund told reporters"
    )
    preview.rebuild()
    assert preview.failure and preview.failure[0].code == "quote-not-found"
    assert read_tree(preview.config.out) == good
    replace_in(preview.config.root / PERSON, "Mara Lund told", "Mara Lind told")
    replace_in(preview.config.root / PERSON, "name: Mara Lind", "name: Mara Lind-Ek")
    after = rebuilt(preview)
    assert "Mara Lind-Ek" in after["timeline/index.html"].decode()
    assert after == full_build(preview.config.root, tmp_path / "fresh")


def test_the_repository_theme_is_what_the_tests_customize() -> None:
    """The anchors above exist in the shipped theme, so a theme change cannot skip these tests."""
    for theme in THEMES.values():
        assert theme.anchor in (REPO / "templates" / theme.template).read_text(encoding="utf-8")


def test_a_preview_leaves_no_folder_beside_the_output(
    themed: Callable[[Theme | None], Preview],
) -> None:
    preview = themed(None)
    rebuilt(preview)
    out = preview.config.out

    def beside() -> list[str]:
        return sorted(p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}"))

    # The previous output is deleted while the preview serves the new one.
    deadline = time.monotonic() + 30
    while beside() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert beside() == []
