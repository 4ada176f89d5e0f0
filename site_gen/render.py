"""Render a checked site into files: HTML pages through Jinja, plus data and assets."""

from __future__ import annotations

import re
import types
from collections.abc import Callable, Iterable, Mapping, MutableMapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from site_gen.export import DocumentCache, facts_json
from site_gen.feeds import atom_feed, json_ld, robots, sitemap, structured_data
from site_gen.fragments import FragmentCache, Fragments
from site_gen.markup import MarkdownRenderer
from site_gen.model import Fact, Site
from site_gen.parallel import Job, run_jobs, worker_count
from site_gen.search import SearchItem, search_index
from site_gen.views import (
    ENTITY_FOLDERS,
    SiteView,
    format_date,
    format_number,
    format_value,
    is_exact_date,
)

# Generic labels; a site's own labels in site.yml take precedence.
DEFAULT_LABELS = {
    "home": "Home",
    "timeline": "Timeline",
    "people": "People",
    "organizations": "Organizations",
    "places": "Places",
    "reforms": "Reforms",
    "figures": "Figures",
    "statements": "Statements",
    "sources": "Sources",
    "search": "Search",
    "summary": "What happened",
    "key_figures": "Key figures",
}
# What one fact of each kind is called; statements are shown as what they are: claims.
KIND_NAMES = {
    "event": "Event",
    "person": "Person",
    "organization": "Organization",
    "place": "Place",
    "reform": "Reform",
    "figure": "Figure",
    "statement": "Claim",
}
# The main navigation: label key and folder of every index page, in reading order.
SECTIONS = [
    ("timeline", "timeline/"),
    ("people", "people/"),
    ("organizations", "organizations/"),
    ("places", "places/"),
    ("reforms", "reforms/"),
    ("figures", "figures/"),
    ("statements", "statements/"),
    ("sources", "sources/"),
    ("search", "search/"),
]
ASSETS_DIR = "assets"
# Below this many pages, forking workers costs more than it saves.
PARALLEL_MIN_PAGES = 500
# The files made from the whole site rather than from one page's facts.
DATA_FILES = ("facts.json", "search.json", "feed.xml")
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
# The space after a property name and before a block: never needed, as every line holds one or the other.
_CSS_SPACE = re.compile(r"^([a-z0-9-]+:) |(?<=\S) (\{)$")
# Pages carry their policy in a meta tag because GitHub Pages cannot send headers.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "base-uri 'none'; form-action 'self'; object-src 'none'"
)


@dataclass(frozen=True)
class Page:
    """One HTML file to write: where, with which template, and what it shows."""

    path: str
    template: str
    context: dict[str, Any]

    @property
    def link(self) -> str:
        """Return the page's path as linked: folders end in a slash, not in index.html."""
        return self.path.removesuffix("index.html")


def normalize_site_url(site_url: str) -> str:
    """Return the absolute site URL with one trailing slash, or '' when none is configured."""
    stripped = site_url.strip().rstrip("/")
    return f"{stripped}/" if stripped else ""


def normalize_base_url(base: str) -> str:
    """Return the base URL path with exactly one leading and one trailing slash."""
    stripped = base.strip().strip("/")
    return f"/{stripped}/" if stripped else "/"


def make_environment(
    templates: Path,
    markdown: MarkdownRenderer | None = None,
    compiled: jinja2.BytecodeCache | None = None,
    fragments: Fragments | None = None,
) -> jinja2.Environment:
    """Return a Jinja environment that escapes everything and fails on any missing value.

    A preview passes the Markdown renderer, the compiled templates and the fragments its edit
    spared of its previous builds: a new environment per build is what keeps one site's values
    out of the next one's pages.
    """
    env = _Environment(
        loader=jinja2.FileSystemLoader(templates),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # A build renders each template thousands of times; one check of the file is enough,
        # and a theme's few templates need no least-recently-used bookkeeping: a plain dict.
        auto_reload=False,
        cache_size=-1,
        bytecode_cache=compiled,
        # Fragments that many pages share, rendered once per build: hence one environment each.
        extensions=[FragmentCache],
    )
    if fragments is not None:
        env.extensions[FragmentCache.identifier].fragments = fragments  # type: ignore[attr-defined]
    markdown = markdown or MarkdownRenderer()
    env.filters["md"] = markdown.block
    env.filters["md_inline"] = markdown.inline
    env.filters["date"] = format_date
    env.filters["number"] = format_number
    env.filters["value"] = format_value
    env.filters["plain"] = markdown.plain
    env.tests["exact_date"] = is_exact_date
    return env


def plan_pages(view: SiteView) -> list[Page]:
    """List every HTML page of the site."""
    pages = [
        Page("index.html", "home.html", {}),
        Page("timeline/index.html", "timeline.html", {}),
        Page("reforms/index.html", "reforms.html", {"reforms": view.of_kind("reform")}),
        Page("figures/index.html", "figures.html", {"figures": view.of_kind("figure")}),
        Page("statements/index.html", "statements.html", {}),
        Page("sources/index.html", "sources.html", {}),
        Page("search/index.html", "search.html", {}),
        Page("404.html", "404.html", {}),
    ]
    for kind, folder in ENTITY_FOLDERS.items():
        entities = sorted(view.of_kind(kind), key=view.title)
        pages.append(
            Page(f"{folder}/index.html", "entities.html", {"kind": kind, "entities": entities})
        )
    pages += [
        Page(
            f"{view.url(fact)}index.html",
            "entity.html" if fact.kind in ENTITY_FOLDERS else "fact.html",
            {"fact": fact},
        )
        for fact in view.facts.values()
    ]
    pages += [
        Page(f"sources/{source.id}/index.html", "source.html", {"source": source})
        for source in view.site.sources.values()
    ]
    return pages


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


class _Environment(jinja2.Environment):
    """An environment whose templates share its globals as they are, with _Context to call.

    Jinja layers a ChainMap over the globals for each template, so that a template's own
    globals never leak into the environment's; this theme's templates have none. Reading a
    ChainMap runs in Python, and every page pays for it when it imports the macros: Jinja
    compares the page's globals with the macros' to learn that nothing differs.
    """

    context_class = _Context

    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        return super().make_globals(d) if d else self.globals


class CompiledTemplates(jinja2.BytecodeCache):
    """Compiled templates kept in memory, by name and source checksum, for the next build."""

    def __init__(self) -> None:
        self._compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        compiled = self._compiled.get(bucket.key)
        if compiled is not None:
            bucket.bytecode_from_string(compiled)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._compiled[bucket.key] = bucket.bytecode_to_string()


class SiteRender:
    """One checked site bound to a Jinja environment: renders any of its pages and data files.

    Jinja keeps the globals a template saw first (imported macros see them for good), so
    each site needs an environment of its own.
    """

    def __init__(self, env: jinja2.Environment, site: Site, templates: Path, base_url: str) -> None:
        self.env = env
        self.site = site
        self.templates = templates
        self.view = view = SiteView(site)
        self.pages = {page.path: page for page in plan_pages(view)}
        base = normalize_base_url(base_url)
        self.site_url = site_url = normalize_site_url(site.settings.site_url)
        self.plain: Callable[[str], str] = env.filters["plain"]

        def url(path: str = "") -> str:
            """Return a link to a site path that works under any base URL."""
            return base + path.lstrip("/")

        def absolute(path: str = "") -> str:
            """Return the full URL of a site path, or '' when site.yml sets no site_url."""
            return site_url + path.lstrip("/") if site_url else ""

        def fact_json_ld(fact: Fact) -> Markup | None:
            data = structured_data(view, fact, self.plain, absolute(view.url(fact)))
            return json_ld(data) if data else None

        self.url = url
        self.absolute = absolute
        env.globals.update(
            site=site.settings,
            view=view,
            labels=DEFAULT_LABELS | site.settings.labels,
            kinds=KIND_NAMES,
            sections=SECTIONS,
            base=base,
            url=url,
            absolute=absolute,
            json_ld=fact_json_ld,
            csp=CSP,
        )

    def link(self, path: str) -> str:
        """Return the full URL of a site path where one is known, for files read off the site."""
        return self.absolute(path) or self.url(path)

    def data_jobs(self, cache: DataCache) -> dict[str, Job]:
        """Return the jobs that make the data files, each reusing what `cache` holds."""
        view, plain = self.view, self.plain
        return {
            "facts.json": partial(facts_json, self.site, cache.document),
            "search.json": partial(search_index, view, self.url, plain, KIND_NAMES, cache.search),
            "feed.xml": partial(atom_feed, view, self.link, plain, self.site_url, cache.feed),
        }

    def page_jobs(self, paths: Iterable[str]) -> dict[str, Job]:
        return {path: partial(render_page, self.env, self.pages[path]) for path in paths}

    def fixed_files(self) -> dict[str, bytes]:
        """Return the files that only the settings and the theme decide."""
        files: dict[str, bytes] = {}
        if self.site_url:
            links = (page.link for page in self.pages.values() if page.path != "404.html")
            files["sitemap.xml"] = sitemap(links, self.site_url)
        files["robots.txt"] = robots(self.site_url)
        files[".nojekyll"] = b""
        assets = self.templates / ASSETS_DIR
        for path in sorted(p for p in assets.rglob("*") if p.is_file()):
            content = path.read_bytes()
            if path.suffix == ".css":
                content = compact_css(content.decode()).encode()
            files[f"{ASSETS_DIR}/{path.relative_to(assets).as_posix()}"] = content
        return files

    def make(
        self,
        paths: Iterable[str],
        data: Iterable[str],
        cache: DataCache,
        workers: int | None = None,
    ) -> dict[str, bytes]:
        """Render the pages and data files named, on every core when there are enough of them."""
        pages = self.page_jobs(paths)
        wanted = set(data)
        jobs = {path: job for path, job in self.data_jobs(cache).items() if path in wanted}
        if workers is None:
            workers = worker_count() if len(pages) >= PARALLEL_MIN_PAGES else 1
        if workers < 2 or not pages:
            return {path: job() for path, job in (pages | jobs).items()}
        # Built once here, the indexes and the compiled templates are shared by every worker:
        # the first page compiles the templates most pages extend before any worker starts.
        # The data files, the longest jobs, come next, so no worker is left alone with one.
        self.view.build_indexes()
        first = next(iter(pages))
        made = {first: pages.pop(first)()}
        jobs |= pages
        return made | dict(zip(jobs, run_jobs(list(jobs.values()), workers), strict=True))

    def files_in_order(self, made: Mapping[str, bytes]) -> dict[str, bytes]:
        """Return every file in one fixed order: pages, data files, then the fixed files."""
        order = [*self.pages, *DATA_FILES]
        return {path: made[path] for path in order} | self.fixed_files()


@dataclass
class DataCache:
    """Serialized pieces of the data files, by fact id, for a rebuild to reuse."""

    document: DocumentCache = field(default_factory=DocumentCache)
    search: dict[str, SearchItem] = field(default_factory=dict)
    feed: dict[str, str] = field(default_factory=dict)

    def forget(self, fact_ids: Iterable[str]) -> None:
        for fact_id in fact_ids:
            self.document.facts.pop(fact_id, None)
            self.search.pop(fact_id, None)
            self.feed.pop(fact_id, None)


def render_site(
    site: Site, templates: Path, base_url: str, workers: int | None = None
) -> dict[str, bytes]:
    """Return every output file, keyed by its path inside the output folder."""
    render = SiteRender(make_environment(templates), site, templates, base_url)
    return render.files_in_order(render.make(render.pages, DATA_FILES, DataCache(), workers))


def render_page(env: jinja2.Environment, page: Page) -> bytes:
    """Render one HTML page."""
    template = env.get_template(page.template)
    return template.render(page=page.link, **page.context).encode()


def compact_css(css: str) -> str:
    """Drop comments and layout whitespace, so the stylesheet costs every page less of its budget."""
    lines = (
        _CSS_SPACE.sub(r"\1\2", line.strip()) for line in _CSS_COMMENT.sub("", css).splitlines()
    )
    compact = ""
    for line in filter(None, lines):
        # A line break only ever separates declarations, rules or selectors in a list;
        # elsewhere it stands for a space, which a selector may need.
        glue = "" if not compact or compact[-1] in "{};," else " "
        compact += glue + line
    return compact + "\n"
