"""Numbers in claims: what counts as a number, and what equals what."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from conftest import check_root, replace_in

from site_gen.verify.numbers import Date, as_decimal, claimed_numbers, dates, numbers_at


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7,939 people", ["7939"]),
        ("a 2,030-strong contingent", ["2030"]),
        ("S-300 systems", ["300"]),
        ("2.5 percent", ["2.5"]),
        ("1,5 million and 1,50", ["1500000", "1.50"]),  # A decimal comma: not 15, not 150.
        ("no digits here", []),
        ("10² is not 102", ["10", "102"]),
        ("fell by -5 percent, (-2.5) and -7,939", ["-5", "-2.5", "-7939"]),
        ("the 2021-22 season, pages 5-7", ["2021", "22", "5", "7"]),
        ("killed 164 250 people in 2022 400 times", ["164250", "2022", "400"]),
        # A letter glued to a number multiplies it; apart, or before another letter, it is a unit.
        ("164k killed, $5m sent, £7M spent", ["164000", "5000000", "7000000"]),
        ("a 5 m wall, 10m high, 10km away, at 3am", ["5", "10", "10", "3"]),
    ],
)
def test_numbers_at(text: str, expected: list[str]) -> None:
    assert [number.value for number in numbers_at(text)] == [Decimal(e) for e in expected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Protests began on January 2 and 164 died.", ["164"]),
        ("On 7 January 2022 he gave the order.", []),
        ("Dated Jan 31, 2022, and 2022-01-10.", []),
        ("In January 2022, 5,135 were arrested.", ["5135"]),
        ("See [the report](https://example.org/2022/01/10) of 300 arrests.", ["300"]),
        ("Nazarbayev handed over power in 2019.", ["2019"]),
        ("He denied a request for S-300 systems and 2 Su-27 jets.", ["2"]),
        ("In January 9000 people were detained.", ["9000"]),  # No year: a count.
        ("By January 10, 9000 people were detained.", ["9000"]),
        # A day's digits that go on as a number's are no day: "May 1,200" is a count.
        ("In May 1,200 vehicles crossed; March 12,000; May 1 200.", ["1200", "12000", "1200"]),
        ("On the 4th of March 4 lanes closed.", ["4"]),
        # Designations are written in capitals and never cut a number.
        (
            "Costs of R9,200 a day, its top-5 since mid-2019, in KZT900.",
            ["9200", "5", "2019", "900"],
        ),
        # A name is no amount: "QR500 million" is a sum of money.
        ("Qatar sent QR500 million and RM2 billion; the G7 met.", ["5E8", "2E9"]),
        # A leading decimal point, and compatibility forms read as plain ones.
        ("Tolls rise by .5 percent, or -.5 after rebates.", ["0.5", "-0.5"]),
        ("closed 36\u00bd hours, 10\u00b2 cars", ["361", "2", "102"]),
    ],
)
def test_claimed_numbers_skip_dates_and_urls(text: str, expected: list[str]) -> None:
    assert [value for _, value in claimed_numbers(text)] == [Decimal(e) for e in expected]


def test_values_compare_by_value() -> None:
    assert as_decimal(7939) == Decimal("7939")
    assert as_decimal(2.5) == numbers_at("2.5")[0].value
    assert as_decimal(2030.0) == numbers_at("2,030")[0].value


QUOTE = "quote: The harbour bridge reopened on Tuesday after a storm closed it for 36 hours"
TEXT = "text: The harbour bridge reopened after being closed for 36 hours by a storm, the city's transport office said."


@pytest.mark.parametrize(
    ("quote", "text", "claimed"),
    [
        # The quote matches with the invisible character or "[sic]" read out: 1,200, not 200.
        (
            'quote: "About 1,\\u200b200 vehicles crossed"',
            "text: About 200 vehicles crossed.",
            "200",
        ),
        ("quote: About 1,[sic]200 vehicles crossed", "text: About 200 vehicles crossed.", "200"),
        # A date's day and a sign are no quantity the quote gives.
        (
            "quote: Port Elin, March 3 (Gazette).- The harbour bridge reopened",
            "text: 3 bridges reopened.",
            "3",
        ),
        (QUOTE, "text: The bridge was closed for -36 hours.", "-36"),
        # What the page shows: "&#x33;&#x37;" is 37, and "March 9000" no date.
        (QUOTE, "text: The bridge was closed for &#x33;&#x37; hours.", "37"),
        (QUOTE, "text: In March 9000 hours went by.", "9000"),
        # The page shows one number, 36,000, where the markup parted two.
        (QUOTE, 'text: "The bridge was closed for <strong>36</strong>,000 hours."', "36,000"),
        (
            QUOTE,
            'text: "The bridge was closed for [36](https://example.org/),000 hours."',
            "36,000",
        ),
        (QUOTE, "text: The bridge was closed for 36 000 hours.", "36 000"),
        # A currency is no name such as "S-300": "KZT900" counts 900.
        (QUOTE, "text: The bridge was closed for 36 hours and cost KZT900.", "900"),
        # A "](" made of a character reference is shown, and so is the number after it.
        (QUOTE, "text: The bridge was closed for 36 hours &#93;(1,900 cars waited).", "1,900"),
        # A multiplier is part of its number: "36 thousand" is no 36.
        (QUOTE, "text: The bridge was closed for 36 thousand hours.", "36 thousand"),
    ],
    ids=[
        "invisible",
        "sic",
        "date",
        "sign",
        "reference",
        "no-year",
        "tag",
        "link",
        "space",
        "currency",
        "reference-bracket",
        "multiplier",
    ],
)
def test_a_number_is_read_as_the_page_shows_it_and_the_quote_matches(
    sample: Path, quote: str, text: str, claimed: str
) -> None:
    """Each text passed the number check: it read a number its quotes do not give."""
    events = sample / "facts/events.yml"
    replace_in(events, QUOTE, quote)
    replace_in(events, TEXT, text)
    _, problems = check_root(sample)
    errors = [(p.code, p.message) for p in problems if p.is_error]
    assert errors == [
        (
            "number-not-quoted",
            f"text says {claimed}, but no quote of this fact contains that number",
        )
    ]


def test_a_number_with_a_multiplier_is_backed_by_the_same_quantity(sample: Path) -> None:
    """ "About 1.2 thousand vehicles" is the quote's "About 1,200 vehicles": it was refused."""
    events = sample / "facts/events.yml"
    replace_in(events, QUOTE, "quote: About 1,200 vehicles crossed in the first hour")
    replace_in(
        events,
        TEXT,
        "text: About 1.2 thousand vehicles crossed, according to the transport office.",
    )
    _, problems = check_root(sample)
    assert [p.headline() for p in problems] == []


def test_a_number_in_a_title_is_held_to_the_quotes(sample: Path) -> None:
    """Every list, the feed and search show the title in the fact's place: "Bridge closed 90
    hours" passed, with quotes that say 36."""
    replace_in(
        sample / "facts/events.yml", "title: Bridge reopens", "title: Bridge closed 90 hours"
    )
    _, problems = check_root(sample)
    assert [(p.code, p.message, p.location.line) for p in problems if p.is_error] == [
        ("number-not-quoted", "title says 90, but no quote of this fact contains that number", 3)
    ]


def test_dates_are_read_into_their_parts() -> None:
    text = "On 5 January, Jan. 2, 2022, Sept. 3rd; 2022-01 and May 2022"
    assert [date for _, date in dates(text)] == [
        Date(None, 1, 5),
        Date(2022, 1, 2),
        Date(None, 9, 3),
        Date(2022, 1, None),
        Date(2022, 5, None),
    ]


DATED_QUOTE = "quote: Port Elin, March 3 (Gazette).- The harbour bridge reopened"


@pytest.mark.parametrize(
    ("quote", "text", "unbacked"),
    [
        # The event's date field (2025-03-04) gives the day, or a quote does.
        (QUOTE, "text: On 4 March the bridge reopened, closed for 36 hours.", None),
        (QUOTE, "text: On March 4, 2025, the bridge reopened, closed for 36 hours.", None),
        (QUOTE, "text: In March 2025 the bridge reopened, closed for 36 hours.", None),
        (DATED_QUOTE, "text: By March 3 the harbour bridge reopened.", None),
        # An altered day, year or month passed, a date being no count.
        (QUOTE, "text: On 5 March the bridge reopened, closed for 36 hours.", "5 March"),
        (QUOTE, "text: On 4 March 2024 the bridge reopened, closed for 36 hours.", "4 March 2024"),
        (QUOTE, "text: In March 1640 the bridge reopened, closed for 36 hours.", "March 1640"),
        (DATED_QUOTE, "text: By April 3 the harbour bridge reopened.", "April 3"),
        # A quote's date without a year backs no year.
        (DATED_QUOTE, "text: By March 3, 2024, the harbour bridge reopened.", "March 3, 2024"),
        # A range of days is two dates, each backed or not; its end was read as the count -4.
        (DATED_QUOTE, "text: From March 3\u20134 the harbour bridge reopened.", None),
        (DATED_QUOTE, "text: From 3\u20135 March the harbour bridge reopened.", "3-5 March"),
    ],
    ids=[
        "field",
        "field-year",
        "month",
        "quote",
        "day",
        "year",
        "old-year",
        "month-off",
        "no-year",
        "range",
        "range-off",
    ],
)
def test_a_date_in_a_text_is_one_its_quotes_or_its_date_fields_give(
    sample: Path, quote: str, text: str, unbacked: str | None
) -> None:
    """A date is no count, so no date was read: an altered day, month or year passed."""
    assert date_errors(sample, quote, text) == unbacked_date(unbacked, "date")


@pytest.mark.parametrize(
    ("quote", "text", "unbacked"),
    [
        (QUOTE, "text: On Tuesday the bridge reopened, closed for 36 hours.", None),
        # The event's date, 2025-03-04, is a Tuesday: the editors may name the day.
        (DATED_QUOTE, "text: On Tuesday the harbour bridge reopened.", None),
        (QUOTE, "text: On Wednesday the bridge reopened, closed for 36 hours.", "Wednesday"),
        (DATED_QUOTE, "text: On Monday the harbour bridge reopened.", "Monday"),
    ],
    ids=["quote", "field", "altered", "altered-field"],
)
def test_a_day_of_the_week_is_one_its_quotes_or_its_date_gives(
    sample: Path, quote: str, text: str, unbacked: str | None
) -> None:
    """ "In a speech on Thursday" passed for a report that says Friday."""
    assert date_errors(sample, quote, text) == unbacked_date(unbacked, "day")


def date_errors(sample: Path, quote: str, text: str) -> list[tuple[str, str]]:
    """Check the sample with its event's quote and text replaced; return its errors."""
    events = sample / "facts/events.yml"
    replace_in(events, QUOTE, quote)
    replace_in(events, TEXT, text)
    _, problems = check_root(sample)
    return [(p.code, p.message) for p in problems if p.is_error]


def unbacked_date(written: str | None, which: str) -> list[tuple[str, str]]:
    """Return the error of a date or day no quote and no date field gives, if one is written."""
    fields = f"no quote of this fact and none of its date fields gives that {which}"
    return [("date-not-quoted", f"text says {written}, but {fields}")] if written else []


@pytest.mark.parametrize(("written", "which"), [("Tuesday", "day"), ("4 March", "date")])
def test_a_reports_date_backs_no_date_nor_day_of_the_text(
    sample: Path, written: str, which: str
) -> None:
    """An event dated by its report (2025-03-04, a Tuesday) may have happened on another day:
    "on 4 March" passed as the day of an event the report does not date."""
    events = sample / "facts/events.yml"
    replace_in(events, QUOTE, DATED_QUOTE)
    replace_in(events, TEXT, f"text: On {written} the harbour bridge reopened.")
    replace_in(events, 'date: "2025-03-04"', 'date: "2025-03-04"\n  date_of_report: true')
    _, problems = check_root(sample)
    assert [p.message for p in problems if p.is_error] == [
        f"text says {written}, but no quote of this fact and none of its date fields gives that "
        f"{which}"
    ]
    # A text may give the report's own date as the report's.
    replace_in(
        events, f"text: On {written} the", f"text: The Gazette reported on {written} that the"
    )
    _, problems = check_root(sample)
    assert [p.message for p in problems if p.is_error] == []


def test_a_date_in_the_lead_is_one_its_quotes_give(sample: Path) -> None:
    """A sentence of the lead has no date fields: only its quotes can give its dates."""
    replace_in(sample / "site.yml", "reopened after a storm,", "reopened on 4 March after a storm,")
    _, problems = check_root(sample)
    assert [(p.code, p.message) for p in problems if p.is_error] == [
        ("date-not-quoted", "text says 4 March, but no quote of this sentence gives that date")
    ]


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "label: vehicles in the first hour",
            "label: vehicles in the first 2 hours",
            "label says 2, but no quote of this fact contains that number",
        ),
        (
            "name: City transport office",
            "name: City transport office of 12 districts",
            "name says 12, but no quote of this fact contains that number",
        ),
    ],
)
def test_a_number_in_a_label_or_a_name_is_held_to_the_quotes(
    sample: Path, old: str, new: str, message: str
) -> None:
    """A figure's label and an entity's name head its page and stand for it in every list."""
    replace_in(sample / "facts/more/entities.yml", old, new)
    _, problems = check_root(sample)
    assert [(p.code, p.message) for p in problems if p.is_error] == [("number-not-quoted", message)]


def test_a_year_alone_is_backed_by_the_facts_own_date(sample: Path) -> None:
    """ "Bridge reopens in 2025" was refused, though the event is dated 2025-03-04, while "4
    March 2025" passed."""
    replace_in(
        sample / "facts/events.yml", "title: Bridge reopens", "title: Bridge reopens in 2025"
    )
    _, problems = check_root(sample)
    assert [p for p in problems if p.is_error] == []
    replace_in(sample / "facts/events.yml", "in 2025", "in 2024")
    _, problems = check_root(sample)
    assert [p.code for p in problems if p.is_error] == ["number-not-quoted"]
    # A count is no year: "2,025 cars" is not backed by the date.
    replace_in(sample / "facts/events.yml", "reopens in 2024", "reopens to 2,025 cars")
    _, problems = check_root(sample)
    assert [p.message for p in problems if p.is_error] == [
        "title says 2,025, but no quote of this fact contains that number"
    ]
