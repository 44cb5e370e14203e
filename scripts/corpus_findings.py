#!/usr/bin/env python3
"""Lint the whole corpus with both builders and compare the findings with an earlier run.

``save DIR`` writes ``DIR/buildkit.json`` and ``DIR/classic.json`` (the findings of
``lintlayers check --format json`` over every corpus file, passed explicitly: folder
discovery only finds Dockerfile-like names). By default each file is linted at its path
in its repository (``--layout repositories``: copies under a temporary folder, see
``tests/corpus_layout.py``), as a run in that repository sees it (with
``--force-exclude``, as pre-commit runs it); ``--layout corpus``
lints the corpus files in place, whose names flatten the folders. Rows name the corpus
file either way. ``compare OLD NEW`` lists every finding
that appeared or disappeared (file, line, code) and every changed message, per builder,
with counts per rule.

Usage: ``python scripts/corpus_findings.py save DIR [--lintlayers CMD] [--corpus PATH]
[--layout repositories|corpus]``,
``python scripts/corpus_findings.py compare OLD_DIR NEW_DIR [--messages]``.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from corpus_layout import repository_tree

BUILDERS = ("buildkit", "classic")
DEFAULT_CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"


def corpus_files(corpus: Path) -> list[str]:
    files = corpus / "files"
    return sorted(str(path) for path in files.rglob("*") if path.is_file())


def save(folder: Path, command: list[str], corpus: Path, layout: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="lintlayers-corpus-") as scratch:
        if layout == "repositories":
            placed = repository_tree(corpus, Path(scratch))
            named = {str(path): file for file, path in placed.items()}
        else:
            root = str(corpus / "files") + os.sep
            named = {path: path.removeprefix(root) for path in corpus_files(corpus)}
        # a repository run leaves out what the default ``exclude`` names, as folder
        # discovery and the pre-commit hooks (which pass ``--force-exclude``) do
        excluding = ["--force-exclude"] if layout == "repositories" else []
        for builder in BUILDERS:
            options = ["--format", "json", "--builder", builder, "--jobs", "2", *excluding]
            completed = subprocess.run(
                [*command, "check", *options, *sorted(named)],
                capture_output=True,
                text=True,
                check=False,
            )
            if completed.returncode not in (0, 1):
                sys.stderr.write(completed.stderr[-4000:])
            findings = json.loads(completed.stdout)["findings"]
            rows = [
                {
                    "file": named[finding["file"]],
                    "line": finding["location"]["line"],
                    "code": finding["code"],
                    "message": finding["message"],
                    "fix": (finding.get("fix") or {}).get("applicability"),
                }
                for finding in findings
            ]
            rows.sort(key=lambda row: (row["file"], row["line"], row["code"]))
            (folder / f"{builder}.json").write_text(json.dumps(rows, indent=0) + "\n")
            print(f"{builder}: {len(rows)} findings in {len({r['file'] for r in rows})} files")


def compare(old: Path, new: Path, messages: bool) -> None:
    for builder in BUILDERS:
        before = json.loads((old / f"{builder}.json").read_text())
        after = json.loads((new / f"{builder}.json").read_text())

        def keyed(rows: list[dict]) -> collections.Counter:
            return collections.Counter((r["file"], r["line"], r["code"]) for r in rows)

        lost = keyed(before) - keyed(after)
        gained = keyed(after) - keyed(before)
        print(f"== {builder}: {len(before)} -> {len(after)} findings")
        per_rule = collections.Counter(code for _, _, code in lost.elements())
        print("  lost per rule:", dict(per_rule))
        per_rule = collections.Counter(code for _, _, code in gained.elements())
        print("  gained per rule:", dict(per_rule))
        for sign, rows in (("-", lost), ("+", gained)):
            for file, line, code in sorted(rows.elements()):
                print(f"  {sign} {code} {file}:{line}")
        if messages:
            old_messages = {(r["file"], r["line"], r["code"]): r["message"] for r in before}
            for row in after:
                key = (row["file"], row["line"], row["code"])
                if key in old_messages and old_messages[key] != row["message"]:
                    print(f"  ~ {row['code']} {row['file']}:{row['line']}")
                    print(f"      was: {old_messages[key]}")
                    print(f"      now: {row['message']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    saving = commands.add_parser("save")
    saving.add_argument("folder", type=Path)
    saving.add_argument("--lintlayers", default=f"{sys.executable} -m lintlayers")
    saving.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    saving.add_argument("--layout", choices=("repositories", "corpus"), default="repositories")
    comparing = commands.add_parser("compare")
    comparing.add_argument("old", type=Path)
    comparing.add_argument("new", type=Path)
    comparing.add_argument("--messages", action="store_true")
    options = parser.parse_args()
    if options.command == "save":
        save(options.folder, shlex.split(options.lintlayers), options.corpus, options.layout)
    else:
        compare(options.old, options.new, options.messages)


if __name__ == "__main__":
    main()
