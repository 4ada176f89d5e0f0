"""The build: output files, facts.json spans, atomic replacement, determinism, safe --out."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import REPO, read_tree, replace_in, run_cli

from site_gen.publish.output import MARKER, write_output


def test_build_writes_pages_and_data(sample: Path) -> None:
    result = run_cli("build", "--root", sample)
    assert result.returncode == 0, result.stderr
    assert "built 19 pages from 7 facts and 8 citations in" in result.stderr
    out = sample / "output"
    for page in (
        "index.html",
        "timeline/index.html",
        "people/mara-lind/index.html",
        "facts/vehicles/index.html",
        "sources/gazette/index.html",
        "404.html",
        ".nojekyll",
        "robots.txt",
        "assets/style.css",
    ):
        assert (out / page).is_file(), page


def test_facts_json_spans_point_at_the_quoted_passage(sample: Path) -> None:
    assert run_cli("build", "--root", sample).returncode == 0
    data = json.loads((sample / "output/facts.json").read_text(encoding="utf-8"))
    text = (sample / "seeds/harbour.txt").read_text(encoding="utf-8")
    assert [s["id"] for s in data["sources"]] == ["gazette"]
    assert data["sources"][0]["sha256"] == data["sources"][0]["sha256"].lower()
    by_id = {fact["id"]: fact for fact in data["facts"]}
    statement = by_id["safe-claim"]["citations"][0]
    [[start, end]] = statement["spans"]
    assert (
        text[start:end]
        == "“The bridge is safe. It has not suffered structural damage,” chief engineer Mara Lind"
    )
    value = by_id["vehicles"]["values"][0]
    assert value["value"] == 1200 and value["qualifier"] == "about"
    [[start, end]] = value["citations"][0]["spans"]
    assert text[start:end].startswith("About 1,200 vehicles")


def test_failed_build_leaves_previous_output_intact(sample: Path) -> None:
    assert run_cli("build", "--root", sample).returncode == 0
    before = read_tree(sample / "output")
    replace_in(sample / "facts/events.yml", "after a storm closed", "after the storm closed")
    result = run_cli("build", "--root", sample)
    assert result.returncode == 1
    assert "build failed" in result.stderr
    assert read_tree(sample / "output") == before
    assert not list(sample.glob(".output.staging-*"))


def test_output_is_deterministic(sample: Path) -> None:
    assert run_cli("build", "--root", sample, "--out", sample / "one").returncode == 0
    assert run_cli("build", "--root", sample, "--out", sample / "two").returncode == 0
    assert read_tree(sample / "one") == read_tree(sample / "two")


def test_rebuild_replaces_output(sample: Path) -> None:
    assert run_cli("build", "--root", sample).returncode == 0
    stale = sample / "output" / "stale.html"
    stale.write_text("old", encoding="utf-8")
    assert run_cli("build", "--root", sample).returncode == 0
    assert not stale.exists()


def test_base_url_prefixes_every_link(sample: Path) -> None:
    assert run_cli("build", "--root", sample, "--base-url", "/briefing").returncode == 0
    html = (sample / "output/index.html").read_text(encoding="utf-8")
    assert 'href="/briefing/assets/style.css"' in html
    assert 'href="/briefing/timeline/"' in html
    assert 'href="/timeline/"' not in html


def test_out_refuses_inputs_and_foreign_folders(sample: Path) -> None:
    for folder in (
        sample,
        sample / "facts",
        sample / "seeds",
        sample / "templates",
        sample / "facts" / "x",
    ):
        result = run_cli("build", "--root", sample, "--out", folder)
        assert result.returncode == 2, folder
        assert "would overwrite" in result.stderr
    # Folders whose path has no last name: the site root as "." or "./", and the file system's root.
    for folder in (".", "./", "/"):
        result = run_cli("build", "--out", folder, cwd=sample)
        assert result.returncode == 2, folder
        assert "would overwrite" in result.stderr
        assert "Traceback" not in result.stderr
    foreign = sample.parent / "foreign"
    foreign.mkdir()
    (foreign / "keep.txt").write_text("mine", encoding="utf-8")
    result = run_cli("build", "--root", sample, "--out", foreign)
    assert result.returncode == 2
    assert "did not create" in result.stderr
    assert (foreign / "keep.txt").read_text(encoding="utf-8") == "mine"


def test_two_builds_at_once_leave_the_output_whole(tmp_path: Path) -> None:
    """Each took the other's staging folder for one a killed build left, and deleted it: one
    build failed, and the output lost half its files for good."""
    out = tmp_path / "out"
    assert run_cli("build", "--root", REPO, "--out", out).returncode == 0
    whole = read_tree(out)
    for _ in range(3):
        command = [sys.executable, "-m", "site_gen", "-q", "build", "--root", REPO, "--out", out]
        builds = [subprocess.Popen(command, stderr=subprocess.PIPE, text=True) for _ in range(2)]
        errors = [build.communicate(timeout=120)[1] for build in builds]
        assert [build.returncode for build in builds] == [0, 0], errors
        assert read_tree(out) == whole


def test_a_preview_write_survives_a_file_becoming_a_folder_and_back(tmp_path: Path) -> None:
    """The preview updates only the files that changed; a theme asset turned into a folder of
    assets made every later rebuild fail until the server restarted."""
    out = tmp_path / "out"
    written = write_output({"index.html": b"i", "assets/extra": b"1"}, out)
    for files in ({"index.html": b"i", "assets/extra/b.css": b"2"}, {"assets/extra": b"3"}):
        written = write_output(files, out, written)
        assert {k: v for k, v in read_tree(out).items() if k != MARKER} == files
