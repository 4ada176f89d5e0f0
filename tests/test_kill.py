"""Killing a build at any moment leaves the output complete: all old or all new, never a mix.

A build writes the new site into a staging folder beside the output and swaps the two in one
step, so a kill leaves either the previous output or the new one, plus perhaps a staging folder
that the next build deletes. The build logs each phase as it ends (-v), so the test can aim its
kills at the write phase, the only moment the output's folder is touched, as well as at random
points before it.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import REPO, read_tree, run_cli

# Seconds to wait after the render phase ends before killing: from at once to after the swap.
WRITE_PHASE_DELAYS = [0.0, 0.002, 0.01, 0.03, 0.08, 0.2]
EARLY_DELAYS = [0.05, 0.4]


def _ctrl_c_as_in_a_terminal() -> None:
    """Give the build Ctrl+C's default action, as a terminal does: a suite started in the
    background by a shell without job control (`.ci/run &`) ignores SIGINT, and Python then
    starts its children ignoring it too."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def build_and_kill(out: Path, base: str, delay: float, sig: int, after_render: bool) -> None:
    """Start a build of the real site and send `sig` at the chosen moment."""
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "site_gen",
            "-v",
            "build",
            "--root",
            str(REPO),
            "--out",
            str(out),
            "--base-url",
            base,
        ],
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_ctrl_c_as_in_a_terminal,
    )
    assert process.stderr is not None
    if after_render:
        for line in process.stderr:
            if line.startswith("render"):
                break
    time.sleep(delay)
    process.send_signal(sig)
    process.communicate(timeout=120)


def beside(out: Path) -> list[str]:
    """Return the names of everything in the output's parent folder, hidden ones included."""
    return sorted(path.name for path in out.parent.iterdir())


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT], ids=["kill-9", "ctrl-c"])
def test_killed_build_leaves_output_complete(tmp_path: Path, sig: int) -> None:
    site = tmp_path / "site"
    site.mkdir()
    out = site / "output"
    fresh = tmp_path / "fresh"
    assert run_cli("build", "--root", REPO, "--out", fresh, "--base-url", "/new/").returncode == 0
    new = read_tree(fresh)
    assert run_cli("build", "--root", REPO, "--out", out, "--base-url", "/old/").returncode == 0
    old = read_tree(out)
    assert beside(out) == ["output"]
    outcomes = []
    plan = [(d, True) for d in WRITE_PHASE_DELAYS] + [(d, False) for d in EARLY_DELAYS]
    for delay, after_render in plan:
        build_and_kill(out, "/new/", delay, sig, after_render)
        tree = read_tree(out)
        assert tree in (old, new), f"output half-written after a kill {delay}s into the write phase"
        outcomes.append("new" if tree == new else "old")
        if tree == new:
            rebuilt = run_cli("build", "--root", REPO, "--out", out, "--base-url", "/old/")
            assert rebuilt.returncode == 0, rebuilt.stderr
            assert read_tree(out) == old
    assert "old" in outcomes, "no kill landed before the swap; the test aimed badly"
    # The next build deletes whatever the killed ones left beside the output.
    assert run_cli("build", "--root", REPO, "--out", out, "--base-url", "/old/").returncode == 0
    assert read_tree(out) == old
    leftovers = {name: sorted(read_tree(site / name))[:5] for name in beside(out)}
    assert leftovers.keys() == {"output"}, f"the next build left these beside it: {leftovers}"
