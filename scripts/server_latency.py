#!/usr/bin/env python3
"""Latency of ``lintlayers server``: from a ``didChange`` to its ``publishDiagnostics``.

Starts the real server (``python -m lintlayers server``) and drives it over stdio with
pygls' own client. For each of ``--files`` corpus files (a deterministic spread over the
corpus): ``didOpen``, wait for its diagnostics, then ``--edits`` keystrokes, each an
incremental ``didChange`` (one character typed, then deleted again, at the end of the
last instruction), timed from just before the change is sent to the arrival of the
diagnostics for that version. Prints the median, p95 and max per keystroke, and the
slowest files.

With ``--context DIR`` each file is opened as ``DIR/Dockerfile`` (its text from the
corpus), so the rules that read the build context walk a real folder (e.g. a checkout);
without it, each file is linted where it lies in the corpus.

Targets printed next to the results: median <= 10 ms, p95 <= 25 ms. The figures are
wall-clock times, so the machine's load (printed) counts: compare runs at similar load.

Usage: ``python scripts/server_latency.py [--corpus PATH] [--files 200] [--edits 4]
[--context DIR] [--json]``
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import time
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import LanguageClient

REPO_ROOT = Path(__file__).resolve().parent.parent
CORPUS_ENV = "LINTLAYERS_CORPUS"
DEFAULT_CORPUS = "../shared/corpus"
MEDIAN_TARGET_MS = 10.0
P95_TARGET_MS = 25.0
TIMEOUT = 60.0


def corpus_dir(value: str | None) -> Path:
    """The corpus folder from ``--corpus``, ``$LINTLAYERS_CORPUS`` or the default."""
    value = value or os.environ.get(CORPUS_ENV) or DEFAULT_CORPUS
    path = Path(value)
    if not path.is_absolute():
        path = REPO_ROOT / path if (REPO_ROOT / path).is_dir() else Path.cwd() / path
    if not (path / "manifest.tsv").is_file():
        sys.exit(f"server_latency: no corpus at {path} (manifest.tsv missing); use --corpus")
    return path


def pick_files(corpus: Path, count: int) -> list[Path]:
    """``count`` files spread evenly over the manifest (same choice on every run)."""
    lines = (corpus / "manifest.tsv").read_text(encoding="utf-8").splitlines()[1:]
    names = sorted(line.split("\t", 1)[0] for line in lines if line.strip())
    step = max(1, len(names) // max(count, 1))
    return [(corpus / "files" / name).resolve() for name in names[::step][:count]]


class Client(LanguageClient):
    """pygls' client, resolving a future when a document's diagnostics arrive."""

    def __init__(self) -> None:
        super().__init__("server-latency", "1")
        self.waiting: dict[tuple[str, int | None], asyncio.Future[float]] = {}

        @self.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def diagnostics(params: types.PublishDiagnosticsParams) -> None:
            future = self.waiting.pop((params.uri, params.version), None)
            if future is not None and not future.done():
                future.set_result(time.perf_counter())

    def expect(self, uri: str, version: int) -> asyncio.Future[float]:
        future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self.waiting[(uri, version)] = future
        return future


def keystroke_position(text: str) -> types.Position:
    """The end of the last non-blank line: where the edits type and delete."""
    lines = text.split("\n")
    line = max((i for i, content in enumerate(lines) if content.strip()), default=0)
    content = lines[line].rstrip("\r")
    return types.Position(line, len(content.encode("utf-16-le")) // 2)


async def measure(
    files: list[Path], edits: int, context: Path | None
) -> tuple[list[float], list[tuple[float, str]], float]:
    """Per-keystroke latencies (ms), the slowest median per file, and the open time total."""
    client = Client()
    await client.start_io(sys.executable, "-m", "lintlayers", "server")
    root = context or files[0].parent
    await client.initialize_async(
        types.InitializeParams(
            capabilities=types.ClientCapabilities(),
            workspace_folders=[types.WorkspaceFolder(root.as_uri(), root.name)],
        )
    )
    client.initialized(types.InitializedParams())
    latencies: list[float] = []
    per_file: list[tuple[float, str]] = []
    opening = 0.0
    for path in files:
        text = path.read_text(encoding="utf-8", errors="surrogateescape")
        uri = (context / "Dockerfile").as_uri() if context else path.as_uri()
        opened = client.expect(uri, 1)
        started = time.perf_counter()
        client.text_document_did_open(
            types.DidOpenTextDocumentParams(types.TextDocumentItem(uri, "dockerfile", 1, text))
        )
        opening += await asyncio.wait_for(opened, TIMEOUT) - started
        at = keystroke_position(text)
        mine: list[float] = []
        for edit in range(edits):
            version = edit + 2
            if edit % 2 == 0:
                change = types.TextDocumentContentChangePartial(types.Range(at, at), "x")
            else:
                after = types.Position(at.line, at.character + 1)
                change = types.TextDocumentContentChangePartial(types.Range(at, after), "")
            done = client.expect(uri, version)
            started = time.perf_counter()
            client.text_document_did_change(
                types.DidChangeTextDocumentParams(
                    types.VersionedTextDocumentIdentifier(uri=uri, version=version), [change]
                )
            )
            mine.append((await asyncio.wait_for(done, TIMEOUT) - started) * 1000)
        latencies.extend(mine)
        per_file.append((statistics.median(mine), str(path)))
        client.text_document_did_close(
            types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(uri))
        )
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    return latencies, sorted(per_file, reverse=True), opening


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", help=f"the corpus folder (default ${CORPUS_ENV} or ../shared)")
    parser.add_argument("--files", type=int, default=200, help="corpus files (default 200)")
    parser.add_argument("--edits", type=int, default=4, help="keystrokes per file (default 4)")
    parser.add_argument("--context", type=Path, help="open each file as DIR/Dockerfile")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    options = parser.parse_args()
    files = pick_files(corpus_dir(options.corpus), options.files)
    context = options.context.resolve() if options.context else None
    load_before = os.getloadavg()[0]
    latencies, per_file, opening = asyncio.run(measure(files, max(options.edits, 1), context))
    load = (load_before + os.getloadavg()[0]) / 2
    median = statistics.median(latencies)
    p95 = percentile(latencies, 0.95)
    figures = {
        "files": len(files),
        "keystrokes": len(latencies),
        "median_ms": round(median, 2),
        "p95_ms": round(p95, 2),
        "max_ms": round(max(latencies), 2),
        "open_mean_ms": round(opening / len(files) * 1000, 2),
        "context": str(context) if context else None,
        "load_average": round(load, 1),
        "cpus": os.cpu_count(),
        "slowest_files": [{"median_ms": round(ms, 2), "file": name} for ms, name in per_file[:5]],
    }
    if options.json:
        print(json.dumps(figures, indent=2))
    else:
        print(f"files: {len(files)}, keystrokes: {len(latencies)} (didChange -> diagnostics)")
        print(f"median: {median:.2f} ms (target <= {MEDIAN_TARGET_MS:g} ms)")
        print(f"p95:    {p95:.2f} ms (target <= {P95_TARGET_MS:g} ms)")
        print(f"max:    {max(latencies):.2f} ms")
        print(f"didOpen -> diagnostics, mean: {figures['open_mean_ms']} ms")
        print(f"load average during the run: {load:.1f} on {os.cpu_count()} CPUs")
        print("slowest files (median per keystroke):")
        for ms, name in per_file[:5]:
            print(f"  {ms:8.2f} ms  {name}")
    return 0 if median <= MEDIAN_TARGET_MS and p95 <= P95_TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
