"""The build recipe: load, check, render, write; nothing is written until every check passes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from site_gen.check import check, phase
from site_gen.config import Config
from site_gen.errors import CheckFailed, Location, Problem, UsageError
from site_gen.loader import BASE_URL
from site_gen.model import Site
from site_gen.output import is_foreign, spare_of, write_output
from site_gen.output_memory import WriteMemory
from site_gen.render import render_site

# Renders a checked site into files: render_site, or the preview's incremental renderer.
Renderer = Callable[[Site, Path, str], dict[str, bytes]]


@dataclass
class BuildResult:
    """What a build did, for the one summary line and for `-v`."""

    site: Site
    warnings: list[Problem]
    pages: int = 0
    files: int = 0
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def seconds(self) -> float:
        return sum(self.timings.values())


def build(
    config: Config, renderer: Renderer = render_site, memory: WriteMemory | None = None
) -> BuildResult:
    """Build the site into config.out, or raise CheckFailed and leave the old output as it was.

    A preview passes its incremental renderer and the memory of its writes, to rebuild faster.
    """
    check_options(config)
    timings: dict[str, float] = {}
    # First gather all data and check it; any error stops the build before a file is written.
    site, problems = check(config, timings)
    if site is None or any(p.is_error for p in problems):
        raise CheckFailed(problems)
    # Then render every page in memory, so a template error also leaves the output untouched.
    base_url = config.base_url if config.base_url is not None else site.settings.base_url
    with phase(timings, "render"):
        files = render_files(site, config, base_url, renderer)
    # Only now write: update the spare folder, which then replaces the old output in one step.
    with phase(timings, "write"):
        write_output(files, config.out, memory)
    pages = sum(path.endswith(".html") for path in files)
    return BuildResult(site, problems, pages, len(files), timings)


def render_files(
    site: Site, config: Config, base_url: str, renderer: Renderer = render_site
) -> dict[str, bytes]:
    """Render, turning template mistakes into problems that name the template and line."""
    try:
        return renderer(site, config.templates_dir, base_url)
    except jinja2.TemplateSyntaxError as exc:
        where = Location(
            config.display(Path(exc.filename or exc.name or "templates")), exc.lineno, 1
        )
        raise CheckFailed(
            [
                Problem(
                    "template-syntax", exc.message or "syntax error", where, hint="fix the template"
                )
            ]
        ) from None
    except jinja2.TemplateError as exc:
        where = Location(config.display(config.templates_dir))
        raise CheckFailed(
            [
                Problem(
                    "template-error", str(exc), where, hint="fix the template or the value it uses"
                )
            ]
        ) from None


def check_options(config: Config) -> None:
    """Refuse a base URL that is not a plain path, and output folders that would destroy files."""
    if config.base_url is not None and not BASE_URL.match(config.base_url):
        raise UsageError(
            f"--base-url {config.base_url!r} is not a URL path; write it like /kazakhstan-briefing/"
        )
    check_out_dir(config)


def check_out_dir(config: Config) -> None:
    """Refuse output folders whose replacement would destroy inputs or someone else's files."""
    out = config.out
    protected = [config.root, config.seeds_dir, config.facts_dir, config.templates_dir]
    for folder in protected:
        folder = folder.resolve()
        if (
            out == folder
            or out in folder.parents
            or (folder in out.parents and folder != config.root)
        ):
            raise UsageError(
                f"--out {out} would overwrite {folder}; choose a separate folder such as output/"
            )
    if is_foreign(out):
        raise UsageError(
            f"--out {out} is a non-empty folder that site_gen did not create; "
            "choose an empty or new folder"
        )
    spare = spare_of(out)
    if spare.exists() and (is_foreign(spare) or not spare.is_dir()):
        raise UsageError(
            f"--out {out}: {spare} is in the way of the previous output that site_gen keeps "
            "there; move it away"
        )
