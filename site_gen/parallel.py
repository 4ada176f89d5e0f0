"""Run independent jobs on every core with fork, so a large site renders in a fraction of the time.

Forked children inherit the loaded site and compiled templates, so nothing is pickled on the way
in; each child sends back only the bytes it made. A child never writes a file: the parent alone
writes the output, after every job is done, so a killed build leaves the output as it was.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import pickle
import signal
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, BinaryIO, Generic, TypeVar

if TYPE_CHECKING:  # Importing it at run time loads ctypes and subprocess, for a type.
    from multiprocessing.sharedctypes import Synchronized

Job = Callable[[], bytes]
_T = TypeVar("_T")
# Jobs per claim: few enough that the workers finish together, enough to keep locking rare.
CLAIMS_PER_WORKER = 64


def worker_count() -> int:
    """Return how many cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def can_fork() -> bool:
    """Tell whether this platform can fork a copy of the running process."""
    return "fork" in multiprocessing.get_all_start_methods()


def run_jobs(jobs: Sequence[Job], workers: int) -> list[bytes]:
    """Return every job's bytes in order, sharing the jobs between this process and forked children.

    Workers claim batches from a shared counter, so a slow job or a busy core does not hold the
    others up. A job that fails anywhere is left undone, and this process then runs every undone
    job in order: the first error raised is the one a serial run would raise, with its traceback.
    """
    with Run(jobs, workers) as run:
        return run.results()


class Run:
    """Jobs that forked children start on at once, and that this process joins in on when it
    asks for the results, so it can do other work first (see run_jobs)."""

    def __init__(self, jobs: Sequence[Job], workers: int) -> None:
        self.jobs = jobs
        self.children: list[_Child] = []
        if workers < 2 or len(jobs) < 2 or not can_fork():
            return  # results() does every job here.
        self.counter = multiprocessing.get_context("fork").Value("q", 0)
        self.batch = max(1, len(jobs) // (workers * CLAIMS_PER_WORKER))
        # Frozen objects are never scanned by the collector, so the children do not copy their
        # pages.
        gc.freeze()
        self.children = [_Child.fork(jobs, self.counter, self.batch) for _ in range(workers - 1)]
        gc.unfreeze()

    def __enter__(self) -> Run:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def results(self) -> list[bytes]:
        """Do jobs alongside the children until none are left; return every job's bytes in order."""
        done: dict[int, bytes] = {}
        try:
            if self.children:
                _work(self.jobs, self.counter, self.batch, done)
            for child in self.children:
                done |= child.collect()
        finally:
            self.stop()
        return [done[i] if i in done else self.jobs[i]() for i in range(len(self.jobs))]

    def stop(self) -> None:
        """Kill the children that are still running, if the results are no longer wanted."""
        for child in self.children:
            child.stop()


def run_calls(calls: Sequence[Callable[[], _T]], workers: int) -> list[_T]:
    """Return every call's result in order, made on every core as run_jobs makes bytes.

    Results come back from the children pickled, so a call should return little; with one
    worker, nothing is pickled at all.
    """
    if workers < 2 or len(calls) < 2 or not can_fork():
        return [call() for call in calls]
    with PickledCalls(calls, workers) as run:
        return [result for result, _ in run.results()]


class PickledCalls(Generic[_T]):
    """Calls that forked children start on at once, each result coming with its pickle.

    This process keeps the results of the calls it made itself instead of unpickling them:
    unpickling every parsed facts file in this one process was a tenth of a check.
    """

    def __init__(self, calls: Sequence[Callable[[], _T]], workers: int) -> None:
        self.calls = calls
        # The results this process made; a forked child fills in a copy of its own, dropped.
        self.made: dict[int, _T] = {}
        self.run = Run([partial(self._pickled, index) for index in range(len(calls))], workers)

    def __enter__(self) -> PickledCalls[_T]:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def results(self) -> list[tuple[_T, bytes]]:
        """Make the calls alongside the children; return every result and its pickle, in order."""
        pickles = self.run.results()
        return [
            (self.made[index] if index in self.made else pickle.loads(data), data)
            for index, data in enumerate(pickles)
        ]

    def stop(self) -> None:
        """Kill the children that are still running, if the results are no longer wanted."""
        self.run.stop()

    def _pickled(self, index: int) -> bytes:
        result = self.made[index] = self.calls[index]()
        return pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)


def _work(
    jobs: Sequence[Job], counter: Synchronized[int], batch: int, done: dict[int, bytes]
) -> None:
    """Claim batches of jobs until none are left or one fails, keeping what succeeded."""
    while True:
        with counter.get_lock():
            start = counter.value
            counter.value = start + batch
        for index in range(start, min(start + batch, len(jobs))):
            try:
                done[index] = jobs[index]()
            except Exception:
                return  # Left undone; the parent runs it again and reports the error.
        if start + batch >= len(jobs):
            return


@dataclass
class _Child:
    """A forked worker and the pipe it sends its results through."""

    pid: int
    pipe: BinaryIO

    @classmethod
    def fork(cls, jobs: Sequence[Job], counter: Synchronized[int], batch: int) -> _Child:
        reader, writer = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(reader)
            _serve_child(jobs, counter, batch, writer)
        os.close(writer)
        return cls(pid, os.fdopen(reader, "rb"))

    def collect(self) -> dict[int, bytes]:
        """Return the jobs the child finished; nothing if it died before sending them."""
        data = self.pipe.read()
        _, status = os.waitpid(self.pid, 0)
        self.pid = 0
        if os.waitstatus_to_exitcode(status) != 0 or not data:
            return {}
        results: dict[int, bytes] = pickle.loads(data)
        return results

    def stop(self) -> None:
        """Kill the child if it is still running (the parent was interrupted), and reap it."""
        if self.pid:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
            self.pid = 0
        self.pipe.close()


def _serve_child(jobs: Sequence[Job], counter: Synchronized[int], batch: int, writer: int) -> None:
    """Run in a forked child: do claimed jobs, send the results, and exit without cleanup."""
    code = 1
    try:
        done: dict[int, bytes] = {}
        _work(jobs, counter, batch, done)
        with os.fdopen(writer, "wb") as pipe:
            pipe.write(pickle.dumps(done, protocol=pickle.HIGHEST_PROTOCOL))
        code = 0
    except BaseException:  # Ctrl-C or a dead parent: the parent handles both.
        pass
    finally:
        # Skip atexit handlers and buffered output inherited from the parent.
        os._exit(code)
