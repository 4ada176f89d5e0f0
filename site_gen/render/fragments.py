"""A `{% cache %}` tag for templates: render a fragment once per build, then reuse it.

Many pages show the same pieces: the masthead, the footer, a fact's entry in a list, a link
to a person. Rendering each again on every page took a large share of a big build's time. A
fragment is keyed by what it shows: the key must name everything the fragment's output
depends on beyond the build's own globals (settings, labels, base URL), which are the same
for every page of a build. The fragments live on the environment, and every build makes an
environment of its own, so nothing outlives the build that rendered it.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable

import jinja2
from jinja2 import nodes
from jinja2.ext import Extension
from jinja2.parser import Parser
from markupsafe import Markup


class FragmentCache(Extension):
    """`{% cache key, ... %}body{% endcache %}`: the body's output, made once per key."""

    tags = {"cache"}  # noqa: RUF012  # Jinja declares it so: a set on the class.

    def __init__(self, environment: jinja2.Environment) -> None:
        super().__init__(environment)
        self.fragments: dict[tuple[Hashable, ...], Markup] = {}

    def parse(self, parser: Parser) -> nodes.Node:
        lineno = next(parser.stream).lineno
        key = [parser.parse_expression()]
        while parser.stream.skip_if("comma"):
            key.append(parser.parse_expression())
        body = parser.parse_statements(("name:endcache",), drop_needle=True)
        fragment = self.call_method("_fragment", [nodes.Tuple(key, "load")])
        return nodes.CallBlock(fragment, [], [], body).set_lineno(lineno)

    def _fragment(self, key: tuple[Hashable, ...], caller: Callable[[], Markup]) -> Markup:
        made = self.fragments.get(key)
        if made is None:
            made = self.fragments[key] = caller()
        return made
