"""Links to a quoted passage on the original article's own page, by URL text fragment.

The syntax is the WICG's `#:~:text=textStart[,textEnd]` (URL Fragment Text Directives): a
browser that knows it scrolls to the passage and highlights it, any other opens the article.
"""

from __future__ import annotations

from urllib.parse import quote

# A passage of at most this many words is given whole; a longer one by its first and last words.
WHOLE_WORDS = 8
END_WORDS = 4


def encode_term(term: str) -> str:
    """Percent-encode one term of a text directive.

    Everything but letters, digits and `_.~` is encoded: the directive itself gives `-`, `,` and
    `&` a meaning (prefix and suffix marks, the start/end separator, the next directive), and
    `quote` leaves `-` as it is, so it is encoded here.
    """
    return quote(term, safe="").replace("-", "%2D")


def text_fragment(passage: str) -> str:
    """Return the fragment `:~:text=…` that finds a passage, matched word for word by browsers."""
    words = passage.split()
    if len(words) <= WHOLE_WORDS:
        return ":~:text=" + encode_term(" ".join(words))
    start, end = " ".join(words[:END_WORDS]), " ".join(words[-END_WORDS:])
    return f":~:text={encode_term(start)},{encode_term(end)}"


def link_to_passage(url: str, passage: str) -> str:
    """Return the article's URL with a text fragment added after any fragment it already has."""
    return url + ("" if "#" in url else "#") + text_fragment(passage)
