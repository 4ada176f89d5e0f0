"""What a fact is called: one name for its lists, its search result and the duplicate check."""

from __future__ import annotations

from collections.abc import Mapping

from site_gen.model.facts import Fact, Statement

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def format_date(value: str) -> str:
    """Return an ISO date, full or partial, as '6 January 2022', 'January 2022' or '2022'."""
    if not value:
        return ""
    parts = [int(p) for p in value.split("-")]
    if len(parts) == 3:
        return f"{parts[2]} {MONTHS[parts[1] - 1]} {parts[0]}"
    if len(parts) == 2:
        return f"{MONTHS[parts[1] - 1]} {parts[0]}"
    return str(parts[0])


def title(facts: Mapping[str, Fact], fact: Fact) -> str:
    """Return the short name a fact is listed under.

    A statement has no name of its own: it is called by its speaker and, when the editors say
    what it is about, its subject ("Kassym-Jomart Tokayev on the coup attempt"); else by its
    speaker and date, which one speaker's many claims share.
    """
    if isinstance(fact, Statement):
        who = speaker(facts, fact)
        return f"{who} on {fact.about}" if fact.about else f"{who}, {format_date(fact.date)}"
    return str(getattr(fact, title_key(fact)))


def title_key(fact: Fact) -> str:
    """Return the key an editor changes to change a fact's title."""
    if isinstance(fact, Statement):
        return "about"
    return next((key for key in ("title", "name", "label") if hasattr(fact, key)), "id")


def speaker(facts: Mapping[str, Fact], statement: Statement) -> str:
    """Return the name of a statement's speaker, or its id while that names no person or
    organization: a statement named as a speaker (an error, reported as such) would be called
    by its own speaker, and one that names itself, for ever."""
    named = facts.get(statement.speaker)
    if named is None or isinstance(named, Statement):
        return statement.speaker
    return title(facts, named)
