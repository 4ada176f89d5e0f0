"""Shared fixtures: scratch copies of the sample project and a way to run the real CLI."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

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
