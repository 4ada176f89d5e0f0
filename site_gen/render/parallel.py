"""Rendering on a second core: the one place where site_gen works in parallel.

A large site's pages are dealt out to one forked worker process, which renders its share while
the building process renders the rest and the data files. The worker is forked so that it
starts with the site and its templates already in memory: sending them to a fresh process
meant pickling the whole site, which cost as much as the worker saved (benchmarks/README.md).
Elsewhere than on Linux, on one core, or for a site too small to gain, everything is rendered in
the building process, to the same bytes.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager

# Fewer items than this gain nothing from a worker (benchmarks/README.md): the real site's
# 176 pages stay in one process, so its preview never forks.
MIN_ITEMS = 500
# A worker's function, set once in each worker process when it starts (`_adopt`). The building
# process never sets it, so nothing of one build is left here for the next.
_function: Callable[[str], bytes] | None = None


def _adopt(function: Callable[[str], bytes], parent: int) -> None:
    """Start a worker: keep the function that the fork handed over, leave Ctrl+C to the
    building process, which reports it once, and end with that process however it ends."""
    global _function  # In the worker's own process, never in the building one.
    _function = function
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_end_with, args=(parent,), daemon=True).start()


def _end_with(parent: int) -> None:
    """Exit once the building process is gone. Killed, it no longer reads the worker's pages,
    and the worker, which inherited the other end of their pipe, would wait to send them forever.
    """
    while os.getppid() == parent:
        time.sleep(0.2)
    os._exit(1)


def _apply(items: Sequence[str]) -> list[bytes]:
    """Do a worker's share, in order: only results travel back, never the site."""
    assert _function is not None, "called outside a worker"
    return [_function(item) for item in items]


def can_fork() -> bool:
    """Return whether a worker can be forked to run beside this process: on Linux, where a fork
    is safe (macOS's system libraries are not, which is why Python spawns there), with a second
    core to run on."""
    return sys.platform == "linux" and len(os.sched_getaffinity(0)) > 1


@contextmanager
def elsewhere(
    function: Callable[[str], bytes], items: Sequence[str]
) -> Iterator[Callable[[], dict[str, bytes]]]:
    """Apply `function` to `items` in a worker while the caller goes on; yield what collects them.

    The collector returns each item's result. Should the worker fail, as it does on a template
    error, the collector applies the function here instead: the same error is then raised in the
    building process, with the template line that an editor needs.
    """

    def here() -> dict[str, bytes]:
        return {item: function(item) for item in items}

    if len(items) < MIN_ITEMS or not can_fork():
        yield here
        return
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(
        1, context, initializer=_adopt, initargs=(function, os.getpid())
    ) as pool:
        results = pool.submit(_apply, items)

        def collect() -> dict[str, bytes]:
            try:
                return dict(zip(items, results.result(), strict=True))
            except Exception:  # Raised again by `here`, with its template line.
                return here()

        yield collect
