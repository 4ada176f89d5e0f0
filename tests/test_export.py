"""facts.json: its own serializer writes exactly what json.dumps would."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from site_gen.export import _indented

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
