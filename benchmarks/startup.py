"""How long `briefing --help` takes next to a bare `python -c pass`, measured side by side in one run.

    python benchmarks/startup.py [--runs 15]

Prints the median of each and their ratio (the goal: at most 6x).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time


def _time(cmd: list[str]) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=15)
    args = ap.parse_args()
    bare_cmd = [sys.executable, "-c", "pass"]
    help_cmd = [sys.executable, "-m", "briefing", "--help"]
    _time(bare_cmd), _time(help_cmd)  # warm the OS caches
    bare, helps = [], []
    for _ in range(args.runs):  # interleaved, so both see the same machine load
        bare.append(_time(bare_cmd))
        helps.append(_time(help_cmd))
    b, h = statistics.median(bare), statistics.median(helps)
    print(f"python -c pass   median {b * 1000:7.1f} ms over {args.runs} runs")
    print(f"briefing --help  median {h * 1000:7.1f} ms over {args.runs} runs")
    print(f"ratio {h / b:.2f}x (goal <= 6x)")
    return 0 if h / b <= 6 else 1


if __name__ == "__main__":
    sys.exit(main())
