"""The build recipe: load → verify → render → publish; nothing is written until every check passes."""

from __future__ import annotations

import gc
import logging
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from site_gen import scaffold
from site_gen.config import Config
from site_gen.errors import CheckFailed, Location, Problem, Severity, UsageError
from site_gen.model import Site
from site_gen.publish.output import Written, is_foreign, write_output
from site_gen.sources.loader import (
    BASE_URL,
    BASE_URL_EXAMPLE,
    SITE_URL,
    SITE_URL_EXAMPLE,
    ends_in_base,
    is_inside,
    load_site,
    theme_files,
)
from site_gen.sources.yaml import decode_utf8
from site_gen.verify.checks import Verification, check_site
from site_gen.verify.located import Located
from site_gen.verify.verdicts import Verdicts

log = logging.getLogger(__name__)


@dataclass
class Memory:
    """What builds may remember from one another, owned by whoever runs them (the CLI, or the
    preview for as long as it serves): quote verdicts, and the theme compiled."""

    verdicts: Verdicts = field(default_factory=Verdicts)
    # Compiled templates by name and source checksum (site_gen.render.templates.CompiledTemplates).
    templates: dict[str, bytes] = field(default_factory=dict)
    # The output folder the last build wrote: the next build rewrites only the files that changed.
    written: Written | None = None


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


@contextmanager
def phase(timings: dict[str, float], name: str) -> Iterator[None]:
    """Time one phase of a command into `timings`, and show it with `-v`."""
    started = time.perf_counter()
    yield
    timings[name] = time.perf_counter() - started
    log.debug("%-6s %.3f s", name, timings[name])


@contextmanager
def cycle_collection_paused() -> Iterator[None]:
    """Pause Python's cycle collector while a build loads, checks and renders its data.

    A load makes a few objects per YAML value, and a check a few per quote; they all live
    until the build ends and hold no cycles, yet every automatic collection scanned them again
    and found nothing: most of the load time of a large site (benchmarks/README.md). While
    rendering, a collection in the forked worker (render.parallel) would also touch every
    object it inherited, and so copy the whole site's memory into the worker.
    This is the one place that touches the collector; it runs again as before afterwards.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def load(config: Config) -> tuple[Site, list[Problem]]:
    """Read a site root into the model, with every problem found on the way.

    What could not be read is reported, and left out of the model or stood in for, so that the
    rest is still checked; a site with an error is never built.
    """
    with cycle_collection_paused():
        return load_site(config)


def check(site: Site, verdicts: Verdicts | None = None) -> Verification:
    """Check a loaded site: return every problem and where each quote was found."""
    with cycle_collection_paused():
        return check_site(site, verdicts)


def load_and_check(
    config: Config, verdicts: Verdicts | None = None, timings: dict[str, float] | None = None
) -> tuple[Site, Verification]:
    """Load and check a site root: what `check`, `coverage` and every build start with.

    With config.strict, warnings count as errors.
    """
    timings = {} if timings is None else timings
    with phase(timings, "load"):
        site, problems = load(config)
    with phase(timings, "check"):
        verification = check(site, verdicts)
    problems = sorted(problems + verification.problems, key=Problem.sort_key)
    if config.strict:
        problems = [replace(p, severity=Severity.ERROR) for p in problems]
    return site, replace(verification, problems=problems)


def build(config: Config, memory: Memory | None = None) -> BuildResult:
    """Build the site into config.out, or raise CheckFailed and leave the old output as it was."""
    check_options(config)
    memory = Memory() if memory is None else memory
    timings: dict[str, float] = {}
    # First gather all data and check it; any error stops the build before a file is written.
    site, verification = load_and_check(config, memory.verdicts, timings)
    problems = verification.problems
    if any(p.is_error for p in problems):
        raise CheckFailed(problems)
    # Then render every page in memory, so a template error also leaves the output untouched.
    with phase(timings, "render"):
        files = render_files(with_options(site, config), verification.located, config, memory)
    # Only now write: a new folder, swapped in for the old output in one step; after a build
    # in this memory, only the files that changed.
    with phase(timings, "write"):
        memory.written = write_output(files, config.out, memory.written)
    pages = sum(path.endswith(".html") for path in files)
    return BuildResult(site, problems, pages, len(files), timings)


def with_options(site: Site, config: Config) -> Site:
    """Return the site with the URLs of the command line in place of those of site.yml; the
    published address must end in the base URL (loader.ends_in_base)."""
    settings = site.settings
    base_url = settings.base_url if config.base_url is None else config.base_url
    site_url = settings.site_url if config.site_url is None else config.site_url
    if site_url and not ends_in_base(site_url, base_url):
        raise UsageError(
            f"the site URL {site_url} does not end in the base URL {base_url or '/'}: the "
            "pages' canonical, feed and sitemap links would lead out of the site; give the "
            "address and the path it is published under, like https://owner.github.io/brief/ "
            "and /brief/"
        )
    return replace(site, settings=replace(settings, base_url=base_url, site_url=site_url))


def render_files(site: Site, located: Located, config: Config, memory: Memory) -> dict[str, bytes]:
    """Render, turning template mistakes into problems that name the template and line."""
    # Imported here: `check` and `coverage` never render, and need not load Markdown.
    from site_gen.render.templates import CompiledTemplates, render_site

    with template_mistakes(config), cycle_collection_paused():
        return render_site(site, located, config.templates_dir, CompiledTemplates(memory.templates))


def check_templates(config: Config) -> list[Problem]:
    """Compile the briefing's own templates as a build would, without rendering a page, so that
    `check` (and the pull-request workflow and pre-commit hook that run it) reports a template
    that would fail the build. A file as the generator ships it compiles: only what a briefing
    changed is compiled, so a briefing that overrides nothing, or keeps a copy of the theme,
    costs nothing."""
    packaged = scaffold.theme_files()
    folder = config.templates_dir
    paths = [
        path
        for path in theme_files(config)
        if path.suffix == ".html"
        and path.is_file()
        and is_inside(config, path)
        and packaged.get(path.relative_to(folder).as_posix()) != path.read_bytes()
    ]
    if not paths:
        return []
    from site_gen.render.templates import compile_templates

    try:
        with template_mistakes(config):
            compile_templates(config.templates_dir, paths)
    except CheckFailed as failed:
        return failed.problems
    return []


@contextmanager
def template_mistakes(config: Config) -> Iterator[None]:
    """Turn a template's mistake into CheckFailed with the problem that names its file and line.

    One translation for every command that reads the theme: what `check` reports of a template
    is what `build` would.
    """
    import jinja2

    theme = Location(config.display(config.templates_dir))
    try:
        yield
        return
    except jinja2.TemplateSyntaxError as exc:
        template = Path(exc.filename or exc.name or "templates")
        where = Location(config.display(template), exc.lineno, 1)
        message = (exc.message or "syntax error").rstrip(".")
        problem = Problem("template-syntax", message, where, hint="fix the template")
    except jinja2.TemplateNotFound as exc:
        where = failed_template_line(exc, config) or theme
        problem = Problem(
            "template-error",
            f"template '{exc.name}' not found",
            where,
            hint=f"add {config.display(config.templates_dir / str(exc.name))} or fix the name",
        )
    except jinja2.TemplateError as exc:
        where = failed_template_line(exc, config) or theme
        message = str(exc).rstrip(".")
        problem = Problem(
            "template-error", message, where, hint="fix the template or the value it uses"
        )
    except RecursionError as exc:
        problem = Problem(
            "template-error",
            "templates include or extend one another without end",
            failed_template_line(exc, config) or theme,
            hint="make sure no template extends or includes itself, directly or through others",
        )
    except UnicodeDecodeError as exc:
        problem = undecodable_theme_file(config) or Problem(
            "encoding",
            f"a theme file is not UTF-8 (byte 0x{exc.object[exc.start]:02x})",
            theme,
            hint="save the templates and stylesheets as UTF-8",
        )
    except Exception as exc:
        # Template code can raise anything ({{ 1/0 }}, "a" + 1): it is the editor's mistake
        # when a template's line raised it, and site_gen's own bug otherwise.
        line = failed_template_line(exc, config)
        if line is None:
            raise
        problem = Problem(
            "template-error",
            f"{type(exc).__name__}: {exc}".rstrip(": ."),
            line,
            hint="fix the template or the value it uses",
        )
    raise CheckFailed([problem]) from None


def undecodable_theme_file(config: Config) -> Problem | None:
    """Return the problem of the first theme file that is not UTF-8, at its bad byte."""
    for path in theme_files(config):
        if path.is_file():
            _, problem = decode_utf8(path.read_bytes(), config.display(path))
            if problem is not None:
                return problem
    return None


def failed_template_line(exc: Exception, config: Config) -> Location | None:
    """Return the template line that raised `exc`, or None when no template's line is known.

    Jinja rewrites a traceback so that each frame of template code names its template file and
    line: the innermost such frame is where an editor looks.
    """
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        path = Path(frame.filename)
        if path.suffix != ".py" and path.is_file():
            return Location(config.display(path), frame.lineno or 1, 1)
    return None


def check_options(config: Config) -> None:
    """Refuse URLs that site.yml could not hold either, and output folders that would destroy
    files."""
    if config.base_url is not None and not BASE_URL.fullmatch(config.base_url):
        raise UsageError(
            f"--base-url {config.base_url!r} is not a URL path; write it like {BASE_URL_EXAMPLE}"
        )
    if config.site_url and not SITE_URL.fullmatch(config.site_url):  # "" is none, as in site.yml.
        raise UsageError(
            f"--site-url {config.site_url!r} is not an http(s) address; write it like "
            f"{SITE_URL_EXAMPLE}"
        )
    check_out_dir(config)


def check_out_dir(config: Config) -> None:
    """Refuse output folders whose replacement would destroy inputs or someone else's files."""
    out = config.out
    for folder in (config.root, config.seeds_dir, config.facts_dir, config.templates_dir):
        if not is_inside(config, folder) and folder != config.root:
            continue  # Refused as input anyway, and a link that loops cannot be resolved.
        folder = folder.resolve()
        if (
            out == folder
            or out in folder.parents
            or (folder in out.parents and folder != config.root)
        ):
            raise UsageError(
                f"--out {out} would overwrite {folder}; choose a separate folder such as output/"
            )
    for path in (out, *out.parents):
        if path.exists() and not path.is_dir():
            raise UsageError(
                f"--out {out}: {path} is a file, not a folder; choose a folder such as output/"
            )
    if is_foreign(out):
        raise UsageError(
            f"--out {out} is a non-empty folder that site_gen did not create; "
            "choose an empty or new folder"
        )
