"""Script injection: the usual payloads in every text field of the YAML, none of them runs.

The payloads go into a copy of the sample project: site settings, source metadata, the source
text itself (so quotes can carry them), and every free-text field of every kind of fact. The
site is built, served under a subpath and opened in headless Chromium. Two layers are checked
separately, so removing either one fails a test: the HTML itself carries no active content
(escaping and the nh3 sanitizer), and the Content-Security-Policy blocks inline script anyway.
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import BASE_PATH, REPO, SAMPLE, build_site, html_pages, page_url, serve
from playwright.sync_api import Browser

# Each payload sets window.__xss (or opens a dialog) if it ever runs. No digits, so the number
# check does not get in the way of fields that have no quote to match them.
PAYLOADS = [
    "<script>window.__xss=true</script> plain words",
    '<img src="x" onerror="window.__xss=true"> image error handler',
    '<svg onload="window.__xss=true"></svg> svg onload handler',
    "<svg><script>window.__xss=true</script></svg> svg script child",
    '<math><mtext><table><mglyph><style><img src="x" onerror="window.__xss=true"> mathml mutation',
    "[click me](javascript:window.__xss=true) markdown link",
    "[click me](JaVaScRiPt:window.__xss=true) mixed case link",
    "[click me](java&#x09;script:window.__xss=true) encoded tab link",
    "[click me](data:text/html;base,PHNjcmlwdD4=) data link",
    "![image](data:image/svg+xml;base,PHN2Zz4=) data image",
    '<a href="javascript:window.__xss=true">raw anchor here</a>',
    '<iframe src="javascript:window.__xss=true"></iframe> frame here',
    '<iframe srcdoc="<script>parent.__xss=true</script>"></iframe> srcdoc frame',
    '<object data="javascript:window.__xss=true"></object> object tag',
    "<style>body{display:none}</style> style element",
    '"><script>window.__xss=true</script> attribute breakout',
    "' onmouseover='window.__xss=true' single quote breakout",
    "</title><script>window.__xss=true</script> title breakout",
    "</script><script>window.__xss=true</script> json breakout",
    '<details open ontoggle="window.__xss=true">toggle</details> details toggle',
    "<javascript:window.__xss=true> autolink form",
    "&lt;script&gt;window.__xss=true&lt;/script&gt; entity encoded",
    "{{ cycler.__init__.__globals__ }} template injection",
]

# Active content no page may contain, whatever its source.
FORBIDDEN_JS = """() => {
  const bad = [];
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      const value = attr.value.replace(/[\\s\\u0000-\\u001f]/g, '').toLowerCase();
      if (attr.name.startsWith('on')) bad.push(`${el.tagName} ${attr.name}`);
      if (['href', 'src', 'action', 'formaction', 'data', 'xlink:href'].includes(attr.name)
          && (value.startsWith('javascript:') || value.startsWith('data:')))
        bad.push(`${el.tagName} ${attr.name}=${attr.value}`);
    }
  }
  for (const el of document.querySelectorAll('iframe, object, embed, style, base, frame, math'))
    bad.push(el.tagName);
  for (const el of document.querySelectorAll('script')) {
    const own = el.type === 'application/ld+json'
      || (el.src && new URL(el.src).pathname.startsWith(BASE));
    if (!own) bad.push('SCRIPT ' + (el.src || el.textContent.slice(0, 40)));
  }
  return bad;
}"""


# Fire the events that handler payloads wait for, on every element of the page.
TRIGGER_JS = """() => {
  for (const el of document.querySelectorAll('*')) {
    for (const type of ['mouseover', 'mouseenter', 'focus', 'click', 'toggle'])
      if (type !== 'click' || el.tagName !== 'A') el.dispatchEvent(new Event(type, {bubbles: true}));
  }
}"""


# One call per page: fire the events, then list what could run and whether anything did.
# A macrotask in between lets anything the events queued run before the check.
VISIT_JS = f"""async () => {{
  ({TRIGGER_JS})();
  await new Promise((done) => setTimeout(done, 0));
  const bad = ({FORBIDDEN_JS.replace("BASE", repr(BASE_PATH))})();
  if (window.__xss !== undefined) bad.push('window.__xss was set');
  return bad;
}}"""


def payload(index: int) -> str:
    return PAYLOADS[index % len(PAYLOADS)]


def poison(root: Path) -> None:
    """Rewrite the sample project so every text field carries a payload."""
    lines = [f"Line {n} says {p}" for n, p in enumerate(PAYLOADS)]
    text = "Payloads in the source\n" + "\n".join(lines) + "\n"
    (root / "seeds/evil.txt").write_text(text, encoding="utf-8")
    digest = hashlib.sha256(text.encode()).hexdigest()

    registry = yaml.safe_load((root / "seeds/sources.yml").read_text(encoding="utf-8"))
    registry.append(
        {
            "id": "evil",
            "file": "evil.txt",
            "sha256": digest,
            "title": payload(0),
            "publisher": payload(1),
            "author": payload(2),
            "editorial": {"title": payload(3), "publisher": payload(4), "author": payload(5)},
        }
    )
    (root / "seeds/sources.yml").write_text(yaml.safe_dump(registry), encoding="utf-8")

    settings = yaml.safe_load((root / "site.yml").read_text(encoding="utf-8"))
    settings |= {"title": payload(6), "description": payload(7), "intro": "\n\n".join(PAYLOADS)}
    settings["labels"] = {
        key: payload(i)
        for i, key in enumerate(
            [
                "home",
                "timeline",
                "people",
                "organizations",
                "places",
                "reforms",
                "figures",
                "statements",
                "sources",
                "search",
            ]
        )
    }
    (root / "site.yml").write_text(yaml.safe_dump(settings), encoding="utf-8")

    facts: list[dict[str, Any]] = []
    for n, p in enumerate(PAYLOADS):
        cite = {"source": "evil", "quote": p, "note": payload(n + 1)}
        facts.append(
            {
                "id": f"event-{n}",
                "kind": "event",
                "title": p,
                "date": "2025-03-04",
                "date_note": payload(n + 2),
                "text": p,
                "sources": [cite],
                "people": [f"person-{n}"],
                "places": [f"place-{n}"],
                "organizations": [f"org-{n}"],
            }
        )
        facts.append(
            {
                "id": f"person-{n}",
                "kind": "person",
                "name": p,
                "roles": [p],
                "aliases": [payload(n + 3)],
                "text": payload(n + 4),
                "sources": [cite],
            }
        )
        facts.append(
            {
                "id": f"place-{n}",
                "kind": "place",
                "name": p,
                "aliases": [p],
                "text": p,
                "sources": [cite],
            }
        )
        facts.append(
            {"id": f"org-{n}", "kind": "organization", "name": p, "text": p, "sources": [cite]}
        )
        facts.append(
            {
                "id": f"statement-{n}",
                "kind": "statement",
                "speaker": f"person-{n}",
                "date": "2025-03",
                "date_note": p,
                "text": p,
                "contested_by": [f"event-{n}"],
                "sources": [cite],
            }
        )
        facts.append(
            {
                "id": f"reform-{n}",
                "kind": "reform",
                "title": p,
                "proposed_by": f"org-{n}",
                "area": p,
                "date": "2025",
                "date_note": p,
                "status": "proposed",
                "text": p,
                "sources": [cite],
            }
        )
    # Figures need a number in their quotes: the sample source has "About 1,200 vehicles".
    for n, p in enumerate(PAYLOADS):
        facts.append(
            {
                "id": f"figure-{n}",
                "kind": "figure",
                "label": p,
                "text": p,
                "values": [
                    {
                        "value": 1200,
                        "qualifier": p,
                        "as_of": "2025-03-04",
                        "as_of_note": p,
                        "reported_by": f"org-{n}",
                        "sources": [
                            {
                                "source": "gazette",
                                "quote": "About 1,200 vehicles crossed in the first hour",
                                "note": p,
                            }
                        ],
                    }
                ],
            }
        )
    (root / "facts/evil.yml").write_text(
        yaml.safe_dump(facts, allow_unicode=True), encoding="utf-8"
    )


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("xss") / "root"
    shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns("expected"))
    shutil.copytree(REPO / "templates", root / "templates")
    poison(root)
    cache = tmp_path_factory.mktemp("cache")
    return build_site(root / "output", "--base-url", BASE_PATH, root=root, cache=cache)


@pytest.fixture(scope="module")
def base(site: Path) -> Iterator[str]:
    """The hostile site served under BASE_PATH, as the real one is."""
    with serve(site) as url:
        yield url


class ActiveContent(HTMLParser):
    """Collects, as the HTML parser sees them, elements and attributes that could run code."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"iframe", "object", "embed", "style", "base", "frame", "math"}:
            self.found.append(tag)
        values = dict(attrs)
        own_script = values.get("type") == "application/ld+json" or (
            values.get("src") or ""
        ).startswith(BASE_PATH)
        if tag == "script" and not own_script:
            self.found.append(f"script {values}")
        for name, value in attrs:
            folded = "".join((value or "").split()).lower()
            if name.startswith("on"):
                self.found.append(f"{tag} {name}")
            if name in {"href", "src", "action", "formaction", "data"} and folded.startswith(
                ("javascript:", "data:", "vbscript:")
            ):
                self.found.append(f"{tag} {name}={value}")


def test_no_payload_survives_as_markup(site: Path) -> None:
    """The HTML as written: no page has an element or attribute that could run a payload."""
    found = {}
    for page in html_pages(site):
        parser = ActiveContent()
        parser.feed(page.read_text(encoding="utf-8"))
        if parser.found:
            found[page.relative_to(site).as_posix()] = parser.found
    assert found == {}


def test_template_syntax_in_data_is_not_evaluated(site: Path) -> None:
    index = PAYLOADS.index("{{ cycler.__init__.__globals__ }} template injection")
    page = (site / f"facts/event-{index}/index.html").read_text(encoding="utf-8")
    assert "<h1>{{ cycler.__init__.__globals__ }} template injection</h1>" in page
    assert "&lt;function" not in page and "<function" not in page


def test_no_payload_runs_in_the_browser(site: Path, base: str, browser: Browser) -> None:
    """Open every page, fire hover, focus and toggle events everywhere; nothing may run."""
    pages = html_pages(site)
    assert len(pages) > 150
    dialogs: list[str] = []
    problems: dict[str, list[str]] = {}
    context = browser.new_context()
    page = context.new_page()
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    for path in pages:
        page.goto(page_url(base, site, path))
        if bad := page.evaluate(VISIT_JS):
            problems[path.relative_to(site).as_posix()] = bad
    context.close()
    assert dialogs == []
    assert problems == {}


def test_content_security_policy_blocks_inline_script(base: str, browser: Browser) -> None:
    """Even a script that got into the page could not run: the CSP allows only the site's files."""
    page = browser.new_page()
    page.goto(base)
    policy = page.get_attribute('meta[http-equiv="Content-Security-Policy"]', "content") or ""
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    page.evaluate(
        """() => { const s = document.createElement('script');
                   s.textContent = 'window.__csp = true'; document.body.append(s); }"""
    )
    assert page.evaluate("() => window.__csp === undefined")
    page.close()


def test_search_shows_hostile_text_as_text(base: str, browser: Browser) -> None:
    """Titles and quotes in search results are text with marked matches, never markup."""
    page = browser.new_page()
    page.goto(base + "search/?q=onerror")
    results = page.locator("#search-results > li")
    results.first.wait_for()
    shown = results.all_inner_texts()
    assert any('<img src="x" onerror="window.__xss=true"> image error handler' in r for r in shown)
    assert "onerror" in page.locator("#search-results mark").all_inner_texts()
    assert page.locator("#search-results img, #search-results [onerror]").count() == 0
    assert page.evaluate(VISIT_JS) == []
    page.close()
