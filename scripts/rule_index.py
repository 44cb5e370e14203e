#!/usr/bin/env python3
"""Write ``lintlayers/rule_index.py`` from the built-in rule classes (``--check``: exit 1
when it is not current).

The registry reads the index to know a built-in rule's code, category, builders and the
instruction keywords it looks at without importing its module (issue 11: start-up).
Run it after changing a rule's metadata or adding a rule; tests/test_startup.py fails
while the index is stale.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
INDEX = REPO_ROOT / "lintlayers" / "rule_index.py"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check that it is current")
    options = parser.parse_args(argv)
    from lintlayers.registry import index_source

    text = index_source()
    current = INDEX.read_text(encoding="utf-8") if INDEX.exists() else ""
    if options.check:
        if current != text:
            sys.stderr.write(f"{INDEX} is stale: run python scripts/rule_index.py\n")
            return 1
        return 0
    if current != text:
        INDEX.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
