"""Browser tests without a browser: the one decision, used by the ``browser`` marker hook in tests/conftest.py.

No Chromium and ``CI`` unset: the test is skipped with :data:`MISSING` as its one reason. ``CI`` set (CI runs
with ``CI=true``): the test fails with the same message, so a CI machine without Chromium cannot pass quietly.
"""

from __future__ import annotations

import os
from typing import Callable, Mapping

MISSING = "Chromium not found: apt-get install chromium, or set BRIEFING_CHROMIUM"


def in_ci(environ: Mapping[str, str]) -> bool:
    """``CI`` set to anything but an empty, 0, false or no value."""
    return environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def decide(find: Callable[[], str], environ: Mapping[str, str]) -> tuple[str, str]:
    """``("run", path)``, ``("skip", MISSING)`` or ``("fail", MISSING + why)``. ``find`` returns the Chromium
    binary or raises :class:`~briefing.errors.RenderError`, as ``find_chromium`` does."""
    from briefing.errors import RenderError

    try:
        return "run", find()
    except RenderError as e:
        if in_ci(environ):
            return "fail", f"{MISSING} (CI is set, so browser tests must run; {e})"
        return "skip", MISSING


def require_chromium() -> str:
    """The Chromium binary for a browser test, or skip / fail it (see :func:`decide`)."""
    import pytest

    from briefing.output.chromium import find_chromium

    action, detail = decide(find_chromium, os.environ)
    if action == "skip":
        pytest.skip(detail)
    if action == "fail":
        pytest.fail(detail, pytrace=False)
    return detail
