"""Keep the benchmarks working: the generator writes a clean site, and the runners still run.

Only behaviour is asserted: exit codes and JSON that parses, never timings or the tables' text.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import REPO, run_cli

BENCHMARKS = REPO / "benchmarks"
FACTS = 60


def run_script(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *map(str, args)], capture_output=True, text=True, timeout=300
    )


def test_generated_site_checks_clean_and_builds(tmp_path: Path) -> None:
    root = tmp_path / "site"
    generated = run_script(BENCHMARKS / "synth.py", FACTS, root)
    assert generated.returncode == 0, generated.stderr

    checked = run_cli("check", "--strict", "--root", root)
    assert checked.returncode == 0, checked.stdout + checked.stderr

    built = run_cli("build", "--root", root, "--out", tmp_path / "out")
    assert built.returncode == 0, built.stdout + built.stderr


def test_generator_is_deterministic(tmp_path: Path) -> None:
    for name in ("a", "b"):
        result = run_script(BENCHMARKS / "synth.py", FACTS, tmp_path / name)
        assert result.returncode == 0, result.stderr
    first = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*.yml"))
    assert first
    for relative in first:
        assert (tmp_path / "a" / relative).read_bytes() == (tmp_path / "b" / relative).read_bytes()


def test_runner_measures_a_small_site(tmp_path: Path) -> None:
    output = tmp_path / "results.json"
    result = run_script(
        BENCHMARKS / "run.py",
        "--sizes",
        FACTS,
        "--repeat",
        "1",
        "--no-hugo",
        "--work-dir",
        tmp_path / "work",
        "--output",
        output,
    )
    assert result.returncode == 0, result.stderr
    json.loads(output.read_text())


def test_compare_measures_two_trees(tmp_path: Path) -> None:
    output = tmp_path / "compare.json"
    result = run_script(
        BENCHMARKS / "compare.py",
        "--before",
        REPO,
        "--after",
        REPO,
        "--sizes",
        FACTS,
        "--repeat",
        "1",
        "--work-dir",
        tmp_path / "work",
        "--output",
        output,
    )
    assert result.returncode == 0, result.stderr
    json.loads(output.read_text())
