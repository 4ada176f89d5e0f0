"""Find the numbers written in digits in a text, so claims can be held to their quotes."""

from __future__ import annotations

import datetime
import itertools
import re
import unicodedata
from decimal import Decimal
from types import MappingProxyType
from typing import NamedTuple

from site_gen.model.counts import NUMBER_WORDS
from site_gen.model.titles import MONTHS

# A whole run of digits with inner separators, so "7,939" is one number and no part of "1,500"
# or "130" is read as a number of its own; "4 400" too, thousands set apart by a space (a
# no-break one folds to a space), as the quote matcher reads them; with its sign, unless the
# "-" joins it to what comes before ("2021-22", "S-300"); with a leading decimal point
# (".5" is half, not 5). The lookahead of the characters a number starts with lets a search
# skip the rest of a text at C speed (benchmarks/README.md).
_NUMBER = re.compile(
    r"(?=[-.\d])(?:(?<![\w.,)\]-])-)?(?:(?<![\w.,])\.(?=\d))?"
    r"(?:\d{1,3}(?: \d{3})+(?!\d|[.,]\d)|\d+(?:[.,]\d+)*)"
)
_DIGITS = re.compile(r"\d+")
# The words that multiply the number before them, by the power of ten each stands for: spelled
# out after a space ("5 million", "5 millions"), abbreviated, glued or not ("5bn"), or a
# letter glued to it ("164k"; "m" only in a sum of money, "$5m": "10m high" is metres).
_SPELLED_MULTIPLIERS = MappingProxyType(
    {"hundred": 2, "thousand": 3, "million": 6, "billion": 9, "trillion": 12}
)
_SHORT_MULTIPLIERS = MappingProxyType({"mn": 6, "mln": 6, "bn": 9})
_LETTER_MULTIPLIERS = MappingProxyType({"k": 3, "m": 6})
_MULTIPLIERS = MappingProxyType(
    {**_SPELLED_MULTIPLIERS, **_SHORT_MULTIPLIERS, **_LETTER_MULTIPLIERS}
)
# The signs of money that a glued "m" multiplies after.
_CURRENCY_SIGNS = ("$", "€", "£", "¥", "₸")
_MULTIPLIER = re.compile(
    rf"(?: ({'|'.join(_SPELLED_MULTIPLIERS)})s?| ?({'|'.join(_SHORT_MULTIPLIERS)})"
    rf"|({'|'.join(_LETTER_MULTIPLIERS)}))(?![\w-])",
    re.IGNORECASE,
)

_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
# A year of a date: "January 9000 people" is a count, not a date.
YEAR = r"(?:1\d|20)\d\d"
# A day of a date, unless its digits go on as a number's: "May 1,200 vehicles" is a count.
_DAY = r"\d{1,2}(?:st|nd|rd|th)?(?![.,]\d| \d{3}(?!\d))"
# Days of a month, one or a range of them ("January 2-7", "2-7 January"; a dash is folded to
# "-" before dates are read).
_DAYS = rf"{_DAY}(?:-{_DAY})?"
# Dates belong in date fields; written in a text they are not claims about quantities. A date
# starts with a digit or a month's capital: the lookahead of those lets a search skip the rest.
_DATE_INITIALS = "".join(sorted({name[0] for name in MONTHS}))
_DATE = re.compile(
    rf"(?=[\d{_DATE_INITIALS}])(?:\b{YEAR}-\d{{2}}(?:-\d{{2}})?\b"
    rf"|\b{_MONTH}\s+{_DAYS}(?:,?\s+{YEAR})?\b"
    rf"|\b{_DAYS}\s+(?:of\s+)?{_MONTH}(?:,?\s+{YEAR})?\b"
    rf"|\b{_MONTH}\s+{YEAR}\b)"
)
# Bare URLs are addresses, not claims. (Texts are read as shown, without link targets.)
_URL = re.compile(r"https?://\S+")
# Names such as "S-300", "Su-27" or "G7" carry digits but count nothing. They are written in
# capitals, never cut a number, and are no amount: "KZT900", "top-5", "mid-2019", "R1,200" and
# "QR500 million" count.
_DESIGNATION = re.compile(
    r"(?=[A-Z])\b(?:[A-Z][A-Za-z]*-|[A-Z]{1,2})\d[\w-]*(?![\w-])"
    r"(?![.,]\d| (?:thousand|million|billion|trillion)\b)"
)


# A run of number words ("two hundred and five", "twenty-one"), in text of either case, also as
# part of a compound ("a three-day mourning"); not the multiplier of a number in digits ("1.2
# thousand"), which is part of that number. "One" alone is no number ("one of them").
_NUMBER_WORD = "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))
# The letters number words start with, in either case: the lookahead lets a search skip the rest
# of a text at C speed (benchmarks/README.md).
_INITIALS = "".join(
    sorted({word[0] for word in NUMBER_WORDS} | {w[0].upper() for w in NUMBER_WORDS})
)
WORDS_RUN = (
    rf"(?=[{_INITIALS}])(?<![\w-])(?<!\d )(?i:{_NUMBER_WORD})"
    rf"(?:(?:[ -]|,? and )(?i:{_NUMBER_WORD}|one))*(?!\w)"
)
_WORDS_RUN = re.compile(WORDS_RUN)


class Number(NamedTuple):
    """A number as written in a text, where it starts, and its value."""

    start: int
    written: str
    value: Decimal


def numbers_at(text: str) -> list[Number]:
    """Return every number in `text` with its offset, for rules that read the words before it.

    A word that multiplies a number is part of it: "164 thousand" is 164,000, so it is no 164 of
    a quote, and "1.5 billion" gives a figure value of 1500000000.
    """
    found = []
    for number in _NUMBER.finditer(text):
        written, value = number.group(), _value(number.group())
        times = _MULTIPLIER.match(text, number.end())
        if times is not None and (times.group(3) or "").lower() == "m":
            times = times if text.endswith(_CURRENCY_SIGNS, 0, number.start()) else None
        if times is not None:
            written += times.group()
            word = next(group for group in times.groups() if group)
            value = value.scaleb(_MULTIPLIERS[word.lower()])
        found.append(Number(number.start(), written, value))
    return found


def _value(written: str) -> Decimal:
    """Read a number as newsrooms write it: commas or spaces between thousands ("7,939",
    "4 400"), and several dots too ("1.000.000"); but one comma before other than three digits
    is a decimal comma: "1,5 million" is 1.5 million, and backs no "15 million"."""
    digits = written.replace(" ", "")
    whole, *decimals = digits.split(",")
    if len(decimals) == 1 and "." not in digits and len(decimals[0]) != 3:
        return Decimal(f"{whole}.{decimals[0]}")
    digits = digits.replace(",", "")
    if digits.count(".") > 1:
        digits = digits.replace(".", "")
    return Decimal(digits)


def claimed_numbers(text: str) -> list[tuple[str, Decimal]]:
    """Return the quantities a text or a quote states: every number but those in dates, URLs
    and designations, so a quote's "January 2" or "S-300" backs no "2" or "300" in a text.

    Compatibility forms are read as their plain ones, so "36½" is no 36 ("36" and "1⁄2"), and a
    superscript "³⁶" is 36.
    """
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    return [(number.written, number.value) for number in claimed_numbers_at(text)]


def claimed_numbers_at(text: str) -> list[Number]:
    """Return the numbers a text claims, with their offsets in `text`.

    The text is read as a text shown on a page, or a quote as matched: link targets are gone.
    """
    if not _DIGITS.search(text):
        return []  # Half of all texts: the three substitutions below would find nothing.
    if "http" in text:  # Addresses are rare.
        text = _URL.sub(_blank, text)
    for pattern in (_DATE, _DESIGNATION):
        text = pattern.sub(_blank, text)  # Blanks of the same length keep every offset.
    return numbers_at(text)


def _blank(found: re.Match[str]) -> str:
    return " " * len(found.group())


class Date(NamedTuple):
    """A date as a text or a date field gives it; a part it leaves out is None."""

    year: int | None
    month: int | None
    day: int | None

    def forms(self) -> set[Date]:
        """Return this date with each choice of its parts left out: a date a text writes is
        within this one when it is one of these, so a set of them answers in one lookup."""
        return {
            Date(*(part if keep else None for part, keep in zip(self, mask, strict=True)))
            for mask in itertools.product((True, False), repeat=3)
        }


# A month name's first three letters, as _DATE reads "Sept." or "January": each gives its month.
_MONTH_NAME = re.compile(r"[A-Z][a-z]{2}")
_MONTH_NUMBERS = MappingProxyType({name[:3]: number for number, name in enumerate(MONTHS, 1)})


def dates(text: str) -> list[tuple[str, Date]]:
    """Return each date written in a text ("5 January", "January 2, 2022", "2022-01"), as
    written and as its parts; a range of days gives each of its ends ("January 2-7")."""
    return [
        (found.group(), date) for found in _DATE.finditer(text) for date in _dates(found.group())
    ]


def _dates(written: str) -> list[Date]:
    """Read a date the _DATE pattern found: one without a month name is an ISO date; in
    another, a number of four digits is the year and the others the days."""
    numbers = [int(digits) for digits in _DIGITS.findall(written)]
    if (name := _MONTH_NAME.search(written)) is None:
        return [field_date(written)]
    month = _MONTH_NUMBERS[name.group()]
    year = next((n for n in numbers if n >= 1000), None)
    days: list[int | None] = [n for n in numbers if n < 1000]
    return [Date(year, month, day) for day in days or [None]]


# The days of the week, in the order of datetime.date.weekday().
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_WEEKDAY = re.compile(rf"\b(?:{'|'.join(_WEEKDAYS)})\b")


def weekdays(text: str) -> list[str]:
    """Return each day of the week a text names ("on Friday"): a day can be altered as a date
    can."""
    return _WEEKDAY.findall(text)


def weekday_of(value: str) -> str | None:
    """Return the day of the week of a full ISO date field, or None for a month or a year."""
    date = field_date(value)
    if date.day is None or date.month is None or date.year is None:
        return None
    return _WEEKDAYS[datetime.date(date.year, date.month, date.day).weekday()]


def numbers_in_words(text: str) -> list[Number]:
    """Return each number a text writes in words, with its offset: a quote's "three children"
    backs a text's "3 children", and "nearly eight thousand" qualifies its number."""
    return [
        Number(found.start(), found.group(), Decimal(in_words(found.group())))
        for found in _WORDS_RUN.finditer(text)
    ]


def in_words(written: str) -> int:
    """Return the value of a run of number words: "two hundred and five" is 205."""
    total = current = 0
    for word in written.casefold().replace("-", " ").replace(",", " ").split():
        value = 1 if word == "one" else NUMBER_WORDS.get(word)
        if value is None:
            continue  # "and"
        if value == 100:
            current = (current or 1) * value
        elif value >= 1000:
            total, current = total + (current or 1) * value, 0
        else:
            current += value
    return total + current


def field_date(value: str) -> Date:
    """Return the parts of an ISO date field: "2022", "2022-01" or "2022-01-05"."""
    year, month, day = [*map(int, value.split("-")), None, None][:3]
    return Date(year, month, day)


def as_decimal(value: int | float) -> Decimal:
    """Return a figure value as a Decimal that compares equal to the same number in a text."""
    return Decimal(str(value))
