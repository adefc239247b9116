"""What each ``briefing`` command does, once its flags are parsed: read the inputs, call the layers below, write the
output. Expected failures are raised as :class:`~briefing.errors.BriefingError` for :func:`briefing.cli.main` to
turn into one line and an exit code."""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported lazily: `briefing --help` must start fast
    from typing import Callable

from briefing.errors import InputError


def _progress(quiet: bool) -> Callable[[str], None]:
    start = time.monotonic()

    def say(message: str) -> None:
        if not quiet:
            print(f"[{time.monotonic() - start:5.1f}s] {message}", file=sys.stderr, flush=True)

    return say


def _settings(args: argparse.Namespace):
    from briefing.config import Settings

    return Settings.from_env(provider=args.provider, base_url=args.base_url, model=args.model, gguf=args.gguf,
                             local_model=args.local_model, max_retries=args.max_retries, timeout=args.timeout,
                             sections=args.sections, reask_grounding=args.reask_grounding,
                             rewrite_copies=args.rewrite_copies,
                             max_tokens=args.max_tokens, language=args.language, quiet=args.quiet)


def _formatted(briefing, fmt: str, template_dir: str | None, **layout) -> str | bytes:
    from briefing.output.produce import produce

    return produce(briefing, fmt, template_dir=template_dir, **layout)


def _layout(args: argparse.Namespace) -> dict:
    """``--paper`` and ``--max-pages``, checked before any work: PDF needs Chromium, found now, not after a model
    run. An unknown ``-f`` is refused here too."""
    from briefing.output.formats import get

    get(args.format)
    if args.max_pages is not None and (args.format != "pdf" or args.max_pages < 1):
        raise InputError("--max-pages needs -f pdf and a number of pages of at least 1")
    if args.format == "pdf":
        from briefing.output.pdf import find_chromium

        find_chromium()
    return {"paper": args.paper, "max_pages": args.max_pages}


def cmd_generate(args: argparse.Namespace) -> int:
    from briefing.ingest.inputs import expand, is_many
    from briefing.output.write import check_destination, emit

    layout = _layout(args)
    say = _progress(args.quiet)
    settings = _settings(args)
    from pathlib import Path

    if is_many(args.input) or (args.output and Path(args.output).is_dir()):
        return _generate_many(args, settings, layout)
    check_destination(args.output, args.input)  # before any model time (#18)
    # read as a batch reads it: a .json article record ({"text": …, "title": …}) is the record's article, not JSON
    article = expand(args.input, allow_outside=args.allow_paths_outside)[0].load(date=args.date, timeout=args.timeout)
    with _runner(args, settings, say) as runner:
        outcome = runner.brief(article, strict=args.strict)
    briefing = outcome.briefing
    emit(_formatted(briefing, args.format, args.template_dir, **layout), args.output)
    u = briefing.meta.usage
    say(f"done: {briefing.grounding.figure}; {u.get('prompt_tokens', 0)}+{u.get('completion_tokens', 0)} tokens, "
        f"{u.get('attempts', 0)} attempt(s)" + (" (from the cache; --no-cache to ask the model)"
                                                if outcome.cached else ""))
    return 0


def _runner(args: argparse.Namespace, settings, say):
    """The briefer with the extraction cache and the call log, unless ``--no-cache`` / ``--no-log``."""
    from briefing.brief import Briefer

    cache = calllog = None
    if not getattr(args, "no_cache", False):
        from briefing.store.cache import Cache

        cache = Cache()
    if not getattr(args, "no_log", False):
        from briefing.store.calllog import CallLog

        calllog = CallLog(secrets=[settings.api_key or ""])
    runner = Briefer(settings, cache=cache, calllog=calllog, say=say)
    runner.closing(cache)
    runner.closing(calllog)
    return runner


def _generate_many(args: argparse.Namespace, settings, layout: dict) -> int:
    """Many inputs → one output per article in ``-o DIR`` and ``DIR/manifest.jsonl``; exit non-zero if any failed."""
    from briefing.batch.run import run_batch
    from briefing.ingest.inputs import expand

    if not args.output or args.output == "-":
        raise InputError("several inputs (or a folder, glob or JSONL file) need -o DIR for the briefings")
    items = expand(args.input, allow_outside=args.allow_paths_outside)
    if not items:
        raise InputError("no inputs")
    with _runner(args, settings, _progress(args.quiet)) as runner:
        result = run_batch(items, runner, args.output, fmt=args.format, concurrency=args.concurrency,
                           strict=args.strict, date=args.date, resume=not args.force, quiet=args.quiet,
                           render=lambda b: _formatted(b, args.format, args.template_dir, **layout),
                           fetch_timeout=args.timeout)
    if not args.quiet:
        print(f"briefing: {result.summary()}; manifest {result.manifest}", file=sys.stderr)
        for r in result.failed:
            print(f"briefing: failed: {r['id']} ({r['input']}): {r['error']}", file=sys.stderr)
    return result.exit_code


def cmd_cache(args: argparse.Namespace) -> int:
    from briefing.paths import prefix_dir
    from briefing.store.cache import Cache

    states = sorted(prefix_dir().glob("prefix-*.kv")) if prefix_dir().is_dir() else []
    size = sum(p.stat().st_size for p in states)
    with Cache() as cache:
        if args.action == "clear":
            for p in states:
                p.unlink(missing_ok=True)
            print(f"removed {cache.clear()} cached extraction(s) from {cache.path} and {len(states)} saved "
                  f"prompt state(s) ({size / 2**20:.0f} MB) from {prefix_dir()}")
        else:
            print(f"{len(cache)} cached extraction(s) in {cache.path}; {len(states)} saved prompt state(s) "
                  f"({size / 2**20:.0f} MB) in {prefix_dir()}")
    return 0


def cmd_logs(args: argparse.Namespace) -> int:
    from briefing.store.calllog import CallLog

    if args.n is not None and args.n < 1:
        raise InputError("-n must be at least 1")
    with CallLog() as log:
        rows = log.recent(args.n, bodies=args.json)
        if args.json:
            for r in rows:
                print(json.dumps(r, ensure_ascii=False))
            return 0
        if not rows:
            print(f"no model calls logged in {log.path}")
            return 0
        for r in rows:
            when = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(r["time"]))
            print(f"{when}  {r['outcome']:<7} #{r['attempt']}  {r['model'] or '?':<20} "
                  f"{r['prompt_tokens']:>5}+{r['completion_tokens']:<5} {r['latency']:7.1f} s  "
                  f"{r['item'] or '-'}  {r['endpoint'] or ''}  prompts {r['prompt_hash'] or '?'}"
                  + (f"\n    {r['error']}" if r['error'] else ""))
        print(f"{len(rows)} call(s) shown of {log.count()} in {log.path}")
    return 0


def cmd_batch_prepare(args: argparse.Namespace) -> int:
    from briefing.ingest.inputs import expand
    from briefing.batch.api import articles_path, prepare

    from briefing.output.write import check_destination

    check_destination(args.output, args.input)
    items = expand(args.input, allow_outside=args.allow_paths_outside)
    settings = _settings(args)
    n, failures = prepare(items, settings, args.output, date=args.date,
                          say=lambda m: print(f"briefing: {m}", file=sys.stderr))
    print(f"wrote {n} request(s) to {args.output} and the articles to {articles_path(args.output)}"
          + (f"; {len(failures)} input(s) failed" if failures else ""), file=sys.stderr)
    return 2 if failures else 0


def cmd_batch_collect(args: argparse.Namespace) -> int:
    from briefing.batch.api import collect
    from briefing.output.write import check_folder

    layout = _layout(args)
    check_folder(args.output, [args.results, args.articles])
    say = (lambda m: print(f"briefing: {m}", file=sys.stderr)) if not args.quiet else (lambda m: None)
    result = collect(args.results, args.output, articles=args.articles, fmt=args.format, say=say,
                     render=lambda b: _formatted(b, args.format, args.template_dir, **layout))
    for r in result.failed:
        print(f"briefing: failed: {r['id']}: {r['error']}", file=sys.stderr)
    say(f"{len(result.records) - len(result.failed)} ok, {len(result.failed)} failed; manifest {result.manifest}")
    return result.exit_code


def read_briefing(path: str):
    from pydantic import ValidationError

    from briefing.ingest.core import decode, read_bytes
    from briefing.schema import Briefing

    from briefing.output.verify import check_version

    data, name = read_bytes(path)
    text = decode(data, name)
    check_version(text, name)
    try:
        return Briefing.model_validate_json(text)
    except ValidationError as e:
        first = e.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ())) or "document"
        raise InputError(f"{name}: not a briefing JSON ({e.error_count()} error(s); first at {where}: "
                         f"{first.get('msg')})") from None


def cmd_render(args: argparse.Namespace) -> int:
    from briefing.output.write import check_destination, emit

    layout = _layout(args)
    check_destination(args.output, [args.input])
    briefing = read_briefing(args.input)  # version checked; spans re-checked by every renderer
    emit(_formatted(briefing, args.format, args.template_dir, **layout), args.output)
    return 0


def cmd_story(args: argparse.Namespace) -> int:
    """One briefing from several articles on one story; ``--since`` adds what changed since an earlier one."""
    from briefing.output.write import check_destination, emit
    from briefing.story.build import generate_story

    layout = _layout(args)
    check_destination(args.output, args.input)
    since = read_briefing(args.since) if args.since else None
    settings = _settings(args)
    say = _progress(args.quiet)
    with _runner(args, settings, say) as runner:
        story = generate_story(args.input, settings, since=since, briefer=runner, date=args.date, progress=say)
    emit(_formatted(story, args.format, args.template_dir, **layout), args.output)
    u = story.meta.usage
    say(f"done: {len(story.sources)} source(s), {len(story.gaps)} failed, {len(story.conflicts)} conflict(s); "
        f"{story.grounding.figure}; {u.get('prompt_tokens', 0)}+{u.get('completion_tokens', 0)} tokens")
    for gap in story.gaps:
        print(f"briefing: failed: {gap.id} ({gap.input}): {gap.error}", file=sys.stderr)
    return 0


def cmd_diff(args: argparse.Namespace) -> int:
    """What changed between two briefing JSONs (stories or single articles), one line each; no model call."""
    from briefing.story.diff import as_lines, changes

    old, new = read_briefing(args.old), read_briefing(args.new)
    for line in as_lines(changes(old, new)):
        print(f"- {line}")
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    from briefing.schema import extraction_json_schema

    print(json.dumps(extraction_json_schema(), indent=2))
    return 0


def cmd_models(args: argparse.Namespace) -> int:
    from briefing.model import local

    rows = local.status()
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    for r in rows:
        star = "*" if r["default"] else " "
        print(f"{star} {r['name']:<20} {r['label']:<38} {r['size']:>9}  {r['state']}\n    {r['where']}")
    print("* default local model (used when no OPENAI_API_KEY or --base-url is set); "
          "choose another with --local-model or BRIEFING_LOCAL_MODEL, or a file with --gguf")
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from briefing.eval.report import report_from_dir, write_report
    from briefing.eval.run import run

    say = _progress(args.quiet)
    if bool(args.corpus) == bool(args.from_dir):
        raise InputError("give a corpus folder, or --from DIR to recompute a report from saved briefings")
    if args.reground and not args.from_dir:
        raise InputError("--reground works on saved briefings: give --from DIR")
    if args.from_dir:
        out = args.output or args.from_dir
        if args.reground:
            from briefing.eval.reground import reground_dir

            say(f"grounding {len(reground_dir(args.from_dir, out))} saved answer(s) again into {out}")
        from pathlib import Path

        from briefing.eval.stories import STORIES, stories_report

        if any((Path(out) / STORIES).glob("*.record.json")):  # a stories eval (its records; not eval/'s stories/
            # folder, which is a stories eval of its own): its corpus is named in the saved report
            saved = Path(out) / "report.json"
            corpus = json.loads(saved.read_text(encoding="utf-8")).get("corpus") if saved.is_file() else None
            report = stories_report(out, corpus=corpus)
        else:
            report = report_from_dir(out)
    else:
        from briefing.eval.stories import is_stories_corpus, run_stories

        out = args.output or "eval"
        if is_stories_corpus(args.corpus):  # a folder of story folders: one briefing per story
            report = run_stories(args.corpus, out, _settings(args), limit=args.limit, progress=say,
                                 use_cache=not args.no_cache)
        else:
            report = run(args.corpus, out, _settings(args), progress=say, limit=args.limit,
                         use_cache=not args.no_cache)
    paths = write_report(report, out)
    o = report["overall"]
    total = o.get("articles", o.get("stories"))
    say(f"{o['briefed']} of {total} briefed; report: {', '.join(str(p) for p in paths)}")
    return 0


def cmd_doctor(args: argparse.Namespace) -> int:
    from briefing import doctor

    return doctor.main(_settings(args), start_local=args.start_local)
