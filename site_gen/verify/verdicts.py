"""Quote verdicts, remembered by source text and quote, so an unchanged quote is matched once.

A verdict depends on nothing but the source's bytes, the quote, the minimum word count and the
matcher's code, so it can be kept across checks: in memory for a preview, and in a folder
outside the site root for every command (a pull request must never be able to plant one).
Each of 16 JSON files holds the verdicts of the sources whose sha256 starts with one hex digit:
a file per source made a cold check of 1,000 sources spend a third of its time creating files.
JSON, not pickle: a damaged or planted file can only be a miss, never run code.
"""

from __future__ import annotations

import contextlib
import hashlib
import inspect
import json
import logging
import os
import sys
from pathlib import Path
from typing import Any

from site_gen.model import Source, counts
from site_gen.publish.output import replace_file
from site_gen.verify import quotes
from site_gen.verify.quotes import Match, Miss, Normalized, Reason, match, normalize

log = logging.getLogger(__name__)

Verdict = Match | Miss
# One source's verdicts, by quote and minimum words ("3:quote").
_Known = dict[str, Verdict]
# Set SITE_GEN_CACHE=0 to keep verdicts in memory only; SITE_GEN_CACHE_DIR moves the folder.
SWITCH_VARIABLE = "SITE_GEN_CACHE"
FOLDER_VARIABLE = "SITE_GEN_CACHE_DIR"


def default_folder() -> Path | None:
    """Return where verdicts are kept between runs, or None when the cache is switched off."""
    if os.environ.get(SWITCH_VARIABLE, "").strip().lower() in ("0", "false", "no", "off"):
        return None
    if os.environ.get(FOLDER_VARIABLE):
        return Path(os.environ[FOLDER_VARIABLE])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "site-gen"


def _code_version() -> str:
    """Return a digest of the matcher's code, of the qualifiers it reads ("nearly" before a
    number cuts a quote) and of the Python version: verdicts depend on all three."""
    digest = hashlib.sha256(sys.version.encode())
    for module in (quotes, counts):
        digest.update(Path(inspect.getfile(module)).read_bytes())
    return digest.hexdigest()[:16]


class Verdicts:
    """Match quotes against sources, remembering every verdict; the CLI or a preview owns one."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder / f"verdicts-{_code_version()}" if folder else None
        # By source sha256: its verdicts, and its normalized text once a match needed it.
        self._known: dict[str, _Known] = {}
        self._loaded: set[str] = set()
        self._normalized: dict[str, Normalized] = {}
        # Verdicts this check used, by source sha256: what is saved, so stale quotes drop out.
        self._used: dict[str, _Known] = {}
        self._changed: set[str] = set()

    def match(self, quote: str, source: Source, min_words: int) -> Verdict:
        """Return quotes.match(quote, source.text, min_words=min_words), from memory if known."""
        key = _source_key(source)
        known = self._verdicts(key)
        name = f"{min_words}:{quote}"
        verdict = known.get(name)
        if verdict is None:
            verdict = known[name] = match(quote, self.normalized(source), min_words=min_words)
            self._changed.add(key[0])
        self._used.setdefault(key, {})[name] = verdict
        return verdict

    def normalized(self, source: Source) -> Normalized:
        """Return a source's normalized text, normalizing it on first use."""
        key = _source_key(source)
        if key not in self._normalized:
            self._normalized[key] = normalize(source.text)
        return self._normalized[key]

    def save(self) -> None:
        """Keep only what the last check used, and write the buckets that gained a verdict."""
        self._known = self._used
        self._normalized = {k: v for k, v in self._normalized.items() if k in self._used}
        if self.folder:
            for digit in sorted(self._changed):
                bucket = {k: v for k, v in self._read(digit).items() if k not in self._used}
                bucket |= {
                    key: {name: _encode(verdict) for name, verdict in known.items()}
                    for key, known in self._used.items()
                    if key[0] == digit
                }
                _write(self.folder / f"{digit}.json", bucket)
        self._used, self._changed = {}, set()

    def _verdicts(self, key: str) -> _Known:
        if key not in self._known and self.folder and key[0] not in self._loaded:
            self._loaded.add(key[0])
            for other, verdicts in self._read(key[0]).items():
                self._known.setdefault(other, {}).update(_decode(verdicts))
        return self._known.setdefault(key, {})

    def _read(self, digit: str) -> dict[str, Any]:
        """Return one bucket as stored, or nothing when it is missing or not one of ours."""
        assert self.folder is not None
        try:
            found = json.loads((self.folder / f"{digit}.json").read_bytes())
        except (OSError, ValueError):
            return {}
        return found if isinstance(found, dict) else {}


def _source_key(source: Source) -> str:
    return source.actual_sha256 or hashlib.sha256(source.text.encode()).hexdigest()


def _encode(verdict: Verdict) -> Any:
    if isinstance(verdict, Match):
        return [list(span) for span in verdict.spans]
    return {"reason": verdict.reason.value, "detail": verdict.detail}


def _decode(verdicts: object) -> _Known:
    """Return the verdicts of one stored source; anything malformed is left out (a miss)."""
    decoded: _Known = {}
    if not isinstance(verdicts, dict):
        return decoded
    for name, value in verdicts.items():
        with contextlib.suppress(TypeError, ValueError, KeyError):
            if isinstance(value, list):
                decoded[name] = Match(tuple((int(start), int(end)) for start, end in value))
            else:
                decoded[name] = Miss(Reason(value["reason"]), str(value["detail"]))
    return decoded


def _write(path: Path, data: object) -> None:
    """Write a bucket whole; a folder that cannot be written only costs time, so no error."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        replace_file(path, json.dumps(data, ensure_ascii=False, sort_keys=True).encode())
    except OSError as exc:
        log.debug("cache: cannot write %s: %s", path, exc)
