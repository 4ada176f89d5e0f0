"""Write a valid synthetic site root of N facts, so builds can be timed at any size.

The output is deterministic for a given N and seed: every quote is a word-aligned slice of its
source text, every number a fact's text claims comes from its own quotes, and the registry pins
each source file by its sha256, so `python -m site_gen check` passes with zero errors.

    python benchmarks/synth.py 10000 /tmp/site-10k
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_TEMPLATES = REPO / "templates"

# The mix of the real briefing, scaled (normalized, as these sum to 0.95): most facts are events
# and claims.
KIND_SHARES = {
    "event": 0.30,
    "statement": 0.25,
    "figure": 0.12,
    "person": 0.10,
    "organization": 0.06,
    "place": 0.06,
    "reform": 0.06,
}
ACTOR_KINDS = ("person", "organization")
ENTITY_KINDS = ("person", "organization", "place")
# Names that sentences mention but no fact describes, as in real reporting.
EXTRA_NAMES = 20
MIN_FACTS = len(KIND_SHARES) * 2
FACTS_PER_SOURCE = 10
FACTS_PER_FILE = 500
SOURCE_BYTES = 5000
FOLDERS = ("wire", "archive", "regional")
QUOTE_WORDS = (8, 30)


def _words(text: str) -> tuple[str, ...]:
    """Split a word list written as one string, so the vocabularies stay readable."""
    return tuple(text.split())


# Words that open template sentences and read lowercase after a lead such as "Reports say".
SENTENCE_OPENERS = frozenset({"The", "Some", "A", "It", "Officials", "According"})
# A source ends with boilerplate that the registry marks as ignored, as real scraped pages do.
BOILERPLATE = "Related Articles"

COMMON_NOUNS = _words(
    "government parliament ministry council court police army protest vote reform budget "
    "election strike border market price fuel bridge harbour road school hospital committee "
    "agency report investigation statement interview decree law treaty region province city "
    "village district company union office tribunal commission delegation summit airport "
    "railway factory mine pipeline crop harvest flood storm drought fire curfew census"
)
PLURALS = _words(
    "people residents workers soldiers officers protesters voters families children farmers "
    "drivers vehicles households patients students teachers journalists companies shops homes "
    "buildings hectares tonnes barrels litres flights trains ballots complaints arrests"
)
ADJECTIVES = _words(
    "regional national local foreign new former interim provisional public private central "
    "northern southern eastern western rural urban military civilian economic political "
    "judicial official unofficial sudden prolonged peaceful violent temporary permanent"
)
VERBS_PAST = _words(
    "reported confirmed announced rejected approved detained released evacuated blocked "
    "reopened closed delayed funded inspected counted registered recorded dismissed suspended "
    "restored criticised welcomed questioned described"
)
VERBS = _words(
    "review confirm extend suspend restore fund inspect publish reduce expand protect "
    "investigate support oppose delay accept"
)
WEEKDAYS = _words("Monday Tuesday Wednesday Thursday Friday Saturday Sunday")
ROLES = (
    "interior minister",
    "deputy mayor",
    "chief engineer",
    "regional governor",
    "party leader",
    "police spokesman",
    "finance minister",
    "union organiser",
    "prime minister",
    "court president",
    "press secretary",
    "army commander",
)
ORG_WORDS = ("Ministry", "Council", "Agency", "Union", "Office", "Party", "Commission", "Bank")
PLACE_WORDS = ("Province", "Valley", "District", "Bay", "", "", "")
PUBLISHERS = ("Wire Service", "Daily Courier", "Evening Post", "News Agency", "Gazette")
QUALIFIERS = ("about", "more than", "nearly", "over", "at least")
AREAS = ("political", "judicial", "law enforcement", "economic", "infrastructure")
SYLLABLES = _words(
    "ka ra mo li ven dor sa ti el an bel cor da fen gal hir is jo kel lum mar nor ol pa quin "
    "ros sul tor ur val wen xa yor zel bru cha dre fli gro pla stu tra vin"
)

NEGATION_ACCEPTED = "A quote negates or denies in a sentence that the text does not restate."
# The negations the checker reads just outside a quote ("without" only before one).
NEGATIONS = frozenset(_words("not no never nor none neither cannot nothing nobody nowhere"))
# And what it reads just before one: "without", and the denials and hedges ("rejected").
NEGATIONS_BEFORE = NEGATIONS | frozenset(
    _words(
        "without deny denies denied denying denial false falsely untrue refute refutes refuted "
        "refuting reject rejects rejected rejecting dismiss dismisses dismissed dismissing refuse "
        "refuses refused refusing fail fails failed failing alleged allegedly reportedly "
        "purportedly supposedly unconfirmed unverified"
    )
)


def reverses(word: str) -> bool:
    """Tell whether a word negates, denies or doubts, as the wording lint reads it: "_not_" is
    "not" in emphasis, and "rejected," the word without its comma."""
    return word.strip(",.;:“”\"'’*_").lower() in NEGATIONS_BEFORE


# The verbs of titles and labels: a "rejected" in one would be a denial no quote of its fact gives.
TITLE_VERBS = tuple(verb for verb in VERBS_PAST if not reverses(verb))
# Sentence templates; each slot is filled by `_Writer.fill`. Multi-word values become tokens.
TEMPLATES = (
    "The {adj} {noun} in {place} {verbed} {qual}{num} {nouns} on {weekday}, {org} said.",
    "According to {org}, {qual}{num} {nouns} {verbed} the {adj} {noun} near {place}.",
    "“We will {verb} the {noun} and the {adj} {noun},” {person} said in a statement.",
    "Officials in {place} did not say whether the {noun} would {verb} the {adj} {nouns}.",
    "The {noun} of {org} {verbed} {adj} {nouns} across {place}’s {adj} districts.",
    "Then {qual}{num} {nouns} were {verbed} by {org} during the {adj} {noun}, {person} said.",
    "It was the largest {noun} since {year}, when {org} {verbed} the {adj} {noun}.",
    "{person} {verbed} the {noun} on {weekday} and asked {org} to {verb} it.",
    "In {place}, {qual}{num} {nouns} {verbed} the {noun} before the {adj} {noun} began.",
    "A {adj} {noun} {verbed} {num} {nouns} and {num} {nouns} in the {adj} {noun}.",
    "The {adj} {noun} said it would {verb} the {noun} by the end of {month}.",
)
MONTHS = _words(
    "January February March April May June July August September October November December"
)

# Slots filled from a word list, and slots filled with an entity's name.
WORD_SLOTS = {
    "adj": ADJECTIVES,
    "nouns": PLURALS,
    "verb": VERBS,
    "verbed": VERBS_PAST,
    "weekday": WEEKDAYS,
    "month": MONTHS,
}
NAME_SLOTS = {"person": "person", "org": "organization", "place": "place"}


@dataclass
class Entity:
    """A person, organization or place fact, known before the sources that mention it."""

    id: str
    kind: str
    name: str
    role: str = ""


@dataclass
class Token:
    """One whitespace-separated word of a source, with its value if it is a count."""

    text: str
    number: int | None = None
    qualifier: str = ""


@dataclass
class SourceText:
    """A generated source: its paragraphs as tokens, and planted sentences per entity."""

    id: str
    title: str
    publisher: str
    dateline: str
    paragraphs: list[list[Token]] = field(default_factory=list)
    # Entity id -> (paragraph index, first token, end token) of its introducing sentence.
    planted: dict[str, tuple[int, int, int]] = field(default_factory=dict)

    def text(self) -> str:
        lines = [self.title, self.dateline]
        lines += [" ".join(t.text for t in paragraph) for paragraph in self.paragraphs]
        return "\n".join([*lines, BOILERPLATE]) + "\n"


class _Writer:
    """Draws words, names and sentences from one seeded random generator."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        # Invented words make every source's vocabulary different, as real articles' is.
        self.lexicon = sorted({self.invent() for _ in range(4000)})

    def invent(self) -> str:
        return "".join(self.rng.choice(SYLLABLES) for _ in range(self.rng.randint(2, 3)))

    def name(self) -> str:
        return f"{self.invent().capitalize()} {self.invent().capitalize()}"

    def noun(self) -> str:
        # Mostly common words, with a long tail of rare ones (Zipf-like, as in real text).
        if self.rng.random() < 0.6:
            return self.rng.choice(COMMON_NOUNS)
        return self.lexicon[int(len(self.lexicon) * self.rng.random() ** 2)]

    def number(self) -> int:
        roll = self.rng.random()
        if roll < 0.4:
            return self.rng.randint(2, 99)
        if roll < 0.75:
            return self.rng.randint(100, 999)
        return self.rng.randint(1000, 250_000)

    def date(self) -> str:
        day = f"{self.rng.randint(2019, 2023)}-{self.rng.randint(1, 12):02d}"
        return day if self.rng.random() < 0.15 else f"{day}-{self.rng.randint(1, 28):02d}"

    def fill(self, template: str, names: _Names) -> list[Token]:
        """Return a template's tokens with every slot filled; counts keep their values."""
        tokens: list[Token] = []
        for word in template.split():
            head, slot, tail = _split_slot(word)
            if slot is None:
                tokens.append(Token(word))
                continue
            qualifier = ""
            if slot == "qual":
                # A qualifier always precedes a count, so figures can report it as written.
                count_head, slot, tail = _split_slot(tail)
                if slot != "num":
                    raise ValueError(f"{{qual}} must be followed by {{num}} in {template!r}")
                if self.rng.random() < 0.5:
                    qualifier = self.rng.choice(QUALIFIERS)
                    tokens += [Token(w) for w in f"{head}{qualifier}".split()]
                    head = ""
                head += count_head
            if slot == "num":
                value = self.number()
                tokens.append(Token(f"{head}{value:,}{tail}", value, qualifier))
                continue
            words = self.slot(slot, names).split()
            words[0] = head + words[0]
            words[-1] += tail
            tokens += [Token(w) for w in words]
        return tokens

    def slot(self, slot: str, names: _Names) -> str:
        """Return a value for one template slot."""
        if slot in WORD_SLOTS:
            return self.rng.choice(WORD_SLOTS[slot])
        if slot in NAME_SLOTS:
            return names.pick(self.rng, NAME_SLOTS[slot])
        if slot == "noun":
            return self.noun()
        if slot == "year":
            return str(self.rng.randint(1990, 2018))
        raise KeyError(f"unknown slot {{{slot}}}")


def _split_slot(word: str) -> tuple[str, str | None, str]:
    """Split 'x{slot}y' into ('x', 'slot', 'y'); a word without a slot gives (word, None, '')."""
    start = word.find("{")
    if start < 0:
        return word, None, ""
    end = word.index("}", start)
    return word[:start], word[start + 1 : end], word[end + 1 :]


@dataclass
class _Names:
    """Names sentences may mention: the site's entities plus extras no fact describes."""

    by_kind: dict[str, list[str]]

    def pick(self, rng: random.Random, kind: str) -> str:
        return rng.choice(self.by_kind[kind])


def kind_counts(n: int) -> dict[str, int]:
    """Split n facts over the kinds by their shares (largest remainder, at least one each)."""
    total = sum(KIND_SHARES.values())
    exact = {kind: n * share / total for kind, share in KIND_SHARES.items()}
    counts = {kind: max(1, int(value)) for kind, value in exact.items()}
    by_remainder = sorted(KIND_SHARES, key=lambda k: exact[k] - int(exact[k]), reverse=True)
    for kind in by_remainder[: n - sum(counts.values())]:
        counts[kind] += 1
    return counts


def slug(text: str) -> str:
    return "-".join("".join(c for c in word.lower() if c.isalnum()) for word in text.split())


def make_entities(writer: _Writer, counts: dict[str, int]) -> list[Entity]:
    """Create the people, organizations and places first, so every source can mention them."""

    def draw(kind: str) -> str:
        if kind == "person":
            return writer.name()
        if kind == "organization":
            return f"{writer.invent().capitalize()} {writer.rng.choice(ORG_WORDS)}"
        return f"{writer.invent().capitalize()} {writer.rng.choice(PLACE_WORDS)}".strip()

    entities: list[Entity] = []
    taken: set[str] = set()
    # A running number keeps ids unique; names are drawn again until new, as check refuses two
    # facts of one title.
    for kind in ENTITY_KINDS:
        for _ in range(counts[kind]):
            name = draw(kind)
            while name in taken:
                name = draw(kind)
            taken.add(name)
            role = writer.rng.choice(ROLES) if kind == "person" else ""
            entities.append(Entity(f"{slug(name)}-{len(entities)}", kind, name, role))
    return entities


def planted_sentence(writer: _Writer, entity: Entity, names: _Names) -> list[Token]:
    """Return a sentence introducing an entity, which its own fact then quotes."""
    templates = {
        "person": f"{entity.name}, the {entity.role} of {{org}}, told reporters on {{weekday}} "
        "that the {noun} had {verbed} {num} {nouns}.",
        "organization": f"{entity.name} said in a statement on {{weekday}} that the {{noun}} "
        "would {verb} the {adj} {nouns} in {place}.",
        "place": f"In {entity.name}, residents {{verbed}} the {{adj}} {{noun}} as {{qual}}{{num}} "
        "{nouns} {verbed} the {noun}.",
    }
    return writer.fill(templates[entity.kind], names)


def write_source(writer: _Writer, index: int, entities: list[Entity], names: _Names) -> SourceText:
    """Generate about SOURCE_BYTES of sentences, planting one sentence per entity fact."""
    rng = writer.rng
    words = writer.fill("{adj} {noun} {verbed} in {place}", names)
    title = " ".join(w.text[:1].upper() + w.text[1:] for w in words)
    publisher = rng.choice(PUBLISHERS)
    place = names.pick(rng, "place")
    dateline = f"{place}, {rng.choice(WEEKDAYS)} ({publisher}).- Reporting by {writer.name()}."
    source = SourceText(f"source-{index:05d}", title, publisher, dateline)
    pending = list(entities)
    size = len(title) + len(dateline)
    while size < SOURCE_BYTES or pending:
        paragraph: list[Token] = []
        for _ in range(rng.randint(2, 5)):
            if pending and rng.random() < 0.5:
                entity = pending.pop()
                sentence = planted_sentence(writer, entity, names)
                where = (len(source.paragraphs), len(paragraph), len(paragraph) + len(sentence))
                source.planted[entity.id] = where
            else:
                sentence = writer.fill(rng.choice(TEMPLATES), names)
            paragraph += sentence
        source.paragraphs.append(paragraph)
        size += sum(len(t.text) + 1 for t in paragraph)
    return source


@dataclass(frozen=True)
class Quote:
    """A citation: a slice of one paragraph's tokens."""

    source: str
    tokens: tuple[Token, ...]

    @property
    def text(self) -> str:
        return " ".join(t.text for t in self.tokens)

    @property
    def reverses(self) -> bool:
        """Tell whether the quote negates, denies or doubts: "not" or "rejected", say."""
        return any(reverses(t.text) for t in self.tokens)


def uncut(paragraph: list[Token], start: int, end: int) -> tuple[Token, ...]:
    """Return the tokens from `start` to `end`, widened as the checker asks of a quote: with the
    "not" (or "rejected") just before or after them, and the qualifier of a count they start
    with."""
    while True:
        if start > 0 and paragraph[start - 1].text.lower() in NEGATIONS_BEFORE:
            start -= 1
        elif paragraph[start].qualifier:
            start -= len(paragraph[start].qualifier.split())
        elif end < len(paragraph) and paragraph[end].text.lower() in NEGATIONS:
            end += 1
        else:
            return tuple(paragraph[start:end])


def random_slice(rng: random.Random, source: SourceText) -> Quote:
    """Cut a word-aligned quote of 8–30 words out of a random paragraph."""
    paragraph = rng.choice(source.paragraphs)
    length = min(len(paragraph), rng.randint(*QUOTE_WORDS))
    start = rng.randint(0, len(paragraph) - length)
    return Quote(source.id, uncut(paragraph, start, start + length))


def number_slice(rng: random.Random, source: SourceText) -> tuple[Quote, Token, str, bool]:
    """Cut a quote around one count, for a figure value; return it, the count, its unit, and
    whether the source names that unit after the count (else the unit is invented)."""
    spots = [
        (paragraph, i)
        for paragraph in source.paragraphs
        for i, token in enumerate(paragraph)
        if token.number is not None
    ]
    paragraph, at = rng.choice(spots)
    length = min(len(paragraph), rng.randint(*QUOTE_WORDS))
    # Start early enough to include the qualifier words before the count.
    lowest = max(0, at - length + 1)
    highest = min(at - (2 if paragraph[at].qualifier else 0), len(paragraph) - length)
    start = rng.randint(lowest, max(lowest, highest))
    unit = paragraph[at + 1].text if at + 1 < len(paragraph) else ""
    named = unit.isalpha()
    unit = unit if named else rng.choice(PLURALS)
    return Quote(source.id, uncut(paragraph, start, start + length)), paragraph[at], unit, named


def planted_slice(rng: random.Random, source: SourceText, entity_id: str) -> Quote:
    """Quote an entity's introducing sentence from its start, so a person's role is covered."""
    index, start, end = source.planted[entity_id]
    length = min(end - start, rng.randint(12, QUOTE_WORDS[1]))
    return Quote(source.id, uncut(source.paragraphs[index], start, start + length))


def paraphrase(rng: random.Random, quote: Quote, lead: str) -> str:
    """Restate a quote's first whole sentence, so every number in the text is a quoted one."""
    words = [t.text for t in quote.tokens]
    begin = next((i for i in range(1, len(words)) if words[i - 1].endswith(".")), 0)
    stop = next((i + 1 for i in range(begin, len(words)) if words[i].endswith(".")), len(words))
    # Commas stay: "Lind, the mayor, said" gives its words to Lind, "Lind the mayor of Rova
    # Council said" to the council.
    picked = [w.strip(".;:“”\"'’") for w in words[begin : min(stop, begin + 16)]]
    picked = [w for w in picked if w.strip(",")]
    picked[-1] = picked[-1].rstrip(",")
    if picked[0] in SENTENCE_OPENERS:
        picked[0] = picked[0].lower()
    roll = rng.random()
    if roll < 0.2:
        k = rng.randrange(len(picked))
        picked[k] = f"**{picked[k]}**" if roll < 0.1 else f"_{picked[k]}_"
    text = f"{lead} {' '.join(picked)}."
    if rng.random() < 0.05:
        text += " See [the full report](https://example.org/x)."
    return text


def yaml_str(text: str) -> str:
    """Return a YAML double-quoted scalar; JSON string syntax is a subset of it."""
    return json.dumps(text, ensure_ascii=False)


def yaml_refs(ids: list[str]) -> str:
    return "[" + ", ".join(ids) + "]"


@dataclass
class _Site:
    """Everything generated so far, for the facts to refer to."""

    writer: _Writer
    entities: dict[str, Entity]
    actors: list[Entity]
    sources: list[SourceText]
    kinds: list[str]
    ids: list[str]
    # Entity ids by kind, for drawing references.
    pools: dict[str, list[str]] = field(default_factory=dict)
    # The source that introduces each entity, by id.
    homes: dict[str, SourceText] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for entity in self.entities.values():
            self.pools.setdefault(entity.kind, []).append(entity.id)
        self.homes = {entity: source for source in self.sources for entity in source.planted}

    def naming(self, actor: Entity) -> Quote:
        """Quote the sentence that introduces an actor: a speaker or a reporter is cited by name,
        as the wording lint asks."""
        return planted_slice(self.writer.rng, self.homes[actor.id], actor.id)


# Letters that spell no negation ("no", "not", "never" all hold an "o" or an "e").
CASE_LETTERS = "abcdfghijklmnpqrstuvwyz"


def case_name(index: int) -> str:
    """Return a word that tells fact `index` apart, in letters: digits in a text are claims,
    and a "No" or a "Six" in a title would be a negation or a number no quote has."""
    letters = ""
    while True:
        index, rest = divmod(index, len(CASE_LETTERS))
        letters = CASE_LETTERS[rest] + letters
        if not index:
            return letters


def citation_lines(quote: Quote, indent: str) -> list[str]:
    return [f"{indent}- source: {quote.source}", f"{indent}  quote: {yaml_str(quote.text)}"]


def fact_yaml(site: _Site, index: int) -> list[str]:
    """Return the YAML lines of fact `index`, which cites the source holding its quotes."""
    rng = site.writer.rng
    kind = site.kinds[index]
    fact_id = site.ids[index]
    source = site.sources[index // FACTS_PER_SOURCE]
    lines = [f"- id: {fact_id}", f"  kind: {kind}"]
    refs: dict[str, list[str]] = {}
    quotes: list[Quote] = []
    speaker: Entity | None = None
    # The figure values' quotes: with `quotes`, everything the fact cites.
    counted: list[Quote] = []
    if fact_id in site.entities:
        entity = site.entities[fact_id]
        lines.append(f"  name: {yaml_str(entity.name)}")
        if entity.role:
            lines.append(f"  roles: [{entity.role}]")
        quotes.append(planted_slice(rng, source, fact_id))
        lead = {
            "person": f"{entity.name}, the {entity.role}, is quoted as saying",
            "organization": f"{entity.name} is cited on",
            "place": f"In {entity.name}, reports describe",
        }[kind]
    elif kind == "figure":
        text = _figure_fact(site, index, source, lines, counted)
    else:
        lead, speaker = _dated_fact(site, index, lines, refs)
    if kind != "figure" or rng.random() < 0.2:
        while len(quotes) < (1 if rng.random() < 0.6 else 2):
            quotes.append(random_slice(rng, source))
    if kind == "statement" and speaker is not None:
        quotes.append(site.naming(speaker))
    if kind != "figure":
        text = paraphrase(rng, quotes[0], lead)
    lines.insert(2, f"  text: {yaml_str(text)}")
    if kind in ("event", "statement", "reform") and rng.random() < 0.7:
        refs["people"] = sorted({*refs.get("people", []), *_pick(rng, site, "person", 2)})
    if kind in ("event", "figure") and rng.random() < 0.5:
        refs["organizations"] = _pick(rng, site, "organization", 2)
    if kind in ("event", "statement") and rng.random() < 0.4:
        refs["places"] = _pick(rng, site, "place", 1)
    if rng.random() < 0.2:
        refs["related"] = _others(rng, site, index, ("event", "statement", "reform", "figure"))
    lines += [f"  {key}: {yaml_refs(ids)}" for key, ids in refs.items() if ids]
    # The text restates one sentence of a quote, or a figure's count; where a quote's "not" or
    # "rejected" is in another sentence, an editor accepts the wording lint's finding, as on a
    # real site.
    if any(quote.reverses for quote in quotes + counted) and not any(map(reverses, text.split())):
        lines.append(f"  accept: {{negation: {yaml_str(NEGATION_ACCEPTED)}}}")
    if quotes:
        lines.append("  sources:")
        for quote in quotes:
            lines += citation_lines(quote, "    ")
    return lines


def _figure_fact(
    site: _Site, index: int, source: SourceText, lines: list[str], counted: list[Quote]
) -> str:
    """Add a figure's label and values, each quoting its own count, to `lines`, and their quotes
    to `counted`; return the figure's text."""
    rng = site.writer.rng
    counts = [number_slice(rng, source) for _ in range(rng.choice((1, 1, 2)))]
    counted += [quote for quote, _, _, _ in counts]
    first, unit, named = counts[0][1], counts[0][2], counts[0][3]
    # Numbered, as an editor would tell two like figures apart: check warns of a repeated title.
    label = f"{unit} {rng.choice(TITLE_VERBS)} in case {case_name(index)}"
    lines += [f"  label: {label}", "  values:"]
    for quote, count, _, _ in counts:
        lines.append(f"    - value: {count.number}")
        if count.qualifier:
            lines.append(f"      qualifier: {count.qualifier}")
        lines.append(f'      as_of: "{site.writer.date()}"')
        cited = [quote]
        if rng.random() < 0.8:
            actor = rng.choice(site.actors)
            lines.append(f"      reported_by: {actor.id}")
            cited.append(site.naming(actor))
            counted.append(cited[-1])
        lines.append("      sources:")
        for each in cited:
            lines += citation_lines(each, "        ")
    qualifier = f"{first.qualifier} " if first.qualifier else ""
    # Attributed, with its qualifier, as the wording lint asks of a text; a count the source
    # gives with no unit is not said to count one in the text either.
    if not named:
        return f"Reports say {qualifier}{first.number:,}: {label}."
    return f"Reports say {qualifier}{first.number:,} {label}."


def _dated_fact(
    site: _Site, index: int, lines: list[str], refs: dict[str, list[str]]
) -> tuple[str, Entity | None]:
    """Add the keys of an event, statement or reform; return the lead of its text, and the
    speaker of a statement."""
    kind = site.kinds[index]
    writer = site.writer
    rng = writer.rng
    date = writer.date()
    words = (writer.noun(), rng.choice(TITLE_VERBS), "in", "case", case_name(index))
    title = " ".join(w.capitalize() for w in words)
    if kind == "event":
        lines += [f"  title: {yaml_str(title)}", f'  date: "{date}"']
        if rng.random() < 0.3:
            lines.append(f"  date_note: {yaml_str('The report says on ' + rng.choice(WEEKDAYS))}")
        return "Reports say", None
    if kind == "statement":
        actor = rng.choice(site.actors)
        lines += [
            f"  speaker: {actor.id}",
            f"  about: case {case_name(index)}",
            f'  date: "{date}"',
        ]
        if actor.kind == "person":
            refs["people"] = [actor.id]
        if rng.random() < 0.1:
            refs["contested_by"] = _others(rng, site, index, ("statement", "event"))
        return "The speaker said that", actor
    # A reform names no proposer and no status: no synthetic quote says who proposed it, nor in
    # what words of a status it stands, and the lint would ask.
    lines += [
        f"  title: {yaml_str(title + ' reform')}",
        f'  date: "{date[:7]}"',
        f"  area: {rng.choice(AREAS)}",
    ]
    return "Reports say it was proposed that", None


def _pick(rng: random.Random, site: _Site, kind: str, most: int) -> list[str]:
    pool = site.pools[kind]
    return sorted(set(rng.sample(pool, min(len(pool), rng.randint(1, most)))))


def _others(rng: random.Random, site: _Site, index: int, kinds: tuple[str, ...]) -> list[str]:
    """Pick one or two other facts of the given kinds to cross-reference."""
    found: set[str] = set()
    for _ in range(rng.randint(1, 2) * 8):
        other = rng.randrange(len(site.ids))
        if other != index and site.kinds[other] in kinds:
            found.add(site.ids[other])
            if len(found) == 2 or rng.random() < 0.5:
                break
    return sorted(found)


def plan_ids(writer: _Writer, kinds: list[str], entities: list[Entity]) -> list[str]:
    """Give every fact a unique id; entities keep theirs."""
    by_kind = {kind: iter([e.id for e in entities if e.kind == kind]) for kind in ENTITY_KINDS}
    ids = []
    for index, kind in enumerate(kinds):
        if kind in by_kind:
            ids.append(next(by_kind[kind]))
        else:
            ids.append(f"{slug(writer.noun())}-{kind}-{index}")
    return ids


def registry_entry(source: SourceText, file: str, digest: str) -> list[str]:
    return [
        f"- id: {source.id}",
        f"  file: {file}",
        f'  sha256: "{digest}"',
        f"  title: {yaml_str(source.title)}",
        f"  publisher: {yaml_str(source.publisher)}",
        "  evidence:",
        f"    publisher: {yaml_str(f'({source.publisher})')}",
        "  editorial:",
        "    title: The first line of the text is taken as its headline.",
        "  ignore:",
        f"    - {BOILERPLATE}",
        "",
    ]


def site_settings(site: _Site) -> str:
    events = [i for k, i in zip(site.kinds, site.ids, strict=True) if k == "event"][:5]
    figures = [i for k, i in zip(site.kinds, site.ids, strict=True) if k == "figure"][:3]
    return "\n".join(
        [
            f"title: Synthetic briefing of {len(site.ids)} facts",
            "description: A generated briefing for timing site_gen at scale.",
            "language: en",
            "intro: |",
            "  A *generated* briefing: every quote is a verbatim slice of a generated source.",
            f"summary: {yaml_refs(events)}",
            f"key_figures: {yaml_refs(figures)}",
            # Generated sources are mostly uncited; coverage is not what these sites measure.
            "coverage_target: 0",
            "labels:",
            "  home: Briefing",
            "",
        ]
    )


def write_site(n: int, out: Path, *, seed: int = 0, templates: Path = DEFAULT_TEMPLATES) -> None:
    """Write a site root of n facts into out, which must not exist or be empty."""
    if n < MIN_FACTS:
        raise ValueError(f"need at least {MIN_FACTS} facts, got {n}")
    if out.exists() and any(out.iterdir()):
        raise FileExistsError(f"{out} is not empty")
    rng = random.Random(seed)
    writer = _Writer(rng)
    counts = kind_counts(n)
    kinds = [kind for kind, count in counts.items() for _ in range(count)]
    rng.shuffle(kinds)
    entities = make_entities(writer, counts)
    ids = plan_ids(writer, kinds, entities)
    names = _Names({kind: [e.name for e in entities if e.kind == kind] for kind in ENTITY_KINDS})
    for _ in range(EXTRA_NAMES):
        names.by_kind["person"].append(writer.name())
        names.by_kind["organization"].append(f"{writer.invent().capitalize()} Group")
        names.by_kind["place"].append(writer.invent().capitalize())
    by_id = {e.id: e for e in entities}
    sources = [
        write_source(
            writer,
            number,
            [by_id[i] for i in ids[start : start + FACTS_PER_SOURCE] if i in by_id],
            names,
        )
        for number, start in enumerate(range(0, n, FACTS_PER_SOURCE))
    ]
    site = _Site(writer, by_id, [e for e in entities if e.kind in ACTOR_KINDS], sources, kinds, ids)

    seeds = out / "seeds"
    seeds.mkdir(parents=True, exist_ok=True)
    registry: list[str] = []
    for source in sources:
        data = source.text().encode()
        file = f"{source.id}.txt"
        (seeds / file).write_bytes(data)
        registry += registry_entry(source, file, hashlib.sha256(data).hexdigest())
    (seeds / "sources.yml").write_text("\n".join(registry), encoding="utf-8")
    for number, start in enumerate(range(0, n, FACTS_PER_FILE)):
        path = out / "facts" / FOLDERS[number % len(FOLDERS)] / f"facts-{number:04d}.yml"
        path.parent.mkdir(parents=True, exist_ok=True)
        lines: list[str] = []
        for index in range(start, min(n, start + FACTS_PER_FILE)):
            lines += [*fact_yaml(site, index), ""]
        path.write_text("\n".join(lines), encoding="utf-8")
    (out / "site.yml").write_text(site_settings(site), encoding="utf-8")
    copy_templates(templates, out)


def copy_templates(templates: Path, root: Path) -> None:
    """Replace a root's theme with a fresh copy, so a cached root follows template edits."""
    target = root / "templates"
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(templates, target)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help=f"number of facts (at least {MIN_FACTS})")
    parser.add_argument("outdir", type=Path, help="new or empty folder for the site root")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument(
        "--templates",
        type=Path,
        default=DEFAULT_TEMPLATES,
        help="theme to copy into the root (default: the repository's templates/)",
    )
    args = parser.parse_args(argv)
    try:
        write_site(args.n, args.outdir, seed=args.seed, templates=args.templates)
    except (ValueError, FileExistsError) as exc:
        print(f"synth: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
