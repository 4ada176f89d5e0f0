"""Match quotes against a site's sources, remembering each verdict by source text and quote."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from pathlib import Path
from typing import TypeGuard

from site_gen import cache, parallel
from site_gen.model import Source
from site_gen.quotes import QUOTE_MIN_WORDS, Match, Miss, Normalized, match, normalize

Verdict = Match | Miss
# One source's verdicts, by (quote, minimum words).
_Known = dict[tuple[str, int], Verdict]
# The verdicts of every source whose key starts with one hex digit, by source key.
_Bucket = dict[str, _Known]
# The buckets the last check of this process saved. A preview checks again and again, and
# unpickling the 16 buckets was 55 ms of each rebuild at 10,000 facts; a verdict depends only on
# a text and a quote, so every one kept is right for any later check with the same cache folder.
_kept: dict[tuple[Path, str], _Bucket] = {}
# A quote to match: (quote, source id, minimum words).
Wanted = tuple[str, str, int]
# Matching in forked processes pays once this many quotes have no verdict yet.
PARALLEL_QUOTES = 500


class Matcher:
    """Match quotes against the readable sources of one check.

    A verdict depends only on the source's text and the quote, so it is kept under both and
    reused by every later check that cites the same passage. A source is normalized only when
    one of its quotes has no verdict yet, or a miss needs its closest passage.

    Verdicts are stored in 16 buckets by the first hex digit of the source's key: one file per
    source made a cold check of 1,000 sources spend a third of its time creating files.
    """

    def __init__(self, sources: dict[str, Source]) -> None:
        self.sources = {sid: source for sid, source in sources.items() if source.text}
        self.store = cache.store("Verdicts")
        self._normalized: dict[str, Normalized] = {}
        self._keys: dict[str, str] = {}
        self._buckets: dict[str, _Bucket] = {}
        # The verdicts this check used, by source key: what is saved, so stale quotes drop out.
        self._used: dict[str, _Known] = {}
        self._changed: set[str] = set()

    def text(self, source_id: str) -> Normalized:
        """Return a source's normalized text, normalizing it on first use."""
        if source_id not in self._normalized:
            self._normalized[source_id] = normalize(self.sources[source_id].text)
        return self._normalized[source_id]

    def match(self, quote: str, source_id: str, min_words: int = QUOTE_MIN_WORDS) -> Verdict:
        """Return quotes.match(quote, source text, min_words=min_words), from memory if known."""
        key = self._key(source_id)
        verdict = self._bucket(key[0]).get(key, {}).get((quote, min_words))
        if verdict is None:
            verdict = match(quote, self.text(source_id), min_words=min_words)
            self._changed.add(key[0])
        self._used.setdefault(key, {})[(quote, min_words)] = verdict
        return verdict

    def prefetch(self, wanted: Iterable[Wanted]) -> None:
        """Match on every core the quotes that have no verdict yet, for match() to find.

        Normalizing sources and matching quotes was half of a check without a cache. Each
        source is normalized by one process only, which matches all of that source's quotes.
        """
        missing: dict[str, dict[tuple[str, int], None]] = {}
        known: dict[str, _Known] = {}
        for quote, source_id, min_words in wanted:
            given = known.get(source_id)
            if given is None:
                key = self._key(source_id)
                given = known[source_id] = self._bucket(key[0]).get(key, {})
            if (quote, min_words) not in given:
                missing.setdefault(source_id, {})[(quote, min_words)] = None
        workers = parallel.worker_count()
        if workers < 2 or sum(map(len, missing.values())) < PARALLEL_QUOTES:
            return  # match() finds these few as they come.
        calls = [
            partial(_match_all, list(quotes), self.sources[source_id].text)
            for source_id, quotes in missing.items()
        ]
        found = parallel.run_calls(calls, workers)
        for (source_id, quotes), verdicts in zip(missing.items(), found, strict=True):
            key = self._key(source_id)
            self._bucket(key[0]).setdefault(key, {}).update(zip(quotes, verdicts, strict=True))
            self._changed.add(key[0])

    def save(self) -> None:
        """Store every bucket that gained a verdict: its other sources' verdicts, and ours."""
        if self.store is None:
            return
        for digit in self._changed:
            ours = {key: known for key, known in self._used.items() if key[0] == digit}
            self._buckets[digit] = self._buckets[digit] | ours
            self.store.put(_bucket_name(digit), self._buckets[digit])
        self.store.keep_only({_bucket_name(digit) for digit in self._buckets})
        _kept.clear()
        _kept.update(
            {(self.store.folder, digit): bucket for digit, bucket in self._buckets.items()}
        )

    def _bucket(self, digit: str) -> _Bucket:
        if digit not in self._buckets:
            self._buckets[digit] = _stored(self.store, digit) if self.store else {}
        return self._buckets[digit]

    def _key(self, source_id: str) -> str:
        """Return the key of a source's text (a hex digest)."""
        if source_id not in self._keys:
            source = self.sources[source_id]
            # The loader's hash of the bytes spares hashing the text again.
            text = f"sha256:{source.actual_sha256}" if source.actual_sha256 else source.text
            self._keys[source_id] = cache.key(text)
        return self._keys[source_id]


def _match_all(quotes: list[tuple[str, int]], text: str) -> list[Verdict]:
    """Return the verdict of each (quote, minimum words) in one source's text."""
    normalized = normalize(text)
    return [match(quote, normalized, min_words=min_words) for quote, min_words in quotes]


def _stored(store: cache.Store, digit: str) -> _Bucket:
    """Return a bucket as this process's last check saved it, or else as the cache holds it."""
    kept = _kept.get((store.folder, digit))
    if kept is not None:
        return kept
    found = store.get(_bucket_name(digit))
    return found if _is_bucket(found) else {}


def _bucket_name(digit: str) -> str:
    return cache.key("verdicts", digit)


def _is_bucket(found: object) -> TypeGuard[_Bucket]:
    """Tell whether a cache entry has the shape of a bucket of verdicts."""
    return isinstance(found, dict) and all(
        isinstance(verdicts, dict)
        and all(isinstance(verdict, Match | Miss) for verdict in verdicts.values())
        for verdicts in found.values()
    )
