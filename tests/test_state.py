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

import site_gen

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
