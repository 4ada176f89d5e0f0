"""Measure the time from saving a one-fact edit to the browser showing the reloaded page.

Runs `site-gen serve` on a scratch copy of a site root, opens a page in headless Chromium,
changes one event's title and saves, then waits for the page's next load event and checks that
the new title is on it. Prints each run and the median.

    python benchmarks/edit_to_reload.py [--root .] [--runs 10]

The server runs as `python -m site_gen` in the current folder, which imports that folder's
`site_gen` before any on PYTHONPATH: to compare two code trees, start the script from each tree.
"""

from __future__ import annotations

import argparse
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

# One browser set-up for tests and benchmarks alike.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from conftest import CHROMIUM, CHROMIUM_ARGS

INPUTS = ("facts", "seeds", "templates", "site.yml")
TITLE = re.compile(r"^  title: (.+)$", re.MULTILINE)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_until_served(url: str, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"{url} was not served in time")


def page_showing(out: Path, text: str) -> str:
    """Return the URL path of the first built page that shows text."""
    for page in sorted(out.rglob("*.html")):
        if text in page.read_text(encoding="utf-8"):
            relative = page.relative_to(out).as_posix()
            return "/" + relative.removesuffix("index.html")
    raise SystemExit(f"no page shows {text!r}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="edit-to-reload-"))
    for name in INPUTS:
        source = args.root / name
        if source.is_dir():
            shutil.copytree(source, scratch / name)
        else:
            shutil.copy(source, scratch / name)
    facts = scratch / "facts/events.yml"
    original = TITLE.search(facts.read_text(encoding="utf-8"))
    if original is None:
        raise SystemExit("facts/events.yml has no event title to edit")

    # The preview builds into a folder of its own: a build finds the page to watch.
    subprocess.run([sys.executable, "-m", "site_gen", "-q", "build", "--root", scratch], check=True)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "site_gen", "-q", "serve", "--root", scratch, "--port", str(port)]
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_served(base + "/", time.monotonic() + 60)
        url = base + page_showing(scratch / "output", original.group(1))
        times = []
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.goto(url)
            for run in range(1, args.runs + 1):
                # The client must have finished its handshake, or no reload reaches it; and
                # livereload's own start-up reload (at its first poll) must be over.
                page.wait_for_function(
                    "() => window.LiveReload && window.LiveReload.connector.protocol > 0"
                )
                time.sleep(1.0)
                title = f"{original.group(1)} (edit {'abcdefghijklmnopqrstuvwxyz'[run % 26]})"
                text = facts.read_text(encoding="utf-8")
                edited = TITLE.sub(f"  title: {title}", text, count=1)
                with page.expect_event("load", timeout=30_000):
                    started = time.perf_counter()
                    facts.write_text(edited, encoding="utf-8")
                seconds = time.perf_counter() - started
                if title not in page.content():
                    raise SystemExit(f"run {run}: the reloaded page does not show the edit")
                times.append(seconds)
                print(f"run {run}: {seconds * 1000:.0f} ms")
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(scratch)
    print(
        f"edit to reload: median {statistics.median(times) * 1000:.0f} ms, "
        f"min {min(times) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms over {len(times)} runs"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
