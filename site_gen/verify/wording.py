"""The wording lint: warn where a fact's text says more than its quotes do.

Every quote may be verbatim and every number quoted, and the editors' text can still harden its
sources: drop "the ministry said", turn "more than 4,400" into "4,400", add a "not", or name a
linked person no source names. These are warnings, not errors, because only an editor can judge a
paraphrase: each finding is fixed in the text or accepted, with a reason, in the fact's
`accept` mapping. An accept whose finding is gone is reported too, so accepts do not outlive
the wording they excused.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Iterable, Iterator
from decimal import Decimal
from types import MappingProxyType
from typing import NamedTuple

from site_gen.errors import Problem, Severity
from site_gen.model import (
    Citation,
    CitedText,
    Fact,
    Figure,
    Organization,
    Person,
    Place,
    Reform,
    Site,
    Statement,
)
from site_gen.model.counts import QUALIFIERS
from site_gen.verify.located import Located
from site_gen.verify.numbers import (
    WORDS_RUN,
    YEAR,
    Number,
    as_decimal,
    claimed_numbers,
    claimed_numbers_at,
    in_words,
    numbers_at,
    numbers_in_words,
)
from site_gen.verify.quotes import (
    before_closing_marks,
    find_reversals,
    fold_text,
    strip_editorial,
)

# Words that hand a claim to someone: in a quote they attribute it, in a text they keep that.
# "state" and "report" are left out: "state of emergency" and "a report" attribute nothing; so
# are "declared" ("declared a state of emergency") and "confirmed" ("confirmed cases").
ATTRIBUTION_WORDS = (
    "according to",
    "alleged",
    "allegedly",
    "alleges",
    "cited",
    "cites",
    "citing",
    "claim",
    "claimed",
    "claiming",
    "claims",
    "quoted",
    "quoting",
    "added",
    "adding",
    "announced",
    "announces",
    "announcing",
    "clarified",
    "emphasised",
    "emphasized",
    "explained",
    "insisted",
    "noted",
    "pledged",
    "stressed",
    "vowed",
    "warned",
    "reported",
    "reportedly",
    "reports",
    "said",
    "say",
    "saying",
    "says",
    "stated",
    "told",
    "tells",
    "wrote",
    "writes",
)


def _words(words: tuple[str, ...]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


# Some of the words say something else in some places: "adding to the arrests", "announced a
# state of emergency" (an act, not words), "as noted below".
_ATTRIBUTION = re.compile(
    rf"(?<!\w)(?:{_words(ATTRIBUTION_WORDS)})(?!\w)(?<!\bas noted(?! by\b))"
    r"(?<!added(?= to\b))(?<!adding(?= to\b))(?<!announced(?= (?:a|an|the)\b))"
)
# The qualifier right before a number: the number's offset ends the searched stretch.
# In any case, for a text's numbers are found in it before case folding (see _Reading.folded).
_QUALIFIER = re.compile(rf"(?<!\w)({_words(tuple(QUALIFIERS))}) ?\Z", re.IGNORECASE)
# A qualifier is at most three words before its number; this many characters hold them.
_QUALIFIER_REACH = max(len(q) for q in QUALIFIERS) + 1
# Where a sentence of a text ends: a stop or a semicolon, then a space or the end ("4.5" goes
# on): "the ministry said" in one clause of "…; the report says only…" attributes the other not.
_SENTENCE_END = re.compile(r"[.!?;](?=\s|\Z)")
# Where a sentence of a source ends: a stop, inside closing marks or not, before a space; or a
# blank line.
_SOURCE_SENTENCE_END = re.compile(r"[.!?][\"'”’»)\]]*(?=\s)|\n[^\S\n]*\n")
# A relative clause after a quote ("…, which he said were led by…"), or one that adds words
# ("…, adding that…"): whom it attributes to speaks of that clause, not of the quote.
_RELATIVE_CLAUSE = re.compile(r",\s*(?:which|who|whom|whose|adding|saying|noting|claiming)\b[^,]*")
# How far before and after a quote its sentence is looked for: sentences are shorter.
_SENTENCE_REACH = 600
# A word, as a name's first word is written ("Kassym-Jomart", "O'Brien"), and one that starts
# with a capital.
_WORD_START = re.compile(r"(?<![\w'’-])\w[\w'’-]*")
_CAPITALIZED = re.compile(r"(?<![\w'’-])[A-Z][\w'’-]*")
_POSSESSIVE = re.compile(r"['’]s\Z")
# How near an attribution word a name must stand to be whom it attributes to: "according to
# CNN", "the health ministry says".
_ATTRIBUTION_REACH = 40
# The attribution words after which a name is whom the words were said to, not who said them.
_TOLD = frozenset({"told", "tells"})
# The attribution words that come before whom they name.
_LEADING_ATTRIBUTIONS = frozenset({"according to", "citing", "quoting"})
# A leading article is not part of a name: "the authorities" is named by "authorities said".
_ARTICLE = re.compile(r"\Athe ")
# How many paragraphs before a quote's own may name who speaks in it.
_PARAGRAPHS_BEFORE = 2
# Link targets are addresses, and emphasis marks and the tags Markdown may hold are typography,
# not wording: "n<em>o</em>t" is a "not" on the page, and "**164**,250" one number.
_MARKUP = re.compile(r"\]\([^)\]]*\)|[*_`]+|<br\s*/?>|</?[A-Za-z][^<>]*>")
# The characters _MARKUP starts with: a text without any of them is left as it is.
_MARKS = ("]", "*", "_", "`", "<")


# Round numbers in words, with the counts they stand for, from and below: "dozens" is no 1,500.
_ROUND_NUMBERS = MappingProxyType(
    {
        "several dozen": (24, 200),
        "a few dozen": (24, 200),
        "several hundred": (200, 1_000),
        "a few hundred": (200, 1_000),
        "several thousand": (2_000, 10_000),
        "a few thousand": (2_000, 10_000),
        "hundreds of thousands": (200_000, 2 * 10**6),
        "tens of thousands": (20_000, 200_000),
        "dozens": (24, 200),
        "hundreds": (200, 2_000),
        "thousands": (2_000, 2 * 10**6),
        "millions": (2 * 10**6, 2 * 10**9),
        "billions": (2 * 10**9, 2 * 10**12),
    }
)
# A year written alone, which counts nothing a number in words could say.
_YEAR = re.compile(YEAR)
# A number in words: a round one, or a run of number words ("two hundred", "twenty-five").
_NUMBER_IN_WORDS = re.compile(
    rf"(?=[{''.join(sorted({word[0] for word in _ROUND_NUMBERS}))}])(?<![\w-])(?<!\d )"
    rf"(?:{_words(tuple(_ROUND_NUMBERS))})(?![\w-])|{WORDS_RUN}"
)


class Finding(NamedTuple):
    """One place where the text says more than its quotes, before any accept is applied."""

    code: str
    message: str
    hint: str
    # The key whose wording is at fault: the text, or a field that names someone.
    key: str = "text"


class Names:
    """The name forms of every person, organization and place of a site, folded once per check
    rather than once per fact that links them; and those of people and organizations by their
    first word, so one pass over a text's words finds whom it names, linked or not."""

    def __init__(self, site: Site) -> None:
        # Each name of each person, organization and place, with the form searched for.
        self.forms = {
            fact.id: _name_forms(fact)
            for fact in site.facts.values()
            if isinstance(fact, Person | Organization | Place)
        }
        self.by_first_word: dict[str, list[tuple[str, str]]] = {}
        for fact in site.facts.values():
            if isinstance(fact, Person | Organization):
                for form in set(self.forms[fact.id].values()):
                    first = form.split(" ", 1)[0]
                    self.by_first_word.setdefault(first, []).append((form, fact.id))

    def named_in(self, text: str, words: re.Pattern[str] = _WORD_START) -> dict[str, str]:
        """Return whom a text names, by id, each with the name it uses. `text` keeps its case
        when `words` finds only the capitalized ones, as a name in an editor's text starts."""
        named: dict[str, str] = {}
        for ref, start, end in self.occurrences(text, words):
            named.setdefault(ref, text[start:end])
        return named

    def occurrences(
        self, text: str, words: re.Pattern[str] = _WORD_START
    ) -> Iterator[tuple[str, int, int]]:
        """Yield each name a text gives: the id it names, where it starts and where it ends."""
        folded = text.casefold()
        for word in words.finditer(text):
            yield from self._starting(folded, word)

    def leading(self, text: str) -> dict[str, str]:
        """Return whom a text names with its first word, by id, with the name it uses: whom
        "said" gives its words to in "said Tokayev on Friday"."""
        word = _WORD_START.match(text)
        if word is None:
            return {}
        return {ref: text[:end] for ref, _, end in self._starting(text.casefold(), word)}

    def _starting(self, folded: str, word: re.Match[str]) -> Iterator[tuple[str, int, int]]:
        """Yield each name that starts at a word of a casefolded text."""
        start = word.start()
        first = _POSSESSIVE.sub("", word.group().casefold())  # "Putin's spokesman"
        for form, ref in self.by_first_word.get(first, ()):
            end = start + len(form)
            if folded.startswith(form, start) and not _is_word(folded, end):
                yield ref, start, end


class _Reading:
    """A fact's text, folded for comparison, and what it is compared with, folded only when a
    rule needs it: most texts give a rule nothing to ask of the quotes."""

    def __init__(
        self, site: Site, fact: CitedText, located: Located, names: Names, key: str = "text"
    ) -> None:
        self.site = site
        self.fact = fact
        self.located = located
        self.names = names
        # What is read: the text, or the title that lists, feeds and search show in its place.
        self.key = key
        # Case is kept where the numbers are found: "2 May" is a date, "2 may" is not.
        self.folded = shown_text(getattr(fact, key))
        self.text = self.folded.casefold()

    @functools.cached_property
    def quotes(self) -> list[str]:
        return [_plain(c.quote) for c in self.fact.citations]

    @functools.cached_property
    def quote_of(self) -> dict[Citation, str]:
        """Return each citation's quote, folded: a figure's value, or who spoke, answers to a
        few of the fact's quotes only."""
        return dict(zip(self.fact.citations, self.quotes, strict=True))

    @functools.cached_property
    def claimed(self) -> list[Number]:
        """Return the numbers the text claims, in digits or in words, at their offsets in
        `folded`."""
        return [*claimed_numbers_at(self.folded), *numbers_in_words(self.folded)]

    @functools.cached_property
    def quoted_numbers(self) -> list[list[Number]]:
        """Return every number of each quote, dates and designations too, and those in words."""
        return [[*numbers_at(quote), *numbers_in_words(quote)] for quote in self.quotes]

    @functools.cached_property
    def attributions(self) -> dict[Citation, list[str]]:
        """Return the words that attribute each quote: those of its sentence in the source up to
        its end, and those after it but in a relative clause ("…, which he said were…" says
        who said that clause, not the quote). A quote that stops before ", according to the
        Interior Ministry", or starts after "the ministry said", or omits "which he said",
        stands under the attribution all the same."""
        found = {}
        for citation in self.fact.citations:
            head, tail = self.sentence_parts(citation)
            kept = _RELATIVE_CLAUSE.sub("", tail)
            found[citation] = _ATTRIBUTION.findall(head) + _ATTRIBUTION.findall(kept)
        return found

    def sentence(self, citation: Citation) -> str:
        """Return, folded, the sentence or sentences of its source that a quote spans; the quote
        alone where its source cannot be read."""
        return " ".join(self.sentence_parts(citation))

    def sentence_parts(self, citation: Citation) -> tuple[str, str]:
        """Return, folded, the sentence a quote stands in, from its start to the quote's end,
        and the rest of it; the quote alone where its source cannot be read."""
        source, spans = self.site.sources.get(citation.source), self.located.of(citation)
        if source is None or not spans:
            return self.quote_of[citation], ""
        text, start, end = source.text, spans[0][0], spans[-1][1]
        ends = _SOURCE_SENTENCE_END.finditer(text, max(0, start - _SENTENCE_REACH), start)
        start = max((found.end() for found in ends), default=max(0, start - _SENTENCE_REACH))
        # From the quote's last stop, before any closing marks: a quote may end its sentence.
        stop = max(start, before_closing_marks(text, end) - 1)
        found = _SOURCE_SENTENCE_END.search(text, stop, end + _SENTENCE_REACH)
        finish = max(end, found.end()) if found else end + _SENTENCE_REACH
        return _plain(text[start:end]), _plain(text[end:finish])

    def surroundings(self, citation: Citation) -> str:
        """Return, folded, a quote's paragraph and the paragraphs just before it in its source:
        where a report says who speaks ("…," Lind said), or said it before ("He added…")."""
        source, spans = self.site.sources.get(citation.source), self.located.of(citation)
        if source is None or not spans:
            return ""
        text = source.text
        start = text.rfind("\n", 0, spans[0][0]) + 1  # Where the quote's paragraph starts.
        for _ in range(_PARAGRAPHS_BEFORE):
            start = text[:start].rstrip("\n").rfind("\n") + 1  # Over blank lines, if any.
        end = text.find("\n", spans[-1][1])
        return _plain(text[start : end if end >= 0 else len(text)])

    @functools.cached_property
    def linked(self) -> dict[str, Fact | None]:
        links = self.fact.references() if isinstance(self.fact, Fact) else ()
        return {ref: self.site.facts.get(ref) for _, ref in links}

    @functools.cached_property
    def publishers(self) -> list[str]:
        """Return the publishers of the sources the fact cites: citing them names them."""
        sources = self.site.sources
        found = {sources[c.source].publisher for c in self.fact.citations if c.source in sources}
        return sorted(_plain(publisher) for publisher in found if publisher)

    @functools.cached_property
    def linked_texts(self) -> dict[str, str]:
        return {ref: _plain(other.text) for ref, other in self.linked.items() if other}


def wording_problems(site: Site, fact: CitedText, located: Located, names: Names) -> list[Problem]:
    """Return a warning for each finding on a fact, or a sentence of the lead, that it does not
    accept, and for each stale accept. `located` places each of the fact's quotes; `names`
    finds whom a text names.

    A lead sentence links nothing and can accept nothing: its few words must stand on its quotes.
    """
    reading = _Reading(site, fact, located, names)
    # The same number written twice is one finding.
    rules = (
        _unattributed,
        _qualifiers,
        _value_qualifiers,
        _number_words,
        _negations,
        _unnamed,
        _unnamed_actors,
        _unnamed_self,
    )
    findings = dict.fromkeys(found for rule in rules for found in rule(reading))
    # A title stands for the fact in lists, feeds and search: it may not add a "not" or change
    # a number's qualifier either. (Headlines drop attributions; the text keeps them.)
    if getattr(fact, "title", ""):
        heading = _Reading(site, fact, located, names, key="title")
        findings |= dict.fromkeys(
            [*_qualifiers(heading), *_number_words(heading), *_added_negations(heading)]
        )
    accepted = fact.accept if isinstance(fact, Fact) else {}
    who = fact.fact_id
    problems = [
        Problem(
            found.code,
            found.message,
            fact.at(found.key),
            who,
            hint=f"{found.hint}, or accept it: accept: {{{found.code}: <why>}}"
            if who
            else found.hint,
            severity=Severity.WARNING,
        )
        for found in findings
        if found.code not in accepted
    ]
    found_codes = {found.code for found in findings}
    problems += [
        Problem(
            "stale-accept",
            f"accept.{code} accepts a finding the wording lint no longer makes",
            fact.at(f"accept.{code}"),
            fact.id,
            hint=f"remove accept.{code}",
            severity=Severity.WARNING,
        )
        for code in accepted
        # A finding may rest on a fact that failed to load: no accept is stale until all load.
        if code not in found_codes and site.complete
    ]
    return problems


def _plain(text: str) -> str:
    """Fold a text or quote as the quote matcher does, in one case, without Markdown."""
    return shown_text(text).casefold()


def shown_text(text: str) -> str:
    """Return a Markdown text's words as its pages show them, folded as the quote matcher folds,
    keeping their case: without emphasis marks and link targets, and with character references
    read, so that no number or "not" hides in markup ("&#57;" is a 9 on the page)."""
    if any(mark in text for mark in _MARKS):  # Most texts and quotes have no Markdown.
        text = _MARKUP.sub(_unmark, text)
    if "&" in text:
        text = html.unescape(text)
    return fold_text(text)


def _unmark(found: re.Match[str]) -> str:
    """Drop the markup where it stands, as the page shows its words; a line break is a space."""
    return " " if found.group().startswith("<br") else ""


def _unattributed(reading: _Reading) -> Iterator[Finding]:
    """The text states as fact what every quote attributes to someone.

    A statement is exempt: its speaker is shown with it as the one who claims it. So are
    persons, organizations and places: their quotes name them, often as the one who speaks
    ("the Kremlin said"), while their text says who or what they are, not what they said.
    """
    exempt = (Statement, Person, Organization, Place)
    if isinstance(reading.fact, exempt):
        return
    if _ATTRIBUTION.search(reading.text):
        yield from _unattributed_numbers(reading)
        return
    attributions = reading.attributions.values()
    if attributions and all(attributions):
        yield Finding(
            "unattributed",
            f"every quote attributes the claim ({_attributions(attributions)}), but the text "
            "states it as plain fact",
            "say in the text who says so",
        )
        return
    yield from _unattributed_numbers(reading)


def _unattributed_numbers(reading: _Reading) -> Iterator[Finding]:
    """A number of the text that every quote giving it attributes stands in a sentence that
    attributes nothing: "police said traffic rose by 4,000" lost its "police said", where
    another quote of the fact states its own claim plainly."""
    for number in reading.claimed:
        if _ATTRIBUTION.search(_sentence_at(reading.folded, number.start).casefold()):
            continue
        giving = [
            reading.attributions[citation]
            for citation, numbers in zip(
                reading.fact.citations, reading.quoted_numbers, strict=True
            )
            if any(found.value == number.value for found in numbers)
        ]
        if giving and all(giving):
            yield Finding(
                "unattributed",
                f"text gives {number.written} as plain fact, but every quote that gives it "
                f"attributes it ({_attributions(giving)})",
                "say in that sentence of the text who says so",
            )


def _attributions(found: Iterable[list[str]]) -> str:
    return _listing(sorted({word for words in found for word in words}))


def _sentence_at(text: str, index: int) -> str:
    """Return the sentence of a text that holds the character at `index`."""
    start = max((end.end() for end in _SENTENCE_END.finditer(text, 0, index)), default=0)
    found = _SENTENCE_END.search(text, index)
    return text[start : found.start() if found else len(text)]


def _qualifiers(reading: _Reading) -> Iterator[Finding]:
    """A number in the text carries a qualifier other than the ones its quotes give it."""
    text = reading.folded
    claimed = reading.claimed
    if not claimed:
        return
    quoted: dict[Decimal, set[str]] = {}
    for quote, numbers in zip(reading.quotes, reading.quoted_numbers, strict=True):
        # Every number of a quote: a date or a designation ("S-300") has no qualifier before it.
        for number in numbers:
            quoted.setdefault(number.value, set()).add(_qualifier(quote, number.start))
    for number in claimed:
        given = quoted.get(number.value, set())
        used = _qualifier(text, number.start)
        if given and used not in given:
            written = _qualified(used, number.written)
            options = " or ".join(f"'{_qualified(q, number.written)}'" for q in sorted(given))
            yield Finding(
                "qualifier",
                f"{reading.key} says '{written}', but its quotes say {options}",
                "write the number as a quote qualifies it",
                reading.key,
            )


def _value_qualifiers(reading: _Reading) -> Iterator[Finding]:
    """A figure's value carries a qualifier other than those its own quotes put before its
    number: the pages would show a harder or a softer number than the reports give."""
    fact = reading.fact
    if not isinstance(fact, Figure):
        return
    for index, entry in enumerate(fact.values):
        number = as_decimal(entry.value)
        given = {
            _qualifier(quote, found.start)
            for quote in (reading.quote_of[c] for c in entry.sources)
            for found in numbers_at(quote)
            if found.value == number
        }
        used = _plain(entry.qualifier)
        if given and used not in given:
            written = f"{entry.value:,}"
            options = " or ".join(f"'{_qualified(q, written)}'" for q in sorted(given))
            yield Finding(
                "qualifier",
                f"value is '{_qualified(used, written)}', but its quotes say {options}",
                "write the qualifier as the quote gives it",
                f"values[{index}].{'qualifier' if entry.qualifier else 'value'}",
            )


def _number_words(reading: _Reading) -> Iterator[Finding]:
    """A number the text writes in words ("three children", "hundreds") that no quote writes so
    and no quote gives in digits, or within the counts a round number stands for.

    Editors also count in words what no quote counts ("two reports say"): a warning, which such
    a text accepts. A quote's dates, designations and years back no count: "seven days" is no
    "January 7", "three hundred" no "S-300", and "thousands" no "2019".
    """
    given: set[Decimal] | None = None  # Most texts write no number in words.
    for found in _NUMBER_IN_WORDS.finditer(reading.text):
        written = found.group()
        if any(_names(written, quote) for quote in reading.quotes):
            continue
        if given is None:
            given = {
                value
                for citation in reading.fact.citations
                for digits, value in claimed_numbers(strip_editorial(citation.quote))
                if not _YEAR.fullmatch(digits)
            }
        if written in _ROUND_NUMBERS:
            low, high = _ROUND_NUMBERS[written]
            if any(low <= value < high for value in given):
                continue
            what = f"'{written}', but no quote says so, nor gives a count from {low:,} to {high:,}"
        else:
            value = in_words(written)
            if value in given:
                continue
            what = f"'{written}', but no quote says so, nor gives {value:,}"
        yield Finding(
            "number-word",
            f"{reading.key} says {what}",
            "write the number as a quote gives it",
            reading.key,
        )


def _qualifier(text: str, start: int) -> str:
    """Return the qualifier written right before the number at `start`, or ''."""
    found = _QUALIFIER.search(text, max(0, start - _QUALIFIER_REACH), start)
    return found.group(1).casefold() if found else ""


def _qualified(qualifier: str, written: str) -> str:
    return f"{qualifier} {written}" if qualifier else written


def _negations(reading: _Reading) -> Iterator[Finding]:
    """The text negates, denies or doubts and none of its quotes does, or a quote does and the
    text does not: either way, the text may say the opposite of its sources. "Tokayev dismissed
    claims that force was used" must not become "Tokayev said force was used" because another
    quote of the fact states a plain date.

    One code serves both ways, as at most one of them can hold: the text negates or it does not.
    """
    if find_reversals(reading.text):
        yield from _added_negations(reading)
        return
    found = sorted({word for quote in reading.quotes for word in find_reversals(quote)})
    if found:
        yield Finding(
            "negation",
            f"a quote has {_listing(found)}, but the text has no negation, denial or doubt",
            "check that the text does not reverse or harden its quotes",
        )


def _added_negations(reading: _Reading) -> Iterator[Finding]:
    """The text, or the title, negates, denies or doubts and none of its quotes does."""
    reversals = find_reversals(reading.text)
    if reversals and not any(map(find_reversals, reading.quotes)):
        yield Finding(
            "negation",
            f"{reading.key} has {_listing(sorted(set(reversals)))}, but none of its quotes has "
            "a negation, denial or doubt",
            f"check that the {reading.key} does not reverse its quotes",
            reading.key,
        )


def _unnamed(reading: _Reading) -> Iterator[Finding]:
    """The text names a linked person, organization or place, or a person it does not link, or
    gives its words to someone it does not link ("according to CNN"), whom nothing near its
    quotes names: "Putin wrote on Twitter" for a quote that says Tokayev did.

    A link the text does not name is a tag and claims nothing. The entity's own text does not
    count: it always names the entity, whatever the fact says. The person a fact is about may
    name themselves.
    """
    fact = reading.fact
    # A linked fact that failed to load, or a quote's source text that cannot be read, may
    # name the entity: its own problem comes first.
    if any(map(reading.site.unread, reading.linked)) or not all(
        map(reading.located.of, fact.citations)
    ):
        return
    links = (*fact.people, *fact.organizations, *fact.places) if isinstance(fact, Fact) else ()
    for ref in links:
        entity = reading.linked[ref]
        if not isinstance(entity, Person | Organization | Place):
            continue  # An unknown id or a fact of another kind is reported elsewhere.
        names = reading.names.forms[ref]
        named = [name for name, folded in names.items() if _names(folded, reading.text)]
        if named and not _named_near(reading, names.values(), ref):
            yield Finding(
                "unnamed",
                f"text names {_listing(named)} ('{ref}'), but no quote of this fact, nor its "
                f"paragraph or the two before, no publisher it cites and no fact it links names "
                f"{_listing(list(names))}",
                "cite a passage that names it, or remove the name and the link",
            )
    # People the text names, and whomever it gives words to ("according to CNN"): an
    # organization named in passing claims nothing.
    speakers = _attributed_to(reading.names, reading.text)
    for ref, name in (speakers | reading.names.named_in(reading.folded, _CAPITALIZED)).items():
        entity = reading.site.facts[ref]
        if ref in reading.linked or ref == fact.fact_id:
            continue
        if not isinstance(entity, Person) and ref not in speakers:
            continue
        if not _named_near(reading, reading.names.forms[ref].values(), ref):
            yield Finding(
                "unnamed",
                f"text names '{name}' ('{ref}'), whom no quote of this fact names, nor its "
                "paragraph or the two before, nor a publisher it cites or a fact it links",
                "name whom the quotes name, or cite a passage that names them",
            )


def _named_near(reading: _Reading, forms: Iterable[str], ref: str) -> bool:
    """Tell whether a quote, a cited publisher, a linked fact but `ref` itself, or a quote's
    paragraph or the two before it, names any of the folded name forms. A report names a
    speaker once and quotes on ("He added…"). Each is read only if the one before does not."""
    if _quoted(forms, reading.quotes) or _quoted(forms, reading.publishers):
        return True
    if _quoted(forms, [text for other, text in reading.linked_texts.items() if other != ref]):
        return True
    return _quoted(forms, [reading.surroundings(c) for c in reading.fact.citations])


def _unnamed_actors(reading: _Reading) -> Iterator[Finding]:
    """A fact says who did something only where its report does: who proposed, announced or
    reported a reform, who made a statement, who reported a figure's value. The editors must
    not supply a speaker or a source the report does not give.

    A report names a speaker once and quotes on ("He added…"), or after the quote ("…," Lind
    said), so a quote's paragraph and the two before it count, as does the publisher of a cited
    source (an agency that reports a count).
    """
    fact = reading.fact
    if not isinstance(fact, Fact):
        return  # A sentence of the lead names no one by id.
    for key, ref, citations in _actors(fact):
        actor = reading.linked.get(ref)
        if not isinstance(actor, Person | Organization):
            continue  # An unknown id or a fact of another kind is reported elsewhere.
        names = reading.names.forms[ref].values()
        quotes = [reading.quote_of[c] for c in citations]
        given = [_attributed_to(reading.names, quote) for quote in quotes]
        if _speaks(given, quotes, names, ref):
            continue  # Most quotes name who speaks: no source text needs reading.
        if not any(given) and _quoted(names, reading.publishers):
            continue  # An agency that reports a count is named by citing it.
        if not all(map(reading.located.of, citations)):
            continue  # A source that cannot be read, or is not the one pinned, is reported.
        sentences = [reading.sentence(c) for c in citations]
        said = [_attributed_to(reading.names, sentence) for sentence in sentences]
        if _speaks(said, sentences, names, ref):
            continue
        others = {other: name for each in (*given, *said) for other, name in each.items()}
        # A quote that gives its words to no one and names no one may be the actor's, named
        # just before it ("He added…"); one beside it that quotes someone else does not change
        # that. One that names another ("Tokayev described…") is that one's.
        free = [
            citation
            for citation, each in zip(citations, said, strict=True)
            if not each and not reading.names.named_in(reading.quote_of[citation])
        ]
        if others and _quoted(names, [reading.surroundings(c) for c in free]):
            continue
        if others:
            yield Finding(
                "unnamed",
                f"'{key}' names '{ref}', but its quote gives the words to "
                f"{_listing(list(others.values()))} ('{', '.join(sorted(others))}')",
                f"name in '{key}' whom the quote names, or cite the passage of '{ref}'",
                key,
            )
        elif not _quoted(names, [reading.surroundings(c) for c in citations]):
            yield Finding(
                "unnamed",
                f"'{key}' names '{ref}', but no quote of this {fact.kind}, in its paragraph or "
                f"the two before, names {_listing([actor.name, *actor.aliases])}",
                "cite the passage that names them, add the name the report uses to their "
                f"'aliases', or leave '{key}' out",
                key,
            )


def _speaks(given: list[dict[str, str]], texts: list[str], forms: Iterable[str], ref: str) -> bool:
    """Tell whether folded quotes or sentences, each with whom it gives its words to, are the
    actor `ref`'s: one gives them to it, or one that gives them to no one names it (by one of
    its `forms`). "According to CNN" names no speaker but CNN, and a headline beside it that
    names no one does not make the speaker someone else."""
    if any(ref in each for each in given):
        return True
    return _quoted(forms, [text for text, each in zip(texts, given, strict=True) if not each])


def _attributed_to(names: Names, sentence: str) -> dict[str, str]:
    """Return whom a folded sentence attributes its words to, by id, with the name it uses: a
    name right after "according to" ("according to CNN", "… the Kazakh Interior Ministry"),
    right before a verb of saying ("the health ministry says") or right after one ("said
    Tokayev"). "He wrote on Twitter" gives nothing to Twitter."""
    found: dict[str, str] = {}
    for word in _ATTRIBUTION.finditer(sentence):
        after = word.end() + 1
        if sentence.startswith("the ", after):
            after += len("the ")
        following = sentence[after : after + _ATTRIBUTION_REACH]
        if word.group() not in _TOLD:  # "told the conference" names whom he told.
            found |= names.leading(following)
        if word.group() in _LEADING_ATTRIBUTIONS:
            continue
        preceding = sentence[max(0, word.start() - _ATTRIBUTION_REACH) : word.start()]
        found |= {
            ref: preceding[start:end]
            for ref, start, end in names.occurrences(preceding)
            if end == len(preceding) - 1
        }
    return found


def _actors(fact: Fact) -> Iterator[tuple[str, str, tuple[Citation, ...]]]:
    """Return each key that names who did something, the id it names, and the citations that
    must name them: a figure's value answers for its own."""
    if isinstance(fact, Reform):
        yield from ((f"{verb}_by", ref, fact.citations) for verb, ref in fact.acts)
    elif isinstance(fact, Statement):
        yield "speaker", fact.speaker, fact.citations
    elif isinstance(fact, Figure):
        for index, entry in enumerate(fact.values):
            if entry.reported_by:
                yield f"values[{index}].reported_by", entry.reported_by, entry.sources


def _unnamed_self(reading: _Reading) -> Iterator[Finding]:
    """A person, organization or place that none of its own quotes names: its page would head
    the quotes with a name that is the editors' alone."""
    fact = reading.fact
    if not isinstance(fact, Person | Organization | Place):
        return
    names = reading.names.forms[fact.id]
    if not _quoted(names.values(), reading.quotes):
        listed = " or ".join(f"'{name}'" for name in names)
        yield Finding(
            "unnamed",
            f"no quote of this {fact.kind} names it {listed}",
            "cite a passage that names it, or add the name its quotes use under 'aliases'",
            "name",
        )


def _name_forms(entity: Person | Organization | Place) -> dict[str, str]:
    """Return each name of an entity, its own and its aliases, with the form searched for."""
    return {name: _ARTICLE.sub("", _plain(name)) for name in (entity.name, *entity.aliases)}


def _quoted(names: Iterable[str], corpora: list[str]) -> bool:
    """Tell whether any folded corpus (a quote, a publisher, a text) names any folded name."""
    return any(_names(name, corpus) for corpus in corpora for name in names)


def _names(name: str, corpus: str) -> bool:
    """Tell whether a folded name appears in a folded corpus as whole words.

    str.find, not a pattern per name: names are many, and compiling each costs more than the
    search.
    """
    start = corpus.find(name)
    while start >= 0 and name:
        end = start + len(name)
        if not _is_word(corpus, start - 1) and not _is_word(corpus, end):
            return True
        start = corpus.find(name, start + 1)
    return False


def _is_word(text: str, index: int) -> bool:
    """Tell whether the character at `index` (none past either end) continues a word."""
    return 0 <= index < len(text) and (text[index].isalnum() or text[index] == "_")


def _listing(words: list[str]) -> str:
    return ", ".join(f"'{word}'" for word in words)
