"""Remember what reading facts files, matching quotes and checking facts found, by the bytes read.

Entries live outside the site root, in $SITE_GEN_CACHE_DIR or $XDG_CACHE_HOME/site-gen
(~/.cache/site-gen): facts arrive in pull requests from strangers, and a file that a pull request
can add must never make a check pass or run code. Each entry's name is the sha256 of everything
its content depends on: this code (every site_gen module), the Python version, and the input
bytes. An entry that is unreadable, truncated, corrupted or written by other code is a miss.

Entries are pickles, checked against a sha256 of their bytes before loading, and loaded by an
unpickler that can build nothing but site_gen's own model classes, so a planted entry cannot
run code either. Every process also keeps what it read or wrote in memory, so a preview server
re-reads nothing that did not change; each lookup still builds fresh objects, because a check
fills in fields (citation spans) that must not leak from one build into the next.
"""

from __future__ import annotations

import copyreg
import functools
import hashlib
import io
import logging
import os
import pickle
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from site_gen.errors import Location

log = logging.getLogger(__name__)

# Set SITE_GEN_CACHE=0 to turn the cache off; SITE_GEN_CACHE_DIR moves it.
SWITCH_VARIABLE = "SITE_GEN_CACHE"
FOLDER_VARIABLE = "SITE_GEN_CACHE_DIR"
_MAGIC = b"site-gen cache 1\n"
_DIGEST_SIZE = hashlib.sha256().digest_size
# The only classes an entry may contain; anything else means it was not written by this code.
_ALLOWED = {
    "site_gen.errors": {"Location", "Problem", "Severity"},
    "site_gen.model": {
        "Citation",
        "Event",
        "Figure",
        "FigureValue",
        "Organization",
        "Person",
        "Place",
        "Reform",
        "Source",
        "Statement",
    },
    "site_gen.quotes": {"Match", "Miss", "Reason"},
    "site_gen.loader": {"FactsFile", "Registry"},
}
_OFF = ("0", "false", "no", "off")
# Entries no check used for this long are deleted; used ones are marked at most once a day.
MAX_AGE_SECONDS = 30 * 24 * 3600
_TOUCH_SECONDS = 24 * 3600
# Each version's entries sit in a folder of their own, named v-<code_version()>.
_VERSION_FOLDER = re.compile(r"v-[0-9a-f]{16}")
# Set by disabled(): the --no-cache option of this process.
_switched_off = False


class _Unpickler(pickle.Unpickler):
    """Load only site_gen's model classes and plain data; refuse every other global."""

    def find_class(self, module: str, name: str) -> Any:
        if name in _ALLOWED.get(module, ()):
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in a cache entry")


def _reduce_location(location: Location) -> tuple[type[Location], tuple[str, int, int]]:
    """Pickle a Location as a call with its three fields.

    A named tuple's default way runs __getnewargs__ and copyreg for each of the 150,000
    locations of a 10,000-fact site, a third of the time to pickle its facts files.
    """
    return Location, (location.path, location.line, location.column)


# Entries, and the records forked processes send back to be stored as they are, are pickled
# with it.
copyreg.pickle(Location, _reduce_location)


@functools.cache
def code_version() -> str:
    """Return a digest of site_gen's own source and the Python version, which every entry depends on.

    A version number would not do: an edited checkout keeps its version, yet may read files
    differently.
    """
    digest = hashlib.sha256(sys.version.encode())
    package = Path(__file__).resolve().parent
    for module in sorted(package.glob("*.py")):
        digest.update(module.name.encode() + b"\0" + module.read_bytes())
    return digest.hexdigest()[:16]


def default_folder() -> Path | None:
    """Return where entries live, or None when caching is turned off."""
    if _switched_off or os.environ.get(SWITCH_VARIABLE, "").strip().lower() in _OFF:
        return None
    if os.environ.get(FOLDER_VARIABLE):
        return Path(os.environ[FOLDER_VARIABLE])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "site-gen"


@contextmanager
def disabled() -> Iterator[None]:
    """Turn the cache off for a block (the --no-cache option), then restore it."""
    global _switched_off
    previous, _switched_off = _switched_off, True
    try:
        yield
    finally:
        _switched_off = previous


def key(*parts: bytes | str) -> str:
    """Return the entry name for the given inputs, each length-prefixed so none can run into the next."""
    digest = hashlib.sha256(code_version().encode())
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big") + data)
    return digest.hexdigest()


class Store:
    """Entries of one kind ("facts", "quotes"…) in memory and in a folder, by key."""

    def __init__(self, folder: Path, kind: str) -> None:
        self.folder = folder / f"v-{code_version()}" / kind
        self.memory: dict[str, bytes] = {}

    def get(self, name: str) -> Any | None:
        """Return a fresh copy of the entry, or None when it is missing or unusable."""
        data = self.memory.get(name)
        if data is None:
            data = _read(self.folder / name)
            if data is None:
                return None
            self.memory[name] = data
        try:
            return _Unpickler(io.BytesIO(data)).load()
        except Exception:  # Whatever went wrong, the entry cannot be used: a miss.
            del self.memory[name]
            return None

    def put(self, name: str, value: Any) -> None:
        """Keep an entry in memory and, if possible, in the folder."""
        self.put_bytes(name, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))

    def put_bytes(self, name: str, data: bytes) -> None:
        """Keep an entry that is already pickled."""
        self.memory[name] = data
        _write(self.folder / name, data)

    def keep_only(self, names: set[str]) -> None:
        """Keep in memory only the entries named, so a long preview session stays small; on disk,
        mark them used and delete entries unused for a month (an edited file's old versions)."""
        self.memory = {name: data for name, data in self.memory.items() if name in names}
        _tidy(self.folder, names)


def _read(path: Path) -> bytes | None:
    """Return an entry's pickled bytes if its checksum holds."""
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    head = len(_MAGIC) + _DIGEST_SIZE
    data = raw[head:]
    if raw[: len(_MAGIC)] != _MAGIC or raw[len(_MAGIC) : head] != _checksum(path.name, data):
        return None
    return data


def _write(path: Path, data: bytes) -> None:
    """Write an entry atomically (a reader sees the old file or the new one, never half of one).

    The cache only saves time, so a folder that cannot be written is no error.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        _remove_other_versions(path.parent.parent)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(_MAGIC + _checksum(path.name, data) + data)
            os.replace(temporary, path)
        except BaseException:
            os.unlink(temporary)
            raise
    except OSError as exc:
        log.debug("cache: cannot write %s: %s", path, exc)


def _tidy(folder: Path, used: set[str]) -> None:
    """Refresh the time of used entries and delete those unused for MAX_AGE_SECONDS."""
    now = time.time()
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        try:
            age = now - entry.stat().st_mtime
            if entry.name in used and age > _TOUCH_SECONDS:
                os.utime(entry.path)
            elif entry.name not in used and age > MAX_AGE_SECONDS:
                os.unlink(entry.path)
        except OSError:
            continue  # Another process tidied it first.


def _checksum(name: str, data: bytes) -> bytes:
    """Bind an entry's bytes to its name, so a corrupted entry or one copied over another misses."""
    return hashlib.sha256(name.encode() + b"\0" + data).digest()


@functools.cache
def _remove_other_versions(current: Path) -> None:
    """Delete the entries of other versions of site_gen once per process: none can be read."""
    for sibling in current.parent.iterdir():
        if sibling != current and _VERSION_FOLDER.fullmatch(sibling.name) and sibling.is_dir():
            shutil.rmtree(sibling, ignore_errors=True)


class _Stores:
    """This process's stores, one per kind, for the folder in use."""

    folder: Path | None = None
    by_kind: dict[str, Store] = {}  # noqa: RUF012 - one registry per process, on purpose


def store(kind: str) -> Store | None:
    """Return this process's store for one kind of entry, or None while caching is off.

    A preview server keeps its memory from build to build; pointing SITE_GEN_CACHE_DIR
    elsewhere (as each test does) starts again with an empty memory.
    """
    folder = default_folder()
    if folder is None:
        return None
    if folder != _Stores.folder:
        _Stores.folder, _Stores.by_kind = folder, {}
    if kind not in _Stores.by_kind:
        _Stores.by_kind[kind] = Store(folder, kind)
    return _Stores.by_kind[kind]
