"""Time the rebuild that `site-gen serve` runs after a one-fact edit, phase by phase.

Copies a generated site root, builds it three times with the preview's incremental renderer
and write memory (the cache and the spare output warm up), then edits one event's title, and
one person's text, `--runs` times each, timing every rebuild from "change seen" to "files written".

    python benchmarks/rebuild.py --size 10000 --runs 5
    python benchmarks/rebuild.py --time site_gen.check.check_site site_gen.output_memory.WriteMemory.recall

`--time` also reports the median time per rebuild spent in each function named (module, then
attribute path), by wrapping it; a function imported by name elsewhere is timed under that name.
"""

from __future__ import annotations

import argparse
import functools
import importlib
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import synth

from site_gen.build import build
from site_gen.config import Config
from site_gen.incremental import IncrementalRenderer
from site_gen.output_memory import WriteMemory

# Where each kind of edit goes: the end of the first event title, of the first person's text.
EDITS = {
    "event title": re.compile(r'kind: event\n(?:  .*\n)*?  title: "[^"\n]*'),
    "person text": re.compile(r'kind: person\n  text: "[^"\n]*'),
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000, help="facts (default 10000)")
    parser.add_argument("--runs", type=int, default=5, help="edits of each kind (default 5)")
    parser.add_argument("--time", nargs="*", default=[], metavar="FUNCTION", help="to time too")
    args = parser.parse_args()
    spent = {name: _timed(name) for name in args.time}
    with tempfile.TemporaryDirectory(prefix="site-gen-rebuild-") as scratch:
        work = Path(scratch)
        os.environ["SITE_GEN_CACHE_DIR"] = str(work / "cache")  # Warm, but not the user's own.
        root = work / "site"
        synth.write_site(args.size, root, seed=0)
        config = Config.for_root(root, work / "output")
        renderer, memory = IncrementalRenderer(), WriteMemory()
        for _ in range(3):
            build(config, renderer, memory)
        facts = sorted((root / "facts").rglob("*.yml"))[0]
        for label, place in EDITS.items():
            totals: list[float] = []
            phases: dict[str, list[float]] = {}
            for run in range(args.runs):
                text = facts.read_text(encoding="utf-8")
                end = place.search(text)
                if end is None:
                    sys.exit(f"rebuild: no {label} in {facts}")
                facts.write_text(f"{text[: end.end()]} x{run}{text[end.end() :]}", "utf-8")
                for seconds in spent.values():
                    seconds.append(0.0)
                started = time.perf_counter()
                result = build(config, renderer, memory)
                totals.append(time.perf_counter() - started)
                for name, seconds in (result.timings | _last(spent)).items():
                    phases.setdefault(name, []).append(seconds)
            shown = ", ".join(f"{n} {statistics.median(v):.3f}" for n, v in phases.items())
            print(
                f"{args.size} facts, {label}: median {statistics.median(totals):.3f} s "
                f"(min {min(totals):.3f}) over {args.runs}; phases: {shown}"
            )
        shutil.rmtree(work / "output", ignore_errors=True)
    return 0


def _timed(name: str) -> list[float]:
    """Wrap the function `name` (module.attribute[.attribute]) to add its time to the list's
    last entry; return the list."""
    parts = name.split(".")
    for split in range(len(parts) - 1, 0, -1):
        try:
            owner: object = importlib.import_module(".".join(parts[:split]))
        except ImportError:
            continue
        for attribute in parts[split:-1]:
            owner = getattr(owner, attribute)
        break
    else:
        sys.exit(f"rebuild: no module in {name}")
    function = getattr(owner, parts[-1])
    spent: list[float] = []

    @functools.wraps(function)
    def timed(*args: object, **kwargs: object) -> object:
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            if spent:
                spent[-1] += time.perf_counter() - started

    setattr(owner, parts[-1], timed)
    return spent


def _last(spent: dict[str, list[float]]) -> dict[str, float]:
    return {name: seconds[-1] for name, seconds in spent.items()}


if __name__ == "__main__":
    sys.exit(main())
