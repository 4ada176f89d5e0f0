"""The built HTML and its companions, read without a browser: fast checks on every page.

Most tests read the session's one build of the repository's own site (`built_site` in conftest).
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import (
    BASE_PATH,
    build_site,
    html_pages,
    parse_page,
    read_tree,
    replace_in,
    run_cli,
    text_of,
)

from site_gen.render.templates import CSP

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


class Tags(HTMLParser):
    """Every start tag of a page with its attributes, and the text of each script element."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.scripts: list[tuple[dict[str, str], str]] = []
        self._script: dict[str, str] | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        self.tags.append((tag, attributes))
        if tag == "script":
            self._script = attributes
            self.scripts.append((attributes, ""))

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self.scripts[-1] = (self._script, self.scripts[-1][1] + data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._script = None

    def all(self, tag: str) -> list[dict[str, str]]:
        return [attrs for name, attrs in self.tags if name == tag]

    @property
    def head(self) -> list[str]:
        names = [name for name, _ in self.tags]
        return names[: names.index("body")]


# Elements that head a page, a section or an item of a list: each starts in upper case.
HEADING_TAGS = {"title", "h1", "h2", "h3", "h4"}
TITLE_CLASSES = {"card-title", "entry-title", "index-name", "source-title", "lede-title"}


class Headings(HTMLParser):
    """The text of every heading and title of a page, in order; none of them nests another."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.texts: list[str] = []
        self._open: str | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = set((dict(attrs).get("class") or "").split())
        if self._open is None and (tag in HEADING_TAGS or classes & TITLE_CLASSES):
            self._open = tag
            self.texts.append("")

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self.texts[-1] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == self._open:
            self._open = None


@pytest.fixture(scope="module")
def pages(built_site: Path) -> dict[str, Tags]:
    return {
        p.relative_to(built_site).as_posix(): Tags(p.read_text("utf-8"))
        for p in html_pages(built_site)
    }


def test_every_page_declares_policy_language_title_and_icon(pages: dict[str, Tags]) -> None:
    for name, page in pages.items():
        policies = [m["content"] for m in page.all("meta") if m.get("http-equiv")]
        assert policies == [CSP], name
        assert "'unsafe-inline'" not in CSP
        assert page.all("html")[0].get("lang") == "en", name
        assert len(page.all("h1")) == 1, name
        assert page.head.count("title") == 1, name
        icons = [link["href"] for link in page.all("link") if link.get("rel") == "icon"]
        assert icons == [BASE_PATH + "assets/favicon.svg"], name
        feeds = [link["href"] for link in page.all("link") if link.get("rel") == "alternate"]
        assert feeds == [BASE_PATH + "feed.xml"], name
        assert [t for t, _ in page.tags[:3]] == ["html", "head", "meta"], name


def test_pages_carry_no_inline_style_or_script(pages: dict[str, Tags]) -> None:
    for name, page in pages.items():
        assert not page.all("style"), name
        assert not [tag for tag, attrs in page.tags if "style" in attrs], name
        assert not [tag for tag, attrs in page.tags if any(a.startswith("on") for a in attrs)], name
        for attrs, text in page.scripts:
            if attrs.get("src"):
                assert attrs["src"].startswith(BASE_PATH + "assets/"), name
                assert not text.strip(), name
            else:
                assert attrs.get("type") == "application/ld+json", name


def test_every_link_stays_under_the_base_path(pages: dict[str, Tags]) -> None:
    for name, page in pages.items():
        for tag, attrs in page.tags:
            for key in ("href", "src", "action", "data-index"):
                link = attrs.get(key, "")
                if not link or link.startswith("#"):
                    continue
                if link.startswith(("http://", "https://")):
                    assert tag != "a" or attrs.get("rel") == "noopener noreferrer", (name, link)
                else:
                    assert link.startswith(BASE_PATH), (name, tag, link)


def test_json_ld_parses_and_cannot_close_its_script(pages: dict[str, Tags]) -> None:
    types = {}
    for name, page in pages.items():
        for attrs, text in page.scripts:
            if attrs.get("type") == "application/ld+json":
                assert "<" not in text, name
                types[name] = json.loads(text)["@type"]
    assert types["facts/order-to-shoot/index.html"] == "Event"
    assert types["people/kassym-jomart-tokayev/index.html"] == "Person"
    assert "Event" in types.values() and set(types.values()) == {"Event", "Person"}


def test_json_ld_escapes_markup_in_values(sample: Path) -> None:
    replace_in(sample / "facts/more/entities.yml", "name: Mara Lind", 'name: "Mara </script> Lind"')
    assert run_cli("build", "--root", sample).returncode == 0
    html = (sample / "output/people/mara-lind/index.html").read_text("utf-8")
    [(_, text)] = [s for s in Tags(html).scripts if s[0].get("type") == "application/ld+json"]
    assert "</script> Lind" not in text
    assert json.loads(text)["name"] == "Mara </script> Lind"


def duplicate_ids(page: Tags) -> list[str]:
    ids = [attrs["id"] for _, attrs in page.tags if "id" in attrs]
    return sorted({i for i in ids if ids.count(i) > 1})


def test_no_page_repeats_an_id(pages: dict[str, Tags]) -> None:
    assert {name: duplicate_ids(page) for name, page in pages.items() if duplicate_ids(page)} == {}


def test_no_fact_id_gives_an_id_the_page_already_has(sample: Path) -> None:
    """A figure's values table took the id "values-" + its id, which for a figure "h" was the
    id of its page's "Reported values" heading: a duplicate id, and a table labelled by it."""
    for path in (sample / "facts/more/entities.yml", sample / "site.yml"):
        text = path.read_text("utf-8")
        path.write_text(text.replace("id: vehicles", "id: h").replace("[vehicles]", "[h]"))
    assert run_cli("build", "--root", sample).returncode == 0
    built = sample / "output"
    found = {
        page.relative_to(built).as_posix(): duplicate_ids(Tags(page.read_text("utf-8")))
        for page in html_pages(built)
    }
    assert "facts/h/index.html" in found
    assert {name: ids for name, ids in found.items() if ids} == {}


def test_a_link_whose_address_has_parentheses_is_a_link(sample: Path) -> None:
    """Markdown reads a target's paired parentheses as part of it: the page showed the link's
    Markdown as text, brackets and all."""
    target = "https://en.wikipedia.org/wiki/Port_(city)"
    replace_in(
        sample / "facts/events.yml",
        "text: The harbour bridge reopened",
        f"text: The [harbour]({target}) bridge reopened",
    )
    assert run_cli("build", "--root", sample).returncode == 0
    page = Tags((sample / "output/facts/bridge-reopens/index.html").read_text("utf-8"))
    assert target in [link.get("href") for link in page.all("a")]


def test_feed_stamps_its_entries_once_and_words_each_events_date_as_pages_do(
    built_site: Path,
) -> None:
    """Atom's `updated` is when an entry last changed, not its event's day: a month ("January
    2022, day not given"), a year, or the date of a report read there as exact days. Every entry
    carries one time, the latest full date of the briefing; its summary dates the event."""
    feed = ET.parse(built_site / "feed.xml").getroot()
    assert feed.tag == ATOM + "feed"
    events = json.loads((built_site / "facts.json").read_text("utf-8"))["facts"]
    entries = feed.findall(ATOM + "entry")
    assert len(entries) == len([f for f in events if f["kind"] == "event"])
    stamps = {entry.findtext(ATOM + "updated") for entry in entries}
    assert stamps == {feed.findtext(ATOM + "updated")} == {"2022-01-31T00:00:00Z"}
    summaries = {
        entry.findtext(ATOM + "title"): entry.findtext(ATOM + "summary") for entry in entries
    }
    for title, dating in [
        ("Protests turn violent", "January 2022, day not given: "),
        (
            "Diplomats say Nazarbayev formally handed power to Tokayev",
            "2019, exact date not given: ",
        ),
        ("Tokayev gives an interview to Khabar 24", "Reported 31 January 2022: "),
        ("Protests over fuel prices begin", "2 January 2022: "),
    ]:
        assert (summaries[title] or "").startswith(dating), title
    for entry in entries:
        assert entry.findtext(ATOM + "id")
        assert entry.find(ATOM + "link").get("href", "").startswith(BASE_PATH)  # type: ignore[union-attr]


def test_search_index_lists_every_fact_under_the_base_path(built_site: Path) -> None:
    items = json.loads((built_site / "search.json").read_text("utf-8"))
    data = json.loads((built_site / "facts.json").read_text("utf-8"))
    assert len(items) == len(data["facts"]) + len(data["lead"])
    assert all(item["u"].startswith(BASE_PATH) and item["t"] and item["k"] for item in items)
    tokayev = next(item for item in items if item["u"].endswith("/kassym-jomart-tokayev/"))
    assert tokayev["k"] == "Person" and tokayev["q"]
    titles = [item["t"] for item in items]
    assert len(set(titles)) == len(titles), "every fact has a title of its own"
    coup = next(item for item in items if item["u"].endswith("/facts/coup-defeated-claim/"))
    assert coup["t"] == "Kassym-Jomart Tokayev on what he called an attempted coup"


def test_search_finds_the_leads_sentences_at_their_place_on_the_home_page(
    built_site: Path,
) -> None:
    """The lead, the briefing's own checked summary, was the one cited text search did not
    hold: "fuel prices" found nothing of it."""
    items = json.loads((built_site / "search.json").read_text("utf-8"))
    lead = [item for item in items if item["k"] == "Summary"]
    assert [item["u"] for item in sorted(lead, key=lambda item: item["u"])] == [
        f"{BASE_PATH}#lead_{n}" for n in range(1, 5)
    ]
    fuel = next(item for item in lead if "fuel prices" in item["t"])
    assert fuel["t"].startswith("Protests over a near-doubling of vehicle fuel prices began")
    assert "The protests shortly took a violent turn" in fuel["q"]
    home = (built_site / "index.html").read_text("utf-8")
    assert all(f'id="{item["u"].removeprefix(BASE_PATH + "#")}"' in home for item in lead)


def test_a_date_of_report_is_never_given_as_the_date_of_the_act(built_site: Path) -> None:
    """Pages say "reported 31 January 2022"; search gave the bare date, and the event's
    structured data gave it as the day the interview started."""
    items = json.loads((built_site / "search.json").read_text("utf-8"))
    interview = next(item for item in items if item["u"].endswith("/facts/khabar-24-interview/"))
    assert interview["d"] == "reported 31 January 2022"
    page = Tags((built_site / "facts/khabar-24-interview/index.html").read_text("utf-8"))
    [(_, text)] = [s for s in page.scripts if s[0].get("type") == "application/ld+json"]
    assert "startDate" not in json.loads(text)


def test_a_source_pages_title_reads_as_a_source_not_as_the_briefings_claim(
    built_site: Path,
) -> None:
    """A link preview showed the bare headline, "Former Kazakhstan security chief detained for
    treason", as if the briefing said it."""
    html = (built_site / "sources/dow-jones/index.html").read_text("utf-8")
    title = (
        "Source: “Former Kazakhstan security chief detained for treason” (Dow Jones &amp; Company)"
    )
    assert f"<title>{title} · " in html
    assert f'<meta property="og:title" content="{title} · ' in html
    # Its heading too: the page opened with the bare headline, under the section's name alone.
    assert "<h1>“Former Kazakhstan security chief detained for treason”</h1>" in html
    unnamed = (built_site / "sources/fair-probe/index.html").read_text("utf-8")
    assert (
        "<title>Source: “Kazakh President assures fair probe into &#39;tragic&#39; January events” · "
        in unnamed
    )


def test_a_site_url_off_the_base_url_is_refused(sample: Path) -> None:
    """Canonical, feed and sitemap links led out of the site: https://owner.github.io/timeline/
    for a site published under /brief/."""
    result = run_cli(
        "build", "--root", sample, "--base-url", "/brief/", "--site-url", "https://owner.github.io/"
    )
    assert result.returncode == 2
    assert "the site URL https://owner.github.io/ does not end in the base URL /brief/" in (
        result.stderr
    )
    assert not (sample / "output").exists()


def test_pages_files_for_github_pages(built_site: Path) -> None:
    assert (built_site / ".nojekyll").read_bytes() == b""
    assert (built_site / "404.html").is_file()
    assert (built_site / "robots.txt").read_text() == "User-agent: *\nAllow: /\n"
    assert not (built_site / "sitemap.xml").exists(), "no sitemap without a site_url"


def with_site_url(sample: Path, write: Callable[[Path, str], Path], option: bool) -> Path:
    """Build with a site_url from site.yml, or from --site-url as the Pages workflow gives it."""
    url = "https://example.org/harbour"
    build: list[str | Path] = ["build", "--root", sample, "--base-url", "/harbour/"]
    if option:
        build += ["--site-url", url + "/"]
    else:
        settings = (sample / "site.yml").read_text("utf-8")
        write(sample / "site.yml", settings + f"site_url: {url}\n")
    assert run_cli(*build).returncode == 0
    return sample / "output"


@pytest.mark.parametrize("option", [False, True], ids=["site.yml", "--site-url"])
def test_site_url_adds_sitemap_canonical_links_and_robots_line(
    sample: Path, write: Callable[[Path, str], Path], option: bool
) -> None:
    out = with_site_url(sample, write, option)
    urls = [u.text for u in ET.parse(out / "sitemap.xml").getroot().iter(SITEMAP + "loc")]
    assert "https://example.org/harbour/" in urls
    assert "https://example.org/harbour/people/mara-lind/" in urls
    assert not [u for u in urls if u and "404" in u]
    assert len(urls) == len(html_pages(out)) - 1
    robots = (out / "robots.txt").read_text()
    assert robots.endswith("Sitemap: https://example.org/harbour/sitemap.xml\n")
    page = Tags((out / "people/mara-lind/index.html").read_text("utf-8"))
    canonical = [link["href"] for link in page.all("link") if link.get("rel") == "canonical"]
    assert canonical == ["https://example.org/harbour/people/mara-lind/"]


def test_the_not_found_page_asks_not_to_be_indexed_and_names_no_address(
    sample: Path, write: Callable[[Path, str], Path]
) -> None:
    """GitHub Pages serves 404.html at every missing address: it claimed /404.html as its own."""
    page = Tags((with_site_url(sample, write, True) / "404.html").read_text("utf-8"))
    assert {"name": "robots", "content": "noindex"} in page.all("meta")
    assert not [link for link in page.all("link") if link.get("rel") == "canonical"]
    assert not [meta for meta in page.all("meta") if meta.get("property") == "og:url"]


def test_output_is_byte_identical_across_builds(built_site: Path, tmp_path: Path) -> None:
    again = build_site(tmp_path / "again", "--base-url", BASE_PATH)
    assert read_tree(again) == read_tree(built_site)


def test_home_page_opens_with_the_lead_whose_markers_reach_their_passages_and_back(
    pages: dict[str, Tags],
) -> None:
    home = pages["index.html"].tags
    names = [tag for tag, _ in home]
    after_title = home[names.index("h1") + 1]
    assert after_title[0] == "div" and "lead" in after_title[1]["class"].split()
    lead = home[names.index("h1") + 1 : names.index("h2")]
    sentences = [attrs["id"] for tag, attrs in lead if tag == "span" and attrs.get("id")]
    markers = [attrs["href"] for tag, attrs in lead if tag == "a" and "#c-" in attrs["href"]]
    assert len(sentences) >= 3 and len(markers) >= len(sentences)
    for href in markers:
        path, _, anchor = href.removeprefix(BASE_PATH).partition("#")
        source = pages[path + "index.html"]
        assert anchor in [attrs.get("id") for _, attrs in source.tags], href
        assert any(anchor.startswith(f"c-{sentence}-") for sentence in sentences), href
        back = {attrs.get("href") for tag, attrs in source.tags if tag == "a"}
        assert BASE_PATH + "#" + anchor.split("-")[1] in back, f"{path} links back to the lead"


def test_every_heading_and_title_starts_in_upper_case(built_site: Path) -> None:
    kinds = set()
    for page in html_pages(built_site):
        name = page.relative_to(built_site).as_posix()
        kinds.add(name.split("/")[0])
        for text in Headings(page.read_text("utf-8")).texts:
            first = text.strip().lstrip("“")[:1]  # A quoted title starts past its mark.
            assert first.isupper() or first.isdigit(), (name, text)
    assert {"people", "facts", "sources", "timeline", "figures", "index.html"} <= kinds


def test_entity_page_opens_with_its_summary_then_its_facts_and_ends_with_sources(
    pages: dict[str, Tags],
) -> None:
    tags = pages["people/kassym-jomart-tokayev/index.html"].tags
    where = {attrs.get("aria-label") or attrs.get("id"): i for i, (_, attrs) in enumerate(tags)}
    headings = [attrs["id"] for tag, attrs in tags if tag == "h2"]
    assert where["Profile"] < where["activity-h"] < where["sources-h"]
    assert headings[0] == "activity-h" and headings[-1] == "sources-h"
    notes = [i for i, (tag, attrs) in enumerate(tags) if attrs.get("class") == "notes"]
    assert notes and min(notes) > where["sources-h"]


@pytest.mark.parametrize(
    ("language", "locale"),
    [("en", None), ("en-GB", "en_GB"), ("kk-Cyrl-KZ", "kk_KZ"), ("es-419", None)],
)
def test_og_locale_is_a_language_and_territory_or_left_out(
    sample: Path, language: str, locale: str | None
) -> None:
    """Open Graph reads og:locale as language_TERRITORY ("en_GB"); pages wrote the bare "en",
    which it does not know. A tag with no two-letter region names no territory: Open Graph then
    assumes en_US, which is not ours to claim for every "en"."""
    replace_in(sample / "site.yml", "language: en", f"language: {language}")
    out = build_site(sample / "out", root=sample)
    home = (out / "index.html").read_text(encoding="utf-8")
    assert f'<html lang="{language}">' in home
    if locale is None:
        assert "og:locale" not in home
    else:
        assert f'<meta property="og:locale" content="{locale}">' in home


def test_links_to_original_articles_are_named_for_their_passage(sample: Path) -> None:
    """With its source online, each quote had a link named "Original article", to another
    passage each: a screen reader's list of links could not tell them apart. (The browser test
    of link names reads the repository's briefing, whose sources are not online.)"""
    replace_in(
        sample / "seeds/sources.yml",
        "  publisher: Gazette\n",
        "  publisher: Gazette\n  url: https://gazette.example/bridge\n",
    )
    out = build_site(sample / "out", root=sample)
    originals = 0
    for page in html_pages(out):
        targets: dict[str, set[str]] = {}
        for link in parse_page(page).iter("a"):
            # A browser names a quote's link with its quotation marks, as it shows them; the same
            # words of one source are one passage, whichever citation's anchor a link lands on.
            href = link.get("href", "")
            if link.find("q") is not None:
                name, href = f"“{text_of(link)}”", href.partition("#")[0]
            else:
                name = text_of(link)
            targets.setdefault(name, set()).add(href)
            originals += link.get("class") == "original"
        clashes = {name: hrefs for name, hrefs in targets.items() if len(hrefs) > 1}
        assert not clashes, page
    assert originals > 5
