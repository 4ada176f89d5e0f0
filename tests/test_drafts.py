"""Drafts stay out of published builds but show in the preview; empty sections leave the menu."""

from __future__ import annotations

from pathlib import Path

from conftest import read_tree, replace_in, run_cli

from site_gen.config import Config
from site_gen.pipeline import Memory
from site_gen.preview.server import Preview

DRAFT = """
- id: ferry-resumes
  kind: event
  draft: true
  title: Ferry resumes
  date: "2025-03-04"
  text: The harbour bridge reopened.
  sources:
    - source: gazette
      quote: The harbour bridge reopened on Tuesday
"""


def test_a_draft_is_left_out_of_a_build_and_marked_in_the_preview(
    sample: Path, tmp_path: Path
) -> None:
    events = sample / "facts/events.yml"
    events.write_text(events.read_text(encoding="utf-8") + DRAFT, encoding="utf-8")
    result = run_cli("build", "--root", sample, "--out", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    built = read_tree(tmp_path / "out")
    assert "facts/ferry-resumes/index.html" not in built
    assert b"ferry-resumes" not in built["facts.json"] + built["timeline/index.html"]
    preview = Preview(Config.for_root(sample, base_url="/", drafts=True), lambda *_: None, Memory())
    preview.rebuild()
    assert preview.failure is None, preview.failure
    page = (sample / "output/facts/ferry-resumes/index.html").read_text(encoding="utf-8")
    assert '<span class="badge badge-draft">Draft</span>' in page


def test_a_published_fact_may_not_name_a_draft(sample: Path) -> None:
    events = sample / "facts/events.yml"
    events.write_text(events.read_text(encoding="utf-8") + DRAFT, encoding="utf-8")
    replace_in(events, "places: [port-elin]", "places: [port-elin]\n  related: [ferry-resumes]")
    result = run_cli("check", "--root", sample)
    assert result.returncode == 1
    assert "error[draft-reference] fact 'bridge-reopens': 'related' names 'ferry-resumes'" in (
        result.stderr
    )


def test_the_preview_warns_of_a_draft_that_a_published_fact_names(sample: Path) -> None:
    """The preview, which shows drafts, used to build it without a word; `build` then failed."""
    events = sample / "facts/events.yml"
    events.write_text(events.read_text(encoding="utf-8") + DRAFT, encoding="utf-8")
    replace_in(events, "places: [port-elin]", "places: [port-elin]\n  related: [ferry-resumes]")
    reported: list[str] = []
    config = Config.for_root(sample, base_url="/", drafts=True)
    preview = Preview(
        config, lambda _, found: reported.extend(p.headline() for p in found), Memory()
    )
    preview.rebuild()
    assert preview.failure is None, preview.failure
    assert any(
        "warning[draft-reference] fact 'bridge-reopens': 'related' names 'ferry-resumes'" in line
        for line in reported
    ), reported


def test_sections_without_facts_have_no_page_and_no_link(sample: Path, tmp_path: Path) -> None:
    result = run_cli("build", "--root", sample, "--out", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    home = (tmp_path / "out/index.html").read_text(encoding="utf-8")
    nav = home[home.index('<nav class="sections"') : home.index("</nav>")]
    assert 'href="/timeline/"' in nav and 'href="/people/"' in nav
    assert 'href="/sources/"' in nav and 'href="/search/"' in nav
    # Turn the only reform into an event: the Reforms section then has nothing to list.
    replace_in(sample / "facts/more/entities.yml", "kind: reform", "kind: event")
    replace_in(sample / "facts/more/entities.yml", "  proposed_by: transport-office\n", "")
    replace_in(
        sample / "facts/more/entities.yml", "  status: proposed\n  area: infrastructure\n", ""
    )
    result = run_cli("build", "--root", sample, "--out", tmp_path / "again")
    assert result.returncode == 0, result.stderr
    home = (tmp_path / "again/index.html").read_text(encoding="utf-8")
    nav = home[home.index('<nav class="sections"') : home.index("</nav>")]
    assert 'href="/reforms/"' not in nav and 'href="/timeline/"' in nav
    # Nor is there a page that lists nothing, or a link to one.
    assert not (tmp_path / "again/reforms").exists()
    assert (tmp_path / "again/timeline/index.html").is_file()
    assert not [
        path for path, data in read_tree(tmp_path / "again").items() if b"/reforms/" in data
    ]
