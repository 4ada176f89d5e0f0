"""Where a site root keeps its inputs and where a build writes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

SETTINGS_FILE = "site.yml"
REGISTRY_FILE = "sources.yml"


@dataclass(frozen=True)
class Config:
    """Paths and options for one run; commands take one and return an exit code."""

    root: Path
    out: Path
    base_url: str | None = None
    strict: bool = False

    @classmethod
    def for_root(
        cls,
        root: Path,
        out: Path | None = None,
        base_url: str | None = None,
        strict: bool = False,
    ) -> Config:
        """Resolve paths once, so every later stage can compare them safely."""
        root = root.resolve()
        out = (out or root / "output").resolve()
        return cls(root=root, out=out, base_url=base_url, strict=strict)

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
