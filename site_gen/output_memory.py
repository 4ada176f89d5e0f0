"""What a preview remembers of its own writes, so a rebuild need not walk the spare folder.

write_output reads the spare's manifest, then walks the spare folder by folder to find the files
it can keep: at 10,000 pages that is 11,000 folders, most of a rebuild's write. A process whose
own write left the manifest, byte for byte, knows that no other build has touched the folders
since (every build takes the manifest first), and knows what the manifest says. It checks the
spare with one stat per folder and per file instead of a walk:

- a folder whose time differs from the one its last update left had an entry added or removed
  by someone else, and so does a top level listing other names: the write falls back to the walk;
- a file whose size or time differs from its entry, or that is no longer a plain file, is not
  kept, so it is written again, exactly as the walk would decide.

Contents that the last write hashed, and that come back as the very same bytes object (a
preview reuses the pages an edit spared), are not hashed again.
"""

from __future__ import annotations

import os
import shutil
import stat
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from site_gen.output import (
    MARKER,
    Manifest,
    content_digest,
    folders_of,
    serialized_manifest,
)


@dataclass(frozen=True)
class Recalled:
    """What the memory found in the spare: the manifests, and the files it can keep as they are."""

    manifests: dict[str, Manifest]
    kept: Manifest
    # Each folder's time as checked, and the files deleted because the new output has no place.
    times: dict[str, int]
    deleted: list[str]


class WriteMemory:
    """The manifests a process last saved, and the folder times its updates left."""

    def __init__(self) -> None:
        self.saved = b""
        self.manifests: dict[str, Manifest] = {}
        # By folder key: the time of every folder inside, as the last update of it left them.
        self.times: dict[str, dict[str, int]] = {}
        self.digests: dict[str, tuple[bytes, str]] = {}
        # The paths of the last files written, and the folders they sit in.
        self.layout: tuple[set[str], set[str]] = (set(), set())
        # The manifests the last save serialized, each with its JSON.
        self.serials: list[tuple[Manifest, bytes]] = []

    def recall(
        self, spare: Path, key: str, saved: bytes, files: Mapping[str, bytes]
    ) -> Recalled | None:
        """Delete from the spare what `files` has no place for; return what it can keep.

        Return None when the spare may hold what the memory does not know of: only a walk
        can then tell.
        """
        known = self.manifests.get(key)
        times = self.times.pop(key, None)  # Noted again after the update, whatever happens.
        if not saved or saved != self.saved or known is None or times is None:
            return None
        root = str(spare)
        try:
            if not _holds_only(root, known, times):
                return None
            kept: Manifest = {}
            deleted: list[str] = []
            for name, entry in known.items():
                status = os.lstat(f"{root}/{name}")
                if not stat.S_ISREG(status.st_mode):
                    return None  # Replaced by a link or a folder: the walk deletes those safely.
                if name not in files:
                    os.unlink(f"{root}/{name}")
                    deleted.append(name)
                elif entry[:2] == (status.st_size, status.st_mtime_ns):
                    kept[name] = entry
            wanted = self.folders(files)
            for folder in sorted(set(times) - wanted):
                shutil.rmtree(f"{root}/{folder}", ignore_errors=True)
        except OSError:
            return None
        return Recalled(self.manifests, kept, times, deleted)

    def note_update(
        self,
        spare: Path,
        key: str,
        files: Mapping[str, bytes],
        entries: Manifest,
        recalled: Recalled | None,
    ) -> None:
        """Note the folder times that an update of the spare left.

        After a recall only the folders where files were created or deleted can have changed;
        after a walk, every folder is looked at once.
        """
        self.digests = {name: self.digests[name] for name in files if name in self.digests}
        folders = self.folders(files)
        root = str(spare)
        if recalled is None:
            self.times[key] = _times(root, folders)
            return
        written = (name for name, entry in entries.items() if recalled.kept.get(name) != entry)
        touched = folders_of([*written, *recalled.deleted]) & folders
        times = {f: t for f, t in recalled.times.items() if f in folders and f not in touched}
        self.times[key] = times | _times(root, touched)

    def note_saved(self, manifests: dict[str, Manifest], saved: bytes) -> None:
        """Remember the manifests as saved, to know them again in the next write."""
        self.manifests = manifests
        self.saved = saved

    def folders(self, files: Mapping[str, bytes]) -> set[str]:
        """Return the folders the files sit in: the same as last time unless a path came or went."""
        paths, folders = self.layout
        if files.keys() != paths:
            paths, folders = set(files), folders_of(files)
            self.layout = (paths, folders)
        return folders

    def serialized(self, manifest: Manifest) -> bytes:
        """Return a folder's manifest as saved. What one write noted of the output is what the
        next one saves for the spare: its JSON is not made again."""
        data = next((data for known, data in self.serials if known is manifest), None)
        if data is None:
            data = serialized_manifest(manifest)
        self.serials = [(manifest, data), *self.serials[:1]]
        return data

    def digest(self, name: str, content: bytes) -> str:
        """Return the SHA-256 of a file's content; the same bytes object as last time is not
        hashed again."""
        known = self.digests.get(name)
        if known is not None and known[0] is content:
            return known[1]
        hashed = content_digest(name, content)
        self.digests[name] = (content, hashed)
        return hashed


def _holds_only(root: str, known: Manifest, times: dict[str, int]) -> bool:
    """Tell whether a folder holds no entry that its manifest and folder times do not account for.

    The top level is listed, since the manifest itself comes and goes there; below it, a
    folder's time changes whenever an entry is added to it or removed.
    """
    top = {name.partition("/")[0] for name in known} | {MARKER}
    if set(os.listdir(root)) != top:
        return False
    for folder, time in times.items():
        status = os.lstat(f"{root}/{folder}")
        if not stat.S_ISDIR(status.st_mode) or status.st_mtime_ns != time:
            return False
    return True


def _times(root: str, folders: Iterable[str]) -> dict[str, int]:
    return {folder: os.lstat(f"{root}/{folder}").st_mtime_ns for folder in folders}
