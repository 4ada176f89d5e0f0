"""A Jinja environment that calls a theme's functions and macros without Jinja's detours.

The one place site_gen reaches into Jinja's internals, because it pays: it takes about a quarter
off rendering the pages of a large site (benchmarks/README.md). Both classes
change how calls and globals are looked up, never what a template outputs.
"""

from __future__ import annotations

import types
from collections.abc import MutableMapping
from typing import Any

import jinja2


class _Context(jinja2.runtime.Context):
    """A template context that calls plain functions, methods and macros straight away.

    Jinja routes every call in a template through Context.call, which asks each callee twice
    whether it wants the context passed in. For plain Python callables the answer is in the
    function's own attributes (builtins can carry none), and a macro always takes the eval
    context; asking with hasattr costs a raised and caught AttributeError per call of a method.
    Everything else (callable objects, callees marked with pass_context) takes Jinja's own path.
    """

    def call(__self, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # Named as in Jinja.
        kind = type(__obj)
        if kind is jinja2.runtime.Macro:
            args = (__self.eval_ctx, *args)
        elif kind is types.MethodType or kind is types.FunctionType:
            function = getattr(__obj, "__func__", __obj)
            if type(function) is not types.FunctionType or "jinja_pass_arg" in function.__dict__:
                return super().call(__obj, *args, **kwargs)
        elif kind is not types.BuiltinFunctionType:
            return super().call(__obj, *args, **kwargs)
        # Jinja adds these for callables that take the context, which these do not.
        kwargs.pop("_block_vars", None)
        kwargs.pop("_loop_vars", None)
        try:
            return __obj(*args, **kwargs)
        except StopIteration:
            return __self.environment.undefined("a callable raised a StopIteration exception")


class FastEnvironment(jinja2.Environment):
    """An environment whose templates share its globals as they are, with _Context to call.

    Jinja layers a ChainMap over the globals for each template, so that a template's own
    globals never leak into the environment's; this theme's templates have none. Reading a
    ChainMap runs in Python, and every page pays for it when it imports the macros: Jinja
    compares the page's globals with the macros' to learn that nothing differs.
    """

    context_class = _Context

    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        return super().make_globals(d) if d else self.globals
