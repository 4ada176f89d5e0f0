"""The command line: parse arguments, run a command, print its verdict, return an exit code."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Any

from site_gen import cache, jsonschema, scaffold
from site_gen.check import DIFF_MARK, check
from site_gen.config import Config
from site_gen.coverage import site_coverage
from site_gen.errors import CheckFailed, Problem, SiteGenError, UsageError

if TYPE_CHECKING:
    from site_gen.build import BuildResult
    from site_gen.serve import BuildReporter

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2

log = logging.getLogger("site_gen")

# A step that takes longer than this shows a ticking progress line on a terminal.
PROGRESS_SECONDS = 1.0
# Word-diff colours for a terminal: red for what only the quote has, green for the source.
_DELETED_COLOUR, _INSERTED_COLOUR, _PLAIN = "\033[31m", "\033[32m", "\033[0m"


def _config(args: argparse.Namespace) -> Config:
    root = Path(args.root)
    if not root.is_dir():
        raise UsageError(f"--root {root} is not a folder")
    out = Path(args.out) if getattr(args, "out", None) else None
    return Config.for_root(
        root, out, base_url=getattr(args, "base_url", None), strict=getattr(args, "strict", False)
    )


def _is_colour_terminal() -> bool:
    """Tell whether stderr is a terminal that wants colour (see no-color.org)."""
    return sys.stderr.isatty() and "NO_COLOR" not in os.environ


def _colour_diff(line: str) -> str:
    """Colour word-diff marks, keeping them, so the diff also reads where colour is lost."""

    def paint(found: Any) -> str:
        colour = _DELETED_COLOUR if found.group("deleted") is not None else _INSERTED_COLOUR
        return f"{colour}{found.group(0)}{_PLAIN}"

    return DIFF_MARK.sub(paint, line)


def _text(problem: Problem) -> str:
    detail = [f"    {line}" for line in problem.detail]
    if _is_colour_terminal():
        detail = [_colour_diff(line) for line in detail]
    return "\n".join([problem.headline(), *detail])


def _record(problem: Problem) -> dict[str, Any]:
    hint = f"; {problem.hint}" if problem.hint else ""
    return {
        "code": problem.code,
        "file": problem.location.path,
        "line": problem.location.line,
        "column": problem.location.column,
        "fact": problem.fact,
        "message": problem.message + hint,
        "detail": list(problem.detail),
    }


def _github_escape(text: str, *, property_value: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if property_value:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def _github(problem: Problem) -> str:
    where = problem.location
    fields = f"file={_github_escape(where.path, property_value=True)}"
    if where.line:
        fields += f",line={where.line},col={where.column}"
    fields += f",title={_github_escape(problem.code, property_value=True)}"
    who = f"fact '{problem.fact}': " if problem.fact else ""
    hint = f"; {problem.hint}" if problem.hint else ""
    body = "\n".join([who + problem.message + hint, *problem.detail])
    return f"::{problem.severity.value} {fields}::{_github_escape(body)}"


def report(problems: list[Problem], fmt: str, stats: dict[str, int]) -> None:
    """Print problems in the chosen format: text to stderr, machine formats to stdout."""
    if fmt == "json":
        document = {
            "ok": not any(p.is_error for p in problems),
            "errors": [_record(p) for p in problems if p.is_error],
            "warnings": [_record(p) for p in problems if not p.is_error],
            "stats": stats,
        }
        print(json.dumps(document, ensure_ascii=False, indent=2))
    elif fmt == "github":
        for problem in problems:
            print(_github(problem))
    else:
        # Logged at their own severity, so `-q` keeps the errors and drops the warnings.
        for problem in problems:
            log.log(logging.ERROR if problem.is_error else logging.WARNING, "%s", _text(problem))


def _stats(problems: list[Problem], site: Any) -> dict[str, int]:
    if site is None:
        return {"facts": 0, "citations": 0, "sources": 0}
    return {
        "facts": len(site.facts),
        "citations": site.citation_count(),
        "sources": len(site.sources),
    }


def _counts(problems: list[Problem]) -> str:
    errors = sum(p.is_error for p in problems)
    return f"{errors} error(s), {len(problems) - errors} warning(s)"


@contextmanager
def _progress(label: str) -> Iterator[None]:
    """Tick a progress line on a terminal while a step runs past PROGRESS_SECONDS."""
    # `-v` already shows each phase, and a progress line must never end up in a log file.
    if not sys.stderr.isatty() or log.isEnabledFor(logging.DEBUG):
        yield
        return
    done = threading.Event()
    started = time.perf_counter()

    def tick() -> None:
        while not done.wait(PROGRESS_SECONDS):
            print(f"\r{label}… {time.perf_counter() - started:.0f} s", end="", file=sys.stderr)

    ticker = threading.Thread(target=tick, daemon=True)
    ticker.start()
    try:
        yield
    finally:
        done.set()
        ticker.join()
        if time.perf_counter() - started >= PROGRESS_SECONDS:
            print("\r\033[K", end="", file=sys.stderr)


def cmd_check(args: argparse.Namespace) -> int:
    """Check facts and sources without writing anything."""
    with _progress("checking"):
        site, problems = check(_config(args))
    stats = _stats(problems, site)
    report(problems, args.format, stats)
    ok = site is not None and not any(p.is_error for p in problems)
    if args.format == "text":
        verdict = "ok" if ok else "failed"
        log.info(
            "check %s: %s in %d facts, %d citations, %d sources",
            verdict,
            _counts(problems),
            stats["facts"],
            stats["citations"],
            stats["sources"],
        )
    return EXIT_OK if ok else EXIT_PROBLEMS


def _show_build(config: Config, result: BuildResult) -> None:
    """Print a good build's warnings and its one summary line."""
    report(result.warnings, "text", {})
    log.info(
        "built %d pages from %d facts and %d citations in %.2f s -> %s",
        result.pages,
        len(result.site.facts),
        result.site.citation_count(),
        result.seconds,
        config.display(config.out),
    )


def cmd_build(args: argparse.Namespace) -> int:
    """Check, then render the site into the output folder."""
    # Rendering needs Jinja and the theme, which `check` and `coverage` should not wait for.
    from site_gen.build import build

    config = _config(args)
    try:
        with _progress("building"):
            result = build(config)
    except CheckFailed as failed:
        report(failed.problems, "text", {})
        log.error(
            "build failed: %s; %s left as it was",
            _counts(failed.problems),
            config.display(config.out),
        )
        return EXIT_PROBLEMS
    _show_build(config, result)
    return EXIT_OK


def _preview_reporter(config: Config) -> BuildReporter:
    """Return the callback that prints each preview build's outcome."""

    def show(result: BuildResult | None, problems: list[Problem]) -> None:
        if result is not None:
            _show_build(config, result)
            return
        report(problems, "text", {})
        log.error("build failed: %s; every page shows them until they are fixed", _counts(problems))

    return show


def cmd_serve(args: argparse.Namespace) -> int:
    """Build, serve the site with live reload, and rebuild whenever an input changes."""
    # The server pulls in livereload and tornado, which no other command needs.
    from site_gen.serve import Preview

    # The preview lives at the server's root, whatever base URL the published site uses.
    config = Config.for_root(_config(args).root, base_url="/")
    if not args.verbose:
        # Every request, 404 and reload would otherwise scroll the build messages away.
        logging.getLogger("livereload").setLevel(logging.WARNING)
        logging.getLogger("tornado.access").setLevel(logging.ERROR)
    Preview(config, _preview_reporter(config)).serve(args.host, args.port)
    return EXIT_OK


def cmd_init(args: argparse.Namespace) -> int:
    """Create a new site root with one example source and fact, ready to build."""
    target = Path(args.dir)
    written = scaffold.create_project(target)
    log.info(
        "created %s (%d files) with one example source and fact; preview it with: "
        "site-gen serve --root %s",
        target,
        len(written),
        target,
    )
    return EXIT_OK


def cmd_schema(args: argparse.Namespace) -> int:
    """Compare the JSON Schemas in ROOT/schemas/ with site_gen's fields, or write them."""
    config = _config(args)
    folder = config.root / jsonschema.FOLDER
    if args.write:
        for path in jsonschema.write_schemas(folder):
            log.info("wrote %s", config.display(path))
        return EXIT_OK
    stale = jsonschema.stale_schemas(folder)
    for path in stale:
        log.error("%s: out of date; run 'site-gen schema --write'", config.display(path))
    if not stale:
        log.info("%s/ is up to date", config.display(folder))
    return EXIT_PROBLEMS if stale else EXIT_OK


def cmd_coverage(args: argparse.Namespace) -> int:
    """Report, per source, the share of sentences the facts cite, and list the uncited ones."""
    with _progress("checking"):
        site, problems = check(_config(args))
    errors = [p for p in problems if p.is_error]
    report(errors, "text", {})
    if site is None:
        return EXIT_PROBLEMS
    target = site.settings.coverage_target
    below = False
    for entry in site_coverage(site):
        cited = len(entry.sentences) - len(entry.uncited)
        print(
            f"{entry.source.id}: {entry.ratio:.1%} of sentences cited ({cited}/{len(entry.sentences)})"
        )
        for sentence in entry.uncited:
            print(f"    seeds/{entry.source.file}:{sentence.line}: {sentence.text}")
        below = below or entry.ratio < target
    return EXIT_PROBLEMS if errors or below else EXIT_OK


def _levels(default: Any) -> argparse.ArgumentParser:
    """Return the -v and -q options, to share between the program and each command."""
    levels = argparse.ArgumentParser(add_help=False)
    levels.add_argument("-v", "--verbose", action="store_true", default=default, help="show phases")
    levels.add_argument("-q", "--quiet", action="store_true", default=default, help="only errors")
    return levels


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="site-gen", description=__doc__, parents=[_levels(False)])
    # Commands take -v and -q too; SUPPRESS keeps them from undoing a flag given before them.
    levels = _levels(argparse.SUPPRESS)
    commands = parser.add_subparsers(dest="command", required=True)

    def command(
        name: str, handler: Any, help_text: str, *, root: bool = True
    ) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text, parents=[levels])
        if root:
            sub.add_argument("--root", default=".", help="site root folder (default: .)")
        sub.set_defaults(handler=handler)
        return sub

    def cached(sub: argparse.ArgumentParser) -> argparse.ArgumentParser:
        sub.add_argument(
            "--no-cache",
            action="store_true",
            help=f"read every file and verify every quote afresh (same as {cache.SWITCH_VARIABLE}=0)",
        )
        return sub

    build_cmd = cached(command("build", cmd_build, "check the facts, then render the site"))
    build_cmd.add_argument("--out", help="output folder (default: ROOT/output)")
    build_cmd.add_argument("--base-url", help="URL path the site is served under, e.g. /briefing/")
    build_cmd.add_argument("--strict", action="store_true", help="treat warnings as errors")
    check_cmd = cached(
        command("check", cmd_check, "check facts, quotes and numbers; write nothing")
    )
    check_cmd.add_argument("--format", choices=("text", "json", "github"), default="text")
    check_cmd.add_argument("--strict", action="store_true", help="treat warnings as errors")
    cached(command("coverage", cmd_coverage, "show how much of each source the facts cite"))
    serve_cmd = cached(
        command(
            "serve",
            cmd_serve,
            "build into ROOT/output, serve it with live reload, rebuild on changes",
        )
    )
    serve_cmd.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)"
    )
    serve_cmd.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    init_cmd = command(
        "init", cmd_init, "create a new briefing with one example source and fact", root=False
    )
    init_cmd.add_argument("dir", help="folder to create (must be new or empty)")
    schema_cmd = command(
        "schema", cmd_schema, "check or write the JSON Schemas editors use for the YAML files"
    )
    schema_cmd.add_argument("--write", action="store_true", help="write ROOT/schemas/*.json")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run site-gen; return 0 when clean, 1 when the input has problems, 2 for usage errors."""
    args = _parser().parse_args(argv)
    level = logging.DEBUG if args.verbose else logging.ERROR if args.quiet else logging.INFO
    logging.basicConfig(level=level, format="%(message)s", stream=sys.stderr, force=True)
    try:
        with cache.disabled() if getattr(args, "no_cache", False) else nullcontext():
            code: int = args.handler(args)
    except UsageError as exc:
        log.error("error: %s", exc)
        return EXIT_USAGE
    except SiteGenError as exc:
        log.error("error: %s", exc)
        return EXIT_PROBLEMS
    except KeyboardInterrupt:
        log.error("interrupted; the previous output is left as it was")
        return 130
    return code
