"""The shape of every YAML file, declared once for the loader and the JSON Schemas."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
DATE_PATTERN = r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"

KINDS = ("event", "person", "organization", "place", "reform", "figure", "statement")
STATUSES = ("proposed", "announced", "under way", "enacted")
# Who can speak, propose or report: a named person or a body.
ACTORS = ("person", "organization")
# What a source may say someone did with a reform: each is a field '<verb>_by' of its own.
REFORM_ACTS = ("proposed", "announced", "reported")
METADATA_FIELDS = ("title", "publisher", "date", "author")
# The wording lint's findings, which a fact's `accept` may accept (site_gen/verify/wording.py).
# The keys that stand for a fact where its text does not show: in lists, feeds, search and
# page titles.
HEADING_KEYS = ("title", "about", "label")
WORDING_CODES = (
    "unattributed",
    "qualifier",
    "number-word",
    "negation",
    "hedge",
    "quantifier",
    "unit",
    "unnamed",
    "status",
)
# What a source page shows: the whole stored text, or only the cited sentences.
PUBLISH_MODES = ("full", "excerpts")
# What a link in Markdown may lead to: pages drop any other target (render/markdown.py), and a
# path would miss the site under a base URL.
LINK_SCHEMES = ("http", "https", "mailto")
# The HTML that Markdown values may hold: enough for a fact's prose, nothing that can run, embed
# or restyle a page. Pages drop any other tag, and any attribute but a link's (render/markdown.py).
MARKDOWN_TAGS = frozenset(
    {"p", "em", "strong", "a", "code", "ul", "ol", "li", "blockquote", "br", "sub", "sup"}
)
LINK_ATTRIBUTES = frozenset({"href", "title"})


class Type(enum.Enum):
    STR = "string"
    MARKDOWN = "markdown"
    ID = "id"
    DATE = "date"
    REF = "reference"
    REFS = "list of references"
    STRS = "list of strings"
    NUMBER = "number"
    BOOL = "true or false"
    CHOICE = "choice"
    CITATIONS = "list of citations"
    VALUES = "list of figure values"
    CITED_TEXTS = "list of cited sentences"
    STR_MAP = "mapping of field to string"


@dataclass(frozen=True)
class Field:
    """One key of a YAML mapping: its type, whether it is required, and what it means."""

    name: str
    type: Type
    description: str
    required: bool = False
    choices: tuple[str, ...] = ()
    # For references: the kinds of fact the id must name (empty: any kind).
    ref_kinds: tuple[str, ...] = ()


CITATION = (
    Field("source", Type.ID, "Id of a source in seeds/sources.yml.", required=True),
    Field("quote", Type.STR, "Verbatim passage of that source.", required=True),
    Field("note", Type.STR, "Editorial note on this citation."),
)

COMMON = (
    Field("id", Type.ID, "Unique id across the site: lowercase words joined by hyphens.", True),
    Field("kind", Type.CHOICE, "What the fact is about.", True, KINDS),
    Field("text", Type.MARKDOWN, "One checkable claim, in the editors' words (Markdown).", True),
    Field("sources", Type.CITATIONS, "Citations: verbatim quotes that support the text."),
    Field("people", Type.REFS, "Persons this fact names.", ref_kinds=("person",)),
    Field(
        "organizations", Type.REFS, "Organizations this fact names.", ref_kinds=("organization",)
    ),
    Field("places", Type.REFS, "Places this fact names.", ref_kinds=("place",)),
    Field("related", Type.REFS, "Other related facts."),
    Field("draft", Type.BOOL, "Work in progress: shown by `site-gen serve`, left out of builds."),
    Field(
        "accept",
        Type.STR_MAP,
        "Wording-lint findings the editors accept, each with the reason why.",
        choices=WORDING_CODES,
    ),
)

_DATE_NOTE = Field("date_note", Type.STR, "How the date was derived from the text.")
_DATE_OF_REPORT = Field(
    "date_of_report",
    Type.BOOL,
    "The date is that of the report, not of the act: pages say 'reported' before it.",
)
_NAME = Field("name", Type.STR, "Name as the sources give it.", required=True)
_ALIASES = Field("aliases", Type.STRS, "Other names used in the sources.")

KIND_FIELDS: Mapping[str, tuple[Field, ...]] = MappingProxyType(
    {
        "event": (
            Field("title", Type.STR, "Short headline of the event.", required=True),
            Field("date", Type.DATE, "ISO date; partial dates allowed.", required=True),
            _DATE_NOTE,
            _DATE_OF_REPORT,
        ),
        "person": (
            _NAME,
            Field("roles", Type.STRS, "Roles as the sources give them."),
            _ALIASES,
        ),
        "organization": (_NAME, _ALIASES),
        "place": (_NAME, _ALIASES),
        "reform": (
            Field("title", Type.STR, "Short name of the reform.", required=True),
            *(
                Field(
                    f"{act}_by", Type.REF, f"Who {act} it, where a quote says so.", ref_kinds=ACTORS
                )
                for act in REFORM_ACTS
            ),
            Field("date", Type.DATE, "ISO date; partial dates (2022-01, 2022) allowed."),
            _DATE_NOTE,
            _DATE_OF_REPORT,
            Field("status", Type.CHOICE, "Status as the sources state it.", choices=STATUSES),
            Field("area", Type.STR, "Area, e.g. political, judicial, law enforcement."),
        ),
        "figure": (
            Field("label", Type.STR, "What is counted, e.g. 'vehicles a day'.", required=True),
            Field("values", Type.VALUES, "Every reported value, one entry each.", required=True),
        ),
        "statement": (
            Field("speaker", Type.REF, "Who made the claim.", True, ref_kinds=ACTORS),
            Field(
                "about", Type.STR, "What the claim is about, for its title: 'the bridge closure'."
            ),
            Field("date", Type.DATE, "When it was said; partial dates allowed.", required=True),
            _DATE_NOTE,
            _DATE_OF_REPORT,
            Field("contested_by", Type.REFS, "Facts that dispute this claim."),
        ),
    }
)

# Kinds that may carry all their citations on their values instead of on the fact.
CITES_ON_VALUES = ("figure",)

FIGURE_VALUE = (
    Field("value", Type.NUMBER, "The number as reported.", required=True),
    Field("qualifier", Type.STR, "As reported: about, more than, nearly, just over…"),
    Field("as_of", Type.DATE, "Date the value refers to; partial dates allowed."),
    Field("as_of_note", Type.STR, "How the as-of date was derived."),
    Field("reported_by", Type.REF, "Who reported the value.", ref_kinds=ACTORS),
    Field(
        "updates",
        Type.NUMBER,
        "An earlier value of this figure that this one is a later count of: the two read as a series.",
    ),
    Field(
        "restates",
        Type.NUMBER,
        "Another value of this figure that this one restates or rounds: not a second report.",
    ),
    Field("sources", Type.CITATIONS, "Citations supporting this value.", required=True),
)

# A sentence written outside the facts, as the home page's lead is, and held to its quotes alike.
CITED_TEXT = (
    Field("text", Type.MARKDOWN, "One sentence in the editors' words (Markdown).", required=True),
    Field("sources", Type.CITATIONS, "Citations: verbatim quotes that support it.", required=True),
)

SOURCE = (
    Field("id", Type.ID, "Short, stable id used by citations.", required=True),
    Field("file", Type.STR, "File name inside seeds/.", required=True),
    Field("sha256", Type.STR, "SHA-256 of the file; check fails when it changes.", True),
    Field("title", Type.STR, "Headline as the text gives it.", required=True),
    Field("publisher", Type.STR, "Publisher, only where the text states it."),
    Field("date", Type.DATE, "Publication date, only where the text states it."),
    Field("author", Type.STR, "Author, only where the text states it."),
    Field(
        "evidence",
        Type.STR_MAP,
        "Verbatim passages stating each metadata field.",
        choices=METADATA_FIELDS,
    ),
    Field(
        "editorial",
        Type.STR_MAP,
        "Fields the editors supplied or could not find, and why.",
        choices=METADATA_FIELDS,
    ),
    Field("ignore", Type.STRS, "Boilerplate passages excluded from coverage."),
    Field(
        "url", Type.STR, "Address of the original article (http or https); citations link to it."
    ),
    Field(
        "publish",
        Type.CHOICE,
        "What its page shows: the full text, or only the cited sentences (excerpts).",
        choices=PUBLISH_MODES,
    ),
)

LABEL_KEYS = (
    "home",
    "timeline",
    "people",
    "organizations",
    "places",
    "reforms",
    "figures",
    "statements",
    "sources",
    "search",
    "summary",
    "key_figures",
)

SITE = (
    Field("title", Type.STR, "Title of the briefing.", required=True),
    Field("description", Type.STR, "One sentence for meta tags and feeds.", required=True),
    Field("language", Type.STR, "Language tag of the pages, e.g. en."),
    Field("intro", Type.MARKDOWN, "How the briefing works, shown low on the home page (Markdown)."),
    Field(
        "lead",
        Type.CITED_TEXTS,
        "What happened, in a few sentences that open the home page, each cited like a fact.",
    ),
    Field("summary", Type.REFS, "Facts shown on the home page as 'what happened'."),
    Field("key_figures", Type.REFS, "Figure facts shown on the home page.", ref_kinds=("figure",)),
    Field("base_url", Type.STR, "URL path the site is served under, e.g. /briefing/."),
    Field("site_url", Type.STR, "Absolute URL of the published site; enables sitemap.xml."),
    Field(
        "coverage_target",
        Type.NUMBER,
        "Share of each source's sentences that facts and the lead must cite.",
    ),
    Field(
        "publish",
        Type.CHOICE,
        "What source pages show unless a source says otherwise: full or excerpts.",
        choices=PUBLISH_MODES,
    ),
    Field("labels", Type.STR_MAP, "Navigation and section labels.", choices=LABEL_KEYS),
)
