"""Remember the problems each fact has apart from its quotes, by the facts file it was read from.

A fact's own problems (numbers and roles that its quotes do not give) depend on nothing but the
fact, and its reference problems only on the fact and on the ids, kinds and names of all facts.
The fact depends on nothing but the bytes of its file, so each check keeps these problems in the
cache by the file's key: a check of unchanged files reads 20 small entries instead of working
out 10,000 facts' problems, and the facts whose problems are not known are checked on every
core.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from itertools import chain
from typing import TypeGuard

from site_gen import cache, parallel
from site_gen.errors import Problem
from site_gen.model import Fact, Site

# Problems by fact id.
ByFact = dict[str, list[Problem]]
# Checking in forked processes pays once this many facts have no known problems.
PARALLEL_FACTS = 2000


@dataclass(frozen=True)
class FactCheck:
    """One check of single facts, with what its problems depend on beside the fact."""

    # The cache store its problems are kept in.
    kind: str
    check: Callable[[Fact], list[Problem]]
    # A digest of everything else the problems depend on ("" for nothing).
    depends: str = ""


def problems_by_fact(
    site: Site, facts: Iterable[Fact], checks: Sequence[FactCheck]
) -> list[ByFact]:
    """Return, for each check, the problems of the facts given (a preview knows the others'):
    from the cache where the fact's file is unchanged, otherwise by checking its facts (in
    forked processes when there are many)."""
    by_origin: dict[str, list[Fact]] = {}
    for fact in facts:
        by_origin.setdefault(site.origins.get(fact.id, ""), []).append(fact)
    found: list[ByFact] = [{} for _ in checks]
    stores = [cache.store(check.kind) for check in checks]
    missing: list[tuple[int, str]] = []
    for index, (check, store) in enumerate(zip(checks, stores, strict=True)):
        for origin, facts in by_origin.items():
            known = store.get(_name(check, origin)) if store and origin else None
            if _covers(known, facts):
                found[index] |= known
            else:
                missing.append((index, origin))
    calls = [
        partial(_check_all, checks[index].check, by_origin[origin]) for index, origin in missing
    ]
    many = sum(len(by_origin[origin]) for _, origin in missing) >= PARALLEL_FACTS
    results = parallel.run_calls(calls, parallel.worker_count() if many else 1)
    for (index, origin), problems in zip(missing, results, strict=True):
        found[index] |= problems
        store = stores[index]
        if store and origin:
            store.put(_name(checks[index], origin), problems)
    origins = {origin for origin in site.origins.values() if origin}
    for check, store in zip(checks, stores, strict=True):
        if store:
            store.keep_only({_name(check, origin) for origin in origins})
    return found


def _check_all(check: Callable[[Fact], list[Problem]], facts: list[Fact]) -> ByFact:
    return {fact.id: check(fact) for fact in facts}


def _name(check: FactCheck, origin: str) -> str:
    return cache.key(check.kind, origin, check.depends)


def _covers(known: object, facts: list[Fact]) -> TypeGuard[ByFact]:
    """Tell whether a cache entry has the shape of problems by fact and holds every fact's.

    An entry may lack a fact that an earlier check dropped as a duplicate of another file's.
    Most facts have no problems, so the test runs over the ids and the lists in C.
    """
    return (
        isinstance(known, dict)
        and all(map(known.__contains__, (fact.id for fact in facts)))
        and set(map(type, known.values())) <= {list}
        and all(isinstance(problem, Problem) for problem in chain.from_iterable(known.values()))
    )
