"""Batch throughput on the shared corpus: articles per minute at concurrency 1, 2 and 4, and a fully cached re-run.

    flock /tmp/briefing-model.lock .venv/bin/python benchmarks/batch.py --limit 2
    python benchmarks/batch.py --base-url http://host:8000/v1 --model NAME --provider vllm   # another server

Without --base-url it serves the default local model (llama.cpp) once for all runs. Each concurrency setting briefs
the same articles from scratch (no cache, no resume) into a fresh folder; the first run also fills a fresh cache,
and the last run repeats it from that cache (zero model calls). Printed: articles/minute per setting, the ratio to
single-stream throughput, tokens, failures, and the cached run's time. Hold the machine quiet while it runs: the
full corpus takes 30+ minutes of model time on 2 cores; the llama.cpp server decodes one request at a time, so
concurrency there mostly queues.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus"))
    ap.add_argument("--limit", type=int, help="only the first N articles")
    ap.add_argument("--concurrency", default="1,2,4", help="settings to compare (default 1,2,4)")
    ap.add_argument("--base-url", help="an OpenAI-compatible server already running (default: serve the local model)")
    ap.add_argument("--model", default="local")
    ap.add_argument("--provider", default="llamacpp")
    ap.add_argument("--json", action="store_true", help="also print the figures as one JSON object")
    args = ap.parse_args(argv)

    from briefing.model import local
    from briefing.batch.run import run_batch
    from briefing.brief import Briefer
    from briefing.ingest.inputs import expand
    from briefing.store.cache import Cache
    from briefing.config import Settings

    items = expand([args.corpus])[: args.limit]
    settings_n = [int(x) for x in args.concurrency.split(",")]
    rows = []
    with contextlib.ExitStack() as stack:
        base_url = args.base_url
        if base_url is None:
            model = local.resolve(Settings.from_env(), progress=print)
            base_url = stack.enter_context(local.serve(model, progress=print))
        settings = Settings.from_env(provider=args.provider, base_url=base_url, model=args.model)
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="briefing-bench-")))
        cache = stack.enter_context(Cache(tmp / "cache.sqlite3"))

        def run(n: int, name: str, use_cache: bool) -> dict:
            t0 = time.monotonic()
            with Briefer(settings, cache=cache if use_cache else None) as runner:
                result = run_batch(items, runner, tmp / name, concurrency=n, fmt="json", quiet=True)
            dt = time.monotonic() - t0
            ok = len(result.records) - len(result.failed)
            row = {"run": name, "concurrency": n, "articles": len(items), "ok": ok, "failed": len(result.failed),
                   "seconds": round(dt, 2), "per_minute": round(ok / (dt / 60), 3) if dt else None,
                   "prompt_tokens": result.usage.prompt_tokens,
                   "completion_tokens": result.usage.completion_tokens, "attempts": result.usage.attempts,
                   "from_cache": result.count("cache")}
            print(f"{name}: {ok}/{len(items)} ok in {dt:.1f} s ({row['per_minute']} articles/min; "
                  f"{row['completion_tokens']} completion tokens)", flush=True)
            for r in result.failed:
                print(f"  failed {r['id']}: {r['error']}", flush=True)
            return row

        for i, n in enumerate(settings_n):
            rows.append(run(n, f"concurrency-{n}", use_cache=(i == 0)))   # the first run fills the cache
        cached = run(settings_n[0], "cached", use_cache=True)

    single = next((r for r in rows if r["concurrency"] == 1), rows[0])
    print(f"\n{len(items)} article(s) from {args.corpus}; endpoint {args.provider} {args.model}")
    print(f"{'concurrency':>11}  {'articles/min':>12}  {'vs 1 stream':>11}  {'seconds':>8}  {'failed':>6}  tokens")
    for r in rows:
        ratio = (r["per_minute"] / single["per_minute"]) if r["per_minute"] and single["per_minute"] else 0
        r["ratio"] = round(ratio, 3)
        print(f"{r['concurrency']:>11}  {r['per_minute'] or 0:>12.2f}  {ratio:>10.2f}x  {r['seconds']:>8.1f}  "
              f"{r['failed']:>6}  {r['prompt_tokens']}+{r['completion_tokens']}")
    speedup = single["seconds"] / cached["seconds"] if cached["seconds"] else float("inf")
    print(f"cached re-run: {cached['seconds']:.2f} s for {cached['articles']} article(s), "
          f"{cached['from_cache']} from the cache, {cached['attempts']} model attempt(s); "
          f"{speedup:.0f}x faster than the first run")
    if args.json:
        print(json.dumps({"runs": rows, "cached": cached, "cached_speedup": round(speedup, 1)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
