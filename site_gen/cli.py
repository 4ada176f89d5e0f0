"""The command line: parse arguments, run a command, print its verdict, return an exit code."""

from __future__ import annotations

import argparse
import importlib.metadata
import logging
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from site_gen import scaffold
from site_gen.config import Config
from site_gen.errors import CheckFailed, Problem, SiteGenError, UsageError
from site_gen.model import Site, jsonschema
from site_gen.pipeline import check_templates, load_and_check
from site_gen.render.views import plural
from site_gen.report import FORMATS, counts, from_workdir, printable, report
from site_gen.sources import adding
from site_gen.sources.loader import refuse_outside
from site_gen.verify.coverage import site_coverage
from site_gen.verify.verdicts import SWITCH_VARIABLE, Verdicts, default_folder

if TYPE_CHECKING:
    from site_gen.pipeline import BuildResult
    from site_gen.preview.server import BuildReporter

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2

DESCRIPTION = (
    "Check a briefing's facts against the verbatim quotes of its sources, then build it into a\n"
    "static HTML site. Run it in a briefing's folder, or name one with --root."
)
EXAMPLES = """\
examples:
  site-gen init my-briefing          start a new briefing
  site-gen check                     check every fact, quote and number; write nothing
  site-gen serve                     preview at http://127.0.0.1:8000/, rebuilt on every save
  site-gen build --base-url /my-briefing/
                                     build output/ for a GitHub Pages project site
  site-gen COMMAND --help            the options of one command
"""

log = logging.getLogger("site_gen")

# A step that takes longer than this shows a ticking progress line on a terminal.
PROGRESS_SECONDS = 1.0


def _config(args: argparse.Namespace) -> Config:
    out = Path(args.out) if getattr(args, "out", None) else None
    config = Config.for_root(
        Path(args.root),
        out,
        base_url=getattr(args, "base_url", None),
        site_url=getattr(args, "site_url", None),
        strict=getattr(args, "strict", False),
    )
    if not config.root.is_dir():
        raise UsageError(f"--root {args.root} is not a folder")
    return config


def _verdicts(args: argparse.Namespace) -> Verdicts:
    """Return the memory of quote verdicts that a command checks with."""
    return Verdicts(None if getattr(args, "no_cache", False) else default_folder())


def _stats(site: Site) -> dict[str, int]:
    return {
        "facts": len(site.facts),
        "citations": site.citation_count(),
        "sources": len(site.sources),
    }


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
    config = _config(args)
    with _progress("checking"):
        site, verification = load_and_check(config, _verdicts(args))
        theme = check_templates(config)
    problems = sorted(verification.problems + theme, key=Problem.sort_key)
    stats = _stats(site)
    shown = from_workdir(problems, config.root) if args.format == "github" else problems
    report(shown, args.format, stats)
    ok = not any(p.is_error for p in problems)
    if args.format == "text":
        log.info(
            "check %s: %s in %s, %s, %s",
            "ok" if ok else "failed",
            counts(problems),
            plural(stats["facts"], "fact"),
            plural(stats["citations"], "citation"),
            plural(stats["sources"], "source"),
        )
    return EXIT_OK if ok else EXIT_PROBLEMS


def _show_build(config: Config, result: BuildResult) -> None:
    """Print a good build's warnings and its one summary line."""
    report(result.warnings, "text", {})
    log.info(
        "built %s from %s and %s in %.2f s -> %s",
        plural(result.pages, "page"),
        plural(len(result.site.facts), "fact"),
        plural(result.site.citation_count(), "citation"),
        result.seconds,
        printable(config.display(config.out)),
    )


def cmd_build(args: argparse.Namespace) -> int:
    """Check, then render the site into the output folder."""
    # Rendering needs Jinja and the theme, which `check` and `coverage` should not wait for.
    from site_gen.pipeline import Memory, build

    config = _config(args)
    try:
        with _progress("building"):
            result = build(config, Memory(_verdicts(args)))
    except CheckFailed as failed:
        report(failed.problems, "text", {})
        log.error(
            "build failed: %s; %s left as it was",
            counts(failed.problems),
            printable(config.display(config.out)),
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
        log.error("build failed: %s; every page shows them until they are fixed", counts(problems))

    return show


def cmd_serve(args: argparse.Namespace) -> int:
    """Build, serve the site with live reload, and rebuild whenever an input changes."""
    # The server pulls in livereload and tornado, which no other command needs.
    from site_gen.pipeline import Memory
    from site_gen.preview.server import Preview

    root = _config(args).root
    if not args.verbose:
        # Every request, 404 and reload would otherwise scroll the build messages away.
        logging.getLogger("livereload").setLevel(logging.WARNING)
        logging.getLogger("tornado.access").setLevel(logging.ERROR)
    # The preview shows drafts, at the server's root whatever base URL and address the
    # published site has: it is built into a folder of its own, removed when the server stops,
    # never into the output that `build` writes for publishing. A stop asked for by `kill`, or
    # by closing the terminal, is as clean as Ctrl+C.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    signal.signal(signal.SIGHUP, signal.default_int_handler)
    with tempfile.TemporaryDirectory(prefix="site-gen-preview-") as folder:
        config = Config.for_root(
            root, Path(folder) / "site", base_url="/", site_url="", drafts=True
        )
        memory = Memory(_verdicts(args))
        Preview(config, _preview_reporter(config), memory).serve(args.host, args.port)
    return EXIT_OK


def cmd_init(args: argparse.Namespace) -> int:
    """Create a new site root with one example source and fact, ready to build."""
    target = Path(args.dir)
    written = scaffold.create_project(target)
    pin, origin = scaffold.requirement()
    if pin is None:
        log.warning(
            "warning: requirements.txt names no site-gen: it was installed from %s, which the "
            "workflows cannot install from; write the line they should install it from, as "
            "requirements.txt says",
            origin,
        )
    log.info(
        "created %s (%d files) with one example source and fact; preview it with: "
        "site-gen serve --root %s",
        target,
        len(written),
        target,
    )
    return EXIT_OK


def cmd_theme_eject(args: argparse.Namespace) -> int:
    """Copy the packaged theme, or one file of it, into ROOT/templates/ for editing."""
    config = _config(args)
    for path in scaffold.eject_theme(config, args.file):
        log.info("wrote %s", config.display(path))
    return EXIT_OK


def cmd_schema(args: argparse.Namespace) -> int:
    """Compare the JSON Schemas in ROOT/schemas/ with site_gen's fields, or write them."""
    config = _config(args)
    folder = config.root / jsonschema.FOLDER
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{config.display(folder)} is a file; move it away to keep the schemas")
    if args.write:
        for path in [folder, *(folder / name for name in jsonschema.rendered_schemas())]:
            refuse_outside(config, path)
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
    """Report, per source, the share of sentences the facts and the lead cite, and list the
    uncited ones."""
    with _progress("checking"):
        site, verification = load_and_check(_config(args), _verdicts(args))
    errors = [p for p in verification.problems if p.is_error]
    report(errors, "text", {})
    target = site.settings.coverage_target
    below = False
    for entry in site_coverage(site, verification.located):
        cited = len(entry.sentences) - len(entry.uncited)
        print(
            f"{entry.source.id}: {entry.ratio:.1%} of sentences cited "
            f"({cited}/{len(entry.sentences)})"
        )
        for sentence in entry.uncited:
            where = printable(f"seeds/{entry.source.file}:{sentence.line}")
            print(f"    {where}: {printable(sentence.text)}")
        below = below or entry.ratio < target
    return EXIT_PROBLEMS if errors or below else EXIT_OK


def cmd_add_source(args: argparse.Namespace) -> int:
    """Copy a text into ROOT/seeds/, pin it, and append a proposed registry entry."""
    added = adding.add_source(_config(args), Path(args.file), args.id)
    if added.copied:
        log.info("copied %s to seeds/%s", printable(args.file), printable(added.name))
    else:
        log.info("seeds/%s already holds these bytes; not copied", printable(added.name))
    log.info("appended source '%s' to seeds/sources.yml:", added.source_id)
    print(added.entry, end="", flush=True)
    log.info("review:")
    for note in added.notes:
        log.info("  %s", printable(note))
    log.info('next: site-gen check; cite it with: site-gen quote %s "a few words"', added.source_id)
    return EXIT_OK


def cmd_quote(args: argparse.Namespace) -> int:
    """Print ready citations of the sentences of a source that hold the given words."""
    found = adding.find_citations(_config(args), args.source, args.words)
    where = f"seeds/{printable(found.source.file)}"
    for passage in found.too_short:
        log.info("%s:%d: too short to cite: %s", where, passage.line, printable(passage.quote))
    if not found.passages:
        why = "are only in passages too short to cite" if found.too_short else "are not verbatim"
        log.error("error: source '%s': the words %s", args.source, why)
        for line in found.closest:
            log.error("    %s", printable(line))
        return EXIT_PROBLEMS
    shown = found.passages[: adding.MAX_SHOWN]
    for passage in shown:
        if len(found.passages) > 1:
            print(f"    # {where}:{passage.line}")
        print(adding.citation_yaml(found.source.id, passage.quote))
    if len(found.passages) > len(shown):
        log.info("and %d more; give more words to narrow it down", len(found.passages) - len(shown))
    return EXIT_OK


def _levels(default: Any) -> argparse.ArgumentParser:
    """Return the -v and -q options, to share between the program and each command."""
    levels = argparse.ArgumentParser(add_help=False)
    levels.add_argument("-v", "--verbose", action="store_true", default=default, help="show phases")
    levels.add_argument("-q", "--quiet", action="store_true", default=default, help="only errors")
    return levels


def _port(text: str) -> int:
    """Read --port: a TCP port a server can listen on."""
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port from 1 to 65535")
    return int(text)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="site-gen",
        description=DESCRIPTION,
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        parents=[_levels(False)],
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    # Commands take -v and -q too; SUPPRESS keeps them from undoing a flag given before them.
    levels = _levels(argparse.SUPPRESS)
    rooted = argparse.ArgumentParser(add_help=False, parents=[levels])
    rooted.add_argument("--root", default=".", help="site root folder (default: .)")
    cached = argparse.ArgumentParser(add_help=False, parents=[rooted])
    cache_help = f"verify every quote afresh (same as {SWITCH_VARIABLE}=0)"
    cached.add_argument("--no-cache", action="store_true", help=cache_help)
    commands = parser.add_subparsers(dest="command", required=True)

    def command(
        name: str, handler: Any, help_text: str, options: argparse.ArgumentParser
    ) -> argparse.ArgumentParser:
        """Add a command whose options start with those of `options`: -v and -q, maybe more."""
        sub = commands.add_parser(name, help=help_text, description=help_text, parents=[options])
        sub.set_defaults(handler=handler)
        return sub

    build_cmd = command("build", cmd_build, "check the facts, then render the site", cached)
    build_cmd.add_argument("--out", help="output folder (default: ROOT/output)")
    build_cmd.add_argument("--base-url", help="URL path the site is served under, e.g. /briefing/")
    build_cmd.add_argument(
        "--site-url",
        help="full address the site is published at, e.g. https://owner.github.io/briefing/;"
        " overrides site.yml's site_url",
    )
    build_cmd.add_argument("--strict", action="store_true", help="treat warnings as errors")
    check_help = "check facts, quotes, numbers and templates; write nothing"
    check_cmd = command("check", cmd_check, check_help, cached)
    check_cmd.add_argument(
        "--format",
        choices=FORMATS,
        default="text",
        help="text for people (default), json for tools, github for annotations in a workflow",
    )
    check_cmd.add_argument("--strict", action="store_true", help="treat warnings as errors")
    command("coverage", cmd_coverage, "show how much of each source the briefing cites", cached)
    serve_help = "build into a temporary folder, serve it with live reload, rebuild on changes"
    serve_cmd = command("serve", cmd_serve, serve_help, cached)
    serve_cmd.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)"
    )
    serve_cmd.add_argument("--port", type=_port, default=8000, help="port (default: 8000)")
    init_help = "create a new briefing with one example source and fact"
    init_cmd = command("init", cmd_init, init_help, levels)
    init_cmd.add_argument("dir", help="folder to create (must be new or empty)")
    schema_help = "check or write the JSON Schemas editors use for the YAML files"
    schema_cmd = command("schema", cmd_schema, schema_help, rooted)
    schema_cmd.add_argument("--write", action="store_true", help="write ROOT/schemas/*.json")
    add_help = "copy a text into seeds/, pin its sha256, and propose its title, date and publisher"
    add_cmd = command("add-source", cmd_add_source, add_help, rooted)
    add_cmd.add_argument("file", help="the source text, UTF-8, copied byte for byte")
    add_cmd.add_argument("--id", help="source id (default: from its publisher or title, and date)")
    quote_help = "print a ready citation of the sentence of a source holding some words"
    quote_cmd = command("quote", cmd_quote, quote_help, rooted)
    quote_cmd.add_argument("source", help="a source id from seeds/sources.yml")
    quote_cmd.add_argument("words", help="a few words of the passage, as the source has them")
    theme_help = "work with the packaged theme that the site builds with"
    theme_cmd = commands.add_parser(
        "theme", help=theme_help, description=theme_help, parents=[levels]
    )
    eject_help = "copy the packaged theme, or one file of it, into ROOT/templates/ for editing"
    eject_cmd = theme_cmd.add_subparsers(dest="action", required=True).add_parser(
        "eject", help=eject_help, description=eject_help, parents=[rooted]
    )
    eject_cmd.add_argument(
        "file", nargs="?", help="one file, e.g. timeline.html or assets/style.css (default: all)"
    )
    eject_cmd.set_defaults(handler=cmd_theme_eject)
    return parser


def _version() -> str:
    """Return the installed version, as the package metadata gives it."""
    try:
        return importlib.metadata.version("site-gen")
    except importlib.metadata.PackageNotFoundError:
        return "unknown (not installed)"


def main(argv: Sequence[str] | None = None) -> int:
    """Run site-gen; return 0 when clean, 1 when the input has problems, 2 for usage errors."""
    args = _parser().parse_args(argv)
    level = logging.DEBUG if args.verbose else logging.ERROR if args.quiet else logging.INFO
    logging.basicConfig(level=level, format="%(message)s", stream=sys.stderr, force=True)
    try:
        code: int = args.handler(args)
    except (UsageError, OSError) as exc:
        # OSError: the file system refused a path the user gave (too long, below a file, no access).
        log.error("error: %s", printable(str(exc)))
        return EXIT_USAGE
    except SiteGenError as exc:
        log.error("error: %s", printable(str(exc)))
        return EXIT_PROBLEMS
    except KeyboardInterrupt:
        log.error("interrupted; the previous output is left as it was")
        return 130
    return code
