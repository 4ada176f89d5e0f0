"""The packaged theme: the default of every briefing, overridden file by file from templates/,
extended under `default/`, and copied out for editing by `site-gen theme eject`."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from conftest import REPO, read_tree, run_cli

THEME = REPO / "templates"


def built(root: Path, out: Path) -> dict[str, bytes]:
    """Build a site root into `out` with the real CLI and return every output file."""
    result = run_cli("build", "--root", root, "--out", out)
    assert result.returncode == 0, result.stderr
    return read_tree(out)


def test_a_briefing_without_templates_builds_with_the_packaged_theme(
    sample: Path, tmp_path: Path
) -> None:
    with_copy = built(sample, tmp_path / "with-copy")
    shutil.rmtree(sample / "templates")
    assert built(sample, tmp_path / "packaged") == with_copy


def test_an_override_extends_the_packaged_template_and_changes_only_its_pages(
    sample: Path, tmp_path: Path, write: Callable[[Path, str], Path]
) -> None:
    shutil.rmtree(sample / "templates")
    plain = built(sample, tmp_path / "plain")
    write(
        sample / "templates/timeline.html",
        """
        {% extends "default/timeline.html" %}
        {% block main %}<p class="note">Times are local.</p>{{ super() }}{% endblock %}
        """,
    )
    overridden = built(sample, tmp_path / "overridden")
    timeline = overridden.pop("timeline/index.html").decode()
    assert '<p class="note">Times are local.</p>' in timeline
    assert 'class="timeline"' in timeline
    del plain["timeline/index.html"]
    assert overridden == plain


def test_an_override_asset_replaces_the_packaged_one_and_extra_assets_join(
    sample: Path, tmp_path: Path, write: Callable[[Path, str], Path]
) -> None:
    shutil.rmtree(sample / "templates")
    write(sample / "templates/assets/style.css", "body {\n  color: teal;\n}\n")
    logo = write(sample / "templates/assets/img/logo.svg", "<svg></svg>\n")
    out = built(sample, tmp_path / "out")
    assert out["assets/style.css"] == b"body{color:teal;}\n"
    assert out["assets/img/logo.svg"] == logo.read_bytes()
    assert out["assets/search.js"] == (THEME / "assets/search.js").read_bytes()
    assert sorted(name for name in out if name.startswith("assets/")) == [
        "assets/favicon.svg",
        "assets/img/logo.svg",
        "assets/search.js",
        "assets/style.css",
    ]


def test_a_template_linked_from_outside_the_root_is_refused(sample: Path, tmp_path: Path) -> None:
    shutil.rmtree(sample / "templates")
    elsewhere = tmp_path / "elsewhere.html"
    elsewhere.write_text("secret", encoding="utf-8")
    (sample / "templates").mkdir()
    (sample / "templates/timeline.html").symlink_to(elsewhere)
    result = run_cli("build", "--root", sample)
    assert result.returncode == 1
    assert "templates/timeline.html: error[outside-root]" in result.stderr


def test_eject_copies_one_file_then_refuses_to_overwrite_it(sample: Path) -> None:
    shutil.rmtree(sample / "templates")
    for name in ("timeline.html", "assets/style.css"):
        result = run_cli("theme", "eject", name, "--root", sample)
        assert result.returncode == 0, result.stderr
        assert f"wrote templates/{name}" in result.stderr
        assert (sample / "templates" / name).read_bytes() == (THEME / name).read_bytes()
    assert sorted(p.name for p in (sample / "templates").rglob("*") if p.is_file()) == [
        "style.css",
        "timeline.html",
    ]

    (sample / "templates/timeline.html").write_text("mine", encoding="utf-8")
    again = run_cli("theme", "eject", "timeline.html", "--root", sample)
    assert again.returncode == 2
    assert "refusing to overwrite templates/timeline.html" in again.stderr
    assert (sample / "templates/timeline.html").read_text(encoding="utf-8") == "mine"


def test_eject_names_the_files_when_one_is_unknown(sample: Path) -> None:
    result = run_cli("theme", "eject", "nowhere.html", "--root", sample)
    assert result.returncode == 2
    assert "the theme has no file 'nowhere.html'" in result.stderr
    assert "timeline.html" in result.stderr


def test_eject_copies_the_whole_theme_and_writes_nothing_over_a_file(sample: Path) -> None:
    shutil.rmtree(sample / "templates")
    result = run_cli("theme", "eject", "--root", sample)
    assert result.returncode == 0, result.stderr
    assert read_tree(sample / "templates") == read_tree(THEME)
    assert "wrote templates/assets/style.css" in result.stderr

    shutil.rmtree(sample / "templates")
    (sample / "templates").mkdir()
    (sample / "templates/base.html").write_text("mine", encoding="utf-8")
    again = run_cli("theme", "eject", "--root", sample)
    assert again.returncode == 2
    assert "refusing to overwrite templates/base.html" in again.stderr
    assert read_tree(sample / "templates") == {"base.html": b"mine"}


def test_init_copies_no_theme_and_the_new_briefing_builds(tmp_path: Path) -> None:
    target = tmp_path / "briefing"
    assert run_cli("init", target).returncode == 0
    assert not (target / "templates").exists()
    out = built(target, tmp_path / "out")
    assert "facts/library-hours-extended/index.html" in out
    assert "assets/style.css" in out


def test_template_mistakes_name_the_template_line(
    sample: Path, write: Callable[[Path, str], Path]
) -> None:
    """A value missing while a page renders, or an unknown filter, points at its line."""
    shutil.rmtree(sample / "templates")
    cases = {
        "{{ nosuch.thing }}": "error[template-error]: 'nosuch' is undefined; fix the template",
        "{{ 1 | nosuchfilter }}": "error[template-syntax]: No filter named 'nosuchfilter'; fix",
        # Template code can raise any Python error: a traceback used to follow.
        "{{ 1 / 0 }}": "error[template-error]: ZeroDivisionError: division by zero; fix",
        '{{ "a" + 1 }}': 'error[template-error]: TypeError: can only concatenate str (not "int")',
        '{% include "nope.html" %}': "error[template-error]: template 'nope.html' not found; add",
    }
    for line, expected in cases.items():
        body = (
            f'{{% extends "default/timeline.html" %}}\n{{% block main %}}\n{line}\n{{% endblock %}}'
        )
        write(sample / "templates/timeline.html", body)
        result = run_cli("build", "--root", sample)
        assert result.returncode == 1
        assert f"templates/timeline.html:3:1: {expected}" in result.stderr
    (sample / "templates/timeline.html").write_bytes(b"{% extends 'default/timeline.html' %}\xff")
    result = run_cli("build", "--root", sample)
    assert "templates/timeline.html:1:38: error[encoding]: invalid UTF-8 (byte 0xff)" in (
        result.stderr
    )
    write(sample / "templates/timeline.html", '{% extends "timeline.html" %}')
    result = run_cli("build", "--root", sample)
    assert result.returncode == 1
    assert "templates/timeline.html:1:1: error[template-error]: templates include or extend" in (
        result.stderr
    )


def test_check_reports_a_broken_template_as_the_build_does(sample: Path) -> None:
    """A template that does not compile fails `check`, which the pull-request workflow and the
    pre-commit hook run, with the build's own problem, not only the deploy."""
    shutil.rmtree(sample / "templates")
    result = run_cli("theme", "eject", "home.html", "--root", sample)
    assert result.returncode == 0, result.stderr
    with (sample / "templates/home.html").open("a", encoding="utf-8") as template:
        template.write("{% if x %}oops\n")
    built = run_cli("build", "--root", sample, "--out", sample.parent / "out")
    [headline] = [line for line in built.stderr.splitlines() if "error[" in line]
    assert headline.startswith("templates/home.html:") and "error[template-syntax]" in headline
    checked = run_cli("check", "--root", sample, "--strict")
    assert checked.returncode == 1
    assert headline in checked.stderr.splitlines()
    annotated = run_cli("check", "--root", sample, "--format", "github")
    assert annotated.stdout.startswith("::error file=templates/home.html,line=")
    assert "title=template-syntax::" in annotated.stdout
