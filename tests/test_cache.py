"""The verdict cache: a check that remembers verdicts says exactly what a check without them says.

A changed source is matched afresh, a damaged cache is only a miss, and `--no-cache` leaves no
trace. Each test has an empty cache folder of its own (conftest's `cache_dir`).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from conftest import replace_in, run_cli

from site_gen.model import counts
from site_gen.verify.verdicts import Verdicts

QUOTED = "after a storm closed it for 36 hours"


def check(root: Path, *options: str) -> tuple[int, str]:
    """Run `check` as an editor would; return its exit code and its JSON report."""
    done = run_cli("check", "--root", root, "--format", "json", *options)
    return done.returncode, done.stdout


def test_a_warm_check_reports_exactly_what_a_cold_one_does(sample: Path, cache_dir: Path) -> None:
    # A quote with one number altered: the report has something to say.
    replace_in(sample / "facts/events.yml", "closed it for 36 hours", "closed it for 38 hours")
    cold = check(sample)
    assert list(cache_dir.rglob("*.json")), "the first check remembered nothing"
    assert cold[0] == 1 and '"quote-not-found"' in cold[1]
    assert check(sample) == cold
    assert check(sample, "--no-cache") == cold


def test_a_changed_source_is_matched_afresh(sample: Path) -> None:
    assert check(sample)[0] == 0  # Every quote matches, and the cache now says so.
    source = sample / "seeds/harbour.txt"
    old = hashlib.sha256(source.read_bytes()).hexdigest()
    replace_in(source, QUOTED, "after a storm closed it for 40 hours")
    new = hashlib.sha256(source.read_bytes()).hexdigest()
    replace_in(sample / "seeds/sources.yml", old, new)  # Pinned again, as after a re-download.
    code, report = check(sample)
    assert code == 1 and '"quote-not-found"' in report and '"fact": "bridge-reopens"' in report


def test_a_damaged_cache_is_only_a_miss(sample: Path, cache_dir: Path) -> None:
    replace_in(sample / "facts/events.yml", "closed it for 36 hours", "closed it for 38 hours")
    first = check(sample)
    (bucket,) = cache_dir.rglob("*.json")  # The sample has one source.
    digest = hashlib.sha256((sample / "seeds/harbour.txt").read_bytes()).hexdigest()
    quote = f"3:{QUOTED}"
    damaged = [
        '{"half a',
        "[1, 2]",
        json.dumps({digest: {quote: {"reason": "no such reason", "detail": ""}}}),
        json.dumps({digest: {quote: [[1]]}}),
        json.dumps({digest: {quote: [["one", "two"]]}}),
        json.dumps({digest: ["not", "a", "mapping"]}),
    ]
    for text in damaged:
        bucket.write_text(text, encoding="utf-8")
        assert check(sample) == first, text


def test_no_cache_writes_nothing(sample: Path, cache_dir: Path) -> None:
    assert check(sample, "--no-cache")[0] == 0
    assert list(cache_dir.iterdir()) == []


def test_verdicts_made_with_other_qualifiers_are_not_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A qualifier before a number cuts a quote, so a verdict depends on the qualifier list too:
    # one made before "above" was a qualifier would still pass "8,000" of "above 8,000".
    before = Verdicts(tmp_path).folder
    edited = tmp_path / "counts.py"
    source = Path(counts.__file__).read_text(encoding="utf-8")
    edited.write_text(source.replace('"above",', ""), encoding="utf-8")
    assert edited.read_text(encoding="utf-8") != source
    monkeypatch.setattr(counts, "__file__", str(edited))
    assert Verdicts(tmp_path).folder != before
