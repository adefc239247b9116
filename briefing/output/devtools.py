"""A small DevTools-protocol client for headless Chromium over ``--remote-debugging-pipe`` (no port, no extra
package): the tests and ``scripts/make-examples-html`` use it for screenshots, layout measurements and to see every
network request and console message a page makes. Only the standard library is imported here."""

from __future__ import annotations

import base64
import json
import os
import selectors
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from briefing.errors import RenderError
from briefing.output.chromium import FLAGS, find_chromium, last_error


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
            return last_error(Path(self._tmp.name, "stderr.log").read_bytes())
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
