"""facts.json: every citation carries the spans where its quote sits in the source text."""

from __future__ import annotations

import json
from pathlib import Path

from site_gen.config import Config
from site_gen.pipeline import load_and_check
from site_gen.render.data import facts_json
from site_gen.verify.quotes import normalize


def test_every_citation_points_at_its_quote_and_the_bytes_are_stable(sample: Path) -> None:
    site, verification = load_and_check(Config.for_root(sample))
    assert site is not None
    document = facts_json(site, verification.located)
    assert document == facts_json(site, verification.located)
    texts = {source.id: source.text for source in site.sources.values()}
    citations = [c for fact in json.loads(document)["facts"] for c in fact["citations"]]
    assert citations
    for citation in citations:
        assert citation["spans"], citation
        found = " ".join(texts[citation["source"]][start:end] for start, end in citation["spans"])
        first_word = normalize(citation["quote"]).text.split()[1]
        assert first_word.casefold() in normalize(found).text.casefold()
