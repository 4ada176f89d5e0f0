"""facts.json: its own serializer writes exactly what json.dumps would, cached or not."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from site_gen.build import check
from site_gen.config import Config
from site_gen.export import DocumentCache, _indented, facts_json

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=4)
        | st.tuples(children, children)
        | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=300, derandomize=True)
@given(JSON, st.integers(min_value=0, max_value=3))
def test_indented_matches_json_dumps(value: object, level: int) -> None:
    expected = json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True)
    assert _indented(value, level) == expected.replace("\n", "\n" + " " * level)


def test_the_document_is_json_dumps_of_the_whole_and_a_cache_changes_nothing(
    sample: Path,
) -> None:
    site, _ = check(Config.for_root(sample))
    assert site is not None
    cache = DocumentCache()
    document = facts_json(site, cache)
    whole = json.loads(document)
    assert (
        document
        == (json.dumps(whole, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode()
    )
    assert facts_json(site, cache) == document
    # The sources listing is reused only while every source reads the same.
    source = next(iter(site.sources.values()))
    source.title = "Another title"
    changed = facts_json(site, cache)
    assert changed == facts_json(site) != document
    assert json.loads(changed)["sources"][0]["title"] == "Another title"
