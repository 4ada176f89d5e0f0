"""Adding a source and quoting from it, as an editor does: `site-gen add-source` and `quote`."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from conftest import run_cli

from site_gen.sources.adding import find_date

ARTICLE = """\
Kazakh troops patrol Almaty as protests ease

ALMATY, Jan 10, 2022 (Reuters) - Kazakhstan's president said on Monday that order had been \
restored after days of unrest. “The situation has stabilised,” he told a video conference.

Russian-led troops will start to leave within days, officials said.
"""


def _article(tmp_path: Path, text: str = ARTICLE, name: str = "almaty.txt") -> Path:
    path = tmp_path / "incoming" / name
    path.parent.mkdir(exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _problem_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if "warning[" in line or "error[" in line]


def test_add_source_proposes_an_entry_backed_by_verbatim_passages(
    sample: Path, tmp_path: Path
) -> None:
    registry = sample / "seeds/sources.yml"
    before = registry.read_bytes()
    article = _article(tmp_path)
    result = run_cli("add-source", article, "--root", sample)
    assert result.returncode == 0, result.stderr
    assert (sample / "seeds/almaty.txt").read_bytes() == article.read_bytes()
    after = registry.read_bytes()
    assert after.startswith(before)
    entry = yaml.safe_load(after)[-1]
    assert entry.pop("sha256") in result.stdout
    assert entry == {
        "id": "reuters-2022-01-10",
        "file": "almaty.txt",
        "title": "Kazakh troops patrol Almaty as protests ease",
        "publisher": "Reuters",
        "date": "2022-01-10",
        "evidence": {
            "title": "Kazakh troops patrol Almaty as protests ease",
            "publisher": "(Reuters)",
            "date": "Jan 10, 2022",
        },
    }
    assert "- id: reuters-2022-01-10" in result.stdout
    assert "check that it is the publication date" in result.stderr
    check = run_cli("check", "--root", sample)
    assert check.returncode == 0, check.stderr
    # The new source is not cited yet; that is the only thing the check may mention.
    problems = _problem_lines(check.stderr)
    assert problems and all(
        "warning[low-coverage]: source 'reuters-2022-01-10'" in line for line in problems
    )


def test_add_source_leaves_out_what_the_text_does_not_state(sample: Path, tmp_path: Path) -> None:
    text = "Harbour ferry resumes\nThe ferry resumed on Tuesday, March 4, the operator said.\n"
    result = run_cli("add-source", _article(tmp_path, text, "ferry.txt"), "--root", sample)
    assert result.returncode == 0, result.stderr
    entry = yaml.safe_load((sample / "seeds/sources.yml").read_bytes())[-1]
    assert entry["id"] == "harbour-ferry-resumes"
    assert "date" not in entry and "publisher" not in entry
    assert entry["evidence"] == {"title": "Harbour ferry resumes"}
    assert "the first date in the text, 'March 4', has no year" in result.stderr
    assert "publisher: left out" in result.stderr
    check = run_cli("check", "--root", sample)
    assert check.returncode == 0, check.stderr


def test_add_source_refuses_a_different_file_of_the_same_name(sample: Path, tmp_path: Path) -> None:
    registry = (sample / "seeds/sources.yml").read_bytes()
    result = run_cli("add-source", _article(tmp_path, name="harbour.txt"), "--root", sample)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "error: seeds/harbour.txt already exists with other content; rename your file and try again"
    ]
    assert (sample / "seeds/sources.yml").read_bytes() == registry


def test_add_source_refuses_a_text_added_before(sample: Path, tmp_path: Path) -> None:
    article = _article(tmp_path)
    assert run_cli("add-source", article, "--root", sample).returncode == 0
    again = run_cli("add-source", article, "--root", sample)
    assert again.returncode == 2
    assert "already registered as 'reuters-2022-01-10'" in again.stderr


def test_add_source_refuses_text_that_is_not_utf8(sample: Path, tmp_path: Path) -> None:
    latin = tmp_path / "latin.txt"
    latin.write_bytes("Headline\nCaf\u00e9 owners protest\n".encode("latin-1"))
    result = run_cli("add-source", latin, "--root", sample)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"error: {latin}:2:4: invalid UTF-8 (byte 0xe9); save the file as UTF-8 first"
    ]
    assert not (sample / "seeds/latin.txt").exists()


def test_add_source_names_a_file_name_that_is_not_utf8(sample: Path, tmp_path: Path) -> None:
    """It used to blame the registry: "cannot append to seeds/sources.yml: it does not end in a
    block list"."""
    text = tmp_path / "b\udcff.txt"  # The byte 0xff, as Python reads a name that is not UTF-8.
    text.write_text("Headline\nOwners protest in the square today.\n", encoding="utf-8")
    result = run_cli("add-source", text, "--root", sample)
    assert result.returncode == 2
    assert "the file name is not UTF-8" in result.stderr
    assert "sources.yml" not in result.stderr


def test_add_source_refuses_a_bad_id(sample: Path, tmp_path: Path) -> None:
    result = run_cli("add-source", _article(tmp_path), "--root", sample, "--id", "Almaty News")
    assert result.returncode == 2
    assert "is not an id" in result.stderr
    assert not (sample / "seeds/almaty.txt").exists()


@pytest.mark.parametrize(
    ("text", "iso", "passage"),
    [
        ("Published January 31, 2022 in Almaty", "2022-01-31", "January 31, 2022"),
        ("Updated 31 January 2022.", "2022-01-31", "31 January 2022"),
        ("date: 2022-01-31", "2022-01-31", "2022-01-31"),
        ("ALMATY, Jan. 10, 2022 (Reuters)", "2022-01-10", "Jan. 10, 2022"),
        ("Posted SEPT 5 2021 by staff", "2021-09-05", "SEPT 5 2021"),
    ],
)
def test_dates_become_iso_with_their_passage(text: str, iso: str, passage: str) -> None:
    stated, _ = find_date(text)
    assert stated is not None and (stated.value, stated.passage) == (iso, passage)


@pytest.mark.parametrize("text", ["Nur-Sultan, Jan 10 (EFE)", "Mayor 5 said so", "May 2022"])
def test_no_date_without_a_year_or_a_day(text: str) -> None:
    assert find_date(text)[0] is None


def test_quote_prints_a_citation_that_passes_the_check(sample: Path) -> None:
    # A straight apostrophe finds the source's curly one; the citation keeps the source's.
    result = run_cli("quote", "gazette", "the city's transport office", "--root", sample)
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "    - source: gazette\n"
        '      quote: "Port Elin, March 3 (Gazette).- The harbour bridge reopened on Tuesday '
        'after a storm closed it for 36 hours, the city’s transport office said."\n'
    )
    (sample / "facts/pasted.yml").write_text(
        "- id: transport-office-says\n"
        "  kind: event\n"
        "  title: The transport office reports the reopening\n"
        '  date: "2025-03-03"\n'
        "  text: The transport office said the bridge had reopened.\n"
        "  sources:\n" + result.stdout,
        encoding="utf-8",
    )
    check = run_cli("check", "--root", sample, "--strict")
    assert check.returncode == 0, check.stderr
    assert "in 8 facts, 9 citations" in check.stderr


def test_quote_prints_each_passage_with_its_line(sample: Path) -> None:
    result = run_cli("quote", "gazette", "the bridge", "--root", sample)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "    # seeds/harbour.txt:3",
        "    - source: gazette",
        '      quote: "“The bridge is safe."',
        "    # seeds/harbour.txt:5",
        "    - source: gazette",
        '      quote: "The office proposed weekly inspections of the bridge."',
    ]


def test_quote_of_words_not_in_the_source_shows_the_closest_passage(sample: Path) -> None:
    result = run_cli("quote", "gazette", "the bridge collapsed", "--root", sample)
    assert result.returncode == 1
    assert result.stdout == ""
    assert "error: source 'gazette': the words are not verbatim" in result.stderr
    assert "closest passage, seeds/harbour.txt:3:" in result.stderr
    assert "[-collapsed-]" in result.stderr


def test_quote_from_an_unknown_source_is_a_usage_error(sample: Path) -> None:
    result = run_cli("quote", "gazete", "the bridge", "--root", sample)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "error: no source has id 'gazete'; did you mean 'gazette'?"
    ]
    # Nothing close: the ids to choose from, which a terminal does not show otherwise.
    result = run_cli("quote", "nosuch", "the bridge", "--root", sample)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "error: no source has id 'nosuch'; use an id from seeds/sources.yml: gazette"
    ]
