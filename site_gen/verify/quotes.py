"""Verify quotes against source texts, strictly and deterministically."""

from __future__ import annotations

import bisect
import enum
import itertools
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import NamedTuple, overload

from site_gen.model.counts import NUMBER_WORDS, QUALIFIERS

# A quote needs this many words, so the passage it names is unambiguous.
QUOTE_MIN_WORDS = 3
# A fragment must start at most this many normalized characters after the previous one ends.
WINDOW = 300

# Invisible characters that publishing tools scatter through text; they never carry meaning.
_DELETED = frozenset(
    "\u00ad"  # soft hyphen
    "\u200b\u200c\u200d\u2060\ufeff"  # zero-width characters
    "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"  # bidi marks
    "\u034f\u180e\u2061\u2062\u2063\u2064"  # joiners, separators, invisible operators
)

# Typographic variants that editors retype with a plain keyboard.
_FOLDS = MappingProxyType(
    {
        # With the acute accent and the fullwidth apostrophe that keyboards put for one:
        # "didn´t" is "didn't", and its "n't" a negation.
        **dict.fromkeys("\u2018\u2019\u201a\u201b\u02bc\u2032\u00b4\uff07", "'"),
        **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033", '"'),
        **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"),
        "\u2026": "...",
    }
)

# Deletions and folds in one table, for texts that need no offset map.
_TRANSLATION = MappingProxyType(str.maketrans({**dict.fromkeys(_DELETED), **_FOLDS}))
# The folds that keep a text's length. str.translate looks up every character of a long text
# in a dict; a regex that jumps to the few typographic characters is many times faster.
_ONE_FOR_ONE = MappingProxyType({k: v for k, v in _FOLDS.items() if len(v) == 1})
_TYPOGRAPHIC = re.compile("[" + re.escape("".join(sorted(_ONE_FOR_ONE))) + "]")
_INVISIBLE = re.compile("[" + re.escape("".join(sorted(_DELETED))) + "]")
# What breaks a run of copied characters: whitespace (re's \s is exactly str.isspace()),
# invisible characters, the ellipsis.
_SPECIAL = re.compile(r"\s+|[" + re.escape("".join(sorted(_DELETED))) + r"]|\u2026")
# Without invisible characters, a lone inner space needs no work and can stay inside a run:
# the other whitespace runs, a space at either end, the ellipsis. Starting with one character
# class lets re skip ahead to the next candidate in C, twice as fast as an alternation.
_SPECIAL_SPARSE = re.compile(r"[\s\u2026](?:(?<=[^\S ])\s*|(?<= )\s+|(?<=\A )|(?<= )$|(?<=\u2026))")

_WORD = re.compile(r"[^\W_]+")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
# A number in words, which an omission may no more leave out than one in digits: "[...] two
# terms", or "dozens".
_NUMBER_WORD = re.compile(rf"\b(?:{'|'.join(NUMBER_WORDS)})s?\b", re.IGNORECASE)
# "cannot", "nothing", "nobody" and "nowhere" negate as surely as "not", so they are held too.
_NEGATION_WORDS = "not|no|never|without|nor|none|neither|cannot|nothing|nobody|nowhere"
# The lookahead of the letters a negation starts with lets a search skip the rest of a text at
# C speed (benchmarks/README.md).
_NEGATION_INITIALS = "".join(sorted({word[0] for word in [*_NEGATION_WORDS.split("|"), "n't"]}))
_NEGATION = re.compile(
    rf"(?=[{_NEGATION_INITIALS}])(?:\b(?:{_NEGATION_WORDS})\b|n't\b)", re.IGNORECASE
)
# Words that deny or doubt what they govern without a negation: "the ministry denied that
# troops fired", "the alleged mistreatment". Left out of a quote, or just before it, they
# reverse or hedge it as a dropped "not" or "nearly" does. "Declined" denies only before "to":
# "protests declined" is a fall.
_DOUBT_WORDS = (
    "deny|denies|denied|denying|denial|false|falsely|untrue|refute|refutes|refuted|refuting"
    "|reject|rejects|rejected|rejecting|dismiss|dismisses|dismissed|dismissing|refuse|refuses"
    "|refused|refusing|decline to|declines to|declined to|declining to|rule out|rules out"
    "|ruled out|ruling out|alleged|allegation|allegations|allegedly|reportedly|purportedly"
    "|supposedly|unconfirmed|unverified"
)
# A failure denies what it governs ("failed to stop the looting"): beside a quote or left out
# of one, "failed" turns it, and a text must keep a quote's. But "the attempted coup had
# failed" is an outcome: a text adds a reversal with it only where it governs a verb.
_FAILURE_WORDS = "fail|fails|failed|failing"
_FAILURES_TO = "|".join(f"{word} to" for word in _FAILURE_WORDS.split("|"))
_DOUBT = re.compile(rf"\b(?:{_DOUBT_WORDS}|{_FAILURE_WORDS})\b", re.IGNORECASE)
# Words that soften what they govern: an omission that leaves one out hardens the claim ("the
# protests had ... subsided" of "had mostly subsided"). "May" is left out: it is a month too.
_HEDGE = re.compile(
    r"\b(?:mostly|largely|mainly|partly|partially|primarily|chiefly|predominantly|apparently"
    r"|seemingly|presumably|possibly|probably|perhaps|maybe|likely|unlikely|might|could"
    r"|for the most part)\b",
    re.IGNORECASE,
)
# Both kinds of words, in text already case-folded, which a case-blind search would read at half
# speed; the lookahead of their initials lets a search skip the rest of a text.
_REVERSAL_INITIALS = "".join(
    sorted(
        {word[0] for word in f"{_NEGATION_WORDS}|{_DOUBT_WORDS}|{_FAILURE_WORDS}|n't".split("|")}
    )
)
_REVERSAL = re.compile(
    rf"(?=[{_REVERSAL_INITIALS}])"
    rf"(?:\b(?:{_NEGATION_WORDS}|{_DOUBT_WORDS}|{_FAILURE_WORDS})\b|n't\b)"
)
_ADDED_REVERSAL = re.compile(
    rf"(?=[{_REVERSAL_INITIALS}])"
    rf"(?:\b(?:{_NEGATION_WORDS}|{_DOUBT_WORDS}|{_FAILURES_TO})\b|n't\b)"
)
# "[sic]" goes with one adjoining space: the one before it, unless that would glue two words.
_SIC = re.compile(r" \[sic\](?!\w)|(?<!\w)\[sic\] |\[sic\]", re.IGNORECASE)
_BRACKETED_LETTER = re.compile(r"\[([^\W\d_])\]")
_OMISSION = re.compile(r"\[ ?\.{3,} ?\]|\( ?\.{3,} ?\)|\.{3,}")
# What goes on with a number after a match ends on its digits: "5" of "5,100", "5'000",
# "5/6", "5 100" (a space between thousands) or "5 million" is not the number the source gives.
_NUMBER_GOES_ON = re.compile(
    r"[.,'/]\d| \d{3}(?!\d)| (?:hundred|thousand|million|billion|trillion|bn|mn|mln|dozen)s?\b",
    re.IGNORECASE,
)
# Where a paragraph ends in a source: a line that ends a sentence (its stop may stand inside
# closing quotation marks or brackets), or a blank line. A line break inside a sentence, even
# after "protesters'" or a closing bracket, is only the source's wrapping.
_PARAGRAPH_END = re.compile(r"[.!?:…][\"'”’»)\]]*[^\S\n]*\n|\n[^\S\n]*\n")
# The last three digits of a number whose thousands a space sets apart ("4 400").
_THOUSANDS_GROUP = re.compile(r"\d{3}(?!\d)")
# A negation just outside a match governs the quoted words: "allow" in "would not allow", or
# "would" before "not allow", quotes the opposite of the source. Before a match, so do a
# contraction ("don't want") and a denial or a hedge ("false impression"), across a space, a
# quotation mark or a bracket. After a match, "without" adds how, not whether ("shot at them
# without warning"), so it does not count there.
_NEGATION_BEFORE = re.compile(
    rf"(?:\b(?:{_NEGATION_WORDS}|{_DOUBT_WORDS}|{_FAILURE_WORDS})|n't)[ \"'(\[«»‹›]+\Z",
    re.IGNORECASE,
)
_NEGATION_AFTER = re.compile(
    rf"[ \"'(\[«»‹›]+(?:{_NEGATION_WORDS.replace('without|', '')})\b", re.IGNORECASE
)
# The low end of a range right before a quoted number: "30 people" of "between 20 and 30".
_RANGE_BEFORE = re.compile(r"(?<![\d.,])\d+(?:[.,]\d+)* (?:and|to|or) \Z")
# A qualifier just before a quoted number bounds it: "8,000 people" in "nearly 8,000 people".
_QUALIFIER_BEFORE = re.compile(
    rf"\b(?:{'|'.join(sorted(map(re.escape, QUALIFIERS), key=len, reverse=True))}) \Z",
    re.IGNORECASE,
)
# A number, with its sign or currency: a qualifier before it bounds it ("nearly US$5 million").
_LEADING_NUMBER = re.compile(r"(?:[A-Z]{0,3}[$€£¥₸]|[-+])?\d")
# How far before or after a match those words are looked for: the longest of them, and what may
# stand between it and the match.
_REACH = 4 + max(
    len(word) for word in (*_NEGATION_WORDS.split("|"), *_DOUBT_WORDS.split("|"), *QUALIFIERS)
)


class Offsets(Sequence[int]):
    """The original offset of every normalized position, stored as runs instead of one int each.

    A source keeps long runs of characters as they are, so a few runs describe it. One int per
    character cost about 60 bytes (the list, the tuple and the int object) and most of the time
    of normalizing (benchmarks/README.md).
    """

    __slots__ = ("_length", "_origins", "_starts", "_steps")

    def __init__(self, runs: list[tuple[int, int, int]], length: int) -> None:
        """Take (normalized start, original start, step) runs in order; step 0 repeats one offset."""
        self._starts = [run[0] for run in runs]
        self._origins = [run[1] for run in runs]
        self._steps = [run[2] for run in runs]
        self._length = length

    @classmethod
    def identity(cls, length: int) -> Offsets:
        """Return the offsets of a text that normalizing left unchanged."""
        return cls([(0, 0, 1)], length)

    def __len__(self) -> int:
        return self._length

    @overload
    def __getitem__(self, index: int) -> int: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[int, ...]: ...

    def __getitem__(self, index: int | slice) -> int | tuple[int, ...]:
        if isinstance(index, slice):
            return tuple(self)[index]
        if index < 0:
            index += self._length
        if not 0 <= index < self._length:
            raise IndexError("offset index out of range")
        run = bisect.bisect_right(self._starts, index) - 1
        return self._origins[run] + (index - self._starts[run]) * self._steps[run]

    def __iter__(self) -> Iterator[int]:
        ends = [*self._starts[1:], self._length]
        for start, end, origin, step in zip(
            self._starts, ends, self._origins, self._steps, strict=True
        ):
            yield from (
                range(origin, origin + (end - start) * step, step)
                if step
                else [origin] * (end - start)
            )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence):
            return NotImplemented
        return len(self) == len(other) and tuple(self) == tuple(other)

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __repr__(self) -> str:
        return f"Offsets({tuple(self)!r})"


@dataclass(frozen=True)
class Normalized:
    """A text folded for matching, with a map back to the original offsets."""

    text: str
    offsets: Sequence[int]
    original: str

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map a normalized range back to the original, so a span quotes the source exactly."""
        first = self.offsets[start]
        if end <= start:
            return first, first
        last = self.offsets[end - 1]
        # An expanded character ("…" became "...") spans several normalized positions.
        k = end
        while k < len(self.text) and self.offsets[k] == last:
            k += 1
        stop = self.offsets[k]
        # Whitespace and deleted characters between this character and the next are not part of it.
        while stop > last + 1 and (
            self.original[stop - 1] in _DELETED or self.original[stop - 1].isspace()
        ):
            stop -= 1
        return first, stop


class Reason(enum.Enum):
    """Why a quote does not match; the value names the problem in reports."""

    TOO_SHORT = "too-short"
    NOT_FOUND = "not-found"
    FRAGMENT_TOO_SHORT = "fragment-too-short"
    FRAGMENT_ORDER = "fragment-order"
    OMITTED_NUMBER = "omitted-number"
    OMITTED_NEGATION = "omitted-negation"
    OMITTED_BREAK = "omitted-break"
    CUT = "cut"


@dataclass(frozen=True)
class Match:
    """A quote found: one span of the original text per fragment."""

    spans: tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class Miss:
    """A quote not found, with the most specific reason and one sentence saying what failed."""

    reason: Reason
    detail: str


class _Needle(NamedTuple):
    """A normalized fragment to find, and the positions whose letter case may differ."""

    text: str
    fold: frozenset[int]


def normalize(text: str) -> Normalized:
    """Fold a text for matching and keep the way back, so spans point at the original passage."""
    if _is_plain(text):
        return Normalized(text, Offsets.identity(len(text) + 1), text)
    if text.isascii() or unicodedata.is_normalized("NFC", _INVISIBLE.sub("", text)):
        return _normalize_composed(text)
    chars: list[str] = []
    offsets: list[int] = []
    space_at = -1
    end = 0
    for start, stop, piece in _composed(text):
        for char in piece:
            if char.isspace():
                if space_at < 0:
                    space_at = start
                continue
            if space_at >= 0 and chars:
                chars.append(" ")
                offsets.append(space_at)
            space_at = -1
            folded = _FOLDS.get(char, char)
            chars.append(folded)
            offsets.extend([start] * len(folded))
            end = stop
    offsets.append(end)
    return Normalized("".join(chars), tuple(offsets), text)


def _normalize_composed(text: str) -> Normalized:
    """Normalize a text that is already NFC, a run at a time instead of a character at a time.

    Almost every source is NFC, and sources are long: copying the runs between whitespace,
    deleted characters and ellipses with C-level slicing makes this many times faster than the
    general path, with the same result.
    """
    out = _Runs()
    end = 0
    position = 0
    # The one-for-one folds keep every offset, so the whole text is folded in one call.
    folded = text if text.isascii() else _sparse_fold(text)
    specials = _SPECIAL if _INVISIBLE.search(text) else _SPECIAL_SPARSE
    for special in specials.finditer(text):
        start, stop = special.span()
        if start > position:
            out.flush_space()
            out.add(folded[position:start], position, 1)
            end = start
        char = special.group()
        if char == "\u2026":
            out.flush_space()
            out.add("...", start, 0)
            end = stop
        elif char[0] not in _DELETED and out.space_at < 0:
            out.space_at = start
        position = stop
    if position < len(text):
        out.flush_space()
        out.add(folded[position:], position, 1)
        end = len(text)
    out.runs.append((out.size, end, 0))
    return Normalized("".join(out.chars), Offsets(out.runs, out.size + 1), text)


class _Runs:
    """The pieces of a normalized text and their Offsets runs, collected a piece at a time."""

    def __init__(self) -> None:
        self.chars: list[str] = []
        self.runs: list[tuple[int, int, int]] = []
        self.size = 0
        # Where a pending run of whitespace started; it becomes one space before the next piece.
        self.space_at = -1

    def add(self, piece: str, origin: int, step: int) -> None:
        """Append a piece that maps to origin onwards (step 1) or entirely to origin (step 0)."""
        self.chars.append(piece)
        self.runs.append((self.size, origin, step))
        self.size += len(piece)

    def flush_space(self) -> None:
        """Write a pending run of whitespace as one space, unless it leads the text."""
        if self.space_at >= 0 and self.chars:
            self.add(" ", self.space_at, 0)
        self.space_at = -1


def _sparse_fold(text: str) -> str:
    """Apply the one-for-one folds; offsets stay valid because no length changes."""
    return _TYPOGRAPHIC.sub(lambda found: _ONE_FOR_ONE[found.group()], text)


def fold_text(text: str) -> str:
    """Return just the normalized text; quotes need no offset map, so C-level calls do."""
    if _is_plain(text):
        return text
    folded = text.translate(_TRANSLATION)
    if unicodedata.is_normalized("NFC", folded):
        return " ".join(folded.split())
    return normalize(text).text


def _is_plain(text: str) -> bool:
    """Tell whether text is its own normal form: ASCII with single inner spaces, as most quotes."""
    return text.isascii() and " ".join(text.split()) == text


def _composed(text: str) -> Iterator[tuple[int, int, str]]:
    """Yield NFC pieces of text with their original ranges, without the deleted characters."""
    kept = [i for i, char in enumerate(text) if char not in _DELETED]
    if unicodedata.is_normalized("NFC", "".join(text[i] for i in kept)):
        for i in kept:
            yield i, i + 1, text[i]
        return
    for chunk in _chunks(text, kept):
        # Composition may merge, split or reorder characters, so the result maps to the whole run.
        yield chunk[0], chunk[-1] + 1, unicodedata.normalize("NFC", "".join(text[i] for i in chunk))


def _chunks(text: str, kept: list[int]) -> Iterator[list[int]]:
    """Group indices into runs that NFC composes as a unit, so each run can map back whole."""
    chunk: list[int] = []
    for i in kept:
        char = text[i]
        # ASCII characters are starters that compose with nothing. Nothing composes with
        # whitespace either, and a mark must not drag a space into a passage.
        if (
            chunk
            and not char.isascii()
            and not text[chunk[-1]].isspace()
            and (_is_nonstarter(char) or _composes(text, chunk, char))
        ):
            chunk.append(i)
            continue
        if chunk:
            yield chunk
        chunk = [i]
    if chunk:
        yield chunk


def _is_nonstarter(char: str) -> bool:
    """Tell whether char attaches to what precedes it under canonical ordering."""
    decomposed = unicodedata.normalize("NFD", char)
    return unicodedata.combining(char) != 0 or (
        decomposed != "" and unicodedata.combining(decomposed[0]) != 0
    )


def _composes(text: str, chunk: list[int], char: str) -> bool:
    """Tell whether a starter composes with the end of chunk (Hangul jamo and a few scripts)."""
    last = unicodedata.normalize("NFC", "".join(text[i] for i in chunk))[-1]
    return unicodedata.normalize("NFC", last + char) != last + unicodedata.normalize("NFC", char)


def strip_editorial(quote: str) -> str:
    """Return a normalized quote without "[sic]" and with "[T]he" unwrapped, for fuzzy matching."""
    return _edit(fold_text(quote))[0]


def find_numbers(text: str) -> list[str]:
    """Return every number written in digits, separators included, as written."""
    return _NUMBER.findall(text)


def find_negations(text: str) -> list[str]:
    """Return every negation word of a normalized text, lowercased."""
    return [found.lower() for found in _NEGATION.findall(text)]


def find_reversals(folded: str, added: bool = False) -> list[str]:
    """Return every word of a case-folded text that negates, denies or doubts what it governs:
    "not", "denied", "alleged". The wording lint asks a text to keep its quotes' ones, and to
    add none of its own: one it adds is read `added`, where "failed" counts only before "to"."""
    return (_ADDED_REVERSAL if added else _REVERSAL).findall(folded)


def locate(quote: str, text: str) -> list[tuple[int, int]] | None:
    """Return spans (as a list of tuples) when match() matches with min_words=3, else None."""
    found = match(quote, text)
    return list(found.spans) if isinstance(found, Match) else None


def match(quote: str, text: str | Normalized, *, min_words: int = QUOTE_MIN_WORDS) -> Match | Miss:
    """Find a quote verbatim in a source, or say precisely why it is not there."""
    source = text if isinstance(text, Normalized) else normalize(text)
    literal = fold_text(quote)
    edited, fold = _edit(literal)
    needed = max(min_words, 1)
    # Counting stops at the minimum: a long quote should not pay for counting all its words.
    if sum(1 for _ in itertools.islice(_WORD.finditer(edited), needed)) < needed:
        words = len(_WORD.findall(edited))
        return Miss(Reason.TOO_SHORT, f"the quote has {_words(words)}; it needs at least {needed}")
    # Sources contain brackets, parentheses and ellipses verbatim, so the quote as written comes
    # first; editorial marks are read only when that fails.
    if edited == literal:
        needle = _Needle(literal, fold)
    else:
        first = _first_letter(literal)
        needle = _Needle(literal, frozenset() if first is None else frozenset({first}))
    # An occurrence cut beside a word it needs is no match, but a later one may be whole.
    cut = None
    for start in _starts(source.text, needle):
        why = _cut(source, start, start + len(literal))
        if why is None:
            return Match((source.span(start, start + len(literal)),))
        cut = cut or why
    needles = _fragments(edited, fold)
    if needles == [needle]:
        return cut or Miss(Reason.NOT_FOUND, "the quote was not found in the source")
    if len(needles) > 1:
        for number, fragment in enumerate(needles, start=1):
            count = len(_WORD.findall(fragment.text))
            if count < 2:
                return Miss(
                    Reason.FRAGMENT_TOO_SHORT,
                    f'fragment {number} "{fragment.text}" has {_words(count)}; '
                    "each part between omission marks needs at least 2",
                )
    return _find_chain(source, needles)


def _words(count: int) -> str:
    return f"{count} word" if count == 1 else f"{count} words"


def _edit(quote: str) -> tuple[str, frozenset[int]]:
    """Drop "[sic]" and unwrap "[T]he", noting which letters may differ in case."""
    if "[" not in quote:
        first = _first_letter(quote)
        return quote, frozenset() if first is None else frozenset({first})
    text = _SIC.sub("", quote).strip()
    parts: list[str] = []
    fold: set[int] = set()
    length = 0
    pos = 0
    for bracketed in _BRACKETED_LETTER.finditer(text):
        parts.append(text[pos : bracketed.start()])
        length += bracketed.start() - pos
        fold.add(length)
        parts.append(bracketed.group(1))
        length += 1
        pos = bracketed.end()
    parts.append(text[pos:])
    edited = "".join(parts)
    first = _first_letter(edited)
    if first is not None:
        fold.add(first)
    return edited, frozenset(fold)


def _first_letter(text: str) -> int | None:
    """Return the index of the quote's first letter, whose case may differ from the source's."""
    word = _WORD.search(text)
    if word is None or not text[word.start()].isalpha():
        return None
    return word.start()


def _fragments(text: str, fold: frozenset[int]) -> list[_Needle]:
    """Split a quote at omission marks; a mark at the very start or end only drops a fragment."""
    cuts = [0]
    for mark in _OMISSION.finditer(text):
        cuts += [mark.start(), mark.end()]
    cuts.append(len(text))
    needles = [_slice(text, fold, cuts[i], cuts[i + 1]) for i in range(0, len(cuts), 2)]
    if len(needles) > 1 and not _WORD.search(needles[0].text):
        needles.pop(0)
    if len(needles) > 1 and not _WORD.search(needles[-1].text):
        needles.pop()
    return needles


def _slice(text: str, fold: frozenset[int], start: int, end: int) -> _Needle:
    """Cut one fragment out of the quote, trimmed, keeping its case-free positions."""
    while start < end and text[start] == " ":
        start += 1
    while end > start and text[end - 1] == " ":
        end -= 1
    return _Needle(text[start:end], frozenset(p - start for p in fold if start <= p < end))


def _starts(hay: str, needle: _Needle) -> Iterator[int]:
    """Yield, in order, every start of needle in hay that lies on word boundaries."""
    text = needle.text
    lo, hi = _anchor(text, needle.fold)
    anchor = text[lo:hi]
    tail = len(text) - hi
    # str.find on the longest case-exact run does the work; the few other characters are checked.
    pos = hay.find(anchor, lo)
    while pos >= 0 and pos + len(anchor) + tail <= len(hay):
        start = pos - lo
        if _fits(hay, start, needle, lo, hi) and _bounded(hay, start, text):
            yield start
        pos = hay.find(anchor, pos + 1)


def _anchor(text: str, fold: frozenset[int]) -> tuple[int, int]:
    """Return the longest run of text with no case-free position."""
    best = (0, 0)
    begin = 0
    for cut in [*sorted(fold), len(text)]:
        if cut - begin > best[1] - best[0]:
            best = (begin, cut)
        begin = cut + 1
    return best


def _fits(hay: str, start: int, needle: _Needle, lo: int, hi: int) -> bool:
    """Check the characters of needle outside its anchor at start."""
    text = needle.text
    for i in (*range(lo), *range(hi, len(text))):
        char = text[i]
        found = hay[start + i]
        if found != char and not (i in needle.fold and found in (char.lower(), char.upper())):
            return False
    return True


def _is_word(char: str) -> bool:
    """Tell whether char is part of a word; the empty string (past either end) is not."""
    return char.isalnum() or char == "_"


def _bounded(hay: str, start: int, text: str) -> bool:
    """Tell whether a match starts and ends on word boundaries and cuts no number short."""
    end = start + len(text)
    before = hay[start - 1 : start]
    after = hay[end : end + 1]
    if _is_word(text[0]) and _is_word(before):
        return False
    if _is_word(text[-1]) and _is_word(after):
        return False
    # "we can" must not be found in "we can't": the apostrophe does not end that word.
    if (
        _is_word(text[-1])
        and hay[end : end + 2].lower() == "'t"
        and not _is_word(hay[end + 2 : end + 3])
    ):
        return False
    # A combining mark after the match belongs to the last matched character.
    if after and unicodedata.category(after).startswith("M"):
        return False
    if text[0].isdecimal():
        # "5 percent" must not be found in "2.5 percent", "1,5 percent", ".5 percent" or "-5
        # percent", nor "400 people" in "4 400 people".
        if before in (".", ",", "'", "/") and hay[start - 2 : start - 1].isdecimal():
            return False
        if before == "." and not _is_word(hay[max(0, start - 2) : start - 1]):
            return False  # A leading decimal point: ".5 percent" is half a percent.
        if before == "-" and not _is_word(hay[max(0, start - 2) : start - 1]):
            return False
        if (
            before == " "
            and hay[start - 2 : start - 1].isdecimal()
            and _THOUSANDS_GROUP.match(text)
        ):
            return False
    # "more than 5" must not be found in "more than 5,100", "5 100" or "5 million".
    return not (text[-1].isdecimal() and _NUMBER_GOES_ON.match(hay, end))


def _cut(source: Normalized, start: int, end: int) -> Miss | None:
    """Say why a match from `start` to `end` says other than its source, cut where it is.

    A negation just outside it governs its words ("allow" of "would not allow"; "would" of
    "would not allow"), a qualifier or a range's low end just before its first number bounds
    that number ("8,000" of "nearly 8,000"), and a hyphen joins a word to it ("lethal" of
    "non-lethal"). Quoted apart, each says the opposite, or more, than the source. Nothing
    governs across a line break, nor after a quote that ends its sentence.
    """
    hay = source.text
    negation, where = _NEGATION_BEFORE.search(hay, max(0, start - _REACH), start), "before"
    if negation is not None and _apart(source, negation.start(), start):
        negation = None
    stop = before_closing_marks(hay, end)
    ends_sentence = hay[stop - 1 : stop] in (".", "!", "?")
    if negation is None and not ends_sentence:
        negation, where = _NEGATION_AFTER.match(hay, end), "after"
        if negation is not None and _apart(source, end - 1, negation.end()):
            negation = None
    if negation is not None:
        word = negation.group().strip(" \"'([«»‹›")
        what = "hedges or denies" if _DOUBT.fullmatch(word) else "reverses"
        return Miss(Reason.CUT, f"the source has '{word}' right {where} the quote, which {what} it")
    if qualifier := _qualifier_before_number(hay, max(0, start - _REACH), start):
        return Miss(Reason.CUT, f"the source has '{qualifier}' right before the quote's number")
    if _LEADING_NUMBER.match(hay, start) and (
        low := _RANGE_BEFORE.search(hay, max(0, start - _REACH), start)
    ):
        range_start = low.group().strip()
        return Miss(
            Reason.CUT,
            f"the source has '{range_start}' right before the quote's number, which it makes "
            "the end of a range",
        )
    if _joins(source, start - 1):
        joined = hay[hay.rfind(" ", 0, start) + 1 : start]
        return Miss(Reason.CUT, f"the source joins '{joined}' to the quote's first word")
    if _joins(source, end):
        after = hay[end : _word_end(hay, end + 1)]
        return Miss(Reason.CUT, f"the source joins '{after}' to the quote's last word")
    return None


def before_closing_marks(text: str, end: int) -> int:
    """Return where the closing quotation marks and brackets that end text[:end] begin: a
    sentence's stop stands before them ('…fired."')."""
    while end > 0 and text[end - 1] in "\"'”’)]»›":
        end -= 1
    return end


def _apart(source: Normalized, start: int, end: int) -> bool:
    """Tell whether a line break of the original lies between two normalized positions."""
    return "\n" in source.original[source.offsets[start] : source.offsets[end]]


def _joins(source: Normalized, at: int) -> bool:
    """Tell whether the character at `at` is a hyphen between two words: "-" is every dash
    folded, but an em dash sets words apart ("Kazakhstan—Kazakh authorities"), and an en dash
    joins only numbers ("20–30")."""
    hay = source.text
    if not (0 < at < len(hay) - 1 and hay[at] == "-"):
        return False
    if not (hay[at - 1].isalnum() and hay[at + 1].isalnum()):
        return False
    dash = source.original[source.offsets[at]]
    return dash in "-\u2010\u2011" or (
        dash == "\u2013" and hay[at - 1].isdigit() and hay[at + 1].isdigit()
    )


def _qualifier_before_number(hay: str, start: int, end: int) -> str | None:
    """Return the qualifier that ends hay[start:end], when a number follows at `end`."""
    if not _LEADING_NUMBER.match(hay, end):
        return None
    qualifier = _QUALIFIER_BEFORE.search(hay, start, end)
    return qualifier.group().strip() if qualifier else None


def _word_end(text: str, start: int) -> int:
    """Return where the word at `start` ends: at the next space, or the text's end."""
    space = text.find(" ", start)
    return len(text) if space < 0 else space


def _find_chain(source: Normalized, needles: list[_Needle]) -> Match | Miss:
    """Find the earliest valid chain of fragments, or report the most specific reason."""
    hay = source.text
    occurrences = [list(_starts(hay, needle)) for needle in needles]
    for number, (needle, starts) in enumerate(zip(needles, occurrences, strict=True), start=1):
        if not starts:
            if len(needles) == 1:
                return Miss(Reason.NOT_FOUND, "the quote was not found in the source")
            return Miss(
                Reason.NOT_FOUND, f'fragment {number} "{needle.text}" was not found in the source'
            )
    chain = _chain(source, needles, occurrences, strict=True)
    if chain is not None:
        return _cut(source, chain[0], chain[-1] + len(needles[-1].text)) or Match(
            tuple(source.span(s, s + len(n.text)) for s, n in zip(chain, needles, strict=True))
        )
    loose = _chain(source, needles, occurrences, strict=False)
    if loose is None:
        return Miss(
            Reason.FRAGMENT_ORDER,
            "every fragment is in the source, but not in order with each one starting "
            f"within {WINDOW} characters after the previous one",
        )
    for k in range(len(needles) - 1):
        problem = _omitted_problem(source, loose[k] + len(needles[k].text), loose[k + 1])
        if problem is not None:
            reason, what = problem
            between = f"between fragments {k + 1} and {k + 2}"
            return Miss(reason, f"the omitted text {between} {what}")
    raise AssertionError("a chain with clean omissions would have matched")


def _chain(
    source: Normalized, needles: list[_Needle], occurrences: list[list[int]], *, strict: bool
) -> list[int] | None:
    """Return the earliest chain of fragment starts in order and within the window.

    Working back from the last fragment, each occurrence learns its earliest successor that
    completes a chain, so the search is exhaustive without revisiting dead ends.
    """
    alive = [True] * len(occurrences[-1])
    links: list[list[int]] = [[] for _ in needles]
    for k in range(len(needles) - 2, -1, -1):
        following = occurrences[k + 1]
        size = len(needles[k].text)
        for start in occurrences[k]:
            end = start + size
            link = -1
            j = bisect.bisect_left(following, end)
            while j < len(following) and following[j] - end <= WINDOW:
                if alive[j] and not (strict and _omitted_problem(source, end, following[j])):
                    link = j
                    break
                j += 1
            links[k].append(link)
        alive = [link >= 0 for link in links[k]]
    index = next((i for i, ok in enumerate(alive) if ok), None)
    if index is None:
        return None
    chain = [occurrences[0][index]]
    for k in range(len(needles) - 1):
        index = links[k][index]
        chain.append(occurrences[k + 1][index])
    return chain


def _omitted_problem(source: Normalized, start: int, end: int) -> tuple[Reason, str] | None:
    """Return what forbids omitting the normalized text from `start` to `end`, and what it
    holds: a number, a negation, a denial or a hedge, a number's qualifier, or the end of a
    paragraph (past it, another speaker may talk, and the quote would put the next paragraph's
    words in the first one's mouth)."""
    hay = source.text
    number = _NUMBER.search(hay, start, end) or _NUMBER_WORD.search(hay, start, end)
    if number is not None:
        return Reason.OMITTED_NUMBER, f"contains the number '{number.group()}'"
    # A contraction may straddle a cut ("can" omitted before a fragment starting "'t"), so the
    # search looks just past both ends.
    for negation in _NEGATION.finditer(hay, max(0, start - 1), end + 2):
        if negation.end() > start and negation.start() < end:
            return Reason.OMITTED_NEGATION, f"contains the negation '{negation.group()}'"
    if doubt := _DOUBT.search(hay, start, end) or _HEDGE.search(hay, start, end):
        found = f"contains '{doubt.group()}', which hedges or denies what it governs"
        return Reason.OMITTED_NEGATION, found
    if qualifier := _qualifier_before_number(hay, start, end):
        return Reason.CUT, f"ends with '{qualifier}', which bounds the number after it"
    # From the previous fragment's last stop, and the closing marks after it: they may end
    # its paragraph.
    from_end = source.offsets[max(0, before_closing_marks(hay, start) - 1)]
    if _PARAGRAPH_END.search(source.original, from_end, source.offsets[end]):
        return Reason.OMITTED_BREAK, "runs on into another paragraph"
    return None
