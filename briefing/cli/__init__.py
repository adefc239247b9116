"""The ``briefing`` command line: thin, parsing flags (:mod:`briefing.cli.parser`), running the command
(:mod:`briefing.cli.commands`) and turning expected errors into one line and an exit code.

Exit codes: 0 ok; 1 the model or endpoint failed (or rendering failed); 2 bad usage or bad input;
3 ``--strict`` and some items are not supported by the article; 130 interrupted.
"""

from __future__ import annotations

import sys

from briefing.cli.parser import build_parser
from briefing.errors import BriefingError

__all__ = ["build_parser", "main"]


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except BriefingError as e:
        print(f"briefing: error: {e.one_line()}", file=sys.stderr)
        return e.exit_code
    except KeyboardInterrupt:
        print("briefing: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
