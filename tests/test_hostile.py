"""Hostile input: every bad file gets exactly the located errors its case declares, never a crash.

Each file in tests/hostile/ is one case. Its first line names where it goes in a copy of the
sample project (`# target: facts/zz.yml`), and each `# expect:` line is one error the check
must report, word for word. Cases that need bytes or file-system tricks are written below.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from pathlib import Path

import pytest

from site_gen.cli import main
from site_gen.sources.yaml import MAX_FILE_BYTES, MAX_SCALAR_CHARS

CASES = sorted((Path(__file__).parent / "hostile").glob("*.yml"))
_REPORTED = re.compile(r"^\S+: (?:error|warning)\[")


def check_lines(root: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    """Run `site-gen check` in-process; return its exit code and the problem lines it printed."""
    code = main(["check", "--root", str(root)])
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return code, [line for line in err.splitlines() if _REPORTED.match(line)]


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_case(case: Path, sample: Path, capsys: pytest.CaptureFixture[str]) -> None:
    header = case.read_bytes().decode("utf-8").splitlines()
    target = header[0].removeprefix("# target: ")
    expected = [line.removeprefix("# expect: ") for line in header if line.startswith("# expect: ")]
    shutil.copy(case, sample / target)
    code, reported = check_lines(sample, capsys)
    assert code == 1
    assert reported == expected


def replace_source(sample: Path, data: bytes) -> None:
    """Overwrite the sample's source text and re-pin it, as an editor adding a new source would."""
    (sample / "seeds/harbour.txt").write_bytes(data)
    registry = sample / "seeds/sources.yml"
    text = registry.read_text(encoding="utf-8")
    text = re.sub(r'sha256: "\w+"', f'sha256: "{hashlib.sha256(data).hexdigest()}"', text)
    registry.write_text(text, encoding="utf-8")


def test_source_with_bom_and_crlf_is_read(sample: Path, capsys: pytest.CaptureFixture[str]) -> None:
    original = (sample / "seeds/harbour.txt").read_bytes()
    replace_source(sample, b"\xef\xbb\xbf" + original.replace(b"\n", b"\r\n"))
    code, reported = check_lines(sample, capsys)
    assert (code, reported) == (0, [])


def test_source_with_invalid_utf8(sample: Path, capsys: pytest.CaptureFixture[str]) -> None:
    replace_source(sample, (sample / "seeds/harbour.txt").read_bytes() + b"caf\xe9\n")
    code, reported = check_lines(sample, capsys)
    assert code == 1
    assert reported == [
        "seeds/harbour.txt:7:4: error[encoding]: invalid UTF-8 (byte 0xe9); save the file as UTF-8"
    ]


def test_facts_file_with_invalid_utf8(sample: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (sample / "facts/zz.yml").write_bytes(b"- id: x\n  text: caf\xe9\n")
    code, reported = check_lines(sample, capsys)
    assert code == 1
    assert reported == [
        "facts/zz.yml:2:12: error[encoding]: invalid UTF-8 (byte 0xe9); save the file as UTF-8"
    ]


def test_symlink_out_of_seeds_is_refused(sample: Path, capsys: pytest.CaptureFixture[str]) -> None:
    outside = sample.parent / "secret.txt"
    outside.write_text("The harbour bridge reopened on Tuesday after a storm.\n", encoding="utf-8")
    (sample / "seeds/harbour.txt").unlink()
    os.symlink(outside, sample / "seeds/harbour.txt")
    code, reported = check_lines(sample, capsys)
    assert code == 1
    assert (
        "seeds/sources.yml:2:9: error[source-path]: file 'harbour.txt' is outside seeds/; put the source text in seeds/ and name it by its file name"
        in reported
    )


def test_enormous_file_is_refused(sample: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with (sample / "facts/zz.yml").open("wb") as f:
        f.truncate(MAX_FILE_BYTES + 1)
    code, reported = check_lines(sample, capsys)
    assert code == 1
    assert reported == [
        f"facts/zz.yml: error[file-too-large]: file has {MAX_FILE_BYTES + 1} bytes, more than the "
        f"limit of {MAX_FILE_BYTES}; split it into smaller files"
    ]


def test_enormous_value_is_refused(sample: Path, capsys: pytest.CaptureFixture[str]) -> None:
    size = MAX_SCALAR_CHARS + 1
    (sample / "facts/zz.yml").write_text(f"- id: big\n  text: {'a' * size}\n", encoding="utf-8")
    code, reported = check_lines(sample, capsys)
    assert code == 1
    assert (
        f"facts/zz.yml:2:9: error[value-too-long]: value has {size} characters, more than "
        f"{MAX_SCALAR_CHARS}; split it or shorten it"
    ) in reported
