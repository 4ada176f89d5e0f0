"""The sample project's build, compared file by file with the stored snapshot.

Refresh the snapshot only on purpose:
    SITE_GEN_UPDATE_SNAPSHOTS=1 python -m pytest tests/test_snapshot.py
"""

from __future__ import annotations

import difflib
import os
import shutil
from pathlib import Path

from conftest import SAMPLE, read_tree, run_cli

EXPECTED = SAMPLE / "expected"


def test_sample_build_matches_snapshot(sample: Path) -> None:
    result = run_cli("build", "--root", sample, "--base-url", "/sample/")
    assert result.returncode == 0, result.stderr
    actual = read_tree(sample / "output")
    if os.environ.get("SITE_GEN_UPDATE_SNAPSHOTS") == "1":
        shutil.rmtree(EXPECTED, ignore_errors=True)
        shutil.copytree(sample / "output", EXPECTED)
    expected = read_tree(EXPECTED)
    assert sorted(actual) == sorted(expected), "file list differs from the snapshot"
    for name, content in expected.items():
        if actual[name] != content:
            diff = difflib.unified_diff(
                content.decode(errors="replace").splitlines(),
                actual[name].decode(errors="replace").splitlines(),
                f"expected/{name}",
                f"actual/{name}",
                lineterm="",
            )
            raise AssertionError("\n".join(diff))
