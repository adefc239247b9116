"""Headless Chromium found and flagged once, for printing (:mod:`briefing.output.pdf`) and for driving it over
DevTools (:mod:`briefing.output.devtools`). Looked up as ``$BRIEFING_CHROMIUM``, then ``chromium``,
``chromium-browser``, ``google-chrome`` and ``google-chrome-stable`` on ``PATH``. Only the standard library."""

from __future__ import annotations

import os
import shutil

from briefing.errors import RenderError

#: Flags for every run: no sandbox (containers), no GPU, and nothing that talks to the network by itself.
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-default-apps", "--disable-extensions",
         "--mute-audio", "--hide-scrollbars")
CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def find_chromium() -> str:
    """The Chromium executable, or a one-line :class:`RenderError` saying how to get one."""
    configured = os.environ.get("BRIEFING_CHROMIUM")
    if configured:
        found = shutil.which(configured)
        if not found:
            raise RenderError(f"BRIEFING_CHROMIUM={configured}: no such executable")
        return found
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    raise RenderError("PDF output needs headless Chromium, which was not found (install the 'chromium' package, "
                      "or set BRIEFING_CHROMIUM to its path); -f html prints from any browser")


def last_error(stderr: bytes) -> str:
    lines = [ln.strip() for ln in stderr.decode("utf-8", "replace").splitlines()
             if ln.strip() and "dbus" not in ln and "unexpected operator" not in ln]
    return lines[-1][:200] if lines else "no message"
