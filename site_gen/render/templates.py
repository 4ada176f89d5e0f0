"""Render a checked site into files: HTML pages through Jinja, plus data and assets."""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path, PurePosixPath
from types import MappingProxyType
from typing import Any

import jinja2
from markupsafe import Markup

from site_gen.model import Fact, Site, schema
from site_gen.model.titles import format_date
from site_gen.render import parallel
from site_gen.render.data import facts_json, search_index
from site_gen.render.feeds import atom_feed, json_ld, robots, sitemap, structured_data
from site_gen.render.fragments import FragmentCache
from site_gen.render.jinja import FastEnvironment
from site_gen.render.markdown import MarkdownRenderer
from site_gen.render.views import (
    ENTITY_FOLDERS,
    SiteView,
    date_gap,
    format_number,
    format_value,
    is_exact_date,
    og_locale,
    plural,
    sentence_case,
)
from site_gen.scaffold import THEME
from site_gen.verify.located import Located

# Generic labels, each key's own word where that says it; a site's labels in site.yml win.
DEFAULT_LABELS = MappingProxyType(
    {key: sentence_case(key) for key in schema.LABEL_KEYS}
    | {"summary": "What happened", "key_figures": "Key figures"}
)
# What one fact of each kind is called; statements are shown as what they are: claims.
KIND_NAMES = MappingProxyType(
    {kind: sentence_case(kind) for kind in schema.KINDS} | {"statement": "Claim"}
)
# The main navigation: label key, folder of every index page, and the kind of fact it lists
# (a section with no facts of its kind is left out), in reading order.
SECTIONS = (
    ("timeline", "timeline/", "event"),
    ("people", "people/", "person"),
    ("organizations", "organizations/", "organization"),
    ("places", "places/", "place"),
    ("reforms", "reforms/", "reform"),
    ("figures", "figures/", "figure"),
    ("statements", "statements/", "statement"),
    ("sources", "sources/", None),
    ("search", "search/", None),
)
ASSETS_DIR = "assets"
# Templates name the packaged theme's files under this prefix, to extend one they override.
THEME_PREFIX = "default"
# An unclosed comment runs to the end, as in browsers; matching it so also keeps the pass linear.
_CSS_COMMENT = re.compile(r"/\*.*?(?:\*/|\Z)", re.DOTALL)
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


class CompiledTemplates(jinja2.BytecodeCache):
    """Compiled templates kept in memory by name and source checksum, for the next build.

    Compiling the theme is a third of a rebuild of the real site (benchmarks/README.md); a
    changed template has a new checksum, so it is compiled again.
    """

    def __init__(self, compiled: dict[str, bytes] | None = None) -> None:
        # By name and checksum; the caller may keep the dict for its next build.
        self._compiled = {} if compiled is None else compiled

    def get_cache_key(self, name: str, filename: str | None = None) -> str:
        """Return Jinja's key, for file names that are not UTF-8 too (a root named so)."""
        digest = hashlib.sha1(name.encode("utf-8", "surrogateescape"))
        if filename is not None:
            digest.update(("|" + filename).encode("utf-8", "surrogateescape"))
        return digest.hexdigest()

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        compiled = self._compiled.get(bucket.key + bucket.checksum)
        if compiled is not None:
            bucket.bytecode_from_string(compiled)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._compiled[bucket.key + bucket.checksum] = bucket.bytecode_to_string()


def packaged_theme() -> Path:
    """Return the folder of the theme that ships with site_gen, the default of every briefing.

    A real folder, as Jinja's FileSystemLoader needs: site_gen is installed as files, never zipped.
    """
    return Path(str(resources.files("site_gen") / THEME))


def theme_loader(templates: Path) -> jinja2.BaseLoader:
    """Return a loader that finds each template in a briefing's own folder, else in the theme.

    A briefing then holds only the files it changes, and keeps up with the packaged theme in
    all others. `default/NAME` always names the packaged file, so an override can extend it and
    replace a single block. A briefing without a templates/ folder uses the theme as it is.
    """
    packaged = jinja2.FileSystemLoader(packaged_theme())
    prefixed = jinja2.PrefixLoader({THEME_PREFIX: packaged})
    return jinja2.ChoiceLoader([prefixed, ConfinedLoader(templates), packaged])


class ConfinedLoader(jinja2.FileSystemLoader):
    """A briefing's templates, refusing any that a link leads out of its templates folder: a
    template is published, so a link could publish any file of the machine."""

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        folder = Path(self.searchpath[0])
        path = folder.joinpath(*jinja2.loaders.split_template_path(template))
        if path.is_file():  # Checked before the file is opened, not after.
            confine(folder, path)
        return super().get_source(environment, template)


def confine(folder: Path, path: Path) -> None:
    """Refuse a file of a briefing's theme whose real path lies outside its folder."""
    if Path(os.path.realpath(folder)) not in Path(os.path.realpath(path)).parents:
        raise jinja2.TemplateError(
            f"{folder.name}/{path.relative_to(folder).as_posix()} is a link out of {folder.name}/;"
            " copy the file in instead"
        )


def theme_assets(templates: Path) -> dict[str, Path]:
    """Return each asset's path in the output, in sorted order, and the file that provides it.

    The packaged theme's assets, each replaced by a briefing's file of the same path, plus the
    briefing's own further assets. Sorted, so the output never depends on the file system.
    """
    found: dict[PurePosixPath, Path] = {}
    for folder in (packaged_theme() / ASSETS_DIR, templates / ASSETS_DIR):
        found |= {
            PurePosixPath(path.relative_to(folder).as_posix()): path
            for path in folder.rglob("*")
            if path.is_file()
        }
    for path in found.values():
        if templates in path.parents:
            confine(templates, path)
    return {f"{ASSETS_DIR}/{relative}": found[relative] for relative in sorted(found)}


def make_environment(
    templates: Path, compiled: CompiledTemplates | None = None
) -> jinja2.Environment:
    """Return a Jinja environment that escapes everything and fails on any missing value.

    Templates come from `templates`, else from the packaged theme (theme_loader). One
    environment per build: Jinja keeps the globals a template saw first, and the fragment
    cache holds this build's fragments only. `compiled` may hold templates compiled before.
    """
    env = FastEnvironment(
        loader=theme_loader(templates),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # A build renders each template thousands of times and the theme has a dozen: keep all.
        auto_reload=False,
        cache_size=-1,
        bytecode_cache=compiled,
        extensions=[FragmentCache],
    )
    markdown = MarkdownRenderer()
    env.filters["md"] = markdown.block
    env.filters["md_inline"] = markdown.inline
    env.filters["date"] = format_date
    env.filters["date_gap"] = date_gap
    env.filters["number"] = format_number
    env.filters["value"] = format_value
    env.filters["plural"] = plural
    env.filters["plain"] = markdown.plain
    env.filters["sentence_case"] = sentence_case
    env.filters["og_locale"] = og_locale
    env.tests["exact_date"] = is_exact_date
    return env


def compile_templates(templates: Path, paths: list[Path]) -> None:
    """Compile the templates among a briefing's theme files in the environment a build renders
    with, raising what the build would: a syntax error, an unknown filter, a link out of the
    folder. Assets are copied as they are, so an HTML file among them is no template."""
    env = make_environment(templates)
    for path in paths:
        if path.suffix == ".html" and templates / ASSETS_DIR not in path.parents:
            env.get_template(path.relative_to(templates).as_posix())


def sections(view: SiteView) -> list[tuple[str, str]]:
    """Return the label key and folder of each section that has something to list."""
    return [(key, path) for key, path, kind in SECTIONS if not kind or view.of_kind(kind)]


def plan_pages(view: SiteView) -> list[Page]:
    """List every HTML page of the site; a section with nothing to list has no page."""
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
        context = {"kind": kind, "entities": sorted(view.of_kind(kind), key=view.title)}
        pages.append(Page(f"{folder}/index.html", "entities.html", context))
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
    empty = {path for _, path, _ in SECTIONS} - {path for _, path in sections(view)}
    return [page for page in pages if page.link not in empty]


class SiteRender:
    """One checked site bound to a Jinja environment: renders any of its pages and data files."""

    def __init__(
        self,
        site: Site,
        located: Located,
        templates: Path,
        compiled: CompiledTemplates | None = None,
    ) -> None:
        self.env = env = make_environment(templates, compiled)
        self.templates = templates
        self.view = view = SiteView(site, located)
        self.pages = {page.path: page for page in plan_pages(view)}
        self.base = base = normalize_base_url(site.settings.base_url)
        self.site_url = normalize_site_url(site.settings.site_url)
        self.plain: Callable[[str], str] = env.filters["plain"]

        def fact_json_ld(fact: Fact) -> Markup | None:
            data = structured_data(view, fact, self.plain, self.absolute(view.url(fact)))
            return json_ld(data) if data else None

        env.globals.update(
            site=site.settings,
            view=view,
            labels=DEFAULT_LABELS | dict(site.settings.labels),
            kinds=KIND_NAMES,
            sections=sections(view),
            base=base,
            url=self.url,
            absolute=self.absolute,
            json_ld=fact_json_ld,
            csp=CSP,
        )

    def url(self, path: str = "") -> str:
        """Return a link to a site path that works under any base URL."""
        return self.base + path.lstrip("/")

    def absolute(self, path: str = "") -> str:
        """Return the full URL of a site path, or '' when site.yml sets no site_url."""
        return self.site_url + path.lstrip("/") if self.site_url else ""

    def link(self, path: str) -> str:
        """Return the full URL of a site path where one is known, for files read off the site."""
        return self.absolute(path) or self.url(path)

    def page(self, path: str) -> bytes:
        """Render one HTML page."""
        page = self.pages[path]
        template = self.env.get_template(page.template)
        return template.render(page=page.link, **page.context).encode()

    def data_files(self) -> dict[str, bytes]:
        """Return the files machines read: the data for researchers, search and feed readers."""
        view, plain = self.view, self.plain
        return {
            "facts.json": facts_json(view),
            "search.json": search_index(view, self.url, plain, KIND_NAMES),
            "feed.xml": atom_feed(view, self.link, plain, self.site_url),
        }

    def fixed_files(self) -> dict[str, bytes]:
        """Return the files that only the settings and the theme decide."""
        files: dict[str, bytes] = {}
        if self.site_url:
            links = (page.link for page in self.pages.values() if page.path != "404.html")
            files["sitemap.xml"] = sitemap(links, self.site_url)
        files["robots.txt"] = robots(self.site_url)
        files[".nojekyll"] = b""
        for name, path in theme_assets(self.templates).items():
            content = path.read_bytes()
            if path.suffix == ".css":
                content = compact_css(content.decode()).encode()
            files[name] = content
        return files


def render_site(
    site: Site,
    located: Located,
    templates: Path,
    compiled: CompiledTemplates | None = None,
) -> dict[str, bytes]:
    """Return every output file, keyed by its path inside the output folder, in a fixed order.

    A worker renders every other page (`parallel`) while this process renders the rest and the
    data files: the worker's start and its own copy of the shared fragments take about as long
    (benchmarks/README.md).
    """
    render = SiteRender(site, located, templates, compiled)
    paths = list(render.pages)
    with parallel.elsewhere(render.page, paths[::2]) as theirs:
        pages = {path: render.page(path) for path in paths[1::2]}
        data = render.data_files()
        pages |= theirs()
    return {path: pages[path] for path in paths} | data | render.fixed_files()


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
