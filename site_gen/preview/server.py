"""The preview server: rebuild the whole site on each change, reload the browser, and show a
failed build on every page.

Every rebuild is a full build in this warm process, so the preview shows exactly what
`site-gen build` would write, whatever the theme reads. Only quote verdicts, compiled templates
and the files last written are kept between builds (site_gen.pipeline.Memory), so a rebuild
rewrites only the files whose bytes changed.
"""

from __future__ import annotations

import errno
import html
import ipaddress
import logging
import mimetypes
import re
import socket
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any
from wsgiref.types import StartResponse, WSGIEnvironment

from livereload import Server
from livereload.handlers import LiveReloadHandler
from livereload.watcher import Watcher
from tornado.ioloop import PeriodicCallback

from site_gen.config import Config
from site_gen.errors import CheckFailed, Location, Problem, SiteGenError, UsageError
from site_gen.pipeline import BuildResult, Memory, build, check_out_dir
from site_gen.render.views import plural
from site_gen.report import printable_problem
from site_gen.verify.suggest import DIFF_MARK

log = logging.getLogger(__name__)

# Paths no site uses. Both are files, not inline code, so pages whose Content-Security-Policy
# says `style-src 'self'` and `script-src 'self'` still load them.
PANEL_CSS_URL = "/_site-gen/panel.css"
LIVERELOAD_JS_URL = "/livereload.js"

# Fixed at the top of the viewport: after a reload the browser restores the old scroll position,
# and a panel at the top of the page would be out of sight.
PANEL_CSS = b"""\
.site-gen-panel { position: fixed; top: 0; left: 0; right: 0; z-index: 2147483647;
  max-height: 60vh; overflow-y: auto; box-sizing: border-box;
  margin: 0; padding: 1rem 1.5rem; background: #fff4f4; color: #1a1a1a;
  border-bottom: 4px solid #b00020; font: 1rem/1.5 system-ui, sans-serif;
  box-shadow: 0 2px 12px rgba(0, 0, 0, .3); }
.site-gen-panel h2 { margin: 0 0 .5rem; font-size: 1.25rem; color: #b00020; }
.site-gen-panel ol { margin: .5rem 0 0; padding-left: 1.5rem; }
.site-gen-panel li { margin: 0 0 1rem; }
.site-gen-panel p { margin: 0; }
.site-gen-panel code { font-family: ui-monospace, monospace; font-weight: bold; }
.site-gen-panel .site-gen-hint { color: #444; }
.site-gen-panel pre { margin: .25rem 0 0; padding: .5rem; background: #fff; overflow-x: auto;
  white-space: pre-wrap; border: 1px solid #e0c0c0; font: .9rem/1.4 ui-monospace, monospace; }
.site-gen-panel del { background: #ffd7d7; color: #8a0000; }
.site-gen-panel ins { background: #d4f7d4; color: #005a00; text-decoration: none; }
"""

# Shown for a path the output lacks when the site has no 404 page: before any good build, as
# every build writes one.
_BARE_PAGE = (
    '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
    "<title>site-gen preview</title>\n</head>\n<body>\n"
    "<p>No page here: the site has not been built yet.</p>\n</body>\n</html>\n"
)
# How often to look for changed inputs, instead of livereload's 0.8 s: half of it is waited on
# average after each save, and looking costs an idle preview little (benchmarks/README.md).
POLL_SECONDS = 0.05
_BODY_TAG = re.compile(rb"<body\b[^<>]*>", re.IGNORECASE)
_HEAD_END = re.compile(rb"</head\s*>", re.IGNORECASE)

# Called after every build: the result of a good one, or None and the problems of a failed one.
BuildReporter = Callable[[BuildResult | None, list[Problem]], None]


class Preview:
    """Build a site root whenever it changes and serve its output, flagging a failed build.

    A failed build writes nothing, so the output keeps the last good pages; while the failure
    lasts, each HTML page gets an error panel right after its <body> tag.
    """

    def __init__(self, config: Config, reporter: BuildReporter, memory: Memory) -> None:
        self.config = config
        self.reporter = reporter
        # Kept from build to build: a rebuild matches only the quotes an edit changed.
        self.memory = memory
        # The problems of the last build when it failed; None while the last build succeeded.
        self.failure: list[Problem] | None = None
        # Whether some build succeeded, so that the output holds pages to show under a failure.
        self.built = False
        self.port = 0
        # Whether the preview listens on this machine only: it then answers only to its names.
        self.loopback = True

    def watched(self) -> list[Path]:
        """Return the inputs whose change triggers a rebuild; never the output."""
        config = self.config
        return [config.facts_dir, config.seeds_dir, config.templates_dir, config.settings_file]

    def rebuild(self) -> None:
        """Build once; a failure is kept for the panel instead of stopping the server."""
        root = Location(self.config.display(self.config.root))
        try:
            result = build(self.config, self.memory)
        except CheckFailed as failed:
            self.failure = failed.problems
        except SiteGenError as exc:
            self.failure = [Problem("build-error", str(exc), root)]
        except Exception as exc:
            # As in Lektor's devserver: a bug must not take the preview down with it.
            log.exception("site_gen crashed while building")
            hint = "this is a bug in site_gen; the terminal shows the traceback"
            self.failure = [
                Problem("internal-error", f"site_gen crashed: {exc!r}", root, hint=hint)
            ]
        else:
            self.failure = None
            self.built = True
            self.reporter(result, result.warnings)
        if self.failure is not None:
            self.reporter(None, self.failure)

    def serve(self, host: str, port: int) -> None:
        """Build, then serve until interrupted, rebuilding and reloading on every change."""
        # A wrong output folder is a usage error to stop at, not a build problem to preview.
        check_out_dir(self.config)
        _check_port(host, port)
        self.port = port
        self.loopback = _is_loopback(host)
        # livereload skips a reload within 3 s of the last one, which loses the reload after a
        # quick fix; every reload here follows a full rebuild, so none needs skipping.
        LiveReloadHandler.DEFAULT_RELOAD_TIME = 0
        server = _LiveServer(self)
        for path in self.watched():
            server.watch(str(path), self.rebuild)
        self.rebuild()
        # Record every input's mtime now, rebuilding if one was saved during that first build;
        # otherwise livereload's first poll takes unchanged files for changes and reloads.
        server.watcher.examine()
        log.info("serving http://%s:%d/ ; rebuilding on changes; Ctrl+C stops", host, port)
        try:
            # Every change reloads the whole page: with live CSS, a stylesheet saved with a fact
            # in one poll swapped the stylesheet and kept the old page.
            server.serve(
                host=host,
                port=port,
                debug=False,
                restart_delay=0,
                open_url_delay=None,
                live_css=False,
            )
        except OSError as exc:
            raise _cannot_listen(host, port, exc) from None

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        """Serve one request from the output folder (a WSGI application)."""
        # WSGI hands over the decoded path as Latin-1 code points of its bytes.
        path = environ.get("PATH_INFO", "/").encode("latin-1").decode("utf-8", "replace")
        host = environ.get("HTTP_HOST")
        if self.loopback and host and not _is_loopback(_host_name(host)):
            # A page elsewhere whose own name is made to point here (DNS rebinding) would
            # otherwise read the preview, drafts and all.
            body = b"This preview answers only to localhost.\n"
            return _respond(start_response, "403 Forbidden", "text/plain; charset=utf-8", body)
        if path == PANEL_CSS_URL:
            return _respond(start_response, "200 OK", "text/css; charset=utf-8", PANEL_CSS)
        target = self._file_for(path)
        if target is not None and target.is_dir():
            # From the folder's own path: "//facts/" would name a host.
            folder = "/" + target.relative_to(self.config.out).as_posix() + "/"
            start_response("301 Moved Permanently", [("Location", folder)])
            return [b""]
        status = "200 OK"
        if target is None:
            status, target = "404 Not Found", self.config.out / "404.html"
        if target.is_file():
            body, content_type = target.read_bytes(), _content_type(target)
        else:
            body, content_type = _BARE_PAGE.encode(), "text/html; charset=utf-8"
        if content_type.startswith("text/html"):
            body = self._decorate(body)
        return _respond(start_response, status, content_type, body)

    def _file_for(self, path: str) -> Path | None:
        """Return the output file (or folder to redirect to) a URL path names, if it exists."""
        parts = [part for part in path.split("/") if part not in ("", ".")]
        if any(part == ".." or "\\" in part or "\0" in part for part in parts):
            return None
        target = self.config.out.joinpath(*parts)
        try:
            if target.is_dir() and path.endswith("/"):
                target = target / "index.html"
            return target if target.exists() else None
        except OSError:  # A name longer than the file system allows: no such page.
            return None

    def _decorate(self, page: bytes) -> bytes:
        """Add the live-reload client, and the error panel while the last build failed."""
        script = f'<script src="{LIVERELOAD_JS_URL}?port={self.port}"></script>'.encode()
        page, found = _HEAD_END.subn(lambda end: script + end.group(0), page, count=1)
        if not found:
            page += script
        if self.failure is None:
            return page
        panel = error_panel(self.failure, self.built).encode()
        body = _BODY_TAG.search(page)
        at = body.end() if body else 0
        return page[:at] + panel + page[at:]


class _PollingWatcher(Watcher):  # type: ignore[misc]  # livereload has no type hints
    """A livereload watcher that looks for changes every POLL_SECONDS."""

    def start(self, callback: Callable[[], None]) -> bool:
        PeriodicCallback(callback, POLL_SECONDS * 1000).start()
        return True  # Tells livereload that this watcher polls by itself.

    def examine(self) -> Any:
        found = super().examine()
        # From the first look on, a file not seen before is a change however old its time:
        # livereload counts one only when it is newer than the server, so a fact moved in with
        # `mv` or `cp -p` stayed out of the preview.
        self._start = float("-inf")
        return found


class _LiveServer(Server):  # type: ignore[misc]  # livereload has no type hints
    """A livereload server that leaves the client script to Preview._decorate."""

    def __init__(self, app: Preview) -> None:
        super().__init__(app=app, watcher=_PollingWatcher())

    def get_web_handlers(self, script: bytes) -> Any:
        # livereload's own snippet is an inline script, which a strict CSP blocks.
        return super().get_web_handlers(b"")

    def _setup_logging(self) -> None:
        """Leave logging to site-gen's configuration instead of adding a second handler."""


def _check_port(host: str, port: int) -> None:
    """Refuse a port another program holds, before building and before saying "serving"."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        with socket.create_server((host, port), family=family):
            pass
    except OSError as exc:
        raise _cannot_listen(host, port, exc) from None


def _cannot_listen(host: str, port: int, exc: OSError) -> UsageError:
    """Name the option to change: an address this machine does not have, or a port in use.

    A name that does not resolve fails with one of getaddrinfo's codes, which are negative.
    """
    unknown = exc.errno == errno.EADDRNOTAVAIL or (exc.errno or 0) < 0
    option = "--host" if unknown else "--port"
    return UsageError(f"cannot listen on {host}:{port}: {exc.strerror}; choose another {option}")


def _respond(
    start_response: StartResponse, status: str, content_type: str, body: bytes
) -> list[bytes]:
    # Never cached: a reload must show the latest build.
    start_response(status, [("Content-Type", content_type), ("Cache-Control", "no-store")])
    return [body]


def _host_name(header: str) -> str:
    """Return the host of a Host header, without its port: "[::1]:8000" names "::1"."""
    if header.startswith("["):
        return header[1:].partition("]")[0]
    return header.rpartition(":")[0] if header.count(":") == 1 else header


def _is_loopback(host: str) -> bool:
    """Tell whether a host name or address names this machine only."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _content_type(path: Path) -> str:
    guessed, _ = mimetypes.guess_type(path.name)
    if guessed is None:
        return "application/octet-stream"
    return f"{guessed}; charset=utf-8" if guessed.startswith("text/") else guessed


def error_panel(problems: list[Problem], built: bool) -> str:
    """Return a failed build's errors, then its warnings, as escaped HTML styled only by
    PANEL_CSS_URL. `built` tells whether a build succeeded before, whose pages show under it."""
    errors = [p for p in problems if p.is_error]
    warnings = [p for p in problems if not p.is_error]
    also = f" and {plural(len(warnings), 'warning')}" if warnings else ""
    items = "".join(_panel_item(problem) for problem in errors + warnings)
    them = "it" if len(problems) == 1 else "them"
    until = (
        "Until then it shows the last good build."
        if built
        else "No build has succeeded yet, so there are no pages to show until then."
    )
    return (
        f'\n<link rel="stylesheet" href="{PANEL_CSS_URL}">\n'
        '<section class="site-gen-panel" role="alert" aria-labelledby="site-gen-panel-title">\n'
        f'<h2 id="site-gen-panel-title">The build failed: {plural(len(errors), "error")}{also}</h2>\n'
        f"<p>Fix {them} and save; this page reloads by itself. {until}</p>\n"
        f"<ol>\n{items}</ol>\n</section>\n"
    )


def _panel_item(problem: Problem) -> str:
    problem = printable_problem(problem)
    where = html.escape(str(problem.location))
    fact = f" fact <code>{html.escape(problem.fact)}</code>" if problem.fact else ""
    hint = f'<p class="site-gen-hint">{html.escape(problem.hint)}</p>' if problem.hint else ""
    lines = "\n".join(_diff_html(line) for line in problem.detail)
    detail = f"<pre>{lines}</pre>" if problem.detail else ""
    return (
        f"<li><p><code>{where}</code> {problem.severity.value}[{html.escape(problem.code)}]{fact}: "
        f"{html.escape(problem.message)}</p>{hint}{detail}</li>\n"
    )


def _diff_html(line: str) -> str:
    """Escape a detail line, marking word-diff changes as <del> and <ins>."""
    parts: list[str] = []
    last = 0
    for found in DIFF_MARK.finditer(line):
        parts.append(html.escape(line[last : found.start()]))
        if found.group("deleted") is not None:
            parts.append(f"<del>{html.escape(found.group('deleted'))}</del>")
        else:
            parts.append(f"<ins>{html.escape(found.group('inserted'))}</ins>")
        last = found.end()
    parts.append(html.escape(line[last:]))
    return "".join(parts)
