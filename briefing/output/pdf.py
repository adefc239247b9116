"""A briefing's HTML printed to PDF by headless Chromium, fitted to a page budget.

``-f pdf`` prints with Chromium's own ``--print-to-pdf`` in a throwaway profile; the page size comes from the
HTML's ``@page`` rule (``--paper``). ``--max-pages N`` prints, counts the pages and, while there are too many,
drops the lowest-priority items (:func:`trim`) and prints again; the briefing then says what it left out.
The DevTools client for screenshots and layout checks is :mod:`briefing.output.devtools`; what gives way when a
page is short is :mod:`briefing.output.trim`.

Chromium is found by :mod:`briefing.output.chromium`. Only the standard library is imported here.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
from pathlib import Path
from typing import Any, Callable

from briefing.errors import RenderError
from briefing.output.chromium import FLAGS, find_chromium, last_error
from briefing.output.trim import trim, trim_plan

PRINT_TIMEOUT = 60.0


def page_count(pdf: bytes) -> int:
    """Pages in a PDF as Chromium writes it (page objects are not compressed into object streams)."""
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))


def print_pdf(html: str, *, timeout: float = PRINT_TIMEOUT) -> bytes:
    """Print an HTML document to PDF with headless Chromium; the page size is the document's ``@page`` size."""
    exe = find_chromium()
    with tempfile.TemporaryDirectory(prefix="briefing-pdf-") as tmp:
        page = Path(tmp, "briefing.html")
        page.write_text(html, encoding="utf-8")
        out = Path(tmp, "briefing.pdf")
        cmd = [exe, *FLAGS, f"--user-data-dir={Path(tmp, 'profile')}", f"--print-to-pdf={out}",
               "--no-pdf-header-footer", page.as_uri()]
        try:
            proc = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  timeout=timeout)
        except subprocess.TimeoutExpired:
            raise RenderError(f"Chromium did not finish printing within {timeout:.0f}s") from None
        except OSError as e:
            raise RenderError(f"cannot run Chromium ({exe}): {e.strerror or e}") from None
        data = out.read_bytes() if out.exists() else b""
        if proc.returncode != 0 or not data.startswith(b"%PDF"):
            raise RenderError(f"Chromium failed to print the PDF (exit {proc.returncode}): {last_error(proc.stderr)}")
        return data


def fit_pdf(briefing: Any, html_of: Callable[[Any, list[str]], str], *, max_pages: int | None = None) -> bytes:
    """Print ``html_of(briefing, omitted)`` to PDF; with ``max_pages``, trim the fewest lowest-priority items
    that make it fit (a binary search over :func:`trim_plan`), or fail saying it cannot fit."""
    pdf = print_pdf(html_of(briefing, []))
    if max_pages is None or page_count(pdf) <= max_pages:
        return pdf
    plan = trim_plan(briefing.extraction)
    lo, hi, best = 1, len(plan), None  # invariant: trimming < lo items does not fit
    from briefing.output.devtools import Browser

    # One browser for the whole search: each candidate is loaded in a new tab and printed over DevTools.
    with Browser() as browser, tempfile.TemporaryDirectory(prefix="briefing-fit-") as tmp:
        while lo <= hi:
            mid = (lo + hi) // 2
            smaller, omitted = trim(briefing, mid)
            page = Path(tmp, f"candidate-{mid}.html")
            page.write_text(html_of(smaller, omitted), encoding="utf-8")
            browser.open(page.as_uri())
            candidate = browser.print_pdf()
            if page_count(candidate) <= max_pages:
                best, hi = candidate, mid - 1
            else:
                lo = mid + 1
    if best is None:
        raise RenderError(f"the briefing does not fit on {max_pages} page(s) even with the lowest-priority items "
                          f"trimmed; use a larger --max-pages or none")
    return best
