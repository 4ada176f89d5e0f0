"""Safety rules that hold for the whole code base, not one input."""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import pytest
from conftest import REPO, replace_in, run_cli

INPUTS = ("seeds", "facts", "templates")


def digest_inputs(root: Path) -> dict[str, str]:
    """Hash every input file, so any change by the tool shows up."""
    files = [root / "site.yml"]
    files += [p for name in INPUTS for p in sorted((root / name).rglob("*")) if p.is_file()]
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in files
    }


def test_commands_never_touch_inputs(sample: Path) -> None:
    before = digest_inputs(sample)
    for args in (["check"], ["coverage"], ["build"], ["build", "--base-url", "/x/"]):
        assert run_cli(*args, "--root", sample).returncode == 0
    assert digest_inputs(sample) == before
    # A failing build must not touch them either.
    replace_in(sample / "facts/events.yml", "after a storm", "after the storm")
    before = digest_inputs(sample)
    assert run_cli("build", "--root", sample).returncode == 1
    assert digest_inputs(sample) == before


def test_templates_never_bypass_escaping() -> None:
    """Only the Markdown filters, which sanitize, may produce markup; templates may not opt out."""
    unsafe = re.compile(r"\|\s*safe\b|autoescape\s+false|\{%-?\s*autoescape")
    offenders = [
        str(p.relative_to(REPO))
        for p in (REPO / "templates").rglob("*")
        if p.is_file()
        and p.suffix in {".html", ".xml", ".txt", ".json"}
        and unsafe.search(p.read_text(encoding="utf-8"))
    ]
    assert offenders == []


# Reviewed producers of markup: markdown.py sanitizes with nh3; feeds.py escapes <, > and & in
# JSON-LD.
MARKUP_PRODUCERS = {"markdown.py", "feeds.py"}


def test_only_reviewed_modules_create_markup() -> None:
    """Markup() tells Jinja a string is safe HTML; only reviewed, escaping modules may say so."""
    offenders = [
        str(p.relative_to(REPO))
        for p in (REPO / "site_gen").rglob("*.py")
        if p.name not in MARKUP_PRODUCERS
        and re.search(r"\bMarkup\(", p.read_text(encoding="utf-8"))
    ]
    assert offenders == []


@pytest.mark.parametrize(
    ("link", "command"),
    [
        ("templates", ["theme", "eject", "base.html"]),
        ("schemas", ["schema", "--write"]),
        ("schemas/site.schema.json", ["schema", "--write"]),
    ],
)
def test_no_command_writes_through_a_link_out_of_the_root(
    sample: Path, tmp_path: Path, link: str, command: list[str]
) -> None:
    """A link in a pull request made `theme eject` or `schema --write` write elsewhere."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.rmtree(sample / "templates")
    (sample / link).parent.mkdir(exist_ok=True)
    (sample / link).symlink_to(elsewhere if "." not in link else elsewhere / "x.json")
    result = run_cli(*command, "--root", sample)
    assert result.returncode == 2
    assert "leads out of the site root through a link; refusing to write" in result.stderr
    assert list(elsewhere.iterdir()) == []
