"""What the wording rules read of a fact, each part read once and only when a rule asks.

A rule compares a fact's text, as its pages show it, with its quotes, their sentences and
paragraphs in the sources, the publishers it cites and the facts it links; and it asks whom
each of them names, and to whom each gives its words ("according to CNN"). `Reading` holds
these for one fact; `Names` holds every name of the site, folded once per check.
"""

from __future__ import annotations

import functools
import html
import re
import unicodedata
from collections.abc import Iterable, Iterator
from typing import NamedTuple

from site_gen.model import (
    Citation,
    CitedText,
    Fact,
    Organization,
    Person,
    Place,
    Site,
)
from site_gen.verify.located import Located
from site_gen.verify.numbers import (
    Number,
    claimed_numbers_at,
    numbers_at,
    numbers_in_words,
)
from site_gen.verify.quotes import (
    before_closing_marks,
    fold_text,
)

# Words that hand a claim to someone: in a quote they attribute it, in a text they keep that.
# "state" and "report" are left out: "state of emergency" and "a report" attribute nothing; so
# are "declared" ("declared a state of emergency") and "confirmed" ("confirmed cases").
ATTRIBUTION_WORDS = (
    "according to",
    "alleged",
    "allegedly",
    "alleges",
    "accused",
    "accuses",
    "believes",
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
    "considered",
    "deems",
    "described",
    "emphasised",
    "emphasized",
    "explained",
    "insisted",
    "noted",
    "pledged",
    "pointed out",
    "stressed",
    "vowed",
    "warned",
    "reported",
    "reporting",
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


def alternatives(words: tuple[str, ...]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


# Some of the words say something else in some places: "adding to the arrests", "announced a
# state of emergency" (an act, not words), "as noted below".
ATTRIBUTION = re.compile(
    rf"(?<!\w)(?:{alternatives(ATTRIBUTION_WORDS)})(?!\w)(?<!\bas noted(?! by\b))"
    r"(?<!added(?= to\b))(?<!adding(?= to\b))(?<!announced(?= (?:a|an|the)\b))"
    r"(?<!\bthe accused)"
)
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
CAPITALIZED = re.compile(r"(?<![\w'’-])[A-Z][\w'’-]*")
_POSSESSIVE = re.compile(r"['’]s\Z")
# How near an attribution word a name must stand to be whom it attributes to: "according to
# CNN", "the health ministry says".
_ATTRIBUTION_REACH = 40
# What may stand between a speaker's name and the verb of saying: an aside in commas or a time,
# and the space before the verb ("Lind, the interior minister of Rova, said", "Lind on Monday
# said", "quoted Lind as saying"); how far back it is looked for; and what joins two speakers
# ("Berg and Lind said").
_BETWEEN = re.compile(
    r"(?:,[^,]{1,80},|(?: (?:also|earlier|later|then|again|yesterday|today|on \w+|as))+)? \Z"
)
_BETWEEN_REACH = 100 + _ATTRIBUTION_REACH
_JOINED = re.compile(r"(?:,| and|, and) (?:the )?\Z")
# The attribution words after which a name is whom the words were said to, not who said them.
_TOLD = frozenset({"told", "tells"})
# What ends the words a verb of saying gives when the speaker's name comes after the verb:
# "…, said Tokayev", "…,” said Tokayev" (a quote is folded to straight marks).
_SAID_AFTER = (",", '"', "'")
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
            fact.id: name_forms(fact)
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


class Reading:
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
        return [plain(c.quote) for c in self.fact.citations]

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
            found[citation] = ATTRIBUTION.findall(head) + ATTRIBUTION.findall(kept)
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
        return plain(text[start:end]), plain(text[end:finish])

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
        return plain(text[start : end if end >= 0 else len(text)])

    @functools.cached_property
    def linked(self) -> dict[str, Fact | None]:
        links = self.fact.references() if isinstance(self.fact, Fact) else ()
        return {ref: self.site.facts.get(ref) for _, ref in links}

    @functools.cached_property
    def publishers(self) -> list[str]:
        """Return the publishers of the sources the fact cites: citing them names them."""
        sources = self.site.sources
        found = {sources[c.source].publisher for c in self.fact.citations if c.source in sources}
        return sorted(plain(publisher) for publisher in found if publisher)

    @functools.cached_property
    def linked_texts(self) -> dict[str, str]:
        return {ref: plain(other.text) for ref, other in self.linked.items() if other}


def attributed_to(names: Names, sentence: str) -> dict[str, str]:
    """Return whom a folded sentence attributes its words to, by id, with the name it uses: a
    name right after "according to" ("according to CNN", "… the Kazakh Interior Ministry"),
    right before a verb of saying ("the health ministry says") or right after one that ends
    what it says ("…, said Tokayev", "…,” said Tokayev"). "Tokayev said the CSTO would…" and
    "Reports say Tokayev…" give nothing to the CSTO or to Tokayev, nor "told the conference"
    to the conference, nor "He wrote on Twitter" to Twitter."""
    found: dict[str, str] = {}
    for word in ATTRIBUTION.finditer(sentence):
        if word.group() not in _LEADING_ATTRIBUTIONS:
            preceding = sentence[max(0, word.start() - _BETWEEN_REACH) : word.start()]
            found |= _speakers_before(names, preceding)
            if word.group() in _TOLD or not preceding.rstrip().endswith(_SAID_AFTER):
                continue
        after = word.end() + 1
        if sentence.startswith("the ", after):
            after += len("the ")
        found |= names.leading(sentence[after : after + _ATTRIBUTION_REACH])
    return found


def _speakers_before(names: Names, preceding: str) -> dict[str, str]:
    """Return whom the text before a verb of saying names as its speakers: the name that ends
    it, or ends before an aside or a time ("Lind, the engineer, said", "Lind on Monday said"),
    and the names joined to that one ("Berg and Lind said", "Berg, Ruiz and Lind said"). A
    comma alone joins no list: "After a talk with Ruiz, Lind said" is Lind's."""
    between = _BETWEEN.search(preceding)
    head = preceding[: between.start()] if between else ""
    found: dict[str, str] = {}
    listed = False  # Whether an "and" has joined two of the names.
    while head:
        tail = head[-_ATTRIBUTION_REACH:]
        named = [(ref, start) for ref, start, end in names.occurrences(tail) if end == len(tail)]
        found |= {ref: tail[start:] for ref, start in named}
        joined = _JOINED.search(tail, 0, min((start for _, start in named), default=0))
        if not named or joined is None or not (listed := listed or "and" in joined[0]):
            break
        head = head[: len(head) - len(tail) + joined.start()]
    return found


def plain(text: str) -> str:
    """Fold a text or quote as the quote matcher does, in one case, without Markdown."""
    return shown_text(text).casefold()


def shown_text(text: str) -> str:
    """Return a Markdown text's words as its pages show them, folded as the quote matcher folds,
    keeping their case: without emphasis marks and link targets, and with character references
    read, so that no number or "not" hides in markup ("&#57;" is a 9 on the page). Compatibility
    forms are read as their plain ones, as the number rule reads them: "ｎｏｔ" is a "not"."""
    if any(mark in text for mark in _MARKS):  # Most texts and quotes have no Markdown.
        text = _MARKUP.sub(_unmark, text)
    if "&" in text:
        text = html.unescape(text)
    if not text.isascii():
        # "№ 5" is "number 5": compatibility folding makes it "No 5", a negation.
        text = unicodedata.normalize("NFKC", text.replace("№", "number "))
    return fold_text(text)


def _unmark(found: re.Match[str]) -> str:
    """Drop the markup where it stands, as the page shows its words; a line break is a space."""
    return " " if found.group().startswith("<br") else ""


def name_forms(entity: Person | Organization | Place) -> dict[str, str]:
    """Return each name of an entity, its own and its aliases, with the form searched for."""
    return {name: _ARTICLE.sub("", plain(name)) for name in (entity.name, *entity.aliases)}


def any_named(names: Iterable[str], corpora: list[str]) -> bool:
    """Tell whether any folded corpus (a quote, a publisher, a text) names any folded name."""
    return any(is_named(name, corpus) for corpus in corpora for name in names)


def is_named(name: str, corpus: str, prefix: bool = False) -> bool:
    """Tell whether a folded name appears in a folded corpus as whole words; or, as a `prefix`,
    at the start of a word: "tank" of "tanks", and not "men" of "government".

    str.find, not a pattern per name: names are many, and compiling each costs more than the
    search.
    """
    start = corpus.find(name)
    while start >= 0 and name:
        end = start + len(name)
        if not _is_word(corpus, start - 1) and (prefix or not _is_word(corpus, end)):
            return True
        start = corpus.find(name, start + 1)
    return False


def _is_word(text: str, index: int) -> bool:
    """Tell whether the character at `index` (none past either end) continues a word."""
    return 0 <= index < len(text) and (text[index].isalnum() or text[index] == "_")


def listing(words: list[str]) -> str:
    return ", ".join(f"'{word}'" for word in words)
