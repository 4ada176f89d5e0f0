"""Where a site root keeps its inputs and where a build writes."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from site_gen.errors import UsageError

SETTINGS_FILE = "site.yml"
REGISTRY_FILE = "sources.yml"
# Room a build needs below its output folder: a kind's folder, an id, and index.html.
OUTPUT_DEPTH_BYTES = 256


def check_path_length(path: Path, option: str, below: int = 0) -> None:
    """Refuse a path the file system would refuse, with room for `below` more bytes under it."""
    try:
        name_max, path_max = os.pathconf("/", "PC_NAME_MAX"), os.pathconf("/", "PC_PATH_MAX")
    except (OSError, ValueError):
        name_max, path_max = 255, 4096
    if len(os.fsencode(path)) + below >= path_max or any(
        len(os.fsencode(part)) > name_max for part in path.parts
    ):
        raise UsageError(f"{option} is too long a path for the file system; choose a shorter one")


@dataclass(frozen=True)
class Config:
    """Paths and options for one run; commands take one and return an exit code."""

    root: Path
    out: Path
    base_url: str | None = None
    # The published address, overriding site.yml's: the Pages workflow knows it, not the files.
    site_url: str | None = None
    strict: bool = False
    # Whether draft facts are built too: the preview shows them, published builds leave them out.
    drafts: bool = False

    @classmethod
    def for_root(
        cls,
        root: Path,
        out: Path | None = None,
        base_url: str | None = None,
        site_url: str | None = None,
        strict: bool = False,
        drafts: bool = False,
    ) -> Config:
        """Resolve paths once, so every later stage can compare them safely."""
        check_path_length(root, "--root", OUTPUT_DEPTH_BYTES)
        if out is not None:
            check_path_length(out, "--out", OUTPUT_DEPTH_BYTES)
            # Beside it, a build writes `.NAME.staging-XXXXXXXX`: that name must fit too.
            check_path_length(out.parent / f".{out.name}.staging-xxxxxxxx", "--out")
        try:
            root = root.resolve()
            out = (out or root / "output").resolve()
        except RuntimeError:  # Python's word for a symbolic link that loops.
            raise UsageError("--root or --out is a symbolic link that loops") from None
        return cls(root, out, base_url, site_url, strict, drafts)

    @property
    def facts_dir(self) -> Path:
        return self.root / "facts"

    @property
    def seeds_dir(self) -> Path:
        return self.root / "seeds"

    @property
    def templates_dir(self) -> Path:
        return self.root / "templates"

    @property
    def registry_file(self) -> Path:
        return self.seeds_dir / REGISTRY_FILE

    @property
    def settings_file(self) -> Path:
        return self.root / SETTINGS_FILE

    def display(self, path: Path) -> str:
        """Return `path` as editors see it: relative to the site root, with forward slashes."""
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return path.as_posix()
