"""Peak memory of ``lintlayers image`` on a synthesized image of a few hundred MB.

Usage: ``python scripts/image_memory.py [--megabytes N] [--small-files N] [--keep DIR]``.
Writes a docker archive with ``tarfile`` (file data generated on the fly, never held in
memory): an uncompressed base layer with two large files and many small ones, a gzip
layer that overwrites one large file and deletes the folder of small files, and a layer
that adds one more large file. The analysis then runs in a fresh interpreter, which
reports its peak RSS (``resource.getrusage``) and tracemalloc's peak; an interpreter that
only imports the analysis gives the baseline RSS. Not a timed test: a measurement.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

CHUNK = 1 << 20

MEASURE = """
import json, resource, sys, time, tracemalloc
from lintlayers.image.analysis import analyze_image
baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
if sys.argv[2] == "analyse":
    tracemalloc.start()
    started = time.perf_counter()
    analysis = analyze_image(sys.argv[1])
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    result = {"seconds": seconds, "tracemalloc_peak": peak, "total_bytes": analysis.total_bytes,
              "wasted_bytes": analysis.wasted_bytes, "layers": len(analysis.layers)}
else:
    result = {}
result["baseline_maxrss_kib"] = baseline
result["maxrss_kib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps(result))
"""


class Pattern(io.RawIOBase):
    """``size`` bytes of a repeating pattern, produced as they are read."""

    def __init__(self, size: int, fill: bytes) -> None:
        self.left = size
        self.block = (fill * (CHUNK // len(fill) + 1))[:CHUNK]

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        count = min(len(buffer), self.left, CHUNK)
        buffer[:count] = self.block[:count]
        self.left -= count
        return count


def add(
    tar: tarfile.TarFile,
    name: str,
    size: int = 0,
    fill: bytes = b"\0",
    kind: bytes = tarfile.REGTYPE,
) -> None:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.mode = 0o755 if kind == tarfile.DIRTYPE else 0o644
    if kind == tarfile.REGTYPE:
        info.size = size
        tar.addfile(info, io.BufferedReader(Pattern(size, fill)))
    else:
        tar.addfile(info)


def write_layers(folder: Path, megabytes: int, small_files: int) -> list[tuple[Path, list[str]]]:
    big = megabytes * 1_000_000 // 7  # the three large files plus one rewrite: ~7 shares
    random_block = os.urandom(4096)
    layers = []
    path = folder / "layer0.tar"
    with tarfile.open(path, "w") as tar:
        add(tar, "data", kind=tarfile.DIRTYPE)
        add(tar, "data/one.bin", 2 * big, random_block)
        add(tar, "data/two.bin", 2 * big, b"\0")
        add(tar, "many", kind=tarfile.DIRTYPE)
        for index in range(small_files):
            if index % 1000 == 0:
                add(tar, f"many/{index // 1000}", kind=tarfile.DIRTYPE)
            add(tar, f"many/{index // 1000}/f{index}.txt", 1024, b"s")
    layers.append((path, []))
    path = folder / "layer1.tar.gz"
    with (
        gzip.open(path, "wb", compresslevel=1) as stream,
        tarfile.open(fileobj=stream, mode="w") as tar,
    ):
        add(tar, "data", kind=tarfile.DIRTYPE)
        add(tar, "data/two.bin", 2 * big, b"\0")
        add(tar, ".wh.many")
    layers.append((path, []))
    path = folder / "layer2.tar"
    with tarfile.open(path, "w") as tar:
        add(tar, "data", kind=tarfile.DIRTYPE)
        add(tar, "data/three.bin", big, random_block)
    layers.append((path, []))
    return layers


def write_archive(folder: Path, megabytes: int, small_files: int) -> Path:
    layers = write_layers(folder, megabytes, small_files)
    archive = folder / "synthetic.tar"
    history = [{"created_by": f"/bin/sh -c step {number}"} for number in range(len(layers))]
    config = json.dumps({"rootfs": {"type": "layers", "diff_ids": []}, "history": history}).encode()
    with tarfile.open(archive, "w") as tar:
        names = []
        for path, _ in layers:
            tar.add(path, arcname=path.name)
            names.append(path.name)
            path.unlink()
        for name, data in (
            ("config.json", config),
            ("manifest.json", json.dumps([{"Config": "config.json", "Layers": names}]).encode()),
        ):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return archive


def measure(archive: Path, mode: str) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, str(archive), mode],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=int, default=400, help="about this many MB of data")
    parser.add_argument("--small-files", type=int, default=20_000, help="small files in layer 0")
    parser.add_argument("--keep", metavar="DIR", help="write the archive here and keep it")
    options = parser.parse_args(argv)
    folder = Path(options.keep or tempfile.mkdtemp(prefix="image-memory-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        started = time.perf_counter()
        archive = write_archive(folder, options.megabytes, options.small_files)
        written = time.perf_counter() - started
        baseline = measure(archive, "import")
        result = measure(archive, "analyse")
    finally:
        if not options.keep:
            shutil.rmtree(folder, ignore_errors=True)
    size = archive.stat().st_size if options.keep else None
    print(f"archive written in {written:.1f} s{f', {size:,} bytes' if size else ''}")
    print(
        f"analysed {result['layers']} layers, {result['total_bytes']:,} bytes of files "
        f"({result['wasted_bytes']:,} wasted) in {result['seconds']:.1f} s"
    )
    print(f"tracemalloc peak during the analysis: {result['tracemalloc_peak'] / 2**20:.1f} MiB")
    print(
        f"peak RSS: {result['maxrss_kib'] / 1024:.1f} MiB "
        f"(an interpreter that only imports the analysis: {baseline['maxrss_kib'] / 1024:.1f} MiB)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
