"""Every regular expression that runs on input runs in linear time.

The issue: "Every regular expression that runs on input is linear-time, or is bounded before it
runs." Every compiled pattern of site_gen/ sees input: YAML values, source texts, quotes, site
settings, theme files, messages built from input, served pages. Each one is run here, with the
API of its call sites, over adversarial inputs of SIZE characters, under LIMIT seconds:

- every character and every pair of characters of POOL, repeated: one character of each class
  that the pattern can tell apart (see _distinct), so the sweep is as strong as the whole pool;
- SHAPES, the known attacks: a long run of a prefix, then one character that makes it fail.

A linear pattern takes milliseconds on 50,000 characters; a quadratic one, seconds. PyYAML's
implicit resolvers run on every plain scalar read, so they are held to the same rule.
test_every_pattern_in_site_gen_is_tested keeps CASES complete.
"""

from __future__ import annotations

import ast
import math
import re
import signal
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from re import _constants as sre
from re import _parser as sre_parse
from typing import Any

import pytest

from site_gen.preview import server
from site_gen.render import markdown, templates, views
from site_gen.sources import adding, loader, reader
from site_gen.sources import yaml as site_yaml
from site_gen.verify import checks, coverage, numbers, quotes, reading, references, suggest, wording

PACKAGE = Path(__file__).resolve().parent.parent / "site_gen"

# Inputs this long take a linear pattern a few milliseconds (10 at most, on a loaded 2-core
# machine), and a quadratic one from a second to minutes.
SIZE = 50_000
# Generous for linear time, yet below the cheapest quadratic found: server._BODY_TAG took 0.4 to
# 0.9 s on 50,000 characters of "<body", so a limit of 1 s would let it pass.
LIMIT = 0.25
# A run this slow is stopped (re checks for signals while it matches), so a failure costs seconds.
CAP = 2.0
# A run over the limit is retried: only a pattern that is slow every time fails, not a busy machine.
ATTEMPTS = 3


@dataclass(frozen=True)
class Case:
    """One compiled pattern and how its call sites run it."""

    name: str
    pattern: re.Pattern[Any]
    # The call sites' API. A pattern used with search and with finditer, findall or sub is timed
    # with the latter: search does a prefix of the same work.
    api: str
    # What it runs on, to read the table; site_gen patterns are found by `source` (see the
    # completeness test): "module.NAME", NAME being the module-level name that holds it.
    runs_on: str
    source: str = ""

    def run(self, text: str | bytes) -> None:
        pattern = self.pattern
        empty = text[:0]
        if self.api == "match":
            pattern.match(text)
        elif self.api == "fullmatch":
            pattern.fullmatch(text)
        elif self.api == "search":
            pattern.search(text)
        elif self.api == "finditer":
            for _ in pattern.finditer(text):
                pass
        elif self.api == "findall":
            pattern.findall(text)
        elif self.api == "sub":
            pattern.sub(empty, text)
        elif self.api == "subn-once":
            pattern.subn(empty, text, count=1)
        else:
            raise ValueError(self.api)

    def subject(self, text: str) -> str | bytes:
        return text.encode() if isinstance(self.pattern.pattern, bytes) else text

    @property
    def anchored(self) -> bool:
        return self.api in ("match", "fullmatch")


def _case(module: Any, name: str, api: str, runs_on: str) -> Case:
    short = module.__name__.removeprefix("site_gen.")
    return Case(f"{short}.{name}", getattr(module, name), api, runs_on, f"{short}.{name}")


CASES = [
    _case(markdown, "_MARKDOWN_SYNTAX", "search", "fact texts and other Markdown values"),
    _case(markdown, "_ONE_PARAGRAPH", "match", "sanitized HTML of a Markdown value"),
    _case(markdown, "_LINK", "finditer", "Markdown values, before rendering"),
    _case(adding, "_DATE", "finditer", "source texts, for add-source"),
    _case(adding, "_DATELINE", "search", "the first lines of a source text"),
    _case(adding, "_SOURCE_LINE", "finditer", "source texts"),
    _case(adding, "_COPYRIGHT", "finditer", "source texts"),
    _case(adding, "_SIGN_OFF", "match", "the last line of a source text"),
    _case(adding, "_ID", "fullmatch", "--id of add-source"),
    _case(adding, "_SLUG_WORD", "findall", "a source's publisher or title"),
    _case(markdown, "_STRAY_BRACKET", "sub", "Markdown values between links"),
    _case(views, "_NEWLINE", "finditer", "source texts"),
    _case(templates, "_CSS_COMMENT", "sub", "the theme's stylesheets"),
    _case(templates, "_CSS_SPACE", "sub", "each line of the theme's stylesheets"),
    _case(loader, "BASE_URL", "fullmatch", "base_url of site.yml and --base-url"),
    _case(loader, "SITE_URL", "fullmatch", "site_url of site.yml and --site-url"),
    Case(
        "sources.loader._SOURCE_URL_RULES[url]",
        loader._SOURCE_URL_RULES[0][1],
        "fullmatch",
        "url of a source in seeds/sources.yml",
        "sources.loader._SOURCE_URL_RULES",
    ),
    Case(
        "sources.loader._LANGUAGE_RULES[language]",
        loader._LANGUAGE_RULES[0][1],
        "fullmatch",
        "language of site.yml",
        "sources.loader._LANGUAGE_RULES",
    ),
    _case(reader, "_ID", "fullmatch", "ids and references (at most 200 characters)"),
    _case(reader, "_DATE", "fullmatch", "date values"),
    _case(reader, "_LINK_TARGET", "finditer", "Markdown values with a bracket or an angle bracket"),
    _case(reader, "_DEEP_NESTING", "search", "Markdown values"),
    _case(reader, "_SCHEME", "match", "link targets found in Markdown values"),
    _case(reader, "_HTML_TAG", "finditer", "Markdown values with an angle bracket"),
    _case(reader, "_ATTRIBUTE_VALUE", "sub", "what follows an HTML tag's name in a Markdown value"),
    _case(
        reader, "_TICKS_OR_BREAK", "finditer", "Markdown values with a link or tag and a backtick"
    ),
    _case(reader, "_IMAGE", "search", "Markdown values with a bracket or an angle bracket"),
    _case(reader, "_CHARACTER_REFERENCE", "findall", "YAML strings with '&#'"),
    _case(site_yaml, "FORBIDDEN", "sub", "every YAML string and source text (search, sub)"),
    _case(site_yaml, "_QUOTED_VALUE", "match", "lines near a YAML syntax error"),
    _case(checks, "_MIXED_SCRIPT", "search", "what pages show of a fact, folded, if not ASCII"),
    _case(site_yaml, "_PLAIN_VALUE", "match", "the line of a ': ' where no key may start"),
    _case(coverage, "_SENTENCE_END", "finditer", "each line of a source text"),
    _case(coverage, "_ABBREVIATION", "search", "a source line up to each sentence end"),
    _case(quotes, "_TYPOGRAPHIC", "sub", "source texts and quotes"),
    _case(quotes, "_INVISIBLE", "sub", "source texts and quotes (search, sub)"),
    _case(quotes, "_SPECIAL", "finditer", "source texts with invisible characters"),
    _case(quotes, "_SPECIAL_SPARSE", "finditer", "source texts without invisible characters"),
    _case(quotes, "_WORD", "findall", "quotes and fragments (findall, finditer, search)"),
    _case(quotes, "_NUMBER", "findall", "quotes, passages, omitted source text (and search)"),
    _case(quotes, "_NUMBER_WORD", "search", "source text that an omission leaves out"),
    _case(quotes, "_NEGATION", "finditer", "quotes, passages, omitted source text (findall)"),
    _case(quotes, "_REVERSAL", "findall", "the wording lint's case-folded texts and quotes"),
    _case(quotes, "_ADDED_REVERSAL", "findall", "the wording lint's case-folded texts and titles"),
    _case(quotes, "_SIC", "sub", "quotes"),
    _case(quotes, "_BRACKETED_LETTER", "finditer", "quotes"),
    _case(quotes, "_OMISSION", "finditer", "quotes"),
    _case(quotes, "_NUMBER_GOES_ON", "match", "source texts after a match that ends on a digit"),
    _case(quotes, "_THOUSANDS_GROUP", "match", "quotes that start with a digit"),
    _case(quotes, "_PARAGRAPH_END", "search", "source text that an omission leaves out"),
    _case(quotes, "_DOUBT", "search", "source text that an omission leaves out"),
    _case(quotes, "_HEDGE", "search", "source text that an omission leaves out"),
    _case(quotes, "_NEGATION_BEFORE", "search", "the source just before a match"),
    _case(quotes, "_NEGATION_AFTER", "match", "the source just after a match"),
    _case(quotes, "_QUALIFIER_BEFORE", "search", "the source just before a match's number"),
    _case(quotes, "_LEADING_NUMBER", "match", "the source just after a match or an omission"),
    _case(quotes, "_RANGE_BEFORE", "search", "the source just before a match's number"),
    _case(numbers, "_NUMBER", "findall", "fact texts and quotes"),
    _case(numbers, "_DIGITS", "search", "fact texts"),
    _case(numbers, "_DIGITS", "findall", "dates in fact texts"),
    _case(numbers, "_MONTH_NAME", "search", "dates in fact texts"),
    _case(numbers, "_DATE", "sub", "fact texts"),
    _case(numbers, "_URL", "sub", "fact texts"),
    _case(numbers, "_DESIGNATION", "sub", "fact texts"),
    _case(numbers, "_MULTIPLIER", "match", "fact texts and quotes after each number"),
    _case(numbers, "_WEEKDAY", "findall", "fact texts and their quotes"),
    _case(numbers, "_WORDS_RUN", "finditer", "quotes, and fact texts folded (with round words)"),
    _case(reading, "ATTRIBUTION", "findall", "fact texts and quotes, folded (and search)"),
    _case(wording, "_QUALIFIER", "search", "the words before a number in a text or quote"),
    _case(reading, "_ARTICLE", "sub", "names and aliases, folded"),
    _case(reading, "_MARKUP", "sub", "fact texts and quotes, before folding"),
    _case(wording, "_SENTENCE_END", "finditer", "fact texts, folded (and search)"),
    _case(checks, "_ROLE_MODIFIER", "search", "a case-folded quote before each place of a role"),
    _case(checks, "_REPORTING", "search", "the shown text of a fact dated by its report"),
    _case(reading, "_SOURCE_SENTENCE_END", "finditer", "source text around a quote (and search)"),
    _case(wording, "_NUMBER_IN_WORDS", "finditer", "fact texts and titles, folded"),
    _case(wording, "_STATUS_WORDS", "finditer", "the quotes of a reform with a status, folded"),
    _case(wording, "_STATUS_DENIED", "search", "the words of a quote before a status word"),
    _case(wording, "_GOVERNED", "finditer", "fact texts, folded, with a title, label or about"),
    _case(wording, "_ENDING", "sub", "each word of a title and of the words a negation governs"),
    _case(wording, "_WORD", "findall", "titles, labels and abouts, folded"),
    _case(wording, "_HEDGE_WORDS", "finditer", "quotes, folded"),
    _case(wording, "_MAY", "search", "a quote with a 'may' in it, case kept"),
    Case(
        "verify.wording._KEPT_HEDGE[doubt]",
        wording._KEPT_HEDGE["doubt"],
        "search",
        "fact texts, case kept, where a quote doubts",
        "verify.wording._KEPT_HEDGE",
    ),
    Case(
        "verify.wording._KEPT_HEDGE[intent]",
        wording._KEPT_HEDGE["intent"],
        "search",
        "fact texts, case kept, where a quote intends",
        "verify.wording._KEPT_HEDGE",
    ),
    _case(wording, "_QUANTIFIER", "findall", "fact texts, titles, labels and abouts, folded"),
    _case(wording, "_COUNTED", "match", "fact texts, folded, after a number"),
    _case(reading, "CAPITALIZED", "finditer", "fact texts and titles, case kept"),
    _case(reading, "_WORD_START", "finditer", "source text around an attribution word"),
    _case(reading, "_BETWEEN", "search", "the text before a verb of saying"),
    _case(reading, "_JOINED", "search", "the text before a speaker's name"),
    _case(reading, "_RELATIVE_CLAUSE", "sub", "source text after a quote, in its sentence"),
    _case(reading, "_POSSESSIVE", "sub", "each capitalized word of a text"),
    _case(wording, "_YEAR", "fullmatch", "the digits of each number of a quote"),
    _case(suggest, "DIFF_MARK", "finditer", "problem detail lines: YAML lines, passages (sub)"),
    _case(suggest, "_WORD", "finditer", "quotes and normalized source texts (findall)"),
    _case(suggest, "_SENTENCE_END", "search", "source text between two words"),
    _case(references, "_WORD", "findall", "labels of records"),
    _case(server, "_BODY_TAG", "search", "served pages, built from the theme and the facts"),
    _case(server, "_HEAD_END", "subn-once", "served pages, built from the theme and the facts"),
]


def _pyyaml_resolvers() -> list[Case]:
    """PyYAML's implicit resolvers: regexp.match on every plain scalar, before any length check."""
    cases: dict[int, Case] = {}
    for resolvers in site_yaml._Loader.yaml_implicit_resolvers.values():
        for tag, pattern in resolvers:
            name = f"pyyaml:{tag.rsplit(':', 1)[-1]}"
            cases.setdefault(id(pattern), Case(name, pattern, "match", "plain YAML scalars"))
    return list(cases.values())


ALL_CASES = CASES + _pyyaml_resolvers()

# Compiled patterns of site_gen/ that never see input, with the reason. None: all of them do.
NEVER_INPUT: dict[str, str] = {}

# The letters of "https", "sic", "not" and the month names, which patterns spell out.
_SPELLED = "https sic not January February March April May June July August September October"
_SPELLED += " November December"
# Characters that the patterns treat specially, and some that none names: kinds of whitespace,
# punctuation and typographic quotes, digits, letters (ASCII, non-ASCII, spelled out), the
# invisible characters that quotes.py deletes, a control character that FORBIDDEN finds.
POOL = "".join(
    dict.fromkeys(
        " \n\t\r\xa0"
        + ".,;:!?-/\\[](){}<>+*_`#&~=\"'’‘“”…"
        + "0159"
        + "aAzZé"
        + _SPELLED.replace(" ", "")
        + "\u200b\u00ad"
        + "\x01"
    )
)

_CATEGORIES = {
    sre.CATEGORY_DIGIT: r"\d",
    sre.CATEGORY_NOT_DIGIT: r"\D",
    sre.CATEGORY_SPACE: r"\s",
    sre.CATEGORY_NOT_SPACE: r"\S",
    sre.CATEGORY_WORD: r"\w",
    sre.CATEGORY_NOT_WORD: r"\W",
}


def _atoms(parsed: Any, found: set[str]) -> set[str]:
    """Collect, as small regexes, every test that the parsed pattern makes of one character."""
    for op, arg in parsed:
        if op is sre.LITERAL:
            found.add(re.escape(chr(arg)))
        elif op is sre.NOT_LITERAL:
            found.add(f"[^{re.escape(chr(arg))}]")
        elif op is sre.ANY:
            found.add(".")
        elif op is sre.IN:
            found.add("[" + "".join(_set_item(item_op, item) for item_op, item in arg) + "]")
        elif op is sre.BRANCH:
            for branch in arg[1]:
                _atoms(branch, found)
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
            _atoms(arg[2], found)
        elif op is sre.SUBPATTERN:
            _atoms(arg[3], found)
        elif op in (sre.ASSERT, sre.ASSERT_NOT):
            _atoms(arg[1], found)
        elif op is sre.ATOMIC_GROUP:
            _atoms(arg, found)
        elif op is not sre.AT:  # Anchors and boundaries test only \w and "\n", added always.
            raise NotImplementedError(f"teach _atoms the regex operator {op}")
    return found


def _set_item(op: Any, arg: Any) -> str:
    if op is sre.NEGATE:
        return "^"
    if op is sre.LITERAL:
        return re.escape(chr(arg))
    if op is sre.RANGE:
        return f"{re.escape(chr(arg[0]))}-{re.escape(chr(arg[1]))}"
    if op is sre.CATEGORY:
        return _CATEGORIES[arg]
    raise NotImplementedError(f"teach _set_item the set operator {op}")


def _distinct(pattern: re.Pattern[Any]) -> str:
    """Return one character of POOL per class the pattern cannot tell apart.

    Two characters that every literal, set, category, \\b (through \\w) and anchor (through "\\n")
    of the pattern treats alike are interchangeable in any input: sweeping one of them is
    sweeping both.
    """
    source = pattern.pattern
    flags = pattern.flags & (re.IGNORECASE | re.DOTALL | re.MULTILINE | re.ASCII)
    if isinstance(source, bytes):
        source, flags = source.decode("latin-1"), flags | re.ASCII
    atoms = _atoms(sre_parse.parse(source, pattern.flags & re.VERBOSE | flags), {r"\w", "\n"})
    tests = [re.compile(atom, flags) for atom in sorted(atoms)]
    classes: dict[tuple[bool, ...], str] = {}
    for char in POOL:
        classes.setdefault(tuple(bool(test.fullmatch(char)) for test in tests), char)
    return "".join(classes.values())


def _run_of(before: str, unit: str, after: str) -> tuple[str, str]:
    """Return the text before + unit repeated + after, SIZE characters long, and its label."""
    count = (SIZE - len(before) - len(after)) // len(unit)
    label = " + ".join(
        [repr(before)] * bool(before) + [f"{unit!r} * {count:,}"] + [repr(after)] * bool(after)
    )
    return label, before + unit * count + after


SHAPES = [
    _run_of(*shape)
    for shape in [
        # (before, unit, after). Runs of whitespace, then what fails a match.
        ("(A)", " ", "x"),
        ("", " ", "x"),
        ("", "\n", "x"),
        ("", "\t", "x"),
        ("", "\xa0", "x"),
        ("", " \n", "x"),
        ("", "\n ", "x"),
        ("\n", " ", "x"),
        ("", "\n\t", "1"),
        ("", "\n \r", "x"),
        # Paths and URLs: loader.BASE_URL, _URL_RULES, numbers._URL.
        ("", "a/", "!"),
        ("", "a.", "!"),
        ("", "a-", "!"),
        ("/", "a", "/!"),
        ("https://", "a.", "!"),
        ("https://a", "/a", " "),
        ("https://a:", "0", "!"),
        ("", "https://", ""),
        ("", "](", ""),
        ("](", "(", ""),
        ("](", "]", ""),
        # Ids and dates: reader._ID, reader._DATE.
        ("", "a-", "-"),
        ("", "0-", "x"),
        ("", "0", "-"),
        # Word-diff marks: suggest.DIFF_MARK.
        ("", "[-", ""),
        ("", "{+", ""),
        ("[-", "x", "-"),
        ("{+", "x", "+"),
        ("[-", "-", ""),
        ("{+", "+", ""),
        # Sentence ends: coverage.
        ("", "A. ", ""),
        ("", "Mr. A ", ""),
        ("", "U.S. ", ""),
        (".", " ", "x"),
        (".", '"', "x"),
        ("", '."', ""),
        ("", ".) ", ""),
        # Dates, numbers and designations: numbers, quotes.
        ("", "May ", ""),
        ("May", " ", "x"),
        ("", "1 May ", ""),
        ("1", " ", "May"),
        ("", "Sept. ", ""),
        ("", "January 1, ", ""),
        ("", "1st ", ""),
        ("", "2020-", ""),
        ("", "1,", ","),
        ("", "1.", "."),
        ("", "1", "!"),
        ("", "a", "-!"),
        ("", "a-1", ""),
        ("", "a1-", ""),
        ("", "S-300 ", ""),
        # Words, negations and editorial marks: quotes, suggest.
        ("", "a'", "!"),
        ("", "a'b,", ""),
        ("", "don't ", ""),
        ("", "not ", ""),
        ("", "nothing ", ""),
        ("", "[sic]", ""),
        ("", " [sic]", ""),
        ("", "[sic", ""),
        ("", "[a]", ""),
        ("[", ".", "x"),
        ("(", ".", "x"),
        ("[ ", ".", " x"),
        ("", "[...] ", ""),
        ("", "… ", ""),
        ("", "\u200b ", ""),
        ("", "\xad", ""),
        # Markdown syntax: markdown.
        ("", "- ", ""),
        ("", "1. ", ""),
        ("\n", "1", "x"),
        ("", "\n1", ""),
        ("<p>", "</p>", "x"),
        ("<p>", "x", ""),
        # Stylesheets: templates.
        ("", "/*a", ""),
        ("/*", "a", ""),
        ("/*", "*", ""),
        ("", "a:", ""),
        ("", "a {", ""),
        ("a", " ", "{x"),
        # Pages: server.
        ("", "<body", ""),
        ("", "<body ", ""),
        ("<body ", "a", ""),
        ("", "</head", ""),
        ("</head", " ", "x"),
        # YAML scalars: PyYAML's resolvers.
        ("", "1_", "!"),
        ("1", ":5", "!"),
        ("-1", ":55", "!"),
        ("0x", "f", "!"),
        ("0b", "1", "!"),
        ("1", "_", ":"),
        (".", "1", "e+"),
        ("1.", "0", "e+!"),
        # Control characters: FORBIDDEN.
        ("", "\x01", ""),
    ]
]


class _Stopped(Exception):
    """Raised by the timer's alarm inside a run that went past CAP."""


@contextmanager
def _alarm() -> Iterator[None]:
    def stop(signum: int, frame: Any) -> None:
        raise _Stopped

    previous = signal.signal(signal.SIGALRM, stop)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _seconds(run: Callable[[], object]) -> float:
    """Time one run, stopping it at CAP; call inside _alarm()."""
    started = time.perf_counter()
    signal.setitimer(signal.ITIMER_REAL, CAP)
    try:
        run()
    except _Stopped:
        return math.inf
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    return time.perf_counter() - started


def assert_fast(what: str, shape: str, run: Callable[[], object], limit: float = LIMIT) -> None:
    """Fail unless one of ATTEMPTS runs takes less than limit; name the shape, not the input."""
    best = math.inf
    for _ in range(ATTEMPTS):
        seconds = _seconds(run)
        best = min(best, seconds)
        if best < limit or seconds == math.inf:
            break
    if best >= limit:
        took = f"more than {CAP} s (stopped)" if best == math.inf else f"{best:.2f} s"
        pytest.fail(f"{what} took {took} on {shape}; the limit is {limit} s", pytrace=False)


def _inputs(case: Case) -> Iterator[tuple[str, str]]:
    """Yield (label, text): the character sweep, then SHAPES."""
    chars = _distinct(case.pattern)
    for i, first in enumerate(chars):
        # An anchored pattern reads "ab" repeated and "ba" repeated differently; a search does
        # not, as they differ only by where they start.
        for second in chars if case.anchored else chars[i:]:
            unit = first if first == second else first + second
            yield _run_of("", unit, "")
    yield from SHAPES


@pytest.mark.parametrize("case", ALL_CASES, ids=lambda case: case.name)
def test_pattern_runs_in_linear_time(case: Case) -> None:
    with _alarm():
        for label, text in _inputs(case):
            subject = case.subject(text)
            assert_fast(f"{case.name}.{case.api}", label, partial(case.run, subject))


@pytest.mark.parametrize(
    "unit", ["A. ", "Mr. A ", "No. 5 ", "U.S. A ", "A.) "], ids=lambda unit: repr(unit)
)
def test_sentence_split_runs_in_linear_time(unit: str) -> None:
    """coverage._ABBREVIATION runs once per sentence end; each run must not read the whole line.

    The limit is 1 s: the split builds a Sentence for each of the thousands of sentences.
    """
    label, text = _run_of("", unit, "")
    with _alarm():
        split = partial(coverage.split_sentences, text)
        assert_fast("coverage.split_sentences", label, split, limit=1.0)


def _calls_to_re(tree: ast.Module) -> Iterator[tuple[str | None, ast.Call]]:
    """Yield every call of re.compile, re.search and the like, with the module-level name it
    is assigned to, or None when it is made in a function, a class or an expression."""
    for statement in tree.body:
        name = None
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
            name = ast.unparse(statement.targets[0])
        elif isinstance(statement, ast.AnnAssign):
            name = ast.unparse(statement.target)
        for node in ast.walk(statement):
            if isinstance(node, ast.ImportFrom) and node.module == "re":
                raise AssertionError(f"line {node.lineno}: import re, not names from it")
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "re"
                and node.func.attr != "escape"
            ):
                yield name, node


def test_every_pattern_in_site_gen_is_tested() -> None:
    """Every re call of site_gen/ compiles a module-level pattern, tested or never fed input."""
    compiled: set[str] = set()
    elsewhere: list[str] = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = ".".join(path.relative_to(PACKAGE).with_suffix("").parts)
        for name, call in _calls_to_re(ast.parse(path.read_text(encoding="utf-8"))):
            function = ast.unparse(call.func)
            if function == "re.compile" and name is not None:
                compiled.add(f"{module}.{name}")
            else:
                # A pattern compiled in a function, or re.search(pattern, text): compile it at
                # module level instead, where this test can import it and run it.
                where = f"site_gen/{path.relative_to(PACKAGE).as_posix()}:{call.lineno}"
                elsewhere.append(f"{where}: {function}")
    assert elsewhere == [], "patterns outside a module-level name"
    tested = {case.source for case in CASES}
    assert compiled - tested - set(NEVER_INPUT) == set(), "untested patterns"
    assert tested | set(NEVER_INPUT) <= compiled, "stale entries in CASES or NEVER_INPUT"
