"""The quote rules, point by point: what must match, what must fail, and why."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from site_gen.verify import quotes
from site_gen.verify.quotes import (
    WINDOW,
    Match,
    Miss,
    Normalized,
    Reason,
    locate,
    match,
    normalize,
)

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def seed(prefix: str) -> str:
    """Return the text of the seed file whose name starts with prefix."""
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


def found(quote: str, text: str, **options: int) -> list[str]:
    """Return the original passages a quote matched, failing the test on a miss."""
    result = match(quote, text, **options)
    assert isinstance(result, Match), result
    return [text[start:end] for start, end in result.spans]


def reason(quote: str, text: str, **options: int) -> Reason:
    """Return why a quote does not match, failing the test on a match."""
    result = match(quote, text, **options)
    assert isinstance(result, Miss), result
    return result.reason


# --- Normalization -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "quote", "passage"),
    [
        # Curly quotes fold on either side.
        ("Kazakhstan’s order was restored", "Kazakhstan's order was", "Kazakhstan’s order was"),
        ("Kazakhstan's order was restored", "Kazakhstan’s order was", "Kazakhstan's order was"),
        ("he said “we won” today", 'said "we won"', "said “we won”"),
        ("he said „we won‟ today", "said “we won”", "said „we won‟"),
        ("the ‚so‛ called plan", "the 'so' called", "the ‚so‛ called"),
        ("the country ʼs own", "the country 's", "the country ʼs"),
        ("a 5′ 3″ man", "a 5' 3\" man", "a 5′ 3″ man"),
        # Every dash and the minus sign fold to a hyphen.
        ("from 2010–2015 it grew", "from 2010-2015 it", "from 2010–2015 it"),
        ("Kazakhstan — and I want", "Kazakhstan - and I", "Kazakhstan — and I"),
        ("a non‐trivial thing here", "a non-trivial thing", "a non‐trivial thing"),
        ("it was −5 at night", "was -5 at night", "was −5 at night"),
        ("pages ‒ and ― lines", "pages - and - lines", "pages ‒ and ― lines"),
        # Whitespace of any kind and length is one space.
        (
            "Mariya\u00a0Gordeyeva / Reuters",
            "Mariya Gordeyeva / Reuters",
            "Mariya\u00a0Gordeyeva / Reuters",
        ),
        ("one\n\n  two\tthree four", "one two three", "one\n\n  two\tthree"),
        ("one\u2003two\u3000three", "one two three", "one\u2003two\u3000three"),
        # Invisible characters are deleted.
        (
            "they committed trea\u00adson today",
            "they committed treason",
            "they committed trea\u00adson",
        ),
        (
            "they committed trea\u200bson today",
            "they committed treason",
            "they committed trea\u200bson",
        ),
        (
            "they \ufeffcommitted\u2060 treason",
            "they committed treason",
            "they \ufeffcommitted\u2060 treason",
        ),
        (
            "they com\u200c\u200dmitted treason",
            "they committed treason",
            "they com\u200c\u200dmitted treason",
        ),
        (
            "the \u202bleader\u202c said so",
            "the leader said",
            "the \u202bleader\u202c said",
        ),
        (
            "the \u200eleader\u200f said \u2066so\u2069",
            "the leader said so",
            "the \u200eleader\u200f said \u2066so",
        ),
        # NFC: composed and decomposed letters are the same letter.
        ("the cafe\u0301 was open", "the caf\u00e9 was", "the cafe\u0301 was"),
        ("the caf\u00e9 was open", "the cafe\u0301 was", "the caf\u00e9 was"),
        # An ellipsis character is three dots.
        ("there could be one… I guarantee", "be one... I guarantee", "be one… I guarantee"),
        ("there could be one... I guarantee", "be one… I guarantee", "be one... I guarantee"),
    ],
)
def test_normalization_folds_both_sides(text: str, quote: str, passage: str) -> None:
    assert found(quote, text) == [passage]


def test_normalize_keeps_superscripts() -> None:
    # NFKC would turn 10² into 102 and let an altered number through.
    assert normalize("10² units").text == "10² units"
    assert reason("grew to 102 units", "it grew to 10² units") is Reason.NOT_FOUND
    assert reason("grew to 10² units", "it grew to 102 units") is Reason.NOT_FOUND
    assert found("grew to 10² units", "it grew to 10² units") == ["grew to 10² units"]


def test_normalize_maps_every_character_back() -> None:
    text = "  “Order\u00a0has\n\n been…\u00ad restored” "
    folded = normalize(text)
    assert folded.text == '"Order has been... restored"'
    assert folded.original == text
    assert len(folded.offsets) == len(folded.text) + 1
    assert [text[folded.offsets[i]] for i in range(7)] == list("“Order\u00a0")
    assert folded.offsets[-1] == len(text) - 1
    assert folded.offsets == tuple(sorted(folded.offsets))


def test_normalize_composes_decomposed_letters() -> None:
    folded = normalize("cafe\u0301 x")
    assert folded.text == "caf\u00e9 x"
    assert folded.offsets == (0, 1, 2, 3, 5, 6, 7)


def test_normalize_plain_text_is_unchanged() -> None:
    folded = normalize("plain text")
    assert folded == Normalized("plain text", tuple(range(11)), "plain text")


def test_normalize_empty_and_blank() -> None:
    assert normalize("").text == ""
    assert normalize(" \n\u00a0").text == ""
    assert len(normalize(" \n\u00a0").offsets) == 1


# --- Placement on word boundaries ----------------------------------------------------------


@pytest.mark.parametrize(
    ("quote", "text"),
    [
        ("5 percent rise", "a 25 percent rise"),
        ("00 people were", "300 people were"),
        ("5 percent rise", "a 2.5 percent rise"),
        ("5 percent rise", "a 1,5 percent rise"),
        ("5 percent rise", "a -5 percent rise"),
        ("5 percent rise", "a −5 percent rise"),
        ("more than 5", "more than 5,100 people"),
        ("more than 5", "more than 5.5 people"),
        ("ran the race", "they cran the race"),
        ("the race was", "the race wasn good"),
        ("they said we can", "they said we can't"),
        ("they said we can", "they said we can’t"),
        ("they said we WON", "they said we WON'T"),
        ("said the caf", "said the cafe\u0301"),
        ("an old rule", "an old rule\u0332"),
        # A space between thousands: "4 400", with a narrow or plain no-break space too.
        ("400 people on Monday", "detained 4\u202f400 people on Monday"),
        ("400 people on Monday", "detained 4\u00a0400 people on Monday"),
        ("400 people on Monday", "detained 4 400 people on Monday"),
        ("police detained 4", "police detained 4 400 people"),
        # A multiplier after the number is part of it.
        ("killed more than 5", "The virus killed more than 5 million people."),
        ("killed more than 5", "The virus killed more than 5 Thousand people."),
        ("killed more than 5", "The virus killed more than 5 millions of people."),
        # A leading decimal point: ".5 percent" is half a percent.
        ("5 percent rise", "a .5 percent rise"),
        # Apostrophes as keyboards write them: the "n't" stays part of its word.
        ("they said we can", "they said we can\u00b4t"),
        ("they said we can", "they said we can\uff07t"),
    ],
)
def test_boundaries_reject_partial_words_and_numbers(quote: str, text: str) -> None:
    assert reason(quote, text) is Reason.NOT_FOUND


@pytest.mark.parametrize(
    ("quote", "text", "passage"),
    [
        ("5 percent rise", "a 5 percent rise", "5 percent rise"),
        ("5 percent rise", "(5 percent rise)", "5 percent rise"),
        ("more than 5", "more than 5, said", "more than 5"),
        ("more than 5", "more than 5. Then", "more than 5"),
        ("the race was", "the race was, said", "the race was"),
        ("said we can", "said we can's owner", "said we can"),
        ("(the race was)", "x(the race was)y", "(the race was)"),
        ("5 people died", "on day 5 people died", "5 people died"),
        ("more than 5 people", "more than 5 people, 400 more", "more than 5 people"),
        ("they met 5", "they met 5 millionaires", "they met 5"),
        (
            "did not open fire",
            "police didn\u00b4t open fire; they did not open fire",
            "did not open fire",
        ),
    ],
)
def test_boundaries_accept_whole_words(quote: str, text: str, passage: str) -> None:
    assert found(quote, text) == [passage]


def test_later_occurrence_on_a_boundary_is_found() -> None:
    text = "a 25 percent rise, then a 5 percent rise"
    assert match("5 percent rise", text) == Match(((26, 40),))


def test_seed_number_is_not_found_inside_another() -> None:
    text = seed("000")
    assert reason("than 5,10 people were arrested", text) is Reason.NOT_FOUND
    assert reason("100 people were arrested", text) is Reason.NOT_FOUND
    assert reason("135 people have been arrested", text) is Reason.NOT_FOUND
    assert found("5,135 people have been arrested", text) == ["5,135 people have been arrested"]


# --- Case ----------------------------------------------------------------------------------


def test_first_letter_case_may_differ() -> None:
    text = seed("000")
    assert found("the Kazakh Interior Ministry later announced", text) == [
        "The Kazakh Interior Ministry later announced"
    ]
    assert found("Later announced in a statement", text) == ["later announced in a statement"]
    assert found('"there were famous personalities', text) == ['"There were famous personalities']


def test_other_letters_are_case_sensitive() -> None:
    text = seed("000")
    assert reason("The Kazakh interior Ministry later announced", text) is Reason.NOT_FOUND
    assert reason("THE Kazakh Interior Ministry", text) is Reason.NOT_FOUND


def test_later_fragments_are_case_sensitive() -> None:
    text = seed("000")
    quote = "the Kazakh Interior Ministry later ... In a statement that"
    result = match(quote, text)
    assert isinstance(result, Miss)
    assert result.reason is Reason.NOT_FOUND
    assert '"In a statement that"' in result.detail
    assert found("the Kazakh Interior Ministry later ... in a statement that", text) == [
        "The Kazakh Interior Ministry later",
        "in a statement that",
    ]


def test_first_letter_allowance_does_not_apply_to_a_leading_number() -> None:
    assert reason("5 People were there", "5 people were there") is Reason.NOT_FOUND


@pytest.mark.parametrize(
    "quote", ["[T]he Kazakh Interior Ministry", "[t]he Kazakh Interior Ministry"]
)
def test_bracketed_letter_matches_either_case(quote: str) -> None:
    assert found(quote, seed("000")) == ["The Kazakh Interior Ministry"]


def test_bracketed_letter_inside_a_quote() -> None:
    text = seed("000")
    assert found("Kazakh Interior Ministry [L]ater announced", text) == [
        "Kazakh Interior Ministry later announced"
    ]
    result = match("Kazakh Interior Ministry [L]ater announced", text)
    assert isinstance(result, Match)
    ((start, _),) = result.spans
    assert text[start : start + len("Kazakh")] == "Kazakh"


def test_bracketed_letter_span_covers_just_the_letter() -> None:
    text = "he said: the plan worked"
    assert match("[T]he plan worked", text) == Match(((9, 24),))


def test_bracketed_word_is_literal() -> None:
    assert reason("the reaction [overseas] was of least concern", seed("004")) is Reason.NOT_FOUND
    assert reason("the reaction was of least concern", seed("004")) is Reason.NOT_FOUND


@pytest.mark.parametrize(
    "quote",
    [
        "the goverment [sic] said it",
        "the goverment [SIC] said it",
        "the goverment [Sic] said it",
    ],
)
def test_sic_is_ignored(quote: str) -> None:
    assert found(quote, "then the goverment said it would") == ["the goverment said it"]


def test_sic_at_edges_and_before_punctuation() -> None:
    assert found("[sic] the goverment said", "the goverment said") == ["the goverment said"]
    assert found("the goverment said [sic].", "the goverment said.") == ["the goverment said."]
    assert found("the goverment[sic] said", "the goverment said") == ["the goverment said"]


def test_sic_in_the_source_matches_literally() -> None:
    text = "the goverment [sic] said it"
    assert found("the goverment [sic] said", text) == ["the goverment [sic] said"]


# --- Literal characters, seeds -------------------------------------------------------------


@pytest.mark.parametrize(
    ("prefix", "quote"),
    [
        (
            "000",
            '"There has not been such a request and there cannot be one... I guarantee you '
            "that we have not received such a request",
        ),
        ("000", "there cannot be one... I guarantee you"),
        ("002", '"In the first stage (…) there were peaceful protests'),
        ("002", "In the first stage (...) there were peaceful protests"),
        ("004", "the reaction [abroad] was of least concern"),
        ("004", "Nur Sultan [Kazakhstan], January 31"),
        (
            "001",
            "Kazakhstan's Interior Ministry reported that 7,939 people have been detained "
            "across the country.",
        ),
        ("001", "Kazakhstan’s Interior Ministry reported that 7,939 people"),
        ("002", "Kazakhstan says 'attempted coup' foiled, order restored"),
        ("003", "Photo: Mariya Gordeyeva / Reuters"),
        ("003", "MOSCOW - Kazakh authorities have arrested"),
    ],
)
def test_seed_passages_match_literally(prefix: str, quote: str) -> None:
    text = seed(prefix)
    result = match(quote, text)
    assert isinstance(result, Match), result
    (span,) = result.spans
    assert normalize(text[span[0] : span[1]]).text.lower() == normalize(quote).text.lower()


def test_literal_ellipsis_span_is_one_passage() -> None:
    text = seed("002")
    (passage,) = found("In the first stage (…) there were peaceful protests", text)
    assert passage == "In the first stage (…) there were peaceful protests"


def test_dropped_not_fails() -> None:
    text = seed("000")
    assert reason("There has been such a request", text) is Reason.NOT_FOUND
    assert reason("we have received such a request", text) is Reason.NOT_FOUND
    assert locate("There has been such a request", text) is None


def test_altered_number_fails() -> None:
    text = seed("001")
    assert reason("reported that 7,938 people have been detained", text) is Reason.NOT_FOUND
    assert reason("reported that 7939 people have been detained", text) is Reason.NOT_FOUND


def test_quote_from_another_source_fails() -> None:
    quote = "Kazakhstan's Interior Ministry reported that 7,939 people"
    assert locate(quote, seed("001")) is not None
    for prefix in ("000", "002", "003", "004"):
        assert locate(quote, seed(prefix)) is None


# --- Omissions -----------------------------------------------------------------------------

FAMOUS = seed("000")


@pytest.mark.parametrize("marker", ["...", "…", "[...]", "[…]", "(...)", "(…)", " ... ", "[ ... ]"])
def test_omission_markers_split_the_quote(marker: str) -> None:
    quote = f"There were famous personalities{marker}High-ranking officials committed treason"
    assert found(quote, FAMOUS) == [
        "There were famous personalities",
        "High-ranking officials committed treason",
    ]


def test_omission_spans_map_to_the_original() -> None:
    text = "“In the\u00a0first stage, we\n said, there\u00ad were protests.”"
    result = match("In the first stage … there were protests", text)
    assert isinstance(result, Match)
    assert [text[s:e] for s, e in result.spans] == [
        "In the\u00a0first stage",
        "there\u00ad were protests",
    ]


@pytest.mark.parametrize(
    "quote",
    [
        "... High-ranking officials committed treason",
        "…High-ranking officials committed treason",
        "[...] High-ranking officials committed treason",
        "High-ranking officials committed treason ...",
        "High-ranking officials committed treason (…)",
        "... High-ranking officials committed treason ...",
    ],
)
def test_leading_and_trailing_markers_are_dropped(quote: str) -> None:
    assert found(quote, FAMOUS) == ["High-ranking officials committed treason"]


def test_leading_marker_keeps_first_letter_allowance() -> None:
    assert found("... high-ranking officials committed treason", FAMOUS) == [
        "High-ranking officials committed treason"
    ]


@pytest.mark.parametrize(
    "quote",
    [
        "There were famous personalities ... treason",
        "famous ... High-ranking officials committed treason",
        "There were famous personalities ... ... High-ranking officials",
        "There were famous personalities ... , ... High-ranking officials",
    ],
)
def test_fragment_too_short(quote: str) -> None:
    result = match(quote, FAMOUS)
    assert isinstance(result, Miss)
    assert result.reason is Reason.FRAGMENT_TOO_SHORT


def test_fragment_too_short_names_the_fragment() -> None:
    result = match("There were famous personalities ... treason", FAMOUS)
    assert result == Miss(
        Reason.FRAGMENT_TOO_SHORT,
        'fragment 2 "treason" has 1 word; each part between omission marks needs at least 2',
    )


def test_fragments_out_of_order() -> None:
    quote = "High-ranking officials committed treason ... There were famous personalities"
    assert reason(quote, FAMOUS) is Reason.FRAGMENT_ORDER


def _gap(length: int) -> str:
    """Return one spaced filler word of exactly length characters, free of digits and negations."""
    return " " + "x" * (length - 2) + " "


@pytest.mark.parametrize(("length", "ok"), [(WINDOW, True), (WINDOW + 1, False)])
def test_window_of_300_characters(length: int, ok: bool) -> None:
    assert WINDOW == 300
    text = "alpha beta" + _gap(length) + "gamma delta"
    result = match("alpha beta ... gamma delta", text)
    if ok:
        assert result == Match(((0, 10), (10 + length, 21 + length)))
    else:
        assert isinstance(result, Miss)
        assert result.reason is Reason.FRAGMENT_ORDER


def test_window_counts_normalized_characters() -> None:
    # 400 characters of whitespace collapse to one space, so the gap is exactly 300.
    text = "alpha beta" + " \t" * 200 + "x" * (WINDOW - 2) + " gamma delta"
    assert found("alpha beta ... gamma delta", text) == ["alpha beta", "gamma delta"]


def test_omitted_number() -> None:
    quote = "At the beginning of the current year ... people were arrested during the recent riots"
    result = match(quote, FAMOUS)
    assert result == Miss(
        Reason.OMITTED_NUMBER,
        "the omitted text between fragments 1 and 2 contains the number '5,100'",
    )


@pytest.mark.parametrize(
    ("words", "number"), [("for a maximum of two terms", "two"), ("with dozens of aides", "dozens")]
)
def test_an_omitted_number_in_words_is_refused(words: str, number: str) -> None:
    """ "would serve as president [...] as per the Constitution" dropped "two terms"."""
    text = f"He would serve as president {words} as per the Constitution"
    result = match("He would serve as president ... as per the Constitution", text)
    assert result == Miss(
        Reason.OMITTED_NUMBER,
        f"the omitted text between fragments 1 and 2 contains the number '{number}'",
    )


def test_omitted_number_in_a_synthetic_text() -> None:
    text = "they said about 300 people were arrested while trying"
    assert reason("they said about ... people were arrested", text) is Reason.OMITTED_NUMBER


@pytest.mark.parametrize(
    ("quote", "text", "word"),
    [
        ("There has ... been such a request", FAMOUS, "not"),
        (
            "they said that ... the case that the plan failed",
            "they said that it wasn't the case that the plan failed",
            "n't",
        ),
        (
            "they said that ... the case that it failed",
            "they said that it wasn’t the case that it failed",
            "n't",
        ),
        ("the man has ... lied to us", "the man has never lied to us", "never"),
        ("to shoot militants ... warning, adding that", FAMOUS, "without"),
        ("There was ... use of force against", seed("004"), "no"),
        ("it was ... his own plan", "it was NOT his own plan", "NOT"),
        ("they had ... money nor food", "they had none, no money nor food", "none"),
        ("they had ... fuel and food", "they had neither fuel and food", "neither"),
        ("they had ... to say", "they had nothing to say", "nothing"),
        ("they said there ... be one more", "they said there cannot be one more", "cannot"),
    ],
)
def test_omitted_negation(quote: str, text: str, word: str) -> None:
    assert match(quote, text) == Miss(
        Reason.OMITTED_NEGATION,
        f"the omitted text between fragments 1 and 2 contains the negation '{word}'",
    )


@pytest.mark.parametrize(
    ("quote", "text", "word"),
    [
        (
            "the ministry ... that troops fired on protesters",
            "the ministry denied reports that troops fired on protesters",
            "denied",
        ),
        (
            "he called the ... that the vote was rigged",
            "he called the claim false that the vote was rigged",
            "false",
        ),
        (
            "the court ... the charge of treason",
            "the court rejected the charge of treason",
            "rejected",
        ),
        ("police have ... reports of deaths", "police have refuted reports of deaths", "refuted"),
        (
            "the protests had ... subsided in Almaty",
            "the protests had mostly subsided in Almaty",
            "mostly",
        ),
        ("the systems ... be supplied to Kyiv", "the systems could be supplied to Kyiv", "could"),
        (
            "the roads were ... reopened on Monday",
            "the roads were for the most part reopened on Monday",
            "for the most part",
        ),
    ],
)
def test_an_omitted_denial_reverses_the_quote(quote: str, text: str, word: str) -> None:
    """A denial reverses what it governs as a "not" does, and an omission passed over it."""
    assert match(quote, text) == Miss(
        Reason.OMITTED_NEGATION,
        f"the omitted text between fragments 1 and 2 contains '{word}', which hedges or denies "
        "what it governs",
    )


@pytest.mark.parametrize(
    ("quote", "text", "detail"),
    [
        # A negation in a contraction, or behind a quotation mark, still governs the quote.
        (
            "want to predict the outcome",
            'He said: "I don\'t want to predict the outcome"',
            "the source has 'n't' right before the quote, which reverses it",
        ),
        (
            "shoot at peaceful protesters",
            "He said troops did not \u201cshoot at peaceful protesters\u201d.",
            "the source has 'not' right before the quote, which reverses it",
        ),
        # A denial or a hedge right before it.
        (
            "impression that the government targeted protesters",
            "to create the false impression that the government targeted protesters",
            "the source has 'false' right before the quote, which hedges or denies it",
        ),
        (
            "mistreatment of the detained would be checked",
            "he said the alleged mistreatment of the detained would be checked",
            "the source has 'alleged' right before the quote, which hedges or denies it",
        ),
        # A word joined to it by a hyphen: "non-lethal", "S-300", a range.
        (
            "lethal weapons were used",
            "The army said non-lethal weapons were used.",
            "the source joins 'non-' to the quote's first word",
        ),
        (
            "300 missile systems",
            "S-300 missile systems",
            "the source joins 'S-' to the quote's first word",
        ),
        (
            "30 people were injured",
            "Doctors said 20\u201330 people were injured.",
            "the source joins '20-' to the quote's first word",
        ),
        (
            "the clashes killed 3",
            "the clashes killed 3-5 people",
            "the source joins '-5' to the quote's last word",
        ),
        # A qualifier before a number's currency or sign bounds it too.
        (
            "$5 million was stolen from the bank",
            "Police said nearly $5 million was stolen from the bank.",
            "the source has 'nearly' right before the quote's number",
        ),
    ],
)
def test_a_quote_cut_where_the_source_goes_on_is_refused(
    quote: str, text: str, detail: str
) -> None:
    """Each passed: the source's word just outside the quote turns what the quote says."""
    assert match(quote, text) == Miss(Reason.CUT, detail)


@pytest.mark.parametrize(
    ("quote", "text", "expected"),
    [
        # "millions" goes on from "5" as "million" does.
        ("the fund lost 5", "the fund lost 5 millions", Reason.NOT_FOUND),
        # An omission may not leave out a number's qualifier, nor run past a paragraph's end
        # kept in the fragment before it.
        (
            "Police said ... 8,000 people were detained",
            "Police said nearly 8,000 people were detained.",
            Reason.CUT,
        ),
        (
            'Police said: "Troops never fired." ... troops fired on the crowd',
            'Police said: "Troops never fired."\nWitnesses said troops fired on the crowd.',
            Reason.OMITTED_BREAK,
        ),
        (
            "A said it. ... B wants war",
            "A said it.\nB wants war now.",
            Reason.OMITTED_BREAK,
        ),
        (
            "A said: ... B wants war",
            "A said: 'We want peace.'\nB wants war now.",
            Reason.OMITTED_BREAK,
        ),
    ],
)
def test_an_omission_or_an_edge_that_changes_the_number_or_the_speaker(
    quote: str, text: str, expected: Reason
) -> None:
    assert reason(quote, text) is expected


@pytest.mark.parametrize(
    ("quote", "text", "detail"),
    [
        # A denial or a failure the list lacked.
        (
            "force was used against unarmed protesters",
            "he dismissed claims force was used against unarmed protesters",
            None,  # "claims" stands between: looked for only right before the quote.
        ),
        (
            "claims force was used against unarmed protesters",
            "he dismissed claims force was used against unarmed protesters",
            "the source has 'dismissed' right before the quote, which hedges or denies it",
        ),
        (
            "to stop the looting in Almaty",
            "Security forces failed to stop the looting in Almaty.",
            "the source has 'failed' right before the quote, which hedges or denies it",
        ),
        # A negation behind a quotation mark after the quote, or a guillemet before it.
        (
            "Putin said the CSTO troops would",
            "Putin said the CSTO troops would \u201cnot stay a day longer\u201d.",
            "the source has 'not' right after the quote, which reverses it",
        ),
        (
            "allow revolutions to break out",
            "They would not \u00aballow revolutions to break out\u00bb.",
            "the source has 'not' right before the quote, which reverses it",
        ),
        # A range's low end, however written, and a currency with its country.
        (
            "30 people were killed on Monday",
            "Officials said between 20 and 30 people were killed on Monday.",
            "the source has '20 and' right before the quote's number, which it makes the end of "
            "a range",
        ),
        (
            "US$5 million in aid",
            "The country sent nearly US$5 million in aid.",
            "the source has 'nearly' right before the quote's number",
        ),
        (
            "8,000 people were detained",
            "Police said above 8,000 people were detained.",
            "the source has 'above' right before the quote's number",
        ),
        (
            "8,000 people were detained",
            "Police said in excess of 8,000 people were detained.",
            "the source has 'in excess of' right before the quote's number",
        ),
    ],
)
def test_more_cuts_that_turn_a_quote(quote: str, text: str, detail: str | None) -> None:
    """Each passed a second review of the matcher."""
    expected = Miss(Reason.CUT, detail) if detail else None
    result = match(quote, text)
    assert (result if isinstance(result, Miss) else None) == expected


@pytest.mark.parametrize(
    ("quote", "text"),
    [
        # An em dash sets words apart; only a hyphen, or an en dash between numbers, joins them.
        (
            "Kazakh authorities have arrested the former head",
            "ALMATY, Kazakhstan\u2014Kazakh authorities have arrested the former head",
        ),
        ("The troops will leave soon", "The troops will leave soon\u2014they have done their job."),
        # Nothing governs across a line break, or after a quote that ends its sentence.
        (
            "The parliament said on Monday",
            "Resignation request rejected\nThe parliament said on Monday",
        ),
        (
            '"Order has been fully restored."',
            'He said: "Order has been fully restored."\nNo official gave a number.',
        ),
        # A wrapped line after a possessive, a bracket or a quotation mark goes on.
        (
            "The ministry said the ... had been heard by the government",
            "The ministry said the protesters'\ndemands had been heard by the government",
        ),
    ],
)
def test_faithful_quotes_the_second_review_saw_refused(quote: str, text: str) -> None:
    assert isinstance(match(quote, text), Match)


def test_a_later_whole_occurrence_matches_after_a_cut_one() -> None:
    """The first occurrence, cut beside its "not", made every later one a miss too."""
    text = (
        "Officials did not say the army would fire. Officials say the army would fire on looters."
    )
    assert found("say the army would fire", text) == ["say the army would fire"]


def test_a_no_that_starts_the_next_sentence_does_not_govern_the_quote() -> None:
    text = "The protests ended on Monday. No one was hurt."
    assert found("The protests ended on Monday.", text) == ["The protests ended on Monday."]


def test_a_denial_inside_a_fragment_is_quoted() -> None:
    text = "the ministry denied reports that troops fired on protesters in the square"
    assert found("the ministry denied reports ... on protesters in the square", text) == [
        "the ministry denied reports",
        "on protesters in the square",
    ]


def test_fragment_cut_before_a_contraction_is_not_found() -> None:
    # "we can" ends inside "can't", so the first fragment has no valid occurrence.
    result = match("they said we can ... go there today", "they said we can't go there today")
    assert result == Miss(
        Reason.NOT_FOUND, 'fragment 1 "they said we can" was not found in the source'
    )


def test_omitted_negation_is_reported_for_a_dropped_not() -> None:
    result = match("There has ... been such a request", FAMOUS)
    assert result == Miss(
        Reason.OMITTED_NEGATION,
        "the omitted text between fragments 1 and 2 contains the negation 'not'",
    )


def test_negation_inside_a_word_is_not_a_negation() -> None:
    text = "the notable knot and a nominal sum were known"
    assert found("the notable ... sum were known", text) == ["the notable", "sum were known"]


def test_omission_search_backtracks_over_first_fragment() -> None:
    text = "one two 7 then one two three four"
    result = match("one two ... three four", text)
    assert isinstance(result, Match)
    assert [text[s:e] for s, e in result.spans] == ["one two", "three four"]
    assert result.spans[0] == (15, 22)


def test_omission_search_backtracks_over_middle_fragment() -> None:
    # The first "gamma delta" is too far from "epsilon zeta"; only the second completes a chain.
    text = "alpha beta gamma delta" + _gap(250) + "gamma delta" + _gap(250) + "epsilon zeta"
    result = match("alpha beta ... gamma delta ... epsilon zeta", text)
    assert isinstance(result, Match)
    assert result.spans[1] == (272, 283)


def test_omission_prefers_the_earliest_valid_chain() -> None:
    text = "alpha beta not gamma delta. alpha beta and gamma delta. alpha beta or gamma delta"
    result = match("alpha beta ... gamma delta", text)
    assert result == Match(((28, 38), (43, 54)))


def test_literal_match_is_tried_before_omissions() -> None:
    # As written the quote is in the text; split at "..." its fragments would be too short.
    assert found("we can... see", "so we can... see") == ["we can... see"]


def test_not_found_names_the_fragment() -> None:
    result = match("There were famous personalities ... the emperor has new clothes", FAMOUS)
    assert result == Miss(
        Reason.NOT_FOUND,
        'fragment 2 "the emperor has new clothes" was not found in the source',
    )


def test_omission_is_not_fuzzy() -> None:
    # Every run of dots is a marker; nothing else is skipped.
    assert reason("There were personalities ... High-ranking officials", FAMOUS) is Reason.NOT_FOUND


# --- Length --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("quote", "words"),
    [
        ("", 0),
        ("...", 0),
        ("two words", 2),
        ("2,030-strong", 3),
        ("[T]he reaction", 2),
        ("the [sic] reaction", 2),
        ("one ... two [...] three (…) four", 4),
        ("“Order has been fully restored", 5),
        ("Kazakhstan’s constitutional order", 4),
    ],
)
def test_the_length_rule_counts_words_without_markers(quote: str, words: int) -> None:
    counted = "1 word" if words == 1 else f"{words} words"
    assert match(quote, "any text", min_words=50) == Miss(
        Reason.TOO_SHORT, f"the quote has {counted}; it needs at least 50"
    )


@pytest.mark.parametrize(
    "quote", ["", "   ", "two words", "two [sic] words", "... two words ...", "[sic]", "—"]
)
def test_too_short(quote: str) -> None:
    assert reason(quote, f"we have two words here {quote}") is Reason.TOO_SHORT


def test_too_short_detail() -> None:
    assert match("two words", "two words") == Miss(
        Reason.TOO_SHORT, "the quote has 2 words; it needs at least 3"
    )


def test_min_words_is_configurable() -> None:
    assert found("Reuters", seed("003"), min_words=1) == ["Reuters"]
    assert found("Related Articles", seed("002"), min_words=1) == ["Related Articles"]
    assert reason("Related Articles", seed("002"), min_words=3) is Reason.TOO_SHORT
    assert reason("", seed("002"), min_words=0) is Reason.TOO_SHORT


# --- Spans and locate ----------------------------------------------------------------------


def test_span_is_the_exact_original_passage() -> None:
    text = "He said:\u00a0“one\u200b two…\n\n three”\u00ad\n next"
    result = match("“one two... three”", text)
    assert isinstance(result, Match)
    ((start, end),) = result.spans
    assert text[start:end] == "“one\u200b two…\n\n three”"


def test_span_ends_after_an_expanded_ellipsis() -> None:
    text = "he said: wait for it\u2026 and then"
    assert found("said: wait for it...", text) == ["said: wait for it\u2026"]


def test_span_excludes_surrounding_whitespace_and_deleted_characters() -> None:
    text = "\n\n\u200b  alpha beta gamma\u00ad\u200b \n delta"
    assert found("alpha beta gamma", text) == ["alpha beta gamma"]


def test_span_through_a_decomposed_letter() -> None:
    text = "the cafe\u0301 was open"
    assert found("the caf\u00e9", text, min_words=1) == ["the cafe\u0301"]


def test_match_accepts_a_normalized_source() -> None:
    text = seed("001")
    folded = normalize(text)
    quote = "Kazakhstan's Interior Ministry reported that 7,939 people"
    assert match(quote, folded) == match(quote, text)


def test_locate_returns_a_list_of_spans() -> None:
    text = seed("000")
    spans = locate("There were famous personalities ... High-ranking officials", text)
    assert spans is not None
    assert isinstance(spans, list)
    assert [text[s:e] for s, e in spans] == [
        "There were famous personalities",
        "High-ranking officials",
    ]
    assert locate("two words", text) is None


@pytest.mark.parametrize(
    ("quote", "text"),
    [
        ("", ""),
        ("a b c", ""),
        ("", "a b c"),
        ("\ud800 a b c", "x \ud800 a b c"),
        ("\x00 a b c", "\x00 a b c"),
        ("[", "["),
        ("[x] [y] [z]", "X Y Z"),
        ("... ... ...", "... ... ..."),
        ("a\u0301 b c", "\u0301\u0301\u0301"),
        ("\u1100\u1161\u11a8 b c", "\uac01 b c"),
    ],
)
def test_locate_never_raises_on_odd_input(quote: str, text: str) -> None:
    locate(quote, text)


def test_hangul_jamo_compose() -> None:
    text = "\u1100\u1161\u11a8 b c"
    assert normalize(text).text == "\uac01 b c"
    assert found("\uac01 b c", text) == [text]


def test_match_on_huge_text() -> None:
    text = "lorem ipsum " * 50_000 + "the needle is here"
    assert found("the needle is here", text) == ["the needle is here"]


# --- Properties ----------------------------------------------------------------------------

SEED_TEXTS = [path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("*.txt"))]
_TOKEN = re.compile(r"\S+")


def _folded_equal(a: str, b: str) -> bool:
    """Compare normalized texts, allowing the first letter's case to differ."""
    x, y = normalize(a).text, normalize(b).text
    return x == y or (x[:1].lower() + x[1:]) == (y[:1].lower() + y[1:])


def _slices(min_tokens: int, max_tokens: int) -> st.SearchStrategy[tuple[str, int, int]]:
    """Draw a whitespace-aligned run of whole tokens from a seed: (text, start, end)."""

    @st.composite
    def draw(data: st.DrawFn) -> tuple[str, int, int]:
        text = data(st.sampled_from(SEED_TEXTS))
        tokens = [(m.start(), m.end()) for m in _TOKEN.finditer(text)]
        size = data(st.integers(min_tokens, max_tokens))
        first = data(st.integers(0, len(tokens) - size))
        return text, tokens[first][0], tokens[first + size - 1][1]

    return draw()


@settings(max_examples=300, derandomize=True, deadline=None)
@given(_slices(3, 25))
def test_every_seed_slice_is_found_at_an_equivalent_position(
    drawn: tuple[str, int, int],
) -> None:
    text, start, end = drawn
    quote = text[start:end]
    found = match(quote, text)
    if isinstance(found, Miss) and found.reason is Reason.TOO_SHORT:
        return
    if isinstance(found, Miss) and found.reason is Reason.CUT:
        # Cut right beside a negation or a number's qualifier: the word must really be there.
        word = re.search(r"'([^']+)'", found.detail)
        assert word is not None, found
        beside = (text[max(0, start - 30) : start] + " " + text[end : end + 30]).casefold()
        assert word[1].casefold() in beside, (quote, found)
        return
    spans = locate(quote, text)
    assert spans is not None, quote
    ((found_start, found_end),) = spans
    assert found_start <= start
    assert _folded_equal(text[found_start:found_end], quote)


DIGIT_TEXTS = [text for text in SEED_TEXTS if re.search(r"\d", text)]


def _digit_slices() -> st.SearchStrategy[tuple[str, str]]:
    """Draw a seed slice of whole tokens around a digit, and a copy with that digit changed."""

    @st.composite
    def draw(data: st.DrawFn) -> tuple[str, str]:
        text = data(st.sampled_from(DIGIT_TEXTS))
        tokens = [(m.start(), m.end()) for m in _TOKEN.finditer(text)]
        at = data(st.sampled_from([m.start() for m in re.finditer(r"\d", text)]))
        holder = next(i for i, (s, e) in enumerate(tokens) if s <= at < e)
        size = data(st.integers(3, 12))
        first = data(st.integers(max(0, holder - size + 1), min(holder, len(tokens) - size)))
        start, end = tokens[first][0], tokens[first + size - 1][1]
        new = data(st.sampled_from([d for d in "0123456789" if d != text[at]]))
        return text, text[start:at] + new + text[at + 1 : end]

    return draw()


@settings(max_examples=200, derandomize=True, deadline=None)
@given(_digit_slices())
def test_changing_a_digit_makes_a_quote_fail(drawn: tuple[str, str]) -> None:
    text, altered = drawn
    spans = locate(altered, text)
    if spans is None:
        return
    # Only acceptable when the altered quote genuinely occurs elsewhere in the source.
    ((start, end),) = spans
    assert _folded_equal(text[start:end], altered)


_ODD = st.sampled_from(
    [
        *"aA1 .,'\"-[](){}_…’“\u00a0\n\u00ad\u200b\u202e\u0301\u2212²",
        *("[sic]", "...", "[...]", "(…)", "n't", "not", "[T]", "5,1"),
    ]
)


_ANY = st.text(st.characters(exclude_categories=()) | st.characters(categories=["Cs"]))


@settings(max_examples=300, derandomize=True, deadline=None)
@given(_ANY | st.lists(_ODD).map("".join), _ANY | st.lists(_ODD).map("".join), st.integers(0, 4))
def test_locate_never_raises(quote: str, text: str, min_words: int) -> None:
    result = locate(quote, text)
    if result is not None:
        for start, end in result:
            assert 0 <= start <= end <= len(text)
    assert isinstance(match(quote, normalize(text), min_words=min_words), Match | Miss)


_TEXT_PIECES = st.sampled_from(
    [
        *"ab .,\n\t'\"-",
        *("\u00a0", "\u3000", "\u00ad", "\u200b", "\u200e", "\u202e", "\ufeff"),
        *("\u0301", "\u0323", "e\u0301", "\u0344", "\u0f73", "\u212b", "\u1100\u1161\u11a8"),
        *("…", "’", "“", "—", "\u2212", "²", "\ud800"),
    ]
)


@settings(max_examples=300, derandomize=True, deadline=None)
@given(st.lists(_TEXT_PIECES, max_size=16).map("".join))
def test_every_normalized_range_maps_to_an_equivalent_original(text: str) -> None:
    folded = normalize(text)
    norm, offsets = folded.text, folded.offsets
    assert len(offsets) == len(norm) + 1
    assert list(offsets) == sorted(offsets)
    assert norm == norm.strip()
    assert "  " not in norm

    def is_edge(i: int) -> bool:
        # A range may not split what one original character (or composed run) became.
        return i in (0, len(norm)) or offsets[i - 1] != offsets[i]

    for start in range(len(norm)):
        for end in range(start + 1, len(norm) + 1):
            if norm[start] == " " or norm[end - 1] == " " or not (is_edge(start) and is_edge(end)):
                continue
            a, b = folded.span(start, end)
            assert normalize(text[a:b]).text == norm[start:end]
            assert text[a:b] == text[a:b].strip()


_FAST_PATH_ALPHABET = st.sampled_from(list("ab1 .,’“—\u2026\u00a0\n\t\u200b\u00ad\u2028é"))


def _general_normalize(text: str) -> quotes.Normalized:
    """Run normalize() down its general, character-by-character path."""
    with mock.patch.object(quotes.unicodedata, "is_normalized", return_value=False):
        return quotes.normalize(text)


@settings(max_examples=500, derandomize=True, deadline=None)
@given(st.text(alphabet=_FAST_PATH_ALPHABET, max_size=30))
def test_fast_path_normalizes_like_the_general_path(text: str) -> None:
    if unicodedata.is_normalized("NFC", quotes._INVISIBLE.sub("", text)):
        assert quotes._normalize_composed(text) == _general_normalize(text)


@pytest.mark.parametrize("path", sorted(SEEDS.glob("*.txt")), ids=lambda p: p.name)
def test_fast_path_normalizes_the_seeds_like_the_general_path(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert quotes.normalize(text) == _general_normalize(text)


def test_offsets_read_like_the_tuple_they_replace() -> None:
    text = "a  b\u2026 c\n"
    offsets = normalize(text).offsets
    expected = tuple(_general_normalize(text).offsets)
    assert isinstance(offsets, quotes.Offsets)
    assert offsets == expected and expected == offsets and hash(offsets) == hash(expected)
    assert len(offsets) == len(expected)
    assert [offsets[i] for i in range(-len(expected), len(expected))] == [*expected, *expected]
    assert offsets[1:4] == expected[1:4]
    with pytest.raises(IndexError):
        offsets[len(expected)]


@pytest.mark.parametrize(
    ("quote", "text", "detail"),
    [
        # Two quotes, each verbatim, that together drop the source's "not".
        (
            "showed that its members would",
            "It showed that its members would not allow colour revolutions.",
            "the source has 'not' right after the quote, which reverses it",
        ),
        (
            "allow colour revolutions to break out",
            "its members would not allow colour revolutions to break out.",
            "the source has 'not' right before the quote, which reverses it",
        ),
        (
            "peaceful protesters were ... harmed by anyone",
            "No peaceful protesters were harmed by anyone.",
            "the source has 'No' right before the quote, which reverses it",
        ),
        # A number's qualifier, left out before the quote: "nearly 8,000" is not 8,000.
        (
            "8,000 people were detained",
            "Nearly 8,000 people were detained.",
            "the source has 'Nearly' right before the quote's number",
        ),
    ],
)
def test_a_quote_cut_beside_a_word_it_needs_is_refused(quote: str, text: str, detail: str) -> None:
    assert match(quote, text) == Miss(Reason.CUT, detail)


def test_a_quote_may_stop_beside_a_negation_of_another_clause() -> None:
    assert found("members would allow revolutions", "members would allow revolutions, not riots")
    assert found("8,000 people were detained", "In all, 8,000 people were detained.")


def test_an_omission_stays_in_its_paragraph() -> None:
    """Past a paragraph's end another speaker may talk: "Putin confirmed ... had used the
    protests" put Tokayev's words, the next paragraph's, in Putin's mouth."""
    text = (
        "Vladimir Putin confirmed the troops would leave soon.\n"
        'Tokayev said "armed militants" had used the protests to seize power.'
    )
    assert match("Vladimir Putin confirmed ... had used the protests", text) == Miss(
        Reason.OMITTED_BREAK,
        "the omitted text between fragments 1 and 2 runs on into another paragraph",
    )
    assert found("Tokayev said ... had used the protests", text)
