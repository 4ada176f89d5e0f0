"""Markdown from untrusted YAML, turned into HTML that can never carry script."""

from __future__ import annotations

import re

import markdown
import nh3
from markupsafe import Markup, escape

from site_gen.model import schema

_URL_SCHEMES = frozenset(schema.LINK_SCHEMES)
# Text without these characters renders the same with or without Markdown; skip the parser.
# Line starts are matched with [ \t]*, not \s*: \s* would scan every following blank line again
# from each line start, in quadratic time.
_MARKDOWN_SYNTAX = re.compile(r"[*_`\[\]<>&#\\]|^[ \t]*(?:[-+>]|\d+\.)\s|\n\s*\n", re.MULTILINE)
_ONE_PARAGRAPH = re.compile(r"^<p>(.*)</p>$", re.DOTALL)
# A link as facts write it: text without brackets or line breaks, and a target without spaces
# whose parentheses pair, as Markdown reads "https://en.wikipedia.org/wiki/A_(b)" whole. Each
# "[" is scanned only up to the next bracket, so finding them all takes linear time.
_LINK = re.compile(r"\[[^\[\]\n]*\]\([^()\s]*(?:\([^()\s]*\)[^()\s]*)*\)")
_STRAY_BRACKET = re.compile(r"(?<!\\)\[")


def escape_stray_brackets(text: str) -> str:
    """Escape every "[" that opens no link, so Markdown shows it as it is.

    Python-Markdown looks for the end of a link from every "[" to the end of the text: text
    full of brackets would take quadratic time to render.
    """
    parts: list[str] = []
    last = 0
    for link in _LINK.finditer(text):
        parts += [_STRAY_BRACKET.sub(r"\\[", text[last : link.start()]), link.group()]
        last = link.end()
    parts.append(_STRAY_BRACKET.sub(r"\\[", text[last:]))
    return "".join(parts)


class MarkdownRenderer:
    """Renders Markdown with one reused parser, then sanitizes with an allow-list."""

    def __init__(self) -> None:
        self._parser = markdown.Markdown(output_format="html")
        # A fact's text appears on many pages (its own, lists, feeds, search); convert it once.
        self._blocks: dict[str, Markup] = {}
        self._inlines: dict[str, Markup] = {}
        self._plains: dict[str, str] = {}

    def block(self, text: str) -> Markup:
        """Return sanitized HTML for Markdown text: paragraphs, lists, links, emphasis."""
        html = self._blocks.get(text)
        if html is None:
            html = self._blocks[text] = self._convert(text)
        return html

    def _convert(self, text: str) -> Markup:
        if not _MARKDOWN_SYNTAX.search(text):
            return Markup("<p>") + escape(text.strip()) + Markup("</p>")
        html = self._parser.reset().convert(escape_stray_brackets(text))
        return Markup(
            nh3.clean(
                html,
                tags=schema.MARKDOWN_TAGS,
                attributes={"a": schema.LINK_ATTRIBUTES},  # nh3 takes a dict only.
                url_schemes=_URL_SCHEMES,
                link_rel="noopener noreferrer",
                strip_comments=True,
            )
        )

    def inline(self, text: str) -> Markup:
        """Return sanitized HTML without the wrapping paragraph, for use inside a sentence."""
        html = self._inlines.get(text)
        if html is None:
            block = self.block(text)
            single = _ONE_PARAGRAPH.match(block)
            html = Markup(single.group(1)) if single and "<p>" not in single.group(1) else block
            self._inlines[text] = html
        return html

    def plain(self, text: str) -> str:
        """Return Markdown as plain text, for meta tags, feeds and search."""
        plain = self._plains.get(text)
        if plain is None:
            plain = self._plains[text] = self.inline(text).striptags()
        return plain
