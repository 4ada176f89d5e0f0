"""Hostile input, round two: no data loss, no hang, no leak, bounded memory, valid output.

Each test is one class of attack, with inputs of its own: an output folder that is really a
file, patterns that backtrack, links out of the site root, names that forge log lines, YAML that
expands, ids the file system cannot hold, and characters that HTML, XML and JSON forbid.
"""

from __future__ import annotations

import hashlib
import json
import os
import resource
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import read_tree, replace_in, run_cli

from site_gen.cli import main
from site_gen.sources.yaml import LIMITS

GOOD_FACT = """\
- id: lamp-lit
  kind: event
  title: Lamp lit
  date: "2025-03-04"
  text: The harbour bridge reopened.
  sources:
    - source: gazette
      quote: The harbour bridge reopened on Tuesday
"""


def digest(root: Path) -> dict[str, str]:
    """Return a hash of every file under a folder, to prove a command touched nothing."""
    return {name: hashlib.sha256(data).hexdigest() for name, data in read_tree(root).items()}


def check_output(root: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    """Run `site-gen check` in-process; return its exit code and everything it printed."""
    code = main(["check", "--root", str(root), *args])
    captured = capsys.readouterr()
    output = captured.out + captured.err
    assert "Traceback" not in output
    return code, output


# Data loss: --out may only name a folder site_gen made, or a missing or empty one.


@pytest.mark.parametrize("out", ["facts/events.yml", "seeds/harbour.txt/site", "README", "notes"])
def test_an_output_folder_that_is_not_ours_is_refused_and_nothing_is_touched(
    sample: Path, out: str
) -> None:
    (sample / "README").write_text("editors' notes\n", encoding="utf-8")
    (sample / "notes").mkdir()
    (sample / "notes/draft.txt").write_text("keep me\n", encoding="utf-8")
    before = digest(sample)
    result = run_cli("build", "--root", sample, "--out", sample / out)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert digest(sample) == before
    assert sorted(p.name for p in sample.iterdir() if p.name.startswith(".")) == []


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux's /proc")
def test_an_output_folder_that_cannot_be_written_is_named_as_given(sample: Path) -> None:
    """Not the staging folder the build makes beside it, which the user never chose."""
    result = run_cli("build", "--root", sample, "--out", "/proc/x")
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == (
        "error: cannot write the output folder /proc/x: No such file or directory; choose a "
        "folder you can write to"
    )


def test_paths_too_long_for_the_file_system_are_usage_errors(sample: Path) -> None:
    deep = sample / (("d" * 200 + "/") * 30)
    for args in (["--root", str(deep)], ["--root", str(sample), "--out", str(deep)]):
        result = run_cli("build", *args)
        assert result.returncode == 2
        assert "too long a path" in result.stderr and "Traceback" not in result.stderr
    name = sample / ("n" * 300)
    result = run_cli("check", "--root", name)
    assert result.returncode == 2 and "Traceback" not in result.stderr


# Hangs: every pattern and search that runs on input finishes quickly.


@pytest.mark.parametrize("base", ["seg/" * 40 + "?", "/" + "a-b/" * 30 + "%", "x" * 60 + "//"])
def test_a_base_url_that_would_backtrack_is_refused_at_once(
    sample: Path, capsys: pytest.CaptureFixture[str], base: str
) -> None:
    started = time.perf_counter()
    replace_in(sample / "site.yml", "language: en", f"language: en\nbase_url: {json.dumps(base)}")
    code, output = check_output(sample, capsys)
    assert code == 1 and "error[bad-url]" in output
    assert main(["build", "--root", str(sample), "--base-url", base]) == 2
    assert time.perf_counter() - started < 10


@pytest.mark.parametrize("base", ["/x/../", "/x/..", "/./", "../", "/a/./b/"])
def test_a_base_url_with_dot_segments_is_refused(sample: Path, base: str) -> None:
    result = run_cli("build", "--root", sample, "--base-url", base)
    assert result.returncode == 2 and "is not a URL path" in result.stderr


@pytest.mark.parametrize("url", ["javascript:alert(1)", "//example.org/", "https://a.org/?q=<x>"])
def test_a_site_url_that_is_no_http_address_is_refused(sample: Path, url: str) -> None:
    result = run_cli("build", "--root", sample, "--site-url", url)
    assert result.returncode == 2, result.stderr
    assert f"--site-url {url!r} is not an http(s) address; write it like https://" in result.stderr
    assert not (sample / "output").exists()


@pytest.mark.parametrize("base", ["/.well-known/", "/v1.2/", "/..x/", "/a.../"])
def test_a_base_url_with_dots_inside_names_is_kept(sample: Path, base: str) -> None:
    assert run_cli("build", "--root", sample, "--base-url", base).returncode == 0
    html = (sample / "output/index.html").read_text(encoding="utf-8")
    assert f'href="{base}assets/' in html


def test_a_long_misquote_of_a_repetitive_source_says_the_suggestion_was_skipped(
    sample: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (
        "The harbour bridge reopened on Tuesday. " + "the tide came in and the tide went out " * 300
    )
    data = text.encode()
    (sample / "seeds/harbour.txt").write_bytes(data)
    registry = sample / "seeds/sources.yml"
    registry.write_text(
        "- id: gazette\n  file: harbour.txt\n"
        f'  sha256: "{hashlib.sha256(data).hexdigest()}"\n  title: Tides\n',
        encoding="utf-8",
    )
    misquote = "the tide came in and the tide went in " * 60
    (sample / "facts").joinpath("events.yml").write_text(
        GOOD_FACT.replace("The harbour bridge reopened on Tuesday", misquote.strip()),
        encoding="utf-8",
    )
    for path in (sample / "facts/more").glob("*.yml"):
        path.unlink()
    replace_in(sample / "site.yml", "key_figures: [vehicles]", "key_figures: []")
    replace_in(sample / "site.yml", "summary: [bridge-reopens]", "summary: []")
    started = time.perf_counter()
    code, output = check_output(sample, capsys)
    assert code == 1 and "error[quote-not-found]" in output
    assert "closest passage not searched: the quote has 540 words, more than 150" in output
    assert time.perf_counter() - started < 10


# Leaks: no input file may resolve outside the site root.


@pytest.mark.parametrize(
    "target", ["facts/zz.yml", "site.yml", "seeds/sources.yml", "templates/404.html"]
)
def test_a_link_out_of_the_site_root_is_refused_without_reading_it(
    sample: Path, capsys: pytest.CaptureFixture[str], target: str
) -> None:
    secret = sample.parent / "credentials.txt"
    secret.write_text('token: "unclosed\nGHP_Sup3rS3cret\n', encoding="utf-8")
    link = sample / target
    link.unlink(missing_ok=True)
    link.symlink_to(secret)
    code, output = check_output(sample, capsys)
    assert code == 1
    assert f"{target}: error[outside-root]" in output
    assert "Sup3rS3cret" not in output


# Output that cannot be spoofed: names and values are escaped in every format.

HOSTILE_NAME = "odd\n::error file=site.yml::forged\x1b[2J\x07\r.yml"


@pytest.mark.parametrize("fmt", ["text", "json", "github"])
def test_names_and_values_cannot_forge_lines_or_reach_the_terminal(
    sample: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    (sample / "facts" / HOSTILE_NAME).write_text(
        '- id: beacon\n  kind: event\n  "tit\\e\\a\\nle": x\n  text: "a\\x1b[31m b"\n',
        encoding="utf-8",
    )
    code, output = check_output(sample, capsys, "--format", fmt)
    assert code == 1
    lines = output.splitlines()
    forged = [line for line in lines if line.lstrip().startswith("::")]
    if fmt == "github":
        assert all(line.startswith(("::error ", "::warning ")) for line in forged)
        assert len(forged) == len(lines)
    else:
        assert forged == []
    assert not any(char in output for char in "\x1b\x07\r")
    assert "forged" in output  # The name is shown, escaped, not dropped.


def test_a_file_name_that_is_not_utf8_is_reported_not_a_crash(
    sample: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    name = os.fsdecode(b"caf\xe9-\xff.yml")
    (sample / "facts" / name).write_text("- id: x\n  kind: event\n", encoding="utf-8")
    code, output = check_output(sample, capsys)
    assert code == 1
    assert "facts/caf\\udce9-\\udcff.yml:1:3: error[missing-key]" in output


# Bounded memory: what a file expands to is limited, not only its size.


def test_aliases_of_long_strings_stop_at_the_character_limit(
    sample: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    long = "w" * 40_000
    lines = [f'- &long "{long}"'] + ["- *long"] * 400
    (sample / "facts/zz.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, output = check_output(sample, capsys)
    assert code == 1
    limit = LIMITS["file_chars"]
    assert f"error[yaml-too-large]: over the limit: more than {limit.value:,}" in output


def test_a_huge_flow_list_stops_at_the_item_limit(
    sample: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    items = LIMITS["collection_items"].value + 10
    (sample / "facts/zz.yml").write_text("[" + "0," * items + "0]\n", encoding="utf-8")
    code, output = check_output(sample, capsys)
    assert code == 1
    assert "error[yaml-too-large]" in output and "items in one list" in output


def largest_allowed_file(path: Path) -> None:
    """Write a facts file just inside every limit: as many values and characters as allowed."""
    values, chars = LIMITS["file_values"].value, LIMITS["file_chars"].value
    items = min(LIMITS["collection_items"].value - 1, values // 9 - 1)
    per_value = chars // (items * 8) - 1
    row = "[" + ", ".join([json.dumps("v" * per_value)] * 8) + "]"
    path.write_text("\n".join(f"- {row}" for _ in range(items)) + "\n", encoding="utf-8")


@pytest.mark.parametrize("command", ["check", "build"])
def test_the_largest_file_allowed_stays_within_a_gigabyte_and_twenty_seconds(
    sample: Path, command: str
) -> None:
    largest_allowed_file(sample / "facts/zz.yml")
    assert (sample / "facts/zz.yml").stat().st_size < LIMITS["file_bytes"].value
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "site_gen", command, "--root", str(sample), "-q"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    _, stderr = process.communicate(timeout=60)
    seconds = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    assert process.returncode == 1, stderr[-2000:]
    assert b"Traceback" not in stderr
    assert b"yaml-too-large" not in stderr  # Inside the limits: read whole, then checked.
    assert peak_kib < 1024 * 1024, f"{peak_kib} KiB"
    assert seconds < 20, f"{seconds:.1f} s"


# Tracebacks and invalid output: every value that becomes a path, a date or XML is checked.


def test_an_id_too_long_for_a_folder_name_fails_the_check(
    sample: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    long_id = "-".join(["harbour"] * 40)
    (sample / "facts/zz.yml").write_text(GOOD_FACT.replace("lamp-lit", long_id), encoding="utf-8")
    code, output = check_output(sample, capsys)
    assert code == 1
    assert f"error[bad-id] fact '{long_id}': 'id' has {len(long_id)} characters" in output


@pytest.mark.parametrize("date", ["२०२५-०३-०४", "2025-3-04", "２０２５"])
def test_dates_take_ascii_digits_only(
    sample: Path, capsys: pytest.CaptureFixture[str], date: str
) -> None:
    fact = GOOD_FACT.replace('date: "2025-03-04"', f"date: {json.dumps(date)}")
    (sample / "facts/zz.yml").write_text(fact, encoding="utf-8")
    code, output = check_output(sample, capsys)
    assert code == 1 and "error[bad-date]" in output


@pytest.mark.parametrize("char", ["\\uFFFE", "\\uFDD0", "\\U0010FFFF", "\\x0b", "\\x85"])
def test_characters_html_and_xml_forbid_are_refused_in_fields(
    sample: Path, capsys: pytest.CaptureFixture[str], char: str
) -> None:
    fact = GOOD_FACT.replace("title: Lamp lit", f'title: "Lamp{char} lit"')
    (sample / "facts/zz.yml").write_text(fact, encoding="utf-8")
    code, output = check_output(sample, capsys)
    assert code == 1 and "error[bad-character]" in output


def test_a_source_text_that_cannot_be_read_is_a_problem_at_its_entry(
    sample: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A source file without read permission gave a raw errno, and a traceback in the preview.
    (Tests run as root, whom no permission stops: the denial is simulated.)"""
    read_bytes = Path.read_bytes

    def denied(path: Path) -> bytes:
        if path.name == "harbour.txt":
            raise PermissionError(13, "Permission denied", str(path))
        return read_bytes(path)

    monkeypatch.setattr(Path, "read_bytes", denied)
    code, output = check_output(sample, capsys)
    assert code == 1
    assert (
        "seeds/sources.yml:2:9: error[file-unreadable]: cannot read file 'harbour.txt': "
        "Permission denied" in output
    )


@pytest.mark.parametrize("char", ["\\u202E", "\\u202D", "\\u2067", "\\u202A"])
def test_bidi_controls_that_reorder_a_page_are_refused_in_fields(
    sample: Path, capsys: pytest.CaptureFixture[str], char: str
) -> None:
    """The matcher reads past them, but a page shows "5,<U+202E>13<U+202C>5" as 5,531."""
    fact = GOOD_FACT.replace("title: Lamp lit", f'title: "Lamp 5,{char}13\\u202C5 lit"')
    (sample / "facts/zz.yml").write_text(fact, encoding="utf-8")
    code, output = check_output(sample, capsys)
    assert code == 1 and "error[bad-character]" in output


@pytest.mark.parametrize(
    "word", ["n\u043et", "\u0420utin", "sev\u0435n", "\uff4e\u043e\uff54", "n\u0585t"]
)
def test_a_word_of_look_alike_letters_of_two_scripts_is_refused(
    sample: Path, capsys: pytest.CaptureFixture[str], word: str
) -> None:
    """A Cyrillic "о" in "nоt" (or an Armenian "օ", or between fullwidth letters) shows as
    "not" while the checker reads no negation, and "Рutin" as "Putin" while it reads no name. A
    word wholly in one script stays, as does a unit such as "μm"."""
    fact = GOOD_FACT.replace("title: Lamp lit", f'title: "Lamp {word} lit"')
    (sample / "facts/zz.yml").write_text(fact, encoding="utf-8")
    code, output = check_output(sample, capsys)
    assert code == 1 and "facts/zz.yml:3:10: error[bad-character] fact 'lamp-lit': title" in output
    kept = 'title: "Lamp \u043b\u0430\u043c\u043f\u0430 lit in \u03bcm"'
    (sample / "facts/zz.yml").write_text(GOOD_FACT.replace("title: Lamp lit", kept), "utf-8")
    assert check_output(sample, capsys)[0] == 0


@pytest.mark.parametrize("reference", ["&#x202E;", "&#8238;", "&#x1;", "&#xFFFF;", "&#x1b;"])
def test_a_character_reference_to_a_forbidden_character_is_refused(
    sample: Path, capsys: pytest.CaptureFixture[str], reference: str
) -> None:
    """Markdown and the pages read "&#x202E;" as the character it names: "5,&#x202E;13&#x202C;5"
    showed as 5,531 while the number rule read 5,135, and "&#x1;" made the feed unreadable."""
    fact = GOOD_FACT.replace(
        "text: The harbour bridge reopened.", f'text: "The harbour {reference}bridge reopened."'
    )
    (sample / "facts/zz.yml").write_text(fact, encoding="utf-8")
    code, output = check_output(sample, capsys)
    assert code == 1 and "facts/zz.yml:5:9: error[bad-character] fact 'lamp-lit'" in output


def test_a_control_character_far_after_an_unclosed_quote_gives_no_traceback(
    sample: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The parser reads ahead in blocks: the first parse stopped at the quote, and the parse
    that tries the quote closed reached the control character, whose error was not caught."""
    text = '- id: a\n  title: "unclosed\n  date: "2025"\n#' + "x" * 20_000 + "\n- \x01\n"
    (sample / "facts/zz.yml").write_text(text, encoding="utf-8")
    code, output = check_output(sample, capsys)
    assert code == 1 and "facts/zz.yml:" in output and "Traceback" not in output


def test_a_forbidden_character_in_a_source_is_shown_as_a_replacement(
    sample: Path, tmp_path: Path
) -> None:
    text = sample / "seeds/harbour.txt"
    data = text.read_bytes().replace(b"Related Articles", "Related\ufffe Articles".encode())
    text.write_bytes(data)
    replace_in(
        sample / "seeds/sources.yml",
        "375a7a505b9c5a619db340ff627f92780270e3db64d9d16a221b08c4db90544a",
        hashlib.sha256(data).hexdigest(),
    )
    replace_in(sample / "seeds/sources.yml", "- Related Articles", "- Related")
    result = run_cli("build", "--root", sample, "--out", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    assert "warning[bad-character]" in result.stderr
    page = (tmp_path / "out/sources/gazette/index.html").read_text(encoding="utf-8")
    assert "\ufffe" not in page and "\ufffd Articles" in page
    ET.parse(tmp_path / "out/feed.xml")
    json.loads((tmp_path / "out/facts.json").read_bytes())


def test_every_limit_is_documented() -> None:
    docs = (Path(__file__).resolve().parent.parent / "docs/format.md").read_text(encoding="utf-8")
    for name, limit in LIMITS.items():
        assert f"| `{name}` | {limit.value:,} | {limit.what} |" in docs


def test_a_number_too_long_to_be_a_count_is_refused_before_it_is_built(
    sample: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fact = GOOD_FACT.replace('date: "2025-03-04"', "date: " + ":".join(["59"] * 2000))
    (sample / "facts/zz.yml").write_text(fact, encoding="utf-8")
    code, output = check_output(sample, capsys)
    assert code == 1 and "error[value-too-long]: number has 5999 characters" in output


def test_markdown_full_of_brackets_renders_in_linear_time(sample: Path, tmp_path: Path) -> None:
    text = (
        "The harbour bridge reopened " + "[" * 2400 + " [see](https://example.org/x) " + "](" * 1200
    )
    fact = GOOD_FACT.replace("text: The harbour bridge reopened.", f"text: {json.dumps(text)}")
    (sample / "facts/zz.yml").write_text(fact, encoding="utf-8")
    started = time.perf_counter()
    result = run_cli("build", "--root", sample, "--out", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    assert time.perf_counter() - started < 20
    page = (tmp_path / "out/facts/lamp-lit/index.html").read_text(encoding="utf-8")
    assert "[" * 2400 in page and '<a href="https://example.org/x"' in page
    too_long = GOOD_FACT.replace("text: The harbour bridge reopened.", "text: " + "a " * 3000)
    (sample / "facts/zz.yml").write_text(too_long, encoding="utf-8")
    result = run_cli("check", "--root", sample)
    assert (
        result.returncode == 1 and "'text' has 5,999 characters, more than 5,000" in result.stderr
    )


def test_an_output_name_with_no_room_for_its_staging_folder_is_a_usage_error(
    sample: Path, tmp_path: Path
) -> None:
    result = run_cli("build", "--root", sample, "--out", tmp_path / ("o" * 245))
    assert result.returncode == 2
    assert "--out is too long a path" in result.stderr and "Errno" not in result.stderr


def test_a_wrong_quote_repeated_by_aliases_is_searched_once(
    sample: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    citation = '    - &wrong {source: gazette, quote: "The harbour bridge collapsed on Tuesday"}'
    lines = [*GOOD_FACT.splitlines()[:-2], citation, *["    - *wrong"] * 3000]
    (sample / "facts/zz.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    started = time.perf_counter()
    code, output = check_output(sample, capsys)
    assert code == 1 and output.count("error[quote-not-found]") == 3001
    assert time.perf_counter() - started < 20
