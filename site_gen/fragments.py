"""A `{% cache %}` tag for templates: render a fragment once per build, then reuse it.

Many pages show the same pieces: the masthead, the footer, a fact's entry in a list, a link
to a person. Rendering each again on every page took a large share of a big build's time. A
fragment is keyed by what it shows: the key must name everything the fragment's output
depends on beyond the build's own globals (settings, labels, base URL), which are the same
for every page of a build. Keys compare as dict keys do, so name facts by their ids.

The rendered fragments live on the environment, and every build makes an environment of its
own (see render.make_environment). A preview hands each new environment the fragments of its
last build that the edit spared (see incremental.py): a fragment is kept while the build's
globals stay the same, unless a part of its key names a fact the edit touched (a tuple in a
key names each of its parts: a group of facts). So a key that names a fact must name it by its
id, and a fragment may show of other facts only what its facts name (their entries), of
sources only those its facts cite, and of the site's shape only what a change of shape changes
(who names and cites what: a preview then drops every fragment).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable

import jinja2
from jinja2 import nodes
from jinja2.ext import Extension
from jinja2.parser import Parser
from markupsafe import Markup

# Rendered fragments by key.
Fragments = dict[tuple[Hashable, ...], Markup]


class FragmentCache(Extension):
    """`{% cache key, ... %}body{% endcache %}`: the body's output, made once per key."""

    tags = {"cache"}  # noqa: RUF012  # Jinja declares it so: a set on the class.

    def __init__(self, environment: jinja2.Environment) -> None:
        super().__init__(environment)
        self.fragments: Fragments = {}

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
