"""Time two versions of site_gen side by side in one run, and check that they write the same bytes.

    python benchmarks/compare.py --before /work/baseline --after /work/main --repeat 3
    python benchmarks/compare.py --before OLD --after NEW --sizes 1000,10000 --repeat 5

This machine's speed moves by a factor of two from one day, even one minute, to the next
(README.md), so two versions are only comparable when measured in the same run, alternating:
each measurement runs once per tree in turn, and which tree goes first swaps every repetition, so
neither always finds the other's writes still in flight to the disk.

Both trees build the same inputs with the same theme: the --after tree's own site and its
templates/, and synthetic sites written once by the --after tree's synth.py. Others edit the
working trees while this runs, so each tree's site_gen/ (and the --after theme and site) is
copied at the start, and every child imports its tree's copy through PYTHONPATH.

Measured per tree, median (min–max) of --repeat runs, each a fresh process with an empty cache
and no earlier output: a cold `site-gen build` of the real site; at each size, a cold build (wall
seconds and the process's peak RSS) and a warm `site-gen check -q` (a second check with the
cache the first one filled). Before timing, the real site and a 1,000-fact site are built by both
trees with `--base-url /brief/`, and the two output folders compared file by file. Prints
Markdown tables and writes benchmarks/compare.json.
"""

from __future__ import annotations

import argparse
import datetime
import filecmp
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from run import (
    PYTHON,
    BenchmarkError,
    Run,
    Snapshot,
    parse_sizes,
    remove,
    run_measured,
    take_snapshot,
)

HERE = Path(__file__).resolve().parent
DEFAULT_WORK_DIR = Path(tempfile.gettempdir()) / "site-gen-compare"
TREES = ("before", "after")
# What a site root holds besides its theme; the real site is copied from the --after tree.
SITE_INPUTS = ("site.yml", "facts", "seeds")
IDENTITY_FACTS = 1000
IDENTITY_BASE_URL = "/brief/"
# Seconds before a run is killed; far above any run at 10,000 facts.
TIMEOUT = 1000.0


@dataclass(frozen=True)
class Measurement:
    """One command timed for each tree: cold, or warm after one untimed run filled the cache."""

    name: str
    argv: list[str]
    warm: bool = False
    show_rss: bool = False


def fresh(folder: Path) -> Path:
    """Return folder, emptied: a cold run must find no cache and no earlier output beside it."""
    remove(folder)
    folder.mkdir(parents=True)
    return folder


def site_gen(*args: str | Path) -> list[str]:
    """Return the command line of `site-gen ARGS -q` for a child that imports from PYTHONPATH."""
    return [*PYTHON, "-m", "site_gen", *map(str, args), "-q"]


def measure(measurement: Measurement, code: Snapshot, scratch: Path) -> Run:
    """Run one measurement once; scratch holds its output folder and cache, emptied first."""
    env = code.env(fresh(scratch) / "cache")
    if measurement.warm:
        run_measured(measurement.argv, TIMEOUT, env)
    return run_measured(measurement.argv, TIMEOUT, env)


def copy_real_site(after: Path, theme: Path, root: Path) -> Path:
    """Copy the --after tree's site inputs and theme, so both trees build the same bytes."""
    fresh(root)
    for name in SITE_INPUTS:
        source = after / name
        if source.is_dir():
            shutil.copytree(source, root / name)
        else:
            shutil.copy(source, root / name)
    shutil.copytree(theme, root / "templates")
    return root


def generate(after: Path, n: int, theme: Path, root: Path) -> Path:
    """Write a synthetic site of n facts with the --after tree's generator and theme."""
    print(f"generating {n:,} facts in {root} ...", file=sys.stderr, flush=True)
    remove(root)
    argv = [sys.executable, str(after / "benchmarks" / "synth.py"), str(n), str(root)]
    made = subprocess.run([*argv, "--templates", str(theme)], capture_output=True, text=True)
    if made.returncode != 0:
        raise BenchmarkError(f"synth.py {n} failed:\n{made.stderr[-2000:]}")
    return root


def output_files(out: Path) -> set[str]:
    """Return the path inside an output folder of each of its files.

    Both versions keep their staging or spare folders beside the output, never in it, so
    nothing needs leaving out.
    """
    return {path.relative_to(out).as_posix() for path in out.rglob("*") if path.is_file()}


def compare_outputs(before: Path, after: Path) -> dict[str, Any]:
    """Compare two output folders: the same file list, and the same bytes in each file.

    Files are compared a block at a time, never read whole, to keep this process small: a
    child's peak RSS counts this process's own peak (run.run_measured).
    """
    old, new = output_files(before), output_files(after)
    different = [n for n in sorted(old & new) if not filecmp.cmp(before / n, after / n, False)]
    return {
        "identical": old == new and not different,
        "files": {"before": len(old), "after": len(new)},
        "only_before": sorted(old - new),
        "only_after": sorted(new - old),
        "different": different,
    }


def check_identity(
    sites: dict[str, Path], code: dict[str, Snapshot], work: Path
) -> dict[str, dict[str, Any]]:
    """Build each site with both trees under IDENTITY_BASE_URL and compare the outputs."""
    found = {}
    for name, root in sites.items():
        print(f"building {name} with both trees to compare ...", file=sys.stderr, flush=True)
        outs = {}
        for tree in TREES:
            scratch = fresh(work / "identity" / tree)
            outs[tree] = scratch / "out"
            argv = site_gen("build", "--root", root, "--out", outs[tree])
            argv += ["--base-url", IDENTITY_BASE_URL]
            run_measured(argv, TIMEOUT, code[tree].env(scratch / "cache"))
        found[name] = compare_outputs(outs["before"], outs["after"])
    return found


def stats(values: list[float]) -> dict[str, float]:
    """Return median, min and max: the spread tells how far one run's noise reaches here."""
    return {
        "median": round(statistics.median(values), 3),
        "min": round(min(values), 3),
        "max": round(max(values), 3),
    }


def commit_of(tree: Path) -> str:
    """Return the tree's commit as `git describe` tells it (`-dirty` when edited), if a repo."""
    described = subprocess.run(
        ["git", "-C", str(tree), "describe", "--always", "--dirty"], capture_output=True, text=True
    )
    return described.stdout.strip() if described.returncode == 0 else ""


def _cell(summary: dict[str, float], unit: str) -> str:
    digits = 1 if unit == "MB" else 2
    low, high = f"{summary['min']:.{digits}f}", f"{summary['max']:.{digits}f}"
    return f"{summary['median']:.{digits}f} ({low}–{high})"


def _identity_cell(result: dict[str, Any]) -> str:
    if result["identical"]:
        return "yes"
    different, only_before, only_after = (
        result[key] for key in ("different", "only_before", "only_after")
    )
    first = ", ".join((different + only_before + only_after)[:3])
    return (
        f"no: {len(different)} different, {len(only_before)} only before, "
        f"{len(only_after)} only after (e.g. {first})"
    )


def tables(timings: dict[str, Any], identity: dict[str, Any]) -> str:
    """Return the medians (min–max) of both trees with their ratio, then the output check."""
    head = "| measurement | before | after | after / before |\n|---|---|---|---|"
    rows = []
    for name, result in timings.items():
        for key, label, unit in (("wall", "s", "s"), ("peak_rss_mb", "peak RSS, MB", "MB")):
            if key in result["before"]:
                before, after = result["before"][key], result["after"][key]
                ratio = after["median"] / before["median"]
                cells = [f"{name}, {label}", _cell(before, unit), _cell(after, unit)]
                rows.append("| " + " | ".join([*cells, f"{ratio:.2f}×"]) + " |")
    same = "| output | files (before, after) | byte-identical |\n|---|---|---|"
    for name, result in identity.items():
        files = f"{result['files']['before']}, {result['files']['after']}"
        same += f"\n| {name} | {files} | {_identity_cell(result)} |"
    return "\n".join(["Median (min–max):", "", head, *rows, "", same])


def plan(real: Path, sites: dict[int, Path], sizes: list[int], out: Path) -> list[Measurement]:
    """Return the measurements of the issue: the real site's cold build, then per size a cold
    build (with its peak RSS) and a warm check."""
    to = ["--out", out]
    measurements = [Measurement("real site: cold build", site_gen("build", "--root", real, *to))]
    for n in sizes:
        build = site_gen("build", "--root", sites[n], *to)
        check = site_gen("check", "--root", sites[n])
        measurements += [
            Measurement(f"{n:,} facts: cold build", build, show_rss=True),
            Measurement(f"{n:,} facts: warm check", check, warm=True),
        ]
    return measurements


def measure_all(
    measurements: list[Measurement], code: dict[str, Snapshot], repeat: int, scratch: Path
) -> dict[str, Any]:
    """Run every measurement repeat times per tree, alternating trees; return their summaries."""
    runs: dict[str, dict[str, list[Run]]] = {m.name: {t: [] for t in TREES} for m in measurements}
    for repetition in range(repeat):
        order = TREES if repetition % 2 == 0 else TREES[::-1]
        print(f"repetition {repetition + 1} of {repeat} ...", file=sys.stderr, flush=True)
        for measurement in measurements:
            for tree in order:
                runs[measurement.name][tree].append(measure(measurement, code[tree], scratch))
    timings: dict[str, Any] = {}
    for measurement in measurements:
        timings[measurement.name] = {}
        for tree in TREES:
            done = runs[measurement.name][tree]
            summary: dict[str, Any] = {"wall": stats([run.wall for run in done])}
            if measurement.show_rss:
                summary["peak_rss_mb"] = stats([run.peak_rss_mb for run in done])
            summary["runs"] = [round(run.wall, 3) for run in done]
            timings[measurement.name][tree] = summary
    return timings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, required=True, help="the old code tree")
    parser.add_argument("--after", type=Path, required=True, help="the new code tree")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (default 3)")
    parser.add_argument(
        "--sizes",
        type=parse_sizes,
        default=[10_000],
        help="comma-separated fact counts (default 10000)",
    )
    parser.add_argument("--work-dir", type=Path, default=DEFAULT_WORK_DIR)
    parser.add_argument("--output", type=Path, default=HERE / "compare.json")
    args = parser.parse_args(argv)
    trees = {"before": args.before.resolve(), "after": args.after.resolve()}
    work: Path = args.work_dir.resolve()

    started = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
    load_average = os.getloadavg()
    code = {tree: take_snapshot(work / "code" / tree, path) for tree, path in trees.items()}
    theme = code["after"].templates
    try:
        real = copy_real_site(trees["after"], theme, work / "sites" / "real")
        sites = {
            n: generate(trees["after"], n, theme, work / "sites" / str(n))
            for n in sorted({*args.sizes, IDENTITY_FACTS})
        }
        compared = {
            f"real site, --base-url {IDENTITY_BASE_URL}": real,
            f"{IDENTITY_FACTS:,} facts, --base-url {IDENTITY_BASE_URL}": sites[IDENTITY_FACTS],
        }
        identity = check_identity(compared, code, work)
        scratch = work / "scratch"
        measurements = plan(real, sites, args.sizes, scratch / "out")
        timings = measure_all(measurements, code, args.repeat, scratch)
    except BenchmarkError as exc:
        print(f"compare: {exc}", file=sys.stderr)
        return 1

    meta = {
        "date": started,
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_average_before": [round(x, 2) for x in load_average],
        "repeat": args.repeat,
        "sizes": args.sizes,
        "trees": {
            tree: {"path": str(path), "commit": commit_of(path), "code_sha256": code[tree].digest}
            for tree, path in trees.items()
        },
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    report = {"meta": meta, "timings": timings, "identical_output": identity}
    args.output.write_text(json.dumps(report, indent=2) + "\n")
    print(tables(timings, identity))
    return 0


if __name__ == "__main__":
    sys.exit(main())
