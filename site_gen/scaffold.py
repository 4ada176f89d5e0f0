"""New site roots: an example briefing that builds at once with the packaged theme, with editor
schemas; and copies of that theme, ejected for editing."""

from __future__ import annotations

import importlib.metadata
import json
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from site_gen.config import OUTPUT_DEPTH_BYTES, Config, check_path_length
from site_gen.errors import UsageError
from site_gen.model import jsonschema
from site_gen.sources.loader import refuse_outside

# The example project, shipped as package data.
SKELETON = "skeleton"
# The generic theme: a symlink to the repository's templates/, installed as package data.
# Briefings build with it as it ships, so they get its fixes; templates/ holds their overrides.
THEME = "theme"
# The generator's name on the package index, which the new project's requirements.txt names.
DISTRIBUTION = "site-gen"


def create_project(target: Path) -> list[Path]:
    """Write a new site root into target (new or empty); return the files written."""
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise UsageError(f"{target} already exists and is not an empty folder; name a new one")
    check_path_length(target, "DIR", OUTPUT_DEPTH_BYTES)
    files = _tree(resources.files("site_gen") / SKELETON)
    files |= {
        f"{jsonschema.FOLDER}/{name}": text.encode()
        for name, text in jsonschema.rendered_schemas().items()
    }
    files["requirements.txt"] = requirements()
    return _write({target / relative: data for relative, data in sorted(files.items())})


def requirements() -> bytes:
    """Return requirements.txt for a new project: the generator as this one was installed.

    The workflows install from it, so a site builds on GitHub with the generator its editors
    checked it with, and moves to another only when they change the line on purpose. Without an
    address a workflow can reach, the file says so, and what to write, and names no site-gen: a
    version pin would send the workflows to the package index for a site-gen it may not have,
    or may have from someone else.
    """
    pin, origin = requirement()
    if pin is not None:
        return f"{pin}\n".encode()
    return (
        f"# {DISTRIBUTION} was installed from {origin}, which the workflows cannot\n"
        "# install from. In place of these lines, write the one they should install it from:\n"
        "# a release on the package index, as site-gen==1.2.0, or a tag of the generator's\n"
        "# repository, as site-gen @ git+https://github.com/OWNER/REPO@v1.2.0\n"
    ).encode()


def requirement() -> tuple[str | None, str]:
    """Return the pip requirement of the installed generator, and where it was installed from.

    From the package index, that is its version. From a repository, it is the commit, which the
    version does not name: every commit until the next release has the same. From a folder, or
    a repository, on this machine there is none (None): nothing else can install from it.
    PEP 610's direct_url.json, which pip writes for what it installed from an address, tells.
    """
    try:
        installed = importlib.metadata.distribution(DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        raise UsageError(
            f"{DISTRIBUTION} is not installed, so there is no version to pin in requirements.txt; "
            "install it with pip and run init again"
        ) from None
    origin = json.loads(installed.read_text("direct_url.json") or "{}")
    url, vcs = origin.get("url", ""), origin.get("vcs_info")
    if not url:
        return f"{DISTRIBUTION}=={installed.version}", url
    if vcs and not url.startswith("file:"):
        return f"{DISTRIBUTION} @ {vcs['vcs']}+{url}@{vcs['commit_id']}", url
    return None, url


def theme_files() -> dict[str, bytes]:
    """Return the generic theme's templates and assets, keyed by relative path."""
    return _tree(resources.files("site_gen") / THEME)


def eject_theme(config: Config, name: str | None = None) -> list[Path]:
    """Copy the packaged theme, or its file `name`, into the site's templates/; return the files.

    An ejected file overrides the packaged one from then on, so it is copied only when asked for,
    and never over an existing file, which may hold the editors' changes: nothing is written
    when any target exists.
    """
    theme = theme_files()
    if name is not None:
        if name not in theme:
            choices = ", ".join(sorted(theme))
            raise UsageError(f"the theme has no file {name!r}; name one of: {choices}")
        theme = {name: theme[name]}
    targets = {config.templates_dir / relative: data for relative, data in sorted(theme.items())}
    for path in targets:
        refuse_outside(config, path)
    taken = [config.display(path) for path in targets if path.exists() or path.is_symlink()]
    if taken:
        raise UsageError(
            f"refusing to overwrite {', '.join(taken)}; move away each file that the packaged "
            "copy should replace"
        )
    return _write(targets)


def _write(files: dict[Path, bytes]) -> list[Path]:
    """Write each file, making its folders first; return the paths."""
    for path, data in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return list(files)


def _tree(folder: Traversable, prefix: str = "") -> dict[str, bytes]:
    """Read every file under a package folder."""
    files: dict[str, bytes] = {}
    for entry in folder.iterdir():
        if entry.is_dir():
            files |= _tree(entry, f"{prefix}{entry.name}/")
        else:
            files[prefix + entry.name] = entry.read_bytes()
    return files
