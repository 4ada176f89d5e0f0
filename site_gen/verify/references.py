"""Rules between records: references resolve to the right kind, sources match their pins,
and no two facts go by the same title."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import replace
from types import MappingProxyType

from site_gen.errors import Location, Problem, Severity
from site_gen.model import Fact, Organization, Person, Place, Site, Source, Statement, schema
from site_gen.model.titles import title, title_key

# For each referencing key, the kinds of fact it may name (empty: any kind).
_REF_KINDS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        f.name: f.ref_kinds
        for fields in (
            schema.COMMON,
            schema.FIGURE_VALUE,
            schema.SITE,
            *schema.KIND_FIELDS.values(),
        )
        for f in fields
        if f.type in (schema.Type.REF, schema.Type.REFS)
    }
)
_WORD = re.compile(r"\w+")


def did_you_mean(
    name: str, known: Iterable[str], names: Mapping[str, Iterable[str]] | None = None
) -> str:
    """Return a hint naming the closest known ids, or an empty string.

    When no id is close, an editor has often typed a name instead ('tokayev'), so each word of
    the names in `names` (id -> names and aliases) is tried too, more strictly.
    """
    close = difflib.get_close_matches(name, list(known), n=3, cutoff=0.6)
    if not close and names:
        close = [ident for ident, labels in names.items() if _names_match(name, labels)][:3]
    if not close:
        return ""
    return "did you mean " + " or ".join(f"'{c}'" for c in close) + "?"


def _names_match(ref: str, labels: Iterable[str]) -> bool:
    """Tell whether `ref` is close to a whole name or to one word of a name, as slugs."""
    words: list[str] = []
    for label in labels:
        slug = "-".join(_WORD.findall(label.lower()))
        words += [slug, *slug.split("-")]
    return bool(difflib.get_close_matches(ref, words, n=1, cutoff=0.8))


def _fact_names(site: Site) -> dict[str, tuple[str, ...]]:
    """Return the name and aliases of every named fact (people, organizations, places)."""
    return {
        fact.id: (fact.name, *fact.aliases)
        for fact in site.facts.values()
        if isinstance(fact, Person | Organization | Place)
    }


def check_reference(
    site: Site, ref: str, key: str, location: Location, fact: str | None
) -> Problem | None:
    """Return the problem with one reference, if any."""

    def problem(code: str, which: str, hint: str) -> Problem:
        return Problem(code, f"'{key}' names '{ref}', which {which}", location, fact, hint)

    target = site.facts.get(ref)
    if target is None and ref in site.drafts:
        return problem(
            "draft-reference",
            "is a draft",
            "publish it (remove 'draft: true') or leave it out here",
        )
    referrer = site.facts.get(fact or "")
    if target is not None and target.draft and not (referrer is not None and referrer.draft):
        # Only the preview shows drafts: it warns of what `build` will refuse.
        warning = problem("draft-reference", "is a draft", "`build` refuses it: publish it first")
        return replace(warning, severity=Severity.WARNING)
    if site.unread(ref):
        return None  # Its own problem is reported; fixing it may well make this one go away.
    if target is None:
        hint = (
            did_you_mean(ref, site.facts, _fact_names(site))
            or "add a fact with this id or fix the spelling"
        )
        return problem("unknown-reference", "is not a fact", hint)
    kinds = _REF_KINDS.get(key, ())
    if kinds and target.kind not in kinds:
        takes = " or ".join(_a(kind) for kind in kinds)
        return problem("wrong-reference-kind", f"is {_a(target.kind)}", f"'{key}' takes {takes}")
    return None


def check_settings_references(site: Site) -> Iterator[Problem]:
    """Every id the settings mention must name a fact of a fitting kind."""
    for key in ("summary", "key_figures"):
        for index, ref in enumerate(getattr(site.settings, key)):
            location = site.settings.at(f"{key}[{index}]")
            if problem := check_reference(site, ref, key, location, None):
                yield problem


def fact_reference_problems(site: Site, fact: Fact) -> Iterator[Problem]:
    """Every id a fact mentions must name another fact, of a fitting kind."""
    for path, ref in fact.references():
        location = fact.at(path)
        key = path.split(".")[-1].split("[")[0]  # 'values[0].reported_by' -> 'reported_by'
        problem = check_reference(site, ref, key, location, fact.id)
        if problem is None and ref == fact.id:
            problem = Problem(
                "self-reference", f"'{path}' names the fact itself", location, fact.id, "remove it"
            )
        if problem:
            yield problem


def check_registry(sources: Iterable[Source]) -> Iterator[Problem]:
    """Pins must match the files, every metadata field must say where it came from, and each
    text is one source: under two entries, with two publishers, it would read as two voices."""
    first_with: dict[str, Source] = {}
    for source in sources:
        if source.actual_sha256 and source.text:
            first = first_with.setdefault(source.actual_sha256, source)
            if first is not source:
                yield Problem(
                    "duplicate-source-text",
                    f"source '{source.id}' has the same text as '{first.id}' ({first.file}); "
                    "citations of either count as one voice",
                    source.at("file"),
                    hint=f"cite '{first.id}' and remove this entry",
                    severity=Severity.WARNING,
                )
        if source.changed:
            yield Problem(
                "source-changed",
                f"source '{source.id}': {source.file} no longer matches its sha256 pin "
                f"(file is {source.actual_sha256})",
                source.at("sha256"),
                hint="restore the original file, since sources are never edited; "
                "pin a new source only when adding it",
            )
        for key in schema.METADATA_FIELDS:
            value = getattr(source, key)
            if value and key not in source.evidence and key not in source.editorial:
                yield Problem(
                    "metadata-unbacked",
                    f"source '{source.id}': '{key}' has neither evidence nor an editorial note",
                    source.at(key),
                    hint=f"add evidence.{key} (a verbatim passage) or editorial.{key} (why)",
                )
            if not value and key in source.evidence:
                yield Problem(
                    "metadata-evidence-unused",
                    f"source '{source.id}': evidence.{key} is given but '{key}' is not set",
                    source.at(f"evidence.{key}"),
                    hint=f"set '{key}' or remove the evidence",
                )


def duplicate_titles(site: Site) -> Iterator[Problem]:
    """Warn of each fact whose title an earlier fact already has.

    Lists and search results show facts by title, so two alike leave a reader guessing which
    is which; a statement's title is its speaker and `about`, or its speaker and date.
    """
    first: dict[str, Fact] = {}
    for fact in site.facts.values():
        name = title(site.facts, fact)
        earlier = first.setdefault(name, fact)
        if earlier is fact:
            continue
        key = title_key(fact)
        if isinstance(fact, Statement) and not fact.about:
            hint = "add 'about' to say what the claim is about"
        else:
            hint = f"give '{key}' words that tell the two apart"
        yield Problem(
            "duplicate-title",
            f"its title '{name}' is also the title of fact '{earlier.id}' "
            f"({earlier.at(title_key(earlier))})",
            fact.at(key),
            fact.id,
            hint,
            Severity.WARNING,
        )


def _a(noun: str) -> str:
    """Return a noun with its indefinite article: 'an event', 'a person'."""
    return f"{'an' if noun[0] in 'aeiou' else 'a'} {noun}"
