"""The README is tested: its install and test commands are what CI runs, and its model-free commands work."""

import re
import shlex
import subprocess
import sys

import pytest

from tests.conftest import ROOT

README = (ROOT / "README.md").read_text()


def _blocks(lang="sh"):
    return re.findall(rf"```{lang}\n(.*?)```", README, re.S)


def _commands():
    out = []
    for block in _blocks():
        for line in block.splitlines():
            cmd = line.split("  #")[0].strip()
            if cmd:
                out.append(cmd)
    return out


def test_ci_runs_the_readme_install_and_test_commands():
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    install = next(c for c in _commands() if "pip install" in c)
    test = next(c for c in _commands() if "pytest" in c and "not slow" not in c)
    assert install in ci, f".ci/run does not run the README install command: {install}"
    assert test in ci, f".ci/run does not run the README test command: {test}"


MODEL_FREE = [c for c in _commands() if c.startswith(("briefing render examples/", "briefing schema",
                                                      "briefing models"))]


def test_readme_lists_model_free_commands():
    assert len(MODEL_FREE) >= 5


@pytest.mark.parametrize("command", MODEL_FREE)
def test_readme_command_runs(command, tmp_path):
    args = shlex.split(command)
    args = [str(tmp_path / a) if a.endswith((".html", ".pdf")) and not a.startswith("examples/") else
            (str(ROOT / a) if a.startswith("examples/") else a) for a in args]
    r = subprocess.run([sys.executable, "-m", "briefing", *args[1:]], capture_output=True, text=True, cwd=tmp_path,
                       timeout=180)
    assert r.returncode == 0, r.stderr
    assert r.stdout or any(p.exists() for p in tmp_path.iterdir())
