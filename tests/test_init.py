"""`site-gen init`: a new briefing on another topic that checks clean and builds at once."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import REPO, run_cli

from site_gen import scaffold
from site_gen.errors import UsageError
from site_gen.model import jsonschema


def test_new_project_checks_strict_and_builds(tmp_path: Path) -> None:
    target = tmp_path / "briefing"
    created = run_cli("init", target)
    assert created.returncode == 0, created.stderr
    assert f"created {target}" in created.stderr
    assert f"site-gen serve --root {target}" in created.stderr

    checked = run_cli("check", "--root", target, "--strict")
    assert checked.returncode == 0, checked.stderr
    assert "check ok: 0 error(s), 0 warning(s) in 1 facts, 2 citations, 1 sources" in checked.stderr

    built = run_cli("build", "--root", target)
    assert built.returncode == 0, built.stderr
    assert (target / "output/facts/library-hours-extended/index.html").is_file()
    assert (target / ".gitignore").read_text(encoding="utf-8") == "/output/\n"


def test_new_project_has_the_theme_and_current_schemas(tmp_path: Path) -> None:
    target = tmp_path / "briefing"
    scaffold.create_project(target)
    theme = REPO / "templates"
    for path in (p for p in theme.rglob("*") if p.is_file()):
        relative = path.relative_to(theme)
        assert (target / "templates" / relative).read_bytes() == path.read_bytes(), relative
    assert jsonschema.stale_schemas(target / jsonschema.FOLDER) == []
    assert run_cli("schema", "--root", target).returncode == 0


def test_init_refuses_a_folder_with_files(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(UsageError, match="not an empty folder"):
        scaffold.create_project(tmp_path)
    result = run_cli("init", tmp_path)
    assert result.returncode == 2
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert not (tmp_path / "site.yml").exists()
