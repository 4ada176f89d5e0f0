"""Suggest the passage a failing quote was probably taken from; advice only, never a match."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from difflib import SequenceMatcher

from site_gen.quotes import Normalized, find_negations, find_numbers, normalize, strip_editorial

# Below this similarity a passage is noise, not a suggestion.
MIN_SCORE = 0.3
# Sentence windows cover quotes that span sentences; sliding windows this much shorter or longer
# than the quote give a short quote a tight passage, even with a word dropped or added.
_MAX_SENTENCES = 3
_SLACK = 2

# A word keeps its inner apostrophes, hyphens and number separators: "didn't", "5,135".
_WORD = re.compile(r"[^\W_]+(?:['.,-][^\W_]+)*")
_SENTENCE_END = re.compile(r"[.!?]")


@dataclass(frozen=True)
class Suggestion:
    start: int
    end: int
    passage: str
    score: float
    diff: str
    callouts: tuple[str, ...]


def closest_passage(quote: str, text: str | Normalized) -> Suggestion | None:
    """Return the source passage most like the quote, or None when nothing comes close."""
    source = text if isinstance(text, Normalized) else normalize(text)
    wanted = strip_editorial(quote)
    quote_words = _WORD.findall(wanted)
    words = [(found.start(), found.end()) for found in _WORD.finditer(source.text)]
    if not quote_words or not words:
        return None
    keys = [source.text[s:e].lower() for s, e in words]
    best = _best_window(keys, [word.lower() for word in quote_words], _sentences(source, words))
    if best is None:
        return None
    (first, last), score = best
    start, end = source.span(words[first][0], words[last - 1][1])
    passage_text = source.text[words[first][0] : words[last - 1][1]]
    passage_words = [source.text[s:e] for s, e in words[first:last]]
    return Suggestion(
        start=start,
        end=end,
        passage=source.original[start:end],
        score=score,
        diff=_diff(quote_words, passage_words),
        callouts=_callouts(wanted, passage_text),
    )


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
) -> tuple[tuple[int, int], float] | None:
    """Score candidate windows of words and return the best one with its score (ties: earliest)."""
    need = Counter(quote_keys)
    bounds: dict[tuple[int, int], float] = {}
    for i, (begin, _) in enumerate(sentences):
        for _, last in sentences[i : i + _MAX_SENTENCES]:
            shared = sum((Counter(keys[begin:last]) & need).values())
            bounds[begin, last] = _ratio(shared, last - begin, len(quote_keys))
    sizes = range(max(1, len(quote_keys) - _SLACK), min(len(keys), len(quote_keys) + _SLACK) + 1)
    for size in sizes:
        for window, shared in _sliding_shared(keys, need, size):
            bounds[window] = _ratio(shared, size, len(quote_keys))
    # The shared-word count bounds difflib's ratio from above, so the order below lets the
    # search stop as soon as no remaining window could beat the best score.
    matcher = SequenceMatcher(None, autojunk=False)
    matcher.set_seq2(quote_keys)
    best: tuple[tuple[int, int], float] | None = None
    for window, bound in sorted(bounds.items(), key=lambda item: (-item[1], item[0])):
        floor = MIN_SCORE if best is None else best[1]
        if bound < floor:
            break
        matcher.set_seq1(keys[window[0] : window[1]])
        score = matcher.ratio()
        if score < MIN_SCORE:
            continue
        if best is None or score > best[1] or (score == best[1] and window < best[0]):
            best = (window, score)
    return best


def _sliding_shared(
    keys: list[str], need: Counter[str], size: int
) -> list[tuple[tuple[int, int], int]]:
    """Count, for every window of size words, how many words it shares with the quote."""
    have: Counter[str] = Counter()
    shared = 0
    counts: list[tuple[tuple[int, int], int]] = []
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
            counts.append(((i - size + 1, i + 1), shared))
    return counts


def _ratio(shared: int, size: int, quote_size: int) -> float:
    return 2.0 * shared / (size + quote_size)


def _diff(quote_words: list[str], passage_words: list[str]) -> str:
    """Show the words the source has instead of the quote's: [-quote only-] {+source only+}."""
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
    callouts = [
        f"number differs: quote has '{ours}', source has '{theirs}'"
        for ours, theirs in zip(quote_numbers, passage_numbers, strict=False)
    ]
    paired = min(len(quote_numbers), len(passage_numbers))
    callouts += [
        f"number differs: quote has '{n}', source does not" for n in quote_numbers[paired:]
    ]
    callouts += [
        f"number differs: source has '{n}', quote does not" for n in passage_numbers[paired:]
    ]
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
