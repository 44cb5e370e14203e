"""What the recommended packages of an ``apt-get install`` add, from Debian's archive.

The facts are the data files of three releases (``RELEASES``): ``data/debian12_packages.tsv``
(Debian 12, bookworm), ``data/debian11_packages.tsv`` (Debian 11, bullseye) and
``data/debian13_packages.tsv`` (Debian 13, trixie), written by
``scripts/measure_apt_sizes.py graph`` from each release's ``Packages`` indexes (their
headers say which): every package of the release that the package names of the corpus's
``apt-get install`` commands reach through Depends, Pre-Depends and Recommends, with its
``Installed-Size`` and its relations, and the base (``Priority: required`` and
``Essential`` with their dependencies: what ``debian:bookworm-slim`` holds). A base image
of Debian 11 or 13 (``graph_release``: its tag names the release, or its family's default
tags are built on it, ``IMAGE_RELEASES``) is measured on that release's graph; every other
on Debian 12's, without the packages an older release its tag names lacks
(``missing_in``). Each file is read on the first question about its release, not on
import: Debian 11's only when a Debian 11 base is seen, Debian 13's only when a Debian 13
one is.

An install's recommends are computed as apt does: the packages it installs with
recommends (of every package it adds, recursively) minus those it installs without,
where what is present already (the base, packages installed earlier, the base image's)
satisfies a relation and is never counted. A name the release does not have is looked up
as its package family's member there (``php8.3-dev`` as ``php8.2-dev`` on Debian 12,
``libssl1.1`` as ``libssl3``, ``libaio1t64`` as ``libaio1``; ``libicu72`` as
``libicu76`` on Debian 13, most of whose ``t64`` libraries provide their old names:
``libssl3``); when there is none it is ``unknown``: a package of another repository
(Microsoft's, MongoDB's, a PPA...) whose recommends are not known here, a Debian package
the release dropped (``software-properties-common``, ``libgl1-mesa-glx`` on Debian 13),
or a Debian package that no install of the corpus names and none of theirs pulls in
(``scripts/measure_apt_sizes.py graph`` adds it when given its name).
"""

from __future__ import annotations

import functools
import os
import re
from fnmatch import fnmatchcase

from lintlayers.lazy_re import lazy_compile
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Container, Iterable
    from collections.abc import Set as AbstractSet
    from pathlib import Path

RELEASES: dict[str, int] = {"bookworm": 12, "bullseye": 11, "trixie": 13}
"""The Debian releases with a measured package graph, by code name: their version."""
DEFAULT_RELEASE = "bookworm"
"""The release every base image is measured on unless ``graph_release`` says otherwise."""


def data_file(release: str) -> str:
    """The measured table of ``release`` (``data/debian12_packages.tsv`` for bookworm)."""
    return os.path.join(
        os.path.dirname(__file__), "data", f"debian{RELEASES[release]}_packages.tsv"
    )


DATA_FILE = data_file(DEFAULT_RELEASE)
"""Debian 12's measured table (``DATA``: the same as a ``Path``)."""
NEEDED = frozenset({"ca-certificates"})
"""Recommends counted as needed, not as saved: HTTPS needs ``ca-certificates`` (the
recommend of curl, wget, gnupg's dirmngr, openssl...) and most bases have it."""
NEEDED_RECOMMENDS: dict[str, tuple[str, ...]] = {
    "systemd": ("dbus",),
    "libvulkan1": ("mesa-vulkan-drivers",),
    **dict.fromkeys(("gcc", "gcc-10", "gcc-12", "gcc-14"), ("libc6-dev",)),
    "xvfb": ("xauth",),
}
"""Recommends counted as needed when their package is installed: what its main use needs.
systemd installed in an image is there to run as its init, and systemctl, logind and
the systemd cgroup driver (containerd's, the kubelet's) talk to it over D-Bus. The Vulkan
loader (``libvulkan1``) finds no AMD or Intel GPU without Mesa's drivers (ollama's
Vulkan image installs it for them). gcc compiles nothing without the C library's headers
and start files (``libc6-dev``: ``stdio.h``, ``crt1.o``), and ``xvfb-run`` stops when
``xauth`` is missing."""
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
_DEVCONTAINER = (
    *_CURL, "git", "openssh-client", "less", "procps", "lsb-release", "sudo", "unzip",
    "zip", "iproute2", "jq", "nano", "apt-transport-https", "apt-utils", "lsof", "htop",
    "net-tools", "psmisc", "rsync", "vim-tiny", "dialog", "libkrb5-3", "libgssapi-krb5-2",
    "locales", "ncdu", "man-db", "strace", "manpages", "manpages-dev",
    "init-system-helpers", "zsh", "libicu72", "liblttng-ust1", "libssl1.1",
)  # fmt: skip
IMAGE_PACKAGES: dict[str, tuple[str, ...]] = {
    "buildpack-deps:curl": _CURL,
    "buildpack-deps:scm": _SCM,
    "buildpack-deps": _BUILDPACK_DEPS,
    "golang": (*_SCM, "g++", "gcc", "libc6-dev", "make", "pkg-config"),
    "python": _BUILDPACK_DEPS, "node": _BUILDPACK_DEPS, "ruby": _BUILDPACK_DEPS,
    "rust": _BUILDPACK_DEPS, "gcc": _BUILDPACK_DEPS, "perl": _BUILDPACK_DEPS,
    "erlang": _BUILDPACK_DEPS, "elixir": _BUILDPACK_DEPS, "haskell": _BUILDPACK_DEPS,
    "php": ("autoconf", "dpkg-dev", "file", "g++", "gcc", "libc6-dev", "make", "pkg-config",
            "re2c", "ca-certificates", "curl", "xz-utils"),
    "mcr.microsoft.com/dotnet/sdk": ("ca-certificates", "curl", "git", "wget"),
    "mcr.microsoft.com/devcontainers/": _DEVCONTAINER,
    "mcr.microsoft.com/devcontainers/javascript-node": (*_BUILDPACK_DEPS, *_DEVCONTAINER),
    "mcr.microsoft.com/devcontainers/typescript-node": (*_BUILDPACK_DEPS, *_DEVCONTAINER),
    "mcr.microsoft.com/devcontainers/python": (*_BUILDPACK_DEPS, *_DEVCONTAINER),
    "mcr.microsoft.com/devcontainers/ruby": (*_BUILDPACK_DEPS, *_DEVCONTAINER),
    "mcr.microsoft.com/devcontainers/rust": (*_BUILDPACK_DEPS, *_DEVCONTAINER),
}  # fmt: skip
"""Packages images hold (installed without recommends), by repository (a name ending in
``/`` covers every image under it): the official images whose default variant is
built on ``buildpack-deps`` (its Dockerfiles: ``curl``, ``scm``, and the full variant
with compilers and ``-dev`` packages; ``golang`` is ``scm`` plus a C compiler; ``elixir``
is built on ``erlang``, which is, as ``haskell`` is, on the full variant), the .NET
SDK image, and the dev container images (``mcr.microsoft.com/devcontainers/*``, built
with ``common-debian.sh``: its ``PACKAGE_LIST``, with zsh, in microsoft/vscode-dev-containers'
``script-library``; the ``javascript-node``, ``typescript-node``, ``python``, ``ruby`` and
``rust`` ones on the full official images of their language, so on ``buildpack-deps``),
and ``php``, whose Debian images keep ``$PHPIZE_DEPS`` (a compiler, ``libc-dev``, ``make``:
what ``docker-php-ext-install`` builds with) with ``ca-certificates``, ``curl`` and
``xz-utils``.
A ``slim``, ``alpine`` or Windows variant holds none of them."""
_IMAGE_ALIASES = {
    "mcr.microsoft.com/dotnet/core/": "mcr.microsoft.com/dotnet/",
    "mcr.microsoft.com/vscode/devcontainers/": "mcr.microsoft.com/devcontainers/",
}
"""Old names of image repositories (a name ending in ``/`` covers every image under it):
.NET's images moved from ``dotnet/core/sdk`` to ``dotnet/sdk`` at 5.0."""
_DOTNET_DEFAULTS = {
    "2.1": "stretch", "2.2": "stretch", "3.0": "buster", "3.1": "buster", "5.0": "buster",
    "6.0": "bullseye", "7.0": "bullseye",
}  # fmt: skip
IMAGE_RELEASES: dict[str, dict[str, str]] = {
    "mcr.microsoft.com/dotnet/sdk": _DOTNET_DEFAULTS,
    "mcr.microsoft.com/dotnet/aspnet": _DOTNET_DEFAULTS,
    "mcr.microsoft.com/dotnet/runtime": _DOTNET_DEFAULTS,
    "mcr.microsoft.com/dotnet/runtime-deps": _DOTNET_DEFAULTS,
}
"""The Debian release (by code name, other than the default) of image families' default
tags, by repository (old names through ``_IMAGE_ALIASES``) and version: a default tag is
the version alone (``6.0``, ``6.0.36``), perhaps with an architecture (``-amd64``), naming
no distribution. .NET's Linux images (dotnet/dotnet-docker) are built on ``runtime-deps``,
whose default 6.0 and 7.0 tags are ``FROM debian:bullseye-slim``
(``src/runtime-deps/6.0/bullseye-slim/amd64/Dockerfile``); from 8.0 the default tags are
Debian 12's (the breaking change dotnet/docs#35953, "Debian container images upgraded to
Debian 12"), 3.0's, 3.1's and 5.0's buster's, 2.1's and 2.2's stretch's, 10.0's Ubuntu
24.04's. A release with a graph (``RELEASES``) measures the installs (``graph_release``);
an older one names what Debian 12 has and it lacks (``missing_in``)."""
NEWER_THAN_RELEASE: tuple[tuple[str, frozenset[str]], ...] = (
    # libc-devtools (memusage, mtrace, sotruss: libgd3 and its image codecs, ~50 MB) was
    # split out of libc-dev-bin, which recommends it: Debian 11 has it (libc-dev-bin
    # 2.31-13+deb11u11 in bullseye's index) and is measured on its own graph, Ubuntu
    # since 21.10 (glibc 2.34). Debian 13 has it too, but its libc-dev-bin (2.41)
    # recommends only the man pages: measured on its own graph, no word here
    ("libc-devtools", frozenset({
        "wheezy", "jessie", "stretch", "buster", "trusty", "xenial", "bionic", "focal",
        "14.04", "16.04", "18.04", "20.04",
    })),
)  # fmt: skip
"""Debian 12 packages that an older release named by the base image's tag lacks, with
those releases: a recommends chain through them is Debian 12's, not the image's."""
_RELEASE_WORDS = lazy_compile(r"[a-z]+|\d+\.\d+")
_DEBIAN_NUMBER = lazy_compile(r"(?:^|[-_])debian-?(\d+)(?:$|[-_.])")
"""A tag naming a Debian release by its number (``lts-debian-11``, ``0-debian13``)."""
_BY_VERSION = {str(version): release for release, version in RELEASES.items()}
"""The measured releases by their version (``"13"``: ``trixie``)."""
_DEFAULT_TAG = lazy_compile(r"(\d+\.\d+)(?:\.\d+)*(?:-(?:amd64|arm64v8|arm32v7))?")
"""A tag that is a version, perhaps with an architecture: a family's default variant."""
_VERSION = lazy_compile(r"\d+(?:\.\d+)*")
_NOT_A_NAME = lazy_compile(r"[^a-z0-9.+-]")


class Packages:
    """A release's package graph, from its data file (relations split when first asked)."""

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
        """The graph's package that installing ``name`` installs, through a virtual name
        or the package's family; None when the release has no such package."""
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
    """What the recommends of an install add, measured on ``release``: ``size`` bytes of
    the packages ``added``, ``largest`` (the requested package whose recommends alone add
    the most, and that size, when it is not all of them), the requested names the
    release does not know (``unknown``) and those measured as another member of their
    family (``standing_in``: requested name, the release's package)."""

    __slots__ = ("added", "largest", "release", "size", "standing_in", "unknown")

    def __init__(
        self,
        size: int,
        added: set[str],
        largest: tuple[str, int] | None,
        unknown: list[str],
        standing_in: list[tuple[str, str]],
        release: str = DEFAULT_RELEASE,
    ) -> None:
        self.size = size
        self.added = added
        self.largest = largest
        self.unknown = unknown
        self.standing_in = standing_in
        self.release = release

    @property
    def source(self) -> str:
        """Where the figures come from: ``measured on Debian 12``."""
        return f"measured on Debian {RELEASES[self.release]}"


def packages(release: str = DEFAULT_RELEASE) -> Packages:
    """The package graph of ``release`` (a key of ``RELEASES``), read once."""
    return _read(release)


@functools.cache
def _read(release: str) -> Packages:
    with open(data_file(release), encoding="utf-8") as handle:
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


def present(
    installed: Iterable[str],
    with_recommends: Iterable[str] = (),
    release: str = DEFAULT_RELEASE,
) -> frozenset[str]:
    """What is installed after ``installed`` (without recommends) and ``with_recommends``
    (with them), counted from ``release``'s base and the needed packages; names the
    release lacks are left out."""
    known = set(NEEDED | packages(release).closure(NEEDED, frozenset(), recommends=False))
    install(known, installed, recommends=False, release=release)
    install(known, with_recommends, recommends=True, release=release)
    return frozenset(known)


def needed_by_recommends(
    requested: Iterable[str], release: str = DEFAULT_RELEASE
) -> frozenset[str]:
    """The needed packages that installing ``requested`` brings only as recommends:
    ``NEEDED`` (curl's ``libcurl4`` recommends ``ca-certificates``) and what a requested
    package's main use needs (``NEEDED_RECOMMENDS``: gcc's ``libc6-dev``). On a base
    without them, ``--no-install-recommends`` alone would leave HTTPS, or the compiler,
    without them."""
    graph = packages(release)
    found = [real for real in map(graph.find, requested) if real is not None]
    if not found:
        return frozenset()
    with_recommends = graph.closure(found, frozenset(), recommends=True)
    without = graph.closure(found, frozenset(), recommends=False)
    needed = NEEDED.union(*(NEEDED_RECOMMENDS.get(real, ()) for real in found))
    return frozenset(name for name in needed if name in with_recommends - without)


def install(
    known: set[str], names: Iterable[str], *, recommends: bool, release: str = DEFAULT_RELEASE
) -> bool:
    """Add to ``known`` (what ``present`` answers for ``release``) what installing
    ``names`` adds, with or without their recommends; whether it added anything."""
    graph = packages(release)
    added = graph.closure(
        [real for real in map(graph.find, names) if real], known, recommends=recommends
    )
    known |= added
    return bool(added)


def missing_in(image: str) -> frozenset[str]:
    """The Debian 12 packages the release an image's tag names does not have
    (``NEWER_THAN_RELEASE``): ``ubuntu:18.04``, ``python:3.7-slim-buster``."""
    words = set(_RELEASE_WORDS.findall(_reference(image)[1]))
    default = _default_release(image)
    if default is not None:
        words.add(default)
    return frozenset(package for package, releases in NEWER_THAN_RELEASE if words & releases)


DOCUMENTATION_PACKAGES = frozenset({"manpages", "manpages-dev"})
"""Packages of man pages alone (``libc6-dev`` recommends ``manpages-dev``)."""


DOCUMENTATION_EXCLUDED = ("nginx", "httpd", "postgres", "php", "redis", "mcr.microsoft.com/dotnet/")
"""Images built ``FROM debian:*-slim`` whatever their tag (docker-library's nginx, httpd,
postgres, php and redis, and the .NET images, whose runtime-deps start from Debian's slim
variant): like a ``-slim`` tag, they leave documentation out (``excludes_documentation``).
A name ending in ``/`` is a prefix."""
_OLD_UBUNTU = frozenset({"12.04", "14.04", "16.04", "precise", "trusty", "xenial"})


def excludes_documentation(image: str) -> bool:
    """Whether ``image`` installs documentation without a byte: a ``slim`` variant
    (``debian:bookworm-slim``, ``python:3.7-slim-buster``), an image built on one
    (``DOCUMENTATION_EXCLUDED``), whose dpkg configuration leaves out ``/usr/share/man``
    and ``/usr/share/doc`` (debuerreotype's slimify), or Ubuntu since 18.04, a minimized
    image (``unminimize`` brings them back). Their man-page and ``-doc`` packages weigh
    nothing."""
    repository, tag = _reference(image)
    words = _RELEASE_WORDS.findall(tag)
    if "slim" in words:
        return True
    if repository == "ubuntu":
        return not _OLD_UBUNTU.intersection(words)
    return any(
        repository.startswith(name) if name.endswith("/") else repository == name
        for name in DOCUMENTATION_EXCLUDED
    )


def is_documentation(name: str) -> bool:
    """Whether package ``name`` holds documentation alone (man pages, ``-doc``)."""
    return name in DOCUMENTATION_PACKAGES or name.endswith("-doc")


def graph_release(image: str) -> str:
    """The release whose package graph measures the installs on ``image``: a measured
    release (``RELEASES``) its tag names by code name (``debian:trixie-slim``,
    ``python:3.9-slim-bullseye``, ``postgres:18-trixie``) or by number
    (``mcr.microsoft.com/powershell:lts-debian-11``; on ``debian`` itself ``debian:13``,
    ``debian:11.6-slim``), or the release of a family's default tag (``IMAGE_RELEASES``:
    ``mcr.microsoft.com/dotnet/sdk:6.0``); else Debian 12 (``DEFAULT_RELEASE``), with
    ``missing_in`` for an older release the tag names. A tag naming no release
    (``python:3.12``, ``debian:latest``, ``debian:stable``) is not guessed: its release
    depends on when the image was built."""
    repository, tag = _reference(image)
    if not tag:
        return DEFAULT_RELEASE
    words = _RELEASE_WORDS.findall(tag)
    named = next((release for release in RELEASES if release in words), None)
    if named is not None:
        return named
    numbered = _DEBIAN_NUMBER.search(tag) if "debian" in tag else None
    if numbered is not None and numbered.group(1) in _BY_VERSION:
        return _BY_VERSION[numbered.group(1)]
    if repository == "debian":  # debian:13, debian:13-slim, debian:11.6
        number = tag.split("-", 1)[0].split(".", 1)[0]
        if number in _BY_VERSION:
            return _BY_VERSION[number]
    default = _default_release(image)
    return default if default in RELEASES else DEFAULT_RELEASE


def _default_release(image: str) -> str | None:
    """The release of an image family's default tag (``IMAGE_RELEASES``), None if none."""
    repository, tag = _reference(image)
    defaults = IMAGE_RELEASES.get(repository)
    version = _DEFAULT_TAG.fullmatch(tag) if defaults and tag else None
    return defaults.get(version.group(1)) if defaults and version is not None else None


def recommends(
    requested: Iterable[str],
    already: AbstractSet[str] | None = None,
    missing: AbstractSet[str] = frozenset(),
    release: str = DEFAULT_RELEASE,
    documentation_weightless: bool = False,
    anyway: Container[str] | None = None,
) -> Recommends:
    """What ``apt-get install`` of the ``requested`` names adds with recommends over
    without on ``release`` (``graph_release``), with ``already`` present (default: the
    base and the needed packages), without the ``missing`` packages (``missing_in``);
    documentation packages count no bytes where ``documentation_weightless`` (a slim
    image: ``excludes_documentation``), nor do the packages that come ``anyway`` (what a
    later install depends on)."""
    graph = packages(release)
    known_present = present((), release=release) if already is None else already
    found: dict[str, str] = {}  # the release's package -> the name requested
    unknown: list[str] = []
    for name in requested:
        real = graph.find(name)
        if real is None:
            unknown.append(name)
        else:
            found.setdefault(real, name)
    # what a package's main use needs comes in both cases (the fix lists it), without
    # its own recommends when listed with ``--no-install-recommends``
    needed = [wanted for real in found for wanted in NEEDED_RECOMMENDS.get(real, ())]
    needed_real = [real for real in map(graph.find, needed) if real is not None]
    without = graph.closure([*found, *needed_real], known_present, recommends=False)
    after = known_present | without
    added = graph.closure(found, known_present, recommends=True, missing=missing) - without
    if documentation_weightless:
        added = {name for name in added if not is_documentation(name)}
    if anyway is not None:
        added = {name for name in added if name not in anyway}
    total = graph.size(added)
    largest: tuple[str, int] | None = None
    if len(found) > 1:
        for real, name in found.items():
            alone = graph.closure([real], known_present, recommends=True, missing=missing)
            size = graph.size(name for name in alone - after if name in added)
            if size and (largest is None or size > largest[1]):
                largest = (name, size)
    if largest is not None and largest[1] >= total:
        largest = None  # one package's recommends are all of them: nothing to add
    standing_in = [
        (name, real) for real, name in found.items() if real != name and name not in graph.virtual
    ]
    return Recommends(total, added, largest, unknown, standing_in, release)


def image_packages(image: str) -> frozenset[str]:
    """Packages the base ``image`` holds already: installing them again installs nothing,
    their recommends included (``IMAGE_PACKAGES``)."""
    repository, tag = _reference(image)
    if repository in IMAGE_PACKAGES and repository.startswith("mcr.microsoft.com/devcontainers/"):
        return frozenset(IMAGE_PACKAGES[repository])  # a language's dev container image
    for prefix, names in IMAGE_PACKAGES.items():
        if prefix.endswith("/") and repository.startswith(prefix):
            return frozenset(names)
    if repository.startswith("mcr.microsoft.com/dotnet/sdk"):
        return frozenset(IMAGE_PACKAGES["mcr.microsoft.com/dotnet/sdk"])
    if repository not in IMAGE_PACKAGES or image.split("@", 1)[0].endswith(":") or "$" in tag:
        return frozenset()
    if any(word in tag for word in ("slim", "alpine", "windows", "nanoserver", "servercore")):
        return frozenset()
    if repository == "buildpack-deps":
        variant = next((v for v in ("curl", "scm") if tag.endswith(v)), "")
        if variant:
            return frozenset(IMAGE_PACKAGES[f"buildpack-deps:{variant}"])
    return frozenset(IMAGE_PACKAGES[repository])


def _reference(image: str) -> tuple[str, str]:
    """The repository of an image reference (lower case, without ``docker.io/`` and
    ``library/``, old names as their new, ``_IMAGE_ALIASES``) and its tag (``""``: none),
    without the digest."""
    from lintlayers.model.size_estimates import image_reference

    repository, tag = image_reference(image)
    for alias, canonical in _IMAGE_ALIASES.items():
        if repository.startswith(alias):
            repository = canonical + repository[len(alias) :]
    return repository, tag


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
    sizes = packages(found.release).kib
    return sorted(found.added, key=lambda name: (-sizes.get(name, 0), name))[:count]


def _groups(text: str) -> list[list[str]]:
    return [group.split("|") for group in text.split(",")] if text else []


def _spellings(name: str) -> list[str]:
    """``name``, and for a 64-bit ``time_t`` library (``libaio1t64``, Debian 13 and Ubuntu
    24.04) the name it had in Debian 12."""
    if name.endswith("t64") and len(name) > 3:
        return [name, name[:-3]]
    return [name]
