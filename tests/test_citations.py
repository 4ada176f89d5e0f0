"""Citations as readers follow them: one marker that opens its quotes, notes grouped by source,
passages that lead back to the facts citing them, links into the original article, and source
pages that publish excerpts only.

Most tests read the session's one build of the repository's own site (`built_site` in conftest);
those about `url` and `publish` build a scratch copy of the sample project.
"""

from __future__ import annotations

import hashlib
import xml.etree.ElementTree as ET
from functools import cache
from pathlib import Path

import pytest
from conftest import (
    BASE_PATH,
    REPO,
    html_pages,
    parse_page,
    read_tree,
    replace_in,
    run_cli,
    text_of,
)

from site_gen.config import Config
from site_gen.pipeline import load_and_check
from site_gen.render.textfragment import text_fragment
from site_gen.render.views import SiteView

# Phrasing elements a <details> may not sit in.
PHRASING = {"p", "sup", "span", "a", "q", "em", "strong", "summary"}


def classes(element: ET.Element) -> list[str]:
    return element.get("class", "").split()


def find_class(root: ET.Element, tag: str, name: str) -> list[ET.Element]:
    return [e for e in root.iter(tag) if name in classes(e)]


@pytest.fixture(scope="module")
def site(built_site: Path) -> dict[str, ET.Element]:
    """Every page of the built site, parsed, by its path under the base URL."""
    return {
        BASE_PATH + p.relative_to(built_site).as_posix().removesuffix("index.html"): parse_page(p)
        for p in html_pages(built_site)
    }


def test_markers_merge_into_one_that_opens_in_place(site: dict[str, ET.Element]) -> None:
    for path, page in site.items():
        assert not find_class(page, "sup", "refs"), f"{path} still has [1][2] markers"
        for element in page.iter():
            children = list(element)
            is_marker = [c.tag == "details" and "cite" in classes(c) for c in children]
            for before, after, child in zip(is_marker, is_marker[1:], children, strict=False):
                together = before and after and not (child.tail or "").strip()
                assert not together, f"{path}: consecutive markers in one <{element.tag}>"
            if any(is_marker):
                assert element.tag not in PHRASING, f"{path}: <details> inside <{element.tag}>"
    page = site[BASE_PATH + "facts/order-to-shoot/"]
    (marker,) = [d for d in page.iter("details") if "cite" in classes(d)][:1]
    assert text_of(marker.find("summary")) == "3 sources"  # type: ignore[arg-type]
    quotes = [a for a in marker.iter("a") if a.find("q") is not None]
    assert len(quotes) == 3 and all("/sources/" in a.get("href", "") for a in quotes)


def test_notes_name_each_source_once_with_its_quotes_beneath(site: dict[str, ET.Element]) -> None:
    home = site[BASE_PATH]
    (notes,) = find_class(home, "section", "endnotes")
    titles = [text_of(s) for s in find_class(notes, "span", "quote-source")]
    quotes = list(notes.iter("q"))
    assert len(titles) == len(set(titles)) >= 2
    assert len(quotes) > len(titles), "several quotes share a source heading"


def passage_after(page: ET.Element, anchor: str) -> ET.Element:
    """Return the list of citing facts that follows the highlighted passage holding an anchor."""
    for paragraph in page.iter("p"):
        children = list(paragraph)
        for index, child in enumerate(children):
            if child.tag == "mark" and any(e.get("id") == anchor for e in child.iter()):
                return next(c for c in children[index:] if "citers" in classes(c))
    raise AssertionError(f"no highlighted passage holds #{anchor}")


def test_each_quote_leads_to_its_passage_and_the_passage_back_to_the_fact(
    site: dict[str, ET.Element],
) -> None:
    facts = [path for path in site if "/sources/" not in path and path.count("/") == 4]
    checked = 0
    for path in facts:
        for link in site[path].iter("a"):
            href = link.get("href", "")
            if link.find("q") is None or "#c-" not in href:
                continue
            source, anchor = href.split("#")
            back = [a.get("href") for a in passage_after(site[source], anchor).iter("a")]
            assert path in back, f"{href} does not lead back to {path}"
            checked += 1
    assert checked > 250


def test_a_source_page_lists_each_citing_fact_once_per_passage(
    site: dict[str, ET.Element],
) -> None:
    page = site[BASE_PATH + "sources/efe/"]
    marks = list(page.iter("mark"))
    lists = find_class(page, "span", "citers")
    assert len(lists) < len(marks) - 1, "a list of facts after every sentence"
    for citers in lists:
        links = [a.get("href") for a in citers.iter("a")]
        assert len(links) == len(set(links))


def test_a_citation_link_lands_on_exactly_its_quoted_words(site: dict[str, ET.Element]) -> None:
    """The element a quote's link targets, which `:target` highlights, holds that quote's
    passage, not the whole run of overlapping quotes around it. An element can hold only the
    start of a quote that crosses one begun before it, or that runs on past a line break."""
    loaded, verification = load_and_check(Config.for_root(REPO))
    assert loaded is not None
    view = SiteView(loaded, verification.located)
    extents: dict[str, list[tuple[int, int]]] = {}
    quoted = {}
    for text in loaded.cited_texts():
        for citation in view.citations(text):
            spans = verification.located.of(citation.citation)
            start, end = spans[0][0], spans[-1][1]
            extents.setdefault(citation.source.id, []).append((start, end))
            quoted[BASE_PATH + citation.href] = (citation.source.text, start, end)
    hrefs = {a.get("href", "") for page in site.values() for a in page.iter("a")}
    exact = 0
    for href in sorted(h for h in hrefs if "#c-" in h):
        path, anchor = href.split("#")
        source, start, end = quoted[href]
        [target] = [e for e in site[path].iter() if e.get("id") == anchor]
        shown, passage = text_of(target), " ".join(source[start:end].split())
        crossing = any(s < start < e < end for s, e in extents[path.split("/")[-2]])
        if crossing or "\n" in source[start:end]:
            assert shown and passage.startswith(shown), href
        else:
            assert shown == passage, href
            exact += 1
    assert exact > 200


@cache
def seed_text() -> str:
    return (Path(__file__).parent / "sample/seeds/harbour.txt").read_text(encoding="utf-8")


def rewrite_seed(root: Path, text: str) -> None:
    """Replace the sample's source text, pinning its new sha256."""
    seed = root / "seeds/harbour.txt"
    old = hashlib.sha256(seed.read_bytes()).hexdigest()
    seed.write_text(text, encoding="utf-8")
    replace_in(root / "seeds/sources.yml", old, hashlib.sha256(text.encode()).hexdigest())


def test_text_fragment_encodes_reserved_characters() -> None:
    assert text_fragment("bread-and-butter goods, rents & wages") == (
        ":~:text=bread%2Dand%2Dbutter%20goods%2C%20rents%20%26%20wages"
    )
    long = "The harbour bridge reopened on Tuesday after a storm closed it for 36 hours"
    assert text_fragment(long) == ":~:text=The%20harbour%20bridge%20reopened,it%20for%2036%20hours"


def test_a_source_url_links_each_quote_to_the_original_passage(sample: Path) -> None:
    rewrite_seed(
        sample,
        seed_text().replace(
            "The office proposed",
            "Prices of bread-and-butter goods, rents & wages fell, traders said. The office proposed",
        ),
    )
    url = "https://news.example/harbour?id=1&lang=en"
    replace_in(sample / "seeds/sources.yml", "  ignore:", f'  url: "{url}"\n  ignore:')
    (sample / "facts/prices.yml").write_text(
        "- id: prices\n  kind: event\n  title: Prices fall\n  date: '2025-03-03'\n"
        "  text: Traders said prices fell.\n  sources:\n    - source: gazette\n"
        "      quote: 'bread-and-butter goods, rents & wages'\n",
        encoding="utf-8",
    )
    result = run_cli("build", "--root", sample)
    assert result.returncode == 0, result.stderr
    page = parse_page(sample / "output/facts/prices/index.html")
    originals = [a.get("href") for a in find_class(page, "a", "original")]
    fragment = "#:~:text=bread%2Dand%2Dbutter%20goods%2C%20rents%20%26%20wages"
    assert originals and set(originals) == {url + fragment}
    source = parse_page(sample / "output/sources/gazette/index.html")
    assert url in [a.get("href") for a in source.iter("a")]


@pytest.mark.parametrize("url", ["javascript:alert(1)", 'https://x.example/"onmouseover=alert(1)'])
def test_a_source_url_that_is_not_http_is_an_error_at_its_line(sample: Path, url: str) -> None:
    registry = sample / "seeds/sources.yml"
    replace_in(registry, "  ignore:", f"  url: '{url}'\n  ignore:")
    line = registry.read_text(encoding="utf-8").splitlines().index(f"  url: '{url}'") + 1
    result = run_cli("build", "--root", sample)
    assert result.returncode == 1
    assert (
        f"seeds/sources.yml:{line}:8: error[bad-url]: source 'gazette': 'url' is " in result.stderr
    )
    assert "write it like https://www.example.com/news/article.html (http or https only)" in (
        result.stderr
    )
    assert not (sample / "output").exists()


UNCITED = "Several harbour pilots waited on the quay all afternoon to watch the lorries cross."


def test_excerpts_publish_only_the_cited_sentences(sample: Path) -> None:
    cited = "About 1,200 vehicles crossed in the first hour, according to the office."
    rewrite_seed(sample, seed_text().replace(cited, f"{cited} {UNCITED}"))
    (sample / "site.yml").write_text(
        (sample / "site.yml").read_text(encoding="utf-8") + "publish: excerpts\n", encoding="utf-8"
    )
    result = run_cli("build", "--root", sample)
    assert result.returncode == 0, result.stderr
    leaks = [
        name
        for name, content in read_tree(sample / "output").items()
        if b"harbour pilots" in content or b"quay" in content
    ]
    assert leaks == []
    page = parse_page(sample / "output/sources/gazette/index.html")
    text = text_of(page)
    assert cited in text and "[…]" in text and "Cited excerpts" in text
    # The source's own setting wins over the site's: in full, the sentence is there.
    replace_in(sample / "seeds/sources.yml", "  ignore:", "  publish: full\n  ignore:")
    assert run_cli("build", "--root", sample).returncode == 0
    assert UNCITED in text_of(parse_page(sample / "output/sources/gazette/index.html"))
