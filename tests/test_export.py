"""facts.json: every citation carries the spans where its quote sits in the source text."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import REPO

from site_gen import locate
from site_gen.config import Config
from site_gen.pipeline import load_and_check
from site_gen.render.data import facts_json
from site_gen.render.views import SiteView
from site_gen.verify.quotes import normalize


def test_every_citation_points_at_its_quote_and_the_bytes_are_stable(sample: Path) -> None:
    site, verification = load_and_check(Config.for_root(sample))
    document = facts_json(SiteView(site, verification.located))
    assert document == facts_json(SiteView(site, verification.located))
    texts = {source.id: source.text for source in site.sources.values()}
    citations = [c for fact in json.loads(document)["facts"] for c in fact["citations"]]
    assert citations
    for citation in citations:
        assert citation["spans"], citation
        found = " ".join(texts[citation["source"]][start:end] for start, end in citation["spans"])
        first_word = normalize(citation["quote"]).text.split()[1]
        assert first_word.casefold() in normalize(found).text.casefold()


def test_every_citation_of_the_site_carries_web_annotation_selectors(built_site: Path) -> None:
    """Selectors index the stored text as read from seeds/, in code points, as documented."""
    document = json.loads((built_site / "facts.json").read_text("utf-8"))
    texts = {
        source["id"]: (REPO / "seeds" / source["file"]).read_bytes().decode("utf-8-sig")
        for source in document["sources"]
    }
    citations = [
        citation
        for fact in document["facts"]
        for owner in (fact, *fact.get("values", ()))
        for citation in owner["citations"]
    ]
    assert len(citations) > 200
    lead = [citation for sentence in document["lead"] for citation in sentence["citations"]]
    assert len(document["lead"]) >= 3 and lead
    citations += lead
    for citation in citations:
        text = texts[citation["source"]]
        assert len(citation["selectors"]) == len(citation["spans"]) > 0, citation["quote"]
        for (start, end), (quote, position) in zip(
            citation["spans"], citation["selectors"], strict=True
        ):
            assert position == {"type": "TextPositionSelector", "start": start, "end": end}
            assert quote == {
                "type": "TextQuoteSelector",
                "exact": text[start:end],
                "prefix": text[max(0, start - 32) : start],
                "suffix": text[end : end + 32],
            }
            assert len(quote["prefix"]) == min(start, 32)
    # The spans are where the matcher finds each quote in the text read here (one source each).
    for citation in citations:
        spans = locate(citation["quote"], texts[citation["source"]])
        assert spans == [tuple(span) for span in citation["spans"]], citation["quote"]
