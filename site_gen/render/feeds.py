"""What machines read beside the pages: the Atom feed, the sitemap, robots.txt and JSON-LD."""

from __future__ import annotations

import json
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable
from typing import Any

from markupsafe import Markup

from site_gen.model import Event, Fact, Person, Settings
from site_gen.render.views import SiteView, is_exact_date, sentence_case, worded_date

ATOM = "http://www.w3.org/2005/Atom"
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
SCHEMA_ORG = "https://schema.org"


def timestamp(date: str) -> str:
    """Return a full ISO date as an RFC 3339 time at its midnight (UTC)."""
    return f"{date}T00:00:00Z"


def latest_date(view: SiteView) -> str:
    """Return the latest full date of the briefing's sources and facts: a time from the data,
    never the clock, so that a build is the same each time; the epoch's where none is full."""
    dates = [source.date for source in view.site.sources.values()]
    dates += [view.date(fact) for fact in view.facts.values()]
    return max(filter(is_exact_date, dates), default="1970-01-01")


def stable_id(settings: Settings, key: str) -> str:
    """Return a URN that stays the same across builds and hosts, for Atom ids without a site URL."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"site-gen:{settings.title}:{key}").urn


def atom_feed(
    view: SiteView,
    link: Callable[[str], str],
    plain: Callable[[str], str],
    site_url: str,
) -> bytes:
    """Return an Atom feed of the events, newest first as the timeline tells them.

    Atom's `updated` is when an entry last changed, which an event's day is not (nor could a
    month or a year give one): every entry carries the latest full date of the briefing, and
    its summary dates the event as the pages word it.
    """
    settings = view.settings
    updated = timestamp(latest_date(view))
    feed = ET.Element("feed", xmlns=ATOM)
    _add(feed, "title", settings.title)
    _add(feed, "subtitle", settings.description)
    _add(feed, "id", site_url + "feed.xml" if site_url else stable_id(settings, "feed"))
    _add(feed, "updated", updated)
    ET.SubElement(feed, "link", rel="self", href=link("feed.xml"))
    ET.SubElement(feed, "link", rel="alternate", type="text/html", href=link(""))
    _add(ET.SubElement(feed, "author"), "name", settings.title)
    for event in reversed(view.events):
        path = view.url(event)
        entry = ET.SubElement(feed, "entry")
        _add(entry, "title", event.title)
        _add(entry, "id", site_url + path if site_url else stable_id(settings, event.id))
        _add(entry, "updated", updated)
        ET.SubElement(entry, "link", rel="alternate", type="text/html", href=link(path))
        _add(entry, "summary", f"{sentence_case(worded_date(event))}: {plain(event.text)}")
    return _serialize(feed)


def sitemap(paths: Iterable[str], site_url: str) -> bytes:
    """Return a sitemap of the given page paths, as absolute URLs under the site URL."""
    urlset = ET.Element("urlset", xmlns=SITEMAP)
    for path in paths:
        _add(ET.SubElement(urlset, "url"), "loc", site_url + path)
    return _serialize(urlset)


def robots(site_url: str) -> bytes:
    """Return robots.txt, pointing crawlers at the sitemap when there is one."""
    lines = ["User-agent: *", "Allow: /"]
    if site_url:
        lines.append(f"Sitemap: {site_url}sitemap.xml")
    return ("\n".join(lines) + "\n").encode()


def structured_data(
    view: SiteView, fact: Fact, plain: Callable[[str], str], page_url: str
) -> dict[str, Any] | None:
    """Describe an event or a person in schema.org terms; other kinds have no fitting type."""
    data: dict[str, Any] = {"@context": SCHEMA_ORG, "description": plain(fact.text)}
    if page_url:
        data["url"] = page_url
    if isinstance(fact, Event):
        data |= {"@type": "Event", "name": fact.title}
        if not fact.date_of_report:  # The date of a report is not when the event started.
            data["startDate"] = fact.date
        places = [view.title(view.facts[ref]) for ref in fact.places]
        if places:
            data["location"] = [{"@type": "Place", "name": name} for name in places]
        return data
    if isinstance(fact, Person):
        data |= {"@type": "Person", "name": fact.name}
        if fact.roles:
            data["jobTitle"] = list(fact.roles)
        if fact.aliases:
            data["alternateName"] = list(fact.aliases)
        return data
    return None


def json_ld(data: dict[str, Any]) -> Markup:
    """Serialize data for a <script type="application/ld+json"> block that no value can close."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    # JSON allows these escapes anywhere in a string; the HTML parser then never sees a tag.
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(char, escaped)
    return Markup(text)


def _add(parent: ET.Element, tag: str, text: str) -> None:
    ET.SubElement(parent, tag).text = text


def _serialize(root: ET.Element) -> bytes:
    """Serialize with the namespace declared once on the root, which every child inherits."""
    ET.indent(root)
    xml = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return bytes(xml) + b"\n"
