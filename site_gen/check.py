"""Load and check a site: references, source pins, every quote, and every number."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from decimal import Decimal
from functools import partial

from site_gen import cache, collector, suggest, validate
from site_gen.config import Config
from site_gen.coverage import coverage_problems, site_coverage
from site_gen.errors import Problem, Severity
from site_gen.fact_problems import ByFact, FactCheck, problems_by_fact
from site_gen.loader import load_site
from site_gen.model import Citation, Fact, Figure, Person, Site, Source, Span, source_texts
from site_gen.numbers import as_decimal, claimed_numbers, numbers_in
from site_gen.quotes import QUOTE_MIN_WORDS, Match, Miss, Normalized, Reason, normalize
from site_gen.verdicts import Matcher, Wanted

log = logging.getLogger(__name__)

# Boilerplate and metadata evidence are often a word or two ("Related Articles", "GulfToday").
PASSAGE_MIN_WORDS = 1

_REASON_HINTS = {
    Reason.TOO_SHORT: "quote at least three words, so the passage is unambiguous",
    Reason.NOT_FOUND: "copy the passage verbatim from the source",
    Reason.FRAGMENT_TOO_SHORT: "give each part between '...' at least two words",
    Reason.FRAGMENT_ORDER: "keep the parts in source order, each within 300 characters of the last",
    Reason.OMITTED_NUMBER: "quote the omitted part too: it holds a number",
    Reason.OMITTED_NEGATION: "quote the omitted part too: it holds a negation",
}


@contextmanager
def phase(timings: dict[str, float], name: str) -> Iterator[None]:
    """Time one phase of a command into `timings`, and show it with `-v`."""
    started = time.perf_counter()
    yield
    timings[name] = time.perf_counter() - started
    log.debug("%-6s %.3f s", name, timings[name])


def check(
    config: Config, timings: dict[str, float] | None = None
) -> tuple[Site | None, list[Problem]]:
    """Load and check a site root; return the model and every problem, sorted."""
    timings = {} if timings is None else timings
    with phase(timings, "load"):
        site, problems = load_site(config)
    with phase(timings, "check"):
        if site is not None:
            problems += check_site(site)
            target = site.settings.coverage_target
            if target > 0:  # A site that sets no target pays nothing for measuring.
                problems += coverage_problems(site_coverage(site), target)
    if config.strict:
        problems = [replace(p, severity=Severity.ERROR) for p in problems]
    return site, sorted(problems, key=Problem.sort_key)


def check_site(site: Site) -> list[Problem]:
    """Return every problem in the site, in file order; fills in citation spans on the way."""
    with collector.paused():
        return _check_site(site)


def _check_site(site: Site) -> list[Problem]:
    problems = validate.check_registry(site.sources.values())
    targets = validate.reference_targets(site)
    references.depend_on(targets)
    citations.depend_on(source_texts(site.sources))
    origin = site.origins.get
    # What this process checked before (a preview) is known; the cache or all cores do the rest.
    unknown = [
        fact
        for fact in site.facts.values()
        if not (own.knows(fact, origin(fact.id)) and references.knows(fact, origin(fact.id)))
    ]
    # When it knows them all (a preview after an edit of a source or the theme), neither the
    # cache nor the digest of every id is needed.
    own_found: ByFact = {}
    references_found: ByFact = {}
    if unknown:
        own_found, references_found = problems_by_fact(
            site,
            unknown,
            [
                FactCheck("OwnProblems", _own_problems),
                FactCheck(
                    "ReferenceProblems",
                    partial(validate.fact_reference_problems, site),
                    cache.key(repr(targets)),
                ),
            ],
        )
    for fact in site.facts.values():
        problems += references.of(fact, origin(fact.id), _lookup(references_found))
    problems += validate.check_settings_references(site)
    matcher = Matcher(site.sources)
    matcher.prefetch(_quotes(site, matcher))
    for source in site.sources.values():
        if source.id in matcher.sources:
            problems += passages.of(source, matcher)
    of_citations = partial(_citation_problems, site, matcher)
    for fact in site.facts.values():
        problems += citations.of(fact, origin(fact.id), of_citations)
        problems += own.of(fact, origin(fact.id), _lookup(own_found))
    for by_origin in (own, references, citations):
        by_origin.keep_only(site.origins)
    passages.keep_only(site.sources)
    matcher.save()
    return sorted(problems, key=Problem.sort_key)


def _lookup(found: ByFact) -> Callable[[Fact], list[Problem]]:
    """Return a check that looks a fact's problems up among those found for every fact."""
    return lambda fact: found[fact.id]


def _quotes(site: Site, matcher: Matcher) -> Iterator[Wanted]:
    """Yield every passage and quote that the check below matches against its own source, but
    for those this process has already matched and kept (a preview)."""
    for source_id, source in matcher.sources.items():
        if not passages.knows(source):
            for quote in (*source.evidence.values(), *source.ignore):
                yield quote, source_id, PASSAGE_MIN_WORDS
    for fact in site.facts.values():
        if citations.knows(fact, site.origins.get(fact.id)):
            continue
        for citation in fact.citations:
            if citation.source in matcher.sources:
                yield citation.quote, citation.source, QUOTE_MIN_WORDS


class _ByOrigin:
    """Problems of each fact, by the bytes it was read from, for as long as what else they
    depend on stays the same.

    A fact read from the same bytes as in the last check has the same ones, so a preview's
    rebuild re-checks only the facts of the files that changed. Each fact is keyed by its
    file's key and its id; a fact of unknown origin is always checked. A check that fills in
    the fact itself (the spans of its quotes) is only skipped for the very fact it filled in:
    the loader hands out the same one while the source texts stay the same.
    """

    def __init__(self, fills_in: bool = False) -> None:
        # By file key, then by fact id.
        self.known: dict[str, dict[str, tuple[Fact, list[Problem]]]] = {}
        self.depends: object = None
        self.fills_in = fills_in

    def depend_on(self, depends: object) -> None:
        """Forget every fact's problems when what else they depend on changed."""
        if depends != self.depends:
            self.known, self.depends = {}, depends

    def knows(self, fact: Fact, origin: str | None) -> bool:
        """Tell whether of() would return the fact's problems without checking it."""
        return self._found(fact, origin) is not None

    def of(
        self, fact: Fact, origin: str | None, check: Callable[[Fact], list[Problem]]
    ) -> list[Problem]:
        found = self._found(fact, origin)
        if found is not None:
            return found
        problems = check(fact)
        if origin:
            self.known.setdefault(origin, {})[fact.id] = (fact, problems)
        return problems

    def _found(self, fact: Fact, origin: str | None) -> list[Problem] | None:
        found = self.known.get(origin, {}).get(fact.id) if origin else None
        if found is None or (self.fills_in and found[0] is not fact):
            return None
        return found[1]

    def keep_only(self, origins: dict[str, str]) -> None:
        """Forget the files that are gone or changed, so memory stays bounded."""
        live = set(origins.values())
        self.known = {origin: known for origin, known in self.known.items() if origin in live}


class _Passages:
    """The spans of each source's evidence and ignored passages, for as long as the source reads
    the same (a preview's rebuild), so that its passages are not matched again.

    Only sources whose passages were all found are kept: the others are checked every time.
    """

    def __init__(self) -> None:
        self.known: dict[str, tuple[object, dict[str, tuple[Span, ...]], tuple[Span, ...]]] = {}

    def knows(self, source: Source) -> bool:
        """Tell whether of() would fill in the source's spans without matching its passages."""
        found = self.known.get(source.id)
        return found is not None and found[0] == _passages_key(source)

    def of(self, source: Source, matcher: Matcher) -> list[Problem]:
        """Return check_passages(source, matcher), filling in the source's spans."""
        if self.knows(source):
            _, evidence, ignored = self.known[source.id]
            source.evidence_spans, source.ignore_spans = dict(evidence), ignored
            return []
        problems = check_passages(source, matcher)
        if not problems:
            spans = (dict(source.evidence_spans), source.ignore_spans)
            self.known[source.id] = (_passages_key(source), *spans)
        return problems

    def keep_only(self, sources: dict[str, Source]) -> None:
        """Forget the sources that are gone, so memory stays bounded."""
        self.known = {sid: found for sid, found in self.known.items() if sid in sources}


def _own_problems(fact: Fact) -> list[Problem]:
    """Return the problems a fact has on its own: numbers and roles not quoted."""
    problems = check_numbers(fact)
    if isinstance(fact, Person):
        problems += check_roles(fact)
    return problems


def _passages_key(source: Source) -> tuple[object, ...]:
    """Return what a source's passages are matched against, and what they are."""
    return (source.text, tuple(source.evidence.items()), source.ignore)


def _citation_problems(site: Site, matcher: Matcher, fact: Fact) -> list[Problem]:
    """Return the problems of a fact's quotes; fills in the spans of those found."""
    found = (check_citation(site, matcher, citation, fact.id) for citation in fact.citations)
    return [problem for problem in found if problem]


# One of each per process: a preview server checks again and again.
own = _ByOrigin()
references = _ByOrigin()
citations = _ByOrigin(fills_in=True)
passages = _Passages()


def check_passages(source: Source, matcher: Matcher) -> list[Problem]:
    """Evidence passages and ignored spans must be found in the source like quotes."""
    problems: list[Problem] = []
    ignored: list[tuple[int, int]] = []
    wanted = [(f"evidence.{key}", quote) for key, quote in source.evidence.items()]
    wanted += [(f"ignore[{i}]", quote) for i, quote in enumerate(source.ignore)]
    for key, quote in wanted:
        found = matcher.match(quote, source.id, min_words=PASSAGE_MIN_WORDS)
        if isinstance(found, Miss):
            problems.append(
                Problem(
                    f"passage-{found.reason.value}",
                    f"source '{source.id}': {key} is not in {source.file} ({found.detail})",
                    source.at(key),
                    hint=_REASON_HINTS[found.reason],
                    detail=closest_detail(quote, source, matcher.text(source.id)),
                )
            )
        elif key.startswith("evidence."):
            source.evidence_spans[key.removeprefix("evidence.")] = found.spans
        else:
            ignored.extend(found.spans)
    source.ignore_spans = tuple(sorted(ignored))
    return problems


def check_citation(site: Site, matcher: Matcher, citation: Citation, fact: str) -> Problem | None:
    """Verify one quote against its source and record its spans."""
    source = site.sources.get(citation.source)
    if source is None:
        hint = (
            validate.did_you_mean(citation.source, site.sources)
            or "use an id from seeds/sources.yml"
        )
        return Problem(
            "unknown-source", f"no source has id '{citation.source}'", citation.location, fact, hint
        )
    if source.id not in matcher.sources:
        return None  # The source text itself is missing or unreadable; that is reported once.
    found = matcher.match(citation.quote, source.id)
    if isinstance(found, Match):
        citation.spans = found.spans
        return None
    if found.reason is not Reason.TOO_SHORT:
        elsewhere = [
            sid
            for sid in matcher.sources
            if sid != source.id and isinstance(matcher.match(citation.quote, sid), Match)
        ]
        if elsewhere:
            return Problem(
                "quote-wrong-source",
                f"quote is not in source '{source.id}' but is in {_names(elsewhere)}",
                citation.location,
                fact,
                hint=f"change 'source' to '{elsewhere[0]}'",
            )
    return Problem(
        f"quote-{found.reason.value}",
        f"quote does not match source '{source.id}': {found.detail}",
        citation.location,
        fact,
        hint=_REASON_HINTS[found.reason],
        detail=closest_detail(citation.quote, source, matcher.text(source.id)),
    )


def _names(ids: list[str]) -> str:
    return " and ".join(f"'{sid}'" for sid in ids)


# The word-diff marks of closest_detail: [-only in the quote-] {+only in the source+}.
DIFF_MARK = re.compile(r"\[-(?P<deleted>.*?)-\]|\{\+(?P<inserted>.*?)\+\}")


def closest_detail(quote: str, source: Source, text: Normalized) -> tuple[str, ...]:
    """Show the closest passage of the source as a word diff, calling out numbers and negations."""
    found = suggest.closest_passage(quote, text)
    if found is None:
        return (f"no passage of seeds/{source.file} comes close",)
    line = source.text.count("\n", 0, found.start) + 1
    lines = [
        f"closest passage, seeds/{source.file}:{line}:",
        f"    {found.passage}",
        f"diff (quote -> source): {found.diff}",
    ]
    lines += [f"note: {callout}" for callout in found.callouts]
    return tuple(lines)


def check_numbers(fact: Fact) -> list[Problem]:
    """Every number in the text, and every figure value, must appear in the fact's quotes."""
    problems: list[Problem] = []
    claims = claimed_numbers(fact.text)
    # Most texts claim no number; their quotes need no reading.
    quoted = (
        {value for c in fact.citations for _, value in numbers_in(c.quote)} if claims else set()
    )
    for written, value in claims:
        if value not in quoted:
            problems.append(
                Problem(
                    "number-not-quoted",
                    f"text says {written}, but no quote of this fact contains that number",
                    fact.at("text"),
                    fact.id,
                    hint=f"correct the number or cite a passage that gives {written}",
                )
            )
    if isinstance(fact, Figure):
        for index, entry in enumerate(fact.values):
            own = {value for c in entry.sources for _, value in numbers_in(c.quote)}
            if as_decimal(entry.value) not in own:
                problems.append(
                    Problem(
                        "number-not-quoted",
                        f"value {entry.value} is not a number in this value's quotes "
                        f"(they give {_listing(own)})",
                        fact.at(f"values[{index}].value"),
                        fact.id,
                        hint="write the value exactly as the quote gives it",
                    )
                )
    return problems


def _listing(values: set[Decimal]) -> str:
    return ", ".join(sorted(str(v) for v in values)) or "no numbers"


def check_roles(person: Person) -> list[Problem]:
    """A role is shown as the sources give it, so it must appear in one of the person's quotes."""
    quoted = [normalize(c.quote).text.casefold() for c in person.citations]
    return [
        Problem(
            "role-not-quoted",
            f"role '{role}' is not in any quote of this person",
            person.at(f"roles[{index}]"),
            person.id,
            hint="write the role as a quote gives it, or cite a passage that gives it",
        )
        for index, role in enumerate(person.roles)
        if not any(normalize(role).text.casefold() in quote for quote in quoted)
    ]
