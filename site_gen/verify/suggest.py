"""Suggest the passage a failing quote was probably taken from; advice only, never a match."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from difflib import SequenceMatcher
from itertools import zip_longest

from site_gen.verify.quotes import (
    Normalized,
    find_negations,
    find_numbers,
    normalize,
    strip_editorial,
)

# Below this similarity a passage is noise, not a suggestion.
MIN_SCORE = 0.3
# The word-diff marks of a suggestion: [-only in the quote-] {+only in the source+}.
# A mark wraps one word, which holds no brackets or braces: the classes keep the search linear.
DIFF_MARK = re.compile(r"\[-(?P<deleted>[^\[\]]*?)-\]|\{\+(?P<inserted>[^{}]*?)\+\}")
# Sentence windows cover quotes that span sentences; sliding windows up to this many words shorter
# or longer than the quote give a short quote a tight passage, even with words added or dropped.
_MAX_SENTENCES = 3
_SLACK = 2
# The search costs more than linear time, so it is bounded: past these sizes it is skipped, and
# the message says so. A misquote is a sentence or three; a source, a few thousand words.
MAX_QUOTE_WORDS = 150
MAX_SOURCE_WORDS = 30_000
# Windows compared word by word, most promising first: repetitive text has thousands of ties.
MAX_COMPARISONS = 20
# A window this many times longer than the quote cannot score MIN_SCORE: 2q / (q + 6q) < 0.3.
_LONGEST_WINDOW = 6

# A word keeps its inner apostrophes, hyphens and number separators: "didn't", "5,135".
_WORD = re.compile(r"[^\W_]+(?:['.,-][^\W_]+)*")
_SENTENCE_END = re.compile(r"[.!?]")


@dataclass(frozen=True)
class Skipped:
    """The search was not run: the input is past its bounds, which `reason` names."""

    reason: str


@dataclass(frozen=True)
class Suggestion:
    start: int
    end: int
    passage: str
    score: float
    diff: str
    callouts: tuple[str, ...]


def closest_passage(quote: str, text: str | Normalized) -> Suggestion | Skipped | None:
    """Return the source passage most like the quote, or None when nothing comes close."""
    source = text if isinstance(text, Normalized) else normalize(text)
    wanted = strip_editorial(quote)
    quote_words = _WORD.findall(wanted)
    if len(quote_words) > MAX_QUOTE_WORDS:
        return Skipped(f"the quote has {len(quote_words):,} words, more than {MAX_QUOTE_WORDS}")
    words = [(found.start(), found.end()) for found in _WORD.finditer(source.text)]
    if len(words) > MAX_SOURCE_WORDS:
        return Skipped(f"the source has {len(words):,} words, more than {MAX_SOURCE_WORDS:,}")
    if not quote_words or not words:
        return None
    keys = [source.text[s:e].lower() for s, e in words]
    quote_keys = [word.lower() for word in quote_words]
    window = _best_window(keys, quote_keys, _sentences(source, words))
    if window is None:
        return None
    first, last = _aligned(keys, quote_keys, window)
    score = SequenceMatcher(None, quote_keys, keys[first:last], autojunk=False).ratio()
    if score < MIN_SCORE:
        return None
    start, end = source.span(words[first][0], words[last - 1][1])
    passage_words = [source.text[s:e] for s, e in words[first:last]]
    passage = source.text[words[first][0] : words[last - 1][1]]
    diff = _diff(quote_words, passage_words)
    callouts = _callouts(wanted, passage)
    if not DIFF_MARK.search(diff) and wanted not in source.text:
        # The diff compares words; with every word the same, what differs is between them.
        callouts += ("every word is the same: the punctuation between them differs",)
    return Suggestion(start, end, source.original[start:end], score, diff, callouts)


def _sentences(source: Normalized, words: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Split the word list into sentences, at end punctuation and at line breaks of the original."""
    sentences: list[tuple[int, int]] = []
    begin = 0
    for i in range(1, len(words)):
        between = source.text[words[i - 1][1] : words[i][0]]
        gap_start = source.offsets[words[i - 1][1]]
        gap_end = source.offsets[words[i][0]]
        if _SENTENCE_END.search(between) or "\n" in source.original[gap_start:gap_end]:
            sentences.append((begin, i))
            begin = i
    sentences.append((begin, len(words)))
    return sentences


def _best_window(
    keys: list[str], quote_keys: list[str], sentences: list[tuple[int, int]]
) -> tuple[int, int] | None:
    """Return the window of words most like the quote: best score, then shortest, then earliest.

    A window shorter than the quote scores as if it were as long: difflib's ratio alone would
    prefer a passage that leaves out the misquoted number at its edge.
    """
    size_of_quote = len(quote_keys)
    need = Counter(quote_keys)
    longest = _LONGEST_WINDOW * size_of_quote
    shared_by_window: dict[tuple[int, int], int] = {}
    for i, (begin, _) in enumerate(sentences):
        for _, last in sentences[i : i + _MAX_SENTENCES]:
            if last - begin <= longest:
                shared_by_window[begin, last] = sum((Counter(keys[begin:last]) & need).values())
    sizes = range(max(1, size_of_quote - _SLACK), min(len(keys), size_of_quote + _SLACK) + 1)
    for size in sizes:
        shared_by_window.update(_sliding_shared(keys, need, size))

    def score(matched: int, window: tuple[int, int]) -> float:
        return 2.0 * matched / (size_of_quote + max(window[1] - window[0], size_of_quote))

    # Shared words bound the words difflib can match, so once a window's bound falls below the
    # best score no later window can win. Bounds and candidates alike are (-score, size, window):
    # the least is best.
    bounds = sorted(
        (-score(shared, window), window[1] - window[0], window)
        for window, shared in shared_by_window.items()
    )
    matcher = SequenceMatcher(None, autojunk=False)
    matcher.set_seq2(quote_keys)
    best: tuple[float, int, tuple[int, int]] | None = None
    for negated_bound, size, window in bounds[:MAX_COMPARISONS]:
        if -negated_bound < (MIN_SCORE if best is None else -best[0]):
            break
        matcher.set_seq1(keys[window[0] : window[1]])
        matched = sum(block.size for block in matcher.get_matching_blocks())
        candidate = (-score(matched, window), size, window)
        best = candidate if best is None else min(best, candidate)
    return None if best is None else best[2]


def _aligned(keys: list[str], quote_keys: list[str], window: tuple[int, int]) -> tuple[int, int]:
    """Widen a window to pair the quote's unmatched edge words with the source words beside it."""
    first, last = window
    blocks = SequenceMatcher(
        None, quote_keys, keys[first:last], autojunk=False
    ).get_matching_blocks()
    if len(blocks) == 1:
        return window
    head, tail = blocks[0], blocks[-2]
    unmatched_quote = len(quote_keys) - tail.a - tail.size
    unmatched_window = (last - first) - tail.b - tail.size
    return (
        max(0, first - max(0, head.a - head.b)),
        min(len(keys), last + max(0, unmatched_quote - unmatched_window)),
    )


def _sliding_shared(keys: list[str], need: Counter[str], size: int) -> dict[tuple[int, int], int]:
    """Count, for every window of size words, how many words it shares with the quote."""
    have: Counter[str] = Counter()
    shared = 0
    counts: dict[tuple[int, int], int] = {}
    for i, key in enumerate(keys):
        if key in need:
            if have[key] < need[key]:
                shared += 1
            have[key] += 1
        if i >= size:
            gone = keys[i - size]
            if gone in need:
                have[gone] -= 1
                if have[gone] < need[gone]:
                    shared -= 1
        if i >= size - 1:
            counts[i - size + 1, i + 1] = shared
    return counts


def _diff(quote_words: list[str], passage_words: list[str]) -> str:
    """Show the words the source has instead of the quote's: [-quote only-] {+source only+}."""
    first, other = quote_words[0], passage_words[0]
    if first != other and first[1:] == other[1:] and first[:1].lower() == other[:1].lower():
        # The quote's first letter may differ in case; that is no difference worth showing.
        quote_words = [other, *quote_words[1:]]
    out: list[str] = []
    matcher = SequenceMatcher(None, quote_words, passage_words, autojunk=False)
    for tag, a1, a2, b1, b2 in matcher.get_opcodes():
        if tag == "equal":
            out += quote_words[a1:a2]
            continue
        out += [f"[-{word}-]" for word in quote_words[a1:a2]]
        out += [f"{{+{word}+}}" for word in passage_words[b1:b2]]
    return " ".join(out)


def _callouts(quote: str, passage: str) -> tuple[str, ...]:
    """Name every number and negation that differs, the changes that alter a claim's meaning."""
    quote_numbers = _only_in(find_numbers(quote), find_numbers(passage))
    passage_numbers = _only_in(find_numbers(passage), find_numbers(quote))
    callouts: list[str] = []
    # Numbers pair up in order; the longer side's extra numbers come last, unpaired.
    for ours, theirs in zip_longest(quote_numbers, passage_numbers):
        if theirs is None:
            callouts.append(f"number differs: quote has '{ours}', source does not")
        elif ours is None:
            callouts.append(f"number differs: source has '{theirs}', quote does not")
        else:
            callouts.append(f"number differs: quote has '{ours}', source has '{theirs}'")
    quote_negations = find_negations(quote)
    passage_negations = find_negations(passage)
    callouts += [
        f"negation differs: quote has '{w}'" for w in _only_in(quote_negations, passage_negations)
    ]
    callouts += [
        f"negation differs: source has '{w}'" for w in _only_in(passage_negations, quote_negations)
    ]
    return tuple(callouts)


def _only_in(items: list[str], others: list[str]) -> list[str]:
    """Return items not matched one-for-one in others, in their original order."""
    spare = Counter(others)
    left: list[str] = []
    for item in items:
        if spare[item] > 0:
            spare[item] -= 1
        else:
            left.append(item)
    return left
