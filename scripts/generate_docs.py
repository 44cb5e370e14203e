"""Regenerate docs/rules.md and the rules table of README.md from the rule classes.

Usage: ``python scripts/generate_docs.py [--check] [--root DIR]``. With ``--check``
nothing is written and the exit code is 1 when a generated file is out of date.
"""

from __future__ import annotations

import argparse
import os
import sys

from lintlayers.docs import DocsError, outdated_files, write_docs

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check", action="store_true", help="exit 1 if a generated file is out of date"
    )
    parser.add_argument("--root", default=REPO_ROOT, help="repository root (default: this one)")
    options = parser.parse_args(argv)
    try:
        if options.check:
            stale = outdated_files(options.root)
            for path in stale:
                print(f"{path} is out of date: run python scripts/generate_docs.py")
            return 1 if stale else 0
        for path in write_docs(options.root):
            print(f"wrote {path}")
    except DocsError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
