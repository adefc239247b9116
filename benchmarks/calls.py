"""One call against several focused calls, with the embedded local model (the 1.5B default) on one article.

    python benchmarks/calls.py [--article examples/vienna-talks.txt] [--local-model qwen2.5-coder-1.5b]

Both variants ask for the same eight sections with the same grammar-constrained decoding and the same prompt
layout, chosen so that several calls can share a KV cache: the rules and the numbered article come first and are
identical in every call; only the short list of fields to fill comes after the article. llama-cpp-python's
server keeps the previous request's tokens and evaluates only what differs, so calls 2 and 3 pay prefill for
their field list only. Each variant gets a freshly started server (both start cold; one request at a time, as
on this 2-core machine). Each call is one attempt (no re-asks), so the figures compare decoding and prefill.

Prints, per variant: calls, prompt and output tokens, model seconds, and the ratio several/one.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import briefing.ingest.core as ingest  # noqa: E402
from briefing.model import local  # noqa: E402
from briefing.config import Settings  # noqa: E402
from briefing.model.call import structured_call  # noqa: E402
from briefing.model.prompts import _env, field_guide, prompt_dir  # noqa: E402
from briefing.schema import Extraction, Sections  # noqa: E402

#: The several-calls split: the brief profile's sections, then the two groups the full profile adds.
SPLIT = (("headline", "bottom_line", "key_points", "actors", "quotes", "outlook"),
         ("positions", "timeline"),
         ("issues", "open_questions"))


def part_model(names: tuple[str, ...]) -> type[Sections]:
    from pydantic import create_model

    fields = {n: (Extraction.model_fields[n].annotation, Extraction.model_fields[n]) for n in names}
    return create_model("Part_" + "_".join(names), __base__=Sections, **fields)


def messages(article, model: type[Sections]) -> list[dict[str, str]]:
    """Rules and article first (shared by every call), the fields of this call last."""
    env = _env(str(prompt_dir()))
    system = env.get_template("system.j2").render(field_guide=["listed after the article"], language="English")
    numbered = article.numbered().replace("</article", "</ article")
    user = env.get_template("user.j2").render(numbered=numbered, meta={"title": article.title} if article.title
                                              else {})
    fields = "\n".join(f"- {line}" for line in field_guide(model))
    return [{"role": "system", "content": system.strip()},
            {"role": "user", "content": f"{user.strip()}\n\nFill only these fields:\n{fields}"}]


def run(article, models: list[type[Sections]], settings: Settings, base_url: str) -> dict[str, float]:
    totals = {"calls": 0, "prompt": 0, "output": 0, "seconds": 0.0}
    for model in models:
        t = time.monotonic()
        r = structured_call(messages(article, model), model, settings, base_url=base_url, model="local")
        totals["seconds"] += time.monotonic() - t
        totals["calls"] += 1
        totals["prompt"] += r.usage.prompt_tokens
        totals["output"] += r.usage.completion_tokens
    return totals


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--article", default=str(ROOT / "examples" / "vienna-talks.txt"))
    ap.add_argument("--local-model", default=None)
    args = ap.parse_args()
    article = ingest.load(args.article)
    settings = Settings(provider="local", local_model=args.local_model, max_retries=0)
    resolved = local.resolve(settings)
    with local.serve(resolved, n_ctx=4096) as base_url:  # a fresh server per variant: both start cold
        one = run(article, [Extraction], settings, base_url)
    with local.serve(resolved, n_ctx=4096) as base_url:
        several = run(article, [part_model(names) for names in SPLIT], settings, base_url)
    print(f"model: {resolved.name}; article: {Path(args.article).name}")
    print(f"{'':<16}{'calls':>6}{'prompt tok':>12}{'output tok':>12}{'model s':>10}")
    for label, t in (("one call", one), ("several calls", several)):
        print(f"{label:<16}{t['calls']:>6}{t['prompt']:>12}{t['output']:>12}{t['seconds']:>10.1f}")
    print(f"several / one: {several['seconds'] / one['seconds']:.2f}x model time, "
          f"{several['output'] / max(one['output'], 1):.2f}x output tokens")
    return 0


if __name__ == "__main__":
    sys.exit(main())
