"""Numbers in claims: what counts as a number, and what equals what."""

from __future__ import annotations

from decimal import Decimal

import pytest

from site_gen.verify.numbers import as_decimal, claimed_numbers, numbers_in


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7,939 people", ["7939"]),
        ("a 2,030-strong contingent", ["2030"]),
        ("S-300 systems", ["300"]),
        ("2.5 percent", ["2.5"]),
        ("1,5 million", ["15"]),  # Ambiguous separators are read strictly, never skipped.
        ("no digits here", []),
        ("10² is not 102", ["10", "102"]),
    ],
)
def test_numbers_in(text: str, expected: list[str]) -> None:
    assert [value for _, value in numbers_in(text)] == [Decimal(e) for e in expected]


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
    ],
)
def test_claimed_numbers_skip_dates_and_urls(text: str, expected: list[str]) -> None:
    assert [value for _, value in claimed_numbers(text)] == [Decimal(e) for e in expected]


def test_values_compare_by_value() -> None:
    assert as_decimal(7939) == Decimal("7939")
    assert as_decimal(2.5) == numbers_in("2.5")[0][1]
    assert as_decimal(2030.0) == numbers_in("2,030")[0][1]
