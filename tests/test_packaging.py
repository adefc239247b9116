"""A plain (non-editable) install carries the prompts and templates inside the wheel."""

import subprocess
import sys
import zipfile

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
