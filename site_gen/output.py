"""The output folder: replaced in one step, and the previous one kept to be updated next time.

A build writes into a spare folder beside the output, `.<output>.spare/`, then swaps the two in one
step, so readers see either the old site or the new one, never a mix. The spare keeps the
previous output afterwards: the next build only rewrites the files that changed, instead of
writing every file into an empty folder and deleting the old one file by file.

The spare's manifest says what each of the two folders holds: per file its size, modification
time and SHA-256. A file whose size or time differs from its entry, say because someone edited
the output by hand, is rewritten; a file the manifest does not list is deleted. The manifest is
deleted before the spare is touched and written again only once the swap is done, so a killed
build never trusts a stale one: the next build then rewrites every file.

A preview keeps what it wrote in memory (site_gen.output_memory), which spares its rebuilds the
walk of the spare folder as long as its own manifest is the one it finds.
"""

from __future__ import annotations

import ctypes
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # Imported for its type only: it builds on this module.
    from site_gen.output_memory import WriteMemory

# A file in every folder site_gen writes, so it never deletes a folder it did not create.
MARKER = ".site-gen-output"
# Only ever in the spare, never in the output: the swap happens before it is written.
MANIFEST = ".site-gen-manifest.json"
# What a file of a folder held when site_gen wrote it: size, mtime in ns, SHA-256 of the content.
Entry = tuple[int, int, str]
Manifest = dict[str, Entry]


def spare_of(out: Path) -> Path:
    """Return the spare folder beside `out`: a dot-folder, so file listings leave it out."""
    return out.with_name(f".{out.name}.spare")


def is_foreign(folder: Path) -> bool:
    """Tell whether a folder holds files but not the marker site_gen leaves in its own."""
    return folder.is_dir() and any(folder.iterdir()) and not (folder / MARKER).is_file()


def write_output(files: Mapping[str, bytes], out: Path, memory: WriteMemory | None = None) -> int:
    """Bring the spare up to date with `files`, then swap it in for `out`; return files written.

    A preview passes the memory of its previous writes, which spares it the walk of the spare.
    """
    out.parent.mkdir(parents=True, exist_ok=True)
    _remove_leftovers(out)
    spare = spare_of(out)
    if not spare.exists():
        _create(spare, out)
    saved = _take_manifests(spare)
    key = _folder_key(spare)
    recalled = memory.recall(spare, key, saved, files) if memory else None
    if recalled is None:
        manifests = _parse_manifests(saved)
        kept: Manifest = {}
        _keep_unchanged(str(spare), "", files, folders_of(files), manifests.get(key, {}), kept)
    else:
        manifests, kept = recalled.manifests, recalled.kept
    entries, written = _update(spare, files, kept, memory.digest if memory else content_digest)
    if memory:
        memory.note_update(spare, key, files, entries, recalled)
    if out.exists():
        previous = manifests.get(_folder_key(out), {})
        _exchange(spare, out)
    else:
        # A first build leaves an empty spare, whose manifest already knows the output.
        previous = {}
        spare.rename(out)
        _create(spare, out)
    # The folders swapped places, and each manifest travels with its folder's key.
    manifests_now = {_folder_key(out): entries, _folder_key(spare): previous}
    data = _save_manifests(
        spare, manifests_now, memory.serialized if memory else serialized_manifest
    )
    if memory:
        memory.note_saved(manifests_now, data)
    return written


def _create(spare: Path, out: Path) -> None:
    """Create the spare under a staging name, renamed only once it carries the marker."""
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.staging-", dir=out.parent))
    (staging / MARKER).write_bytes(b"")
    staging.rename(spare)


def _folder_key(folder: Path) -> str:
    """Return what identifies a folder across renames: its device and inode."""
    status = folder.stat()
    return f"{status.st_dev}:{status.st_ino}"


def _take_manifests(spare: Path) -> bytes:
    """Read the spare's manifests and delete them, before anything in the spare changes."""
    path = spare / MANIFEST
    try:
        data = path.read_bytes()
    except OSError:
        return b""
    path.unlink()
    return data


def _parse_manifests(data: bytes) -> dict[str, Manifest]:
    """Return the manifests saved as `data`; none at all for anything site_gen did not write."""
    try:
        return {
            key: {
                name: (int(size), int(mtime), str(digest))
                for name, (size, mtime, digest) in folder.items()
            }
            for key, folder in json.loads(data).items()
        }
    except (AttributeError, TypeError, ValueError):
        return {}  # Not a manifest site_gen wrote: trust nothing.


def _save_manifests(
    spare: Path, manifests: dict[str, Manifest], serialized: Callable[[Manifest], bytes]
) -> bytes:
    """Write the manifests in one step, so a kill leaves either all of them or none; return
    the bytes written."""
    staged = spare / f"{MANIFEST}.tmp"
    folders = (json.dumps(key).encode() + b":" + serialized(m) for key, m in manifests.items())
    data = b"{" + b",".join(folders) + b"}"
    staged.write_bytes(data)
    staged.rename(spare / MANIFEST)
    return data


def serialized_manifest(manifest: Manifest) -> bytes:
    """Return one folder's manifest as saved."""
    return json.dumps(manifest, separators=(",", ":")).encode()


def content_digest(name: str, content: bytes) -> str:
    """Return the SHA-256 a manifest notes for a file's content."""
    return hashlib.sha256(content).hexdigest()


def _update(
    folder: Path, files: Mapping[str, bytes], kept: Manifest, digest: Callable[[str, bytes], str]
) -> tuple[Manifest, int]:
    """Write every file whose content `kept` does not already hold there; return the folder's
    manifest and how many files were written."""
    entries: Manifest = {}
    written = 0
    for name, content in files.items():
        hashed = digest(name, content)
        entry = kept.get(name)
        if entry is not None and entry[2] == hashed:
            entries[name] = entry
            continue
        # Plain strings: at thousands of files, building Path objects costs more than writing.
        target = f"{folder}/{name}"
        os.makedirs(target.rpartition("/")[0], exist_ok=True)
        with open(target, "wb") as stream:
            stream.write(content)
            stream.flush()  # So that the size and time noted are those of the whole file.
            status = os.fstat(stream.fileno())
        entries[name] = (status.st_size, status.st_mtime_ns, hashed)
        written += 1
    return entries, written


def folders_of(files: Iterable[str]) -> set[str]:
    """Return every folder the files sit in, as paths like 'people/ada'."""
    folders: set[str] = set()
    for name in files:
        folder = name.rpartition("/")[0]
        while folder and folder not in folders:
            folders.add(folder)
            folder = folder.rpartition("/")[0]
    return folders


def _keep_unchanged(
    path: str,
    prefix: str,
    files: Mapping[str, bytes],
    folders: set[str],
    known: Manifest,
    kept: Manifest,
) -> None:
    """Delete what the new output has no place for; note in `kept` the untouched files.

    A file counts as untouched when its size and time match its manifest entry. Symbolic links
    are deleted, never followed.
    """
    with os.scandir(path) as scan:
        children = list(scan)
    for child in children:
        name = prefix + child.name
        if child.is_symlink():
            os.unlink(child.path)
        elif child.is_dir():
            if name in folders:
                _keep_unchanged(child.path, name + "/", files, folders, known, kept)
            else:
                shutil.rmtree(child.path)
        elif name in files:
            status = child.stat()
            entry = known.get(name)
            if entry is not None and entry[:2] == (status.st_size, status.st_mtime_ns):
                kept[name] = entry
        elif name != MARKER or prefix:
            os.unlink(child.path)


def _remove_leftovers(out: Path) -> None:
    """Delete staging folders that a killed build left behind (only ones carrying the marker)."""
    for leftover in out.parent.glob(f".{out.name}.staging-*"):
        if (leftover / MARKER).is_file() or not any(leftover.iterdir()):
            _discard(leftover)


def _discard(folder: Path) -> None:
    """Delete a folder site_gen owns, its marker last, so an interrupted delete can be resumed."""
    for child in folder.iterdir():
        if child.name == MARKER:
            continue
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()
    (folder / MARKER).unlink(missing_ok=True)
    folder.rmdir()


_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def _exchange(a: Path, b: Path) -> None:
    """Swap two folders in one step (Linux renameat2), so `b` is never missing or half-written."""
    libc = ctypes.CDLL(None, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is not None:
        result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
        if result == 0:
            return
    # Without an atomic exchange, keep the window in which `b` is missing as short as possible.
    aside = b.with_name(f".{b.name}.staging-old")
    b.rename(aside)
    a.rename(b)
    aside.rename(a)
