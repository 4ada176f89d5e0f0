"""Render a checked site into files: HTML pages through Jinja, plus data and assets."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from site_gen.export import facts_json
from site_gen.markup import MarkdownRenderer
from site_gen.model import Site
from site_gen.views import ENTITY_FOLDERS, SiteView, format_date, format_number

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
}
ASSETS_DIR = "assets"


@dataclass(frozen=True)
class Page:
    """One HTML file to write: where, with which template, and what it shows."""

    path: str
    template: str
    context: dict[str, Any]


def normalize_base_url(base: str) -> str:
    """Return the base URL path with exactly one leading and one trailing slash."""
    stripped = base.strip().strip("/")
    return f"/{stripped}/" if stripped else "/"


def make_environment(templates: Path) -> jinja2.Environment:
    """Return a Jinja environment that escapes everything and fails on any missing value."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    markdown = MarkdownRenderer()
    env.filters["md"] = markdown.block
    env.filters["md_inline"] = markdown.inline
    env.filters["date"] = format_date
    env.filters["number"] = format_number
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
        Page("404.html", "404.html", {}),
    ]
    for kind, folder in ENTITY_FOLDERS.items():
        entities = sorted(view.of_kind(kind), key=view.title)
        pages.append(
            Page(f"{folder}/index.html", "entities.html", {"kind": kind, "entities": entities})
        )
    pages += [
        Page(f"{view.url(fact)}index.html", "fact.html", {"fact": fact})
        for fact in view.facts.values()
    ]
    pages += [
        Page(f"sources/{source.id}/index.html", "source.html", {"source": source})
        for source in view.site.sources.values()
    ]
    return pages


def render_site(site: Site, templates: Path, base_url: str) -> dict[str, bytes]:
    """Return every output file, keyed by its path inside the output folder."""
    env = make_environment(templates)
    view = SiteView(site)
    base = normalize_base_url(base_url)
    labels = DEFAULT_LABELS | site.settings.labels

    def url(path: str = "") -> str:
        """Return a link to a site path that works under any base URL."""
        return base + path.lstrip("/")

    env.globals.update(site=site.settings, view=view, labels=labels, base=base, url=url)
    files: dict[str, bytes] = {}
    for page in plan_pages(view):
        template = env.get_template(page.template)
        files[page.path] = template.render(page=page.path, **page.context).encode()
    files["facts.json"] = facts_json(site)
    files[".nojekyll"] = b""
    files["robots.txt"] = b"User-agent: *\nAllow: /\n"
    assets = templates / ASSETS_DIR
    for path in sorted(p for p in assets.rglob("*") if p.is_file()):
        files[f"{ASSETS_DIR}/{path.relative_to(assets).as_posix()}"] = path.read_bytes()
    return files
