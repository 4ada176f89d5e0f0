"""Coverage: how sentences are split, and when a sentence counts as cited or ignored."""

from __future__ import annotations

from site_gen.errors import Location
from site_gen.model import Source
from site_gen.verify.coverage import source_coverage, split_sentences

TEXT = (
    "Headline without a stop\n"
    "The protests began on Jan. 2 over fuel. Mr Tokayev spoke. “Order is restored.” He left.\n"
    "Headline without a stop\n"
    "Related Articles\n"
)


def sentences(text: str) -> list[str]:
    return [s.text for s in split_sentences(text)]


def test_split_keeps_abbreviations_and_quotes_together() -> None:
    assert sentences(TEXT) == [
        "Headline without a stop",
        "The protests began on Jan. 2 over fuel.",
        "Mr Tokayev spoke.",
        "“Order is restored.”",
        "He left.",
        "Headline without a stop",
        "Related Articles",
    ]


def test_offsets_and_lines_point_into_the_text() -> None:
    for sentence in split_sentences(TEXT):
        assert TEXT[sentence.start : sentence.end] == sentence.text
    assert [s.line for s in split_sentences(TEXT)] == [1, 2, 2, 2, 2, 3, 4]


def test_lines_end_at_line_feeds_only_as_check_counts_them() -> None:
    """A U+2028 or a lone carriage return numbered every later line one higher than check."""
    text = "First line here.\nSecond\u2028part, with\rmore. Third.\r\nFourth line."
    found = split_sentences(text)
    assert [(s.line, s.text) for s in found][-1] == (3, "Fourth line.")
    for sentence in found:
        assert text[sentence.start : sentence.end] == sentence.text
        assert sentence.line == text.count("\n", 0, sentence.start) + 1


def span_of(part: str) -> tuple[int, int]:
    start = TEXT.index(part)
    return start, start + len(part)


def test_cited_when_half_is_covered_and_duplicates_count_once() -> None:
    ignored = span_of("Related Articles")
    source = Source("s", "s.txt", "", "t", Location("x"), text=TEXT)
    cited = [span_of("Headline without a stop"), span_of("The protests"), span_of("Mr Tokayev")]
    report = source_coverage(source, cited, (ignored,))
    # Five sentences count: the repeated headline once, the ignored boilerplate not at all.
    assert len(report.sentences) == 5
    # "The protests" is less than half of its sentence; "Mr Tokayev" is more than half.
    assert [s.text for s in report.uncited] == [
        "The protests began on Jan. 2 over fuel.",
        "“Order is restored.”",
        "He left.",
    ]
    assert report.ratio == 2 / 5
