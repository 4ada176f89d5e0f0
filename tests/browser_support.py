"""Helpers for the built-site tests: build the real site, serve it under a subpath, find Chromium."""

from __future__ import annotations

import http.server
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit

from conftest import REPO, run_cli

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


def build_site(out: Path, *args: str, root: Path = REPO) -> Path:
    """Build a site root (the repository's own by default) into `out` with the real CLI."""
    result = run_cli("build", "--root", root, "--out", out, *args)
    assert result.returncode == 0, result.stderr
    return out


def html_pages(out: Path) -> list[Path]:
    return sorted(out.rglob("*.html"))


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
