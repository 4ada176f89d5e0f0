"""The command line: parse arguments, run a command, print its verdict, return an exit code."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from site_gen.build import build, check
from site_gen.config import Config
from site_gen.coverage import site_coverage
from site_gen.errors import CheckFailed, Problem, SiteGenError, UsageError

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2

log = logging.getLogger("site_gen")


def _config(args: argparse.Namespace) -> Config:
    root = Path(args.root)
    if not root.is_dir():
        raise UsageError(f"--root {root} is not a folder")
    out = Path(args.out) if getattr(args, "out", None) else None
    return Config.for_root(
        root, out, base_url=getattr(args, "base_url", None), strict=getattr(args, "strict", False)
    )


def _text(problem: Problem) -> str:
    return "\n".join([problem.headline(), *(f"    {line}" for line in problem.detail)])


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
        for problem in problems:
            print(_text(problem), file=sys.stderr)


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


def cmd_check(args: argparse.Namespace) -> int:
    """Check facts and sources without writing anything."""
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


def cmd_build(args: argparse.Namespace) -> int:
    """Check, then render the site into the output folder."""
    config = _config(args)
    try:
        result = build(config)
    except CheckFailed as failed:
        report(failed.problems, "text", {})
        log.error(
            "build failed: %s; %s left as it was",
            _counts(failed.problems),
            config.display(config.out),
        )
        return EXIT_PROBLEMS
    report(result.warnings, "text", {})
    for phase, seconds in result.timings.items():
        log.debug("phase %s: %.3f s", phase, seconds)
    log.info(
        "built %d pages from %d facts and %d citations in %.2f s -> %s",
        result.pages,
        len(result.site.facts),
        result.site.citation_count(),
        result.seconds,
        config.display(config.out),
    )
    return EXIT_OK


def cmd_coverage(args: argparse.Namespace) -> int:
    """Report, per source, the share of sentences the facts cite, and list the uncited ones."""
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


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="site-gen", description=__doc__)
    parser.add_argument("-v", "--verbose", action="store_true", help="show phases and their times")
    parser.add_argument("-q", "--quiet", action="store_true", help="print only errors")
    commands = parser.add_subparsers(dest="command", required=True)

    def command(name: str, handler: Any, help_text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text)
        sub.add_argument("--root", default=".", help="site root folder (default: .)")
        sub.set_defaults(handler=handler)
        return sub

    build_cmd = command("build", cmd_build, "check the facts, then render the site")
    build_cmd.add_argument("--out", help="output folder (default: ROOT/output)")
    build_cmd.add_argument("--base-url", help="URL path the site is served under, e.g. /briefing/")
    build_cmd.add_argument("--strict", action="store_true", help="treat warnings as errors")
    check_cmd = command("check", cmd_check, "check facts, quotes and numbers; write nothing")
    check_cmd.add_argument("--format", choices=("text", "json", "github"), default="text")
    check_cmd.add_argument("--strict", action="store_true", help="treat warnings as errors")
    command("coverage", cmd_coverage, "show how much of each source the facts cite")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run site-gen; return 0 when clean, 1 when the input has problems, 2 for usage errors."""
    args = _parser().parse_args(argv)
    level = logging.DEBUG if args.verbose else logging.ERROR if args.quiet else logging.INFO
    logging.basicConfig(level=level, format="%(message)s", stream=sys.stderr, force=True)
    try:
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
