"""Loading YAML: every structural mistake becomes a located problem, never an exception."""

from __future__ import annotations

import datetime
import hashlib
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import markdown
import pytest
import yaml
from conftest import check_root, replace_in, run_cli
from hypothesis import given
from hypothesis import strategies as st

from site_gen.sources import yaml as yamlfile
from site_gen.sources.reader import without_code

Write = Callable[[Path, str], Path]


def headlines(root: Path) -> list[str]:
    _, problems = check_root(root)
    return [p.headline() for p in problems]


GOOD_FACT = """
- id: extra
  kind: event
  title: Extra
  date: "2025-03-04"
  text: Weekly inspections of the bridge.
  sources:
    - source: gazette
      quote: weekly inspections of the bridge
"""


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (
            GOOD_FACT.replace("  title: Extra", "  titel: Extra"),
            "facts/zz.yml:3:3: error[unknown-key] fact 'extra': unknown key 'titel' in a fact; "
            "did you mean 'title'?",
        ),
        (
            GOOD_FACT.replace('date: "2025-03-04"', 'date: "2025-02-30"'),
            "facts/zz.yml:4:9: error[bad-date] fact 'extra': 'date' is '2025-02-30', not a valid ISO date; "
            'write YYYY-MM-DD, YYYY-MM or YYYY, e.g. "2025-03-04"',
        ),
        (
            GOOD_FACT.replace("  title: Extra\n", ""),
            "facts/zz.yml:1:3: error[missing-key] fact 'extra': a fact has no 'title'; add 'title': "
            "short headline of the event.",
        ),
        (
            GOOD_FACT.replace("text: Weekly inspections of the bridge.", "text: [a, list]"),
            "facts/zz.yml:5:9: error[wrong-type] fact 'extra': 'text' must be a string; put the value in quotes",
        ),
        (
            GOOD_FACT.replace("id: extra", "id: Extra Fact"),
            "facts/zz.yml:1:7: error[bad-id] fact 'Extra Fact': 'id' is 'Extra Fact', not an id; use lowercase letters, "
            "digits and single hyphens, e.g. 'bridge-reopens'",
        ),
        (
            GOOD_FACT.replace("id: extra", "id: bridge-reopens"),
            "facts/zz.yml:1:7: error[duplicate-id] fact 'bridge-reopens': id is already used at "
            "facts/events.yml:1:3; give each fact its own id",
        ),
        (
            GOOD_FACT.replace("kind: event", "kind: !!python/object:os.system event"),
            "facts/zz.yml:2:9: error[yaml-tag]: tag 'tag:yaml.org,2002:python/object:os.system' is not "
            "allowed; use plain strings, numbers, lists and mappings",
        ),
        (
            GOOD_FACT.replace("  title: Extra", "  title: Extra\n  title: Again"),
            "facts/zz.yml:4:3: error[duplicate-key]: key 'title' appears twice in one mapping "
            "(first at line 3); keep one of them",
        ),
        (
            GOOD_FACT.replace(
                "  sources:\n    - source: gazette\n      quote: weekly inspections of the bridge\n",
                "  sources: []\n",
            ),
            "facts/zz.yml:6:3: error[no-citations] fact 'extra': fact has no citations: 'sources' "
            "is empty; add at least one {source, quote} under 'sources'",
        ),
        (
            GOOD_FACT.replace("text: Weekly inspections of the bridge.", "text:"),
            "facts/zz.yml:5:3: error[empty-value] fact 'extra': 'text' is empty; write one checkable "
            "claim, in the editors' words (Markdown).",
        ),
        (
            "[]",
            "facts/zz.yml:1:1: error[wrong-type]: a facts file must be a non-empty list of facts; "
            "start each fact with '- id: …'",
        ),
    ],
)
def test_structural_problems(sample: Path, write: Write, content: str, expected: str) -> None:
    write(sample / "facts/zz.yml", content)
    assert expected in headlines(sample)


@pytest.mark.parametrize(
    "content", ["", "\n  \n", "# Arrests, from the interior ministry's figures.\n# - id: arrests\n"]
)
def test_a_facts_file_started_but_not_filled_holds_no_facts(
    sample: Path, write: Write, content: str
) -> None:
    """An empty file, or one of comments only, was an `empty-file` error: the preview showed it
    the moment an editor saved a new file. Like an empty data file in Hugo or Jekyll, it holds
    nothing, and nothing in it is left unread."""
    write(sample / "facts/zz.yml", content)
    assert headlines(sample) == []


@pytest.mark.parametrize("path", ["site.yml", "seeds/sources.yml"])
def test_settings_or_a_registry_of_comments_only_is_empty(sample: Path, path: str) -> None:
    """These files must hold settings and sources: empty, they are an error, as they were."""
    (sample / path).write_text("# to fill in\n", encoding="utf-8")
    assert f"{path}: error[empty-file]: file is empty; add content or delete it" in headlines(
        sample
    )


def test_billion_laughs_is_refused(sample: Path, write: Write) -> None:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [{', '.join(['*a' + str(i - 1)] * 10)}]" for i in range(1, 9)]
    write(sample / "facts/zz.yml", "\n".join(lines) + "\n")
    found = headlines(sample)
    assert any("error[yaml-too-large]" in h for h in found), found


def test_invalid_utf8_is_reported_with_its_position(sample: Path) -> None:
    # The column counts characters, as an editor does: "é" is one, though UTF-8 takes two bytes.
    (sample / "facts/zz.yml").write_bytes("\ufeff- id: x\n  text: é caf".encode() + b"\xe9\n")
    assert (
        "facts/zz.yml:2:14: error[encoding]: invalid UTF-8 (byte 0xe9); save the file as UTF-8"
        in headlines(sample)
    )


@pytest.mark.parametrize(
    ("breakage", "code"),
    [
        pytest.param(("title: Harbour", 'title: "Harbour'), "yaml-syntax", id="registry-parse"),
        pytest.param(
            ("  title: Harbour bridge reopens after storm\n", ""), "missing-key", id="entry"
        ),
    ],
)
def test_a_source_that_failed_to_load_brings_no_unknown_source_errors(
    sample: Path, breakage: tuple[str, str], code: str
) -> None:
    """One typo in the registry used to add an unknown-source error for every citation of the
    source, the lead's too, burying the one that says what is wrong."""
    registry = sample / "seeds/sources.yml"
    registry.write_text(registry.read_text("utf-8").replace(*breakage, 1), encoding="utf-8")
    _, problems = check_root(sample)
    assert [(p.location.path, p.code) for p in problems] == [("seeds/sources.yml", code)]


def test_source_outside_seeds_is_refused(sample: Path) -> None:
    registry = sample / "seeds/sources.yml"
    registry.write_text(
        registry.read_text(encoding="utf-8").replace("file: harbour.txt", "file: ../site.yml"),
        encoding="utf-8",
    )
    assert any(
        "error[source-path]: file '../site.yml' is outside seeds/" in h for h in headlines(sample)
    )


def test_one_text_under_two_entries_is_warned_of(sample: Path) -> None:
    """Cited under both, with two publishers, one text read on the pages as two outlets."""
    registry = sample / "seeds/sources.yml"
    text = registry.read_text(encoding="utf-8")
    again = text.replace("id: gazette", "id: wire").replace("publisher: Gazette", "publisher: Wire")
    registry.write_text(text + again.replace("publisher: March 3 (Gazette)", "publisher: Gazette"))
    _, problems = check_root(sample)
    assert [(p.code, p.message, p.is_error) for p in problems if p.code != "low-coverage"] == [
        (
            "duplicate-source-text",
            "source 'wire' has the same text as 'gazette' (harbour.txt); citations of either "
            "count as one voice",
            False,
        )
    ]


def test_a_source_id_used_twice_is_the_one_error_not_its_citations(
    sample: Path, write: Write
) -> None:
    """A new entry copied from another, its id left as it was: every quote of the new text was
    also reported as not found in the old one, and told to be copied verbatim. The new id, which
    a fact may cite already, is no source's until the duplicate is fixed."""
    text = b"The ferry resumed service on Wednesday after the storm, the port authority said.\n"
    (sample / "seeds/ferry.txt").write_bytes(text)
    registry = sample / "seeds/sources.yml"
    entry = registry.read_text(encoding="utf-8")
    again = re.sub(r"[0-9a-f]{64}", hashlib.sha256(text).hexdigest(), entry)
    registry.write_text(entry + again.replace("file: harbour.txt", "file: ferry.txt"))
    write(
        sample / "facts/zz.yml",
        GOOD_FACT.replace("Weekly inspections of the bridge.", "The ferry resumed service.")
        .replace("of the bridge", "")
        .replace(
            "The office proposed weekly inspections", "The ferry resumed service on Wednesday"
        ),
    )
    with (sample / "facts/zz.yml").open("a", encoding="utf-8") as facts:
        facts.write(GOOD_FACT.replace("id: extra", "id: extra-two").replace("gazette", "ferry"))
    assert [h for h in headlines(sample) if "error[" in h] == [
        "seeds/sources.yml:14:7: error[duplicate-id]: source id 'gazette' is already used at "
        "line 1; give each source its own id; their citations are checked once each has its "
        "own"
    ]


@pytest.mark.parametrize("content", [b"", b"\xef\xbb\xbf", b" \n\n"], ids=["empty", "bom", "blank"])
def test_an_empty_source_text_is_an_error_not_a_source_of_any_quote(
    sample: Path, content: bytes
) -> None:
    """An empty file, pinned with the sha256 of nothing, used to let every quote of it pass."""
    (sample / "seeds/harbour.txt").write_bytes(content)
    registry = sample / "seeds/sources.yml"
    text = registry.read_text(encoding="utf-8")
    pinned = re.sub(r"[0-9a-f]{64}", hashlib.sha256(content).hexdigest(), text)
    registry.write_text(pinned, encoding="utf-8")
    _, problems = check_root(sample)
    assert [(p.code, p.message) for p in problems if p.is_error] == [
        ("source-empty", "file 'harbour.txt' has no text")
    ]


@pytest.mark.parametrize(
    "value",
    [
        "",
        "~",
        "null",
        "Null",
        "true",
        "yes",
        "No",
        "off",
        "1",
        "-1",
        "+1",
        "0x1F",
        "0o17",
        "1_000",
        "1:20",
        "1.5",
        ".inf",
        "-.Inf",
        ".nan",
        "1e3",
        "2022-01-06",
        "<<",
        "=",
        "id",
        "7,939",
        "y",
    ],
)
def test_the_fast_resolver_tags_scalars_as_pyyaml_does(value: str) -> None:
    loader = yamlfile._Loader("")
    for implicit in ((True, False), (False, True), (False, False)):
        expected = yaml.resolver.BaseResolver.resolve(loader, yaml.ScalarNode, value, implicit)
        assert loader.resolve(yaml.ScalarNode, value, implicit) == expected
    for kind in (yaml.SequenceNode, yaml.MappingNode):
        expected = yaml.resolver.BaseResolver.resolve(loader, kind, None, (False, False))
        assert loader.resolve(kind, None, (False, False)) == expected


def test_plain_scalars_read_as_pyyaml_reads_them() -> None:
    """The reader skips PyYAML's resolver for plain scalars no implicit type starts with; each
    first character, and the words of every implicit type, must still read as PyYAML reads them
    (dates stay strings, as the loader wants)."""
    words = ["yes", "No", "on", "OFF", "true", "null", "~", "12", "-3", "+4", "0x1f", "1_000"]
    words += [".5", ".inf", "-.inf", ".nan", "2022-01-02", "1:20", "3.0e5", "text"]
    words += [
        chr(first) + "ext" for first in range(33, 127) if chr(first) not in "#&*!|>%@`'\"{}[],?:-"
    ]
    for word in words:
        node, problems = yamlfile.parse_yaml(f"key: {word}\n".encode(), "t.yml")
        expected = yaml.safe_load(f"key: {word}\n")["key"]
        if isinstance(expected, datetime.date):
            expected = word
        assert node is not None and not problems, word
        assert repr(node.value["key"].value) == repr(expected), word  # repr: nan equals nan


def test_links_that_lead_nowhere_or_astray_are_warned_of_where_written(
    sample: Path, write: Write
) -> None:
    """Pages drop a script link; a path or a fragment leads elsewhere from each page that shows
    the text, and a root path misses the site under a base URL."""
    text = (
        "The bridge [reopened](/timeline/) [fast](javascript:go(1)) <javascript:go> "
        "<a href='#top'>top</a>\\n\\n[ref]: ../x"
    )
    write(
        sample / "facts/zz.yml",
        GOOD_FACT.replace("Weekly inspections of the bridge.", f'"{text}"'),
    )
    replace_in(sample / "site.yml", "A *sample* briefing", "A [sample](sample.html) briefing")
    _, problems = check_root(sample)
    found = [(p.location.path, p.location.line, p.fact, p.message) for p in problems]
    not_web = "not to a web or mail address:"
    path = f"{not_web} a path, which leads elsewhere from each page that shows the text"
    dropped = f"{not_web} pages drop it, and show the words linked to nothing"
    assert found == [
        ("facts/zz.yml", 5, "extra", f"'text' links to '{target}', {why}")
        for target, why in [
            ("/timeline/", path),
            ("javascript:go(1)", dropped),
            ("javascript:go", dropped),
            ("#top", path),
            ("../x", path),
        ]
    ] + [("site.yml", 4, None, f"'intro' links to 'sample.html', {path}")]
    assert all(p.code == "bad-link" and not p.is_error for p in problems)


def test_html_that_pages_drop_is_warned_of(sample: Path, write: Write) -> None:
    """The sanitizer drops a script, a <b> and an onclick without a word: the editor who wrote
    them would not know why the page shows less."""
    text = (
        "The bridge <b>reopened</b><script>go()</script> <em>fast</em>, "
        "<a href='https://example.org' onclick=go() TITLE=x>here</a> <https://example.org><br/>"
    )
    write(
        sample / "facts/zz.yml",
        GOOD_FACT.replace("Weekly inspections of the bridge.", f'"{text}"'),
    )
    _, problems = check_root(sample)
    assert [(p.code, p.location.line, p.message, p.is_error) for p in problems] == [
        ("raw-html", 5, "'text' has HTML that pages drop: <b>, <script>, onclick on <a>", False)
    ]


def test_images_and_comments_that_pages_drop_are_warned_of(sample: Path, write: Write) -> None:
    """A "not" in an image's words or a comment counted for the wording lint, and no page shows
    it: the text read as the quote's negation and showed the opposite."""
    text = "The bridge reopened![not](https://example.org/a.png) <!-- not --> fast"
    write(
        sample / "facts/zz.yml",
        GOOD_FACT.replace("Weekly inspections of the bridge.", f'"{text}"'),
    )
    _, problems = check_root(sample)
    assert [p.message for p in problems if p.code == "raw-html"] == [
        "'text' has HTML that pages drop: <!-- --> (a comment), ![…](…) (an image)"
    ]
    write(
        sample / "facts/zz.yml",
        GOOD_FACT.replace("Weekly inspections of the bridge.", '"Wow![sic] x"'),
    )
    assert headlines(sample) == []


def test_links_and_tags_in_code_spans_are_shown_as_written_without_a_word(
    sample: Path, write: Write
) -> None:
    """A page shows `<b>` or `[x](/y)` in backticks as written: neither drops, so no warning.
    A link outside the spans, after one left open or past a paragraph's end, is still one."""
    code = "The bridge `<b>` and `[x](/y)` and ``a ` <script>go()</script> `` reopened"
    write(
        sample / "facts/zz.yml",
        GOOD_FACT.replace("Weekly inspections of the bridge.", f'"{code}"'),
    )
    assert headlines(sample) == []
    for text in ("The bridge `a` [x](/y) `b`", "The `bridge [x](/y)", "The `bridge\\n\\n[x](/y)`"):
        write(
            sample / "facts/zz.yml",
            GOOD_FACT.replace("Weekly inspections of the bridge.", f'"{text}"'),
        )
        _, problems = check_root(sample)
        assert [(p.code, p.message) for p in problems] == [
            (
                "bad-link",
                "'text' links to '/y', not to a web or mail address: a path, which "
                "leads elsewhere from each page that shows the text",
            )
        ], text


# Backticks always followed by a letter or a space, so every run is one backtick long: there,
# CommonMark's rule and Python-Markdown's agree on every span.
@given(st.lists(st.sampled_from(["`a", "` ", "a ", "\n\n", "<b>"]), max_size=16).map("".join))
def test_code_spans_are_found_as_pages_find_them(text: str) -> None:
    """Every <b> that Python-Markdown passes on as HTML, and only those, stands outside the spans."""
    assert without_code(text).count("<b>") == markdown.markdown(text).count("<b>")


def test_web_and_mail_links_are_kept_without_a_word(sample: Path, write: Write) -> None:
    text = (
        "The bridge [reopened](https://example.org/a_(b)) [mail](MAILTO:desk@example.org) "
        "<http://example.org> <a href='https://example.org'>here</a> [x]( https://example.org )"
    )
    write(
        sample / "facts/zz.yml",
        GOOD_FACT.replace("Weekly inspections of the bridge.", f'"{text}"'),
    )
    assert headlines(sample) == []


def test_a_facts_link_that_leads_nowhere_is_reported_not_skipped(sample: Path) -> None:
    """A broken or looping link in facts/ was left out without a word, and check passed."""
    (sample / "facts/gone.yml").symlink_to(sample / "facts/nowhere.yml")
    (sample / "facts/loop.yml").symlink_to(sample / "facts/loop.yml")
    (sample / "site.yml").rename(sample / "settings.yml")
    (sample / "site.yml").mkdir()
    assert [h for h in headlines(sample) if "missing-file" in h] == [
        "facts/gone.yml: error[missing-file]: a link that leads to no file (it is broken, or "
        "loops); link it to a file; `site-gen init NEW_FOLDER` writes a briefing with one to copy",
        "facts/loop.yml: error[missing-file]: a link that leads to no file (it is broken, or "
        "loops); link it to a file; `site-gen init NEW_FOLDER` writes a briefing with one to copy",
        "site.yml: error[missing-file]: a folder, where a file was expected; move the folder "
        "away; `site-gen init NEW_FOLDER` writes a briefing with one to copy",
    ]


def test_a_facts_folder_that_cannot_be_listed_is_reported_not_skipped(
    sample: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A folder without read permission was left out without a word, and check passed without
    its facts. The tests run as root, who may list any folder: the file system's refusal is made
    where site_gen meets it, as `chmod 000 facts/more` makes it for anyone else."""
    refused = sample / "facts/more"
    listing = os.scandir

    def scandir(path: Any = ".") -> Any:
        if Path(path) == refused:
            raise PermissionError(13, "Permission denied", str(path))
        return listing(path)

    monkeypatch.setattr(os, "scandir", scandir)
    # The facts in it are unknown, not missing: events.yml's references to them wait.
    assert [h for h in headlines(sample) if "error[" in h] == [
        "facts/more: error[file-unreadable]: cannot read folder: Permission denied; make the "
        "folder readable"
    ]


def test_hidden_files_beside_the_facts_are_not_read(sample: Path, write: Write) -> None:
    """Editors and systems leave these: an Emacs autosave, macOS metadata, a hidden folder."""
    write(sample / "facts/.#events.yml", GOOD_FACT)
    (sample / "facts/._events.yml").write_bytes(b"\x00\x05\x16\x07 not YAML")
    write(sample / "facts/.trash/old.yml", GOOD_FACT)
    assert headlines(sample) == []


def test_a_missing_settings_file_says_how_to_get_one(sample: Path) -> None:
    (sample / "site.yml").unlink()
    assert headlines(sample) == [
        "site.yml: error[missing-file]: file not found; create it; "
        "`site-gen init NEW_FOLDER` writes a briefing with one to copy"
    ]


@pytest.mark.parametrize(
    ("language", "refused"),
    [
        ("en-GB", False),
        ("kk-Cyrl-KZ", False),
        ("es-419", False),
        ("english", True),
        ("en_GB", True),
    ],
)
def test_language_is_a_language_tag(sample: Path, language: str, refused: bool) -> None:
    """Pages carry it in <html lang>: "english" there tells browsers and screen readers nothing."""
    replace_in(sample / "site.yml", "language: en", f"language: {language}")
    result = run_cli("check", "--root", sample)
    assert result.returncode == int(refused), result.stderr
    problem = (
        f"site.yml:3:11: error[bad-language]: 'language' is '{language}'; write it like en, "
        "en-GB or kk-Cyrl-KZ (a BCP 47 language tag)"
    )
    assert (problem in result.stderr) == refused
