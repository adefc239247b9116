"""Packaging: a plain (non-editable) install carries the prompts and templates inside the wheel, and
``requirements.lock`` (what the README installs and CI tests) agrees with ``pyproject.toml``."""

import re
import subprocess
import sys
import zipfile

import pytest

from tests.conftest import ROOT


def test_wheel_ships_prompts_and_templates(tmp_path):
    r = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-2000:]
    wheel = next(tmp_path.glob("briefing-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for p in (ROOT / "prompts").glob("*.j2"):
        assert f"briefing/prompts/{p.name}" in names
    for p in (ROOT / "templates").iterdir():
        assert f"briefing/templates/{p.name}" in names


# --------------------------------------------------------------------------- the lock and pyproject.toml agree

LOCK = ROOT / "requirements.lock"
EXTRAS = ("local", "test")  # the extras the README installs and the lock covers


def _pyproject() -> dict:
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+, like the lock
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _direct_requirements():
    """Every requirement pyproject.toml declares: main dependencies and the extras the lock covers."""
    from packaging.requirements import Requirement

    project = _pyproject()["project"]
    lines = list(project["dependencies"])
    for extra in EXTRAS:
        lines += project["optional-dependencies"][extra]
    return [Requirement(line) for line in lines]


def _locked() -> dict[str, str]:
    """Canonical name -> version of every pin in the lock."""
    from packaging.utils import canonicalize_name

    pins = {}
    for line in LOCK.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        m = re.fullmatch(r"([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)", line.strip())
        assert m, f"requirements.lock: not an exact pin: {line!r}"
        name = canonicalize_name(m[1])
        assert name not in pins, f"requirements.lock pins {name} twice"
        pins[name] = m[2]
    return pins


def test_packaging_is_a_declared_test_dependency():
    from packaging.requirements import Requirement

    assert "packaging" in {Requirement(r).name for r in _pyproject()["project"]["optional-dependencies"]["test"]}


def test_lock_pins_every_direct_dependency_within_pyproject_ranges():
    from packaging.utils import canonicalize_name
    from packaging.version import Version

    pins = _locked()
    problems = []
    for req in _direct_requirements():
        if req.marker is not None and not req.marker.evaluate():
            continue
        name = canonicalize_name(req.name)
        if name not in pins:
            problems.append(f"{req} is not in requirements.lock")
        elif not req.specifier.contains(Version(pins[name]), prereleases=True):
            problems.append(f"requirements.lock has {name}=={pins[name]}, pyproject.toml wants {req}")
    assert not problems, "run scripts/lock:\n" + "\n".join(problems)


def test_lock_header_names_its_command_and_the_extras():
    head = [line for line in LOCK.read_text(encoding="utf-8").splitlines() if line.startswith("#")]
    command = next((m[1] for line in head if (m := re.fullmatch(r"#\s+(pip-compile\s+--.*\S)\s*", line))), None)
    assert command, "requirements.lock has no pip-compile command in its header (run scripts/lock)"
    args = command.split()
    assert args[-1] == "pyproject.toml", command
    assert sorted(a.split("=", 1)[1] for a in args if a.startswith("--extra=")) == sorted(EXTRAS), command
    assert "--output-file=requirements.lock" in args, command
    assert any("scripts/lock" in line for line in head), "the header says how to refresh the lock"


def test_lock_has_lxml_html_clean_when_it_locks_lxml_6():
    """lxml 6 moved ``lxml.html.clean`` (which trafilatura's jusText imports) into lxml_html_clean."""
    from packaging.version import Version

    pins = _locked()
    assert "lxml" in pins, "trafilatura needs lxml"
    if Version(pins["lxml"]) >= Version("6"):
        assert "lxml-html-clean" in pins, f"lxml=={pins['lxml']} is locked without lxml_html_clean"


def test_the_installed_versions_are_the_locked_ones():
    """The suite runs with the lock's versions: every locked package that is installed has its locked version
    (packages not installed, e.g. without the local model, are not checked)."""
    from importlib import metadata

    from packaging.utils import canonicalize_name

    installed = {canonicalize_name(d.metadata["Name"]): d.version for d in metadata.distributions()
                 if d.metadata["Name"]}
    wrong = [f"{name}: installed {installed[name]}, locked {version}" for name, version in _locked().items()
             if name in installed and installed[name] != version]
    assert not wrong, ("reinstall with the README's install command (or refresh the lock with scripts/lock):\n"
                       + "\n".join(wrong))


def test_readme_install_command_uses_the_lock_and_extras():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    install = next(line for block in re.findall(r"```sh\n(.*?)```", readme, re.S) for line in block.splitlines()
                   if "pip install" in line)
    assert "-r requirements.lock" in install, install
    assert f"'.[{','.join(EXTRAS)}]'" in install, install


def test_wheel_metadata_keeps_ranges():
    """``pip install briefing`` resolves with ranges: only the local model's packages are pinned exactly."""
    project = _pyproject()["project"]
    exact = [r for r in project["dependencies"] + project["optional-dependencies"]["test"] if "==" in r]
    assert not exact, f"exact pins belong in requirements.lock, not the wheel's metadata: {exact}"
