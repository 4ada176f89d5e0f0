"""Keep the benchmarks working: the generator writes a clean site, and the runner still runs."""

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
        [sys.executable, *map(str, args)], capture_output=True, text=True, timeout=120
    )


def test_generated_site_checks_clean_and_builds(tmp_path: Path) -> None:
    root = tmp_path / "site"
    generated = run_script(BENCHMARKS / "synth.py", FACTS, root)
    assert generated.returncode == 0, generated.stderr

    checked = run_cli("check", "--root", root)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert f"0 error(s), 0 warning(s) in {FACTS} facts" in checked.stdout + checked.stderr

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

    [measured] = json.loads(output.read_text())["results"]
    assert measured["facts"] == FACTS
    build = measured["site_gen_build"]
    assert set(build["phases"]) == {"load", "check", "render", "write"}
    assert build["pages"] > FACTS
    assert measured["site_gen_check"]["runs"] == 1
    assert f"| {FACTS} |" in result.stdout
    assert measured["site_gen_check_warm"]["runs"] == 1


def test_rebuild_timer_edits_and_rebuilds_a_small_site() -> None:
    timed = "site_gen.output_memory.WriteMemory.recall"
    result = run_script(BENCHMARKS / "rebuild.py", "--size", FACTS, "--runs", "1", "--time", timed)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert [line.split(":")[0] for line in lines] == [
        f"{FACTS} facts, event title",
        f"{FACTS} facts, person text",
    ]
    assert all("phases: load" in line and "write" in line for line in lines)
    assert all(f"{timed} " in line for line in lines)
