"""The preview server as an editor meets it: misquote, see the error on the page, fix, see the page.

Each test runs `python -m site_gen serve` on a scratch copy of the sample, edits files the way an
editor saves them, and polls the served page over HTTP; nothing is restarted in between.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import read_tree, replace_in, run_cli
from playwright.sync_api import Browser

from site_gen.preview.server import PANEL_CSS_URL

# Generous: a loaded CI machine may take seconds per rebuild; the tests never wait this long
# when things work.
TIMEOUT = 60.0
PAGE = "/facts/bridge-reopens/"
PANEL = 'class="site-gen-panel"'


@dataclass
class Preview:
    """A running `site-gen serve` and the site root it watches."""

    process: subprocess.Popen[bytes]
    root: Path
    base: str
    log: Path

    def fetch(self, path: str) -> tuple[int, str] | None:
        """Return status and body of a page, or None while the server is not listening yet."""
        try:
            with urllib.request.urlopen(self.base + path, timeout=10) as response:
                return response.status, response.read().decode("utf-8")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8")
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            return None

    def wait_for(self, path: str, ready: Callable[[str], bool]) -> str:
        """Poll a page until ready(body) holds; fail with the page and the server's log if not."""
        deadline = time.monotonic() + TIMEOUT
        body = ""
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"server died:\n{self.log.read_text()}"
            fetched = self.fetch(path)
            if fetched is not None:
                body = fetched[1]
                if ready(body):
                    return body
            time.sleep(0.2)
        pytest.fail(f"{path} never became ready; last body:\n{body}\nlog:\n{self.log.read_text()}")

    def edit(self, relative: str, old: str, new: str) -> None:
        path = self.root / relative
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {relative}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def preview(sample: Path, tmp_path: Path) -> Iterator[Preview]:
    with serving(sample, tmp_path) as started:
        yield started


@contextmanager
def serving(sample: Path, tmp_path: Path) -> Iterator[Preview]:
    """Run `site-gen serve` on the sample at a free port until the block ends."""
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "site_gen", "serve", "--root", sample, "--port", str(port)],
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    try:
        yield Preview(process, sample, f"http://127.0.0.1:{port}", log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def is_clean(body: str) -> bool:
    return PANEL not in body and "</html>" in body


def test_misquote_shows_on_the_page_and_in_the_terminal_until_fixed(preview: Preview) -> None:
    page = preview.wait_for(PAGE, is_clean)
    assert "reopened after being closed for 36 hours" in page
    assert '<script src="/livereload.js?port=' in page

    preview.edit("facts/events.yml", "closed it for 36 hours", "closed it for 38 hours")
    page = preview.wait_for(PAGE, lambda body: PANEL in body)
    # The panel opens the body, over the last good page, which is still there.
    assert re.search(rf'<body[^>]*>\s*<link rel="stylesheet" href="{PANEL_CSS_URL}">', page)
    assert page.index(PANEL) < page.rindex("reopened after being closed for 36 hours")
    assert (
        "<code>facts/events.yml:11:14</code> error[quote-not-found] fact <code>bridge-reopens</code>"
        in page
    )
    assert "closest passage, seeds/harbour.txt:2:" in page
    assert "<del>38</del> <ins>36</ins>" in page
    assert "note: number differs: quote has &#x27;38&#x27;, source has &#x27;36&#x27;" in page
    assert " style=" not in page[page.index(PANEL) :]
    log = preview.log.read_text()
    assert "facts/events.yml:11:14: error[quote-not-found] fact 'bridge-reopens'" in log
    assert "closest passage, seeds/harbour.txt:2:" in log

    preview.edit("facts/events.yml", "closed it for 38 hours", "closed it for 36 hours")
    preview.edit("facts/events.yml", "after being closed for 36 hours", "after a 36-hour closure")
    page = preview.wait_for(PAGE, lambda body: is_clean(body) and "36-hour closure" in body)
    assert "after being closed for 36 hours" not in page


def test_a_first_build_that_fails_says_there_is_no_page_yet(sample: Path, tmp_path: Path) -> None:
    """Its panel used to promise the last good build, of which there was none."""
    replace_in(sample / "facts/events.yml", "people: [mara-lind]", "people: [mara-lindt]")
    with serving(sample, tmp_path) as preview:
        page = preview.wait_for("/", lambda body: PANEL in body)
        assert preview.fetch("/") == (404, page)
        assert "No page here: the site has not been built yet." in page
        assert (
            "<p>Fix it and save; this page reloads by itself. No build has succeeded yet, so "
            "there are no pages to show until then.</p>"
        ) in page
        replace_in(sample / "facts/events.yml", "people: [mara-lindt]", "people: [mara-lind]")
        preview.wait_for("/", is_clean)


def test_the_preview_builds_apart_from_the_published_output_and_cleans_up(
    preview: Preview,
) -> None:
    """The preview shows drafts, at the server's root: built into output/, it would be one
    upload away from publishing them, with links that miss a Pages subpath."""
    preview.wait_for(PAGE, is_clean)
    # Where the site is published does not move the preview off the server's root.
    preview.edit("site.yml", "language: en\n", "language: en\nsite_url: https://example.org/x/\n")
    assert run_cli("build", "--root", preview.root, "--base-url", "/x/").returncode == 0
    published = read_tree(preview.root / "output")
    preview.edit("facts/events.yml", "title: Bridge reopens", "title: Bridge opens again")
    preview.wait_for(PAGE, lambda body: "Bridge opens again" in body)
    assert read_tree(preview.root / "output") == published
    built = re.search(r"-> (\S+)$", preview.log.read_text(encoding="utf-8"), re.MULTILINE)
    assert built is not None and Path(built[1]).is_dir()
    assert Path(built[1]).parent.name.startswith("site-gen-preview-")
    preview.process.terminate()  # As `kill` stops it; Ctrl+C takes the same way out.
    assert preview.process.wait(timeout=10) == 0
    assert not Path(built[1]).parent.exists()


def test_server_survives_syntax_errors_and_bad_edits_in_a_row(preview: Preview) -> None:
    preview.wait_for("/", is_clean)

    # The offending line is shown under a caret, escaped: problem text is never markup.
    broken = "text: The <em>harbour</em>: bridge"
    preview.edit("facts/events.yml", "text: The harbour bridge", broken)
    page = preview.wait_for("/", lambda body: "error[yaml-syntax]" in body)
    assert "<code>facts/events.yml:6:29</code>" in page
    assert "    6 |   text: The &lt;em&gt;harbour&lt;/em&gt;: bridge" in page
    assert "<em>harbour" not in page
    assert "\n      |                             ^" in page

    # Fix the syntax but misspell a reference: the new problem replaces the old one.
    preview.edit("facts/events.yml", broken, "text: The harbour bridge")
    preview.edit("facts/events.yml", "people: [mara-lind]", "people: [mara-lindt]")
    page = preview.wait_for(
        "/", lambda body: "mara-lindt" in body and "error[yaml-syntax]" not in body
    )
    assert "did you mean &#x27;mara-lind&#x27;?" in page

    # Fix that, and break a template instead.
    preview.edit("facts/events.yml", "people: [mara-lindt]", "people: [mara-lind]")
    base = preview.root / "templates/base.html"
    theme = base.read_text(encoding="utf-8")
    base.write_text("{% if %}", encoding="utf-8")
    preview.wait_for(
        "/", lambda body: "error[template-syntax]" in body and "mara-lindt" not in body
    )

    css = preview.fetch(PANEL_CSS_URL)
    assert css is not None and css[0] == 200 and ".site-gen-panel" in css[1]

    base.write_text(theme, encoding="utf-8")
    preview.wait_for("/", is_clean)


def raw_response(base: str, target: str, host_header: str = "") -> bytes:
    """Send a request line exactly as written, so no client library normalizes the path first;
    return the whole response."""
    host, port = base.removeprefix("http://").split(":")
    request = f"GET {target} HTTP/1.1\r\nHost: {host_header or host}\r\nConnection: close\r\n\r\n"
    with socket.create_connection((host, int(port)), timeout=10) as conn:
        conn.sendall(request.encode())
        response = b""
        while chunk := conn.recv(65536):
            response += chunk
    return response


def raw_get(base: str, target: str) -> tuple[int, bytes]:
    """Return the status and body of raw_response."""
    response = raw_response(base, target)
    return int(response.split(b" ", 2)[1]), response.partition(b"\r\n\r\n")[2]


@pytest.mark.parametrize(
    "target",
    [
        "/../site.yml",
        "/%2e%2e/site.yml",
        "/%2E%2E%2Fsite.yml",
        "/assets/../../site.yml",
        "/assets/%2e%2e/%2e%2e/site.yml",
        "/..%5csite.yml",
        "//..//..//site.yml",
        "/.%2e/.%2e/site.yml",
    ],
)
def test_nothing_outside_the_output_is_served(preview: Preview, target: str) -> None:
    preview.wait_for("/", is_clean)
    secret = "secret-outside-output-7f3a"
    with (preview.root / "site.yml").open("a", encoding="utf-8") as settings:
        settings.write(f"# {secret}\n")
    status, body = raw_get(preview.base, target)
    assert status in (400, 404), (status, body[:200])
    assert secret.encode() not in body


@pytest.mark.parametrize(
    ("host", "answered"),
    [
        ("localhost:8000", True),
        ("127.0.0.1", True),
        ("[::1]:8000", True),
        ("evil.example:8000", False),
        ("192.168.1.5", False),
    ],
)
def test_a_preview_on_loopback_answers_only_to_its_own_names(
    preview: Preview, host: str, answered: bool
) -> None:
    """A page elsewhere whose name is made to point at 127.0.0.1 (DNS rebinding) could read the
    preview, drafts and all: its requests carry its own name."""
    preview.wait_for("/", is_clean)
    response = raw_response(preview.base, "/", host)
    status = int(response.split(b" ", 2)[1])
    assert (status == 200) is answered and (status == 403) is not answered, response[:200]


def test_serve_listens_on_loopback_only_by_default(preview: Preview) -> None:
    preview.wait_for("/", is_clean)
    port = int(preview.base.rsplit(":", 1)[1])
    # /proc/net/tcp{,6} list each socket as local "ADDRESS:PORT" in hex; state 0A is LISTEN.
    listening = [
        fields[1].split(":")[0]
        for table in ("/proc/net/tcp", "/proc/net/tcp6")
        if Path(table).exists()
        for fields in (line.split() for line in Path(table).read_text().splitlines()[1:])
        if fields[3] == "0A" and int(fields[1].split(":")[1], 16) == port
    ]
    assert listening == ["0100007F"]  # 127.0.0.1, and no wildcard or IPv6 socket beside it.


def test_the_panel_is_in_sight_after_the_reload_and_gone_after_the_fix(
    preview: Preview, browser: Browser
) -> None:
    preview.wait_for(PAGE, is_clean)
    page = browser.new_page(viewport={"width": 1280, "height": 600})
    try:
        page.goto(preview.base + PAGE)
        page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
        scrolled = page.evaluate("window.scrollY")
        assert scrolled > 0
        # A save before the client's handshake reaches no one: on a loaded machine it takes a
        # while.
        page.wait_for_function("() => window.LiveReload?.connector.protocol > 0")

        # The save alone reloads the page: livereload's client, not the test, asks for it.
        preview.edit("facts/events.yml", "closed it for 36 hours", "closed it for 38 hours")
        panel = page.locator(".site-gen-panel")
        panel.wait_for(state="visible", timeout=TIMEOUT * 1000)
        # The browser restores the old scroll position, but may do so after the panel shows.
        page.wait_for_function("window.scrollY > 0", timeout=TIMEOUT * 1000)
        top, bottom = page.evaluate(
            "(() => { const r = document.querySelector('.site-gen-panel')"
            ".getBoundingClientRect(); return [r.top, r.bottom]; })()"
        )
        assert 0 <= top < bottom <= 600
        assert "facts/events.yml:11:14" in panel.inner_text()

        preview.edit("facts/events.yml", "closed it for 38 hours", "closed it for 36 hours")
        panel.wait_for(state="detached", timeout=TIMEOUT * 1000)
        assert "reopened after being closed for 36 hours" in page.content()
    finally:
        page.close()


def test_a_file_moved_in_with_an_old_time_is_built(preview: Preview, tmp_path: Path) -> None:
    """livereload took a new file for a change only when newer than the server: a fact moved
    in with `mv` or `cp -p` stayed out of the preview until some other save."""
    preview.wait_for(PAGE, is_clean)
    made = tmp_path / "moved.yml"
    fact = (preview.root / "facts/events.yml").read_text(encoding="utf-8")
    made.write_text(
        fact.replace("id: bridge-reopens", "id: moved-in").replace(
            "title: Bridge reopens", "title: Moved in"
        ),
        encoding="utf-8",
    )
    an_hour_ago = time.time() - 3600
    os.utime(made, (an_hour_ago, an_hour_ago))
    made.rename(preview.root / "facts/moved.yml")
    assert "Moved in" in preview.wait_for("/facts/moved-in/", lambda body: "Moved in" in body)


def test_odd_paths_are_answered_not_crashed_on(preview: Preview) -> None:
    preview.wait_for("/", is_clean)
    assert raw_get(preview.base, "/" + "a" * 300)[0] == 404  # Longer than a file name may be.
    # Not "//facts/", which names a host.
    assert b"\r\nLocation: /facts/\r\n" in raw_response(preview.base, "//facts")


def test_closing_the_terminal_removes_the_preview_folder(preview: Preview) -> None:
    preview.wait_for(PAGE, is_clean)
    built = re.search(r"-> (\S+)$", preview.log.read_text(encoding="utf-8"), re.MULTILINE)
    assert built is not None
    preview.process.send_signal(signal.SIGHUP)
    assert preview.process.wait(timeout=10) == 0
    assert not Path(built[1]).parent.exists()
