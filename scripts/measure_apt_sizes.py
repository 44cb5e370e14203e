#!/usr/bin/env python3
"""Measure the Debian package facts of the size rules from Debian's package indexes.

Reads the ``Packages`` indexes of a release (``--release``: ``bookworm``, Debian 12, the
default, ``bullseye``, Debian 11, or ``trixie``, Debian 13), its ``-updates`` and its
``-security`` suites (main, amd64), downloaded from deb.debian.org or given as files;
installs nothing and runs nothing from a Dockerfile. The base is what
``debian:<release>-slim`` holds, give or take: the ``Priority: required`` and
``Essential: yes`` packages and their dependency closure. Sizes are the
``Installed-Size`` fields (KiB).

``sizes PACKAGE ...``
    What ``apt-get install --no-install-recommends PACKAGE`` adds to the base, in decimal
    MB (``name<TAB>MB<TAB>packages added``): the figures of LL312's ``BUILD_TOOLS_MB`` in
    ``lintlayers/model/size_estimates.py``.
``names [--corpus DIR]``
    Every package name an ``apt-get install`` of the corpus requests (through lintlayers'
    own model of the RUN commands), one per line with its count.
``graph NAMES_FILE [--out PATH]``
    LL302's data file of the release, ``lintlayers/model/data/debian12_packages.tsv``
    (``debian11_packages.tsv`` with ``--release bullseye``, ``debian13_packages.tsv`` with
    ``--release trixie``): the release's packages the names of ``NAMES_FILE`` (the
    output of ``names``) reach through Depends, Pre-Depends and Recommends, each with its
    size and its relations, so the linter computes what the recommends of an install add
    (``lintlayers.model.debian``).

Usage: ``python scripts/measure_apt_sizes.py names > /tmp/names.tsv`` then
``python scripts/measure_apt_sizes.py graph /tmp/names.tsv`` and
``python scripts/measure_apt_sizes.py --release bullseye graph /tmp/names.tsv`` (and
``--release trixie``).
"""

from __future__ import annotations

import argparse
import collections
import lzma
import re
import sys
import urllib.request
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lintlayers.context import RuleContext

MIRROR = "https://deb.debian.org"
INDEXES = (
    "/debian/dists/{release}/main/binary-amd64/Packages.xz",
    "/debian/dists/{release}-updates/main/binary-amd64/Packages.xz",
    "/debian-security/dists/{release}-security/main/binary-amd64/Packages.xz",
)
"""The indexes of a release (``{release}``: its code name); later indexes replace the
stanzas of earlier ones (updates and security fixes)."""
RELEASE = "/debian/dists/{release}/InRelease"
DEFAULT_RELEASE = "bookworm"
ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"

Stanza = dict[str, str]


def download(path: str, cache: Path) -> bytes:
    """The bytes at ``MIRROR + path``, kept in ``cache`` for the next run."""
    cached = cache / path.strip("/").replace("/", "_")
    if not cached.exists():
        cache.mkdir(parents=True, exist_ok=True)
        with urllib.request.urlopen(MIRROR + path, timeout=120) as response:
            cached.write_bytes(response.read())
    return cached.read_bytes()


def parse_index(text: str) -> dict[str, Stanza]:
    """The stanzas of a ``Packages`` index by package name (the last one of a name wins)."""
    packages: dict[str, Stanza] = {}
    for block in text.split("\n\n"):
        fields: Stanza = {}
        key = None
        for line in block.split("\n"):
            if line.startswith((" ", "\t")) and key:
                fields[key] += line
            elif ":" in line:
                key, _, value = line.partition(":")
                fields[key] = value.strip()
        if "Package" in fields:
            packages[fields["Package"]] = fields
    return packages


def load(
    files: list[str], cache: Path, release: str = DEFAULT_RELEASE
) -> tuple[dict[str, Stanza], str]:
    """The packages of the indexes (files, or the release's downloaded) and their date."""
    packages: dict[str, Stanza] = {}
    if files:
        for name in files:
            data = Path(name).read_bytes()
            packages.update(
                parse_index((lzma.decompress(data) if name.endswith(".xz") else data).decode())
            )
        return packages, "local index files"
    for path in INDEXES:
        index = download(path.format(release=release), cache)
        packages.update(parse_index(lzma.decompress(index).decode()))
    text = download(RELEASE.format(release=release), cache).decode()
    date = re.search(r"^Date: (.+)$", text, re.MULTILINE)
    return packages, date.group(1) if date else "unknown date"


def relations(value: str) -> list[list[str]]:
    """``a (>= 1) | b, c:any`` -> ``[["a", "b"], ["c"]]``."""
    groups = []
    for group in value.split(","):
        names = [alt.strip().split(" ")[0].split(":")[0] for alt in group.split("|")]
        names = [name for name in names if name]
        if names:
            groups.append(names)
    return groups


class Archive:
    """Dependency closures over the available packages (virtual names resolved)."""

    def __init__(self, packages: dict[str, Stanza]) -> None:
        self.packages = packages
        providers: dict[str, list[str]] = collections.defaultdict(list)
        for name, fields in packages.items():
            for group in relations(fields.get("Provides", "")):
                providers[group[0]].append(name)
        self.providers = {name: sorted(found) for name, found in providers.items()}

    def real(self, name: str) -> str | None:
        """The package installing ``name``: itself, or the first of its providers."""
        if name in self.packages:
            return name
        found = self.providers.get(name)
        return found[0] if found else None

    def groups(self, name: str, field: str) -> list[list[str]]:
        """The relation groups of ``field`` (``Depends`` takes ``Pre-Depends`` too) with
        every alternative resolved to a real package (unresolvable ones dropped)."""
        fields = self.packages[name]
        value = fields.get(field, "")
        if field == "Depends" and fields.get("Pre-Depends"):
            value = fields["Pre-Depends"] + "," + value
        resolved = []
        for group in relations(value):
            reals = list(dict.fromkeys(real for real in map(self.real, group) if real))
            if reals:
                resolved.append(reals)
        return resolved

    def closure(self, names: list[str], *, recommends: bool = False) -> set[str]:
        """What installing ``names`` installs, first alternatives taken."""
        seen: set[str] = set()
        stack = [real for real in map(self.real, names) if real]
        while stack:
            name = stack.pop()
            if name in seen:
                continue
            seen.add(name)
            fields = ("Depends", "Recommends") if recommends else ("Depends",)
            for field in fields:
                stack.extend(group[0] for group in self.groups(name, field))
        return seen

    def base(self) -> set[str]:
        required = [
            name
            for name, fields in self.packages.items()
            if fields.get("Priority") == "required" or fields.get("Essential") == "yes"
        ]
        return self.closure(required)

    def installed_kib(self, names: set[str]) -> int:
        return sum(int(self.packages[name].get("Installed-Size", "0")) for name in names)


def sizes(archive: Archive, names: list[str]) -> None:
    base = archive.base()
    for name in names:
        added = archive.closure([name]) - base
        megabytes = archive.installed_kib(added) * 1024 / 1e6
        print(f"{name}\t{megabytes:.1f}\t{len(added)}")


def _import_lintlayers() -> None:
    """Let the script import lintlayers from its checkout, installed or not."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))


def data_file(release: str) -> Path:
    """The data file of ``release`` where lintlayers reads it
    (``lintlayers.model.debian.RELEASES``: one home for the releases and their files)."""
    _import_lintlayers()
    from lintlayers.model.debian import data_file as model_file

    return Path(model_file(release))


def corpus_names(corpus: Path) -> collections.Counter[str]:
    """Package names of the ``apt-get install`` commands of every corpus file."""
    _import_lintlayers()
    from lintlayers.engine import Linter
    from lintlayers.model.debian import requested_name
    from lintlayers.model.package_installs import package_installs
    from lintlayers.model.run_effects import effects
    from lintlayers.model.steps import sequences
    from lintlayers.rule import Rule

    found: collections.Counter[str] = collections.Counter()

    class Collect(Rule):
        code = "LL000"
        name = "collect-apt-names"

        def check(self, context: RuleContext) -> tuple[()]:
            for steps in sequences(context):
                for step in steps:
                    if step.keyword == "RUN":
                        for install in package_installs(effects(context, step)):
                            if install.system == "apt":
                                found.update(filter(None, map(requested_name, install.tokens)))
            return ()

    linter = Linter([Collect()])
    for path in sorted((corpus / "files").rglob("*")):
        if path.is_file():
            linter.lint_text(path.read_text(encoding="utf-8", errors="replace"), str(path))
    return found


def graph(
    archive: Archive,
    names: list[str],
    date: str,
    out: Path,
    release: str = DEFAULT_RELEASE,
) -> None:
    """Write the data file of ``release``: the base, the virtual names, the packages
    ``names`` reach."""
    _import_lintlayers()
    from lintlayers.model.debian import RELEASES

    base = archive.base()
    roots = [real for real in map(archive.real, names) if real and real not in base]
    # Every alternative of a group that is taken (its first) is followed; the others are
    # kept by name only, so that one present already satisfies the group.
    nodes = archive.closure(roots, recommends=True) - base
    virtual = {
        name: archive.real(name)
        for name in set(names) | {p for n in nodes for p in _provided(archive, n)}
        if name not in archive.packages and archive.real(name) in nodes | base
    }
    lines = [
        f"# Debian {RELEASES[release]} ({release}) packages for LL302, written by"
        " scripts/measure_apt_sizes.py",
        f"# from the Packages indexes of {release}, {release}-updates and {release}-security",
        f"# (main, amd64) of {date}: the packages that {len(names)} package names of the",
        "# corpus's apt-get installs reach through Depends, Pre-Depends and Recommends.",
        "# B<TAB>name: in the base (Priority required or Essential, with dependencies).",
        "# V<TAB>name<TAB>package: a virtual name and the package apt installs for it.",
        "# P<TAB>name<TAB>Installed-Size KiB<TAB>Depends<TAB>Recommends: relations as",
        "# groups joined by ',' of alternatives joined by '|', base packages left out (a",
        "# group one of whose alternatives is in the base is dropped).",
    ]
    lines += [f"B\t{name}" for name in sorted(base)]
    lines += [f"V\t{name}\t{real}" for name, real in sorted(virtual.items()) if real]
    for name in sorted(nodes):
        kib = archive.packages[name].get("Installed-Size", "0")
        depends = _groups_text(archive.groups(name, "Depends"), base)
        recommends = _groups_text(archive.groups(name, "Recommends"), base)
        lines.append(f"P\t{name}\t{kib}\t{depends}\t{recommends}")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{out}: {len(base)} base packages, {len(virtual)} virtual names, {len(nodes)} packages")


def _provided(archive: Archive, name: str) -> list[str]:
    return [group[0] for group in relations(archive.packages[name].get("Provides", ""))]


def _groups_text(groups: list[list[str]], base: set[str]) -> str:
    kept = [group for group in groups if not base.intersection(group)]
    return ",".join("|".join(group) for group in kept)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--index", action="append", default=[], help="a Packages file")
    parser.add_argument("--cache", type=Path, default=Path("/tmp/debian-indexes"))
    _import_lintlayers()
    from lintlayers.model.debian import RELEASES

    parser.add_argument(
        "--release",
        choices=sorted(RELEASES),
        default=DEFAULT_RELEASE,
        help="the Debian release whose indexes are read (default: bookworm, Debian 12)",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("sizes").add_argument("packages", nargs="+")
    names_parser = commands.add_parser("names")
    names_parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    graph_parser = commands.add_parser("graph")
    graph_parser.add_argument("names_file", type=Path)
    graph_parser.add_argument("--out", type=Path, help="default: the release's data file")
    args = parser.parse_args(argv)
    if args.command == "names":
        for name, count in corpus_names(args.corpus).most_common():
            print(f"{name}\t{count}")
        return
    packages, date = load(args.index, args.cache, args.release)
    archive = Archive(packages)
    if args.command == "sizes":
        sizes(archive, args.packages)
    else:
        text = args.names_file.read_text(encoding="utf-8")
        names = [line.split("\t")[0] for line in text.splitlines() if line.strip()]
        out = args.out or data_file(args.release)
        graph(archive, names, date, out, args.release)


if __name__ == "__main__":
    main(sys.argv[1:])
