"""What the recommended packages of an ``apt-get install`` add, from Debian 12's archive.

The facts are the data file ``data/debian12_packages.tsv``, written by
``scripts/measure_apt_sizes.py graph`` from bookworm's ``Packages`` indexes (its header
says which): every Debian 12 package that the package names of the corpus's
``apt-get install`` commands reach through Depends, Pre-Depends and Recommends, with its
``Installed-Size`` and its relations, and the base (``Priority: required`` and
``Essential`` with their dependencies: what ``debian:bookworm-slim`` holds). It is read
on the first question, not on import.

An install's recommends are computed as apt does: the packages it installs with
recommends (of every package it adds, recursively) minus those it installs without,
where what is present already (the base, packages installed earlier, the base image's)
satisfies a relation and is never counted. A name Debian 12 does not have is looked up
as its package family's Debian 12 member (``php8.3-dev`` as ``php8.2-dev``,
``libssl1.1`` as ``libssl3``, ``libaio1t64`` as ``libaio1``); when there is none it is
``unknown``: a package of another repository (Microsoft's, MongoDB's, a PPA...) whose
recommends are not known here, or a Debian package that no install of the corpus names
and none of theirs pulls in (``scripts/measure_apt_sizes.py graph`` adds it when given
its name).
"""

from __future__ import annotations

import functools
import os
import re
from fnmatch import fnmatchcase

from lintlayers.lazy_re import lazy_compile
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable
    from collections.abc import Set as AbstractSet
    from pathlib import Path

DATA_FILE = os.path.join(os.path.dirname(__file__), "data", "debian12_packages.tsv")
"""The measured table (``DATA``: the same as a ``Path``)."""
SOURCE = "measured on Debian 12"
NEEDED = frozenset({"ca-certificates"})
"""Recommends counted as needed, not as saved: HTTPS needs ``ca-certificates`` (the
recommend of curl, wget, gnupg's dirmngr, openssl...) and most bases have it."""
NEEDED_RECOMMENDS: dict[str, tuple[str, ...]] = {"systemd": ("dbus",)}
"""Recommends counted as needed when their package is installed: what its main use needs.
systemd installed in an image is there to run as its init, and systemctl, logind and
the systemd cgroup driver (containerd's, the kubelet's) talk to it over D-Bus."""
VENDOR_REPOSITORIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("packages.microsoft.com", ("azure-cli", "azure-functions-core-tools*", "dotnet-*",
                                "aspnetcore-*", "powershell*", "msodbcsql*", "mssql-*",
                                "moby-*", "blobfuse*")),
    ("nodesource", ("nodejs",)),
    ("dl.yarnpkg.com", ("yarn",)),
    ("download.docker.com", ("docker-*", "containerd.io")),
    ("repo.mongodb.org", ("mongodb-*",)),
)  # fmt: skip
"""Vendors' apt repositories (a word of the URL a stage adds) and the packages that come
from them instead of Debian's: their relations are the vendor's, not known here. Only
names Debian 12 has too matter (the others are unknown anyway): Microsoft's
``azure-cli`` bundles its Python and declares no dependencies where Debian's pulls
hundreds of MB of recommends; NodeSource's ``nodejs`` recommends nothing (Debian's
recommends nodejs-doc); Debian's ``yarn`` is cmdtest, not the JavaScript tool."""
_CURL = ("ca-certificates", "curl", "wget", "gnupg", "gnupg2", "dirmngr", "netbase")
_SCM = (*_CURL, "git", "openssh-client", "procps", "subversion", "mercurial")
_BUILDPACK_DEPS = (
    *_SCM, "autoconf", "automake", "bzip2", "default-libmysqlclient-dev", "dpkg-dev", "file",
    "g++", "gcc", "imagemagick", "libbz2-dev", "libc6-dev", "libcurl4-openssl-dev",
    "libdb-dev", "libevent-dev", "libffi-dev", "libgdbm-dev", "libglib2.0-dev", "libgmp-dev",
    "libjpeg-dev", "libkrb5-dev", "liblzma-dev", "libmagickcore-dev", "libmagickwand-dev",
    "libmaxminddb-dev", "libncurses5-dev", "libncursesw5-dev", "libpng-dev", "libpq-dev",
    "libreadline-dev", "libsqlite3-dev", "libssl-dev", "libtool", "libwebp-dev",
    "libxml2-dev", "libxslt-dev", "libyaml-dev", "make", "patch", "unzip", "xz-utils",
    "zlib1g-dev",
)  # fmt: skip
IMAGE_PACKAGES: dict[str, tuple[str, ...]] = {
    "buildpack-deps:curl": _CURL,
    "buildpack-deps:scm": _SCM,
    "buildpack-deps": _BUILDPACK_DEPS,
    "golang": (*_SCM, "g++", "gcc", "libc6-dev", "make", "pkg-config"),
    "python": _BUILDPACK_DEPS, "node": _BUILDPACK_DEPS, "ruby": _BUILDPACK_DEPS,
    "rust": _BUILDPACK_DEPS, "gcc": _BUILDPACK_DEPS, "perl": _BUILDPACK_DEPS,
    "mcr.microsoft.com/dotnet/sdk": ("ca-certificates", "curl", "git", "wget"),
    "mcr.microsoft.com/devcontainers/": (
        *_CURL, "git", "openssh-client", "less", "procps", "lsb-release", "sudo", "unzip",
        "zip", "iproute2", "jq", "nano", "apt-transport-https", "apt-utils", "lsof", "htop",
        "net-tools", "psmisc", "rsync", "vim-tiny", "dialog", "libkrb5-3", "libgssapi-krb5-2",
        "locales", "ncdu", "man-db", "strace", "manpages", "manpages-dev",
        "init-system-helpers", "zsh",
    ),
}  # fmt: skip
"""Packages images hold (installed without recommends), by repository (a name ending in
``/`` covers every image under it): the official images whose default variant is
built on ``buildpack-deps`` (its Dockerfiles: ``curl``, ``scm``, and the full variant
with compilers and ``-dev`` packages; ``golang`` is ``scm`` plus a C compiler), the .NET
SDK image, and the dev container images (``mcr.microsoft.com/devcontainers/*``, built
with ``common-debian.sh``: its ``PACKAGE_LIST``, with zsh, in microsoft/vscode-dev-containers'
``script-library``). A ``slim``, ``alpine`` or Windows variant holds none of them."""
_IMAGE_ALIASES = {
    "mcr.microsoft.com/dotnet/core/sdk": "mcr.microsoft.com/dotnet/sdk",
    "mcr.microsoft.com/vscode/devcontainers/": "mcr.microsoft.com/devcontainers/",
}
NEWER_THAN_RELEASE: tuple[tuple[str, frozenset[str]], ...] = (
    # glibc 2.33 split libc-devtools (memusage, mtrace, sotruss: libgd3 and its image
    # codecs, ~50 MB) out of libc-dev-bin, which recommends it: Debian 12, Ubuntu 21.10
    ("libc-devtools", frozenset({
        "wheezy", "jessie", "stretch", "buster", "bullseye", "trusty", "xenial", "bionic",
        "focal", "14.04", "16.04", "18.04", "20.04",
    })),
)  # fmt: skip
"""Debian 12 packages that an older release named by the base image's tag lacks, with
those releases: a recommends chain through them is Debian 12's, not the image's."""
_RELEASE_WORDS = lazy_compile(r"[a-z]+|\d+\.\d+")
_VERSION = lazy_compile(r"\d+(?:\.\d+)*")
_NOT_A_NAME = lazy_compile(r"[^a-z0-9.+-]")


class Packages:
    """The Debian 12 package graph of the data file (relations split when first asked)."""

    __slots__ = ("_families", "_relations", "base", "kib", "virtual")

    def __init__(self, text: str) -> None:
        self.base: set[str] = set()
        self.virtual: dict[str, str] = {}
        self.kib: dict[str, int] = {}
        self._relations: dict[str, list[str] | tuple[list[list[str]], list[list[str]]]] = {}
        self._families: dict[str, str] | None = None
        for line in text.splitlines():
            fields = line.split("\t")
            kind = fields[0]
            if kind == "P":
                self.kib[fields[1]] = int(fields[2])
                self._relations[fields[1]] = fields
            elif kind == "B":
                self.base.add(fields[1])
            elif kind == "V":
                self.virtual[fields[1]] = fields[2]

    def relations(self, name: str) -> tuple[list[list[str]], list[list[str]]]:
        """The Depends and the Recommends of ``name``: groups of alternatives."""
        found = self._relations.get(name)
        if found is None:
            return [], []
        if isinstance(found, list):
            found = (_groups(found[3]), _groups(found[4]))
            self._relations[name] = found
        return found

    def find(self, name: str) -> str | None:
        """The Debian 12 package that installing ``name`` installs, through a virtual name
        or the package's family; None when Debian 12 has no such package."""
        for candidate in _spellings(name):
            if candidate in self.kib or candidate in self.base:
                return candidate
            if candidate in self.virtual:
                return self.virtual[candidate]
        families = self.families()
        for candidate in _spellings(name):
            member = families.get(_VERSION.sub("#", candidate))
            if member is not None and member != name:
                return self.virtual.get(member, member)
        return None

    def families(self) -> dict[str, str]:
        """Versioned names by their name without versions (``php#-dev``): the newest."""
        if self._families is None:
            families: dict[str, list[str]] = {}
            for name in sorted(self.kib.keys() | self.virtual.keys() | self.base):
                if _VERSION.search(name):
                    families.setdefault(_VERSION.sub("#", name), []).append(name)
            self._families = {stem: names[-1] for stem, names in families.items()}
        return self._families

    def closure(
        self,
        names: Iterable[str],
        present: AbstractSet[str],
        *,
        recommends: bool,
        missing: AbstractSet[str] = frozenset(),
    ) -> set[str]:
        """What installing ``names`` adds to ``present`` (first alternatives taken), on a
        release that has none of the ``missing`` packages."""
        added: set[str] = set()
        stack = [name for name in names if name not in present]
        while stack:
            name = stack.pop()
            if name in added or name in present or name in self.base or name in missing:
                continue
            added.add(name)
            depends, recommended = self.relations(name)
            groups = depends + recommended if recommends else depends
            for group in groups:
                if not any(alternative in present or alternative in added for alternative in group):
                    stack.append(next((a for a in group if a not in missing), group[0]))
        return added

    def size(self, names: Iterable[str]) -> int:
        """Installed bytes of ``names``."""
        return sum(self.kib.get(name, 0) for name in names) * 1024


class Recommends:
    """What the recommends of an install add: ``size`` bytes of the packages ``added``,
    ``largest`` (the requested package whose recommends alone add the most, and that
    size, when it is not all of them), the requested names Debian 12 does not know
    (``unknown``) and those measured as another member of their family (``standing_in``:
    requested name, Debian 12 package)."""

    __slots__ = ("added", "largest", "size", "standing_in", "unknown")

    def __init__(
        self,
        size: int,
        added: set[str],
        largest: tuple[str, int] | None,
        unknown: list[str],
        standing_in: list[tuple[str, str]],
    ) -> None:
        self.size = size
        self.added = added
        self.largest = largest
        self.unknown = unknown
        self.standing_in = standing_in


@functools.cache
def packages() -> Packages:
    """The data file, read once."""
    with open(DATA_FILE, encoding="utf-8") as handle:
        return Packages(handle.read())


def __getattr__(name: str) -> Path:
    """``DATA``, the table as a ``Path``, made on use: a check does not import pathlib (3 ms
    with urllib and ipaddress)."""
    if name == "DATA":
        from pathlib import Path

        return Path(DATA_FILE)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def requested_name(token: str) -> str | None:
    """The package name an ``apt-get install`` argument requests: ``gcc=4:12`` -> ``gcc``,
    ``./pkg_1.0_amd64.deb`` -> ``pkg``; None for what names no package by itself (a
    variable, a glob, an option)."""
    if token.endswith(".deb") and "$" not in token:
        return token.rpartition("/")[2].removesuffix(".deb").partition("_")[0].lower() or None
    name = re.split(r"[=<>~]", token, maxsplit=1)[0]
    name = name.split("/", 1)[0].split("@", 1)[0].partition(":")[0]
    if not name or name.startswith("-") or _NOT_A_NAME.search(name) or not name[0].isalnum():
        return None
    return name


def present(installed: Iterable[str], with_recommends: Iterable[str] = ()) -> frozenset[str]:
    """What is installed after ``installed`` (without recommends) and ``with_recommends``
    (with them), counted from the base and the needed packages; names Debian 12 lacks
    are left out."""
    known = set(NEEDED | packages().closure(NEEDED, frozenset(), recommends=False))
    install(known, installed, recommends=False)
    install(known, with_recommends, recommends=True)
    return frozenset(known)


def install(known: set[str], names: Iterable[str], *, recommends: bool) -> bool:
    """Add to ``known`` (what ``present`` answers) what installing ``names`` adds, with
    or without their recommends; whether it added anything."""
    graph = packages()
    added = graph.closure(
        [real for real in map(graph.find, names) if real], known, recommends=recommends
    )
    known |= added
    return bool(added)


def missing_in(image: str) -> frozenset[str]:
    """The Debian 12 packages the release an image's tag names does not have
    (``NEWER_THAN_RELEASE``): ``ubuntu:18.04``, ``python:3.7-slim-buster``."""
    name = image.lower().split("@", 1)[0]
    tag = name.rpartition(":")[2] if ":" in name.rpartition("/")[2] else ""
    words = set(_RELEASE_WORDS.findall(tag))
    return frozenset(package for package, releases in NEWER_THAN_RELEASE if words & releases)


def recommends(
    requested: Iterable[str],
    already: AbstractSet[str] | None = None,
    missing: AbstractSet[str] = frozenset(),
) -> Recommends:
    """What ``apt-get install`` of the ``requested`` names adds with recommends over
    without, with ``already`` present (default: the base and the needed packages), on a
    release without the ``missing`` packages (``missing_in``)."""
    graph = packages()
    known_present = present(()) if already is None else already
    found: dict[str, str] = {}  # the Debian 12 package -> the name requested
    unknown: list[str] = []
    for name in requested:
        real = graph.find(name)
        if real is None:
            unknown.append(name)
        else:
            found.setdefault(real, name)
    needed = [wanted for real in found for wanted in NEEDED_RECOMMENDS.get(real, ())]
    if needed:
        known_present = known_present | graph.closure(needed, known_present, recommends=False)
    without = graph.closure(found, known_present, recommends=False)
    after = known_present | without
    added = graph.closure(found, known_present, recommends=True, missing=missing) - without
    total = graph.size(added)
    largest: tuple[str, int] | None = None
    if len(found) > 1:
        for real, name in found.items():
            size = graph.size(
                graph.closure([real], known_present, recommends=True, missing=missing) - after
            )
            if size and (largest is None or size > largest[1]):
                largest = (name, size)
    if largest is not None and largest[1] >= total:
        largest = None  # one package's recommends are all of them: nothing to add
    standing_in = [
        (name, real) for real, name in found.items() if real != name and name not in graph.virtual
    ]
    return Recommends(total, added, largest, unknown, standing_in)


def image_packages(image: str) -> frozenset[str]:
    """Packages the base ``image`` holds already: installing them again installs nothing,
    their recommends included (``IMAGE_PACKAGES``)."""
    name = image.lower().split("@", 1)[0]
    repository, _, tag = name.rpartition(":") if ":" in name.rpartition("/")[2] else (name, "", "")
    repository = repository.removeprefix("docker.io/").removeprefix("library/")
    for alias, canonical in _IMAGE_ALIASES.items():
        if repository.startswith(alias):
            repository = canonical + repository[len(alias) :]
    for prefix, names in IMAGE_PACKAGES.items():
        if prefix.endswith("/") and repository.startswith(prefix):
            return frozenset(names)
    if repository.startswith("mcr.microsoft.com/dotnet/sdk"):
        return frozenset(IMAGE_PACKAGES["mcr.microsoft.com/dotnet/sdk"])
    if repository not in IMAGE_PACKAGES or name.endswith(":") or "$" in tag:
        return frozenset()
    if any(word in tag for word in ("slim", "alpine", "windows", "nanoserver", "servercore")):
        return frozenset()
    if repository == "buildpack-deps":
        variant = next((v for v in ("curl", "scm") if tag.endswith(v)), "")
        if variant:
            return frozenset(IMAGE_PACKAGES[f"buildpack-deps:{variant}"])
    return frozenset(IMAGE_PACKAGES[repository])


def vendor_package(name: str, text: str) -> bool:
    """Whether ``name`` comes from a vendor's repository that ``text`` (the RUN text of a
    stage up to the install) adds."""
    vendors = Vendors()
    vendors.read(text)
    return vendors.supplies(name)


_LONGEST_HOST = max(len(host) for host, _ in VENDOR_REPOSITORIES)


class Vendors:
    """The vendors' repositories (``VENDOR_REPOSITORIES``) a growing text names so far:
    each piece is searched once (a stage's RUN text, not all of it again per install)."""

    __slots__ = ("hosts", "tail")

    def __init__(self, before: Vendors | None = None) -> None:
        self.hosts: set[str] = set(before.hosts) if before else set()
        self.tail: str = before.tail if before else ""  # where a host may have begun

    def read(self, text: str) -> None:
        """Add ``text`` after what was read so far."""
        lowered = self.tail + text.lower()
        self.hosts.update(host for host, _ in VENDOR_REPOSITORIES if host in lowered)
        self.tail = lowered[1 - _LONGEST_HOST :]

    def supplies(self, name: str) -> bool:
        """Whether ``name`` comes from one of the repositories read."""
        return any(
            host in self.hosts and any(fnmatchcase(name, pattern) for pattern in patterns)
            for host, patterns in VENDOR_REPOSITORIES
        )


def biggest_added(found: Recommends, count: int) -> list[str]:
    """The ``count`` largest packages the recommends add, largest first."""
    sizes = packages().kib
    return sorted(found.added, key=lambda name: (-sizes.get(name, 0), name))[:count]


def _groups(text: str) -> list[list[str]]:
    return [group.split("|") for group in text.split(",")] if text else []


def _spellings(name: str) -> list[str]:
    """``name``, and for a 64-bit ``time_t`` library (``libaio1t64``, Debian 13 and Ubuntu
    24.04) the name it had in Debian 12."""
    if name.endswith("t64") and len(name) > 3:
        return [name, name[:-3]]
    return [name]
