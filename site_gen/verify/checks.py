"""Check a loaded site: source pins, references, every quote, every number, the wording of
every text, and coverage.

A check never changes the model: where each quote sits in its source is returned beside it,
as `Located`, for the pages to highlight.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType

from site_gen.errors import Problem
from site_gen.model import (
    Citation,
    CitedText,
    Fact,
    Figure,
    FigureValue,
    Person,
    Site,
    Source,
    Span,
    counts,
    schema,
)
from site_gen.verify import reading, references, suggest, wording
from site_gen.verify.coverage import coverage_problems, site_coverage
from site_gen.verify.located import Located
from site_gen.verify.numbers import (
    Date,
    as_decimal,
    claimed_numbers,
    dates,
    field_date,
    numbers_in_words,
    weekday_of,
    weekdays,
)
from site_gen.verify.quotes import (
    QUOTE_MIN_WORDS,
    Match,
    Miss,
    Normalized,
    Reason,
    normalize,
    strip_editorial,
)
from site_gen.verify.verdicts import Verdicts

# Boilerplate and metadata evidence are often a word or two ("Related Articles", "GulfToday").
PASSAGE_MIN_WORDS = 1

_REASON_HINTS = MappingProxyType(
    {
        Reason.TOO_SHORT: "quote at least three words, so the passage is unambiguous",
        Reason.NOT_FOUND: "copy the passage verbatim from the source",
        Reason.FRAGMENT_TOO_SHORT: "give each part between '...' at least two words",
        Reason.FRAGMENT_ORDER: "keep the parts in source order, each within 300 characters of the last",
        Reason.OMITTED_NUMBER: "quote the omitted part too: it holds a number",
        Reason.OMITTED_NEGATION: "quote the omitted part too: it holds a negation, a denial or a hedge",
        Reason.OMITTED_BREAK: "quote one paragraph at a time, as its own citation",
        Reason.CUT: "quote that word too: without it the quote says other than its source",
    }
)


@dataclass(frozen=True)
class Verification:
    """What a check found: every problem, in file order, and where each quote was found."""

    problems: list[Problem]
    located: Located


@dataclass
class _Check:
    """What one check of a site carries from quote to quote."""

    site: Site
    verdicts: Verdicts
    # The spans of each passage found, by source id and passage.
    spans: dict[tuple[str, str], tuple[Span, ...]] = field(default_factory=dict)
    # The closest-passage lines of each wrong passage, by source id and passage.
    details: dict[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)
    # The spans above, as the wording lint and the pages read them; filled as the check goes.
    located: Located = field(init=False)
    # Whom the lint finds named in a text.
    names: reading.Names = field(init=False)

    def __post_init__(self) -> None:
        self.located = Located(self.spans)
        self.names = reading.Names(self.site)


def check_site(site: Site, verdicts: Verdicts | None = None) -> Verification:
    """Return every problem in the site, and the located spans of every passage found.

    `verdicts` remembers quote verdicts from earlier checks; a check without one matches all.
    """
    check = _Check(site, Verdicts() if verdicts is None else verdicts)
    problems = list(references.check_registry(site.sources.values()))
    problems += references.check_settings_references(site)
    problems += references.duplicate_titles(site)
    for source in site.sources.values():
        if source.text and not source.changed:
            problems += check_passages(check, source)
    for sentence in site.settings.lead:
        problems += check_cited_text(check, sentence)
    for fact in site.facts.values():
        problems += references.fact_reference_problems(site, fact)
        if isinstance(fact, Figure):
            problems += check_value_links(fact)
        if isinstance(fact, Person):
            problems += check_roles(fact)
        problems += check_cited_text(check, fact)
    check.verdicts.save()
    target = site.settings.coverage_target
    # A fact that failed to load may cite the passages that look uncited.
    if target > 0 and site.complete:
        problems += coverage_problems(site_coverage(site, check.located), target)
    return Verification(sorted(problems, key=Problem.sort_key), check.located)


def check_cited_text(check: _Check, text: CitedText) -> list[Problem]:
    """Hold a fact, or a lead sentence, to its quotes: each in its source, each number quoted,
    and its wording no stronger than theirs."""
    misquoted = [
        problem
        for citation in text.citations
        if (problem := check_citation(check, citation, text.fact_id))
    ]
    shown = shown_words(text)
    scripts = list(check_scripts(text, shown))
    # Numbers and wording are read against quotes that are really in their sources: a
    # misquoted "7,393" would say that the text's right "7,939" is the one to correct.
    if misquoted:
        return [*scripts, *misquoted]
    return [
        *scripts,
        *check_numbers(text, shown),
        *wording.wording_problems(check.site, text, check.located, check.names),
    ]


def check_passages(check: _Check, source: Source) -> list[Problem]:
    """Evidence passages and ignored spans must be found in the source like quotes."""
    problems: list[Problem] = []
    wanted = [(f"evidence.{key}", quote) for key, quote in source.evidence.items()]
    wanted += [(f"ignore[{i}]", quote) for i, quote in enumerate(source.ignore)]
    for key, quote in wanted:
        found = check.verdicts.match(quote, source, PASSAGE_MIN_WORDS)
        if isinstance(found, Miss):
            problems.append(
                Problem(
                    f"passage-{found.reason.value}",
                    f"source '{source.id}': {key} is not in {source.file} ({found.detail})",
                    source.at(key),
                    hint=_REASON_HINTS[found.reason],
                    detail=closest(check, quote, source),
                )
            )
        else:
            check.spans[source.id, quote] = found.spans
    return problems


def check_citation(check: _Check, citation: Citation, fact: str | None) -> Problem | None:
    """Verify one quote against its source and note its spans."""
    sources = check.site.sources
    source = sources.get(citation.source)
    if source is None:
        if check.site.source_unread(citation.source):
            return None  # Its registry entry's own problem is reported; fixing it may mend this.
        hint = (
            references.did_you_mean(citation.source, sources) or "use an id from seeds/sources.yml"
        )
        where = citation.source_location or citation.location
        return Problem("unknown-source", f"no source has id '{citation.source}'", where, fact, hint)
    if not source.text or source.changed:
        # The text is missing, unreadable or not the one pinned: that is reported once, and
        # errors about quotes it has changed under would only bury it.
        return None
    found = check.verdicts.match(citation.quote, source, QUOTE_MIN_WORDS)
    if isinstance(found, Match):
        check.spans[source.id, citation.quote] = found.spans
        return None
    if found.reason not in (Reason.TOO_SHORT, Reason.CUT):  # Both are in this source.
        elsewhere = [
            other.id
            for other in sources.values()
            if other.text
            and other.id != source.id
            and isinstance(check.verdicts.match(citation.quote, other, QUOTE_MIN_WORDS), Match)
        ]
        if elsewhere:
            names = " and ".join(f"'{other}'" for other in elsewhere)
            return Problem(
                "quote-wrong-source",
                f"quote is not in source '{source.id}' but is in {names}",
                citation.location,
                fact,
                hint=f"change 'source' to '{elsewhere[0]}'",
            )
    return Problem(
        f"quote-{found.reason.value}",
        f"quote does not match source '{source.id}': {found.detail}",
        citation.location,
        fact,
        hint=_REASON_HINTS[found.reason],
        # A quote too short to cite, or cut beside a word it needs, is most likely in the source
        # as it is: a diff against it would show nothing.
        detail=()
        if found.reason in (Reason.TOO_SHORT, Reason.CUT)
        else closest(check, citation.quote, source),
    )


def closest(check: _Check, quote: str, source: Source) -> tuple[str, ...]:
    """Return closest_detail once per check for each source and quote: a wrong quote repeated
    (by YAML aliases, say) would otherwise pay for the search each time."""
    key = (source.id, quote)
    if key not in check.details:
        check.details[key] = closest_detail(quote, source, check.verdicts.normalized(source))
    return check.details[key]


def closest_detail(quote: str, source: Source, text: Normalized) -> tuple[str, ...]:
    """Show the closest passage of the source as a word diff, calling out numbers and negations."""
    found = suggest.closest_passage(quote, text)
    if isinstance(found, suggest.Skipped):
        return (f"closest passage not searched: {found.reason}",)
    if found is None:
        return (f"no passage of seeds/{source.file} comes close",)
    line = source.text.count("\n", 0, found.start) + 1
    lines = [
        f"closest passage, seeds/{source.file}:{line}:",
        f"    {found.passage}",
        f"diff (quote -> source): {found.diff}",
    ]
    lines += [f"note: {callout}" for callout in found.callouts]
    return tuple(lines)


# A word of Latin letters and look-alikes of them: Cyrillic or Armenian letters, or the Greek
# ones that read as Latin (not "μ" of "μm").
_MIXED_SCRIPT = re.compile(
    r"(?<!\w)(?=\w*[A-Za-z])(?=\w*[\u0400-\u052f\u0530-\u058fΑΒΕΖΗΙΚΜΝΟΡΤΥΧαικνορτυχ])\w+"
)
# Words with which a text dates a report rather than what it reports.
_REPORTING = re.compile(r"\b(?:report(?:s|ed|ing)?|published|dated)\b", re.IGNORECASE)
# A word right before a role that ends or qualifies it, in a case-folded quote ("then" only as
# "then-president": "and then chief engineer Lind spoke" is what came next).
_ROLE_MODIFIER = re.compile(
    r"\b(?:(?:former|first|acting|deputy|vice|interim|ex|late|outgoing|ousted|one-time|incoming"
    r"|self-proclaimed|self-styled|would-be)[ -]|then-)\Z"
)
# The keys whose words every page shows as the fact's own: its text, and what lists, feeds and
# search show in its place: a title, a claim's subject, a figure's label, an entity's name.
_CLAIMING_KEYS = ("text", *schema.HEADING_KEYS, "name")


def shown_words(text: CitedText) -> dict[str, str]:
    """Return the words of each key that pages show as the fact's own, as they show them: read
    once for the rules on letters, numbers and dates."""
    return {
        key: reading.shown_text(value)
        for key in _CLAIMING_KEYS
        if (value := getattr(text, key, "") or "")
    }


def check_scripts(text: CitedText, shown: dict[str, str]) -> Iterator[Problem]:
    """No word of what the pages show of a fact mixes Latin letters with look-alikes of another
    script: "nоt" with a Cyrillic "о" shows as "not", and "Рutin" as "Putin", while the checker
    reads neither. Read as the lint reads it (fullwidth "ｎ" is an "n"); a quote, or a passage
    of a source, is what its source is, and a unit such as "μm" is no look-alike."""
    for key, words in shown.items():
        if not words.isascii() and (found := _MIXED_SCRIPT.search(words)):
            yield Problem(
                "bad-character",
                f"{key} writes '{found.group()}' in the letters of two scripts, which look alike "
                "but read as another word",
                text.at(key),
                text.fact_id,
                hint="retype the word on a plain keyboard",
            )


def check_numbers(fact: CitedText, shown: dict[str, str]) -> Iterator[Problem]:
    """Every number in the text and the title (a claim's subject), and every figure value,
    must appear in the fact's quotes; every date, in its quotes or its own date fields."""
    what = "fact" if isinstance(fact, Fact) else "sentence"
    quoted: set[Decimal] | None = None  # Most texts claim no number: read quotes on demand.
    years: set[Decimal] = set()
    for key, words in shown.items():
        yield from _unbacked_dates(fact, key, words, what)
        for written, value in dict.fromkeys(claimed_numbers(words)):  # Twice is one problem.
            if quoted is None:
                quoted = _quoted_numbers(fact.citations)
                # A year alone ("in 2022") is backed by the fact's own date, as a date is; a
                # count written "2,022" is no year.
                years = {Decimal(date[:4]) for date in _own_dates(fact)}
            if value not in quoted and not (value in years and written.isdigit()):
                yield Problem(
                    "number-not-quoted",
                    f"{key} says {written}, but no quote of this {what} contains that number",
                    fact.at(key),
                    fact.fact_id,
                    hint=f"correct the number or cite a passage that gives {written}",
                )
    if isinstance(fact, Figure):
        for index, entry in enumerate(fact.values):
            own = _quoted_numbers(entry.sources)
            if as_decimal(entry.value) not in own:
                given = ", ".join(f"{v:f}" for v in sorted(own)) or "no numbers"
                yield Problem(
                    "number-not-quoted",
                    f"value {entry.value} is not a number in this value's quotes "
                    f"(they give {given})",
                    fact.at(f"values[{index}].value"),
                    fact.id,
                    hint="write the value exactly as the quote gives it",
                )


def _unbacked_dates(fact: CitedText, key: str, shown: str, what: str) -> Iterator[Problem]:
    """A date the text writes is no count, but it can be altered like one: "5 January" for a
    quote's "January 6", or "on Thursday" for a report's Friday. It must be a date or a day of a
    quote, or of the fact's own date fields."""
    written: list[tuple[str, Date | str]] = [
        *dates(shown),
        *((day, day) for day in weekdays(shown)),
    ]
    if not written:
        return  # Most texts write no date.
    # A report's date is not the date of what it reports, nor its day: "on January 31" for an
    # interview that a report of January 31 does not date. A quote must give it, unless the
    # text dates the report ("the Gazette reported on March 3").
    own = _own_dates(fact)
    if getattr(fact, "date_of_report", False) and not _REPORTING.search(shown):
        own = []
    quotes = [strip_editorial(c.quote) for c in fact.citations]
    known = {field_date(value) for value in own}
    known |= {date for quote in quotes for _, date in dates(quote)}
    backed: set[Date | str | None] = set().union(*(date.forms() for date in known))
    backed |= {weekday_of(value) for value in own}
    backed |= {day for quote in quotes for day in weekdays(quote)}
    fields = " and none of its date fields" if isinstance(fact, Fact) else ""
    for text, date in dict.fromkeys(written):
        if date not in backed:
            which = "day" if isinstance(date, str) else "date"
            yield Problem(
                "date-not-quoted",
                f"{key} says {text}, but no quote of this {what}{fields} gives that {which}",
                fact.at(key),
                fact.fact_id,
                hint=f"correct the {which}, or cite a passage that gives {text}",
            )


def _own_dates(fact: CitedText) -> list[str]:
    """Return the dates a fact's own fields give: an event's, a statement's or a reform's
    date, and a figure's values' `as_of`."""
    own = [v.as_of for v in fact.values] if isinstance(fact, Figure) else []
    own.append(getattr(fact, "date", ""))
    return [date for date in own if date]


def _quoted_numbers(citations: Iterable[Citation]) -> set[Decimal]:
    """Return the quantities that quotes give, each quote read as the matcher reads it: without
    "[sic]" and invisible characters, so "7,[sic]939" or "7,\u200b939" gives 7,939, not 939.
    A number in words counts too: "three children" backs "3 children"."""
    quotes = [strip_editorial(c.quote) for c in citations]
    given = {value for quote in quotes for _, value in claimed_numbers(quote)}
    return given | {number.value for quote in quotes for number in numbers_in_words(quote)}


def check_value_links(figure: Figure) -> Iterator[Problem]:
    """A value's `updates` and `restates` must each name another value, and updates form series."""

    def others(value: FigureValue) -> str:
        """List the values another may name, for the hint: never the value itself."""
        found = [
            format(v.value, ",") for v in figure.values if v.restates is None and v is not value
        ]
        if not found:
            return "this figure has no other value; remove it"
        return f"write the number of one of its other values exactly: {', '.join(found)}"

    def problem(code: str, index: int, key: str, message: str, hint: str) -> Problem:
        return Problem(code, message, figure.at(f"values[{index}].{key}"), figure.id, hint)

    updated: dict[int, int] = {}
    for index, value in enumerate(figure.values):
        if value.updates is not None and value.restates is not None:
            yield problem(
                "value-links",
                index,
                "restates",
                "a value either updates another or restates one, not both",
                "keep 'updates' for a later count, 'restates' for a rounding or repetition",
            )
            continue
        for key in ("updates", "restates"):
            number = getattr(value, key)
            if number is None:
                continue
            named = counts.named_value(figure, value, number)
            if named is None:
                yield problem(
                    "unknown-value",
                    index,
                    key,
                    f"'{key}' names {number:,}, which is no other value of this figure",
                    others(value),
                )
            elif key == "updates" and updated.setdefault(id(named), index) != index:
                yield problem(
                    "value-links",
                    index,
                    key,
                    f"two values update {number:,}; a count has one next count",
                    "make this value update the later of the two, or leave 'updates' out "
                    "if the reports disagree",
                )
    in_counts = {id(v) for count in counts.counts(figure) for v in count.values}
    for index, value in enumerate(figure.values):
        if value.restates is None and id(value) not in in_counts:
            yield problem(
                "value-links",
                index,
                "updates",
                f"the updates of {value.value:,} go round in a loop",
                "the earliest count of a series has no 'updates'",
            )


def check_roles(person: Person) -> list[Problem]:
    """A role is shown as the sources give it, so it must appear in one of the person's quotes,
    in whole words: "rime" is no role of a "Prime Minister"; and not right after a word that
    ends or qualifies it: "Prime Minister" is no role of a "former Prime Minister"."""
    quoted = [normalize(c.quote).text.casefold() for c in person.citations]

    def quotes_give(role: str) -> bool:
        words = normalize(role).text.casefold()
        return any(
            not _ROLE_MODIFIER.search(quote, 0, at)
            for quote in quoted
            for at in _places(words, quote)
        )

    return [
        Problem(
            "role-not-quoted",
            f"role '{role}' is not in any quote of this person",
            person.at(f"roles[{index}]"),
            person.id,
            hint="write the role as a quote gives it, or cite a passage that gives it",
        )
        for index, role in enumerate(person.roles)
        if not quotes_give(role)
    ]


def _places(words: str, text: str) -> Iterator[int]:
    """Yield where `words` stand in `text` with no letter or digit glued to either end."""
    at = text.find(words)
    while at >= 0:
        end = at + len(words)
        glued_before = words[:1].isalnum() and text[at - 1 : at].isalnum()
        glued_after = words[-1:].isalnum() and text[end : end + 1].isalnum()
        if not (glued_before or glued_after):
            yield at
        at = text.find(words, at + 1)
