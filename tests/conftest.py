"""Shared fixtures: scratch copies of the sample project and a way to run the real CLI."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from site_gen.config import Config
from site_gen.errors import Problem
from site_gen.model import Site
from site_gen.pipeline import load_and_check

REPO = Path(__file__).resolve().parent.parent
SAMPLE = Path(__file__).resolve().parent / "sample"


@pytest.fixture(autouse=True)
def cache_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Give every test an empty cache of its own, never the user's, also for the CLI it runs."""
    folder = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("SITE_GEN_CACHE_DIR", str(folder))
    monkeypatch.delenv("SITE_GEN_CACHE", raising=False)
    return folder


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    """Return a scratch copy of the sample project, with the repo's templates."""
    root = tmp_path / "site"
    shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns("expected"))
    shutil.copytree(REPO / "templates", root / "templates")
    return root


@pytest.fixture
def generated(tmp_path: Path) -> Path:
    """Return the root of a site of 60 facts with many cross-references, by benchmarks/synth.py."""
    root = tmp_path / "site"
    made = subprocess.run(
        [sys.executable, REPO / "benchmarks/synth.py", "60", root], capture_output=True, timeout=120
    )
    assert made.returncode == 0, made.stderr
    return root


@pytest.fixture
def write() -> Callable[[Path, str], Path]:
    """Write a dedented string to a file, creating folders, and return the path."""

    def write_file(path: Path, content: str) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(content).lstrip("\n"), encoding="utf-8")
        return path

    return write_file


def run_cli(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run `python -m site_gen` as a user would, capturing its output."""
    return subprocess.run(
        [sys.executable, "-m", "site_gen", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=300,
    )


def replace_in(path: Path, old: str, new: str) -> None:
    """Edit a file as an editor would: replace the first `old`, which must be there."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def read_tree(root: Path) -> dict[str, bytes]:
    """Return every file under a folder by its relative path, to compare two builds."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def check_root(root: Path) -> tuple[Site | None, list[Problem]]:
    """Load and check a site root in-process; return the model and every problem."""
    site, verification = load_and_check(Config.for_root(root))
    return site, verification.problems
