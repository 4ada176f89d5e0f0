"""New site roots: an example briefing that builds at once, with the theme and editor schemas."""

from __future__ import annotations

from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from site_gen.config import Config
from site_gen.errors import UsageError
from site_gen.model import jsonschema

# The example project, shipped as package data.
SKELETON = "skeleton"
# The generic theme: a symlink to the repository's templates/, installed as package data.
THEME = "theme"


def create_project(target: Path) -> list[Path]:
    """Write a new site root into target (new or empty); return the files written."""
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise UsageError(f"{target} already exists and is not an empty folder; name a new one")
    config = Config.for_root(target)
    files = _tree(resources.files("site_gen") / SKELETON)
    templates = config.display(config.templates_dir)
    files |= {f"{templates}/{name}": data for name, data in theme_files().items()}
    files |= {
        f"{jsonschema.FOLDER}/{name}": text.encode()
        for name, text in jsonschema.rendered_schemas().items()
    }
    written = []
    for relative, data in sorted(files.items()):
        path = target / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        written.append(path)
    return written


def theme_files() -> dict[str, bytes]:
    """Return the generic theme's templates and assets, keyed by relative path."""
    return _tree(resources.files("site_gen") / THEME)


def _tree(folder: Traversable, prefix: str = "") -> dict[str, bytes]:
    """Read every file under a package folder."""
    files: dict[str, bytes] = {}
    for entry in folder.iterdir():
        if entry.is_dir():
            files |= _tree(entry, f"{prefix}{entry.name}/")
        else:
            files[prefix + entry.name] = entry.read_bytes()
    return files
