"""No module of site_gen holds state that a run could change and the next one inherit.

Issue 12: "No mutable module-level globals. A cache or a memory is an object that its owner
(the CLI or the preview) creates and passes in." Tables that every run reads are frozen
(frozenset, tuple, MappingProxyType), so no code path can change them for a later build in the
same process, as the preview's builds are.
"""

from __future__ import annotations

import collections
import importlib
import pkgutil
import sys
from pathlib import Path
from types import ModuleType

import pytest
from conftest import REPO

import site_gen
from site_gen import Config, build
from site_gen.render import parallel

MUTABLE = (list, dict, set, bytearray, collections.deque)


def test_no_module_holds_a_mutable_value() -> None:
    found = []
    modules = pkgutil.walk_packages(site_gen.__path__, "site_gen.")
    names = ["site_gen", *(m.name for m in modules if m.name != "site_gen.__main__")]
    for name in names:
        module = importlib.import_module(name)
        found += [
            f"{name}.{key}: {type(value).__name__}"
            for key, value in vars(module).items()
            if not key.startswith("__") and isinstance(value, MUTABLE)
        ]
    assert len(names) > 30, "the walk found too few modules to be the whole package"
    assert found == []


def test_a_build_leaves_every_module_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nothing of a build stays behind in a module, with pages dealt out to a worker too: a
    worker takes what it needs by fork, into its own process."""
    monkeypatch.setattr(parallel, "MIN_ITEMS", 1)
    build(Config.for_root(REPO, out=tmp_path / "first"))  # Imports what a build imports.
    before = {name: dict(vars(module)) for name, module in site_gen_modules().items()}
    build(Config.for_root(REPO, out=tmp_path / "second"))
    changed = [
        f"{name}.{key}"
        for name, module in site_gen_modules().items()
        for key, value in vars(module).items()
        if before.get(name, {}).get(key, None) is not value
    ]
    assert changed == []


def site_gen_modules() -> dict[str, ModuleType]:
    return {name: m for name, m in sys.modules.items() if name.partition(".")[0] == "site_gen"}
