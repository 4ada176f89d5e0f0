"""View logic the templates rely on."""

from __future__ import annotations

from dataclasses import replace

from site_gen.errors import Location
from site_gen.model import Citation, Figure, FigureValue, Settings, Site, Source
from site_gen.render.views import SiteView
from site_gen.verify.located import Located

HERE = Location("facts/x.yml", 1, 1)


def figure(*values: tuple[int, str]) -> Figure:
    return Figure(
        id="dead",
        kind="figure",
        text="Deaths.",
        location=HERE,
        label="deaths",
        values=[FigureValue(v, HERE, [Citation(src, "q", HERE)]) for v, src in values],
    )


def view_of(fact: Figure, **publishers: str) -> SiteView:
    """Return the view of a site of one figure, each of its sources published by the publisher
    given for it ('' for none), else by an outlet of its own."""
    names = {citation.source for citation in fact.citations}
    sources = {
        name: Source(
            name, f"{name}.txt", "0" * 64, name, HERE, publisher=publishers.get(name, name)
        )
        for name in names
    }
    return SiteView(Site(Settings("t", "d", HERE), sources, {fact.id: fact}), Located())


def test_disagreeing_values_are_not_corroboration() -> None:
    fact = figure((164, "a"), (200, "b"))
    assert not view_of(fact).is_corroborated(fact)


def test_the_same_value_from_two_sources_is_corroboration() -> None:
    fact = figure((164, "a"), (164, "b"), (200, "c"))
    assert view_of(fact).corroborating_sources(fact) == ["a", "b"]
    assert view_of(fact).is_corroborated(fact)


def test_two_reports_of_one_publisher_are_one_voice() -> None:
    three = figure((164, "a"), (164, "b"), (164, "c"))
    assert view_of(three, b="A").corroborating_sources(three) == ["a", "c"]
    one_voice = figure((164, "a"), (164, "b"))
    assert not view_of(one_voice, b="A").is_corroborated(one_voice)


def test_reports_that_name_no_publisher_are_no_voice_of_their_own() -> None:
    """Two reports without a publisher may be one outlet's, or the named one's: none counts."""
    fact = figure((164, "a"), (164, "b"), (164, "c"))
    assert view_of(fact, b="", c="").corroborating_sources(fact) == ["a"]
    assert not view_of(fact, b="", c="").is_corroborated(fact)


def test_a_value_that_restates_another_is_no_second_report() -> None:
    """ "Just over 2,000" restating another outlet's 2,030 is not a second count of 2,030."""
    counted, rounded = figure((2030, "a"), (2000, "b")).values
    fact = replace(figure(), values=(counted, replace(rounded, restates=2030)))
    assert not view_of(fact).is_corroborated(fact)


def test_one_text_under_two_entries_is_one_voice() -> None:
    """Two registry entries for one file, with two publishers, read as two outlets."""
    sources = {
        name: Source(
            name, "one.txt", "0" * 64, name, HERE, publisher=publisher, actual_sha256="0" * 64
        )
        for name, publisher in (("a", "Wire"), ("b", "Gazette"))
    }
    fact = figure((164, "a"), (164, "b"))
    view = SiteView(Site(Settings("t", "d", HERE), sources, {fact.id: fact}), Located())
    assert view.corroborating_sources(fact) == ["a"]


def test_outlets_that_carry_one_reporters_count_are_one_voice() -> None:
    """Two reports of "the ministry said 164" are the ministry's voice, not corroboration."""
    said = [
        FigureValue(164, HERE, [Citation(source, "q", HERE)], reported_by=reporter)
        for source, reporter in (("a", "ministry"), ("b", "ministry"))
    ]
    fact = Figure(
        id="dead", kind="figure", text="Deaths.", location=HERE, label="deaths", values=said
    )
    assert not view_of(fact).is_corroborated(fact)
    apart = [replace(said[0]), replace(said[1], reported_by="police")]
    other = replace(fact, values=apart)
    assert view_of(other).corroborating_sources(other) == ["a", "b"]
