"""Where each passage a check found sits in its source: what the pages highlight and coverage
counts, kept beside the model rather than written into it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from site_gen.model import Citation, Source, Span


@dataclass(frozen=True)
class Located:
    """Where each passage found sits in its source: spans by source id and passage."""

    spans: Mapping[tuple[str, str], tuple[Span, ...]] = field(default_factory=dict)

    def of(self, citation: Citation) -> tuple[Span, ...]:
        """Return the spans of a citation's quote; none when it was not found."""
        return self.spans.get((citation.source, citation.quote), ())

    def ignored(self, source: Source) -> tuple[Span, ...]:
        """Return the spans of a source's boilerplate that coverage leaves out, in order."""
        return tuple(
            sorted(s for quote in source.ignore for s in self.spans.get((source.id, quote), ()))
        )
