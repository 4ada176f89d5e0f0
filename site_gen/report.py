"""Problems as people and machines read them: text for a terminal, JSON, and GitHub annotations."""

from __future__ import annotations

import json
import logging
import os
import posixpath
import sys
import unicodedata
from dataclasses import replace
from pathlib import Path
from typing import Any

from site_gen.errors import Location, Problem
from site_gen.render.views import plural
from site_gen.verify.suggest import DIFF_MARK

log = logging.getLogger("site_gen")

FORMATS = ("text", "json", "github")
# Word-diff colours for a terminal: red for what only the quote has, green for the source.
_DELETED_COLOUR, _INSERTED_COLOUR, _PLAIN = "\033[31m", "\033[32m", "\033[0m"


def printable(text: str) -> str:
    """Escape what could move a terminal's cursor or start a new line in a log or an annotation.

    Names, ids, keys and values in messages come from untrusted files (and file names): a newline
    could forge a line that GitHub reads as a workflow command, an escape code could rewrite the
    terminal. Controls, line and paragraph separators, format characters (bidirectional
    overrides), lone surrogates (a file name that is not UTF-8) and noncharacters are written as
    Python escapes.
    """
    if text.isprintable():
        return text
    return "".join(
        char
        if char.isprintable() and unicodedata.category(char) != "Cf"
        else char.encode("unicode_escape", "backslashreplace").decode("ascii")
        for char in text
    )


def printable_problem(problem: Problem) -> Problem:
    """Return the problem with every part it shows made printable (see printable)."""
    where = problem.location
    return replace(
        problem,
        message=printable(problem.message),
        location=Location(printable(where.path), where.line, where.column),
        fact=printable(problem.fact) if problem.fact is not None else None,
        hint=printable(problem.hint),
        detail=tuple(printable(line) for line in problem.detail),
    )


def _colour_diff(line: str) -> str:
    """Colour word-diff marks, keeping them, so the diff also reads where colour is lost."""

    def paint(found: Any) -> str:
        colour = _DELETED_COLOUR if found.group("deleted") is not None else _INSERTED_COLOUR
        return f"{colour}{found.group(0)}{_PLAIN}"

    return DIFF_MARK.sub(paint, line)


def as_text(problem: Problem) -> str:
    """Return a problem's headline and its detail lines, indented under it.

    No line starts with "::", which GitHub would read as a workflow command: only the github
    format writes those.
    """
    problem = printable_problem(problem)
    lines = [problem.headline(), *(f"    {line}" for line in problem.detail)]
    lines = [":\\:" + line[2:] if line.startswith("::") else line for line in lines]
    # Coloured only on a terminal that wants colour (see no-color.org).
    if sys.stderr.isatty() and "NO_COLOR" not in os.environ:
        lines = lines[:1] + [_colour_diff(line) for line in lines[1:]]
    return "\n".join(lines)


def as_record(problem: Problem) -> dict[str, Any]:
    """Return a problem as one entry of the JSON report."""
    problem = printable_problem(problem)
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


def as_github(problem: Problem) -> str:
    """Return a problem as a GitHub Actions workflow command, which annotates the file."""
    problem = printable_problem(problem)
    where = problem.location
    fields = f"file={_github_escape(where.path, property_value=True)}"
    if where.line:
        fields += f",line={where.line},col={where.column}"
    fields += f",title={_github_escape(problem.code, property_value=True)}"
    who = f"fact '{problem.fact}': " if problem.fact else ""
    hint = f"; {problem.hint}" if problem.hint else ""
    body = "\n".join([who + problem.message + hint, *problem.detail])
    return f"::{problem.severity.value} {fields}::{_github_escape(body)}"


def from_workdir(problems: list[Problem], root: Path) -> list[Problem]:
    """Return the problems with each path relative to the current folder, not to the site root.

    GitHub reads an annotation's file from the repository's root, where a workflow runs, and a
    briefing may sit in a subfolder of the repository. A root outside the current folder is in
    no repository GitHub could map it to: its paths stay as they are.
    """
    prefix = Path(os.path.relpath(root)).as_posix()
    if prefix == "." or prefix.split("/", 1)[0] == "..":
        return problems
    return [
        problem
        if posixpath.isabs(problem.location.path)
        else replace(
            problem,
            location=problem.location._replace(
                path=posixpath.normpath(posixpath.join(prefix, problem.location.path))
            ),
        )
        for problem in problems
    ]


def report(problems: list[Problem], fmt: str, stats: dict[str, int]) -> None:
    """Print problems in the chosen format: text to stderr, machine formats to stdout."""
    if fmt == "json":
        document = {
            "ok": not any(p.is_error for p in problems),
            "errors": [as_record(p) for p in problems if p.is_error],
            "warnings": [as_record(p) for p in problems if not p.is_error],
            "stats": stats,
        }
        print(json.dumps(document, ensure_ascii=False, indent=2))
    elif fmt == "github":
        for problem in problems:
            print(as_github(problem))
    else:
        # Logged at their own severity, so `-q` keeps the errors and drops the warnings.
        for problem in problems:
            log.log(logging.ERROR if problem.is_error else logging.WARNING, "%s", as_text(problem))


def counts(problems: list[Problem]) -> str:
    """Return '2 errors, 1 warning' for a summary line."""
    errors = sum(p.is_error for p in problems)
    return f"{plural(errors, 'error')}, {plural(len(problems) - errors, 'warning')}"
