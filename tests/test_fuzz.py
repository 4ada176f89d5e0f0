"""Fuzzing the loader and checker: whatever the YAML, the result is problems, never an exception."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import REPO, SAMPLE, check_root
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from site_gen.model import schema

FUZZ = settings(
    max_examples=int(os.environ.get("SITE_GEN_FUZZ_EXAMPLES", "200")),
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Keys the loader knows, so generated mappings reach deep into fact, value and citation parsing.
KEYS = sorted(
    {f.name for fields in schema.KIND_FIELDS.values() for f in fields}
    | {f.name for f in schema.COMMON + schema.CITATION + schema.FIGURE_VALUE}
)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True)
    | st.text(max_size=40)
    | st.sampled_from(
        [*schema.KINDS, "gazette", "mara-lind", "2025-03-04", "About 1,200 vehicles crossed"]
    )
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=8), inner, max_size=6)
    ),
    max_leaves=30,
)


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("fuzz") / "site"
    shutil.copytree(SAMPLE, site, ignore=shutil.ignore_patterns("expected"))
    shutil.copytree(REPO / "templates", site / "templates")
    return site


def checked(root: Path, data: bytes) -> None:
    """Write one facts file and check the site; only the tool's own problem reports may result."""
    (root / "facts/zz.yml").write_bytes(data)
    site, problems = check_root(root)
    assert site is not None
    assert all(p.location.path for p in problems)


@FUZZ
@given(facts=st.lists(VALUES, min_size=1, max_size=4))
def test_structured_yaml(root: Path, facts: list[Any]) -> None:
    checked(root, yaml.safe_dump(facts, allow_unicode=True).encode())


@FUZZ
@given(text=st.text(max_size=300))
def test_arbitrary_text(root: Path, text: str) -> None:
    checked(root, text.encode("utf-8", "surrogatepass"))


@FUZZ
@given(data=st.binary(max_size=300))
def test_arbitrary_bytes(root: Path, data: bytes) -> None:
    checked(root, data)
