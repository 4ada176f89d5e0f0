"""The wording lint: texts that say more than their quotes are caught, faithful ones pass, and
an editor's accept silences exactly the finding it names."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest
from conftest import REPO, check_root, replace_in, run_cli

from site_gen.config import Config
from site_gen.errors import Location, Problem
from site_gen.model import Person, Settings, Site, schema
from site_gen.model.counts import QUALIFIERS
from site_gen.pipeline import load_and_check
from site_gen.render.data import facts_json
from site_gen.render.views import SiteView
from site_gen.verify.reading import ATTRIBUTION_WORDS, Names, plain

WIRE = """\
Officials report arrests
Riverton, May 2 (Wire).- More than 4,400 people were arrested, the interior ministry said.
About 300 people were held at the border, according to the minister.
Police said nobody was hurt.
The mayor, Ana Ruiz, opened the new hall on Friday.
Mayor Ruiz said nobody had been hurt in the fire.
She added that the hall was open to all.
The council dismissed claims that the hall was unsafe.
The ministry announced that 12 roads were closed.
Three children were among the injured, the ministry said.
Mayor Ruiz spoke at the opening.
The bridge is sound, Mara Lind said.
The market reopened, which the council said was overdue.
“The pier is open to all boats.” Officials said so on Monday.
After Mayor Ruiz left, Mara Lind said the pier was safe.
The council closed the road, adding that it would reopen soon.
The council described the fire as an accident.
The council said the attempted coup had been thwarted.
Ana Ruiz, a former police chief, thanked the crews.
The council said the second attempt had failed.
The council has not passed the toll law.
The parking rules entered into force on Friday.
The accused men were released on Monday.
Mara Lind and Mayor Ruiz said the road was open.
The council proposed a ban on cars in the square.
The bridge could reopen next week, the council said.
Mara Lind met Mayor Ruiz at the pier.
The council deems it necessary to close the pier.
Mayor Ruiz said the council had not closed the pier.
The ministry said 2,000 troops from Russia arrived.
The fire hurt 40 persons, officials said.
Mara Lind quoted Mayor Ruiz as saying the pier was closed.
Bus fares saw a near-doubling, the council said.
The council no longer runs the port.
The government sent 250 troops, the council said.
The fire was the most serious in years, officials said.
Officials are studying how the hall could be sold.
The council said a strike was unlikely.
Most shops were shut, officials said.
Rents doubled in a year, the council said.
"""

MAYOR = """\
- id: ana-ruiz
  kind: person
  name: Ana Ruiz
  aliases: [Mayor Ruiz]
  text: Ana Ruiz is the mayor.
  sources:
    - {source: wire, quote: "The mayor, Ana Ruiz, opened the new hall"}
"""

ARRESTED = "More than 4,400 people were arrested, the interior ministry said."
HELD = "About 300 people were held at the border, according to the minister."
UNHURT = "Police said nobody was hurt."
HALL = "The mayor, Ana Ruiz, opened the new hall on Friday."
RUIZ_UNHURT = "Mayor Ruiz said nobody had been hurt in the fire."
UNSAFE = "The council dismissed claims that the hall was unsafe."
CHILDREN = "Three children were among the injured, the ministry said."
CAR_BAN = "The council proposed a ban on cars in the square."
BRIDGE = "The bridge could reopen next week, the council said."
MET = "Mara Lind met Mayor Ruiz at the pier."
PIER = "The council deems it necessary to close the pier."


def fact(text: str, *quotes: str, kind: str = "event", extra: str = "") -> str:
    """Return a fact `probe` of the given kind with the text and quotes given."""
    keys = {
        "event": 'title: Probe\n  date: "2025-05-02"',
        "statement": 'speaker: ana-ruiz\n  date: "2025-05-02"',
        "reform": "title: Probe",
    }[kind]
    cited = "".join(f"\n    - {{source: wire, quote: {json.dumps(q)}}}" for q in quotes)
    return (
        f"- id: probe\n  kind: {kind}\n  {keys}\n  text: {json.dumps(text)}\n{extra}"
        f"  sources:{cited}\n"
    )


@pytest.fixture
def wire(sample: Path) -> Path:
    """Return the sample with a second source, `wire`, and a person it names."""
    data = WIRE.encode()
    (sample / "seeds/wire.txt").write_bytes(data)
    with (sample / "seeds/sources.yml").open("a", encoding="utf-8") as registry:
        registry.write(
            f'- id: wire\n  file: wire.txt\n  sha256: "{hashlib.sha256(data).hexdigest()}"\n'
            "  title: Officials report arrests\n"
            "  evidence: {title: Officials report arrests}\n"
        )
    (sample / "facts/mayor.yml").write_text(MAYOR, encoding="utf-8")
    return sample


def wording_found(root: Path, facts: str) -> list[Problem]:
    """Check the root with `facts` added; return the wording problems, after no other error."""
    (root / "facts/probe.yml").write_text(facts, encoding="utf-8")
    _, problems = check_root(root)
    assert [p.headline() for p in problems if p.is_error] == []
    codes = {*schema.WORDING_CODES, "stale-accept"}
    return [p for p in problems if p.code in codes]


DISTORTED = [
    pytest.param(
        fact("300 people were held at the border, according to the minister.", HELD),
        "qualifier",
        "text says '300', but its quotes say 'about 300'",
        id="about-300-becomes-300",
    ),
    pytest.param(
        fact("4,400 people were arrested, the interior ministry said.", ARRESTED),
        "qualifier",
        "text says '4,400', but its quotes say 'more than 4,400'",
        id="more-than-4400-becomes-4400",
    ),
    pytest.param(
        fact("Over 4,400 people were arrested, the interior ministry said.", ARRESTED),
        "qualifier",
        "text says 'over 4,400', but its quotes say 'more than 4,400'",
        id="another-qualifier",
    ),
    pytest.param(
        fact("More than 4,400 people were arrested.", ARRESTED),
        "unattributed",
        "every quote attributes the claim ('said'), but the text states it as plain fact",
        id="said-dropped",
    ),
    pytest.param(
        fact("About 300 people were held at the border.", HELD),
        "unattributed",
        "every quote attributes the claim ('according to'), but the text states it as plain fact",
        id="according-to-dropped",
    ),
    pytest.param(
        fact(
            "The mayor opened the new hall. About 300 people were held at the border.", HALL, HELD
        ),
        "unattributed",
        "text gives 300 as plain fact, but every quote that gives it attributes it "
        "('according to')",
        id="according-to-dropped-where-another-quote-is-plain",
    ),
    pytest.param(
        fact("About 300 people were held at the border.", "About 300 people were held at the"),
        "unattributed",
        "every quote attributes the claim ('according to'), but the text states it as plain fact",
        id="quote-stops-before-its-attribution",
    ),
    pytest.param(
        fact("12 roads were closed.", "12 roads were closed."),
        "unattributed",
        "every quote attributes the claim ('announced'), but the text states it as plain fact",
        id="quote-starts-after-announced",
    ),
    pytest.param(
        fact(
            "About 300 people were held at the border; the mayor said she opened the new hall.",
            HALL,
            HELD,
        ),
        "unattributed",
        "text gives 300 as plain fact, but every quote that gives it attributes it "
        "('according to')",
        id="said-in-another-clause",
    ),
    pytest.param(
        fact("Five children were among the injured, the ministry said.", CHILDREN),
        "number-word",
        "text says 'five', but no quote says so, nor gives 5",
        id="number-in-words-altered",
    ),
    pytest.param(
        fact(
            "Two people were arrested, the interior ministry said.",
            "Riverton, May 2 (Wire).- " + ARRESTED,
        ),
        "number-word",
        "text says 'two', but no quote says so, nor gives 2",
        id="number-in-words-for-a-quoted-date",
    ),
    pytest.param(
        fact("Three hundred people were held at the border, according to the minister.", HELD),
        "qualifier",
        "text says 'Three hundred', but its quotes say 'about Three hundred'",
        id="number-in-words-drops-its-qualifier",
    ),
    pytest.param(
        fact("Hundreds of people were arrested, the interior ministry said.", ARRESTED),
        "number-word",
        "text says 'hundreds', but no quote says so, nor gives a count from 200 to 2,000",
        id="round-number-for-thousands",
    ),
    pytest.param(
        fact("Mara Lind said nobody was hurt.", UNHURT),
        "unnamed",
        "text names 'Mara Lind' ('mara-lind'), whom no quote of this fact names, nor its "
        "paragraph or the two before, nor a publisher it cites or a fact it links",
        id="unlinked-person-named-for-another",
    ),
    pytest.param(
        fact("More than 4,400 people were arrested, adding to the unrest.", ARRESTED),
        "unattributed",
        "every quote attributes the claim ('said'), but the text states it as plain fact",
        id="adding-to-is-no-attribution",
    ),
    pytest.param(
        fact("Mara Lind's office said nobody was hurt.", UNHURT),
        "unnamed",
        "text names 'Mara Lind' ('mara-lind'), whom no quote of this fact names, nor its "
        "paragraph or the two before, nor a publisher it cites or a fact it links",
        id="unlinked-person-named-in-a-possessive",
    ),
    pytest.param(
        fact("More than 4,400 people were arrested, according to the transport office.", ARRESTED),
        "unnamed",
        "text names 'transport office' ('transport-office'), whom no quote of this fact names, "
        "nor its paragraph or the two before, nor a publisher it cites or a fact it links",
        id="claim-given-to-an-unlinked-organization",
    ),
    pytest.param(
        fact("Twenty-one children were among the injured, the ministry said.", CHILDREN),
        "number-word",
        "text says 'twenty-one', but no quote says so, nor gives 21",
        id="hyphenated-number-in-words",
    ),
    pytest.param(
        fact("The mayor, Ana Ruiz, did not open the new hall.", HALL),
        "negation",
        "text has 'not', but none of its quotes has a negation, denial or doubt",
        id="not-added",
    ),
    pytest.param(
        fact("Police said somebody was hurt.", UNHURT),
        "negation",
        "a quote has 'nobody', but the text has no negation, denial or doubt",
        id="negation-dropped",
    ),
    pytest.param(
        fact("Police said somebody was hurt; the mayor opened the new hall.", UNHURT, HALL),
        "negation",
        "a quote has 'nobody', but the text has no negation, denial or doubt",
        id="negation-dropped-where-another-quote-has-none",
    ),
    pytest.param(
        fact("The council said that the hall was unsafe.", UNSAFE),
        "negation",
        "a quote has 'dismissed', but the text has no negation, denial or doubt",
        id="denial-dropped",
    ),
    pytest.param(
        fact("The mayor, Ana Ruiz, denied opening the new hall.", HALL),
        "negation",
        "text has 'denied', but none of its quotes has a negation, denial or doubt",
        id="denial-added",
    ),
    pytest.param(
        fact("The mayor, Ana Ruiz, did n&#x6f;t open the new hall.", HALL),
        "negation",
        "text has 'not', but none of its quotes has a negation, denial or doubt",
        id="not-added-as-character-references",  # The page shows "not".
    ),
    pytest.param(
        fact("The mayor, Ana Ruiz, did n<em>o</em>t open the new hall.", HALL),
        "negation",
        "text has 'not', but none of its quotes has a negation, denial or doubt",
        id="not-added-across-a-tag",
    ),
    pytest.param(
        fact(
            'More than 4,400 people were <a href="https://example.org/said">arrested</a>.', ARRESTED
        ),
        "unattributed",
        "every quote attributes the claim ('said'), but the text states it as plain fact",
        id="said-only-in-a-link-address",
    ),
    *(
        pytest.param(
            fact(f"The mayor, Ana Ruiz, did {written} open the new hall on Friday.", HALL),
            "negation",
            "text has 'not', but none of its quotes has a negation, denial or doubt",
            id=f"not-added-as-{name}",
        )
        for name, written in [("fullwidth-letters", "ｎｏｔ"), ("invisible-operator", "n\u2063ot")]
    ),
    pytest.param(
        fact(
            "Mayor Ruiz said the pier was safe.",
            "After Mayor Ruiz left, Mara Lind said the pier was safe.",
        ),
        "unnamed",
        "text gives its words to 'mayor ruiz' ('ana-ruiz'), but its quotes give them to "
        "'mara lind' ('mara-lind')",
        id="words-given-to-one-the-quote-names-in-passing",
    ),
    pytest.param(
        fact(
            "Mayor Ruiz said the bridge is sound and the hall was open to all.",
            "The bridge is sound, Mara Lind said.",
            "She added that the hall was open to all.",
        ),
        "unnamed",
        "text gives its words to 'mayor ruiz' ('ana-ruiz'), but its quotes give them to "
        "'mara lind' ('mara-lind')",
        id="words-given-to-one-named-near-a-quote-of-no-one",
    ),
    pytest.param(
        fact(
            "Mayor Ruiz and Mara Lind said the bridge is sound.",
            "The bridge is sound, Mara Lind said.",
        ),
        "unnamed",
        "text gives its words to 'mayor ruiz' ('ana-ruiz'), but its quotes give them to "
        "'mara lind' ('mara-lind')",
        id="words-given-to-a-joint-speaker-the-quote-does-not-give-them-to",
    ),
    pytest.param(
        fact(
            "Mayor Ruiz on Friday said the pier was safe.",
            "After Mayor Ruiz left, Mara Lind said the pier was safe.",
        ),
        "unnamed",
        "text gives its words to 'mayor ruiz' ('ana-ruiz'), but its quotes give them to "
        "'mara lind' ('mara-lind')",
        id="words-given-with-a-time-between",
    ),
    pytest.param(
        fact(
            "The pier was safe, said Mayor Ruiz.",
            "After Mayor Ruiz left, Mara Lind said the pier was safe.",
        ),
        "unnamed",
        "text gives its words to 'mayor ruiz' ('ana-ruiz'), but its quotes give them to "
        "'mara lind' ('mara-lind')",
        id="words-given-after-the-verb",
    ),
    pytest.param(
        fact(
            "The council said the second attempt had been made.",
            "The council said the second attempt had failed.",
        ),
        "negation",
        "a quote has 'failed', but the text has no negation, denial or doubt",
        id="a-quotes-failed-dropped",
    ),
    pytest.param(
        fact("~4,400 people were arrested, the interior ministry said.", ARRESTED),
        "qualifier",
        "text says 'about 4,400', but its quotes say 'more than 4,400'",
        id="qualifier-as-a-sign",
    ),
    pytest.param(
        fact("The fire was an accident.", "The council described the fire as an accident."),
        "unattributed",
        "every quote attributes the claim ('described'), but the text states it as plain fact",
        id="described-as-dropped",
    ),
    pytest.param(
        fact(
            "Mara Lind said nobody had been hurt in the fire.", RUIZ_UNHURT, MET, kind="statement"
        ),
        "unnamed",
        "text gives its words to 'mara lind' ('mara-lind'), but the statement's speaker is "
        "'ana-ruiz'",
        id="statement-given-to-another-speaker",
    ),
    pytest.param(
        fact("All the injured were children, the ministry said.", CHILDREN),
        "quantifier",
        "text says 'all', but no quote says so",
        id="among-becomes-all",
    ),
    pytest.param(
        fact(
            "Officials said most homes burned in the fire.",
            "The fire was the most serious in years, officials said.",
        ),
        "quantifier",
        "text says 'most', but no quote says so",
        id="the-most-serious-becomes-most-homes",
    ),
    pytest.param(
        fact(
            "The council said bus fares doubled.",
            "Bus fares saw a near-doubling, the council said.",
        ),
        "quantifier",
        "text says 'doubled', but no quote says so",
        id="a-near-doubling-becomes-doubled",
    ),
    pytest.param(
        fact("More than 4,400 troops were arrested, the interior ministry said.", ARRESTED),
        "unit",
        "text says '4,400 troops', but no quote that gives 4,400 names 'troops'",
        id="people-become-troops",
    ),
    pytest.param(
        fact(
            "The council said the government sent 250 men.",
            "The government sent 250 troops, the council said.",
        ),
        "unit",
        "text says '250 men', but no quote that gives 250 names 'men'",
        id="troops-become-men-of-government",
    ),
    pytest.param(
        fact("The bridge will reopen next week, the council said.", BRIDGE),
        "hedge",
        "a quote has 'could', but the text has no word of doubt (could, may, might, likely, "
        "possible, probably, perhaps…)",
        id="could-becomes-will",
    ),
    pytest.param(
        fact("The council banned cars, which must now leave the square.", CAR_BAN),
        "hedge",
        "a quote has 'proposed', but the text has no word of intent (proposed, suggested, "
        "plans, intends, considers, calls for…)",
        id="proposed-becomes-done-with-a-must-of-its-content",
    ),
    pytest.param(
        fact("The council banned cars in the square.", CAR_BAN),
        "hedge",
        "a quote has 'proposed', but the text has no word of intent (proposed, suggested, "
        "plans, intends, considers, calls for…)",
        id="proposed-becomes-done",
    ),
    pytest.param(
        fact("The council said it closed the pier.", PIER),
        "hedge",
        "a quote has 'deems it necessary', but the text has no word of intent (proposed, "
        "suggested, plans, intends, considers, calls for…)",
        id="deems-it-necessary-becomes-done",
    ),
    pytest.param(
        fact(
            "Ana Ruiz said more than 4,400 people were arrested.",
            ARRESTED,
            extra=("  people: [ana-ruiz]\n"),
        ),
        "unnamed",
        "text names 'Ana Ruiz' ('ana-ruiz'), but no quote of this fact, nor its paragraph or "
        "the two before, no publisher it cites and no fact it links names 'Ana Ruiz', "
        "'Mayor Ruiz'",
        id="linked-person-never-named",
    ),
]


@pytest.mark.parametrize(("facts", "code", "message"), DISTORTED)
def test_a_distorted_text_is_caught_at_its_line(
    wire: Path, facts: str, code: str, message: str
) -> None:
    found = wording_found(wire, facts)
    assert [(p.code, p.message, p.fact) for p in found] == [(code, message, "probe")]
    assert not found[0].is_error
    assert (found[0].location.path, found[0].location.line) == ("facts/probe.yml", 5)


@pytest.mark.parametrize(
    ("title", "quote", "code", "message"),
    [
        (
            "Ruiz does not open the hall",
            HALL,
            "negation",
            "title has 'not', but none of its quotes has a negation, denial or doubt",
        ),
        (
            "4,400 people arrested",
            ARRESTED,
            "qualifier",
            "title says '4,400', but its quotes say 'more than 4,400'",
        ),
        (
            "All the injured were children",
            CHILDREN,
            "quantifier",
            "title says 'all', but no quote says so",
        ),
        (
            "More than 4,400 troops arrested",
            ARRESTED,
            "unit",
            "title says '4,400 troops', but no quote that gives 4,400 names 'troops'",
        ),
    ],
)
def test_a_title_may_not_reverse_or_harden_its_quotes(
    wire: Path, title: str, quote: str, code: str, message: str
) -> None:
    """Lists, the feed and search show the title in the fact's place; the lint read the text
    only, so "4,400 people arrested" passed for quotes that say "more than 4,400"."""
    faithful = fact(quote, quote).replace("title: Probe", f"title: {title}")
    found = wording_found(wire, faithful)
    assert [(p.code, p.message, p.location.line) for p in found] == [(code, message, 3)]


@pytest.mark.parametrize(
    ("about", "flagged"),
    [
        pytest.param("the council closed the pier", True, id="a-deed-without-its-negation"),
        pytest.param("closing the pier", False, id="a-gerund-names-a-subject"),
        pytest.param("the pier", False, id="a-noun-names-a-subject"),
        pytest.param("claims the council closed the pier", False, id="a-claim-names-a-subject"),
        pytest.param("reports that the council closed it", False, id="a-report-too"),
        pytest.param("the closed pier", False, id="an-adjective-names-a-subject"),
        pytest.param("whether the council closed it", False, id="a-question-names-a-subject"),
    ],
)
def test_what_a_statement_is_about_claims_no_deed_its_text_denies(
    wire: Path, about: str, flagged: bool
) -> None:
    """What a statement is about names its subject: "closing the pier" of a speaker's "not
    closed" claims nothing, but "the council closed the pier" says the opposite of its text."""
    said = "Mayor Ruiz said the council had not closed the pier."
    found = wording_found(wire, fact(said, said, kind="statement", extra=f"  about: {about}\n"))
    message = "about says 'closed' without the negation the text puts before it ('not closed')"
    assert [(p.code, p.message, p.location.line) for p in found] == (
        [("negation", message, 6)] if flagged else []
    )


@pytest.mark.parametrize(
    ("title", "quote"),
    [
        ("Hall open to all", "She added that the hall was open to all."),
        ("Council says second attempt failed", "The council said the second attempt had failed."),
    ],
)
def test_a_title_may_say_what_its_quotes_say(wire: Path, title: str, quote: str) -> None:
    faithful = fact(quote, quote).replace("title: Probe", f"title: {title}")
    assert wording_found(wire, faithful) == []


TOLL = "The council has not passed the toll law."


@pytest.mark.parametrize(
    ("title", "text", "flagged"),
    [
        pytest.param("Council passes the toll law", TOLL, "passes", id="negation-dropped"),
        pytest.param("Toll law passed by the council", TOLL, "passed", id="another-form"),
        pytest.param("The toll law", TOLL, None, id="neutral-title"),
        pytest.param("Council has not passed the toll law", TOLL, None, id="negation-kept"),
        pytest.param("Council refuses to pass the toll law", TOLL, None, id="refusal-kept"),
        pytest.param("Ruiz opens the hall", HALL, None, id="text-negates-nothing"),
    ],
)
def test_a_title_keeps_the_negation_of_its_text(
    wire: Path, title: str, text: str, flagged: str | None
) -> None:
    """A title that drops its text's "not" passed: "Council passes the toll law" of "the council
    has not passed the toll law". A title is flagged only where it says the word that the text's
    negation governs: one that names no part of the claim ("The toll law") says nothing against
    its text."""
    probe = fact(text, text).replace("title: Probe", f"title: {title}")
    found = [(p.code, p.message, p.location.line) for p in wording_found(wire, probe)]
    message = f"title says '{flagged}' without the negation the text puts before it ('not passed')"
    assert found == ([("negation", message, 3)] if flagged else [])


def test_a_title_keeps_a_no_longer(wire: Path) -> None:
    """A "no longer" negates the verb after it: "Council runs port" passed for "the council no
    longer runs the port", as the rule read "longer" as the word negated."""
    text = "The council no longer runs the port."
    found = wording_found(
        wire, fact(text, text).replace("title: Probe", "title: Council runs port")
    )
    message = "title says 'runs' without the negation the text puts before it ('no longer runs')"
    assert [(p.code, p.message, p.location.line) for p in found] == [("negation", message, 3)]


FAITHFUL = [
    pytest.param(
        fact(">4,400 people were arrested, the interior ministry said.", ARRESTED),
        id="a-sign-for-its-words",
    ),
    pytest.param(
        fact("The men were released on Monday.", "The accused men were released on Monday."),
        id="the-accused-attributes-nothing",
    ),
    pytest.param(
        fact(
            "Mara Lind said the road was open.",
            "Mara Lind and Mayor Ruiz said the road was open.",
        ),
        id="one-of-two-speakers",
    ),
    pytest.param(
        fact(
            "Mara Lind said Mayor Ruiz had left.",
            "After Mayor Ruiz left, Mara Lind said the pier was safe.",
        ),
        id="speaker-before-the-verb-not-after",
    ),
    pytest.param(
        fact(
            "Reports say Mayor Ruiz left before Mara Lind spoke.",
            "After Mayor Ruiz left, Mara Lind said the pier was safe.",
        ),
        id="a-name-after-say-is-what-is-said",
    ),
    pytest.param(
        fact(
            "The council said the attempted coup had failed.",
            "The council said the attempted coup had been thwarted.",
        ),
        id="failed-as-an-outcome",
    ),
    pytest.param(fact(HELD, HELD), id="about-300-kept"),
    pytest.param(
        fact(
            "The mayor opened the new hall; about 300 people were held at the border, the "
            "minister said.",
            HALL,
            HELD,
        ),
        id="attributed-in-its-sentence",
    ),
    pytest.param(fact(ARRESTED, ARRESTED), id="more-than-kept-with-said"),
    pytest.param(fact(CHILDREN, CHILDREN), id="number-in-words-quoted"),
    pytest.param(
        fact("The council closed the road.", "The council closed the road"),
        id="adding-that-after-the-quote",
    ),
    pytest.param(
        fact("About 300 people were held at the border, as noted by the minister.", HELD),
        id="as-noted-by",
    ),
    pytest.param(
        fact("Mayor Ruiz told the transport office nobody was hurt in the fire.", RUIZ_UNHURT),
        id="told-names-the-listener",
    ),
    pytest.param(
        fact("3 children were among the injured, the ministry said.", CHILDREN),
        id="digits-for-a-quotes-words",
    ),
    pytest.param(
        fact(
            "Arrests declined after more than 4,400 people were arrested, the interior ministry "
            "said.",
            ARRESTED,
        ),
        id="declined-as-a-fall",
    ),
    pytest.param(
        fact("Police said they had ruled out that anybody was hurt.", UNHURT), id="ruled-out"
    ),
    pytest.param(
        fact("Several hundred people were held at the border, the minister said.", HELD),
        id="several-hundred",
    ),
    pytest.param(
        fact("The market reopened.", "The market reopened"), id="said-only-in-a-relative-clause"
    ),
    pytest.param(
        fact("The pier is open to all boats.", "“The pier is open to all boats.”"),
        id="said-only-in-the-next-sentence",
    ),
    pytest.param(fact(RUIZ_UNHURT, RUIZ_UNHURT), id="unlinked-person-named-by-the-quote"),
    pytest.param(
        fact(
            "Ana Ruiz said the hall was open to all.",
            "the hall was open to all",
            extra="  people: [ana-ruiz]\n",
        ),
        id="linked-person-named-just-before-the-quote",
    ),
    pytest.param(
        fact("Ana Ruiz said the hall was open to all.", "the hall was open to all"),
        id="unlinked-person-named-just-before-the-quote",
    ),
    pytest.param(
        fact("Thousands of people were arrested, the interior ministry said.", ARRESTED),
        id="round-number-for-a-count-of-its-size",
    ),
    pytest.param(
        fact("About three hundred people were held at the border, the minister said.", HELD),
        id="number-in-words-for-digits",
    ),
    pytest.param(fact("Police said nobody was hurt.", UNHURT), id="quoted-negation"),
    pytest.param(
        fact(
            "Nobody had been hurt in the fire, Mayor Ruiz said.", RUIZ_UNHURT, MET, kind="statement"
        ),
        id="statement-given-to-its-speaker",
    ),
    pytest.param(
        fact(
            "Mayor Ruiz, who met Mara Lind at the pier, said nobody had been hurt in the fire.",
            RUIZ_UNHURT,
            MET,
            kind="statement",
        ),
        id="another-named-in-an-aside",
    ),
    pytest.param(
        fact(
            "After meeting Mara Lind, Mayor Ruiz said nobody had been hurt.",
            RUIZ_UNHURT,
            MET,
            kind="statement",
        ),
        id="statement-names-another-before-its-speaker",
    ),
    pytest.param(
        fact("The hall was open to all, she added.", "She added that the hall was open to all."),
        id="a-quoted-all",
    ),
    pytest.param(
        fact("The ministry said 3 children were among the injured.", CHILDREN),
        id="a-count-in-words-counts-its-noun",
    ),
    pytest.param(
        fact("The interior ministry said more than 4,400 were arrested.", ARRESTED),
        id="a-count-of-no-noun",
    ),
    pytest.param(
        fact(
            "The council said its second attempt had failed.",
            "The council said the second attempt had failed.",
        ),
        id="a-quoted-ordinal",
    ),
    pytest.param(
        fact("The council deems closing the pier necessary.", PIER),
        id="deems-kept",
    ),
    pytest.param(
        fact("The council said the bridge might reopen next week.", BRIDGE),
        id="another-word-of-doubt",
    ),
    pytest.param(
        fact("The council suggested banning cars in the square.", CAR_BAN),
        id="another-word-of-intent",
    ),
    pytest.param(
        fact(
            "The council said bus fares nearly doubled.",
            "Bus fares saw a near-doubling, the council said.",
        ).replace("title: Probe", "title: Bus fares nearly double"),
        id="doubled-for-doubling",
    ),
    pytest.param(
        fact(
            "Officials said the majority of shops were shut.",
            "Most shops were shut, officials said.",
        ),
        id="majority-for-most",
    ),
    pytest.param(
        fact(
            "The council said rents were twice as high as a year before.",
            "Rents doubled in a year, the council said.",
        ),
        id="twice-for-doubled",
    ),
    pytest.param(
        fact("The council wants a ban on cars in the square.", CAR_BAN), id="a-want-for-a-proposal"
    ),
    pytest.param(
        fact("The council seeks a ban on cars in the square.", CAR_BAN), id="a-seek-for-a-proposal"
    ),
    pytest.param(
        fact("The council put forward a ban on cars in the square.", CAR_BAN),
        id="put-forward-for-proposed",
    ),
    pytest.param(
        fact("The council floated a ban on cars in the square.", CAR_BAN), id="floated-for-proposed"
    ),
    pytest.param(
        fact(
            "Officials are studying whether the hall can be sold.",
            "Officials are studying how the hall could be sold.",
        ),
        id="whether-for-could",
    ),
    pytest.param(
        fact(
            "Officials are studying a potential sale of the hall.",
            "Officials are studying how the hall could be sold.",
        ),
        id="potential-for-could",
    ),
    pytest.param(
        fact(
            "The council said it doubted there would be a strike.",
            "The council said a strike was unlikely.",
        ),
        id="doubted-for-unlikely",
    ),
    pytest.param(
        fact("The council said it was necessary to close the pier.", PIER),
        id="necessary-for-deems-it-necessary",
    ),
    pytest.param(
        fact(
            "The ministry said 2,000 Russian troops arrived.",
            "The ministry said 2,000 troops from Russia arrived.",
        ),
        id="a-count-has-an-adjective-before-what-it-counts",
    ),
    pytest.param(
        fact(
            "Officials said the fire hurt 40 people.", "The fire hurt 40 persons, officials said."
        ),
        id="people-for-persons",
    ),
    pytest.param(
        fact(
            "The council said the government sent a 250-strong force.",
            "The government sent 250 troops, the council said.",
        ),
        id="strong-counts-what-the-quote-counts",
    ),
    pytest.param(
        fact(
            "More than 4,400 people were arrested, the interior ministry said.",
            "Riverton, May 2 (Wire).- " + ARRESTED,
        ),
        id="the-month-may-doubts-nothing",
    ),
    pytest.param(
        fact("The council denied claims that the hall was unsafe.", UNSAFE),
        id="denial-for-dismissal",
    ),
    pytest.param(
        fact(
            "More than 4,400 people were arrested up to 2 May, the interior ministry said.",
            "Riverton, May 2 (Wire).- " + ARRESTED,
        ),
        id="a-date-is-no-qualified-number",
    ),
    pytest.param(
        fact("Nobody was hurt.", RUIZ_UNHURT, kind="statement"), id="statement-has-speaker"
    ),
    pytest.param(
        fact(
            "Mara Lind quoted Mayor Ruiz as saying the pier was closed.",
            "Mara Lind quoted Mayor Ruiz as saying the pier was closed.",
            kind="statement",
        ),
        id="quoted-as-saying-gives-the-words-to-the-speaker",
    ),
    pytest.param(
        fact(
            "After a talk with Mayor Ruiz, Mara Lind said the pier was safe.",
            "After Mayor Ruiz left, Mara Lind said the pier was safe.",
            kind="statement",
        ).replace("speaker: ana-ruiz", "speaker: mara-lind"),
        id="a-name-before-a-comma-is-no-second-speaker",
    ),
    pytest.param(
        fact("Mayor Ruiz opened the new hall.", HALL, extra="  people: [ana-ruiz]\n"),
        id="named-by-alias-in-quote",
    ),
    pytest.param(
        fact(
            "More than 4,400 people were arrested, the ministry said.",
            ARRESTED,
            extra=("  people: [ana-ruiz]\n"),
        ),
        id="a-link-the-text-does-not-name-is-a-tag",
    ),
    pytest.param(
        fact(
            "Ana Ruiz's police said nobody was hurt.",
            UNHURT,
            extra="  people: [ana-ruiz]\n  related: [hall-opened]\n",
        )
        + fact("The mayor, Ana Ruiz, opened the new hall.", HALL).replace("probe", "hall-opened"),
        id="named-by-a-fact-it-links",
    ),
]


@pytest.mark.parametrize("facts", FAITHFUL)
def test_a_faithful_text_passes(wire: Path, facts: str) -> None:
    assert wording_found(wire, facts) == []


@pytest.mark.parametrize("accept", ["", "  accept: {unnamed: The linked fact names her.}\n"])
@pytest.mark.parametrize(
    ("breakage", "code"),
    [
        pytest.param(("\n  text:", "\n\ttext:"), "yaml-syntax", id="its-file-does-not-parse"),
        pytest.param(("kind: event", "kind: happening"), "bad-choice", id="it-does-not-load"),
        pytest.param(("- id: hall-opened\n", "hall-opened:\n"), "wrong-type", id="no-list"),
    ],
)
def test_a_linked_fact_that_failed_to_load_adds_no_finding(
    wire: Path, breakage: tuple[str, str], code: str, accept: str
) -> None:
    """What a fact that failed to load names is unknown: only its own problem is reported, and
    neither a finding nor a stale accept follows from it."""
    linking = fact(
        "Ana Ruiz's police said nobody was hurt.",
        UNHURT,
        extra=f"  people: [ana-ruiz]\n  related: [hall-opened]\n{accept}",
    )
    (wire / "facts/probe.yml").write_text(linking, encoding="utf-8")
    linked = fact("The mayor, Ana Ruiz, opened the new hall.", HALL).replace("probe", "hall-opened")
    (wire / "facts/hall.yml").write_text(linked.replace(*breakage, 1), encoding="utf-8")
    _, problems = check_root(wire)
    assert [(p.location.path, p.code) for p in problems] == [("facts/hall.yml", code)]


def test_an_entity_none_of_its_quotes_names_is_caught_at_its_name(wire: Path) -> None:
    """Renamed by mistake, a person's page would head quotes about someone else."""
    replace_in(wire / "facts/mayor.yml", "name: Ana Ruiz", "name: Donald Duck")
    found = wording_found(wire, fact(HALL, HALL))
    assert [(p.code, p.message, p.location.line) for p in found] == [
        ("unnamed", "no quote of this person names it 'Donald Duck' or 'Mayor Ruiz'", 3)
    ]


def figure(qualifier: str, value: str = "4400", quote: str = ARRESTED, extra: str = "") -> str:
    """Return a figure `probe` with one value, given the qualifier (none when empty)."""
    given = f"\n      qualifier: {qualifier}" if qualifier else ""
    return (
        "- id: probe\n  kind: figure\n  label: people arrested\n"
        "  text: How many people were arrested, as the reports give it.\n"
        f"  values:\n    - value: {value}{given}\n{extra}"
        f"      sources:\n        - {{source: wire, quote: {json.dumps(quote)}}}\n"
    )


@pytest.mark.parametrize(
    ("qualifier", "message"),
    [
        ("about", "value is 'about 4,400', but its quotes say 'more than 4,400'"),
        ("abut", "value is 'abut 4,400', but its quotes say 'more than 4,400'"),
        ("", "value is '4,400', but its quotes say 'more than 4,400'"),
    ],
)
def test_a_figure_value_keeps_its_quotes_qualifier(
    wire: Path, qualifier: str, message: str
) -> None:
    """The home page shows a key figure's value with its qualifier: 'about' for 'more than' is
    another number, and a dropped one hardens it."""
    [found] = wording_found(wire, figure(qualifier))
    assert (found.code, found.message) == ("qualifier", message)
    assert found.location.line == (7 if qualifier else 6)
    assert wording_found(wire, figure("more than")) == []
    assert wording_found(wire, figure("About", "300", HELD)) == []


def test_a_figure_value_keeps_the_qualifier_of_a_number_in_words(wire: Path) -> None:
    """The values' quotes were read for numbers in digits only: "at least 3" passed for a
    quote's "Three children"."""
    [found] = wording_found(wire, figure("at least", "3", CHILDREN))
    assert (found.code, found.message) == (
        "qualifier",
        "value is 'at least 3', but its quotes say '3'",
    )
    assert wording_found(wire, figure("", "3", CHILDREN)) == []


def test_a_label_or_what_a_statement_is_about_is_read_as_a_title(wire: Path) -> None:
    """A figure's label and what a statement is about show alone in lists, search and page
    titles: "about 4,400 people arrested" passed for quotes that say "more than 4,400"."""
    label = "label: about 4,400 people arrested"
    [found] = wording_found(wire, figure("more than").replace("label: people arrested", label))
    assert (found.code, found.message, found.location.line) == (
        "qualifier",
        "label says 'about 4,400', but its quotes say 'more than 4,400'",
        3,
    )
    added = "She added that the hall was open to all."
    about = "  about: the hall that is not open\n"
    [found] = wording_found(wire, fact(added, added, kind="statement", extra=about))
    assert (found.code, found.message, found.location.line) == (
        "negation",
        "about has 'not', but none of its quotes has a negation, denial or doubt",
        6,
    )


@pytest.mark.parametrize(
    ("role", "refused"), [("police chief", True), ("former police chief", False)]
)
def test_a_role_keeps_the_word_that_ends_it(wire: Path, role: str, refused: bool) -> None:
    """ "Prime Minister" passed for a quote's "Former Prime Minister": the page showed a
    past office as a present one."""
    chief = "Ana Ruiz, a former police chief, thanked the crews."
    mayor = MAYOR.replace("  sources:", f"  roles: [{role}]\n  sources:")
    cited = f"    - {{source: wire, quote: {json.dumps(chief)}}}\n"
    (wire / "facts/mayor.yml").write_text(mayor + cited, encoding="utf-8")
    _, problems = check_root(wire)
    assert [p.message for p in problems if p.is_error] == (
        [f"role '{role}' is not in any quote of this person"] if refused else []
    )


@pytest.mark.parametrize(
    ("quote", "status", "refused"),
    [
        ("The ministry announced that 12 roads were closed.", "announced", False),
        ("The ministry announced that 12 roads were closed.", "enacted", True),
        ("The council has not passed the toll law.", "enacted", True),
        ("The parking rules entered into force on Friday.", "enacted", False),
    ],
)
def test_a_reforms_status_is_one_its_quotes_give(
    wire: Path, quote: str, status: str, refused: bool
) -> None:
    """Any status passed: "Enacted" showed as a badge for a report that roads were closed, or
    that a law was not passed."""
    found = wording_found(wire, fact(quote, quote, kind="reform", extra=f"  status: {status}\n"))
    expected = ("status", f"status is '{status}', but no quote of this reform says so", 5)
    assert [(p.code, p.message, p.location.line) for p in found] == ([expected] if refused else [])


def test_a_statement_has_the_speaker_its_report_names(wire: Path) -> None:
    """A report names its speaker before quoting on ("She added…"), but a speaker that no
    quote's paragraph, nor the two before it, names is the editors' alone: "a claim by Ana
    Ruiz" of what the minister said."""
    added = "She added that the hall was open to all."
    assert wording_found(wire, fact("The hall is open to all.", added, kind="statement")) == []
    [found] = wording_found(
        wire, fact("About 300 were held at the border.", HELD, kind="statement")
    )
    assert (found.code, found.location.line) == ("unnamed", 3)
    assert found.message == (
        "'speaker' names 'ana-ruiz', but no quote of this statement, in its paragraph or the two "
        "before, names 'Ana Ruiz', 'Mayor Ruiz'"
    )
    [reported] = wording_found(wire, figure("about", "300", HELD, "      reported_by: ana-ruiz\n"))
    assert (reported.code, reported.location.line) == ("unnamed", 8)


def test_a_speaker_is_not_one_named_nearby_when_the_quote_names_another(wire: Path) -> None:
    """The paragraph before names Mayor Ruiz, so "Ana Ruiz" passed as the speaker of what the
    quote's own sentence gives to Mara Lind, as CNN's report passed as the minister's."""
    [found] = wording_found(
        wire, fact("The bridge is sound.", "The bridge is sound", kind="statement")
    )
    assert (found.code, found.location.line) == ("unnamed", 3)
    assert found.message == (
        "'speaker' names 'ana-ruiz', but its quote gives the words to 'mara lind' ('mara-lind')"
    )


def test_a_speaker_the_quote_names_is_not_one_it_gives_no_words_to(wire: Path) -> None:
    """The quote names Mayor Ruiz, but gives the words to Mara Lind: "Kazakh state television
    reported …, a day after Tokayev gave orders" passed as Tokayev's."""
    quote = "After Mayor Ruiz left, Mara Lind said the pier was safe."
    [found] = wording_found(wire, fact("The pier was safe.", quote, kind="statement"))
    assert found.message == (
        "'speaker' names 'ana-ruiz', but its quote gives the words to 'mara lind' ('mara-lind')"
    )


def test_a_headline_beside_the_quote_does_not_make_the_speaker_another(wire: Path) -> None:
    """A headline that gives its words to no one let "Putin" pass for a claim that the other
    quotes give to Tokayev; a "She added…" named by the paragraph before still counts."""
    quotes = ("Officials report arrests", "The bridge is sound, Mara Lind said.")
    [found] = wording_found(wire, fact("The bridge is sound.", *quotes, kind="statement"))
    assert found.message == (
        "'speaker' names 'ana-ruiz', but its quote gives the words to 'mara lind' ('mara-lind')"
    )
    added = ("She added that the hall was open to all.", quotes[1])
    assert wording_found(wire, fact("The hall is open to all.", *added, kind="statement")) == []


def test_a_reform_names_who_did_it_only_where_a_quote_does(wire: Path) -> None:
    named = fact(HALL, HALL, kind="reform", extra="  proposed_by: ana-ruiz\n")
    assert wording_found(wire, named) == []
    supplied = fact(ARRESTED, ARRESTED, kind="reform", extra="  proposed_by: ana-ruiz\n")
    found = wording_found(wire, supplied)
    assert [(p.code, p.location.line) for p in found] == [("unnamed", 5)]
    assert found[0].message.startswith("'proposed_by' names 'ana-ruiz', but no quote of this")


def test_check_warns_with_file_line_and_strict_fails(sample: Path) -> None:
    replace_in(
        sample / "facts/more/entities.yml", "text: About 1,200 vehicles", "text: 1,200 vehicles"
    )
    lenient = run_cli("check", "--root", sample)
    assert lenient.returncode == 0, lenient.stderr
    assert (
        "facts/more/entities.yml:27:9: warning[qualifier] fact 'vehicles': text says '1,200', "
        "but its quotes say 'about 1,200'; write the number as a quote qualifies it, or accept "
        "it: accept: {qualifier: <why>}"
    ) in lenient.stderr
    strict = run_cli("check", "--root", sample, "--strict")
    assert strict.returncode == 1 and "error[qualifier] fact 'vehicles'" in strict.stderr


def test_an_accept_silences_exactly_its_finding_and_is_published(wire: Path) -> None:
    reason = "The wire's lead gives the count; the editors checked it against the later figure."
    extra = f"  accept:\n    qualifier: {json.dumps(reason)}\n"
    facts = fact("4,400 people were arrested.", ARRESTED, extra=extra)
    # Both the qualifier and the attribution are gone; only the qualifier is accepted.
    assert [p.code for p in wording_found(wire, facts)] == ["unattributed"]
    site, verification = load_and_check(Config.for_root(wire))
    published = json.loads(facts_json(SiteView(site, verification.located)))
    probe = next(f for f in published["facts"] if f["id"] == "probe")
    assert probe["accept"] == {"qualifier": reason}
    assert "accept" not in next(f for f in published["facts"] if f["id"] == "ana-ruiz")


def test_an_accept_whose_finding_is_gone_is_stale(wire: Path) -> None:
    extra = "  accept:\n    negation: The text said 'not' once.\n"
    found = wording_found(wire, fact(UNHURT, UNHURT, extra=extra))
    assert [(p.code, p.location.line, p.hint) for p in found] == [
        ("stale-accept", 7, "remove accept.negation")
    ]


def test_an_accept_of_an_unknown_code_is_an_error(wire: Path) -> None:
    extra = "  accept:\n    hedges: The text is fine.\n"
    (wire / "facts/probe.yml").write_text(fact(HELD, HELD, extra=extra), encoding="utf-8")
    _, problems = check_root(wire)
    assert [(p.code, p.is_error, p.message) for p in problems if p.code == "unknown-key"] == [
        ("unknown-key", True, "unknown key 'hedges' in 'accept'")
    ]


def test_the_docs_list_every_code_and_word() -> None:
    docs = (REPO / "docs/format.md").read_text(encoding="utf-8")
    section = docs[docs.index("## The wording lint") :]
    section = re.sub(r"\s+", " ", section[: section.index("\n## ", 1)])
    for code in (*schema.WORDING_CODES, "stale-accept"):
        assert f"`{code}`" in section
    for word in (*ATTRIBUTION_WORDS, *QUALIFIERS):
        assert re.search(rf"[:,] {re.escape(word)}[,.]", section), word


def test_a_lead_sentence_is_linted_like_a_fact(sample: Path) -> None:
    replace_in(sample / "site.yml", "and about 1,200 vehicles", "and 1,200 vehicles")
    assert "warning[qualifier]" in run_cli("check", "--root", sample).stderr
    result = run_cli("check", "--strict", "--root", sample)  # --strict: warnings are errors
    assert result.returncode == 1
    assert (
        "site.yml:7:11: error[qualifier]: text says '1,200', but its quotes say 'about 1,200'; "
        "write the number as a quote qualifies it"
    ) in result.stderr


def test_the_numero_sign_is_read_as_number_not_as_no() -> None:
    """Compatibility folding reads "№" as "No": "Decree № 5" gained a negation."""
    assert plain("Decree № 5 was signed") == "decree number 5 was signed"


def test_a_name_is_found_before_a_possessive() -> None:
    """ "Putin's spokesman said …" named no one: the word looked up was "putin's"."""
    here = Location("facts/x.yml", 1, 1)
    putin = Person(id="putin", kind="person", text="Putin.", location=here, name="Putin")
    site = Site(Settings("t", "d", here), {}, {"putin": putin})
    assert Names(site).named_in("Putin's spokesman said so") == {"putin": "Putin"}
