"""Rendering on several cores gives the same files, in the same order, as rendering on one."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import pytest

from site_gen.build import check
from site_gen.config import Config
from site_gen.parallel import Job, PickledCalls, Run, can_fork, run_calls, run_jobs
from site_gen.render import render_site

pytestmark = pytest.mark.skipif(not can_fork(), reason="this platform cannot fork")


def job(index: int, fails: frozenset[int] = frozenset()) -> Job:
    def make() -> bytes:
        if index in fails:
            raise ValueError(f"job {index} failed")
        return f"{index}\n".encode() * (index % 7)

    return make


def test_results_come_back_in_job_order() -> None:
    jobs = [job(i) for i in range(2000)]
    assert run_jobs(jobs, 2) == [make() for make in jobs]
    assert run_jobs(jobs, 3) == [make() for make in jobs]


def test_calls_come_back_in_order_with_their_pickles() -> None:
    calls = [lambda i=i: {"index": i, "text": "x" * (i % 7)} for i in range(2000)]
    expected = [call() for call in calls]
    with PickledCalls(calls, 2) as running:
        made = running.results()
    assert [result for result, _ in made] == expected
    assert [pickle.loads(data) for _, data in made] == expected
    assert run_calls(calls, 2) == expected


def test_children_start_at_once_and_stop_when_the_results_are_not_wanted() -> None:
    jobs = [job(i) for i in range(2000)]
    with Run(jobs, 2) as run:
        children = [child.pid for child in run.children]
        assert run.results() == [make() for make in jobs]
    with pytest.raises(KeyboardInterrupt), Run(jobs, 2) as run:
        children = [child.pid for child in run.children]
        raise KeyboardInterrupt  # Before this process asked for the results.
    for pid in children:
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)  # Killed and reaped.


@pytest.mark.parametrize("fails", [{1500, 1900}, {3, 1999}, {0}])
def test_the_first_failing_job_in_order_raises(fails: set[int]) -> None:
    jobs = [job(i, frozenset(fails)) for i in range(2000)]
    with pytest.raises(ValueError, match=f"job {min(fails)} failed"):
        run_jobs(jobs, 2)


def test_parallel_render_gives_the_same_files(sample: Path) -> None:
    config = Config.for_root(sample)
    site, _ = check(config)
    assert site is not None
    serial = render_site(site, config.templates_dir, "/sample/", workers=1)
    parallel = render_site(site, config.templates_dir, "/sample/", workers=2)
    assert list(parallel) == list(serial)
    assert parallel == serial
