"""Writing the output: the spare folder is updated in place, and the output always ends up exact."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import run_cli
from test_build import read_tree

from site_gen import output
from site_gen.output import MANIFEST, MARKER, spare_of, write_output
from site_gen.output_memory import WriteMemory

Write = Callable[[dict[str, bytes], Path], int]

FIRST = {"index.html": b"home", "facts/a/index.html": b"a", "assets/style.css": b"css"}
SECOND = {"index.html": b"home v2", "facts/b/index.html": b"b", "assets/style.css": b"css"}


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def expected(files: dict[str, bytes]) -> dict[str, bytes]:
    return files | {MARKER: b""}


@pytest.fixture(params=["build", "preview"])
def write(request: pytest.FixtureRequest) -> Write:
    """Write as a one-off build does, or as a preview does: with the memory of its writes."""
    if request.param == "build":
        return write_output
    memory = WriteMemory()
    return lambda files, out: write_output(files, out, memory)


def test_each_build_leaves_exactly_its_files(tmp_path: Path, write: Write) -> None:
    out = tmp_path / "output"
    for files in (FIRST, SECOND, FIRST, SECOND, SECOND, FIRST):
        write(files, out)
        assert read_tree(out) == expected(files)
    spare = spare_of(out)
    assert (spare / MARKER).is_file() and (spare / MANIFEST).is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == [".output.spare", "output"]


def test_unchanged_files_are_not_written_again(tmp_path: Path, write: Write) -> None:
    out = tmp_path / "output"
    # The first build fills the output, the second a spare; the third updates the first.
    assert [write(FIRST, out) for _ in range(3)] == [3, 3, 0]
    assert write(SECOND, out) == 2


def test_hand_edits_to_the_output_do_not_survive(tmp_path: Path, write: Write) -> None:
    out = tmp_path / "output"
    for _ in range(3):
        write(FIRST, out)
    page = out / "facts/a/index.html"
    page.write_bytes(b"X")  # Same size, new content.
    os.utime(page, ns=(0, 0))
    (out / "stale.html").write_bytes(b"stale")
    (out / "facts/stale").mkdir()
    (out / "facts/link.html").symlink_to(tmp_path / "elsewhere.html")
    for _ in range(3):
        write(FIRST, out)
        assert read_tree(out) == expected(FIRST)
    assert not (tmp_path / "elsewhere.html").exists()


@pytest.mark.parametrize("manifest", [b"{not json", b"[1, 2]", b'{"1:2": {"index.html": 5}}'])
def test_a_damaged_manifest_is_not_trusted(tmp_path: Path, manifest: bytes, write: Write) -> None:
    out = tmp_path / "output"
    for _ in range(2):
        write(FIRST, out)
    (out / "index.html").write_bytes(b"edited")
    (spare_of(out) / MANIFEST).write_bytes(manifest)
    for files in (FIRST, FIRST, SECOND):
        write(files, out)
        assert read_tree(out) == expected(files)


def test_a_manifest_written_after_a_kill_is_not_trusted(tmp_path: Path, write: Write) -> None:
    """A build killed mid-update leaves no manifest, so the next one rewrites every file."""
    out = tmp_path / "output"
    for _ in range(3):
        write(FIRST, out)
    spare = spare_of(out)
    (spare / MANIFEST).unlink()
    (spare / "index.html").write_bytes(b"half")
    write(FIRST, out)
    write(FIRST, out)
    assert read_tree(out) == expected(FIRST)


def test_a_foreign_folder_in_the_spares_place_is_refused(sample: Path) -> None:
    spare = spare_of(sample / "output")
    spare.mkdir()
    (spare / "keep.txt").write_text("mine", encoding="utf-8")
    result = run_cli("build", "--root", sample)
    assert result.returncode == 2
    assert "move it away" in result.stderr
    assert (spare / "keep.txt").read_text(encoding="utf-8") == "mine"


def test_a_preview_finds_hand_edits_without_walking_the_folders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    memory = WriteMemory()
    out = tmp_path / "output"
    for files in (FIRST, SECOND, FIRST):
        write_output(files, out, memory)

    def walk(*args: object) -> None:
        raise AssertionError("the preview walked the spare folder")

    monkeypatch.setattr(output, "_keep_unchanged", walk)
    page = out / "facts/a/index.html"
    page.write_bytes(b"X")  # Same size, new content: only its time tells.
    os.utime(page, ns=(0, 0))
    for files in (SECOND, FIRST, FIRST, SECOND, FIRST):
        write_output(files, out, memory)
        assert read_tree(out) == expected(files)


def test_a_preview_walks_after_another_build_wrote(tmp_path: Path) -> None:
    memory = WriteMemory()
    out = tmp_path / "output"
    for files in (FIRST, SECOND, FIRST):
        write_output(files, out, memory)
    write_output(SECOND, out)  # Another process: a `site-gen build` beside the preview.
    (spare_of(out) / "stray.html").write_bytes(b"stray")
    write_output(SECOND, out)
    (spare_of(out) / "index.html").write_bytes(b"home v9")  # Same size, time of now.
    for files in (FIRST, SECOND, FIRST):
        write_output(files, out, memory)
        assert read_tree(out) == expected(files)


def test_the_saved_manifests_describe_both_folders(tmp_path: Path, write: Write) -> None:
    # A preview reuses the JSON of the manifest it saved last; what is on disk must still say
    # what each folder holds now, since a later build trusts it.
    out = tmp_path / "output"
    for files in (FIRST, SECOND, FIRST, FIRST, SECOND):
        write(files, out)
        saved = json.loads((spare_of(out) / MANIFEST).read_bytes())
        for folder in (out, spare_of(out)):
            status = folder.stat()
            assert saved[f"{status.st_dev}:{status.st_ino}"] == {
                name: [path.stat().st_size, path.stat().st_mtime_ns, sha256(content)]
                for name, content in read_tree(folder).items()
                if name not in (MARKER, MANIFEST)
                for path in [folder / name]
            }
