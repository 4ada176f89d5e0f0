"""Convert YAML nodes into typed values against the schema table, collecting every problem."""

from __future__ import annotations

import datetime
import difflib
import re
import sys
from dataclasses import dataclass, field
from typing import Any

from site_gen.errors import Location, Problem, Severity
from site_gen.model import Citation, CitedText, FigureValue, schema
from site_gen.model.schema import Field, Type
from site_gen.sources.yaml import INVALID, LIMITS, Node, find_forbidden

_ID = re.compile(schema.ID_PATTERN)
_DATE = re.compile(schema.DATE_PATTERN)
_ID_CHARS = LIMITS["id_chars"]
# Where Markdown names a link's target: [words](target), a [label]: target line, <scheme:target>,
# or an HTML href. Each part stops at its line's end or the target's, so a scan is linear; a
# target may hold balanced parentheses, as Markdown reads "javascript:go(1)" whole.
_LINK_TARGET = re.compile(
    r"\]\([ \t]*<?([^()\s>]*(?:\([^()\s>]*\)[^()\s>]*)*)"
    r"|^[ \t]*\[[^\]\n]*\]:[ \t]*<?([^\s>]*)"
    r"|<([A-Za-z][A-Za-z0-9+.-]*:[^\s>]*)>"
    r"|\bhref[ \t]*=[ \t]*[\"']?([^\"'\s>]*)",
    re.MULTILINE | re.IGNORECASE,
)
_LINKABLE = tuple(f"{scheme}:" for scheme in schema.LINK_SCHEMES)
# An HTML tag in a Markdown value, and what follows its name up to its end. The name ends at a
# space, "/" or ">", so an address written <https://…> is no tag.
_HTML_TAG = re.compile(r"</?([A-Za-z][A-Za-z0-9-]*)(?=[\s/>])([^<>]*)>")
# An attribute's value, quoted or not: what is left of a tag's rest is its attributes' names.
_ATTRIBUTE_VALUE = re.compile(r"""=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]*)""")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
# A Markdown image: pages drop it, and its words with it.
_IMAGE = re.compile(r"!\[[^\[\]\n]*\]\(")
# A run of backticks, which opens or closes a code span, or a blank line, which ends a paragraph.
_TICKS_OR_BREAK = re.compile(r"`+|\n[ \t]*\n")
# A numeric character reference ("&#x202E;", "&#8238;"), which Markdown and the pages read as
# the character it names.
_CHARACTER_REFERENCE = re.compile(r"&#(?:[xX]([0-9A-Fa-f]{1,6})|([0-9]{1,7}))")
_MARKDOWN_CHARS = LIMITS["markdown_chars"]
_MARKDOWN_DEPTH = LIMITS["markdown_depth"]
# A line that opens more lists and quotes than the bound, one in another ("- - - …", "> > …").
_DEEP_NESTING = re.compile(
    rf"^[ \t]*(?:(?:[-*+>]|\d{{1,9}}[.)])[ \t]+){{{_MARKDOWN_DEPTH.value + 1}}}", re.MULTILINE
)


@dataclass
class Reader:
    """Converts Nodes to typed values against a field list, recording locations and problems."""

    problems: list[Problem]
    fact: str | None = None
    locations: dict[str, Location] = field(default_factory=dict)

    def fail(self, location: Location, code: str, message: str, hint: str) -> None:
        self.problems.append(Problem(code, message, location, fact=self.fact, hint=hint))

    def wrong_type(self, node: Node, message: str, hint: str) -> None:
        self.fail(node.location, "wrong-type", message, hint)

    def mapping(
        self, node: Node, fields: tuple[Field, ...], what: str, prefix: str = ""
    ) -> dict[str, Any] | None:
        """Return the known keys of a mapping converted to their types, or None if unusable."""
        if node.value is INVALID:
            return None
        if not isinstance(node.value, dict):
            self.wrong_type(node, f"{what} must be a mapping", "write key: value pairs")
            return None
        by_name = {f.name: f for f in fields}
        result: dict[str, Any] = {}
        # Keys a misspelt key was taken for: "did you mean" says all that their absence would.
        meant: set[str] = set()
        for key, value in node.value.items():
            spec = by_name.get(key)
            if spec is None:
                close = difflib.get_close_matches(key, by_name, n=1)
                meant.update(close)
                hint = (
                    f"did you mean '{close[0]}'?"
                    if close
                    else f"allowed keys: {', '.join(by_name)}"
                )
                key_location = node.key_locations.get(key, value.location)
                self.fail(key_location, "unknown-key", f"unknown key '{key}' in {what}", hint)
                continue
            if value.value is None:
                continue  # Same as leaving the key out; a required key is reported below.
            path = prefix + key
            self.locations[path] = value.location
            converted = self.value(value, spec, path)
            if converted is not None:
                result[key] = converted
        for spec in fields:
            given = node.value.get(spec.name)
            if not spec.required or spec.name in meant:
                continue
            meaning = _sentence_case(spec.description)
            if given is None:
                self.fail(
                    node.location,
                    "missing-key",
                    f"{what} has no '{spec.name}'",
                    f"add '{spec.name}': {meaning}",
                )
            elif given.value is None:
                # Written with nothing after it: the editor looks at the key, not the mapping.
                where = node.key_locations.get(spec.name, node.location)
                self.fail(where, "empty-value", f"'{spec.name}' is empty", f"write {meaning}")
        return result

    def value(self, node: Node, spec: Field, path: str) -> Any:
        """Convert one value; return None (after reporting) when it has the wrong shape."""
        value = node.value
        if value is INVALID:
            return None  # Already reported while reading the YAML.
        if spec.type is Type.MARKDOWN:
            return self.markdown(node, spec.name)
        if spec.type is Type.STR:
            return self.string(node, spec.name)
        if spec.type in (Type.ID, Type.REF):
            return self.ident(node, spec.name)
        if spec.type is Type.DATE:
            return self.date(node, spec.name)
        if spec.type is Type.NUMBER:
            if isinstance(value, bool) or not isinstance(value, int | float):
                self.wrong_type(
                    node, f"'{spec.name}' must be a number", "write digits only, e.g. 7939"
                )
                return None
            return value
        if spec.type is Type.BOOL:
            if not isinstance(value, bool):
                self.wrong_type(node, f"'{spec.name}' must be true or false", "write true")
                return None
            return value
        if spec.type is Type.CHOICE:
            if value not in spec.choices:
                self.fail(
                    node.location,
                    "bad-choice",
                    f"'{spec.name}' is {value!r}",
                    f"use one of: {', '.join(spec.choices)}",
                )
                return None
            return value
        if spec.type is Type.STR_MAP:
            fields = tuple(Field(key, Type.STR, spec.description) for key in spec.choices)
            return self.mapping(node, fields, f"'{spec.name}'", prefix=f"{spec.name}.")
        if not isinstance(value, list):
            self.wrong_type(node, f"'{spec.name}' must be a list", "write one '- item' per line")
            return None
        items: list[Node] = value
        if spec.type in (Type.REFS, Type.STRS):
            read = self.ident if spec.type is Type.REFS else self.string
            self.locations.update((f"{path}[{i}]", item.location) for i, item in enumerate(items))
            return tuple(text for item in items if (text := read(item, spec.name)) is not None)
        if spec.type is Type.CITED_TEXTS:
            return tuple(
                t
                for i, item in enumerate(items)
                if (t := self.cited_text(item, f"{path}[{i}]", f"{spec.name}_{i + 1}"))
            )
        read_item = self.citation if spec.type is Type.CITATIONS else self.figure_value
        return tuple(v for i, item in enumerate(items) if (v := read_item(item, f"{path}[{i}]")))

    def markdown(self, node: Node, name: str) -> str | None:
        """Read Markdown, whose rendering costs more than linear time, within its own bound."""
        text = self.string(node, name)
        if text is not None and len(text) > _MARKDOWN_CHARS.value:
            self.fail(
                node.location,
                "value-too-long",
                f"'{name}' has {len(text):,} characters, more than {_MARKDOWN_CHARS.value:,}",
                "keep to one claim; split a long text into several facts",
            )
            return None
        if text is not None and _DEEP_NESTING.search(text):
            self.fail(
                node.location,
                "markdown-too-deep",
                f"'{name}' nests lists or quotes more than {_MARKDOWN_DEPTH.value} deep",
                "flatten it: a fact's text is a sentence or two",
            )
            return None
        if text is not None and ("]" in text or "<" in text):  # Most texts link nothing.
            outside = without_code(text)
            self.bad_links(node, name, outside)
            if "<" in outside or "![" in outside:
                self.dropped_html(node, name, outside)
        return text

    def dropped_html(self, node: Node, name: str, text: str) -> None:
        """Warn of HTML that pages drop without a word: a tag that Markdown values may not hold,
        an attribute but a link's address and title (schema.MARKDOWN_TAGS), a comment, or an
        image, whose words ("![not](…)") would count for the checks and show nowhere."""
        dropped = ["<!-- --> (a comment)"] if "<!--" in text else []
        if _IMAGE.search(text):
            dropped.append("![…](…) (an image)")
        for found in _HTML_TAG.finditer(text):
            tag, rest = found.group(1).lower(), found.group(2)
            if tag not in schema.MARKDOWN_TAGS:
                dropped.append(f"<{tag}>")
                continue
            kept = schema.LINK_ATTRIBUTES if tag == "a" else frozenset()
            attributes = _ATTRIBUTE_VALUE.sub(" ", rest).replace("/", " ").split()
            dropped += [f"{a} on <{tag}>" for a in attributes if a.lower() not in kept]
        if dropped:
            self.problems.append(
                Problem(
                    "raw-html",
                    f"'{name}' has HTML that pages drop: {', '.join(dict.fromkeys(dropped))}",
                    node.location,
                    fact=self.fact,
                    hint="write Markdown instead: *emphasis*, **strong**, [words](https://…); "
                    "pages show no images or comments",
                    severity=Severity.WARNING,
                )
            )

    def bad_links(self, node: Node, name: str, text: str) -> None:
        """Warn of each link that leads nowhere or to the wrong place on some page that shows it.

        Pages drop a target of any other scheme (render/markdown.py). They keep a path, but one
        text shows on pages at several depths, and a root path misses a site under a base URL.
        """
        for found in _LINK_TARGET.finditer(text):
            target = next(group for group in found.groups() if group is not None)
            if target.lower().startswith(_LINKABLE):
                continue
            if _SCHEME.match(target):
                why = "pages drop it, and show the words linked to nothing"
            else:
                why = "a path, which leads elsewhere from each page that shows the text"
            self.problems.append(
                Problem(
                    "bad-link",
                    f"'{name}' links to '{target}', not to a web or mail address: {why}",
                    node.location,
                    fact=self.fact,
                    hint="write the whole address, starting with https://; facts link one "
                    "another by 'related' and the other id keys",
                    severity=Severity.WARNING,
                )
            )

    def string(self, node: Node, name: str) -> str | None:
        if not isinstance(node.value, str):
            self.wrong_type(node, f"'{name}' must be a string", "put the value in quotes")
            return None
        control = find_forbidden(node.value)
        if control is None and "&#" in node.value:
            control = find_forbidden(_referenced(node.value))
        if control:
            self.fail(
                node.location,
                "bad-character",
                f"'{name}' contains the control character U+{ord(control.group()):04X}",
                "delete it; pages cannot show it",
            )
            return None
        if not node.value.strip():
            self.fail(
                node.location,
                "empty-value",
                f"'{name}' is empty",
                "write a value or remove the key",
            )
            return None
        return node.value.strip()

    def ident(self, node: Node, name: str) -> str | None:
        text = self.string(node, name)
        if text is not None and len(text) > _ID_CHARS.value:
            self.fail(
                node.location,
                "bad-id",
                f"'{name}' has {len(text)} characters, more than {_ID_CHARS.value}",
                "use a shorter id: it becomes a folder name in the built site",
            )
            return None
        if text is not None and not _ID.fullmatch(text):
            self.fail(
                node.location,
                "bad-id",
                f"'{name}' is {text!r}, not an id",
                "use lowercase letters, digits and single hyphens, e.g. 'bridge-reopens'",
            )
            return None
        return text

    def date(self, node: Node, name: str) -> str | None:
        text = str(node.value) if isinstance(node.value, int) else self.string(node, name)
        if text is None:
            return None
        if _DATE.fullmatch(text) and _is_calendar_date(text):
            return text
        self.fail(
            node.location,
            "bad-date",
            f"'{name}' is {text!r}, not a valid ISO date",
            'write YYYY-MM-DD, YYYY-MM or YYYY, e.g. "2025-03-04"',
        )
        return None

    def citation(self, node: Node, path: str) -> Citation | None:
        data = self.mapping(node, schema.CITATION, "a citation", prefix=f"{path}.")
        if data is None or "source" not in data or "quote" not in data:
            return None
        # Problems with the quote point at the quote, and one with the id at the id.
        return Citation(
            location=self.locations.get(f"{path}.quote", node.location),
            source_location=self.locations.get(f"{path}.source"),
            **data,
        )

    def figure_value(self, node: Node, path: str) -> FigureValue | None:
        data = self.mapping(node, schema.FIGURE_VALUE, "a figure value", prefix=f"{path}.")
        if data is None or "value" not in data:
            return None
        if not self.has_citations(node, data, "value", required=True):
            return None
        return FigureValue(location=node.location, **data)

    def cited_text(self, node: Node, path: str, ident: str) -> CitedText | None:
        """Return a sentence with its citations, knowing where its own keys were written."""
        prefix = f"{path}."
        data = self.mapping(node, schema.CITED_TEXT, "a sentence", prefix=prefix)
        if data is None or "text" not in data:
            return None
        if not self.has_citations(node, data, "sentence", required=True):
            return None
        own = {
            key.removeprefix(prefix): where
            for key, where in self.locations.items()
            if key.startswith(prefix)
        }
        return CitedText(id=ident, location=node.location, locations=own, **data)

    def has_citations(
        self, node: Node, data: dict[str, Any], what: str, *, required: bool = False
    ) -> bool:
        """Tell whether a fact or figure value kept a citation; report it when it listed none.

        A list whose every citation was malformed is already reported item by item.
        """
        if data.get("sources"):
            return True
        listed = node.value.get("sources")  # `data` came from this mapping.
        absent = listed is None or listed.value is None
        # Where 'sources' is a required key, its absence is already reported as missing.
        if (absent and not required) or (listed is not None and listed.value == []):
            empty = "" if listed is None else ": 'sources' is empty"
            self.fail(
                node.key_locations.get("sources", node.location),
                "no-citations",
                f"{what} has no citations{empty}",
                "add at least one {source, quote} under 'sources'",
            )
        return False


def _sentence_case(text: str) -> str:
    """Lower-case a description's first letter for use mid-sentence, but keep acronyms (ISO)."""
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def _is_calendar_date(text: str) -> bool:
    parts = [int(p) for p in text.split("-")]
    year, month, day = parts + [1] * (3 - len(parts))
    try:
        datetime.date(year, month, day)
    except ValueError:
        return False
    return True


def without_code(text: str) -> str:
    """Return Markdown text with the words of each code span replaced by a space.

    Pages show a code span's words as written: `<b>` or `[x](/y)` in backticks is no tag and no
    link, so the HTML and link warnings must not read it. A run of backticks opens a span that
    the next run of as many, in the same paragraph, closes; a run that none closes is text
    (CommonMark's rule). Where Python-Markdown closes a longer run on a shorter one, it shows
    more as code than this finds, and the warnings read those words as before.
    """
    if "`" not in text:
        return text
    paragraphs: list[list[re.Match[str]]] = [[]]
    for found in _TICKS_OR_BREAK.finditer(text):
        if found.group().startswith("`"):
            paragraphs[-1].append(found)
        else:
            paragraphs.append([])
    parts: list[str] = []
    last = 0
    for runs in paragraphs:
        # The next run of the same length after each run: its closer, found in one pass back.
        closer: list[int | None] = [None] * len(runs)
        after: dict[int, int] = {}
        for index in range(len(runs) - 1, -1, -1):
            length = len(runs[index].group())
            closer[index], after[length] = after.get(length), index
        index = 0
        while index < len(runs):
            end = closer[index]
            if end is None:
                index += 1
                continue
            parts += [text[last : runs[index].end()], " "]
            last = runs[end].start()
            index = end + 1
    return "".join(parts) + text[last:]


def _referenced(text: str) -> str:
    """Return the characters that a text's numeric character references name, as a page shows
    them: html.unescape drops some ("&#x1;") that the page keeps, so it cannot tell."""
    codes = (
        int(hexadecimal, 16) if hexadecimal else int(decimal)
        for hexadecimal, decimal in _CHARACTER_REFERENCE.findall(text)
    )
    return "".join(chr(code) for code in codes if code <= sys.maxunicode)
