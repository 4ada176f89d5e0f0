"""How much of each source the facts and the lead cite, sentence by sentence."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from site_gen.errors import Problem, Severity
from site_gen.model import Site, Source, Span
from site_gen.verify.located import Located

# A sentence ends at . ! or ? (plus closing quotes or brackets) followed by space and a capital,
# digit or opening quote. Line breaks always end a sentence: headlines and captions have no stop.
_SENTENCE_END = re.compile(r"(?<=[.!?])([\"'”’)\]]*)[ \t]+(?=[\"'“‘(\[]?[A-Z0-9])")
# Abbreviations whose period does not end a sentence.
_ABBREVIATION = re.compile(
    r"\b(?:Mr|Mrs|Ms|Dr|St|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|No|U\.S)\.$"
)
# A sentence counts as cited, or ignored, when spans cover at least this share of its characters.
COVERED_SHARE = 0.5


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str
    line: int


@dataclass(frozen=True)
class SourceCoverage:
    """The sentences of one source that count, and which of them no fact cites."""

    source: Source
    sentences: tuple[Sentence, ...]
    uncited: tuple[Sentence, ...]

    @property
    def ratio(self) -> float:
        return 1 - len(self.uncited) / len(self.sentences) if self.sentences else 1.0


def split_sentences(text: str) -> list[Sentence]:
    """Split a source into sentences with their offsets and line numbers.

    Lines end at "\n" only, as check and `quote` count them: str.splitlines also ends one at
    U+2028 and a lone "\r", which would number every later line differently.
    """
    sentences: list[Sentence] = []
    offset = 0
    for number, line in enumerate(text.split("\n"), start=1):
        start = 0
        pieces = []
        for end_match in _SENTENCE_END.finditer(line):
            # Only the last few characters can hold an abbreviation: searching from the line's
            # start at every sentence end would take quadratic time on a long line.
            if _ABBREVIATION.search(line, max(0, end_match.start() - 6), end_match.start()):
                continue
            pieces.append((start, end_match.start() + len(end_match.group(1))))
            start = end_match.end()
        pieces.append((start, len(line.rstrip())))
        for begin, end in pieces:
            chunk = line[begin:end]
            stripped = chunk.strip()
            if any(ch.isalnum() for ch in stripped):
                lead = len(chunk) - len(chunk.lstrip())
                first = offset + begin + lead
                sentences.append(Sentence(first, first + len(stripped), stripped, number))
        offset += len(line) + 1
    return sentences


def _share(sentence: Sentence, spans: Iterable[Span], text: str) -> float:
    """Return the share of a sentence's non-space characters that the spans cover."""
    pieces = sorted((max(s, sentence.start), min(e, sentence.end)) for s, e in spans)
    covered = 0
    reached = sentence.start
    for start, end in pieces:
        start = max(start, reached)
        if start < end:
            covered += _visible(text[start:end])
            reached = end
    total = _visible(sentence.text)
    return covered / total if total else 1.0


def _visible(text: str) -> int:
    return len(text) - sum(ch.isspace() for ch in text)


def source_coverage(source: Source, cited: list[Span], ignore: tuple[Span, ...]) -> SourceCoverage:
    """Measure one source against the spans cited in it; identical sentences count once."""
    by_text: dict[str, list[Sentence]] = {}
    for sentence in split_sentences(source.text):
        ignored = _overlapping(ignore, sentence)
        if not ignored or _share(sentence, ignored, source.text) < COVERED_SHARE:
            by_text.setdefault(" ".join(sentence.text.split()), []).append(sentence)
    uncited = tuple(
        group[0]
        for group in by_text.values()
        if all(
            _share(sentence, _overlapping(cited, sentence), source.text) < COVERED_SHARE
            for sentence in group
        )
    )
    return SourceCoverage(source, tuple(group[0] for group in by_text.values()), uncited)


def _overlapping(spans: Iterable[Span], sentence: Sentence) -> list[Span]:
    return [s for s in spans if s[0] < sentence.end and s[1] > sentence.start]


def site_coverage(site: Site, located: Located) -> list[SourceCoverage]:
    """Measure every source by what the facts and the lead cite; citations are grouped by
    source once, not once per source."""
    cited: dict[str, list[Span]] = {source_id: [] for source_id in site.sources}
    for text in site.cited_texts():
        for citation in text.citations:
            if citation.source in cited:
                cited[citation.source].extend(located.of(citation))
    return [
        source_coverage(source, cited[source.id], located.ignored(source))
        for source in site.sources.values()
    ]


def coverage_problems(reports: list[SourceCoverage], target: float) -> list[Problem]:
    """Warn about each source whose share of cited sentences is below the target."""
    return [
        Problem(
            "low-coverage",
            f"source '{r.source.id}': facts cite {r.ratio:.0%} of its sentences, below {target:.0%} "
            f"({len(r.uncited)} uncited)",
            r.source.location,
            hint="run 'site-gen coverage' to list the uncited sentences",
            severity=Severity.WARNING,
        )
        for r in reports
        if r.ratio < target
    ]
