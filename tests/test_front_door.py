"""The README is a front door and the docs hold the rest: short, every link and every section a message, a stack file
or a workflow names exists, the generated reference is current, and the commands work from any folder."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Iterator

import pytest

from synth.reference import REFERENCE_FILE, reference_text

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", ROOT / "ARCHITECTURE.md", *sorted((ROOT / "docs").glob("*.md"))]
POINTERS = re.compile(r'(README|docs/[a-z0-9-]+\.md)(?::|,)? "([^"]+)"')
"""`(docs/credentials.md, "Token rotation")`, `(README: "Deploy")`: a page and a section, as messages and
comments name them."""


def headings(page: Path) -> list[str]:
    """The page's section titles, outside code blocks."""
    titles, fenced = [], False
    for line in page.read_text(encoding="utf-8").splitlines():
        fenced ^= line.startswith("```")
        if not fenced and line.startswith("#"):
            titles.append(line.lstrip("#").strip())
    return titles


def anchor(title: str) -> str:
    """GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", title.lower()).replace(" ", "-")


def committed_files() -> list[Path]:
    listed = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return [ROOT / name for name in listed.splitlines() if (ROOT / name).is_file()]


def test_the_readme_is_short_and_has_its_parts():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 250
    for part in ("What it builds", "Deploy", "Make your own stack in five steps", "Run a job and watch it"):
        assert part in headings(ROOT / "README.md"), part
    assert "./install requirements.txt && venv/bin/python -m synth prod" in text
    assert "./install requirements.txt && venv/bin/python -m pytest" in text


def test_ci_runs_the_readmes_test_command():
    assert "./install requirements.txt && venv/bin/python -m pytest" in (ROOT / ".ci" / "run").read_text()


@pytest.mark.parametrize("page", PAGES, ids=[page.name for page in PAGES])
def test_every_link_of_the_docs_leads_somewhere(page):
    text = re.sub(r"```.*?```", "", page.read_text(encoding="utf-8"), flags=re.S)
    links = re.findall(r"\]\(([^)\s]+)\)", text)
    local = [link for link in links if not re.match(r"[a-z]+:", link)]
    for link in local:
        target, _, fragment = link.partition("#")
        path = (page.parent / target).resolve() if target else page
        assert path.exists(), f"{page.name}: {link}"
        if fragment:
            assert fragment in {anchor(title) for title in headings(path)}, f"{page.name}: {link}"


def test_every_section_named_anywhere_exists():
    """Messages, stack files, workflows and docstrings name sections as a page and a title in quotes: each is a
    heading of that page (its title or the start of it)."""
    found = 0
    for path in committed_files():
        if path.suffix not in (".py", ".yaml", ".yml", ".json", ".md", "") or "venv" in path.parts:
            continue
        for page, section in POINTERS.findall(path.read_text(encoding="utf-8", errors="replace")):
            target = ROOT / ("README.md" if page == "README" else page)
            assert target.exists(), f"{path.name}: {page}"
            assert any(title.startswith(section) for title in headings(target)), f"{path.name}: {page}, {section!r}"
            found += 1
    assert found >= 10


def test_the_configuration_reference_is_generated_from_the_settings():
    assert (ROOT / REFERENCE_FILE).read_text(encoding="utf-8") == reference_text(), (
        "run: python -m synth reference --write"
    )


def test_the_commands_run_from_any_folder_of_the_repository():
    """`./install` tells the virtualenv where the code is: `python -m synth` from `components/` finds it (and the
    project folder is found from there up, tests/test_messages.py)."""
    found = subprocess.run(
        [sys.executable, "-c", "import synth, ops, settings; print(synth.__file__)"],
        cwd=ROOT / "components",
        capture_output=True,
        text=True,
    )
    assert found.returncode == 0, found.stderr
    assert Path(found.stdout.strip()).parent == ROOT / "synth"


CODE_FOLDERS = ("synth", "ops", "settings")


@pytest.fixture(scope="module")
def helps_from_inside() -> Iterator[dict[tuple[str, str], subprocess.Popen]]:
    """`python -m synth --help` and `python -m ops --help` started in each folder of the code, all at once: each is a
    process of its own, and the machine's cores run them side by side."""
    started = {
        (folder, command): subprocess.Popen(
            [sys.executable, "-m", command, "--help"],
            cwd=ROOT / folder,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for folder in CODE_FOLDERS
        for command in ("synth", "ops")
    }
    yield started
    for process in started.values():
        process.kill()
        process.communicate()


@pytest.mark.parametrize("folder", CODE_FOLDERS)
def test_the_commands_run_from_inside_their_own_folders(folder, helps_from_inside):
    """A folder of the code comes first on sys.path when a command runs there: none of its modules may hide one of
    Python's (a `synth/types.py` did; tests/test_layout.py holds the names)."""
    for command in ("synth", "ops"):
        helped = helps_from_inside[folder, command]
        _, stderr = helped.communicate(timeout=120)
        assert helped.returncode == 0, stderr.decode()


@pytest.mark.parametrize("command", ["synth", "ops"])
def test_a_python_without_the_projects_packages_is_told_what_to_run(command):
    # -S: no site-packages, as with the system's python rather than the virtualenv's.
    started = subprocess.run([sys.executable, "-S", "-m", command, "--help"], cwd=ROOT, capture_output=True, text=True)
    assert started.returncode == 2
    assert f"run it with the project's virtualenv, venv/bin/python -m {command}" in started.stderr
    assert "Traceback" not in started.stderr


def test_the_readmes_own_stack_steps_make_a_stack_that_checks(project, capsys):
    """README, "Make your own stack in five steps", steps 1 to 3, as written: a copy of dev sharing prod's project,
    with names of its own, without `development` and its values, without `deploymentType`."""
    from helpers import run_synth

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "cp Pulumi.dev.yaml Pulumi.qa.yaml" in readme
    assert "delete `development` (and\n   its values under `environmentVariables`) and drop `deploymentType`" in readme
    text = (project / "Pulumi.dev.yaml").read_text(encoding="utf-8")
    for old, new in {
        "name: dbt-development": "name: dbt-qa",
        "name: Databricks - Development": "name: Databricks - QA",
        "    development:\n      name: Development\n      type: development\n      dbtVersion: latest\n": "",
        "name: Staging\n      type: deployment\n      deploymentType: staging\n": "name: QA\n      type: deployment\n",
        "schema: dbt_staging": "schema: dbt_qa",
        "name: Development - Test Run": "name: QA - Test Run",
        "name: CI - Pull Requests": "name: QA - Pull Requests",
        "      development: shanghai_transport_dev\n": "",
    }.items():
        assert old in text, old
        text = text.replace(old, new)
    (project / "Pulumi.qa.yaml").write_text(text, encoding="utf-8")
    status, printed = run_synth(capsys, "check", "--project-dir", str(project))
    assert status == 0, printed
    assert "qa: ok" in printed and "dev: ok" in printed and "prod: ok" in printed
