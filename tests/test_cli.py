"""The command line as users run it: exit codes, messages with locations, machine formats."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import REPO, replace_in, run_cli


def test_check_passes_on_the_sample(sample: Path) -> None:
    result = run_cli("check", "--root", sample, "--strict")
    assert result.returncode == 0, result.stderr
    assert "check ok: 0 errors, 0 warnings in 7 facts, 8 citations, 1 source" in result.stderr


def test_misquote_names_file_line_fact_and_closest_passage(sample: Path) -> None:
    replace_in(sample / "facts/events.yml", "closed it for 36 hours", "closed it for 38 hours")
    result = run_cli("check", "--root", sample)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert (
        "facts/events.yml:11:14: error[quote-not-found] fact 'bridge-reopens': quote does not match "
        "source 'gazette'"
    ) in result.stderr
    assert "closest passage, seeds/harbour.txt:2:" in result.stderr
    assert "'38'" in result.stderr and "'36'" in result.stderr
    # The text's right 36 is read once the quote is fixed: read against the misquote, it would
    # be reported as the number to correct.
    assert "number-not-quoted" not in result.stderr


def test_number_in_text_must_be_quoted(sample: Path) -> None:
    replace_in(sample / "facts/events.yml", "closed for 36 hours", "closed for 37 hours")
    result = run_cli("check", "--root", sample)
    assert result.returncode == 1
    assert (
        "facts/events.yml:6:9: error[number-not-quoted] fact 'bridge-reopens': text says 37, "
        "but no quote of this fact contains that number"
    ) in result.stderr


def test_lead_quote_not_in_its_source_names_site_yml_and_the_closest_passage(
    sample: Path,
) -> None:
    replace_in(sample / "site.yml", "About 1,200 vehicles crossed", "About 1,200 cars crossed")
    result = run_cli("check", "--root", sample)
    assert result.returncode == 1
    assert (
        "site.yml:12:16: error[quote-not-found]: quote does not match source 'gazette'"
        in result.stderr
    )
    assert "closest passage, seeds/harbour.txt:4:" in result.stderr
    assert "[-cars-] {+vehicles+}" in result.stderr


def test_number_in_a_lead_sentence_must_be_quoted(sample: Path) -> None:
    replace_in(sample / "site.yml", "and about 1,200 vehicles", "and about 1,300 vehicles")
    result = run_cli("check", "--root", sample)
    assert result.returncode == 1
    assert (
        "site.yml:7:11: error[number-not-quoted]: text says 1,300, "
        "but no quote of this sentence contains that number"
    ) in result.stderr


def test_figure_value_must_be_in_its_quote(sample: Path) -> None:
    replace_in(sample / "facts/more/entities.yml", "value: 1200", "value: 1300")
    result = run_cli("check", "--root", sample)
    assert result.returncode == 1
    assert "error[number-not-quoted] fact 'vehicles': value 1300 is not a number" in result.stderr


def test_quote_from_another_source_is_named(
    sample: Path, write: Callable[[Path, str], Path]
) -> None:
    write(sample / "seeds/other.txt", "A second article says the ferry kept running all night.\n")
    registry = sample / "seeds/sources.yml"
    import hashlib

    digest = hashlib.sha256((sample / "seeds/other.txt").read_bytes()).hexdigest()
    registry.write_text(
        registry.read_text(encoding="utf-8")
        + f'- id: other\n  file: other.txt\n  sha256: "{digest}"\n  title: Ferry\n'
        + "  editorial:\n    title: The text has no headline.\n",
        encoding="utf-8",
    )
    replace_in(
        sample / "facts/events.yml",
        "quote: The harbour bridge reopened on Tuesday after a storm closed it for 36 hours",
        "quote: the ferry kept running all night",
    )
    result = run_cli("check", "--root", sample)
    assert (
        "error[quote-wrong-source] fact 'bridge-reopens': quote is not in source 'gazette' but is in 'other'; change 'source' to 'other'"
        in result.stderr
    )


def test_a_statement_that_names_itself_as_speaker_is_an_error_not_a_traceback(
    sample: Path,
) -> None:
    """Its title is made from its speaker's: one that names itself recursed without end."""
    replace_in(sample / "facts/more/entities.yml", "speaker: mara-lind", "speaker: safe-claim")
    result = run_cli("check", "--root", sample)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "facts/more/entities.yml:18:12: error[" in result.stderr


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        # Passed check, then failed the build with a usage error (exit 2).
        (
            "site_url: https://x.org/brief/\nbase_url: /other/\n",
            "error[bad-url]: 'site_url' https://x.org/brief/ does not end in the base URL /other/",
        ),
        # A share above 1 could never be met; NaN turned the rule off.
        ("coverage_target: 100\n", "error[out-of-range]: 'coverage_target' is 100, but"),
        ("coverage_target: .nan\n", "error[out-of-range]: 'coverage_target' is nan, but"),
    ],
)
def test_settings_that_no_build_could_meet_fail_check_at_their_line(
    sample: Path, lines: str, expected: str
) -> None:
    with (sample / "site.yml").open("a", encoding="utf-8") as settings:
        settings.write(lines)
    result = run_cli("check", "--root", sample)
    assert result.returncode == 1
    assert re.search(r"site\.yml:\d+:\d+: " + re.escape(expected), result.stderr), result.stderr


def test_unknown_reference_suggests_the_closest_id(sample: Path) -> None:
    replace_in(sample / "facts/events.yml", "people: [mara-lind]", "people: [mara-lindt]")
    result = run_cli("check", "--root", sample)
    assert result.returncode == 1
    assert (
        "facts/events.yml:7:12: error[unknown-reference] fact 'bridge-reopens': 'people' names "
        "'mara-lindt', which is not a fact; did you mean 'mara-lind'?"
    ) in result.stderr


def test_changed_source_fails_its_pin_and_only_that(sample: Path) -> None:
    """A number changed in a source used to bring, first, an error for each quote that gave
    it, telling the editor to fix quotes that were right."""
    replace_in(sample / "seeds/harbour.txt", "36 hours", "38 hours")
    result = run_cli("check", "--root", sample)
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if "error[" in line]
    assert len(errors) == 1 and "seeds/sources.yml:3:11: error[source-changed]" in errors[0]


def test_yaml_syntax_error_shows_the_line_and_a_caret(sample: Path) -> None:
    replace_in(sample / "facts/events.yml", "  kind: event", "  kind: [event")
    result = run_cli("check", "--root", sample)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "facts/events.yml:3:" in result.stderr and "error[yaml-syntax]" in result.stderr
    assert "^" in result.stderr


def test_every_problem_is_reported_at_once(sample: Path) -> None:
    replace_in(sample / "facts/events.yml", "people: [mara-lind]", "people: [nobody-here]")
    replace_in(sample / "facts/more/entities.yml", "value: 1200", "value: 1201")
    replace_in(sample / "facts/more/entities.yml", "kind: place", "kind: planet")
    result = run_cli("check", "--root", sample)
    assert result.stderr.count("error[") == 3, result.stderr


def test_json_format(sample: Path) -> None:
    replace_in(sample / "facts/events.yml", "after a storm closed", "after the storm closed")
    result = run_cli("check", "--root", sample, "--format", "json")
    assert result.returncode == 1
    document = json.loads(result.stdout)
    assert document["ok"] is False
    assert document["stats"] == {"facts": 7, "citations": 8, "sources": 1}
    [error] = document["errors"]
    assert {k: error[k] for k in ("code", "file", "line", "column", "fact")} == {
        "code": "quote-not-found",
        "file": "facts/events.yml",
        "line": 11,
        "column": 14,
        "fact": "bridge-reopens",
    }
    assert document["warnings"] == []


def test_github_format(sample: Path) -> None:
    replace_in(sample / "facts/events.yml", "after a storm closed", "after the storm closed")
    result = run_cli("check", "--root", sample, "--format", "github")
    assert result.returncode == 1
    line = result.stdout.splitlines()[0]
    assert line.startswith(
        "::error file=facts/events.yml,line=11,col=14,title=quote-not-found::fact 'bridge-reopens': "
    )


def test_github_annotations_name_files_from_the_repository_root(sample: Path) -> None:
    """A workflow runs at the repository's root; a briefing may sit in a subfolder of it."""
    replace_in(sample / "facts/events.yml", "after a storm closed", "after the storm closed")
    annotated = run_cli("check", "--root", sample.name, "--format", "github", cwd=sample.parent)
    assert annotated.stdout.startswith(f"::error file={sample.name}/facts/events.yml,line=11,")
    text = run_cli("check", "--root", sample.name, cwd=sample.parent)
    assert text.stderr.startswith("facts/events.yml:11:14: error[quote-not-found]")


def uncite_the_inspections(sample: Path) -> None:
    """Cut the only quote of the sample's inspections sentence short, so no fact cites it."""
    replace_in(
        sample / "facts/more/entities.yml",
        "quote: The office proposed weekly inspections of the bridge.",
        "quote: The office proposed",
    )


def test_strict_turns_warnings_into_errors(sample: Path) -> None:
    replace_in(sample / "site.yml", "language: en", "language: en\ncoverage_target: 1.0")
    uncite_the_inspections(sample)
    lenient = run_cli("check", "--root", sample)
    strict = run_cli("check", "--root", sample, "--strict")
    assert lenient.returncode == 0 and "warning[low-coverage]" in lenient.stderr
    assert strict.returncode == 1 and "error[low-coverage]" in strict.stderr


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert run_cli("frobnicate").returncode == 2
    missing = run_cli("check", "--root", tmp_path / "nope")
    assert missing.returncode == 2
    assert "is not a folder" in missing.stderr


def test_coverage_lists_uncited_sentences(sample: Path) -> None:
    result = run_cli("coverage", "--root", sample)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "gazette: 100.0% of sentences cited (6/6)" in result.stdout


def test_coverage_counts_the_passages_the_lead_cites(sample: Path) -> None:
    uncite_the_inspections(sample)
    uncited = run_cli("coverage", "--root", sample)
    assert "gazette: 83.3% of sentences cited (5/6)" in uncited.stdout
    lead = (
        '  - text: "The transport office proposed weekly inspections of the bridge."\n'
        "    sources:\n"
        '      - {source: gazette, quote: "The office proposed weekly inspections of the bridge."}\n'
    )
    replace_in(sample / "site.yml", "lead:\n", "lead:\n" + lead)
    cited = run_cli("coverage", "--root", sample)
    assert cited.returncode == 0, cited.stdout + cited.stderr
    assert "gazette: 100.0% of sentences cited (6/6)" in cited.stdout


def test_version_and_help_with_examples() -> None:
    version = run_cli("--version")
    assert version.returncode == 0 and version.stdout.startswith("site-gen ")
    helped = run_cli("--help")
    assert helped.returncode == 0
    assert "examples:" in helped.stdout and "site-gen serve" in helped.stdout
    assert "The command line:" not in helped.stdout  # No developer docstring.


def test_every_option_of_every_command_says_what_it_does() -> None:
    usage = run_cli("--help").stdout
    found = re.search(r"\{([a-z,-]+)\}", usage)
    assert found, usage
    commands = [[name] for name in found.group(1).split(",")] + [["theme", "eject"]]
    undescribed = []
    for command in commands:
        result = run_cli(*command, "--help")
        assert result.returncode == 0, command
        lines = result.stdout.partition("options:")[2].splitlines()
        for index, line in enumerate(lines):
            on_next_line = index + 1 < len(lines) and lines[index + 1].startswith(" " * 8)
            if line.startswith("  -") and not re.search(r"\S {2,}\S", line) and not on_next_line:
                undescribed.append(f"{' '.join(command)}: {line.strip()}")
    assert len(commands) > 8
    assert undescribed == []


# The options every command has, which the README's table leaves to its note under it.
COMMON_OPTIONS = {"-h", "-v", "-q"}


def test_the_readme_command_table_lists_the_options_of_each_command() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    # A command's words, then what the table shows it takes: "theme eject [FILE] [--root DIR]".
    rows = re.findall(r"^\| `site-gen ((?:[a-z][a-z-]* ?)+)(.*?)` \|", readme, re.MULTILINE)
    assert len(rows) >= 9, rows
    for command, options in rows:
        usage = run_cli(*command.split(), "--help").stdout.partition("\n\n")[0]
        wanted = set(re.findall(r"\[(-[-a-z]+)", usage)) - COMMON_OPTIONS
        assert set(re.findall(r"\[(-[-a-z]+)", options)) == wanted, command


@pytest.mark.parametrize(
    ("roles", "refused"),
    [
        ("[engineer]", []),
        ("[Chief Engineer]", []),
        ("[gineer]", ["gineer"]),
        ("[chief eng]", ["chief eng"]),
    ],
)
def test_a_role_is_quoted_in_whole_words(sample: Path, roles: str, refused: list[str]) -> None:
    """Half a word of a quote is no role: "gineer" used to pass for a "chief engineer"."""
    replace_in(sample / "facts/more/entities.yml", "roles: [chief engineer]", f"roles: {roles}")
    result = run_cli("check", "--root", sample)
    assert result.returncode == (1 if refused else 0)
    assert (
        re.findall(r"error\[role-not-quoted\] fact 'mara-lind': role '([^']*)'", result.stderr)
        == refused
    )


def test_schema_reads_any_bytes_and_names_a_file_in_the_folders_place(sample: Path) -> None:
    """A schema file that is not UTF-8 printed a traceback; a file named schemas was "out of
    date", and writing then failed with "File exists"."""
    assert run_cli("schema", "--write", "--root", sample).returncode == 0
    (sample / "schemas/facts.schema.json").write_bytes(b"\xff")
    result = run_cli("schema", "--root", sample)
    assert result.returncode == 1
    assert "schemas/facts.schema.json: out of date" in result.stderr
    assert "Traceback" not in result.stderr
    shutil.rmtree(sample / "schemas")
    (sample / "schemas").write_text("mine", encoding="utf-8")
    for args in (["schema"], ["schema", "--write"]):
        result = run_cli(*args, "--root", sample)
        assert result.returncode == 2
        assert "schemas is a file; move it away to keep the schemas" in result.stderr


@pytest.mark.parametrize(
    ("change", "settings_error"),
    [
        (("title: Harbour bridge briefing", "title: [Harbour]"), "site.yml:1:8: error[wrong-type]"),
        (("title: Harbour", "titel: Harbour"), "site.yml:1:1: error[unknown-key]"),
        (("description:", "description: [a, b"), "site.yml:3:9: error[yaml-syntax]"),
    ],
)
@pytest.mark.parametrize("command", ["check", "build"])
def test_a_broken_site_yml_still_has_every_fact_checked_and_writes_nothing(
    sample: Path, command: str, change: tuple[str, str], settings_error: str
) -> None:
    """Settings that could not be read stopped the run there: a fact's misquote was told only in
    the next run, after site.yml was fixed."""
    replace_in(sample / "site.yml", *change)
    replace_in(sample / "facts/events.yml", "closed it for 36 hours", "closed it for 38 hours")
    result = run_cli(command, "--root", sample)
    assert result.returncode == 1
    assert settings_error in result.stderr
    assert "facts/events.yml:11:14: error[quote-not-found] fact 'bridge-reopens'" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (sample / "output").exists()


@pytest.mark.parametrize(
    ("path", "old", "new", "misquote", "error"),
    [
        (
            "facts/events.yml",
            'date: "2025-03-04"',
            'date: "2025-13-04"',
            ("closed it for 36", "closed it for 38"),
            "facts/events.yml:4:9: error[bad-date] fact 'bridge-reopens'",
        ),
        (
            "facts/events.yml",
            "title: Bridge reopens",
            "title: [Bridge reopens]",
            ("closed it for 36", "closed it for 38"),
            "facts/events.yml:3:10: error[wrong-type] fact 'bridge-reopens'",
        ),
        (
            "facts/more/entities.yml",
            "label: vehicles in the first hour",
            "lable: vehicles in the first hour",
            ("About 1,200 vehicles crossed in", "About 1,300 vehicles crossed in"),
            "facts/more/entities.yml:26:3: error[unknown-key] fact 'vehicles'",
        ),
        (
            "facts/more/entities.yml",
            'date: "2025-03-04"',
            "date: yesterday",
            ("structural damage,", "structural damages,"),
            "facts/more/entities.yml:19:9: error[bad-date] fact 'safe-claim'",
        ),
    ],
)
def test_a_fact_with_a_wrong_title_label_or_date_still_has_its_quotes_checked(
    sample: Path, path: str, old: str, new: str, misquote: tuple[str, str], error: str
) -> None:
    """A wrong date, title or label left the whole fact out of the check: its misquote was told
    only in the next run, once the date was fixed."""
    replace_in(sample / path, old, new)
    replace_in(sample / path, *misquote)
    result = run_cli("check", "--root", sample)
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if "error[" in line]
    assert len(errors) == 2, result.stderr
    assert errors[0].startswith(error), result.stderr
    assert "error[quote-not-found]" in errors[1]


@pytest.mark.parametrize(
    ("make", "what"),
    [
        (lambda path: path.write_text("base.html\n"), "a file"),
        (lambda path: path.symlink_to(path.parent / "theme"), "a link that leads to no folder"),
    ],
    ids=["file", "broken-link"],
)
@pytest.mark.parametrize("command", ["check", "build"])
def test_a_templates_that_is_no_folder_is_an_error_not_the_packaged_theme(
    sample: Path, command: str, make: Callable[[Path], object], what: str
) -> None:
    """The briefing's theme was left out without a word, and the site built with the packaged
    one."""
    shutil.rmtree(sample / "templates")
    make(sample / "templates")
    result = run_cli(command, "--root", sample)
    assert result.returncode == 1, result.stderr
    assert result.stderr.startswith(
        f"templates: error[not-a-folder]: {what}, where the theme's folder was expected; "
    ), result.stderr
    assert not (sample / "output").exists()
