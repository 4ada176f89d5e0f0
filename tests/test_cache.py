"""The cache: a cached check says exactly what a fresh one says, and no entry can fool it."""

from __future__ import annotations

import io
import itertools
import json
import pickle
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import REPO, run_cli
from test_cli import replace_in

from site_gen import cache, fact_problems, loader, parallel, verdicts
from site_gen.build import check
from site_gen.config import Config
from site_gen.errors import Location, Problem
from site_gen.model import Figure

Write = Callable[[Path, str], Path]

# Errors of every stage: YAML, fields, ids, references, quotes (with a closest passage), numbers.
BROKEN_FACTS = """
- id: misquoted
  kind: event
  title: Misquoted
  date: "2025-03-04"
  text: The bridge reopened after 63 hours.
  sources:
    - source: gazette
      quote: The harbour bridge reopened on Tuesday after a storm closed it for 63 hours
- id: misquoted
  kind: event
  title: Duplicate
  dat: "2025-03-04"
  text: Someone named nobody.
  people: [nobody-at-all]
  sources:
    - source: gazete
      quote: Harbour bridge reopens after storm
"""


@pytest.fixture
def broken(sample: Path, write: Write) -> Path:
    """Return the sample with errors injected into a new facts file and a broken one."""
    write(sample / "facts/broken.yml", BROKEN_FACTS)
    write(sample / "facts/syntax.yml", "- id: [unclosed\n")
    return sample


def check_json(root: Path, *options: str) -> dict[str, object]:
    """Run `site-gen check --format json` in a fresh process; return its report."""
    result = run_cli("check", "--root", root, "--format", "json", *options)
    assert result.stderr == ""
    assert result.returncode in (0, 1)
    report: dict[str, object] = json.loads(result.stdout)
    return report


def cache_files(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*") if path.is_file())


def problems_of(root: Path) -> list[Problem]:
    _, problems = check(Config.for_root(root))
    return problems


@pytest.mark.parametrize("project", ["repo", "broken"])
def test_a_cached_check_reports_what_a_fresh_one_does(
    project: str, broken: Path, cache_dir: Path
) -> None:
    root = REPO if project == "repo" else broken
    fresh = check_json(root, "--no-cache")
    assert cache_files(cache_dir) == []
    cold = check_json(root)
    assert cache_files(cache_dir) != []
    warm = check_json(root)
    assert cold == fresh
    assert warm == fresh
    if project == "broken":
        assert fresh["ok"] is False


def test_memory_hands_out_fresh_objects_while_the_texts_change(broken: Path) -> None:
    # Read from disk, from the memory, then copied from what the memory held: from then on the
    # same copy, whose spans the last check filled in from the same texts.
    checks = [check(Config.for_root(broken)) for _ in range(4)]
    facts = [site.facts["bridge-reopens"] for site, _ in checks if site is not None]
    assert len(facts) == 4
    for (_, first), (_, problems) in itertools.pairwise(checks):
        assert problems == first
    assert facts[0] is not facts[1] and facts[0].sources[0] is not facts[1].sources[0]
    assert facts[1] is facts[2] is facts[3]
    assert all(fact.sources[0].spans for fact in facts)
    # Once a source reads otherwise, a fresh copy is handed out and its quotes checked again.
    text = broken / "seeds/harbour.txt"
    text.write_text(text.read_text(encoding="utf-8") + "\nOne line more.\n", encoding="utf-8")
    site, problems = check(Config.for_root(broken))
    assert site is not None
    fact = site.facts["bridge-reopens"]
    assert fact is not facts[3] and fact.sources[0] is not facts[3].sources[0]
    assert fact.sources[0].spans == facts[3].sources[0].spans != ()
    assert problems != checks[0][1]  # The pin no longer holds.


def test_a_copied_figure_owns_the_citations_of_its_values(sample: Path) -> None:
    site, _ = check(Config.for_root(sample))
    assert site is not None
    figure = next(fact for fact in site.facts.values() if isinstance(fact, Figure))
    copy = figure.copy()
    assert copy == figure and copy is not figure
    for value, copied in zip(figure.values, copy.values, strict=True):
        assert copied is not value
        assert all(a is not b for a, b in zip(value.sources, copied.sources, strict=True))


def test_a_changed_file_is_read_again(broken: Path) -> None:
    facts = broken / "facts/broken.yml"
    content = facts.read_text(encoding="utf-8")
    before = problems_of(broken)
    facts.write_text(content.replace("63 hours", "36 hours"), encoding="utf-8")
    after = problems_of(broken)
    assert [p.code for p in before if p.code == "quote-not-found"] == ["quote-not-found"]
    assert "quote-not-found" not in [p.code for p in after]
    facts.write_text(content, encoding="utf-8")
    assert problems_of(broken) == before


def test_a_changed_source_text_is_verified_again(broken: Path) -> None:
    text = broken / "seeds/harbour.txt"
    before = problems_of(broken)
    text.write_text(text.read_text(encoding="utf-8").replace("36 hours", "63 hours"))
    codes = [p.code for p in problems_of(broken)]
    assert "source-changed" in codes
    assert codes.count("quote-not-found") == 1  # The fixed quote now fails, the broken one not.
    assert [p.code for p in before].count("quote-not-found") == 1


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda data: data[: len(data) // 2], id="truncated"),
        pytest.param(lambda data: data[:-1] + bytes([data[-1] ^ 1]), id="flipped-bit"),
        pytest.param(lambda data: b"", id="empty"),
        pytest.param(lambda data: b"not a cache entry at all", id="garbage"),
    ],
)
def test_a_damaged_entry_is_a_miss(
    broken: Path, cache_dir: Path, damage: Callable[[bytes], bytes]
) -> None:
    fresh = check_json(broken, "--no-cache")
    check_json(broken)
    for path in cache_files(cache_dir):
        path.write_bytes(damage(path.read_bytes()))
    assert check_json(broken) == fresh
    assert check_json(broken) == fresh  # And the entries were written again.


def test_a_planted_entry_can_neither_run_code_nor_pass_the_check(
    broken: Path, cache_dir: Path, tmp_path: Path
) -> None:
    fresh = check_json(broken)
    witness = tmp_path / "pwned"
    # A valid checksum, as someone with write access to the cache could make it.
    evil = pickle.dumps(_Exploit(str(witness)))
    for path in cache_files(cache_dir):
        path.write_bytes(cache._MAGIC + cache._checksum(path.name, evil) + evil)
    assert check_json(broken) == fresh
    assert not witness.exists()


class _Exploit:
    """Unpickling this would create a file, if the unpickler allowed it."""

    def __init__(self, path: str) -> None:
        self.path = path

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return (open, (self.path, "w"))


def test_no_cache_writes_nothing(broken: Path, cache_dir: Path) -> None:
    check_json(broken, "--no-cache")
    assert run_cli("build", "--root", broken, "--no-cache").returncode == 1
    assert cache_files(cache_dir) == []


def test_the_switch_turns_the_cache_off(
    broken: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(cache.SWITCH_VARIABLE, "0")
    check_json(broken)
    problems_of(broken)
    assert cache_files(cache_dir) == []


def test_the_cache_lives_outside_the_site_root(broken: Path) -> None:
    before = sorted(broken.rglob("*"))
    check_json(broken)
    assert sorted(broken.rglob("*")) == before


def test_the_default_folder_follows_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(cache.FOLDER_VARIABLE)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache.default_folder() == tmp_path / "site-gen"
    monkeypatch.setenv(cache.FOLDER_VARIABLE, str(tmp_path / "elsewhere"))
    assert cache.default_folder() == tmp_path / "elsewhere"


def test_an_unwritable_cache_folder_is_no_error(
    broken: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("a file where the cache folder should be")
    monkeypatch.setenv(cache.FOLDER_VARIABLE, str(blocker / "cache"))
    with cache.disabled():
        expected = problems_of(broken)
    assert problems_of(broken) == expected


def test_parsing_and_checking_in_forked_processes_finds_the_same(
    broken: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with cache.disabled():
        serial = check(Config.for_root(broken))
        monkeypatch.setattr(loader, "PARALLEL_BYTES", 0)
        monkeypatch.setattr(verdicts, "PARALLEL_QUOTES", 0)
        monkeypatch.setattr(fact_problems, "PARALLEL_FACTS", 0)
        monkeypatch.setattr(parallel, "worker_count", lambda: 2)
        forked = check(Config.for_root(broken))
    assert forked == serial  # Problems, and the spans of every quote.


NAMED_BY_ID = """
- id: harbour-visit
  kind: event
  title: Harbour visit
  date: "2025-03-04"
  text: Someone visited the harbour.
  people: [ines-vale]
  sources:
    - source: gazette
      quote: The harbour bridge reopened on Tuesday after a storm closed it for 36 hours
"""

INES_VALE = """
- id: ines-vale
  kind: person
  name: Ines Vale
  text: Ines Vale reopened the harbour bridge.
  sources:
    - source: gazette
      quote: The harbour bridge reopened on Tuesday after a storm closed it for 36 hours
"""


def test_a_fact_added_elsewhere_settles_a_reference_of_an_unchanged_file(
    sample: Path, write: Write
) -> None:
    write(sample / "facts/visit.yml", NAMED_BY_ID)
    assert "unknown-reference" in [p.code for p in problems_of(sample)]
    write(sample / "facts/people.yml", INES_VALE)
    assert "unknown-reference" not in [p.code for p in problems_of(sample)]
    (sample / "facts/people.yml").unlink()
    assert "unknown-reference" in [p.code for p in problems_of(sample)]


def test_a_fact_no_longer_a_duplicate_is_checked_in_its_unchanged_file(
    sample: Path, write: Write
) -> None:
    # Both files say 63 hours where the quote says 36; the second's fact is a duplicate, and
    # the second file has a fact of its own, so its problems are known for that one alone.
    write(sample / "facts/a.yml", NAMED_BY_ID.replace("Someone visited", "63 hours after"))
    second = NAMED_BY_ID.replace("Someone visited", "63 hours, then")
    write(sample / "facts/b.yml", second + NAMED_BY_ID.replace("harbour-visit", "b-visit"))
    before = [(p.code, p.location.path) for p in problems_of(sample)]
    assert ("number-not-quoted", "facts/a.yml") in before
    assert ("duplicate-id", "facts/b.yml") in before
    write(sample / "facts/a.yml", NAMED_BY_ID.replace("harbour-visit", "other-visit"))
    after = [(p.code, p.location.path) for p in problems_of(sample)]
    assert ("number-not-quoted", "facts/b.yml") in after
    assert ("duplicate-id", "facts/b.yml") not in after


def test_a_location_comes_back_from_an_entry_as_a_location() -> None:
    where = Location("facts/a.yml", 3, 5)
    again = cache._Unpickler(io.BytesIO(pickle.dumps([where]))).load()
    assert again == [where]
    assert type(again[0]) is Location
    assert str(again[0]) == "facts/a.yml:3:5"


def test_a_sources_passages_are_matched_again_once_they_change(sample: Path) -> None:
    # Checks in one process keep the spans of a source's passages while it reads the same.
    registry = sample / "seeds/sources.yml"

    def spans() -> tuple[object, ...]:
        site, problems = check(Config.for_root(sample))
        assert site is not None and not any(p.is_error for p in problems)
        source = site.sources["gazette"]
        return source.ignore_spans, source.evidence_spans

    first = spans()
    assert spans() == first and first[0]
    replace_in(registry, "- Related Articles", "- The office proposed weekly inspections")
    moved = spans()
    assert moved[0] != first[0] and moved[1] == first[1]
    replace_in(registry, "publisher: March 3 (Gazette)", "publisher: (Gazette)")
    assert spans()[1] != first[1]


def test_a_process_keeps_the_verdicts_it_saved_for_the_same_cache_folder(
    sample: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    site, _ = check(Config.for_root(sample))
    assert site is not None
    quote = "The office proposed weekly inspections"
    read: list[str] = []
    get = cache.Store.get

    def counted(store: cache.Store, name: str) -> object:
        if store.folder.name == "Verdicts":
            read.append(name)
        return get(store, name)

    monkeypatch.setattr(cache.Store, "get", counted)

    def matched() -> object:
        matcher = verdicts.Matcher(site.sources)
        verdict = matcher.match(quote, "gazette")
        matcher.save()
        return verdict

    first = matched()
    read.clear()
    assert matched() == first
    assert read == []  # Kept from the last check of this process: nothing unpickled.
    monkeypatch.setenv("SITE_GEN_CACHE_DIR", str(tmp_path / "other-cache"))
    assert matched() == first
    assert read  # Another cache folder: its own buckets.
