"""What the reader sees keeps every hedge, date and order honest: qualifiers and attribution on
every figure, "reports disagree" only where they do, who did what with a reform, the story's
order, claims that are carried rather than corroborated, and dates that are only the report's."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from conftest import REPO, replace_in, run_cli

# A report whose numbers can be a series, a rounding, or a real disagreement.
REPORT = """\
Harbour toll figures
Port Elin, March 9 (Courier).- The office said more than 400 drivers paid the toll on Monday.
Later the office said 515 drivers had paid it.
Over 500 pay the toll, the Courier headline says.
The union said only 350 drivers paid, and the mayor said up to 600 did.
The office noted that a toll council is being created.
Chief engineer Mara Lind repeated that the bridge is safe.
"""

FIGURE = """\
- id: drivers
  kind: figure
  label: drivers who paid the toll
  text: The office said more than 400 drivers, then 515, paid the toll.
  values:
    - value: 400
      qualifier: more than
      as_of: "2025-03-09"
      reported_by: transport-office
      sources:
        - source: courier
          quote: The office said more than 400 drivers paid the toll on Monday.
    - value: 515
      updates: 400
      reported_by: transport-office
      sources:
        - source: courier
          quote: Later the office said 515 drivers had paid it.
    - value: 500
      qualifier: over
      restates: 515
      sources:
        - source: courier
          quote: Over 500 pay the toll
"""


@pytest.fixture
def toll(sample: Path, tmp_path: Path) -> Path:
    """The sample briefing with a second report, its toll figure the home page's key figure."""
    report = tmp_path / "toll.txt"
    report.write_text(REPORT, encoding="utf-8")
    added = run_cli("add-source", report, "--id", "courier", "--root", sample)
    assert added.returncode == 0, added.stderr
    (sample / "facts/toll.yml").write_text(FIGURE, encoding="utf-8")
    replace_in(sample / "site.yml", "key_figures: [vehicles]", "key_figures: [drivers]")
    return sample


def built(root: Path) -> Path:
    result = run_cli("build", "--root", root, "--out", root / "out")
    assert result.returncode == 0, result.stderr
    return root / "out"


def text_of(html: str) -> str:
    """Return what a reader reads: no tags, no citation markers, spaces collapsed."""
    html = re.sub(r"<sup.*?</sup>", "", html, flags=re.S)
    html = re.sub(r'<span class="vh">.*?</span>', " ", html)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace(" .", ".").strip()


def key_figure(out: Path) -> str:
    page = (out / "index.html").read_text(encoding="utf-8")
    return text_of(
        page[
            page.index('<ul class="key-figures">') : page.index("</ul>", page.index("key-figures"))
        ]
    )


def test_successive_counts_read_as_a_series_with_their_qualifier_and_attribution(
    toll: Path,
) -> None:
    shown = key_figure(built(toll))
    assert "more than 400 → 515" in shown
    assert "Successive counts: more than 400 (as of 9 March 2025), then 515" in shown
    assert "reported by City transport office" in shown
    assert "Also given as over 500" in shown
    assert "disagree" not in shown


def test_successive_counts_from_two_reporters_each_name_their_own(toll: Path) -> None:
    """The series used to be credited whole to its latest value's reporter."""
    replace_in(
        toll / "facts/toll.yml",
        'as_of: "2025-03-09"\n      reported_by: transport-office',
        'as_of: "2025-03-09"\n      reported_by: mara-lind',
    )
    shown = key_figure(built(toll))
    assert (
        "Successive counts: more than 400 (Mara Lind, as of 9 March 2025), then 515 (City "
        "transport "
        "office)."
    ) in shown


def test_a_date_worked_out_from_the_report_reads_as_the_reports_wherever_it_shows(
    built_site: Path,
) -> None:
    """The Dow Jones report does not date its count of 4,400 arrests; the editors worked out
    8 January 2022 from it, as the value's `as_of_note` says. The home page, the chart's labels
    and its description gave that day as the count's own."""
    home = key_figure(built_site)
    assert "more than 4,400 (reported 8 January 2022)" in home
    for path in ("figures/index.html", "facts/arrests-count/index.html"):
        page = (built_site / path).read_text(encoding="utf-8")
        start = page.index('id="chart-arrests-count-t"')
        chart = page[start : page.index("</svg>", start)]
        assert "(Interior Ministry of Kazakhstan, reported 8 January 2022)" in chart
        assert "· reported 8 January 2022</tspan>" in chart
        assert not re.search(r"(\(|· )8 January", chart + home), path


def test_the_chart_draws_a_series_oldest_first_and_leaves_out_the_rounding(toll: Path) -> None:
    page = (built(toll) / "facts/drivers/index.html").read_text(encoding="utf-8")
    chart = page[page.index("<svg") : page.index("</svg>")]
    assert "Successive counts" in chart
    assert re.findall(r'class="chart-label"[^>]*>([^<]+)', chart) == ["more than 400", "515"]
    # 'more than' runs on past its bar; the exact value has no qualified end.
    assert chart.count('class="chart-open"') == 1
    assert "A later count, after more than 400" in page
    assert "Restates 515" in page


def test_a_value_that_names_no_reporter_says_so_beside_the_named_ones(toll: Path) -> None:
    """The key figure gave "over 500" bare beside "(City transport office)": in no one's voice
    among attributed values, it read as the briefing's own; the table says "Not attributed"."""
    assert "Also given as over 500 (not attributed)." in key_figure(built(toll))


def test_each_bar_of_a_chart_names_who_reported_its_value(toll: Path) -> None:
    """A bar's label gave its value and date alone: seen without the table under it, the chart
    said "more than 400" in no one's voice."""
    replace_in(
        toll / "facts/toll.yml",
        'as_of: "2025-03-09"\n      reported_by: transport-office',
        'as_of: "2025-03-09"',
    )
    page = (built(toll) / "facts/drivers/index.html").read_text(encoding="utf-8")
    chart = page[page.index("<svg") : page.index("</svg>")]
    assert re.findall(r'class="chart-who"[^>]*>([^<]+)', chart) == [
        "Not attributed",
        "City transport office",
    ]


def test_counts_that_really_differ_are_shown_as_a_disagreement_each_with_its_source(
    toll: Path,
) -> None:
    more = """\
    - value: 350
      reported_by: transport-office
      sources:
        - source: courier
          quote: The union said only 350 drivers paid
    - value: 600
      qualifier: up to
      sources:
        - source: courier
          quote: the mayor said up to 600 did.
"""
    facts = toll / "facts/toll.yml"
    facts.write_text(facts.read_text(encoding="utf-8") + more, encoding="utf-8")
    out = built(toll)
    shown = key_figure(out)
    assert "350 – up to 600" in shown
    assert "Reports disagree: 515 (City transport office)" in shown
    assert "350 (City transport office)" in shown
    assert "up to 600" in shown
    chart = (out / "facts/drivers/index.html").read_text(encoding="utf-8")
    assert 'class="chart-fade"' in chart  # 'up to': the bar's end is a ceiling, drawn pale


def test_a_value_that_names_itself_is_told_the_other_values(toll: Path) -> None:
    """The hint listed the value itself: following it repeated the error."""
    replace_in(toll / "facts/toll.yml", "updates: 400", "updates: 515")
    result = run_cli("check", "--root", toll)
    assert (
        "'updates' names 515, which is no other value of this figure; write the number of one "
        "of its other values exactly: 400\n"
    ) in result.stderr


@pytest.mark.parametrize(
    ("old", "new", "code", "message"),
    [
        ("updates: 400", "updates: 450", "unknown-value", "'updates' names 450"),
        ("restates: 515", "restates: 500", "unknown-value", "'restates' names 500"),
        (
            "      updates: 400\n",
            "      updates: 400\n      restates: 400\n",
            "value-links",
            "not both",
        ),
    ],
)
def test_a_value_that_names_no_other_value_is_an_error_at_its_line(
    toll: Path, old: str, new: str, code: str, message: str
) -> None:
    facts = toll / "facts/toll.yml"
    edited = facts.read_text(encoding="utf-8").replace(old, new, 1)
    facts.write_text(edited, encoding="utf-8")
    result = run_cli("check", "--root", toll)
    assert result.returncode == 1
    marker = new.strip().splitlines()[-1].strip()
    line = next(n for n, row in enumerate(edited.splitlines(), 1) if row.strip() == marker)
    assert f"facts/toll.yml:{line}:" in result.stderr
    assert f"error[{code}] fact 'drivers'" in result.stderr
    assert message in result.stderr


def test_a_loop_of_updates_is_an_error(toll: Path) -> None:
    replace_in(
        toll / "facts/toll.yml",
        "      qualifier: more than\n",
        "      qualifier: more than\n      updates: 515\n",
    )
    result = run_cli("check", "--root", toll)
    assert result.returncode == 1
    assert "go round in a loop" in result.stderr


def test_a_reform_names_only_what_its_quote_says_someone_did(
    toll: Path, write: Callable[[Path, str], Path]
) -> None:
    write(
        toll / "facts/council.yml",
        """
        - id: toll-council
          kind: reform
          title: A toll council
          reported_by: transport-office
          text: The office noted that a toll council is being created.
          sources:
            - source: courier
              quote: The office noted that a toll council is being created.
        - id: unattributed-reform
          kind: reform
          title: A toll council, again
          text: A toll council is being created.
          sources:
            - source: courier
              quote: a toll council is being created.
        """,
    )
    out = built(toll)
    table = text_of((out / "reforms/index.html").read_text(encoding="utf-8"))
    assert "A toll council Reported by City transport office" in table
    assert "A toll council, again Not stated" in table
    assert "Proposed by City transport office" in table  # the sample's own reform
    page = text_of((out / "facts/toll-council/index.html").read_text(encoding="utf-8"))
    assert "Reported by City transport office" in page
    assert "Proposed by" not in page


def test_a_month_or_a_year_comes_after_the_days_it_contains(
    sample: Path, write: Callable[[Path, str], Path]
) -> None:
    quote = "The harbour bridge reopened on Tuesday after a storm closed it for 36 hours"
    events = "".join(
        f"""
        - id: {name}
          kind: event
          title: {name.capitalize()}
          date: "{date}"
          text: The harbour bridge reopened after a storm closed it for 36 hours.
          sources:
            - source: gazette
              quote: {quote}
        """
        for name, date in (("aftermath", "2025-03"), ("later", "2025"), ("storm", "2025-03-02"))
    )
    write(sample / "facts/order.yml", events)
    replace_in(
        sample / "site.yml",
        "summary: [bridge-reopens]",
        "summary: [later, aftermath, bridge-reopens, storm]",
    )
    out = built(sample)
    timeline = (out / "timeline/index.html").read_text(encoding="utf-8")
    headings = [text_of(h) for h in re.findall(r'<h2 class="day-date">(.*?)</h2>', timeline)]
    assert headings == [
        "2 March 2025",
        "4 March 2025",
        "March 2025 day not given",
        "2025 exact date not given",
    ]
    home = (out / "index.html").read_text(encoding="utf-8")
    titles = re.findall(r'class="lede-title"[^>]*>([^<]+)\.<', home)
    assert titles == ["Storm", "Bridge reopens", "Aftermath", "Later"]


def test_facts_of_one_date_keep_the_editors_order(built_site: Path) -> None:
    """Events dated only "January 2022" were listed by id, "aktau-protest" first, not in the
    order the editors tell them, from the protests' spread to their aftermath."""
    events = yaml.safe_load((REPO / "facts/events.yml").read_text(encoding="utf-8"))
    told = [e["title"] for e in events if str(e["date"]) == "2022-01"]
    page = (built_site / "timeline/index.html").read_text(encoding="utf-8")
    group = page[
        page.index("day not given") : page.index('class="day"', page.index("day not given"))
    ]
    shown = re.findall(r'class="card-title"><a [^>]*>([^<]+)</a>', group)
    assert [html.unescape(title) for title in shown] == told
    tokayev = (built_site / "people/kassym-jomart-tokayev/index.html").read_text(encoding="utf-8")
    listed = [
        html.unescape(t) for t in re.findall(r'class="entry-title"><a [^>]*>([^<]+)</a>', tokayev)
    ]
    mine = [title for title in told if title in listed]
    assert len(mine) > 1 and [t for t in listed if t in mine] == mine


def test_what_the_briefing_says_in_its_own_voice_keeps_whose_word_it_is(built_site: Path) -> None:
    """The lead called the order's targets "militants" in its own voice, where the reports do;
    a figure's label, shown alone as a title, gave Tokayev's count as fact; a title said more
    than its text; and a quote broke off inside an address."""

    def read(path: str) -> str:
        return html.unescape(text_of((built_site / path).read_text(encoding="utf-8")))

    home = (built_site / "index.html").read_text(encoding="utf-8")
    lead = re.findall(r'<span id="lead_\d+">(.*?)</span>', home)
    said = [html.unescape(sentence) for sentence in lead if "militants" in sentence]
    assert said and all("one report calls 'militants'" in sentence for sentence in said)
    for fact, title in [
        ("csto-hardware", "Pieces of CSTO military hardware deployed (Tokayev's figure)"),
        (
            "border-arrests",
            "People arrested trying to cross the borders (the Interior Minister's figure)",
        ),
        (
            "security-council-takeover",
            "Tokayev says his taking over the Security Council was raised with Nazarbayev",
        ),
    ]:
        assert read(f"facts/{fact}/index.html").startswith(title + " · "), fact
    assert "[email protected" not in read("people/ann-m-simmons/index.html")


def test_a_claim_is_carried_by_reports_never_corroborated(toll: Path) -> None:
    # A second report repeats the claim: two reports carry it, which does not make it true.
    replace_in(
        toll / "facts/more/entities.yml",
        "  text: Mara Lind said the bridge is safe and has no structural damage.\n  sources:\n",
        "  text: Mara Lind said the bridge is safe and has no structural damage.\n  sources:\n"
        "    - source: courier\n      quote: Mara Lind repeated that the bridge is safe.\n",
    )
    out = built(toll)
    page = text_of((out / "facts/safe-claim/index.html").read_text(encoding="utf-8"))
    assert "Claim carried by 2 reports" in page
    assert "Corroborated" not in page
    listing = text_of((out / "statements/index.html").read_text(encoding="utf-8"))
    assert "Claim carried by 2 reports" in listing
    assert "Corroborated" not in listing


def test_corroboration_counts_separate_reports_of_named_publishers(built_site: Path) -> None:
    """A value that restates another is no second report, as its own row says; and sources that
    name no publisher may be one outlet's, so they cannot show that two outlets agree."""
    troops = text_of((built_site / "facts/csto-troops/index.html").read_text(encoding="utf-8"))
    assert "Restates 2,030; not a separate report" in troops
    assert "Corroborated" not in troops
    # Cited by GulfToday, EFE, Dow Jones, and two reports that name no publisher: its marker
    # says "5 sources", so a badge of "3 sources" read as a miscount.
    protests = (built_site / "facts/protests-begin/index.html").read_text(encoding="utf-8")
    assert "Corroborated by 3 publishers" in text_of(protests)


def test_a_status_that_rests_on_a_reporters_word_says_whose_it_is(built_site: Path) -> None:
    """The report says "the President noted that … is being strengthened": the status "Under
    way" is Tokayev's word, and read as established beside the reform's name."""
    title = "Strengthening the status of the Supreme Judicial Council"
    table = text_of((built_site / "reforms/index.html").read_text(encoding="utf-8"))
    assert f"{title} Judicial Reported by Kassym-Jomart Tokayev" in table
    said = "Under way according to Kassym-Jomart Tokayev"
    assert table.count(said) == 2
    page = built_site / "facts/supreme-judicial-council-reform/index.html"
    assert f"Status {said}" in text_of(page.read_text(encoding="utf-8"))


def test_a_date_that_is_only_the_reports_says_reported(sample: Path) -> None:
    replace_in(
        sample / "facts/more/entities.yml",
        '  date: "2025-03-04"\n  text: Mara Lind said',
        '  date: "2025-03-04"\n  date_of_report: true\n  text: Mara Lind said',
    )
    out = built(sample)
    page = text_of((out / "facts/safe-claim/index.html").read_text(encoding="utf-8"))
    assert "Claim · reported 4 March 2025" in page
    listing = text_of((out / "statements/index.html").read_text(encoding="utf-8"))
    assert "Reported 4 March 2025" in listing


def test_no_summary_cuts_a_claim_short(built_site: Path) -> None:
    """Source pages linked each claim by its first 60 characters, and a claim's page was titled
    by its first 90: "Tokayev said the legislation on presidential terms would…" left out
    the "not be changed" that followed."""
    facts = json.loads((built_site / "facts.json").read_text("utf-8"))["facts"]
    claims = {fact["id"]: fact["text"] for fact in facts if fact["kind"] == "statement"}
    for page in (built_site / "sources").glob("*/index.html"):
        for link in re.findall(r'<span class="citers">(.*?)</span></p>', page.read_text("utf-8")):
            assert "…</a>" not in link, page
    for fact_id in claims:
        html = (built_site / f"facts/{fact_id}/index.html").read_text("utf-8")
        title = re.search(r"<title>(.*?)</title>", html, re.DOTALL)
        assert title is not None and "…" not in title.group(1), fact_id
