"""Errors that show the fix, in the terminal and in the preview's panel; -q and -v."""

from __future__ import annotations

import re
import socket
from pathlib import Path

import pytest
from conftest import readme_blocks, replace_in, repo_copy, run_cli

from site_gen.errors import Location, Problem, Severity
from site_gen.preview.server import error_panel


def test_dropped_negation_is_called_out(sample: Path) -> None:
    replace_in(
        sample / "facts/more/entities.yml",
        "It has not suffered structural damage",
        "It has suffered structural damage",
    )
    result = run_cli("check", "--root", sample)
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert lines[0].startswith(
        "facts/more/entities.yml:23:14: error[quote-not-found] fact 'safe-claim': "
    )
    assert lines[1:5] == [
        "    closest passage, seeds/harbour.txt:3:",
        "        The bridge is safe. It has not suffered structural damage,” chief engineer Mara Lind",
        "    diff (quote -> source): The bridge is safe It has {+not+} suffered structural damage "
        "chief engineer Mara Lind",
        "    note: negation differs: source has 'not'",
    ]


def test_a_quote_that_differs_only_in_punctuation_says_so(sample: Path) -> None:
    replace_in(
        sample / "facts/events.yml", "reopened on Tuesday after", "reopened on Tuesday, after"
    )
    result = run_cli("check", "--root", sample)
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert "[-" not in lines[3] and "{+" not in lines[3], lines[3]
    assert lines[4] == "    note: every word is the same: the punctuation between them differs"


def test_a_quote_too_short_to_cite_shows_no_closest_passage(sample: Path) -> None:
    """The passage is in the source as quoted: a diff against it would show nothing."""
    replace_in(
        sample / "facts/events.yml",
        "quote: Harbour bridge reopens after storm",
        "quote: Harbour bridge",
    )
    result = run_cli("check", "--root", sample)
    assert result.returncode == 1
    assert "error[quote-too-short] fact 'bridge-reopens'" in result.stderr
    assert "closest passage" not in result.stderr and "diff (" not in result.stderr


def test_yaml_syntax_error_shows_the_line_with_a_caret_under_the_fault(sample: Path) -> None:
    replace_in(sample / "facts/events.yml", "text: The harbour bridge", "text: The harbour: bridge")
    result = run_cli("check", "--root", sample)
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert lines[0] == (
        "facts/events.yml:6:20: error[yaml-syntax]: the value has ': ' in it, which YAML reads "
        "as the start of another key; put the whole value in double quotes"
    )
    assert lines[1] == (
        "        6 |   text: The harbour: bridge reopened after being closed for 36 hours by a "
        "storm, the city's transport office said."
    )
    assert lines[2] == "          |                    ^"


def test_words_without_a_colon_are_shown_on_their_own_line(sample: Path) -> None:
    """The parser fails where the next key begins, or past the file's end: the headline named
    that line, a blank one or one the file does not have."""
    events = sample / "facts/events.yml"
    lines = events.read_text(encoding="utf-8").splitlines(keepends=True)
    for text, number in (
        ("".join([*lines[:8], "  oops\n", *lines[8:]]), 9),
        ("".join(lines) + "x\n", len(lines) + 1),
    ):
        events.write_text(text, encoding="utf-8")
        result = run_cli("check", "--root", sample)
        column = 3 if number == 9 else 1
        assert result.stderr.splitlines()[0] == (
            f"facts/events.yml:{number}:{column}: error[yaml-syntax]: a line has no ':' after its "
            "words where a key was expected; write 'key: value', or indent the words to go on "
            "with the value above"
        )


def test_unclosed_bracket_shows_where_it_opened(sample: Path) -> None:
    replace_in(sample / "facts/events.yml", "people: [mara-lind]", "people: [mara-lind")
    result = run_cli("check", "--root", sample)
    lines = result.stderr.splitlines()
    assert lines[:5] == [
        "facts/events.yml:8:9: error[yaml-syntax]: did not find expected ',' or ']' "
        "(while parsing a flow sequence); fix the YAML syntax at the caret",
        "        7 |   people: [mara-lind",
        "          |           ^ a flow sequence starts here",
        "        8 |   places: [port-elin]",
        "          |         ^",
    ]


def test_an_unreadable_facts_file_hides_unknown_references_to_its_facts(sample: Path) -> None:
    # events.yml names mara-lind, defined in the file broken here: one error, not a cascade.
    replace_in(sample / "facts/more/entities.yml", "- id: mara-lind", "- id: mara-lind: x")
    result = run_cli("check", "--root", sample)
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if ": error[" in line]
    assert len(errors) == 1
    assert "error[yaml-syntax]" in errors[0]


def test_unknown_id_suggests_the_closest_ids(sample: Path) -> None:
    replace_in(sample / "facts/events.yml", "people: [mara-lind]", "people: [lind]")
    result = run_cli("check", "--root", sample)
    assert "'people' names 'lind', which is not a fact; did you mean 'mara-lind'?" in result.stderr


def test_unknown_id_is_matched_by_name_and_alias(tmp_path: Path) -> None:
    root = repo_copy(tmp_path / "briefing")
    replace_in(root / "facts/events.yml", "people: [", "people: [tokayev, ")
    result = run_cli("check", "--root", root)
    assert "'people' names 'tokayev', which is not a fact; did you mean " in result.stderr
    assert "'kassym-jomart-tokayev'" in result.stderr


def coverage_warning(sample: Path) -> None:
    """Make the sample produce a warning (low coverage) and no error."""
    replace_in(
        sample / "facts/more/entities.yml",
        "quote: The office proposed weekly inspections of the bridge.",
        "quote: The office proposed",
    )


@pytest.mark.parametrize("args", [("-q", "check"), ("check", "-q")])
def test_quiet_prints_only_errors(sample: Path, args: tuple[str, ...]) -> None:
    coverage_warning(sample)
    clean = run_cli(*args, "--root", sample)
    assert clean.returncode == 0
    assert clean.stderr == ""
    replace_in(sample / "facts/events.yml", "people: [mara-lind]", "people: [lind]")
    failed = run_cli(*args, "--root", sample)
    assert failed.returncode == 1
    assert "error[unknown-reference]" in failed.stderr
    assert "warning" not in failed.stderr and "check failed" not in failed.stderr


def test_verbose_shows_each_phase_once_then_the_summary(sample: Path) -> None:
    result = run_cli("build", "-v", "--root", sample)
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    phases = [line.split()[0] for line in lines[:-1]]
    assert phases == ["load", "check", "render", "write"]
    assert re.fullmatch(
        r"built \d+ pages from 7 facts and 8 citations in [\d.]+ s -> output", lines[-1]
    )


def test_error_panel_escapes_problem_text_and_marks_the_diff() -> None:
    problems = [
        Problem(
            "quote-not-found",
            "quote does not match source '<b>'",
            Location("facts/a.yml", 3, 7),
            fact="a-fact",
            hint="copy the passage verbatim",
            detail=("diff (quote -> source): it was [-<i>38</i>-] {+36+} hours",),
        ),
        Problem(
            "low-coverage", "few cited", Location("seeds/sources.yml"), severity=Severity.WARNING
        ),
    ]
    panel = error_panel(problems, built=True)
    assert "The build failed: 1 error and 1 warning" in panel
    assert "Fix them and save; this page reloads by itself. Until then it shows the last" in panel
    assert (
        "<code>facts/a.yml:3:7</code> error[quote-not-found] fact <code>a-fact</code>: "
        "quote does not match source &#x27;&lt;b&gt;&#x27;"
    ) in panel
    assert "it was <del>&lt;i&gt;38&lt;/i&gt;</del> <ins>36</ins> hours" in panel
    assert "<code>seeds/sources.yml</code> warning[low-coverage]: few cited" in panel
    assert panel.index("error[quote-not-found]") < panel.index("warning[low-coverage]")
    assert " style=" not in panel and "<script" not in panel


def test_an_unclosed_quote_is_shown_where_it_opens(sample: Path) -> None:
    events = sample / "facts/events.yml"
    lines = events.read_text(encoding="utf-8").splitlines(keepends=True)
    number = next(i for i, line in enumerate(lines) if line.startswith("  title: Bridge reopens"))
    lines[number] = '  title: "Bridge reopens\n'
    events.write_text("".join(lines), encoding="utf-8")
    result = run_cli("check", "--root", sample)
    assert result.returncode == 1
    headline = result.stderr.splitlines()[0]
    assert headline.startswith(f"facts/events.yml:{number + 1}:10: error[yaml-syntax]: a quote")
    assert f'{number + 1:>5} |   title: "Bridge reopens' in result.stderr
    assert "close the quote" in headline


def test_checks_that_need_every_file_wait_for_a_file_that_does_not_parse(sample: Path) -> None:
    replace_in(sample / "seeds/sources.yml", "  ignore:\n    - Related Articles\n", "")
    assert "warning[low-coverage]" in run_cli("check", "--root", sample).stderr
    (sample / "facts/broken.yml").write_text("- id: [unclosed\n", encoding="utf-8")
    result = run_cli("check", "--root", sample)
    assert "error[yaml-syntax]" in result.stderr
    assert "low-coverage" not in result.stderr


def test_a_port_in_use_is_one_clear_error_before_anything_is_served(sample: Path) -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        result = run_cli("serve", "--root", sample, "--port", str(port))
    assert result.returncode == 2
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr
    assert "serving" not in result.stderr and "Traceback" not in result.stderr
    assert "choose another --port" in result.stderr
    assert not (sample / "output").exists()


@pytest.mark.parametrize(
    ("option", "expected"),
    [
        (["--port", "99999"], "argument --port: '99999' is not a port from 1 to 65535"),
        (["--port", "-1"], "argument --port: '-1' is not a port from 1 to 65535"),
        (["--host", "nosuchhost.invalid"], "choose another --host"),
    ],
)
def test_a_port_or_host_that_cannot_serve_names_the_option(
    sample: Path, option: list[str], expected: str
) -> None:
    result = run_cli("serve", "--root", sample, "--port", "8000", *option)
    assert result.returncode == 2
    assert expected in result.stderr and "Traceback" not in result.stderr
    assert not (sample / "output").exists()


SECOND_CLAIM = """\
- id: no-damage-claim
  kind: statement
  speaker: mara-lind
  date: "2025-03-04"
  text: Mara Lind said the bridge has not suffered structural damage.
  sources:
    - source: gazette
      quote: It has not suffered structural damage
"""


def test_two_facts_with_one_title_warn_until_about_tells_them_apart(sample: Path) -> None:
    (sample / "facts/zz.yml").write_text(SECOND_CLAIM, encoding="utf-8")
    result = run_cli("check", "--root", sample)
    assert result.returncode == 0
    assert (
        "facts/zz.yml:1:3: warning[duplicate-title] fact 'no-damage-claim': its title "
        "'Mara Lind, 4 March 2025' is also the title of fact 'safe-claim' "
        "(facts/more/entities.yml:16:3); add 'about' to say what the claim is about"
    ) in result.stderr
    replace_in(sample / "facts/zz.yml", "speaker: mara-lind", "speaker: mara-lind\n  about: damage")
    result = run_cli("check", "--strict", "--root", sample)
    assert result.returncode == 0, result.stderr
    replace_in(sample / "facts/zz.yml", "about: damage", "about: the bridge")
    replace_in(
        sample / "facts/more/entities.yml",
        "speaker: mara-lind",
        "speaker: mara-lind\n  about: the bridge",
    )
    result = run_cli("check", "--root", sample)
    assert (
        "facts/zz.yml:4:10: warning[duplicate-title] fact 'no-damage-claim': its title "
        "'Mara Lind on the bridge' is also the title of fact 'safe-claim' "
        "(facts/more/entities.yml:19:10); give 'about' words that tell the two apart"
    ) in result.stderr


def test_the_readme_misquote_example_prints_as_shown(tmp_path: Path) -> None:
    """ "Adding a fact": the fact of step 2, its quote's number mistyped, fails as step 3 shows."""
    _, fact, output = readme_blocks("## Adding a fact")
    root = repo_copy(tmp_path / "briefing")
    (root / "facts/arrests.yml").write_text(fact, encoding="utf-8")
    replace_in(
        root / "facts/arrests.yml",
        "reported that 7,939 people have",
        "reported that 7,393 people have",
    )
    result = run_cli("check", "--root", root)
    assert result.returncode == 1
    assert result.stderr.startswith(output)
