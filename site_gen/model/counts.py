"""How a figure's values read together: which are later counts of one thing, which restate another.

Reports that give different numbers do not always disagree: a later count updates an earlier one,
and a lead that rounds a number given two paragraphs down is one report, not two. Editors say so
with `updates` and `restates`; the checks and every page read the values through `counts`, so
"reports disagree" is said only of counts that really differ.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

from site_gen.model.facts import Figure, FigureValue

# Numbers written in words, by value: an altered "three children" is an altered number, and an
# omitted "two" changes a quote as an omitted "2" does. "One" is left out ("one of them", "no
# one"), as are ordinals and "both".
_UNIT_WORDS = (
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
)
_TENS_WORDS = ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
NUMBER_WORDS = MappingProxyType(
    {word: value for value, word in enumerate(_UNIT_WORDS, 2)}
    | {word: value for value, word in zip(range(20, 100, 10), _TENS_WORDS, strict=True)}
    | {"dozen": 12, "hundred": 100, "thousand": 10**3, "million": 10**6, "billion": 10**9}
)

# Words that qualify a number, written just before it, and how each bounds it: "at least" runs
# on past the number, "at most" stops short of it, and the rest put it near. The wording lint
# holds a text to its quotes' qualifiers; a chart draws each value by its bound.
QUALIFIERS = MappingProxyType(
    {
        **dict.fromkeys(
            ("more than", "over", "just over", "at least", "upwards of", "above", "in excess of"),
            "at least",
        ),
        **dict.fromkeys(
            (
                "up to",
                "fewer than",
                "less than",
                "under",
                "just under",
                "at most",
                "as many as",
                "as much as",
                "below",
            ),
            "at most",
        ),
        **dict.fromkeys(
            ("about", "almost", "approximately", "around", "nearly", "roughly", "some"),
            "approximate",
        ),
        **dict.fromkeys(("an estimated", "close to", "as few as"), "approximate"),
    }
)


def bound(qualifier: str) -> str:
    """Return how a qualifier bounds its number; one the table does not know is approximate."""
    return QUALIFIERS.get(qualifier.casefold(), "approximate") if qualifier else ""


@dataclass(frozen=True)
class Count:
    """One thing counted: its first value, the later counts that update it, and its restatements."""

    values: tuple[FigureValue, ...]
    restatements: tuple[FigureValue, ...] = ()

    @property
    def latest(self) -> FigureValue:
        return self.values[-1]

    def restating(self, value: FigureValue) -> tuple[FigureValue, ...]:
        """Return the values that restate or round `value`."""
        return tuple(r for r in self.restatements if r.restates == value.value)


def named_value(figure: Figure, value: FigureValue, number: int | float) -> FigureValue | None:
    """Return the value that `value` names by its number: another value, itself no restatement."""
    for other in figure.values:
        if other is not value and other.value == number and other.restates is None:
            return other
    return None


def counts(figure: Figure) -> tuple[Count, ...]:
    """Return a figure's counts, each a series oldest first, in the order the values are written.

    A value that names no other value (a mistake the checks report) counts on its own; a value
    in a loop of updates belongs to no count, which is how the checks find the loop.
    """
    later: dict[int, FigureValue] = {}
    for value in figure.values:
        if value.restates is None and value.updates is not None:
            earlier = named_value(figure, value, value.updates)
            if earlier is not None:
                later.setdefault(id(earlier), value)
    updating = {id(value) for value in later.values()}
    result = []
    for value in figure.values:
        if value.restates is not None or id(value) in updating:
            continue
        series = [value]
        while (following := later.get(id(series[-1]))) and all(following is not s for s in series):
            series.append(following)
        restatements = tuple(
            r
            for r in figure.values
            if r.restates is not None
            and any(named_value(figure, r, r.restates) is s for s in series)
        )
        result.append(Count(tuple(series), restatements))
    return tuple(result)
