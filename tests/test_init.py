"""`site-gen init`: a new briefing on another topic that checks clean and builds at once."""

from __future__ import annotations

import importlib.metadata
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import REPO, is_ci, readme_blocks, run_cli

from site_gen import scaffold
from site_gen.cli import main
from site_gen.errors import UsageError
from site_gen.model import jsonschema


def test_new_project_checks_strict_and_builds(tmp_path: Path) -> None:
    target = tmp_path / "briefing"
    created = run_cli("init", target)
    assert created.returncode == 0, created.stderr
    assert f"created {target}" in created.stderr
    assert f"site-gen serve --root {target}" in created.stderr

    checked = run_cli("check", "--root", target, "--strict")
    assert checked.returncode == 0, checked.stderr
    assert "check ok: 0 errors, 0 warnings in 1 fact, 2 citations, 1 source" in checked.stderr

    built = run_cli("build", "--root", target)
    assert built.returncode == 0, built.stderr
    assert (target / "output/facts/library-hours-extended/index.html").is_file()
    assert (target / ".gitignore").read_text(encoding="utf-8") == "/output/\n"


def test_new_project_builds_with_the_packaged_theme_and_has_current_schemas(
    tmp_path: Path,
) -> None:
    target = tmp_path / "briefing"
    scaffold.create_project(target)
    assert not (target / "templates").exists()
    assert jsonschema.stale_schemas(target / jsonschema.FOLDER) == []
    assert run_cli("schema", "--root", target).returncode == 0


def test_init_refuses_a_folder_with_files(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(UsageError, match="not an empty folder"):
        scaffold.create_project(tmp_path)
    result = run_cli("init", tmp_path)
    assert result.returncode == 2
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert not (tmp_path / "site.yml").exists()


# The workflows `init` writes, and the value GitHub gives each expression their run: steps use,
# for a repository named like the project folder.
WORKFLOWS = (".github/workflows/check.yml", ".github/workflows/pages.yml")
REPOSITORY = "my-briefing"
EXPRESSIONS = {
    "steps.pages.outputs.base_path": f"/{REPOSITORY}",
    "steps.pages.outputs.base_url": f"https://owner.github.io/{REPOSITORY}",
}
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


def run_steps(workflow: Path) -> list[str]:
    """Return a workflow's run: scripts in order, each ${{ }} replaced by a plausible value.

    An expression not in EXPRESSIONS is a KeyError: a new one needs a value chosen here, not a
    guess.
    """
    jobs = yaml.safe_load(workflow.read_text(encoding="utf-8"))["jobs"]
    return [
        EXPRESSION.sub(lambda found: EXPRESSIONS[found[1]], step["run"])
        for job in jobs.values()
        for step in job["steps"]
        if "run" in step
    ]


class Installed:
    """The generator's installed metadata, as importlib.metadata gives it: its version, and
    PEP 610's direct_url.json, which pip writes for what it installed from an address."""

    def __init__(self, version: str, origin: dict[str, object] | None) -> None:
        self.version = version
        self.origin = origin

    def read_text(self, name: str) -> str | None:
        return json.dumps(self.origin) if name == "direct_url.json" and self.origin else None


FROM_A_FOLDER = {"url": "file:///home/me/site_gen", "dir_info": {"editable": True}}


@pytest.mark.parametrize(
    ("origin", "requirement"),
    [
        (None, "site-gen==0.3.0"),
        (
            {
                "url": "https://github.com/owner/site_gen.git",
                "vcs_info": {"vcs": "git", "commit_id": "4f2a9c1", "requested_revision": "main"},
            },
            "site-gen @ git+https://github.com/owner/site_gen.git@4f2a9c1",
        ),
        (FROM_A_FOLDER, None),
        ({"url": "file:///home/me/site_gen", "vcs_info": {"vcs": "git", "commit_id": "4f2"}}, None),
    ],
    ids=["package-index", "repository", "folder", "local-repository"],
)
def test_requirements_name_the_generator_as_it_was_installed(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    origin: dict[str, object] | None,
    requirement: str | None,
) -> None:
    """requirements.txt always pinned the version: from a repository, where every commit until
    the next release has that version, it named no code in particular; from a folder on the
    editor's machine, which no workflow can install from, it sent the workflows to ask the
    package index for a site-gen it does not have, or has from someone else."""
    monkeypatch.setattr(importlib.metadata, "distribution", lambda name: Installed("0.3.0", origin))
    scaffold.create_project(tmp_path / REPOSITORY)
    lines = (tmp_path / REPOSITORY / "requirements.txt").read_text(encoding="utf-8").splitlines()
    assert [line for line in lines if not line.startswith("#")] == (
        [requirement] if requirement else []
    )
    if requirement is None:
        assert lines[0] == (
            "# site-gen was installed from file:///home/me/site_gen, which the workflows cannot"
        )


def test_init_says_when_requirements_need_the_generators_address(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(
        importlib.metadata, "distribution", lambda name: Installed("0.3.0", FROM_A_FOLDER)
    )
    assert main(["init", str(tmp_path / REPOSITORY)]) == 0
    assert (
        "warning: requirements.txt names no site-gen: it was installed from "
        "file:///home/me/site_gen, which the workflows cannot install from; write the line they "
        "should install it from, as requirements.txt says"
    ) in capsys.readouterr().err.splitlines()


def test_new_project_publishes_with_the_pinned_generator(tmp_path: Path) -> None:
    target = tmp_path / REPOSITORY
    scaffold.create_project(target)
    check, pages = (run_steps(target / name) for name in WORKFLOWS)
    assert check == [
        "pip install -r requirements.txt",
        "site-gen check --strict --format github",
        'site-gen build --strict --out "$RUNNER_TEMP/site"',
    ]
    assert pages == [
        "pip install -r requirements.txt",
        "site-gen check --strict --format github",
        f'site-gen build --strict --base-url "/{REPOSITORY}/" --site-url '
        f'"https://owner.github.io/{REPOSITORY}/"',
    ]
    config = yaml.safe_load((target / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    [hook] = config["repos"][0]["hooks"]
    assert (hook["entry"], hook["language"]) == ("site-gen check --strict", "system")
    readme = (target / "README.md").read_text(encoding="utf-8")
    for words in ("site-gen add-source", "site-gen quote", "site-gen serve", "GitHub Actions"):
        assert words in readme
    assert "coverage_target" in readme


def test_new_project_workflows_pass_actionlint(tmp_path: Path) -> None:
    actionlint = shutil.which("actionlint")
    if actionlint is None:
        missing = "actionlint is not on PATH; pip install -e '.[test]' installs it"
        if is_ci():
            pytest.fail(missing)
        pytest.skip(missing)
    target = tmp_path / REPOSITORY
    scaffold.create_project(target)
    linted = subprocess.run(
        [actionlint, *WORKFLOWS], cwd=target, capture_output=True, text=True, timeout=60
    )
    assert linted.returncode == 0, linted.stdout + linted.stderr


def test_new_project_workflow_commands_run_in_a_fresh_venv(tmp_path: Path) -> None:
    """Every run: step of both workflows, as written, in a new venv: slow (about 35 s, most of
    it making the venv and building this checkout) but the only test that a new project's
    requirements.txt, commands and package data work together outside this tree. The uses:
    steps are GitHub's own and are left out.
    """
    venv = tmp_path / "venv"
    # --system-site-packages: the generator's dependencies are already installed here, so
    # nothing needs the package index but the build backend of the step below.
    subprocess.run(
        [sys.executable, "-m", "venv", "--system-site-packages", venv], check=True, timeout=120
    )
    # The generator comes from this checkout, built as a wheel like a release, so the package
    # data init copies (dot-files included) is tested as it ships. Installed from a folder, it
    # has no address a workflow could install from: requirements.txt names no site-gen, so the
    # workflows' `pip install -r requirements.txt` installs nothing and the steps run with this
    # one; PIP_NO_INDEX below proves it never asks the index for site-gen.
    subprocess.run(
        [venv / "bin/python", "-m", "pip", "install", "-q", "--no-deps", REPO],
        check=True,
        timeout=180,
    )
    bin_dir = venv / "bin"
    env = {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "VIRTUAL_ENV": str(venv),
        "PIP_NO_INDEX": "1",
        # As GitHub sets it: a scratch folder of the run, where check.yml builds.
        "RUNNER_TEMP": str(tmp_path),
    }
    assert shutil.which("site-gen", path=env["PATH"]) == str(bin_dir / "site-gen")
    project = tmp_path / REPOSITORY
    subprocess.run([bin_dir / "site-gen", "init", project], check=True, env=env, timeout=60)
    for workflow in WORKFLOWS:
        for script in run_steps(project / workflow):
            # As GitHub runs a run: step on Linux when the workflow names no shell.
            ran = subprocess.run(
                ["bash", "-e", "-c", script],
                cwd=project,
                env=env,
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert ran.returncode == 0, f"{workflow}: {script}\n{ran.stdout}{ran.stderr}"
    assert (tmp_path / "site/index.html").is_file()
    index = (project / "output/index.html").read_text(encoding="utf-8")
    assert f'href="/{REPOSITORY}/' in index


def test_the_readme_walkthrough_checks_strict_and_builds(tmp_path: Path) -> None:
    """Steps 1 to 7 of "Starting a new briefing", done as written, pass what step 8's
    workflows run: `check --strict` and `build --strict`."""
    (init, _, text, add, entry, date, quote, citation, fact, settings) = readme_blocks(
        "## Starting a new briefing"
    )
    target = tmp_path / "my-briefing"
    assert "site-gen init ../my-briefing" in init
    assert run_cli("init", target).returncode == 0
    (tmp_path / "council.txt").write_text(text, encoding="utf-8")
    assert add == "site-gen add-source ~/council.txt\n"
    added = run_cli("add-source", tmp_path / "council.txt", "--root", target)
    assert added.returncode == 0, added.stderr
    assert added.stdout == entry
    with (target / "seeds/sources.yml").open("a", encoding="utf-8") as registry:
        registry.write(date)  # Under the entry add-source appended, the file's last.
    assert quote == 'site-gen quote riverton-gazette "bus line to the hospital"\n'
    quoted = run_cli("quote", "riverton-gazette", "bus line to the hospital", "--root", target)
    assert quoted.stdout == citation
    (target / "facts/transport.yml").write_text(fact, encoding="utf-8")
    # Step 5: drop the example, and point site.yml at the new source and fact.
    (target / "seeds/library.txt").unlink()
    (target / "facts/library.yml").unlink()
    registry_path = target / "seeds/sources.yml"
    sources = yaml.safe_load(registry_path.read_text(encoding="utf-8"))
    kept = [source for source in sources if source["id"] != "example-news"]
    registry_path.write_text(yaml.safe_dump(kept, allow_unicode=True), encoding="utf-8")
    site_path = target / "site.yml"
    site = yaml.safe_load(site_path.read_text(encoding="utf-8")) | yaml.safe_load(settings)
    site_path.write_text(yaml.safe_dump(site, allow_unicode=True), encoding="utf-8")
    checked = run_cli("check", "--strict", "--root", target)
    assert checked.returncode == 0, checked.stderr
    assert "check ok: 0 errors, 0 warnings in 1 fact, 3 citations, 1 source" in checked.stderr
    built = run_cli("build", "--strict", "--root", target)
    assert built.returncode == 0, built.stderr
