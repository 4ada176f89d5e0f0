"""The wording lint: warn where a fact's text says more than its quotes do.

Every quote may be verbatim and every number quoted, and the editors' text can still harden its
sources: drop "the ministry said", turn "more than 4,400" into "4,400", add a "not", or name a
linked person no source names. These are warnings, not errors, because only an editor can judge a
paraphrase: each finding is fixed in the text or accepted, with a reason, in the fact's
`accept` mapping. An accept whose finding is gone is reported too, so accepts do not outlive
the wording they excused.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from decimal import Decimal
from types import MappingProxyType

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
    schema,
)
from site_gen.model.counts import QUALIFIERS
from site_gen.verify.located import Located
from site_gen.verify.naming import unnamed, unnamed_actors, unnamed_self, unnamed_speaker
from site_gen.verify.numbers import (
    WORDS_RUN,
    YEAR,
    as_decimal,
    claimed_numbers,
    in_words,
)
from site_gen.verify.quotes import (
    find_reversals,
    strip_editorial,
)
from site_gen.verify.reading import (
    ATTRIBUTION,
    Finding,
    Names,
    Reading,
    alternatives,
    is_named,
    listing,
    plain,
)

# The qualifier right before a number: the number's offset ends the searched stretch.
# In any case, for a text's numbers are found in it before case folding (see Reading.folded).
# A sign glued to the number qualifies it as its words do: "~164" is "about 164", ">7,939"
# "more than 7,939".
_SIGNS = MappingProxyType(
    {
        "~": "about",
        "≈": "about",
        ">": "more than",
        "<": "less than",
        "≥": "at least",
        "≤": "at most",
    }
)
_QUALIFIER = re.compile(
    rf"(?<!\w)({alternatives(tuple(QUALIFIERS))}) ?\Z|([{''.join(_SIGNS)}])\Z", re.IGNORECASE
)
# A qualifier is at most three words before its number; this many characters hold them.
_QUALIFIER_REACH = max(len(q) for q in QUALIFIERS) + 1
# Where a sentence of a text ends: a stop or a semicolon, then a space or the end ("4.5" goes
# on): "the ministry said" in one clause of "…; the report says only…" attributes the other not.
_SENTENCE_END = re.compile(r"[.!?;](?=\s|\Z)")


# The words a quote gives a reform's status in, case-folded, each in the group named for its
# status ("under way" as under_way): "proposes", "announced", "is being created", "adopted". A
# badge that says "Enacted" of a proposal says more than any report. What is being studied is
# only proposed.
_STATUS_WORDS = re.compile(
    r"\b(?:(?P<proposed>propos\w*|suggest\w*|plan\w*|calls? for|called for"
    r"|(?:is|are|was|were) being (?:considered|discussed|studied|debated|examined|investigated))"
    r"|(?P<announced>announc\w*|unveil\w*|declar\w*)"
    r"|(?P<under_way>(?:is|are|was|were) being \w+|under ?way|in progress"
    r"|(?:has|have) (?:begun|started)|began|started|launched)"
    r"|(?P<enacted>enact\w*|adopt\w*|passed|approv\w*|signed|ratif\w*|became law"
    r"|(?:came|come|comes|entered|enters) into force|in force|took effect))\b"
)
# A negation up to two words before a status word: "has not passed", "was never approved".
_STATUS_DENIED = re.compile(r"(?:\b(?:not|never|no)|n't)(?: \w+){0,2} \Z")
_STATUS_REACH = 40
# A negation of a text and the word it governs, past the auxiliaries between them: "not
# order" of "did not order", "not seen" of "had not been seen", "no use" of "no use of force",
# "no longer runs".
_GOVERNED = re.compile(
    r"(\b(?:not|never|no(?: longer)?|cannot)|n't)"
    r" (?:(?:be|been|being|have|has|had|do|does|did|ever|yet|even|to|a|an|the|any) )*(\w+)"
)
# The words after which a word in "ed" is an adjective, as at the start: "the closed pier".
_DETERMINERS = frozenset({"the", "a", "an", "his", "her", "its", "their", "our", "this", "these"})
# The endings that make "order", "orders", "ordered" and "ordering" one word to compare.
_ENDING = re.compile(r"(?:ing|ed|es|s|e)\Z")
_WORD = re.compile(r"\w+")
# The words of a quote that make its claim less than a deed, each in the group named for its
# kind: a doubt ("could be supplied", "likely") or an intent ("proposed to legislate", "plans
# to", "is deliberating", "deems it necessary to"). A text keeps one with a word of the same
# kind, and says it is done without one: "will be sent", "banned"; a want or a need is no deed
# ("seeks a ban", "deems it necessary"), but "must" is often what the deed says ("banned cars,
# which must now leave"). They are found in a folded quote, the lookahead of their initials
# skipping the rest at C speed; "may" doubts only where the quote as written has it in lower
# case: "May 2" is a date.
_HEDGE_WORDS = re.compile(
    r"(?=[cdilmpu])\b(?:(?P<doubt>could|might|likely|unlikely|possibly|probably|perhaps|maybe"
    r"|may)|(?P<intent>propos\w*|plan(?:s|ned|ning)? to|intend(?:s|ed|ing)? to|intention"
    r"|deliberat\w*|(?:deem|consider)s? it necessary))\b"
)
_MAY = re.compile(r"\bmay\b")
_KEPT_HEDGE = MappingProxyType(
    {
        "doubt": re.compile(
            r"\b(?:(?i:could|might|likely|unlikely|possible|possibly|probably|perhaps|maybe"
            r"|potential\w*|doubt\w*|whether)|may)\b"
        ),
        "intent": re.compile(
            r"(?i)\b(?:propos\w*|suggest\w*|plan\w*|intend\w*|intention|deliberat\w*|consider\w*"
            r"|deem\w*|calls? for|called for|aim(?:s|ed)? to|want\w*|seek\w*|sought"
            r"|urg(?:e|es|ed|ing)|necessar\w*|put(?:s|ting)? forward|float(?:s|ed|ing)?)\b"
        ),
    }
)
_HEDGE_EXAMPLES = MappingProxyType(
    {
        "doubt": "could, may, might, likely, possible, probably, perhaps…",
        "intent": "proposed, suggested, plans, intends, considers, calls for…",
    }
)
# Words that say how much of a whole, how many times, or which in a row: a text has one only
# where a quote has it, for "all militants" is no "many of the militants", nor "twice the price"
# "a near-doubling", nor "second President" "First President". "Most" after "the" or "at" is no
# share ("the most violent", "at most"); "first", "only", "whole" and "every" are the editors'
# words too ("the report says only…", "every week" of "weekly").
_QUANTIFIER = re.compile(
    r"(?=[adehmst])\b(?:all|everyone|everybody|(?<!the )(?<!at )most|majority|twice|double|doubled"
    r"|half|triple|tripled|second|third)\b"
)
# The quantifiers that are verbs, by the stem their forms share.
_QUANTIFIER_VERBS = ("doubl", "tripl")
_NEARLY = ("near-", "nearly ", "almost ")
# Quantifiers that say the same amount, each with the one that stands for it.
_SAME_AMOUNT = MappingProxyType(
    {
        "majority": "most",
        "everyone": "all",
        "everybody": "all",
        "twice": "double",
        "doubled": "double",
        "tripled": "triple",
    }
)
# The word right after a number of a text, which says what the number counts ("250 tanks"),
# and the words there that count nothing ("4,400 were arrested", "5,135 after"), or count as
# a sign of the quote does ("30 percent" of "30%"), or say only that the count is of a group's
# members ("a 250-strong force" of "250 troops").
_COUNTED = re.compile(r"[ -]?([^\W\d_]{3,})")
_NOT_COUNTED = frozenset(
    {
        *("about", "after", "and", "are", "before", "between", "but", "for", "from", "had"),
        *("has", "have", "into", "more", "not", "over", "than", "that", "the", "then", "were"),
        *("was", "when", "which", "while", "who", "with", "percent", "per", "strong"),
    }
)
# The stems of a counted word and its irregular plural, each with the other's: "40 people" counts
# what "40 persons" does.
_PLURAL_STEMS = MappingProxyType({"peopl": "person", "person": "peopl"})
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
    rf"(?:{alternatives(tuple(_ROUND_NUMBERS))})(?![\w-])|{WORDS_RUN}"
)


def wording_problems(site: Site, fact: CitedText, located: Located, names: Names) -> list[Problem]:
    """Return a warning for each finding on a fact, or a sentence of the lead, that it does not
    accept, and for each stale accept. `located` places each of the fact's quotes; `names`
    finds whom a text names.

    A lead sentence links nothing and can accept nothing: its few words must stand on its quotes.
    """
    reading = Reading(site, fact, located, names)
    # The same number written twice is one finding.
    rules = (
        _unattributed,
        _qualifiers,
        _value_qualifiers,
        _number_words,
        _negations,
        _hedges,
        _counted,
        _quantifiers,
        unnamed,
        unnamed_actors,
        unnamed_self,
        unnamed_speaker,
        _status,
    )
    findings = dict.fromkeys(found for rule in rules for found in rule(reading))
    # A title, a figure's label or what a statement is about stands for the fact in lists,
    # feeds and search: it may not add a "not", change a number's qualifier or what it counts
    # either. (Headlines drop attributions; the text keeps them.)
    for key in schema.HEADING_KEYS:
        if getattr(fact, key, ""):
            heading = Reading(site, fact, located, names, key=key)
            findings |= dict.fromkeys(
                [
                    *_qualifiers(heading),
                    *_number_words(heading),
                    *_added_negations(heading),
                    *_dropped_negations(heading, reading),
                    *_quantifiers(heading),
                    *_counted(heading),
                ]
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


def _unattributed(reading: Reading) -> Iterator[Finding]:
    """The text states as fact what every quote attributes to someone.

    A statement is exempt: its speaker is shown with it as the one who claims it. So are
    persons, organizations and places: their quotes name them, often as the one who speaks
    ("the Kremlin said"), while their text says who or what they are, not what they said.
    """
    exempt = (Statement, Person, Organization, Place)
    if isinstance(reading.fact, exempt):
        return
    if ATTRIBUTION.search(reading.text):
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


def _unattributed_numbers(reading: Reading) -> Iterator[Finding]:
    """A number of the text that every quote giving it attributes stands in a sentence that
    attributes nothing: "police said traffic rose by 4,000" lost its "police said", where
    another quote of the fact states its own claim plainly."""
    for number in reading.claimed:
        if ATTRIBUTION.search(_sentence_at(reading.folded, number.start).casefold()):
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
    return listing(sorted({word for words in found for word in words}))


def _sentence_at(text: str, index: int) -> str:
    """Return the sentence of a text that holds the character at `index`."""
    start = max((end.end() for end in _SENTENCE_END.finditer(text, 0, index)), default=0)
    found = _SENTENCE_END.search(text, index)
    return text[start : found.start() if found else len(text)]


def _qualifiers(reading: Reading) -> Iterator[Finding]:
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
            yield Finding(
                "qualifier",
                f"{reading.key} says '{_qualified(used, number.written)}', but its quotes say "
                f"{_options(given, number.written)}",
                "write the number as a quote qualifies it",
                reading.key,
            )


def _value_qualifiers(reading: Reading) -> Iterator[Finding]:
    """A figure's value carries a qualifier other than those its own quotes put before its
    number: the pages would show a harder or a softer number than the reports give."""
    fact = reading.fact
    if not isinstance(fact, Figure):
        return
    # In digits or in words: "at least 2" is no "a maximum of two".
    numbers_of = dict(zip(fact.citations, reading.quoted_numbers, strict=True))
    for index, entry in enumerate(fact.values):
        number = as_decimal(entry.value)
        given = {
            _qualifier(reading.quote_of[citation], found.start)
            for citation in entry.sources
            for found in numbers_of[citation]
            if found.value == number
        }
        used = plain(entry.qualifier)
        if given and used not in given:
            written = f"{entry.value:,}"
            yield Finding(
                "qualifier",
                f"value is '{_qualified(used, written)}', but its quotes say "
                f"{_options(given, written)}",
                "write the qualifier as the quote gives it",
                f"values[{index}].{'qualifier' if entry.qualifier else 'value'}",
            )


def _number_words(reading: Reading) -> Iterator[Finding]:
    """A number the text writes in words ("three children", "hundreds") that no quote writes so
    and no quote gives in digits, or within the counts a round number stands for.

    Editors also count in words what no quote counts ("two reports say"): a warning, which such
    a text accepts. A quote's dates, designations and years back no count: "seven days" is no
    "January 7", "three hundred" no "S-300", and "thousands" no "2019".
    """
    given: set[Decimal] | None = None  # Most texts write no number in words.
    for found in _NUMBER_IN_WORDS.finditer(reading.text):
        written = found.group()
        if any(is_named(written, quote) for quote in reading.quotes):
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


def _status(reading: Reading) -> Iterator[Finding]:
    """A reform's status, which its pages show as a badge, is one its quotes give it in words
    of that status: "Enacted" of a report that Tokayev "proposes to legislate" is the editors'."""
    fact = reading.fact
    if not isinstance(fact, Reform) or not fact.status:
        return
    wanted = fact.status.replace(" ", "_")
    said = (
        found.lastgroup
        for quote in reading.quotes
        for found in _STATUS_WORDS.finditer(quote)
        if not _STATUS_DENIED.search(quote, max(0, found.start() - _STATUS_REACH), found.start())
    )
    if wanted not in said:
        yield Finding(
            "status",
            f"status is '{fact.status}', but no quote of this reform says so",
            "write the status its quotes give, or leave it out",
            "status",
        )


def _qualifier(text: str, start: int) -> str:
    """Return the qualifier written right before the number at `start`, in words, or ''."""
    found = _QUALIFIER.search(text, max(0, start - _QUALIFIER_REACH), start)
    if found is None:
        return ""
    return found.group(1).casefold() if found.group(1) else _SIGNS[found.group(2)]


def _options(qualifiers: set[str], written: str) -> str:
    """Write a number with each qualifier its quotes give it, for a message."""
    return " or ".join(f"'{_qualified(q, written)}'" for q in sorted(qualifiers))


def _qualified(qualifier: str, written: str) -> str:
    return f"{qualifier} {written}" if qualifier else written


def _negations(reading: Reading) -> Iterator[Finding]:
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
            f"a quote has {listing(found)}, but the text has no negation, denial or doubt",
            "check that the text does not reverse or harden its quotes",
        )


def _hedges(reading: Reading) -> Iterator[Finding]:
    """A quote doubts or intends what the text says with no word of doubt or intent: "the
    State Department is studying how they could be supplied" is no "will be sent", nor "Tokayev
    proposed to legislate a ban" a ban."""
    found: dict[str, str] = {}
    for citation, quote in reading.quote_of.items():
        for hedge in _HEDGE_WORDS.finditer(quote):
            if hedge.group() != "may" or _MAY.search(citation.quote):
                found.setdefault(str(hedge.lastgroup), hedge.group())
    for kind, word in found.items():
        if not _KEPT_HEDGE[kind].search(reading.folded):
            yield Finding(
                "hedge",
                f"a quote has '{word}', but the text has no word of {kind} "
                f"({_HEDGE_EXAMPLES[kind]})",
                "check that the text does not state as done or certain what its quotes do not",
            )


def _quantifiers(reading: Reading) -> Iterator[Finding]:
    """The text says how much of a whole, or how many times, in a word no quote has: "all" of
    "many", "most" of "some", "twice" of "a near-doubling"."""
    for word in dict.fromkeys(_QUANTIFIER.findall(reading.text)):
        if not any(_quantifies(word, reading.text, quote) for quote in reading.quotes):
            yield Finding(
                "quantifier",
                f"{reading.key} says '{word}', but no quote says so",
                "say how much, or how often, as a quote says it",
                reading.key,
            )


def _quantifies(word: str, text: str, quote: str) -> bool:
    """Tell whether a folded quote has a quantifier of the folded text, as one (the superlative
    in "the most serious" is no "most homes"), or one of the same amount ("the majority" of
    "most", "twice" of "doubled"), or a verb in any of its forms: "nearly doubled" says what "a
    near-doubling" does, but "doubled" says more."""
    if word.startswith(_QUANTIFIER_VERBS):
        forms = [word[:5] + ending for ending in ("e", "ed", "es", "ing")]
        if any(is_named(form, quote) for form in forms):
            nearly = any(near + form in quote for near in _NEARLY for form in forms)
            return not nearly or any(near + word in text for near in _NEARLY)
    amount = _SAME_AMOUNT.get(word, word)
    return any(_SAME_AMOUNT.get(found, found) == amount for found in _QUANTIFIER.findall(quote))


def _counted(reading: Reading) -> Iterator[Finding]:
    """A number of the text counts what no quote that gives the number names, in the quote or
    in its sentence: "250 tanks" of "250 pieces of military hardware", "10 miles" of "10 km".
    The number rule holds the digits to the quotes; this holds what they count."""
    for number in reading.claimed:
        words = _counted_words(reading.folded, number.start + len(number.written))
        if not words or words[0] in _NOT_COUNTED:
            continue
        word = " ".join(words)
        giving = [
            citation
            for citation, numbers in zip(
                reading.fact.citations, reading.quoted_numbers, strict=True
            )
            if any(given.value == number.value for given in numbers)
        ]
        stems = {form for each in words for form in _counted_stems(each)}
        if giving and not any(
            is_named(stem, corpus, prefix=True)
            for corpus in _quotes_then_sentences(reading, giving)
            for stem in stems
        ):
            yield Finding(
                "unit",
                f"{reading.key} says '{number.written} {word}', but no quote that gives "
                f"{number.written} names '{word}'",
                "say what the number counts as a quote says it",
                reading.key,
            )


def _quotes_then_sentences(reading: Reading, citations: list[Citation]) -> Iterator[str]:
    """Yield each citation's quote, then its sentence in the source, both folded: read as they
    are asked for, since a quote mostly names what its number counts, and finding its sentence
    in the source costs more."""
    for citation in citations:
        yield reading.quote_of[citation]
        yield reading.sentence(citation)


def _counted_words(text: str, end: int) -> list[str]:
    """Return, folded, the word right after a number that ends at `end`, and the word after that
    where the first is capitalized: a nationality or a name says of what the next word counts
    ("2,000 Russian troops" of "2,000 troops from Russia")."""
    words: list[str] = []
    while len(words) < 2 and (found := _COUNTED.match(text, end)):
        words.append(found.group(1).casefold())
        if not found.group(1)[0].isupper():
            break
        end = found.end()
    return words


def _counted_stems(word: str) -> tuple[str, str]:
    """Return the stem of a counted word, and that of its irregular plural or singular."""
    stem = _stem(word)
    return stem, _PLURAL_STEMS.get(stem, stem)


def _added_negations(reading: Reading) -> Iterator[Finding]:
    """The text, or the title, negates, denies or doubts and none of its quotes does."""
    reversals = find_reversals(reading.text, added=True)
    if reversals and not any(map(find_reversals, reading.quotes)):
        yield Finding(
            "negation",
            f"{reading.key} has {listing(sorted(set(reversals)))}, but none of its quotes has "
            "a negation, denial or doubt",
            f"check that the {reading.key} does not reverse its quotes",
            reading.key,
        )


def _dropped_negations(heading: Reading, reading: Reading) -> Iterator[Finding]:
    """A title, a label or what a statement is about says, with no negation, the word that a
    negation of the text governs: "Council passes the toll law" of "the council has not passed
    the toll law". One that names no part of the claim ("The toll law", "Probe") says nothing
    against the text. What a statement is about names a subject, which claims nothing ("the
    evidence" of "no evidence", "firing on peaceful demonstrators" of "never fired"), unless it
    says that something was done: "troops fired on peaceful demonstrators"; one that gives it
    to someone ("claims that troops fired…", "what he said was…") or asks it ("whether troops
    fired…") names a subject too, as an adjective does ("the fired shots")."""
    about = heading.key == "about"
    if find_reversals(heading.text) or (
        about and (ATTRIBUTION.search(heading.text) or is_named("whether", heading.text))
    ):
        return
    governed = {
        stem: f"{found.group(1)} {found.group(2)}"
        for found in _GOVERNED.finditer(reading.text)
        if len(stem := _stem(found.group(2))) > 2  # "us" of "use" is no word to find.
    }
    if not governed:
        return
    words = _WORD.findall(heading.text)
    for before, word in zip(["the", *words], words, strict=False):
        if about and (not word.endswith("ed") or before in _DETERMINERS):
            continue
        if negated := governed.get(_stem(word)):
            yield Finding(
                "negation",
                f"{heading.key} says '{word}' without the negation the text puts before it "
                f"('{negated}')",
                f"keep the text's negation in the {heading.key}",
                heading.key,
            )
            return


def _stem(word: str) -> str:
    return _ENDING.sub("", word)
