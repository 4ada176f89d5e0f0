"""site_gen: verified fact sheets from curated YAML, rendered into a static HTML briefing.

The build is one recipe, `load → check → render → publish` (see site_gen.pipeline):

    from site_gen import Config, build, check, load

    config = Config.for_root(Path("."))
    site, problems = load(config)
    verification = check(site)          # problems and the located spans; changes nothing
    build(config)                       # all of the above, then the pages, written atomically

`locate(quote, text)` is the strict quote matcher on its own.
"""

from site_gen.config import Config
from site_gen.errors import CheckFailed, Location, Problem, SiteGenError, UsageError
from site_gen.model import Site
from site_gen.pipeline import BuildResult, Memory, build, check, load
from site_gen.verify.checks import Verification
from site_gen.verify.located import Located
from site_gen.verify.quotes import locate
from site_gen.verify.verdicts import Verdicts

__all__ = (
    "BuildResult",
    "CheckFailed",
    "Config",
    "Located",
    "Location",
    "Memory",
    "Problem",
    "Site",
    "SiteGenError",
    "UsageError",
    "Verdicts",
    "Verification",
    "build",
    "check",
    "load",
    "locate",
)
