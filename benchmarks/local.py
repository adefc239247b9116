"""The embedded local model on the example article: tokens, calls, time in and outside the model, peak memory.

    python benchmarks/local.py [--local-model qwen2.5-coder-0.5b] [--article examples/vienna-talks.txt]

Runs `briefing generate -f json` exactly as a user would (no key: the local model), samples the resident memory
of the whole process tree (CLI + llama.cpp server) every 100 ms, and prints one table. Model time is the sum of
the HTTP calls' latencies (usage.seconds); everything else (start-up, model load, grounding, rendering) is
"outside the model". Hold the machine quiet while it runs: on 2 cores any other load skews the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _tree_rss_kib(pid: int) -> int:
    """Resident memory of a process and all its descendants, in KiB (from /proc)."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
            with open(f"/proc/{p}/task/{p}/children") as f:
                todo.extend(int(c) for c in f.read().split())
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total


def run_measured(cmd: list[str]) -> tuple[int, float, int]:
    """Run ``cmd`` as a user would (no key, no base URL: the local model) from the repository root; return its exit
    code, wall seconds and the peak resident memory of its process tree in KiB (sampled every 100 ms)."""
    env = {k: v for k, v in os.environ.items() if k not in ("OPENAI_API_KEY", "OPENAI_BASE_URL")}
    peak, t0 = [0], time.monotonic()
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT)

    def sample() -> None:
        while proc.poll() is None:
            peak[0] = max(peak[0], _tree_rss_kib(proc.pid))
            time.sleep(0.1)

    th = threading.Thread(target=sample, daemon=True)
    th.start()
    rc = proc.wait()
    wall = time.monotonic() - t0
    th.join()
    return rc, wall, peak[0]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--article", default=str(ROOT / "examples" / "vienna-talks.txt"))
    ap.add_argument("--local-model", default=None)
    args = ap.parse_args()
    out = Path(tempfile.mkdtemp()) / "b.json"
    cmd = [sys.executable, "-m", "briefing", "generate", args.article, "-f", "json", "-o", str(out), "-q", "--no-cache"]
    if args.local_model:
        cmd += ["--local-model", args.local_model]
    rc, wall, peak_kib = run_measured(cmd)
    if rc != 0:
        print(f"briefing exited {rc}")
        return rc
    b = json.loads(out.read_text())
    u = b["meta"]["usage"]
    rows = [
        ("model", b["meta"]["model"]),
        ("calls per article", u["calls"]),
        ("attempts (re-asks included)", u["attempts"]),
        ("prompt tokens", u["prompt_tokens"]),
        ("output tokens", u["completion_tokens"]),
        ("model seconds", f"{u['seconds']:.1f}"),
        ("seconds outside the model", f"{wall - u['seconds']:.1f}"),
        ("wall seconds", f"{wall:.1f}"),
        ("output tokens / model second", f"{u['completion_tokens'] / max(u['seconds'], 1e-9):.2f}"),
        ("peak memory, CLI + server (GiB)", f"{peak_kib / 2**20:.2f}"),
        ("grounding", f"{b['grounding']['supported']} of {b['grounding']['total']} items supported"),
    ]
    for k, v in rows:
        print(f"{k:<34} {v}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
