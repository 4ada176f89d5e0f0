"""The output folder: written whole beside the old one, then swapped in for it in one step.

A build writes every file into a new staging folder next to the output, then exchanges the two
folders atomically, so readers see either the old site or the new one, never a mix, and a build
killed halfway leaves the old output as it was. The old output is deleted afterwards. Every
folder site_gen writes carries a marker, so it never replaces or deletes a folder it did not
create. A preview, which builds again on every save, rewrites only the files that changed.
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import os
import shutil
import tempfile
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from site_gen.errors import UsageError

# A file in every folder site_gen writes, so it never deletes a folder it did not create.
MARKER = ".site-gen-output"
_STAGING = ".{name}.staging-"


def is_foreign(folder: Path) -> bool:
    """Tell whether a folder holds files but not the marker site_gen leaves in its own."""
    return folder.is_dir() and any(folder.iterdir()) and not (folder / MARKER).is_file()


@dataclass(frozen=True)
class Written:
    """An output folder as this process wrote it, so that the next build may change only what
    differs."""

    out: Path
    files: Mapping[str, bytes]
    # The marker's inode: a folder that another build swapped in has a marker of its own.
    marker: int


def write_output(files: Mapping[str, bytes], out: Path, previous: Written | None = None) -> Written:
    """Write `files` into a new folder and swap it in for `out` in one step.

    With `previous`, what this process wrote last, and `out` still that folder, only the files
    that changed are written and those that went deleted, each in one step. For a preview, which
    builds again on every save and changes a few files: writing them all, and deleting the old
    ones, took longer than the rest of a rebuild on a slow disk (benchmarks/README.md).
    """
    try:
        return _write(files, out, previous)
    except OSError as exc:
        # The file system's own message names the staging folder, which the user never chose.
        raise UsageError(
            f"cannot write the output folder {out}: {exc.strerror or exc}; choose a folder "
            "you can write to"
        ) from None


def _write(files: Mapping[str, bytes], out: Path, previous: Written | None) -> Written:
    """Write the output as write_output says, letting the file system's errors through."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with _one_writer(out.parent):
        if previous is not None and previous.out == out and previous.marker == _marker(out):
            try:
                _update(previous.files, files, out)
            except OSError:
                # A file became a folder, or a folder a file, since the last build: the whole
                # output, written anew, is right whatever the update left.
                _write_whole(files, out)
        else:
            _write_whole(files, out)
        return Written(out, files, _marker(out))


@contextlib.contextmanager
def _one_writer(parent: Path) -> Iterator[None]:
    """Let one build at a time write beside `parent`'s outputs; another waits its turn.

    Two builds into one output at once took each other's staging folder for one a killed build
    left behind, deleted it, and with it the old output. The lock is the kernel's (flock on the
    folder), so a killed build releases it; where the file system has none, builds go unlocked.
    """
    descriptor = os.open(parent, os.O_RDONLY)
    try:
        with contextlib.suppress(OSError):
            fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # Which releases the lock.


def _write_whole(files: Mapping[str, bytes], out: Path) -> None:
    """Write every file into a staging folder beside `out`, then exchange the two."""
    _remove_leftovers(out)
    staging = Path(tempfile.mkdtemp(prefix=_STAGING.format(name=out.name), dir=out.parent))
    # mkdtemp makes a private folder; a web server running as another user must read the site.
    staging.chmod(0o777 & ~_umask())
    (staging / MARKER).write_bytes(b"")
    for name, content in files.items():
        path = staging / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    if out.exists():
        _exchange(staging, out)
        # The previous output, now in the staging folder, is deleted while this process goes on:
        # deleting is slower than writing on some disks, and a preview's reader waits for
        # neither. The process still waits for it before it exits (the thread is no daemon);
        # a killed process leaves a marked staging folder, which the next build deletes.
        threading.Thread(target=_discard, args=(staging,), name="discard-old-output").start()
    else:
        staging.rename(out)


def replace_file(path: Path, data: bytes) -> None:
    """Write one file whole or not at all: a new file beside it, renamed over it in one step.

    For the files site_gen keeps beside the site (the sources registry, the verdict cache) and
    each file a preview rewrites, so a failure never leaves half of one behind. The file keeps
    its mode, and a new one gets the umask's, as an editor's save would.
    """
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with temporary.open("xb") as out:
            out.write(data)
        if path.exists():
            shutil.copymode(path, temporary)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _update(old: Mapping[str, bytes], files: Mapping[str, bytes], out: Path) -> None:
    """Bring a folder that holds `old` to `files`, file by file."""
    for name, content in files.items():
        if old.get(name) != content:
            path = out / name
            path.parent.mkdir(parents=True, exist_ok=True)
            replace_file(path, content)
    for name in old.keys() - files.keys():
        path = out / name
        path.unlink(missing_ok=True)
        for folder in path.parents:
            if folder == out or not folder.is_dir() or any(folder.iterdir()):
                break
            folder.rmdir()


def _marker(out: Path) -> int:
    """Return the inode of an output folder's marker, or -1 when it has none."""
    try:
        return (out / MARKER).stat().st_ino
    except OSError:
        return -1


def _umask() -> int:
    """Return the process's umask, which can only be read by setting it."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _remove_leftovers(out: Path) -> None:
    """Delete staging folders that a killed build left behind (only ones carrying the marker).

    A build that finished may still be deleting its old output in one: gone is no error.
    """
    for leftover in out.parent.glob(_STAGING.format(name=out.name) + "*"):
        with contextlib.suppress(FileNotFoundError):
            if leftover.is_dir() and ((leftover / MARKER).is_file() or not any(leftover.iterdir())):
                _discard(leftover)


def _discard(folder: Path) -> None:
    """Delete a folder site_gen owns, its marker last, so a killed delete is resumed next time.

    Another build may be deleting the same leftover folder at once: whatever is already gone
    is no error.
    """
    with contextlib.suppress(FileNotFoundError):
        for child in folder.iterdir():
            if child.name == MARKER:
                continue
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child, ignore_errors=True)
            else:
                child.unlink(missing_ok=True)
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
