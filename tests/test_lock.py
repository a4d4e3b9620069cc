"""The locks hold what their declared dependencies ask for: each `.in` file's requirements pinned at a version it
allows, every pin with its hashes, no package index named anywhere, and the locks that are installed beside the
program's (CI's tools, the build backend) or that install the same code elsewhere (the component package, the policy
pack) at the program's versions. Offline: the files are only read (`./lock` recompiles them, as the README says)."""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent

# Each lock and the declared dependencies it is compiled from.
LOCKS = {
    "requirements.txt": "requirements.in",
    "requirements-ci.txt": "requirements-ci.in",
    "requirements-build.txt": "requirements-build.in",
    "requirements-uv.txt": "requirements-uv.in",
    "components/requirements.txt": "components/requirements.in",
    "policy/requirements.txt": "policy/requirements.in",
}
MAIN = "requirements.txt"
# Installed together with the main lock (CI's tools; the build backend of what it builds from source), or the same
# program's code installed elsewhere (the component package, the policy pack): at the main lock's versions.
AGREE_WITH_MAIN = (
    "requirements-ci.txt",
    "requirements-build.txt",
    "components/requirements.txt",
    "policy/requirements.txt",
)
# How an install file could name a package index or registry: pip's and uv's options (long, or abbreviated as pip
# allows), their environment variables, an address. (The locks and .in files hold no option at all: pins() and
# declared() check that, which covers -i and -f.)
INDEX = re.compile(r"--(extra-|default-)?index|--find-link|--trusted-host|\b(PIP|UV)_\w*(INDEX|FIND_LINKS)|://")
INSTALL_FILES = (*LOCKS, *LOCKS.values(), "install", "lock", ".ci/run", ".github/actions/setup/action.yml")


@dataclass(frozen=True)
class Pin:
    name: str
    version: str
    marker: str
    hashes: frozenset[str]
    via: str  # uv's annotation: where the pin comes from


def logical_lines(text: str) -> list[tuple[str, str]]:
    """Each requirement line, its continuations joined, with the comment lines that follow it (uv's `# via`)."""
    lines: list[tuple[str, str]] = []
    current = ""
    for raw in text.splitlines():
        stripped = raw.strip()
        if not current and stripped.startswith("#"):
            if lines:
                lines[-1] = (lines[-1][0], lines[-1][1] + " " + stripped)
            continue
        current += " " + stripped.removesuffix("\\")
        if not stripped.endswith("\\"):
            if current.strip():
                lines.append((current.strip(), ""))
            current = ""
    return lines


def pins(lock: str) -> list[Pin]:
    found = []
    for line, comment in logical_lines((ROOT / lock).read_text()):
        assert not line.startswith("-"), f"{lock}: an option, not a pin: {line}"
        hashes = frozenset(re.findall(r"--hash=(\S+)", line))
        requirement = Requirement(re.sub(r"\s--hash=\S+", "", line))
        specifiers = list(requirement.specifier)
        assert len(specifiers) == 1 and specifiers[0].operator == "==", f"{lock}: not pinned to one version: {line}"
        assert not requirement.url and not requirement.extras, f"{lock}: {line}"
        name = canonicalize_name(requirement.name)
        found.append(Pin(name, specifiers[0].version, str(requirement.marker or ""), hashes, comment))
    return found


def declared(path: str) -> list[Requirement]:
    requirements = []
    for raw in (ROOT / path).read_text().splitlines():
        line = raw.split(" #")[0].strip()
        if line and not line.startswith("#"):
            assert not line.startswith("-"), f"{path}: options belong in ./lock, not here: {line}"
            requirements.append(Requirement(line))
    return requirements


def by_name(lock: str) -> dict[str, list[Pin]]:
    named: dict[str, list[Pin]] = {}
    for pin in pins(lock):
        named.setdefault(pin.name, []).append(pin)
    return named


def test_every_lock_is_compiled_by_lock_and_listed_here():
    committed = {str(p.relative_to(ROOT)) for p in ROOT.glob("**/requirements*.txt") if "venv" not in p.parts}
    assert committed == set(LOCKS)
    script = (ROOT / "lock").read_text()
    assert {(source, lock) for source, lock in re.findall(r"^compile (\S+)\s.*-o (\S+)", script, re.M)} == {
        (source, lock) for lock, source in LOCKS.items()
    }


@pytest.mark.parametrize("lock", LOCKS)
def test_every_declared_requirement_is_pinned_at_a_version_it_allows(lock):
    locked = by_name(lock)
    for requirement in declared(LOCKS[lock]):
        name = canonicalize_name(requirement.name)
        assert name in locked, f"{lock} misses {requirement} of {LOCKS[lock]}: run ./lock"
        for pin in locked[name]:
            assert requirement.specifier.contains(pin.version, prereleases=True), (
                f"{lock} pins {name}=={pin.version}, {LOCKS[lock]} asks for {requirement}: run ./lock"
            )


@pytest.mark.parametrize("lock", LOCKS)
def test_what_a_lock_says_is_declared_still_is(lock):
    names = {canonicalize_name(r.name) for r in declared(LOCKS[lock])}
    source = re.compile(rf"-r {re.escape(LOCKS[lock])}(,|\s|$)")  # uv names it as ./lock does, from the root
    vias = [pin for pin in pins(lock) if source.search(pin.via)]
    assert vias, f"{lock}: uv's annotations (# via -r {LOCKS[lock]}) are gone"
    for pin in vias:
        assert pin.name in names, f"{lock} holds {pin.name} for {LOCKS[lock]}, which no longer asks for it"


@pytest.mark.parametrize("lock", LOCKS)
def test_every_pin_has_hashes(lock):
    found = pins(lock)
    assert found
    for pin in found:
        assert pin.hashes, f"{lock}: {pin.name}=={pin.version} has no --hash"
        assert all(re.fullmatch(r"sha256:[0-9a-f]{64}", h) for h in pin.hashes), f"{lock}: {pin.name}: {pin.hashes}"


@pytest.mark.parametrize("path", INSTALL_FILES)
def test_no_install_file_names_a_package_index(path):
    text = (ROOT / path).read_text()
    assert not INDEX.search(text), f"{path} names a package index: {INDEX.search(text).group(0)!r}"


@pytest.mark.parametrize("lock", AGREE_WITH_MAIN)
def test_the_locks_beside_the_main_one_agree_with_it(lock):
    main = by_name(MAIN)
    shared = set(main) & set(by_name(lock))
    assert shared
    main_pins = {(pin.name, pin.version): pin.hashes for pins_ in main.values() for pin in pins_}
    for pin in pins(lock):
        if pin.name in shared:
            assert (pin.name, pin.version) in main_pins, (
                f"{lock} pins {pin.name}=={pin.version}, {MAIN} {sorted(p.version for p in main[pin.name])}"
            )
            assert pin.hashes == main_pins[pin.name, pin.version], f"{lock} and {MAIN} hash {pin.name} differently"


@pytest.mark.parametrize("path", ["components/requirements.in", "policy/requirements.in"])
def test_the_package_and_the_policy_pack_declare_the_programs_pins(path):
    program = {canonicalize_name(r.name): r.specifier for r in declared("requirements.in")}
    for requirement in declared(path):
        assert program.get(canonicalize_name(requirement.name)) == requirement.specifier, f"{path}: {requirement}"


def test_the_component_package_locks_what_its_provider_imports():
    locked = by_name("components/requirements.txt")
    assert {"pulumi", "pulumi-dbtcloud", "pulumi-databricks", "pulumiverse-time", "pydantic"} <= set(locked)


def test_uv_and_pip_are_locked_with_a_hash_per_platform():
    locked = {pin.name: pin for pin in pins("requirements-uv.txt")}
    assert set(locked) == {"uv", "pip"}  # pip: the Pulumi CLI runs `python -m pip list` in the virtualenv
    assert len(locked["uv"].hashes) >= 10  # a wheel for each platform uv publishes, and the sdist
    assert len(locked["pip"].hashes) >= 1


# -- ./install's refusals: each before anything is made or fetched -------------------------------------------------


def install(*locks: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["sh", str(ROOT / "install"), *locks], cwd=cwd, capture_output=True, text=True)


def test_install_refuses_a_lock_path_that_is_not_there_from_the_current_folder(tmp_path):
    done = install("requirements.txt", cwd=tmp_path)
    assert done.returncode == 2
    assert f"no file requirements.txt in {tmp_path}" in done.stderr and "from the current folder" in done.stderr
    assert list(tmp_path.iterdir()) == []  # no stray venv/


def test_install_takes_the_locks_of_one_folder_at_a_time():
    done = install("requirements.txt", "policy/requirements.txt", cwd=ROOT)
    assert done.returncode == 2 and "run ./install once per folder" in done.stderr


def test_install_refuses_a_virtualenv_of_an_older_python_and_says_what_to_do(tmp_path):
    (tmp_path / "requirements.txt").write_text("")
    python = tmp_path / "venv" / "bin" / "python"
    python.parent.mkdir(parents=True)
    # A virtualenv made by Python 3.10: its python fails the version check and names itself.
    python.write_text('#!/bin/sh\n[ "$1" = -V ] && echo "Python 3.10.13" && exit 0\nexit 1\n')
    python.chmod(0o755)
    done = install("requirements.txt", cwd=tmp_path)
    assert done.returncode == 2
    assert "has Python 3.10.13, and the project needs Python 3.11 or later" in done.stderr
    assert f"rm -rf {tmp_path}/venv" in done.stderr
