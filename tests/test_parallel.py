"""Rendering on a second core: the worker's pages are the bytes one process makes, and its
mistakes are reported as the building process would report them."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import REPO, read_tree

from site_gen import Config, build
from site_gen.errors import CheckFailed
from site_gen.render import parallel

needs_fork = pytest.mark.skipif(not parallel.can_fork(), reason="needs Linux and two cores")


def with_pid(item: str) -> bytes:
    return f"{item} {os.getpid()}".encode()


@needs_fork
def test_a_worker_applies_the_function_and_returns_each_result_by_item() -> None:
    items = [f"page-{n}" for n in range(parallel.MIN_ITEMS)]
    with parallel.elsewhere(with_pid, items) as collect:
        results = collect()
    assert list(results) == items
    pids = {int(value.split()[1]) for value in results.values()}
    assert len(pids) == 1 and os.getpid() not in pids, "the items were not sent to a worker"
    assert all(value.startswith(item.encode()) for item, value in results.items())


@needs_fork
def test_what_a_worker_fails_on_is_done_again_here() -> None:
    """A template error in the worker's share raises here, where its template line is known."""
    building = os.getpid()

    def fails_in_a_worker(item: str) -> bytes:
        if os.getpid() != building:
            raise ValueError(item)
        return item.encode()

    items = [f"page-{n}" for n in range(parallel.MIN_ITEMS)]
    with parallel.elsewhere(fails_in_a_worker, items) as collect:
        assert collect() == {item: item.encode() for item in items}


def test_a_few_items_stay_in_this_process() -> None:
    items = ["index.html", "404.html"]
    with parallel.elsewhere(with_pid, items) as collect:
        assert collect() == {item: with_pid(item) for item in items}


# A process that deals slow items out to a worker, prints the worker's pid, and waits.
_BUILDING = """
import multiprocessing, time
from site_gen.render import parallel

def slow(item):
    time.sleep(60)
    return b""

with parallel.elsewhere(slow, [str(n) for n in range(parallel.MIN_ITEMS)]) as collect:
    print(*[child.pid for child in multiprocessing.active_children()], flush=True)
    time.sleep(60)
"""


@needs_fork
def test_a_worker_ends_when_the_building_process_is_killed() -> None:
    """Killed by `kill -9`, `timeout` or the kernel, a build leaves no worker waiting forever."""
    command = [sys.executable, "-c", _BUILDING]
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as building:
        assert building.stdout is not None
        [worker] = building.stdout.readline().split()
        building.kill()
    deadline = time.monotonic() + 10
    while is_running(worker) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not is_running(worker)


def is_running(pid: str) -> bool:
    """Return whether a process exists and has not ended (an ended one waits to be reaped)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state not in ("Z", "X")


def build_into(out: Path, root: Path = REPO) -> dict[str, bytes]:
    build(Config.for_root(root, out=out))
    return read_tree(out)


@needs_fork
def test_a_site_rendered_on_two_cores_is_the_site_rendered_on_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    one = build_into(tmp_path / "one")
    monkeypatch.setattr(parallel, "MIN_ITEMS", 1)
    assert build_into(tmp_path / "two") == one


@needs_fork
def test_a_template_error_in_the_workers_pages_names_its_line(
    sample: Path, write: Callable[[Path, str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The home page is the first page, so it falls to the worker.
    home = '{% extends "default/home.html" %}\n{% block main %}{{ nosuch.x }}{% endblock %}\n'
    write(sample / "templates/home.html", home)
    monkeypatch.setattr(parallel, "MIN_ITEMS", 1)
    with pytest.raises(CheckFailed) as failed:
        build(Config.for_root(sample, out=sample / "output"))
    [problem] = failed.value.problems
    assert (problem.code, problem.location.line) == ("template-error", 2)
    assert problem.location.path.endswith("templates/home.html")
    assert not (sample / "output").exists()
