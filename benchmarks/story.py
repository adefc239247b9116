"""What a story costs against briefing its articles one by one, measured in one run on the same model.

    python benchmarks/story.py                                   # china-well-rescue, 3 articles, local default
    python benchmarks/story.py --story croydon-tram-crash -n 4

1. N single briefings through the one brief path, answers kept in a fresh cache: calls, tokens, seconds.
2. The story of the same N articles with that cache: the N extractions come from the cache, so what it adds is the
   one short call over the merged findings.
3. The story again with one more article: one extraction and one short call.

Prints each step and the ratio of a story (N extractions + one short call) to N single briefings.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    from briefing.brief import Briefer
    from briefing.config import Settings
    from briefing.ingest.inputs import expand
    from briefing.store.cache import Cache
    from briefing.story.build import generate_story
    from briefing.usage import Usage

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--story", default="china-well-rescue")
    ap.add_argument("-n", type=int, default=3)
    args = ap.parse_args()
    files = [str(p) for p in sorted((ROOT.parent / "shared" / "stories" / args.story).glob("*.json"))]
    if len(files) < args.n + 1:
        raise SystemExit(f"{args.story} has {len(files)} articles; -n must be at most {len(files) - 1}")
    settings = Settings.from_env()
    with tempfile.TemporaryDirectory() as tmp, Briefer(settings, cache=Cache(Path(tmp) / "c.sqlite3")) as briefer:
        singles, t0 = Usage(), time.monotonic()
        for item in expand(files[:args.n]):
            singles.add(briefer.brief(item.load(), item=item.id).usage)
        single_s = time.monotonic() - t0
        t0 = time.monotonic()
        story = generate_story(files[:args.n], briefer=briefer)
        story_s = time.monotonic() - t0
        t0 = time.monotonic()
        more = generate_story(files[:args.n + 1], briefer=briefer)
        more_s = time.monotonic() - t0
    # Cache hits cost nothing this run, so a story's usage is what it added: the short call (and new articles).
    u, m = story.meta.usage, more.meta.usage
    rows = [("N single briefings", singles.calls, singles.prompt_tokens, singles.completion_tokens, single_s),
            ("story, articles cached", u["calls"], u["prompt_tokens"], u["completion_tokens"], story_s),
            (f"story of {args.n + 1} (one new)", m["calls"], m["prompt_tokens"], m["completion_tokens"], more_s)]
    print(f"story {args.story}, N = {args.n}, model {story.meta.model}, sections {story.meta.sections}")
    print(f"{'step':<28}{'calls':>6}{'prompt':>9}{'output':>8}{'seconds':>9}")
    for name, calls, p, c, s in rows:
        print(f"{name:<28}{calls:>6}{p:>9}{c:>8}{s:>9.1f}")
    ratio = (single_s + story_s) / single_s
    print(f"a story of {args.n} articles = {args.n} extractions + 1 short call: {ratio:.2f}x the time of "
          f"{args.n} single briefings ({story_s:.1f} s for the short call and the merge); "
          f"{len(story.conflicts)} conflict(s), {sum(1 for _, i in story.extraction.items() if len(set(i.sources)) > 1)}"
          f" corroborated item(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
