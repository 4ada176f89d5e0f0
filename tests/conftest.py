"""Shared fixtures and helpers: scratch copies of the sample project, a way to run the real CLI,
and, for the tests that read the built site in a browser, one build of the repository's own site
served under a subpath and one headless Chromium for the whole session.

Test modules import helpers from here (`from conftest import ...`), never from each other.
"""

from __future__ import annotations

import compileall
import http.server
import os
import re
import shutil
import subprocess
import sys
import textwrap
import threading
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from html.parser import HTMLParser
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, sync_playwright

from site_gen.config import Config
from site_gen.errors import Problem
from site_gen.model import Site
from site_gen.pipeline import load_and_check

REPO = Path(__file__).resolve().parent.parent
SAMPLE = Path(__file__).resolve().parent / "sample"


def pytest_configure(config: pytest.Config) -> None:
    """Compile the generator to bytecode once, as pip does when it installs a package: the suite
    starts the CLI hundreds of times, as a user would, and where PYTHONDONTWRITEBYTECODE is set
    (as in CI here) an editable install otherwise compiles every module again at each start."""
    compileall.compile_dir(REPO / "site_gen", quiet=1)


# The URL path the browser tests serve a site under, as GitHub Pages serves a project site.
BASE_PATH = "/kazakhstan-briefing/"
CHROMIUM = Path("/usr/bin/chromium")
# Debian's Chromium, quiet: no network calls of its own, so every request we see is the page's.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Pages may weigh this much, HTML plus the stylesheet, before gzip.
PAGE_BUDGET = 60 * 1024


def use_own_cache(monkeypatch: pytest.MonkeyPatch, folder: Path) -> Path:
    """Point site_gen, and every CLI started from here on, at an empty cache of its own."""
    monkeypatch.setenv("SITE_GEN_CACHE_DIR", str(folder))
    monkeypatch.delenv("SITE_GEN_CACHE", raising=False)
    return folder


@pytest.fixture(autouse=True)
def cache_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Give every test an empty cache of its own, never the user's, also for the CLI it runs."""
    return use_own_cache(monkeypatch, tmp_path_factory.mktemp("cache"))


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


def repo_copy(folder: Path) -> Path:
    """Return a scratch copy of the repository's own briefing in `folder`."""
    for name in ("facts", "seeds", "templates"):
        shutil.copytree(REPO / name, folder / name)
    shutil.copy(REPO / "site.yml", folder / "site.yml")
    return folder


# A fenced block of Markdown, perhaps indented as a list item's: its indent and its lines.
_FENCE = re.compile(r"^( *)```\w*\n(.*?)^\1```$", re.MULTILINE | re.DOTALL)


def readme_blocks(heading: str) -> list[str]:
    """Return the fenced blocks of one section of README.md, up to the next heading, in order,
    each less its fence's indent (so a snippet keeps its indent under the entry it goes in).

    Tests follow the README's steps with them, so that what it shows cannot drift from what
    the tool does.
    """
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split(f"\n{heading}\n", 1)[1].split("\n#", 1)[0]
    return [
        "".join(line.removeprefix(indent) for line in body.splitlines(keepends=True))
        for indent, body in _FENCE.findall(section)
    ]


def read_tree(root: Path) -> dict[str, bytes]:
    """Return every file under a folder by its relative path, to compare two builds."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def check_root(root: Path) -> tuple[Site, list[Problem]]:
    """Load and check a site root in-process; return the model and every problem."""
    site, verification = load_and_check(Config.for_root(root))
    return site, verification.problems


def build_site(out: Path, *args: str, root: Path = REPO, cache: Path | None = None) -> Path:
    """Build a site root (the repository's own by default) into `out` with the real CLI.

    Fixtures wider than a test run before the autouse `cache_dir`, so they pass a `cache` folder
    of their own: no build ever reads or writes the user's cache.
    """
    with pytest.MonkeyPatch.context() as monkeypatch:
        if cache is not None:
            use_own_cache(monkeypatch, cache)
        result = run_cli("build", "--root", root, "--out", out, *args)
    assert result.returncode == 0, result.stderr
    return out


# Elements that never have an end tag.
_VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "wbr",
}


class _TreeBuilder(HTMLParser):
    """Build an ElementTree of a page written by the theme, whose tags are all closed."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = ET.Element("document")
        self.open = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = ET.SubElement(self.open[-1], tag, {k: v or "" for k, v in attrs})
        if tag not in _VOID:
            self.open.append(element)

    def handle_endtag(self, tag: str) -> None:
        if tag not in _VOID:
            assert self.open[-1].tag == tag, f"</{tag}> closes <{self.open[-1].tag}>"
            self.open.pop()

    def handle_data(self, data: str) -> None:
        parent = self.open[-1]
        if len(parent):
            parent[-1].tail = (parent[-1].tail or "") + data
        else:
            parent.text = (parent.text or "") + data


def parse_page(path: Path) -> ET.Element:
    """Return a built page as an element tree, to query with ElementTree's paths."""
    builder = _TreeBuilder()
    builder.feed(path.read_text(encoding="utf-8"))
    builder.close()
    return builder.root


def text_of(element: ET.Element) -> str:
    """Return the text an element shows, spaces collapsed."""
    return " ".join("".join(element.itertext()).split())


def html_pages(out: Path) -> list[Path]:
    return sorted(out.rglob("*.html"))


def page_url(base: str, out: Path, page: Path) -> str:
    """Return the URL a built page is served at, folder-style for index pages."""
    return base + page.relative_to(out).as_posix().removesuffix("index.html")


def page_weight(out: Path, page: Path) -> int:
    """Return the bytes a reader downloads for a page: its HTML plus the one stylesheet."""
    return page.stat().st_size + (out / "assets/style.css").stat().st_size


def has_chromium() -> bool:
    return CHROMIUM.is_file()


def is_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


class _SubpathHandler(http.server.SimpleHTTPRequestHandler):
    """Serve the build only under the base path, as GitHub Pages serves a project site."""

    def send_head(self) -> BinaryIO | None:
        if not urlsplit(self.path).path.startswith(BASE_PATH):
            self.send_error(404, "outside the site's base path")
            return None
        return super().send_head()

    def translate_path(self, path: str) -> str:
        site_path = urlsplit(path).path.removeprefix(BASE_PATH)
        return super().translate_path("/" + site_path)

    def log_message(self, format: str, *args: object) -> None:
        """Keep test output quiet; failures are reported by the assertions."""


@contextmanager
def serve(directory: Path) -> Iterator[str]:
    """Serve `directory` at http://127.0.0.1:<port>/kazakhstan-briefing/ and yield that URL."""
    handler = partial(_SubpathHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{BASE_PATH}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's own site, built once per session under BASE_PATH by the real CLI.

    Shared by every test that reads the built site, so no test may change it.
    """
    out = tmp_path_factory.mktemp("built") / "site"
    return build_site(out, "--base-url", BASE_PATH, cache=tmp_path_factory.mktemp("cache"))


@pytest.fixture(scope="session")
def base_url(built_site: Path) -> Iterator[str]:
    """The URL the built site is served at, under BASE_PATH, for the whole session."""
    with serve(built_site) as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Debian Chromium for the session; each test opens its own context or page."""
    if not has_chromium():
        message = f"Chromium not found at {CHROMIUM}; install it with 'apt-get install chromium'"
        if is_ci():
            pytest.fail(message + " (CI=true requires the browser tests to run)")
        pytest.skip(message)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
