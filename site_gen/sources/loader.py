"""Turn a site root's YAML and source texts into the model, collecting every problem."""

from __future__ import annotations

import hashlib
import os
import re
import stat
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any, Generic, TypeVar
from urllib.parse import urlsplit

from site_gen.config import Config
from site_gen.errors import Location, Problem, Severity, UsageError
from site_gen.model import FACT_CLASSES, Fact, Settings, Site, Source, Unread, schema
from site_gen.sources.reader import Reader
from site_gen.sources.yaml import (
    FORBIDDEN,
    MAX_FILE_BYTES,
    Node,
    decode_utf8,
    find_forbidden,
    location_at,
    parse_yaml,
    read_file,
)

# Site URLs end up in links and feeds: only plain paths and http(s) addresses are accepted.
# Each segment ends at its slash, so the pattern has one way to match and runs in linear time.
# No segment is "." or "..": a browser would resolve those to another folder than the site's.
BASE_URL = re.compile(r"/?(?:(?!\.\.?/)[A-Za-z0-9._~-]+/)*(?!\.\.?\Z)[A-Za-z0-9._~-]*")
BASE_URL_EXAMPLE = "/my-briefing/"
SITE_URL = re.compile(r"https?://[A-Za-z0-9.-]+(?::[0-9]+)?(?:/[A-Za-z0-9._~/-]*)?")
SITE_URL_EXAMPLE = "https://owner.github.io/my-briefing/"
_URL_RULES = (
    ("base_url", BASE_URL, BASE_URL_EXAMPLE),
    ("site_url", SITE_URL, SITE_URL_EXAMPLE),
)
# The shape of a BCP 47 language tag (RFC 5646): a language, then perhaps its extensions, a
# script, a region, variants, extensions and a private part: "en", "en-GB", "kk-Cyrl-KZ". Pages
# carry it in <html lang>, where a word such as "english" tells browsers and screen readers nothing.
_LANGUAGE_RULES = (
    (
        "language",
        re.compile(
            r"[A-Za-z]{2,3}(?:-[A-Za-z]{3}){0,3}(?:-[A-Za-z]{4})?(?:-(?:[A-Za-z]{2}|[0-9]{3}))?"
            r"(?:-(?:[A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*"
            r"(?:-[0-9A-WYZa-wyz](?:-[A-Za-z0-9]{2,8})+)*(?:-[Xx](?:-[A-Za-z0-9]{1,8})+)?"
        ),
        "en, en-GB or kk-Cyrl-KZ (a BCP 47 language tag)",
    ),
)
# A source's original article: any http(s) address written in URL characters, query and
# fragment included. Nothing else, so no `javascript:` or `data:` link ever reaches a page.
_SOURCE_URL_RULES = (
    (
        "url",
        re.compile(
            r"https?://[A-Za-z0-9.-]+(?::[0-9]+)?(?:[/?#][A-Za-z0-9._~!$&'()*+,;=:@%/?#-]*)?"
        ),
        "https://www.example.com/news/article.html (http or https only)",
    ),
)
FACT_SUFFIXES = (".yml", ".yaml")
# Required keys of a fact that stand-ins take the place of, when they are missing or wrong (an
# error, which stops the build), so that the fact's quotes and other keys are still checked in
# the same run. Empty, they give the checks nothing to read, and so no problem of their own. A
# fact without its id is left out, and one without its text, name, speaker or values too: the
# checks read those against its quotes, and an empty one would be a problem of its own.
_STAND_INS = MappingProxyType({"title": "", "label": "", "date": ""})
T = TypeVar("T")


def load_site(config: Config) -> tuple[Site, list[Problem]]:
    """Read settings, sources and facts; return the model and all problems."""
    problems = theme_problems(config)
    settings = load_settings(config, problems)
    sources = load_sources(config, problems)
    facts = load_facts(config, problems)
    drafts = (
        frozenset() if config.drafts else frozenset(i for i, f in facts.items.items() if f.draft)
    )
    published = {fact_id: fact for fact_id, fact in facts.items.items() if fact_id not in drafts}
    site = Site(settings, sources.items, published, facts.unread(), sources.unread(), drafts)
    return site, problems


def theme_problems(config: Config) -> list[Problem]:
    """Report a theme file that leads out of the site root, and a templates/ that is no folder:
    a build would leave the briefing's theme out without a word and use the packaged one."""
    problems = [
        outside_problem(config, path) for path in theme_files(config) if not is_inside(config, path)
    ]
    folder = config.templates_dir
    if problems or folder.is_dir() or not (folder.exists() or folder.is_symlink()):
        return problems
    what = "a file" if folder.exists() else "a link that leads to no folder"
    return [
        Problem(
            "not-a-folder",
            f"{what}, where the theme's folder was expected",
            Location(config.display(folder)),
            hint="move it away; `site-gen theme eject` writes a templates/ folder to edit",
        )
    ]


def is_inside(config: Config, path: Path) -> bool:
    """Tell whether a path, symbolic links followed, stays inside the site root.

    A pull request can add a link to a file anywhere on the machine; reading it could print a
    secret into a CI log. A link that loops, or that the file system cannot follow, is not
    inside either.
    """
    try:
        return config.root in path.resolve().parents
    except (RuntimeError, OSError):
        return False


def refuse_outside(config: Config, path: Path) -> None:
    """Refuse to write a file whose path, through a link on the way, leads out of the site root:
    a link in a pull request must never make a command write elsewhere on the machine."""
    if not is_inside(config, path):
        raise UsageError(
            f"{config.display(path)} leads out of the site root through a link; refusing to write"
        )


def outside_problem(config: Config, path: Path) -> Problem:
    return Problem(
        "outside-root",
        "file is a link to a file outside the site root",
        Location(config.display(path)),
        hint="copy the file into the site root instead of linking to it",
    )


def _read_root(
    config: Config, path: Path, problems: list[Problem], *, may_be_empty: bool = False
) -> Node | None:
    """Parse one YAML file; report it when it is missing, outside, unreadable or broken, and when
    it is empty (or holds only comments) unless it may be: then its root is a null Node."""
    display = config.display(path)
    if path.exists() and not is_inside(config, path):
        problems.append(outside_problem(config, path))
        return None
    if not path.is_file():
        if path.is_symlink():
            what = ("a link that leads to no file (it is broken, or loops)", "link it to a file")
        elif path.is_dir():
            what = ("a folder, where a file was expected", "move the folder away")
        else:
            what = ("file not found", "create it")
        message, fix = what
        hint = f"{fix}; `site-gen init NEW_FOLDER` writes a briefing with one to copy"
        problems.append(Problem("missing-file", message, Location(display), hint=hint))
        return None
    data, problem = read_file(path, display)
    if problem:
        problems.append(problem)
        return None
    root, found = parse_yaml(data, display)
    problems.extend(found)
    if root is not None or found:
        return root
    if may_be_empty:
        return Node(None, Location(display))
    problems.append(
        Problem("empty-file", "file is empty", Location(display), hint="add content or delete it")
    )
    return None


def load_settings(config: Config, problems: list[Problem]) -> Settings:
    """Read site.yml; what it lacks or gives wrong is reported, and stood in for.

    A stand-in (an empty title or description, the default of another key) takes the place only
    of a value an error is reported for: it lets the facts be checked in the same run, so that an
    editor learns every problem at once, and the error stops a build before it writes anything.
    """
    path = config.settings_file
    root = _read_root(config, path, problems)
    if root is None:
        return Settings(title="", description="", location=Location(config.display(path)))
    reader = Reader(problems)
    data = reader.mapping(root, schema.SITE, "site settings") or {}
    drop_bad_values(reader, data, _URL_RULES, "bad-url")
    drop_bad_values(reader, data, _LANGUAGE_RULES, "bad-language")
    target = data.get("coverage_target")
    if target is not None and not 0 <= target <= 1:  # NaN is neither.
        reader.fail(
            reader.locations["coverage_target"],
            "out-of-range",
            f"'coverage_target' is {target}, but it is a share from 0 to 1",
            "write e.g. 0.9 for 90% of each source's sentences, or 0 to turn the check off",
        )
        del data["coverage_target"]
    # Where site.yml gives both; a base URL may also come with the build command.
    site_url, base_url = data.get("site_url"), data.get("base_url")
    if site_url and base_url is not None and not ends_in_base(site_url, base_url):
        reader.fail(
            reader.locations["site_url"],
            "bad-url",
            f"'site_url' {site_url} does not end in the base URL {base_url or '/'}",
            f"write a site_url whose path is {base_url or '/'}, or change base_url",
        )
        del data["site_url"]
    data = {"title": "", "description": ""} | data  # Stand-ins, where an error is reported.
    return Settings(location=root.location, locations=reader.locations, **data)


def ends_in_base(site_url: str, base_url: str) -> bool:
    """Tell whether a published address ends in the base URL its pages link under: with
    "https://owner.github.io/" and "/brief/", every canonical, feed and sitemap link would lead
    out of the site."""
    return urlsplit(site_url).path.strip("/") == base_url.strip().strip("/")


def drop_bad_values(
    reader: Reader,
    data: dict[str, Any],
    rules: tuple[tuple[str, re.Pattern[str], str], ...],
    code: str,
    owner: str = "",
) -> None:
    """Report as `code` and drop each value that its rule refuses: URLs end up in links, and a
    language tag in every page's markup, where a malformed one would mislead.

    `owner` names what holds the value, e.g. "source 'efe': ", when the file holds several.
    """
    for key, pattern, example in rules:
        if key in data and not pattern.fullmatch(data[key]):
            reader.fail(
                reader.locations[key],
                code,
                f"{owner}'{key}' is {data[key]!r}",
                f"write it like {example}",
            )
            del data[key]


def load_sources(config: Config, problems: list[Problem]) -> Loaded[Source]:
    """Read the sources registry and the text of every source it lists."""
    root = _read_root(config, config.registry_file, problems)
    must = (
        "the registry must be a non-empty list of sources",
        "write one '- id: …' entry per source",
    )
    loaded: Loaded[Source] = Loaded()
    nodes = _entries(root, must, problems)
    if nodes is None:
        loaded.partial = True
        return loaded
    sources = loaded.items
    seeds = config.seeds_dir.resolve()
    # Ids that name two sources. One of the two has a wrong id: which, and what it should be, is
    # unknown, so a citation of the id waits, as one of a text that could not be read, and one of
    # an id no source has waits as if its entry had failed to load. The duplicate is the one
    # error, not every quote of the other text; the first entry's own keys are still checked.
    ambiguous: set[str] = set()
    for node in nodes:
        reader = Reader(problems)
        fields = reader.mapping(node, schema.SOURCE, "a source")
        if fields is None or not {"id", "file", "sha256", "title"} <= fields.keys():
            loaded.broken.add(_raw_id(node) or "")
            continue
        drop_bad_values(reader, fields, _SOURCE_URL_RULES, "bad-url", f"source '{fields['id']}': ")
        entry = Source(location=node.location, locations=reader.locations, **fields)
        if entry.id in sources:
            first = sources[entry.id].location
            problems.append(
                Problem(
                    "duplicate-id",
                    f"source id '{entry.id}' is already used at line {first.line}",
                    entry.at("id"),
                    hint="give each source its own id; their citations are checked once each "
                    "has its own",
                )
            )
            ambiguous.add(entry.id)
            continue
        sources[entry.id] = with_text(config, entry, problems, seeds)
    for source_id in ambiguous:
        sources[source_id] = replace(sources[source_id], text="")
        loaded.partial = True
    return loaded


def with_text(config: Config, source: Source, problems: list[Problem], seeds: Path) -> Source:
    """Return the source with the text of the file it names, refusing anything outside seeds/.

    `seeds` is the resolved seeds folder. A source whose text cannot be read keeps an empty
    text, and the problem says why.
    """

    def without_text(code: str, message: str, hint: str) -> Source:
        problems.append(Problem(code, message, source.at("file"), hint=hint))
        return source

    try:
        path = (seeds / source.file).resolve()
    except (RuntimeError, OSError):  # A link that loops, or that the system cannot follow.
        path = seeds
    if Path(source.file).is_absolute() or seeds not in path.parents:
        return without_text(
            "source-path",
            f"file '{source.file}' is outside seeds/",
            "put the source text in seeds/ and name it by its file name",
        )
    try:
        is_file = stat.S_ISREG(path.stat().st_mode)
    except OSError:
        is_file = False
    if not is_file:
        return without_text(
            "source-missing",
            f"file '{source.file}' not found in seeds/",
            "copy the source text into seeds/ or fix the file name",
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        return without_text(
            "file-unreadable",
            f"cannot read file '{source.file}': {exc.strerror}",
            "make the file readable",
        )
    if len(data) > MAX_FILE_BYTES:
        return without_text(
            "file-too-large",
            f"source file has {len(data)} bytes, more than {MAX_FILE_BYTES}",
            "split the source",
        )
    text, problem = decode_utf8(data, config.display(path))
    if problem:
        problems.append(problem)
        return source
    if not text.strip():
        # Pinned or not, an empty text backs no quote: nothing else would say so.
        return without_text(
            "source-empty",
            f"file '{source.file}' has no text",
            "copy the source's text into it, or remove the entry",
        )
    forbidden = find_forbidden(text)
    if forbidden:
        # The file stays as it is, pinned; the pages show a stand-in of the same length, so every
        # quote's spans still point into the file.
        problems.append(
            Problem(
                "bad-character",
                f"source text has the character U+{ord(forbidden.group()):04X}, which pages "
                "cannot show",
                location_at(config.display(path), text, forbidden.start()),
                hint="it is shown as U+FFFD wherever the text appears; no quote can include it",
                severity=Severity.WARNING,
            )
        )
        text = FORBIDDEN.sub("\ufffd", text)
    return replace(source, text=text, actual_sha256=hashlib.sha256(data).hexdigest())


def theme_files(config: Config) -> list[Path]:
    """Return the site's templates folder and everything in it, linked folders included: each
    must stay inside the site root, or a build would publish what it links to."""
    folder = config.templates_dir
    if not (folder.exists() or folder.is_symlink()):
        return []
    found = [folder]
    for top, folders, files in os.walk(folder):  # A linked folder is listed, never entered.
        found += [Path(top, name) for name in folders + files]
    return sorted(found)


def fact_files(config: Config) -> tuple[list[Path], list[Problem]]:
    """Return every facts file in a stable order, so output never depends on the file system,
    and the problem of each folder that cannot be listed: its facts are unknown, and a check
    that passed without them would say what it never read.

    Hidden files and folders are left out: editors and systems leave them beside the facts
    (`.#events.yml`, macOS's `._events.yml`), and they are never facts. A link is kept even
    when it leads nowhere, so that it is reported, not skipped without a word.
    """
    if not config.facts_dir.is_dir():
        return [], []
    unlisted: list[Problem] = []

    def refused(error: OSError) -> None:
        where = Location(config.display(Path(error.filename)))
        message = f"cannot read folder: {error.strerror}"
        hint = "make the folder readable"
        unlisted.append(Problem("file-unreadable", message, where, hint=hint))

    found: dict[str, Path] = {}
    for top, folders, files in os.walk(config.facts_dir, onerror=refused):
        folders[:] = [name for name in folders if not name.startswith(".")]
        for name in folders + files:  # A linked folder is listed, never entered.
            path = Path(top, name)
            if path.suffix in FACT_SUFFIXES and not name.startswith("."):
                found[path.relative_to(config.facts_dir).as_posix()] = path
    paths = [found[relative] for relative in sorted(found)]
    return [path for path in paths if path.is_file() or path.is_symlink()], unlisted


@dataclass
class Loaded(Generic[T]):
    """Every fact, or source, of a site root, and what the checks must know of those that
    failed to load."""

    items: dict[str, T] = field(default_factory=dict)
    # Ids of entries too broken to load ("" for one without a usable id).
    broken: set[str] = field(default_factory=set)
    # True when any unknown id may be one of the entries': a file or folder could not be read, or
    # an entry's id is wrong (one source id used twice).
    partial: bool = False

    def unread(self) -> Unread:
        return Unread(frozenset(self.broken - self.items.keys()), self.partial)


def load_facts(config: Config, problems: list[Problem]) -> Loaded[Fact]:
    """Read every facts file; ids must be unique across all of them."""
    paths, unlisted = fact_files(config)
    problems += unlisted
    if not paths and not unlisted:
        problems.append(
            Problem(
                "no-facts",
                "no facts files found",
                Location(config.display(config.facts_dir)),
                hint="add a .yml file with a list of facts under facts/",
            )
        )
    loaded: Loaded[Fact] = Loaded(partial=bool(unlisted))
    for path in paths:
        for fact in read_facts_file(config, path, problems, loaded):
            if fact.id in loaded.items:
                first = loaded.items[fact.id].location
                problems.append(
                    Problem(
                        "duplicate-id",
                        f"id is already used at {first}",
                        fact.at("id"),
                        fact=fact.id,
                        hint="give each fact its own id",
                    )
                )
            else:
                loaded.items[fact.id] = fact
    return loaded


def read_facts_file(
    config: Config, path: Path, problems: list[Problem], loaded: Loaded[Fact]
) -> list[Fact]:
    """Return a file's facts; mark in `loaded` the ids of broken ones and an unreadable file."""
    must = ("a facts file must be a non-empty list of facts", "start each fact with '- id: …'")
    root = _read_root(config, path, problems, may_be_empty=True)
    if root is not None and root.value is None:
        # Empty, or comments only: a file an editor has started holds no facts yet, and nothing
        # in it is left unread. Hugo and Jekyll read an empty data file as empty data, too.
        return []
    nodes = _entries(root, must, problems)
    if nodes is None:
        loaded.partial = True
        return []
    facts: list[Fact] = []
    for node in nodes:
        fact = read_fact(node, problems)
        if fact is None:
            loaded.broken.add(_raw_id(node) or "")
        else:
            facts.append(fact)
    return facts


def _entries(
    root: Node | None, must: tuple[str, str], problems: list[Problem]
) -> list[Node] | None:
    """Return the entries of a file that lists sources or facts; None when it has none to read.

    A file that could not be parsed is reported already; one that is not a list, here, with the
    message and hint in `must`.
    """
    if root is None:
        return None
    if not isinstance(root.value, list) or not root.value:
        message, hint = must
        problems.append(Problem("wrong-type", message, root.location, hint=hint))
        return None
    return root.value


def _is_kind(value: object) -> bool:
    return isinstance(value, str) and value in schema.KIND_FIELDS


def _raw_id(node: Node) -> str | None:
    """Return the id a fact mapping declares, before any validation."""
    raw = node.value.get("id") if isinstance(node.value, dict) else None
    return raw.value if raw is not None and isinstance(raw.value, str) else None


def read_fact(node: Node, problems: list[Problem]) -> Fact | None:
    """Convert one fact mapping, checking the common keys and those of its kind."""
    raw = node.value if isinstance(node.value, dict) else {}
    kind_node = raw.get("kind")
    kind = kind_node.value if kind_node and _is_kind(kind_node.value) else None
    reader = Reader(problems, fact=_raw_id(node))
    fields = schema.COMMON + (schema.KIND_FIELDS[kind] if kind else ())
    if kind is None and kind_node is not None:
        # Report the bad kind once; don't also flag every kind-specific key as unknown.
        reader.value(kind_node, schema.COMMON[1], "kind")
        return None
    data = reader.mapping(node, fields, "a fact")
    if data is None or kind is None:
        return None
    if kind not in schema.CITES_ON_VALUES and not reader.has_citations(node, data, "fact"):
        return None
    missing = {f.name for f in fields if f.required} - data.keys()
    if not missing <= _STAND_INS.keys():
        return None
    data = {key: _STAND_INS[key] for key in missing} | data
    return FACT_CLASSES[kind](location=node.location, locations=reader.locations, **data)
