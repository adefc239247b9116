"""The ``briefing`` command line's flags and sub-commands; the choices come from the tables they name (providers,
sections, formats, papers), never copied here."""

from __future__ import annotations

import argparse

from briefing.cli.commands import (cmd_batch_collect, cmd_batch_prepare, cmd_cache, cmd_diff, cmd_doctor, cmd_eval,
                                   cmd_generate, cmd_logs, cmd_models, cmd_render, cmd_schema, cmd_story)
from briefing.output.formats import NAMES as OUTPUT_FORMATS, PAPERS
from briefing.providers import PROVIDERS
from briefing.sections import PROFILE_NAMES


def _add_model_flags(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("model")
    g.add_argument("--provider", help=f"{' | '.join(PROVIDERS)} (env BRIEFING_PROVIDER; default: auto)")
    g.add_argument("--base-url", help="OpenAI-compatible endpoint (env OPENAI_BASE_URL)")
    g.add_argument("--model", help="model name at the endpoint (env BRIEFING_MODEL)")
    g.add_argument("--gguf", help="local GGUF model file (env BRIEFING_GGUF)")
    g.add_argument("--local-model", help="packaged local model, see `briefing models` (env BRIEFING_LOCAL_MODEL)")
    g.add_argument("--max-retries", type=int, help="re-asks after an invalid or ungrounded answer (default 1)")
    g.add_argument("--reask-grounding", action=argparse.BooleanOptionalAction, default=None,
                   help="re-ask the model when a quote or citation fails grounding (default: yes, except for the "
                        "local model, where failures are flagged and withheld)")
    g.add_argument("--rewrite-copies", action=argparse.BooleanOptionalAction, default=None,
                   help="send texts that copy more than 25 words of the article (or that the model cut off) back "
                        "in one short call to be said in the model's own words (default: yes for the local model)")
    g.add_argument("--sections", choices=PROFILE_NAMES,
                   help="sections to ask for: full, or brief (key points, actors, positions, timeline, "
                        "outlook; quotes taken by the tool; the local model's default, for speed)")
    g.add_argument("--max-tokens", type=int, help="cap on the answer's tokens (default 1400)")
    g.add_argument("--timeout", type=float, help="seconds per request (default 600)")
    g.add_argument("--language", help="language of the briefing (default: the article's own, from its metadata or "
                                       "its words; English when unclear); quotes stay verbatim")


def _add_paths_flag(p) -> None:
    p.add_argument("--allow-paths-outside", action="store_true",
                   help='let a JSONL record\'s "path" name a file outside the JSONL\'s folder (refused by default)')


def _add_store_flags(p) -> None:
    """``--no-cache`` and ``--no-log``: the stores a briefer opens (briefing.cli.commands._runner)."""
    p.add_argument("--no-cache", action="store_true", help="call the model even when the cache holds the answer")
    p.add_argument("--no-log", action="store_true", help="do not record model calls in the call log")


def _add_layout_flags(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("page (html, pdf)")
    g.add_argument("--paper", choices=tuple(PAPERS), help="page size to print on (pdf default a4; html without "
                                                             "it prints on the reader's paper)")
    g.add_argument("--max-pages", type=int, metavar="N", help="pdf: trim the lowest-priority items until the "
                                                              "briefing fits on N pages, and say what was left out")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="briefing", description="Turn a news article into a one-page, source-grounded diplomatic briefing.",
        epilog="Exit codes: 0 ok, 1 model/endpoint failure, 2 bad usage or input, 3 --strict found unsupported "
               "items. With no OPENAI_API_KEY and no --base-url, a local model runs on this machine.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    p = sub.add_parser("generate", help="brief an article (file or - for stdin)")
    p.add_argument("input", metavar="INPUT", nargs="+",
                   help="article file, - for stdin, or many: files, folders, globs, URLs, a JSONL file of "
                        '{"id", "text"|"path"|"url"} records')
    p.add_argument("-f", "--format", default="md", help=f"{' | '.join(OUTPUT_FORMATS)} (default md)")
    p.add_argument("-o", "--output", help="output file (default stdout); with many inputs, the output folder "
                                          "(one file per article and manifest.jsonl)")
    g = p.add_argument_group("many articles")
    g.add_argument("-j", "--concurrency", type=int, default=1, metavar="N",
                   help="articles in flight at once (default 1)")
    g.add_argument("--force", action="store_true", help="brief again the articles the manifest says are done")
    _add_store_flags(g)
    p.add_argument("--strict", action="store_true", help="exit 3 when any item is not supported by the article")
    _add_paths_flag(g)
    p.add_argument("--date", help="reference date (YYYY-MM-DD) for relative dates such as 'on Wednesday'")
    p.add_argument("--template-dir", help="folder with templates overriding the built-in ones")
    _add_layout_flags(p)
    p.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")
    _add_model_flags(p)
    p.set_defaults(func=cmd_generate)

    p = sub.add_parser("render", help="re-render a briefing JSON without calling a model")
    p.add_argument("input", metavar="EXTRACTION.json")
    p.add_argument("-f", "--format", default="md", help=f"{' | '.join(OUTPUT_FORMATS)} (default md)")
    p.add_argument("-o", "--output", help="output file (default stdout)")
    p.add_argument("--template-dir", help="folder with templates overriding the built-in ones")
    _add_layout_flags(p)
    p.set_defaults(func=cmd_render)

    p = sub.add_parser("eval", help="measure briefing quality over a corpus with gold 5W1H annotations")
    p.add_argument("corpus", nargs="?", metavar="DIR", help="folder of corpus articles (*.json with text and gold)")
    p.add_argument("-o", "--output", help="report folder (default eval/, or the --from folder)")
    p.add_argument("--from", dest="from_dir", metavar="DIR", help="recompute the report from the briefings saved in "
                                                                  "DIR, without a model")
    p.add_argument("--reground", action="store_true", help="with --from: ground the saved model answers again with "
                                                            "this version's grounding (no model), save them in -o")
    p.add_argument("--limit", type=int, help="brief only the first N articles (of each story, for a folder of "
                                             "story folders)")
    p.add_argument("--no-cache", action="store_true", help="call the model even for articles briefed before")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")
    _add_model_flags(p)
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser("cache", help="the extraction cache: clear it, or say what it holds")
    p.add_argument("action", choices=("clear", "info"))
    p.set_defaults(func=cmd_cache)

    p = sub.add_parser("logs", help="show the model calls recorded in the call log")
    p.add_argument("-n", type=int, default=20, help="how many of the latest calls (default 20)")
    p.add_argument("--json", action="store_true", help="one JSON object per call, with request and response")
    p.set_defaults(func=cmd_logs)

    p = sub.add_parser("batch", help="offline batch runs: prepare OpenAI Batch API requests, collect results")
    bsub = p.add_subparsers(dest="batch_command", metavar="ACTION")
    bsub.required = True
    b = bsub.add_parser("prepare", help="write the chat requests (OpenAI Batch API / vLLM run-batch JSONL)")
    b.add_argument("input", metavar="INPUT", nargs="+", help="files, folders, globs, URLs or a JSONL of records")
    b.add_argument("-o", "--output", required=True, help="requests JSONL to write (the articles go beside it)")
    b.add_argument("--date", help="reference date (YYYY-MM-DD) for relative dates")
    _add_paths_flag(b)
    b.add_argument("-q", "--quiet", action="store_true", help=argparse.SUPPRESS)
    _add_model_flags(b)
    b.set_defaults(func=cmd_batch_prepare)
    b = bsub.add_parser("collect", help="validate, ground and render a batch runner's results")
    b.add_argument("results", metavar="RESULTS.jsonl")
    b.add_argument("-o", "--output", required=True, help="output folder (one file per article, manifest.jsonl)")
    b.add_argument("--articles", help="the .articles.jsonl that prepare wrote (default: the one beside RESULTS)")
    b.add_argument("-f", "--format", default="md", help=f"{' | '.join(OUTPUT_FORMATS)} (default md)")
    b.add_argument("--template-dir", help="folder with templates overriding the built-in ones")
    _add_layout_flags(b)
    b.add_argument("-q", "--quiet", action="store_true", help="only failures on stderr")
    b.set_defaults(func=cmd_batch_collect)

    p = sub.add_parser("story", help="one briefing from several articles on the same story")
    p.add_argument("input", metavar="INPUT", nargs="+",
                   help="the story's articles: files, folders, globs, URLs, a JSONL file of records")
    p.add_argument("-f", "--format", default="md", help=f"{' | '.join(OUTPUT_FORMATS)} (default md)")
    p.add_argument("-o", "--output", help="output file (default stdout)")
    p.add_argument("--since", metavar="PREVIOUS.json",
                   help="an earlier briefing (story or single article): add what changed since it")
    p.add_argument("--date", help="reference date (YYYY-MM-DD) for relative dates in articles without one")
    p.add_argument("--template-dir", help="folder with templates overriding the built-in ones")
    _add_store_flags(p)
    _add_layout_flags(p)
    p.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")
    _add_model_flags(p)
    p.set_defaults(func=cmd_story)

    p = sub.add_parser("diff", help="what changed between two briefing JSONs (no model call)")
    p.add_argument("old", metavar="OLD.json")
    p.add_argument("new", metavar="NEW.json")
    p.set_defaults(func=cmd_diff)

    p = sub.add_parser("schema", help="print the JSON Schema the model fills")
    p.set_defaults(func=cmd_schema)

    p = sub.add_parser("models", help="list local models and which is the default")
    p.add_argument("--json", action="store_true", help="as JSON")
    p.set_defaults(func=cmd_models)

    p = sub.add_parser("doctor", help="check the configured provider, endpoint, model and structured output")
    p.add_argument("--start-local", action="store_true",
                   help="for the local model: start its server and try one request (else only its file is checked)")
    p.add_argument("-q", "--quiet", action="store_true", help=argparse.SUPPRESS)
    _add_model_flags(p)
    p.set_defaults(func=cmd_doctor)
    return parser


def _version() -> str:
    from briefing import __version__

    return __version__
