"""The naming rules of the wording lint: a fact names only whom its reports name.

An editor's text, a statement's speaker, a reform's actors and a figure's reporter each name
someone, and the report must name them too, near the quote: in it, in its paragraph or the two
before, or as the publisher cited. Where the quotes give their words to someone else, the
named speaker is refused: "Putin wrote on Twitter" for a quote that says Tokayev did.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from site_gen.model import (
    Citation,
    Fact,
    Figure,
    Organization,
    Person,
    Place,
    Reform,
    Statement,
)
from site_gen.verify.reading import (
    ATTRIBUTION,
    CAPITALIZED,
    Finding,
    Reading,
    any_named,
    attributed_to,
    is_named,
    listing,
)


def unnamed(reading: Reading) -> Iterator[Finding]:
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
        named = [name for name, folded in names.items() if is_named(folded, reading.text)]
        if named and not _named_near(reading, names.values(), ref):
            yield Finding(
                "unnamed",
                f"text names {listing(named)} ('{ref}'), but no quote of this fact, nor its "
                f"paragraph or the two before, no publisher it cites and no fact it links names "
                f"{listing(list(names))}",
                "cite a passage that names it, or remove the name and the link",
            )
    # Whomever the text gives words to ("the State Department said") must be whom its quotes
    # give them to, not someone they name in passing ("according to CNN, the State Department
    # is seeking…"); or someone whose words the quotes' speaker reports, as the text does ("The
    # Kremlin said Tokayev told Putin…").
    speakers = attributed_to(reading.names, reading.text)
    for ref, name in speakers.items():
        # A cited publisher speaks for its report: "GulfToday reports that the ministry…".
        if ref == fact.fact_id or any_named(reading.names.forms[ref].values(), reading.publishers):
            continue
        others = _voices_instead(reading, ref, fact.citations, named_before=False)
        if others and not any(
            _reports(reading.text, speakers[other], name) for other in others.keys() & speakers
        ):
            yield Finding(
                "unnamed",
                f"text gives its words to '{name}' ('{ref}'), but its quotes give them to "
                f"{listing(list(others.values()))} ('{', '.join(sorted(others))}')",
                "give the words to whom the quotes give them",
            )
    # People the text names, and whomever it gives words to ("according to CNN"): an
    # organization named in passing claims nothing.
    for ref, name in (speakers | reading.names.named_in(reading.folded, CAPITALIZED)).items():
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


def unnamed_speaker(reading: Reading) -> Iterator[Finding]:
    """A statement's text gives its words first to someone other than its speaker, and never
    to the speaker: "Tokayev said the CSTO troops would be withdrawn" of Putin's words, where a
    quote names Tokayev in passing ("Tokayev's Russian counterpart Vladimir Putin confirmed…").
    A text that first names no speaker ("Reports say…") is read by the other rules."""
    fact = reading.fact
    if not isinstance(fact, Statement) or not (first := ATTRIBUTION.search(reading.text)):
        return
    given = attributed_to(reading.names, reading.text[: first.end()])
    if given and fact.speaker not in given | attributed_to(reading.names, reading.text):
        yield Finding(
            "unnamed",
            f"text gives its words to {listing(list(given.values()))} "
            f"('{', '.join(sorted(given))}'), but the statement's speaker is '{fact.speaker}'",
            "give the words to the speaker, or make the speaker whom the text quotes",
        )


def _reports(text: str, outer: str, inner: str) -> bool:
    """Tell whether a folded text gives one speaker's words as another's report of them: a verb
    of saying stands between the first's name and the second's ("the Kremlin said Tokayev told
    Putin…"), not a joint "Tokayev and CNN reported…"."""
    start = text.find(outer)
    end = text.find(inner, start + len(outer)) if start >= 0 else -1
    return end >= 0 and ATTRIBUTION.search(text, start + len(outer), end) is not None


def _named_near(reading: Reading, forms: Iterable[str], ref: str) -> bool:
    """Tell whether a quote, a cited publisher, a linked fact but `ref` itself, or a quote's
    paragraph or the two before it, names any of the folded name forms. A report names a
    speaker once and quotes on ("He added…"). Each is read only if the one before does not."""
    if any_named(forms, reading.quotes) or any_named(forms, reading.publishers):
        return True
    if any_named(forms, [text for other, text in reading.linked_texts.items() if other != ref]):
        return True
    return any_named(forms, [reading.surroundings(c) for c in reading.fact.citations])


def unnamed_actors(reading: Reading) -> Iterator[Finding]:
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
        others = _voices_instead(reading, ref, citations)
        if others:
            yield Finding(
                "unnamed",
                f"'{key}' names '{ref}', but its quote gives the words to "
                f"{listing(list(others.values()))} ('{', '.join(sorted(others))}')",
                f"name in '{key}' whom the quote names, or cite the passage of '{ref}'",
                key,
            )
        elif others is not None and not any_named(
            reading.names.forms[ref].values(), [reading.surroundings(c) for c in citations]
        ):
            yield Finding(
                "unnamed",
                f"'{key}' names '{ref}', but no quote of this {fact.kind}, in its paragraph or "
                f"the two before, names {listing([actor.name, *actor.aliases])}",
                "cite the passage that names them, add the name the report uses to their "
                f"'aliases', or leave '{key}' out",
                key,
            )


def _voices_instead(
    reading: Reading, ref: str, citations: tuple[Citation, ...], named_before: bool = True
) -> dict[str, str] | None:
    """Return None where the quotes may be `ref`'s words; else whom, by id and name, they give
    their words to instead, none where they give them to no one and do not name `ref`.

    A quote that gives its words to no one and names no one may be a fact's speaker's, named
    just before it ("He added…"); one beside it that quotes someone else does not change that.
    One that names another ("Tokayev described…") is that one's. Whom an editor's text gives
    words to is not read `named_before` so: a headline that names no one, near a paragraph that
    names Tokayev, would let the text give the defence minister's words to him.
    """
    names = reading.names.forms[ref].values()
    quotes = [reading.quote_of[c] for c in citations]
    given = [attributed_to(reading.names, quote) for quote in quotes]
    if _speaks(given, quotes, names, ref):
        return None  # Most quotes name who speaks: no source text needs reading.
    if not any(given) and any_named(names, reading.publishers):
        return None  # An agency that reports a count is named by citing it.
    if not all(map(reading.located.of, citations)):
        return None  # A source that cannot be read, or is not the one pinned, is reported.
    sentences = [reading.sentence(c) for c in citations]
    said = [attributed_to(reading.names, sentence) for sentence in sentences]
    if _speaks(said, sentences, names, ref):
        return None
    others = {other: name for each in (*given, *said) for other, name in each.items()}
    free = [
        citation
        for citation, each in zip(citations, said, strict=True)
        if not each and not reading.names.named_in(reading.quote_of[citation])
    ]
    if others and named_before and any_named(names, [reading.surroundings(c) for c in free]):
        return None
    return others


def _speaks(given: list[dict[str, str]], texts: list[str], forms: Iterable[str], ref: str) -> bool:
    """Tell whether folded quotes or sentences, each with whom it gives its words to, are the
    actor `ref`'s: one gives them to it, or one that gives them to no one names it (by one of
    its `forms`). "According to CNN" names no speaker but CNN, and a headline beside it that
    names no one does not make the speaker someone else."""
    if any(ref in each for each in given):
        return True
    return any_named(forms, [text for text, each in zip(texts, given, strict=True) if not each])


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


def unnamed_self(reading: Reading) -> Iterator[Finding]:
    """A person, organization or place that none of its own quotes names: its page would head
    the quotes with a name that is the editors' alone."""
    fact = reading.fact
    if not isinstance(fact, Person | Organization | Place):
        return
    names = reading.names.forms[fact.id]
    if not any_named(names.values(), reading.quotes):
        listed = " or ".join(f"'{name}'" for name in names)
        yield Finding(
            "unnamed",
            f"no quote of this {fact.kind} names it {listed}",
            "cite a passage that names it, or add the name its quotes use under 'aliases'",
            "name",
        )
