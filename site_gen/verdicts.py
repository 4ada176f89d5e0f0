"""Match quotes against a site's sources, remembering each verdict by source text and quote."""

from __future__ import annotations

from typing import TypeGuard

from site_gen import cache
from site_gen.model import Source
from site_gen.quotes import Match, Miss, Normalized, match, normalize

Verdict = Match | Miss
# One source's verdicts, by (quote, minimum words).
_Known = dict[tuple[str, int], Verdict]
# The verdicts of every source whose key starts with one hex digit, by source key.
_Bucket = dict[str, _Known]


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

    def match(self, quote: str, source_id: str, min_words: int = 3) -> Verdict:
        """Return quotes.match(quote, source text, min_words=min_words), from memory if known."""
        key = self._key(source_id)
        verdict = self._bucket(key[0]).get(key, {}).get((quote, min_words))
        if verdict is None:
            verdict = match(quote, self.text(source_id), min_words=min_words)
            self._changed.add(key[0])
        self._used.setdefault(key, {})[(quote, min_words)] = verdict
        return verdict

    def save(self) -> None:
        """Store every bucket that gained a verdict: its other sources' verdicts, and ours."""
        if self.store is None:
            return
        for digit in self._changed:
            ours = {key: known for key, known in self._used.items() if key[0] == digit}
            self.store.put(_bucket_name(digit), self._buckets[digit] | ours)
        self.store.keep_only({_bucket_name(digit) for digit in self._buckets})

    def _bucket(self, digit: str) -> _Bucket:
        if digit not in self._buckets:
            found = self.store.get(_bucket_name(digit)) if self.store else None
            self._buckets[digit] = found if _is_bucket(found) else {}
        return self._buckets[digit]

    def _key(self, source_id: str) -> str:
        """Return the key of a source's text (a hex digest)."""
        if source_id not in self._keys:
            source = self.sources[source_id]
            # The loader's hash of the bytes spares hashing the text again.
            text = f"sha256:{source.actual_sha256}" if source.actual_sha256 else source.text
            self._keys[source_id] = cache.key(text)
        return self._keys[source_id]


def _bucket_name(digit: str) -> str:
    return cache.key("verdicts", digit)


def _is_bucket(found: object) -> TypeGuard[_Bucket]:
    """Tell whether a cache entry has the shape of a bucket of verdicts."""
    return isinstance(found, dict) and all(
        isinstance(verdicts, dict)
        and all(isinstance(verdict, Match | Miss) for verdict in verdicts.values())
        for verdicts in found.values()
    )
