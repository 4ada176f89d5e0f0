"""Suggestions for failing quotes: the right passage, an honest diff, and the changes that matter."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from site_gen.verify.quotes import normalize
from site_gen.verify.suggest import MIN_SCORE, Suggestion, closest_passage

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def seed(prefix: str) -> str:
    """Return the text of the seed file whose name starts with prefix."""
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


def suggest(quote: str, text: str) -> Suggestion:
    """Return the suggestion for a quote, failing the test when there is none."""
    found = closest_passage(quote, text)
    assert found is not None
    assert found.passage == text[found.start : found.end]
    return found


def test_misquoted_number_names_both_numbers() -> None:
    text = seed("000")
    found = suggest("more than 5,000 people were arrested during the recent riots", text)
    assert found.passage == "more than 5,100 people were arrested during the recent riots"
    assert found.callouts == ("number differs: quote has '5,000', source has '5,100'",)
    assert found.diff == (
        "more than [-5,000-] {+5,100+} people were arrested during the recent riots"
    )
    assert 0.8 < found.score < 1


def test_misquoted_number_in_a_quotation() -> None:
    found = suggest("5,153 people have been arrested throughout Kazakhstan", seed("000"))
    assert found.passage == "5,135 people have been arrested throughout Kazakhstan"
    assert "number differs: quote has '5,153', source has '5,135'" in found.callouts


def test_dropped_not_gives_a_negation_callout() -> None:
    text = seed("000")
    found = suggest("There has been such a request and there cannot be one", text)
    assert found.passage == "There has not been such a request and there cannot be one"
    assert found.callouts == ("negation differs: source has 'not'",)
    assert "{+not+}" in found.diff


def test_added_negation_gives_a_negation_callout() -> None:
    found = suggest("the President also deems it not necessary to introduce a ban", seed("000"))
    assert found.passage == "The President also deems it necessary to introduce a ban"
    assert found.callouts == ("negation differs: quote has 'not'",)
    assert "[-not-]" in found.diff


def test_contraction_counts_as_negation() -> None:
    found = suggest("I want to predict the outcome of the investigation", seed("004"))
    assert found.passage.endswith("want to predict the outcome of the investigation")
    assert "negation differs: source has 'n't'" in found.callouts


def test_number_missing_on_one_side() -> None:
    text = "The ministry said that 164 people were killed in the unrest."
    found = suggest("The ministry said that people were killed in the unrest", text)
    assert found.callouts == ("number differs: source has '164', quote does not",)


def test_unrelated_text_gives_nothing() -> None:
    quote = "banana bread tastes best warm, fresh from the oven, topped with butter"
    assert closest_passage(quote, seed("000")) is None


def test_shared_small_words_give_a_low_score_at_most() -> None:
    found = closest_passage("banana bread with chocolate sauce and sprinkles", seed("000"))
    assert found is None or MIN_SCORE <= found.score < 0.5


@pytest.mark.parametrize(("quote", "text"), [("", "some text here"), ("a b c", ""), ("...", "x")])
def test_empty_inputs_give_nothing(quote: str, text: str) -> None:
    assert closest_passage(quote, text) is None


def test_offsets_map_to_the_original() -> None:
    text = seed("002")
    found = suggest("Kazakhstan's constitutional order has been restored after a coup", text)
    assert found.passage == (
        "Kazakhstan’s constitutional order has been restored after an attempted coup"
    )
    assert text[found.start : found.end] == found.passage


def test_offsets_through_whitespace_and_invisible_characters() -> None:
    text = "Intro.\n\nThe\u00a0minister   said\u200b that\n 300 people were held."
    found = suggest("the minister said that 30 people were held", text)
    assert found.passage == "The\u00a0minister   said\u200b that\n 300 people were held"
    assert found.callouts == ("number differs: quote has '30', source has '300'",)


def test_short_quote_gets_a_tight_passage() -> None:
    text = seed("001")
    found = suggest("reported that 7,993 people", text)
    assert found.passage == "reported that 7,939 people"


def test_quote_spanning_sentences() -> None:
    text = seed("002")
    quote = (
        "Order has been fully restored in Kazakhstan. Threats to the security "
        "of the state have been repelled"
    )
    found = suggest(quote, text)
    assert found.passage.startswith("Order has been fully restored in Kazakhstan.")
    assert found.passage.endswith("have been repelled")


def test_editorial_marks_are_not_words() -> None:
    found = suggest("[t]he President also deems it [sic] necessary ... a ban", seed("000"))
    assert "sic" not in found.diff
    assert found.diff.startswith("The President also deems it necessary")


def test_ties_go_to_the_earliest_passage() -> None:
    text = "alpha beta gamma. alpha beta gamma."
    found = suggest("alpha beta delta", text)
    assert (found.start, found.end) == (0, 16)
    assert found.diff == "alpha beta [-delta-] {+gamma+}"


def test_accepts_a_normalized_source_and_is_deterministic() -> None:
    text = seed("000")
    quote = "the US did request S-300 missile systems from Kazakhstan"
    assert closest_passage(quote, normalize(text)) == closest_passage(quote, text)
    assert closest_passage(quote, text) == closest_passage(quote, text)


SEED_TEXTS = [path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("*.txt"))]
_WORDS = re.compile(r"\S+")


@st.composite
def _seed_slices(draw: st.DrawFn) -> tuple[str, str]:
    """Draw a seed text and a whitespace-aligned run of 3 to 15 of its tokens."""
    text = draw(st.sampled_from(SEED_TEXTS))
    tokens = [(m.start(), m.end()) for m in _WORDS.finditer(text)]
    size = draw(st.integers(3, 15))
    first = draw(st.integers(0, len(tokens) - size))
    return text, text[tokens[first][0] : tokens[first + size - 1][1]]


@settings(max_examples=100, derandomize=True, deadline=None)
@given(_seed_slices())
def test_an_exact_quote_suggests_an_identical_passage(drawn: tuple[str, str]) -> None:
    text, quote = drawn
    found = closest_passage(quote, text)
    words = re.compile(r"[^\W_]+")
    if not words.search(quote):
        assert found is None
        return
    assert found is not None
    assert found.passage == text[found.start : found.end]
    assert found.score == 1.0
    assert found.callouts == ()
    folded = [w.lower() for w in words.findall(normalize(found.passage).text)]
    assert folded == [w.lower() for w in words.findall(normalize(quote).text)]
