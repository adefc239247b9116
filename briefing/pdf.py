"""Headless Chromium: find it, print a briefing's HTML to PDF, and drive it over the DevTools protocol.

``-f pdf`` prints with Chromium's own ``--print-to-pdf`` in a throwaway profile; the page size comes from the
HTML's ``@page`` rule (``--paper``). ``--max-pages N`` prints, counts the pages and, while there are too many,
drops the lowest-priority items (:func:`trim`) and prints again; the briefing then says what it left out.

:class:`Browser` is a small DevTools-protocol client over ``--remote-debugging-pipe`` (no port, no extra
package): the tests and ``scripts/make-examples-html`` use it for screenshots, layout measurements and to see
every network request and console message a page makes.

Chromium is looked up as ``$BRIEFING_CHROMIUM``, then ``chromium``, ``chromium-browser``, ``google-chrome`` and
``google-chrome-stable`` on ``PATH``. Only the standard library is imported here.
"""

from __future__ import annotations

import base64
import json
import os
import re
import selectors
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

from .errors import RenderError

#: Flags for every run: no sandbox (containers), no GPU, and nothing that talks to the network by itself.
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-default-apps", "--disable-extensions",
         "--mute-audio", "--hide-scrollbars")
CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
PAPERS = ("a4", "letter")
PRINT_TIMEOUT = 60.0


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
            raise RenderError(f"Chromium failed to print the PDF (exit {proc.returncode}): {_last_error(proc.stderr)}")
        return data


def _last_error(stderr: bytes) -> str:
    lines = [ln.strip() for ln in stderr.decode("utf-8", "replace").splitlines()
             if ln.strip() and "dbus" not in ln and "unexpected operator" not in ln]
    return lines[-1][:200] if lines else "no message"


# ------------------------------------------------------------------------------------ fitting to pages

#: Sections from lowest to highest priority, each with the number of items that are never trimmed and its
#: (singular, plural) label. The headline, bottom line and grounding figure are never trimmed.
TRIM_ORDER: tuple[tuple[str, int, tuple[str, str]], ...] = (
    ("open_questions", 0, ("open question", "open questions")), ("issues", 0, ("issue", "issues")),
    ("quotes", 0, ("quote", "quotes")), ("timeline", 1, ("timeline event", "timeline events")),
    ("actors", 1, ("actor", "actors")), ("positions", 1, ("position", "positions")),
    ("outlook", 1, ("outlook item", "outlook items")), ("key_points", 3, ("key point", "key points")),
)


def trim_plan(extraction: Any) -> list[str]:
    """The order items are dropped in: one pass after another, each pass taking the last item of every section
    above its floor, lowest-priority section first. Returns section names, one per dropped item."""
    left = {name: len(getattr(extraction, name)) for name, _, _ in TRIM_ORDER}
    plan: list[str] = []
    while True:
        step = [name for name, floor, _ in TRIM_ORDER if left[name] > floor]
        if not step:
            return plan
        for name in step:
            left[name] -= 1
        plan.extend(step)


def trim(briefing: Any, k: int) -> tuple[Any, list[str]]:
    """A copy of ``briefing`` without the first ``k`` items of :func:`trim_plan`, and what was left out
    (e.g. ``"2 of 5 timeline events"``)."""
    copy = briefing.model_copy(deep=True)
    ex = copy.extraction
    dropped: dict[str, int] = {}
    for name in trim_plan(ex)[:k]:
        dropped[name] = dropped.get(name, 0) + 1
    omitted = []
    for name, _, label in TRIM_ORDER:
        n = dropped.get(name, 0)
        if n:
            items = getattr(ex, name)
            omitted.append(f"{n} of {len(items)} {label[len(items) != 1]}")
            setattr(ex, name, items[:len(items) - n])
    return copy, omitted


def fit_pdf(briefing: Any, html_of: Callable[[Any, list[str]], str], *, max_pages: int | None = None) -> bytes:
    """Print ``html_of(briefing, omitted)`` to PDF; with ``max_pages``, trim the fewest lowest-priority items
    that make it fit (a binary search over :func:`trim_plan`), or fail saying it cannot fit."""
    pdf = print_pdf(html_of(briefing, []))
    if max_pages is None or page_count(pdf) <= max_pages:
        return pdf
    plan = trim_plan(briefing.extraction)
    lo, hi, best = 1, len(plan), None  # invariant: trimming < lo items does not fit
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


# ------------------------------------------------------------------------------ DevTools over a pipe


class Browser:
    """Headless Chromium driven over ``--remote-debugging-pipe`` (JSON messages ending in NUL on fds 3/4).

    ``open(url)`` loads a page in a fresh tab with Network, Runtime, Log and Page events recorded in
    ``events``; ``call`` sends a command to that tab. Use as a context manager.
    """

    def __init__(self, *, timeout: float = 30.0, extra_flags: tuple[str, ...] = ()):
        import fcntl

        self.timeout = timeout
        self._tmp = tempfile.TemporaryDirectory(prefix="briefing-cdp-")
        self._next_id = 0
        self._buffer = b""
        self.events: list[dict[str, Any]] = []
        self.session: str | None = None
        to_child_r, self._w = os.pipe()
        self._r, from_child_w = os.pipe()
        # Move the child's ends above fd 10 first, so dup2 onto 3 and 4 cannot clobber one with the other.
        hi_r = fcntl.fcntl(to_child_r, fcntl.F_DUPFD, 10)
        hi_w = fcntl.fcntl(from_child_w, fcntl.F_DUPFD, 10)

        def child_fds() -> None:
            os.dup2(hi_r, 3)
            os.dup2(hi_w, 4)

        self._stderr = open(Path(self._tmp.name, "stderr.log"), "wb")
        cmd = [find_chromium(), *FLAGS, *extra_flags, f"--user-data-dir={Path(self._tmp.name, 'profile')}",
               "--remote-debugging-pipe", "about:blank"]
        try:
            self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                         stderr=self._stderr, pass_fds=(3, 4), preexec_fn=child_fds)
        except OSError as e:
            raise RenderError(f"cannot run Chromium: {e.strerror or e}") from None
        finally:
            for fd in (to_child_r, from_child_w, hi_r, hi_w):
                os.close(fd)
        self._sel = selectors.DefaultSelector()
        self._sel.register(self._r, selectors.EVENT_READ)

    # -- protocol
    def _send(self, method: str, params: dict | None, session: str | None) -> int:
        self._next_id += 1
        msg: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self._w, json.dumps(msg).encode() + b"\0")
        return self._next_id

    def _read(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not self._sel.select(left):
                raise RenderError(f"Chromium did not answer within {self.timeout:.0f}s")
            chunk = os.read(self._r, 1 << 20)
            if not chunk:
                raise RenderError(f"Chromium exited: {self.stderr_tail()}")
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(raw)

    def _dispatch(self, msg: dict[str, Any]) -> None:
        if "method" in msg:
            self.events.append(msg)

    def call(self, method: str, params: dict | None = None, *, session: str | None = "page") -> dict[str, Any]:
        """Send a command (to the open tab unless ``session=None``) and wait for its result."""
        sid = self.session if session == "page" else session
        want = self._send(method, params, sid)
        deadline = time.monotonic() + self.timeout
        while True:
            msg = self._read(deadline)
            if msg.get("id") == want:
                if "error" in msg:
                    raise RenderError(f"DevTools {method} failed: {msg['error'].get('message')}")
                return msg.get("result", {})
            self._dispatch(msg)

    def wait_for(self, method: str, *, after: int = 0) -> dict[str, Any]:
        """Wait for an event of the open tab, recorded at index ``after`` or later or still to come; returns its
        params."""
        def mine(ev: dict[str, Any]) -> bool:
            return ev["method"] == method and ev.get("sessionId") == self.session

        for ev in self.events[after:]:
            if mine(ev):
                return ev.get("params", {})
        deadline = time.monotonic() + self.timeout
        while True:
            msg = self._read(deadline)
            self._dispatch(msg)
            if "method" in msg and mine(msg):
                return msg.get("params", {})

    # -- pages
    def open(self, url: str, *, width: int = 1200, height: int = 900) -> None:
        """Load ``url`` in a new tab of the given viewport size, recording its events from the first request."""
        target = self.call("Target.createTarget", {"url": "about:blank"}, session=None)["targetId"]
        self.session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True},
                                 session=None)["sessionId"]
        for domain in ("Page", "Network", "Runtime", "Log"):
            self.call(f"{domain}.enable")
        self.call("Emulation.setDeviceMetricsOverride",
                  {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})
        self.events.clear()
        self.call("Page.navigate", {"url": url})
        seen = 0
        while True:  # the load of this URL, not of the blank page the tab started with
            self.wait_for("Page.loadEventFired", after=seen)
            seen = len(self.events)
            if self.evaluate("document.readyState === 'complete' && location.href !== 'about:blank'"):
                break
        self.evaluate("document.fonts.ready.then(() => true)")

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page (promises are awaited)."""
        res = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True,
                                             "awaitPromise": True})
        if "exceptionDetails" in res:
            raise RenderError(f"page script failed: {res['exceptionDetails'].get('text')}")
        return res["result"].get("value")

    def screenshot(self, *, full_page: bool = False) -> bytes:
        """A PNG of the viewport, or of the whole page."""
        params: dict[str, Any] = {"format": "png"}
        if full_page:
            w, h = self.evaluate("[document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
            params.update(captureBeyondViewport=True, clip={"x": 0, "y": 0, "width": w, "height": h, "scale": 1})
        return base64.b64decode(self.call("Page.captureScreenshot", params)["data"])

    def print_pdf(self) -> bytes:
        """The open page printed as Chromium prints it, at its CSS ``@page`` size, without header and footer."""
        res = self.call("Page.printToPDF", {"printBackground": True, "preferCSSPageSize": True,
                                            "displayHeaderFooter": False})
        return base64.b64decode(res["data"])

    # -- what the page did
    def requests(self) -> list[str]:
        return [e["params"]["request"]["url"] for e in self.events if e["method"] == "Network.requestWillBeSent"]

    def problems(self) -> list[str]:
        """Console errors and warnings, log entries of level warning or error, and uncaught exceptions."""
        out = []
        for e in self.events:
            p = e.get("params", {})
            if e["method"] == "Runtime.consoleAPICalled" and p.get("type") in ("error", "warning", "assert"):
                out.append(f"console.{p['type']}: " + " ".join(str(a.get("value", a.get("description")))
                                                               for a in p.get("args", [])))
            elif e["method"] == "Log.entryAdded" and p["entry"].get("level") in ("error", "warning"):
                out.append(f"log {p['entry']['level']}: {p['entry'].get('text')}")
            elif e["method"] == "Runtime.exceptionThrown":
                out.append(f"exception: {p['exceptionDetails'].get('text')}")
        return out

    def stderr_tail(self) -> str:
        try:
            return _last_error(Path(self._tmp.name, "stderr.log").read_bytes())
        except OSError:
            return "no message"

    def close(self) -> None:
        if self.proc.poll() is None:
            try:
                self._send("Browser.close", None, None)
                self.proc.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                self.proc.kill()
                self.proc.wait()
        self._sel.close()
        for fd in (self._r, self._w):
            try:
                os.close(fd)
            except OSError:
                pass
        self._stderr.close()
        self._tmp.cleanup()

    def __enter__(self) -> "Browser":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def screenshot(html_path: str | Path, png_path: str | Path, *, width: int = 1100, height: int = 900,
               full_page: bool = True) -> Path:
    """Save a PNG of an HTML file as headless Chromium shows it (``scripts/make-examples-html``)."""
    png = Path(png_path)
    with Browser() as browser:
        browser.open(Path(html_path).resolve().as_uri(), width=width, height=height)
        png.write_bytes(browser.screenshot(full_page=full_page))
    return png
