"""Adding a source to a site root, and quoting from one: the two helpers of an editor's day.

`add_source` owns what `site-gen add-source` does: copy a text into seeds/ byte for byte, pin
its sha256, and append a registry entry whose title, date and publisher are proposed only where
the text states them, each with the verbatim passage that backs it. `find_citations` owns
`site-gen quote`: it turns a few words into ready citations of the whole sentences that hold
them. Both confirm what they propose with the checker's own matcher, so what they write or
print passes `site-gen check` as it stands; choosing among the proposals stays the editor's job.
"""

from __future__ import annotations

import datetime
import hashlib
import itertools
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

import yaml

from site_gen.config import REGISTRY_FILE, Config
from site_gen.errors import Problem, UsageError
from site_gen.model import Source, schema
from site_gen.publish.output import replace_file
from site_gen.sources.loader import load_sources, refuse_outside
from site_gen.sources.yaml import FORBIDDEN, LIMITS, MAX_FILE_BYTES, Node, decode_utf8, parse_yaml
from site_gen.verify.checks import PASSAGE_MIN_WORDS, closest_detail
from site_gen.verify.coverage import split_sentences
from site_gen.verify.quotes import Match, Reason, match, normalize
from site_gen.verify.references import did_you_mean

# A first line this long is a paragraph, not a headline.
MAX_TITLE_CHARS = 200
# A dateline sits in the first few lines; further down, "(NATO) -" is the story, not its byline.
HEAD_LINES = 5
# A proposed id takes this many words of the publisher or title, then the date; ids stay short.
ID_WORDS = 6
MAX_ID_CHARS = 60
# `quote` prints this many passages; more mean the words are too few to pick one.
MAX_SHOWN = 5
# An unknown source id lists this many of the known ones.
MAX_IDS_SHOWN = 10
# The first line of a new registry, so editors get completion as in the ones `init` makes.
REGISTRY_HEADER = "# yaml-language-server: $schema=../schemas/sources.schema.json\n"

_MONTHS = MappingProxyType(
    {
        name: number
        for number, names in enumerate(
            (
                ("January", "Jan"),
                ("February", "Feb"),
                ("March", "Mar"),
                ("April", "Apr"),
                ("May",),
                ("June", "Jun"),
                ("July", "Jul"),
                ("August", "Aug"),
                ("September", "Sept", "Sep"),
                ("October", "Oct"),
                ("November", "Nov"),
                ("December", "Dec"),
            ),
            start=1,
        )
        for name in names
    }
)
# Month names as headlines and datelines write them: "Jan", "January" or "JAN"; never "may".
_MONTH = "|".join(
    form for name in sorted(_MONTHS, key=len, reverse=True) for form in (name, name.upper())
)
_GAP = r"[^\S\n]+"
# "2022-01-31", "January 31, 2022", "Jan. 31 2022", "31 January 2022", or the same without a year.
_DATE = re.compile(
    rf"(?<!\w)(?:(?P<iso_year>\d{{4}})-(?P<iso_month>\d\d)-(?P<iso_day>\d\d)"
    rf"|(?P<month>{_MONTH})\.?{_GAP}(?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?:,?{_GAP}(?P<year>\d{{4}}))?"
    rf"|(?P<day2>\d{{1,2}})(?:st|nd|rd|th)?{_GAP}(?P<month2>{_MONTH})\.?(?:,?{_GAP}(?P<year2>\d{{4}}))?"
    r")(?![\w-])"
)
# A publisher's name: capitalized words, with "&", "of" or "and" between them ("Dow Jones & Co").
_NAME = r"(?P<name>[A-Z][\w&'.-]*(?: (?:[A-Z&][\w&'.-]*|of|and|the)){0,4})"
# Where a text states its publisher. An optional period sits between two runs of spaces that
# cannot trade characters, so a long run of spaces is read once, not once per split.
_DATELINE = re.compile(rf"\({_NAME}\)[^\S\n]*(?:\.[^\S\n]*)?[-–—:]")
_SOURCE_LINE = re.compile(rf"^[^\S\n]*(?:Source|SOURCE):[^\S\n]*{_NAME}[^\S\n]*$", re.MULTILINE)
_COPYRIGHT = re.compile(
    rf"(?:Copyright[^\S\n]+)?©[^\S\n]*(?:\d{{4}}(?:[-–]\d{{4}})?,?[^\S\n]+)?{_NAME}"
)
_SIGN_OFF = re.compile(rf"^[^\S\n]*[-–—][^\S\n]*{_NAME}[^\S\n]*$")
_ID = re.compile(schema.ID_PATTERN)
_SLUG_WORD = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True)
class Stated:
    """A metadata value and the verbatim passage of the text that states it."""

    value: str
    passage: str


@dataclass(frozen=True)
class Proposal:
    """A registry entry for a new text, and what the editor should review in it."""

    source_id: str
    title: str
    evidence: dict[str, Stated]
    editorial: dict[str, str]
    notes: tuple[str, ...]


@dataclass(frozen=True)
class Added:
    """What `add_source` did: the file in seeds/ and the registry entry it appended."""

    name: str
    copied: bool
    entry: str
    notes: tuple[str, ...]
    source_id: str


@dataclass(frozen=True)
class Passage:
    """A citable passage: a whole sentence (or run of them) as the source writes it."""

    line: int
    quote: str


@dataclass(frozen=True)
class Quoted:
    """What `find_citations` found: citable passages, or the closest passage as a hint."""

    source: Source
    passages: tuple[Passage, ...]
    # Sentences that hold the words but are too short to cite, by line.
    too_short: tuple[Passage, ...]
    # The checker's closest-passage lines when the words are not in the source.
    closest: tuple[str, ...]


def add_source(config: Config, file: Path, source_id: str | None) -> Added:
    """Copy a text into seeds/, pin it, and append a proposed entry to the registry.

    Everything is checked before anything is written, and the registry's existing bytes are
    kept: a new source should never rewrite the entries editors have curated.
    """
    data, text = _read_text(file)
    name = file.name
    if name == REGISTRY_FILE:
        raise UsageError(f"{name} is the registry's own name; rename the text file first")
    if FORBIDDEN.search(name):  # Bytes that are not UTF-8 come through as lone surrogates.
        raise UsageError(
            f"{name!r}: the file name is not UTF-8, or holds characters that the registry and "
            "pages cannot carry; rename the text file first"
        )
    refuse_outside(config, config.seeds_dir)
    target = config.seeds_dir / name
    old_registry, entries = _registry(config)
    copied = _must_copy(target, data)
    digest = hashlib.sha256(data).hexdigest()
    for entry in entries:
        if entry.get("file") == name or entry.get("sha256", "").lower() == digest:
            raise UsageError(
                f"this text is already registered as '{entry.get('id')}' "
                f"(seeds/{entry.get('file')}); cite it by that id"
            )
    taken = {entry["id"] for entry in entries if "id" in entry}
    proposal = propose(FORBIDDEN.sub("\ufffd", text), Path(name).stem, taken, source_id)
    entry_text = registry_entry(proposal, name, digest)
    new_registry = _appended(config, old_registry, entry_text, proposal.source_id, len(entries))
    config.seeds_dir.mkdir(parents=True, exist_ok=True)
    if copied:
        replace_file(target, data)
    replace_file(config.registry_file, new_registry)
    return Added(name, copied, entry_text, proposal.notes, proposal.source_id)


def _read_text(file: Path) -> tuple[bytes, str]:
    """Return a text's bytes and characters, refusing what the loader would refuse."""
    if not file.is_file():
        raise UsageError(f"{file} is not a file" if file.exists() else f"{file}: no such file")
    with file.open("rb") as handle:
        data = handle.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise UsageError(f"{file} has more than {MAX_FILE_BYTES} bytes; split the source")
    text, problem = decode_utf8(data, str(file))
    if problem is not None:
        raise UsageError(f"{problem.location}: {problem.message}; save the file as UTF-8 first")
    if not any(char.isalnum() for char in text):
        raise UsageError(f"{file} has no words to quote")
    return data, text


def _must_copy(target: Path, data: bytes) -> bool:
    """Tell whether the text still has to be copied; refuse to overwrite anything else."""
    if target.is_symlink() or (target.exists() and not target.is_file()):
        raise UsageError(
            f"seeds/{target.name} exists and is not a plain file; refusing to replace it"
        )
    if not target.exists():
        return True
    if target.read_bytes() != data:
        raise UsageError(
            f"seeds/{target.name} already exists with other content; rename your file and try again"
        )
    return False


def _registry(config: Config) -> tuple[bytes, list[dict[str, str]]]:
    """Return the registry's bytes and the string fields of each entry, as written.

    The raw entries are read, not the loaded sources: an entry with a problem still owns its id.
    """
    path = config.registry_file
    refuse_outside(config, path)
    if not path.exists():
        return b"", []
    data = path.read_bytes()
    display = config.display(path)
    root, problems = parse_yaml(data, display)
    if problems:
        raise UsageError(f"fix {display} first: {problems[0].headline()}")
    if root is None:
        return data, []
    if not isinstance(root.value, list):
        raise UsageError(f"fix {display} first: it must be a list of '- id: …' entries")
    return data, [_strings(node) for node in root.value]


def _strings(node: Node) -> dict[str, str]:
    """Return the string values of a YAML mapping node by key; anything else gives nothing."""
    if not isinstance(node.value, dict):
        return {}
    return {key: item.value for key, item in node.value.items() if isinstance(item.value, str)}


def _appended(config: Config, old: bytes, entry: str, source_id: str, count: int) -> bytes:
    """Return the registry with the entry appended, after making sure it reads back as one more."""
    if not old:
        new = REGISTRY_HEADER.encode() + entry.encode()
    else:
        separator = b"\n" if old.endswith(b"\n") else b"\n\n"
        new = old + (b"" if old.endswith(b"\n\n") else separator) + entry.encode()
    root, problems = parse_yaml(new, config.display(config.registry_file))
    entries = root.value if root is not None and isinstance(root.value, list) else []
    if problems or len(entries) != count + 1 or _strings(entries[-1]).get("id") != source_id:
        raise UsageError(
            f"cannot append to {config.display(config.registry_file)}: it does not end in a "
            "block list of '- id: …' entries at the start of the line; add the entry by hand"
        )
    return new


def propose(text: str, stem: str, taken: set[str], source_id: str | None) -> Proposal:
    """Propose title, date, publisher and id for a text, each value backed by its passage.

    `text` is the text as the checker sees it; `stem` names the file, for a title stand-in.
    Every passage is confirmed with the checker's matcher, so the entry passes the check.
    """
    source = normalize(text)
    notes: list[str] = []
    evidence: dict[str, Stated] = {}
    for key, find in (("title", find_title), ("publisher", find_publisher), ("date", find_date)):
        stated, note = find(text)
        if stated is not None:
            if isinstance(match(stated.passage, source, min_words=PASSAGE_MIN_WORDS), Match):
                evidence[key] = stated
            else:
                note = f"{key}: left out; the checker would not find '{stated.passage}'"
        notes.append(note)
    editorial: dict[str, str] = {}
    title = evidence["title"].value if "title" in evidence else stem
    if "title" not in evidence:
        editorial["title"] = (
            "No short first line to take the title from; the file name stands in until an "
            "editor gives the headline."
        )
        # The title's note is the first one.
        notes[0] += (
            f"; the file name '{stem}' stands in: write the headline, and replace "
            "editorial.title with evidence.title"
        )
    notes.append("author and ignore (boilerplate) are left to you")
    publisher = evidence.get("publisher")
    if source_id is None:
        source_id = propose_id(publisher.value if publisher else title, evidence.get("date"), taken)
    else:
        _check_id(source_id, taken)
    return Proposal(source_id, title, evidence, editorial, tuple(notes))


def find_title(text: str) -> tuple[Stated | None, str]:
    """Return the first non-empty line as the title, when it is short enough to be a headline."""
    line = next((line.strip() for line in text.splitlines() if line.strip()), "")
    if len(line) >= MAX_TITLE_CHARS:
        return None, f"title: the first line has {MAX_TITLE_CHARS} characters or more"
    if not any(char.isalnum() for char in line):
        return None, "title: the first line has no words"
    return Stated(line, line), f"title: the text's first line, '{line}'; check it is the headline"


def find_date(text: str) -> tuple[Stated | None, str]:
    """Return the first date-like passage as an ISO date, when it has a year, and a note."""
    for found in _DATE.finditer(text):
        year, month, day = _date_parts(found)
        try:
            # A yearless date is checked against a leap year, so "Feb 29" still counts as one.
            when = datetime.date(year or 2000, month, day)
        except ValueError:
            continue
        passage = found.group()
        if year is None:
            return None, (
                f"date: left out; the first date in the text, '{passage}', has no year; "
                "set date with editorial.date if you know it"
            )
        iso = when.isoformat()
        return Stated(iso, passage), (
            f"date: {iso} from '{passage}', the first date in the text; check that it is the "
            "publication date"
        )
    return None, "date: left out; the text has no date like 'March 4, 2025' or '2025-03-04'"


def _date_parts(found: re.Match[str]) -> tuple[int | None, int, int]:
    """Return year (None when not given), month and day of a match of _DATE."""
    if found["iso_year"]:
        return int(found["iso_year"]), int(found["iso_month"]), int(found["iso_day"])
    month = _MONTHS[(found["month"] or found["month2"]).capitalize()]
    year = found["year"] or found["year2"]
    return (int(year) if year else None), month, int(found["day"] or found["day2"])


def find_publisher(text: str) -> tuple[Stated | None, str]:
    """Return the first publisher the text states in a dateline, a credit line or a sign-off.

    Modest on purpose: a name in brackets counts only in a dateline near the top, a credit
    ("Source: Name", "© Name") only near the top or the bottom, and a "- Name" line only as the
    last line, where agencies sign off. Anything else is the editor's call.
    """
    lines = text.splitlines(keepends=True)
    starts = [0, *itertools.accumulate(len(line) for line in lines)]
    filled = [i for i, line in enumerate(lines) if line.strip()]
    head_end = starts[filled[HEAD_LINES]] if len(filled) > HEAD_LINES else len(text)
    tail_start = starts[filled[-HEAD_LINES]] if len(filled) > HEAD_LINES else 0
    found: list[tuple[int, Stated]] = []
    dateline = _DATELINE.search(text, 0, head_end)
    if dateline is not None:
        found.append((dateline.start(), _named(dateline, bracketed=True)))
    for credit in (hit for pattern in (_SOURCE_LINE, _COPYRIGHT) for hit in pattern.finditer(text)):
        if credit.start() < head_end or credit.start() >= tail_start:
            found.append((credit.start(), _named(credit, bracketed=False)))
    sign_off = _SIGN_OFF.match(lines[filled[-1]].rstrip("\r\n")) if filled else None
    if sign_off is not None:
        found.append((len(text), _named(sign_off, bracketed=False)))
    if not found:
        return None, (
            "publisher: left out; no '(Name) -' dateline, '- Name' last line, 'Source: Name' "
            "or '© Name' credit; add it with evidence or an editorial note if you know it"
        )
    stated = min(found, key=lambda pair: pair[0])[1]
    return stated, (
        f"publisher: '{stated.value}' from '{stated.passage}'; check that it names the "
        "publisher, not a quoted outlet or a photo credit"
    )


def _named(found: re.Match[str], *, bracketed: bool) -> Stated:
    """Return the name a publisher pattern matched, with the passage that states it."""
    raw = found["name"]
    name = raw.rstrip(".&'- ")
    if bracketed:
        return Stated(name, found.string[found.start() : found.end("name") + 1])
    end = found.end("name") - (len(raw) - len(name))
    return Stated(name, found.string[found.start() : end].strip())


def propose_id(words: str, date: Stated | None, taken: set[str]) -> str:
    """Return a new id from the publisher or title and the date, lowercase words and hyphens."""
    ascii_words = unicodedata.normalize("NFKD", words).encode("ascii", "ignore").decode().lower()
    parts = _SLUG_WORD.findall(ascii_words)[:ID_WORDS] or ["source"]
    base = "-".join(parts)[:MAX_ID_CHARS].strip("-")
    if date is not None:
        base = f"{base}-{date.value}"
    chosen, number = base, 1
    while chosen in taken:
        number += 1
        chosen = f"{base}-{number}"
    return chosen


def _check_id(source_id: str, taken: set[str]) -> None:
    """Refuse an id an editor chose that is not an id, or is already used."""
    if not _ID.fullmatch(source_id) or len(source_id) > LIMITS["id_chars"].value:
        raise UsageError(f"--id {source_id!r} is not an id: use lowercase words joined by hyphens")
    if source_id in taken:
        raise UsageError(f"--id {source_id}: the registry already has a source with that id")


def registry_entry(proposal: Proposal, name: str, digest: str) -> str:
    """Return the YAML of a registry entry, in the style of the registries editors keep."""
    lines = [
        f"- id: {yaml_scalar(proposal.source_id)}",
        f"  file: {_quoted(name)}",
        f'  sha256: "{digest}"',
        f"  title: {_quoted(proposal.title)}",
    ]
    lines += [
        f"  {key}: {_quoted(proposal.evidence[key].value)}"
        for key in ("publisher", "date")
        if key in proposal.evidence
    ]
    if proposal.evidence:
        lines.append("  evidence:")
        lines += [
            f"    {key}: {_quoted(proposal.evidence[key].passage)}"
            for key in schema.METADATA_FIELDS
            if key in proposal.evidence
        ]
    if proposal.editorial:
        lines.append("  editorial:")
        lines += [f"    {key}: {_quoted(why)}" for key, why in proposal.editorial.items()]
    return "\n".join(lines) + "\n"


def _quoted(value: str) -> str:
    """Return a double-quoted YAML scalar that reads back as exactly `value`, on one line."""
    return yaml.safe_dump(value, default_style='"', allow_unicode=True, width=2**31).rstrip("\n")


def yaml_scalar(value: str) -> str:
    """Return an id as a plain scalar, quoted only when YAML would read it as something else."""
    return value if yaml.safe_load(value) == value else _quoted(value)


def find_citations(config: Config, source_id: str, words: str) -> Quoted:
    """Find the sentences of a source that hold the words, as quotes the checker accepts.

    The words are found the way the checker finds a quote (typography folded, the first letter
    in either case), but one word is enough; the citation is the whole sentence around them.
    """
    source = _source(config, source_id)
    text = normalize(source.text)
    first = match(words, text, min_words=1)
    if not isinstance(first, Match):
        if first.reason is Reason.TOO_SHORT:
            raise UsageError("give a few words of the passage to find")
        return Quoted(source, (), (), closest_detail(words, source, text))
    sentences = split_sentences(source.text)
    spans = [
        (sentence.start, sentence.end)
        for sentence in sentences
        if isinstance(match(words, sentence.text, min_words=1), Match)
    ]
    if not spans:
        # The words run across a sentence end: cite every sentence they touch.
        start, end = first.spans[0][0], first.spans[-1][1]
        touched = [s for s in sentences if s.end > start and s.start < end]
        spans = [(min([start, *(s.start for s in touched)]), max([end, *(s.end for s in touched)]))]
    passages = [_passage(source.text, start, end) for start, end in spans]
    citable = tuple(p for p in passages if isinstance(match(p.quote, text), Match))
    too_short = tuple(p for p in passages if p not in citable)
    return Quoted(source, citable, too_short, ())


def _source(config: Config, source_id: str) -> Source:
    """Return a source with its text, as the checker loads it; refuse an unknown or empty one."""
    problems: list[Problem] = []
    sources = load_sources(config, problems).items
    source = sources.get(source_id)
    if source is None:
        hint = did_you_mean(source_id, sources) or (
            "run 'site-gen check' to see the registry's problems"
            if problems
            else f"use an id from seeds/sources.yml: {_listed(sorted(sources))}"
        )
        raise UsageError(f"no source has id '{source_id}'; {hint}")
    if not source.text:
        raise UsageError(
            f"source '{source_id}' has no text to quote in seeds/{source.file}; "
            "run 'site-gen check' to see why"
        )
    return source


def _listed(ids: list[str]) -> str:
    """Return the first MAX_IDS_SHOWN ids, and how many more: a terminal shows no registry."""
    more = f", and {len(ids) - MAX_IDS_SHOWN} more" if len(ids) > MAX_IDS_SHOWN else ""
    return ", ".join(ids[:MAX_IDS_SHOWN]) + more


def _passage(text: str, start: int, end: int) -> Passage:
    """Return the passage between two offsets as the source writes it, on one line."""
    return Passage(text.count("\n", 0, start) + 1, " ".join(text[start:end].split()))


def citation_yaml(source_id: str, quote: str) -> str:
    """Return a citation to paste under a fact's `sources:`."""
    return f"    - source: {yaml_scalar(source_id)}\n      quote: {_quoted(quote)}"
