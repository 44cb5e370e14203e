"""How many bytes the size rules' findings cost: the data, and where each number comes from.

Every figure is one of three kinds (``SizeEstimate.basis``):

- ``exact``: computed for this build from the build context (the files a COPY selects,
  after ``.dockerignore``, with ``BuildContext.select`` and ``total_size``);
- ``measured``: measured once, on 2026-11-27, on a Debian 12 (bookworm) machine; the
  comment above each table says how;
- ``typical``: not measured here; a usual order of magnitude, said as such.

Sizes are in decimal units (1 MB = 1,000,000 bytes), as ``docker images`` shows them.
The Debian tables were measured offline with ``apt-get -s`` (simulate) against the
Debian 12 package lists, from a base holding the ``Priority: required`` packages and
their dependencies (96 packages, what ``debian:bookworm-slim`` holds, give or take):
the size of a package set is the sum of the ``Installed-Size`` fields of the
packages ``apt-get install`` would add, with or without ``--no-install-recommends``.
"""

from __future__ import annotations

import re

from lintlayers.lazy_re import lazy_compile
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable

    from lintlayers.buildcontext.context import BuildContext
    from lintlayers.context import RuleContext
    from lintlayers.model.steps import Step

MB = 1_000_000

EXACT = "exact"
MEASURED = "measured"
TYPICAL = "typical"


class SizeEstimate:
    """Roughly how many bytes something keeps in a layer, and how that is known.

    ``low``/``high`` are bytes (equal for a single figure) or ``None`` for an estimate
    relative to something the linter cannot size (``relative`` then says it, as in
    "about a fifth of the installed packages"). ``basis`` is ``exact``, ``measured`` or
    ``typical``; ``source`` says what the figure was measured on, for messages.
    """

    __slots__ = ("basis", "high", "low", "relative", "source")

    def __init__(
        self,
        low: int | None,
        high: int | None = None,
        *,
        basis: str = TYPICAL,
        source: str = "",
        relative: str = "",
    ) -> None:
        self.low = low
        self.high = low if high is None else high
        self.basis = basis
        self.source = source
        self.relative = relative

    def text(self) -> str:
        """``12.3 MB`` (exact), ``~20 MB``, ``~20-45 MB``, or the relative phrase."""
        if self.low is None or self.high is None:
            return self.relative
        if self.basis == EXACT:
            return format_bytes(self.low)
        if self.high != self.low:
            low, high = format_bytes(self.low), format_bytes(self.high)
            low_number, _, low_unit = low.partition(" ")
            if high.endswith(" " + low_unit):
                return f"~{low_number}-{high}"
            return f"~{low}-{high}"
        return "~" + format_bytes(self.low)

    def described(self) -> str:
        """``text()`` followed by its source in parentheses: ``~20 MB (measured on ...)``."""
        return f"{self.text()} ({self.source})" if self.source else self.text()

    def clause(self) -> str:
        """``text()`` and its source for use inside parentheses: ``~20 MB, measured on ...``."""
        return f"{self.text()}, {self.source}" if self.source else self.text()

    def __repr__(self) -> str:
        return f"SizeEstimate({self.text()!r}, {self.basis})"


def format_bytes(size: int) -> str:
    """``512 bytes``, ``8.2 kB``, ``45 MB``, ``1.2 GB``: decimal units, 2 significant digits."""
    if size < 1000:
        return f"{size} bytes"
    value = float(size)
    for unit in ("kB", "MB", "GB", "TB"):
        value /= 1000
        if value < 999.5 or unit == "TB":
            if value < 9.95:
                return f"{value:.1f} {unit}"
            return f"{value:.0f} {unit}"
    return f"{size} bytes"  # pragma: no cover


def _mb(value: float) -> int:
    return round(value * MB)


# ---------------------------------------------------------------------- apt lists

APT_LISTS_MB = {"debian": 19.9, "ubuntu": 45.0}
"""``/var/lib/apt/lists`` after ``apt-get update``, by distribution.

debian, measured: ``du -sb /var/lib/apt/lists`` gave 19,874,352 bytes for bookworm's
main component of bookworm, bookworm-updates and bookworm-security, stored
lz4-compressed as Docker's official Debian images keep them
(``/etc/apt/apt.conf.d/docker-gzip-indexes``); uncompressed they are 52.6 MB.
ubuntu, typical: main, restricted, universe and multiverse of the release, -updates
and -security (universe alone is several times Debian's main); not measured here.
Extra sources (a vendor's repository added with ``sources.list.d``) add their own.
"""
APT_LISTS_UNKNOWN_MB = (20.0, 45.0)
"""Typical range when the base image does not tell Debian from Ubuntu."""

_UBUNTU = ("ubuntu", "xenial", "bionic", "focal", "jammy", "noble", "oracular", "plucky")
_DEBIAN = ("debian", "bookworm", "bullseye", "buster", "stretch", "trixie", "sid")
DEBIAN_BASED = frozenset(
    {"python", "node", "ruby", "golang", "php", "perl", "rust", "buildpack-deps", "httpd",
     "nginx", "postgres", "redis", "haskell", "gcc"}
)  # fmt: skip
"""Official images whose default variants are built on Debian."""


def image_reference(image: str) -> tuple[str, str]:
    """The repository of an image reference (lower case, without the digest, ``docker.io/``
    and ``library/``) and its tag (``""``: none)."""
    name = image.lower().split("@", 1)[0]
    repository, _, tag = name.rpartition(":") if ":" in name.rpartition("/")[2] else (name, "", "")
    return repository.removeprefix("docker.io/").removeprefix("library/"), tag


def distribution(image: str) -> str | None:
    """``debian`` or ``ubuntu`` when an image reference tells, else None."""
    lowered = image.lower()
    words = re.split(r"[^a-z0-9]+", lowered)
    if _names_any(words, _UBUNTU):
        return "ubuntu"
    if _names_any(words, _DEBIAN):
        return "debian"
    repository, tag = image_reference(image)
    if repository in DEBIAN_BASED and not any(word in tag for word in ("alpine", "windows")):
        return "debian"
    return None


_DNF_ALWAYS = frozenset({"fedora", "rockylinux", "almalinux", "ubi8", "ubi9", "ubi10"})
"""Parts of an image's repository (``fedora``, ``registry.access.redhat.com/ubi8/ubi``)
whose every tag's ``yum`` is DNF."""
_YUM_AT = {"amazonlinux": 2023, "centos": 8, "oraclelinux": 8}
"""Repositories whose ``yum`` is DNF from a release on: ``amazonlinux:2023``, ``centos:8``
(and ``stream``), ``oraclelinux:8``."""
_MAJOR = lazy_compile(r"\d+")


def yum_is_dnf(image: str) -> bool:
    """Whether ``yum`` on ``image`` is DNF (Fedora, RHEL 8 and after: UBI 8, Rocky, Alma,
    CentOS 8 and Stream, Oracle Linux 8, Amazon Linux 2023, and images on them such as
    ``amazoncorretto:21-al2023``), which keeps its cache in ``/var/cache/dnf``, not the
    ``/var/cache/yum`` of yum 3 (CentOS 7, Amazon Linux 2)."""
    repository, tag = image_reference(image)
    if "al2023" in tag or "stream" in tag:
        return True
    parts = repository.split("/")
    if _DNF_ALWAYS.intersection(parts) or (parts[-1] == "amazonlinux" and tag in ("", "latest")):
        return True
    since = _YUM_AT.get(parts[-1])
    major = _MAJOR.match(tag)
    return since is not None and major is not None and int(major.group()) >= since


def _names_any(words: list[str], names: tuple[str, ...]) -> bool:
    """Whether a word is one of ``names``, alone or followed by a version (``ubuntu22``)."""
    return any(
        word == name or (word.startswith(name) and word[len(name) :].isdigit())
        for word in words
        for name in names
    )


def apt_lists(image: str) -> SizeEstimate:
    """What ``apt-get update`` leaves in ``/var/lib/apt/lists`` on ``image``."""
    found = distribution(image)
    if found == "debian":
        return SizeEstimate(
            _mb(APT_LISTS_MB["debian"]), basis=MEASURED, source="measured on Debian 12"
        )
    if found == "ubuntu":
        return SizeEstimate(_mb(APT_LISTS_MB["ubuntu"]), basis=TYPICAL, source="typical for Ubuntu")
    low, high = APT_LISTS_UNKNOWN_MB
    return SizeEstimate(_mb(low), _mb(high), basis=TYPICAL, source="typical for Debian and Ubuntu")


APT_DEB_RATIO = 0.25
"""Downloaded ``.deb`` files / installed size, measured: the 87.3 MB of ``.deb`` files of
build-essential, git, curl and python3 (with dependencies) install 352 MB. Docker's
official Debian and Ubuntu images delete them after every install
(``/etc/apt/apt.conf.d/docker-clean``), so ``/var/cache/apt`` is usually empty there."""

# ------------------------------------------------------------- apt recommends
# What the recommended packages of an install add is computed from Debian 12's archive,
# or Debian 11's on a Debian 11 base and Debian 13's on a Debian 13 base, by
# ``lintlayers.model.debian`` (its data files, ``data/debian12_packages.tsv``,
# ``data/debian11_packages.tsv`` and ``data/debian13_packages.tsv``).


def package_name(word: str) -> str:
    """A package argument without version, release or architecture: ``gcc=4:12`` -> ``gcc``."""
    name = re.split(r"[=<>~]", word, maxsplit=1)[0]
    name = name.split("/", 1)[0].split("@", 1)[0]
    return name.partition(":")[0]


# -------------------------------------------------------------------- apk index

APK_INDEX_MB = (1.1, 3.0)
"""``APKINDEX.*.tar.gz`` files that ``apk update``/``apk add --update`` store in
``/var/cache/apk``, typical: one per repository; a public note measured main's at
1131 kB (edge, 2023); community's is larger. Not measured here."""


def apk_index() -> SizeEstimate:
    low, high = APK_INDEX_MB
    return SizeEstimate(_mb(low), _mb(high), basis=TYPICAL, source="typical for main and community")


# ------------------------------------------------------------- language caches

PIP_CACHE_RATIO = 0.2
"""pip cache / installed size, measured: pip keeps the wheels it downloads (and the ones it
builds from source). flask and requests with their dependencies: 1.3 MB of wheels for
8.2 MB installed (16%); numpy 2.4: a 16.9 MB wheel for 71.4 MB installed (24%)."""
PIP_WHEELS_MB = {"torch": 191.8, "numpy": 16.9}
"""Wheels measured here (CPython 3.11, x86-64): torch 2.13's CPU wheel, numpy 2.4's.
The default (CUDA) torch wheel and its nvidia-* dependencies are several GB, typical."""
PIP_TOOL_WHEELS_MB = {"pip": 1.95, "setuptools": 0.88, "wheel": 0.03}
"""PyPI's sizes of the only wheels (``py3-none-any``) of pip 26.3, setuptools 84.2 and
wheel 0.48, which pull in no dependency of size: what ``pip install -U pip setuptools
wheel`` caches (next to other packages they are no measure of the cache)."""
SMALL_PIP_CACHE_MB = 3.0
"""A pip cache that holds no more than this (pip upgrading itself, with setuptools and
wheel) is worth a note, not a warning."""
NPM_CACHE_RATIO = (0.7, 1.4)
"""``~/.npm`` / ``node_modules``, measured with npm 11: express alone 3.3 MB of cache for
2.3 MB of node_modules (the registry metadata counts); express and typescript 24.3 MB
for 32.8 MB."""
YARN_CACHE_RATIO = 1.0
"""yarn 1 cache / ``node_modules``, typical: yarn 1 keeps every package unpacked (plus a
tarball copy in recent versions), at least as large as ``node_modules``."""


def small_pip_cache(packages: Iterable[str]) -> bool:
    """Whether ``packages``, all that an install names, are pip's own tools and their
    wheels weigh no more than ``SMALL_PIP_CACHE_MB`` together."""
    total = _tool_wheels(packages)
    return total is not None and total <= SMALL_PIP_CACHE_MB


def pip_tools_only(packages: Iterable[str]) -> bool:
    """Whether ``packages`` (requirement words) are all pip's own tools, whose only
    wheels are pure Python (``PIP_TOOL_WHEELS_MB``): installing them compiles nothing."""
    return _tool_wheels(packages) is not None


def _tool_wheels(packages: Iterable[str]) -> float | None:
    """The MB of the wheels of ``packages`` when all of them are pip's own tools."""
    names = {_requirement_name(word) for word in packages}
    if not names or not names <= PIP_TOOL_WHEELS_MB.keys():
        return None
    return sum(PIP_TOOL_WHEELS_MB[name] for name in names)


def _requirement_name(word: str) -> str:
    return re.split(r"[=<>~!\[;@ ]", word, maxsplit=1)[0].lower()


def pip_cache(packages: Iterable[str] = (), *, complete: bool = False) -> SizeEstimate:
    """The pip cache an install leaves: the wheels of pip's own tools when they are all it
    installs (``complete``: ``packages`` is everything, no requirements file), a measured
    wheel when one is named, else a fraction."""
    names = [_requirement_name(word) for word in packages]
    tools = _tool_wheels(names) if complete else None
    if tools is not None:
        listed = list(dict.fromkeys(names))
        what = f"{listed[0]}'s wheel" if len(listed) == 1 else "the wheels of " + ", ".join(listed)
        return SizeEstimate(_mb(tools), basis=MEASURED, source=f"measured: {what}")
    best: tuple[float, str] | None = None
    for name in names:
        value = PIP_WHEELS_MB.get(name)
        if value is not None and (best is None or value > best[0]):
            best = (value, name)
    if best is not None:
        value, name = best
        return SizeEstimate(_mb(value), basis=MEASURED, source=f"measured: {name}'s wheel alone")
    return SizeEstimate(
        None, basis=MEASURED, relative="about a fifth of the installed packages' size"
    )


NPM_ITSELF_MB = (5.7, 7.8)
"""What ``npm install -g npm@...`` alone caches, measured on the registry (2026-12): the
abbreviated metadata of the ``npm`` package (3.0 MB) and its tarball (2.7 MB for npm 10 to
12, 4.8 MB for npm 6)."""


def npm_cache(packages: Iterable[str] | None = None) -> SizeEstimate:
    """The npm cache an install leaves: ``packages``, every package the RUN's npm installs
    name (None when one installs a project's dependencies), measured when they are npm
    itself; else relative to ``node_modules``."""
    names = {_npm_name(spec) for spec in packages or ()}
    if names == {"npm"}:
        low, high = NPM_ITSELF_MB
        source = "measured: npm's own tarball and registry metadata"
        return SizeEstimate(_mb(low), _mb(high), basis=MEASURED, source=source)
    return SizeEstimate(None, basis=MEASURED, relative="about as large as node_modules")


def _npm_name(spec: str) -> str:
    """The package an npm install argument names: ``npm@6`` -> ``npm``, ``@a/b@1`` -> ``@a/b``."""
    if spec.startswith("@"):
        return "@" + spec[1:].partition("@")[0]
    return spec.partition("@")[0]


def yarn_cache() -> SizeEstimate:
    return SizeEstimate(None, basis=TYPICAL, relative="at least as large as node_modules")


def package_cache(kind: str, image: str = "") -> SizeEstimate | None:
    """What package data of ``kind`` (a ``package_commands.CACHE_DIRS`` key) weighs."""
    if kind == "apt-lists":
        return apt_lists(image)
    if kind == "apt":
        return SizeEstimate(
            None, basis=MEASURED, relative="about a quarter of the installed packages' size"
        )
    if kind == "apk":
        return apk_index()
    if kind == "pip":
        return pip_cache()
    if kind == "npm":
        return npm_cache()
    if kind == "yarn":
        return yarn_cache()
    return None


# --------------------------------------------------------------------- archives

ARCHIVE_RATIO = 0.28
"""A gzip tarball / the files it holds, measured with ``tar -c | gzip -6``: the Go 1.19
toolchain tree, 96.2 MB for 342.8 MB (28%); Python 3.11's standard library, 15.4 MB for
53.4 MB (29%). xz and zstd archives are somewhat smaller."""


def kept_archive() -> SizeEstimate:
    return SizeEstimate(
        None,
        basis=MEASURED,
        relative=f"about {round(ARCHIVE_RATIO * 100)}% of the extracted files' size again",
    )


# ------------------------------------------------------------------ build tools

BUILD_TOOLS_MB: dict[str, float] = {
    "build-essential": 274.3, "gcc": 180.2, "g++": 267.2, "make": 1.6, "cmake": 95.6,
    "clang": 411.2, "llvm": 249.1, "gfortran": 254.1, "golang": 465.0, "golang-go": 464.3,
    "rustc": 657.6, "cargo": 675.9, "maven": 242.3, "gradle": 349.6, "ant": 231.7,
    "default-jdk": 593.5, "default-jdk-headless": 308.3, "openjdk-17-jdk": 593.5,
    "openjdk-17-jdk-headless": 308.3, "autoconf": 2.8, "automake": 4.8, "libtool": 220.2,
    "pkg-config": 0.3, "pkgconf": 0.3, "dpkg-dev": 41.5, "bison": 3.9, "flex": 2.0,
    "meson": 42.2, "ninja-build": 0.4, "nasm": 3.4, "yasm": 2.2, "swig": 6.0,
    "python3-dev": 94.4, "libc6-dev": 30.0, "libc-dev": 30.0, "linux-libc-dev": 7.4,
    "libssl-dev": 18.7, "zlib1g-dev": 31.3, "libffi-dev": 0.3, "libxml2-dev": 122.0,
    "libxslt1-dev": 125.1, "libpq-dev": 23.0, "libsqlite3-dev": 34.9,
    "libcurl4-openssl-dev": 13.3, "libreadline-dev": 34.5, "libbz2-dev": 30.1,
    "libjpeg-dev": 31.9, "libpng-dev": 32.6, "libgmp-dev": 2.3, "libyaml-dev": 0.4,
    "libzip-dev": 31.8, "libonig-dev": 0.9, "libsodium-dev": 1.2, "libargon2-dev": 0.1,
    "uuid-dev": 30.1, "libncurses5-dev": 33.1, "libncursesw5-dev": 33.1,
    "libgdbm-dev": 30.4, "liblzma-dev": 0.7, "tk-dev": 112.4,
    "default-libmysqlclient-dev": 45.6, "libkrb5-dev": 31.9, "libevent-dev": 9.1,
    "libglib2.0-dev": 91.7, "libfreetype6-dev": 37.4, "libmagickwand-dev": 330.6,
    "libicu-dev": 116.7, "libpcre3-dev": 34.2, "libboost-dev": 228.8, "libzstd-dev": 1.3,
    "libwebp-dev": 1.9, "libldap2-dev": 2.5, "libsasl2-dev": 31.1, "unixodbc-dev": 2.9,
    "debhelper": 289.7, "devscripts": 112.8,
    # measured 2026-12-06 the same way (apt-cache Installed-Size over the dependency
    # closure minus the required base), the other -dev packages the corpus installs:
    "apache2-dev": 339.5, "autotools-dev": 0.1, "binutils-dev": 64.3, "erlang-dev": 22.7,
    "libapparmor-dev": 0.3, "libapr1-dev": 64.6, "libaprutil1-dev": 73.5, "libaudit-dev": 0.4,
    "libavif-dev": 21.5, "libbabeltrace-ctf-dev": 7.7, "libbenchmark-dev": 0.5,
    "libbluetooth-dev": 31.2, "libboost-filesystem-dev": 237.8, "libboost-regex-dev": 323.6,
    "libbrotli-dev": 1.7, "libc-ares-dev": 0.6, "libcairo2-dev": 122.1, "libcap-dev": 2.8,
    "libclang-dev": 558.7, "libdb-dev": 3.2, "libdbus-glib-1-dev": 93.5, "libdw-dev": 35.9,
    "libedit-dev": 35.1, "libelf-dev": 32.7, "libexif-dev": 33.2, "libexpat1-dev": 31.3,
    "libfl-dev": 2.2, "libfontconfig1-dev": 44.3, "libfribidi-dev": 0.5, "libgcc-12-dev": 37.3,
    "libgcrypt-dev": 33.0, "libgdbm-compat-dev": 30.5, "libgeoip-dev": 1.3, "libgflags-dev": 1.0,
    "libgirepository1.0-dev": 350.8, "libgit2-dev": 59.0, "libgl1-mesa-dev": 225.5,
    "libgmock-dev": 5.8, "libgoogle-glog-dev": 5.5, "libgrpc++-dev": 117.1, "libgtest-dev": 5.1,
    "libgtk-3-dev": 545.5, "libharfbuzz-dev": 198.8, "libiberty-dev": 0.7, "libidn2-dev": 0.4,
    "libjansson-dev": 0.3, "libjemalloc-dev": 4.2, "libklibc-dev": 8.8, "libldap-dev": 2.4,
    "liblua5.1-0-dev": 35.2, "liblua5.2-dev": 35.3, "libluajit-5.1-dev": 1.6, "liblz4-dev": 0.3,
    "libmagickcore-dev": 327.3, "libmariadb-dev": 45.5, "libmaxminddb-dev": 0.2,
    "libmicrohttpd-dev": 45.2, "libmimalloc-dev": 0.2, "libmlir-15-dev": 384.5,
    "libmozjs-78-dev": 69.2, "libncurses-dev": 33.1, "libnftables-dev": 1.5, "libnghttp2-dev": 1.1,
    "libnsl-dev": 9.7, "libnuma-dev": 30.2, "libpcap-dev": 33.2, "libpcre2-dev": 34.0,
    "libperl-dev": 35.2, "libprotobuf-c-dev": 0.2, "libprotobuf-dev": 47.7, "libprotoc-dev": 57.9,
    "libpsl-dev": 0.3, "libpython3-dev": 83.0, "libqrencode-dev": 0.1, "libradospp-dev": 27.7,
    "libre2-dev": 1.7, "libreadline6-dev": 33.9, "librecode-dev": 4.1, "librtmp-dev": 46.0,
    "libsctp-dev": 30.3, "libseccomp-dev": 0.4, "libsecret-1-dev": 99.7, "libsimdjson-dev": 1.5,
    "libslang2-dev": 38.5, "libsnappy-dev": 0.2, "libssh-dev": 45.5, "libssh2-1-dev": 45.2,
    "libsss-nss-idmap-dev": 0.1, "libsystemd-dev": 1.1, "libthrift-dev": 72.6, "libtiff-dev": 41.5,
    "libtinfo-dev": 33.1, "libtirpc-dev": 9.2, "libunwind-dev": 3.9, "liburing-dev": 30.4,
    "libutf8proc-dev": 0.8, "libvips-dev": 478.3, "libwxgtk-webview3.2-dev": 648.4,
    "libx11-xcb-dev": 10.1, "libxcb1-dev": 3.4, "libxcursor-dev": 10.2, "libxi-dev": 11.1,
    "libxinerama-dev": 10.2, "libxrandr-dev": 10.5, "libxrender-dev": 9.8, "libxslt-dev": 125.1,
    "libxt-dev": 12.4, "libxxf86vm-dev": 9.9, "libxxhash-dev": 0.3, "libyajl-dev": 0.2,
    "libz-dev": 31.3, "libzmq3-dev": 133.3, "llvm-dev": 695.2, "ncurses-dev": 33.1,
    "nlohmann-json3-dev": 1.6, "php8.2-dev": 303.3, "portaudio19-dev": 6.6,
    "qtdeclarative5-dev": 393.7, "rados-objclass-dev": 27.6, "rapidjson-dev": 0.6,
    "ruby-dev": 44.2, "systemtap-sdt-dev": 33.0, "tcl-dev": 82.2, "xutils-dev": 38.7,
}  # fmt: skip
"""MB that ``apt-get install --no-install-recommends PACKAGE`` adds with its dependencies,
measured on Debian 12 as the module docstring says. Packages share dependencies (most
``-dev`` packages pull ``libc6-dev``, 30 MB), so a set weighs at least its largest member
and less than the sum."""

BUILD_TOOL_KINDS_MB: dict[str, tuple[str, float]] = {
    "c": ("a C/C++ toolchain", 180.2),
    "go": ("a Go toolchain", 465.0),
    "rust": ("a Rust toolchain", 657.6),
    "java": ("a JDK", 308.3),
    "jvm-build": ("a JVM build tool", 242.3),
    "headers": ("development headers with the C library headers", 30.0),
    "autotools": ("autotools", 4.8),
    "node": ("a Node.js build tool", 30.5),
}
"""For package managers other than apt, typical sizes taken from the Debian measurements
of the same tool (gcc, golang, rustc, default-jdk-headless, maven, libc6-dev, automake);
typescript's 30.5 MB was measured as ``node_modules`` (npm 11, typescript 5)."""

# Build tools by package manager: exact names and name patterns, each with its kind.
_APT_TOOLS: dict[str, str] = {
    "build-essential": "c", "gcc": "c", "g++": "c", "make": "c", "cmake": "c", "clang": "c",
    "llvm": "c", "gfortran": "c", "ninja-build": "c", "meson": "c", "nasm": "c", "yasm": "c",
    "bison": "c", "flex": "c", "swig": "c", "dpkg-dev": "c", "debhelper": "c",
    "devscripts": "c", "golang": "go", "golang-go": "go", "rustc": "rust", "cargo": "rust",
    "maven": "jvm-build", "gradle": "jvm-build", "ant": "jvm-build", "default-jdk": "java",
    "default-jdk-headless": "java", "autoconf": "autotools", "automake": "autotools",
    "libtool": "autotools", "libtool-bin": "autotools",
}  # fmt: skip
_APT_PATTERNS = (
    (r"(?:gcc|g\+\+|cpp|clang|llvm|gfortran)-\d+(?:\.\d+)?", "c"),
    (r"golang-\d+(?:\.\d+)*(?:-go)?", "go"),
    (r"openjdk-\d+-jdk(?:-headless)?", "java"),
    (r".+-dev", "headers"),
)
_APK_TOOLS: dict[str, str] = {
    "build-base": "c", "alpine-sdk": "c", "gcc": "c", "g++": "c", "make": "c", "cmake": "c",
    "clang": "c", "llvm": "c", "gfortran": "c", "samurai": "c", "ninja": "c", "meson": "c",
    "nasm": "c", "yasm": "c", "bison": "c", "flex": "c", "musl-dev": "headers",
    "libc-dev": "headers", "linux-headers": "headers", "go": "go", "rust": "rust",
    "cargo": "rust", "maven": "jvm-build", "gradle": "jvm-build", "autoconf": "autotools",
    "automake": "autotools", "libtool": "autotools",
}  # fmt: skip
_APK_PATTERNS = (
    (r"(?:clang|llvm)\d+", "c"),
    (r"openjdk\d+(?:-jdk)?", "java"),
    (r".+-dev", "headers"),
)
_RPM_TOOLS: dict[str, str] = {
    "gcc": "c", "gcc-c++": "c", "make": "c", "cmake": "c", "clang": "c", "llvm": "c",
    "gcc-gfortran": "c", "golang": "go", "rust": "rust", "cargo": "rust",
    "maven": "jvm-build", "gradle": "jvm-build", "autoconf": "autotools",
    "automake": "autotools", "libtool": "autotools", "Development Tools": "c",
    "@development-tools": "c", "@Development Tools": "c",
}  # fmt: skip
_RPM_PATTERNS = (
    (r"java-[\d.]+-openjdk-devel", "java"),
    (r".+-devel", "headers"),
)
_NODE_TOOLS: dict[str, str] = {
    "typescript": "node", "node-gyp": "node", "webpack": "node", "webpack-cli": "node",
    "@angular/cli": "node", "@vue/cli": "node", "@nestjs/cli": "node", "parcel": "node",
    "rollup": "node", "gulp": "node", "gulp-cli": "node", "grunt-cli": "node",
}  # fmt: skip
BUILD_TOOLS: dict[str, tuple[dict[str, str], tuple[tuple[str, str], ...]]] = {
    "apt": (_APT_TOOLS, _APT_PATTERNS),
    "apk": (_APK_TOOLS, _APK_PATTERNS),
    "rpm": (_RPM_TOOLS, _RPM_PATTERNS),
    "node": (_NODE_TOOLS, ()),
}
"""Compilers, toolchains and development packages, by packaging system: exact names and
name patterns (regular expressions matched in full), each with its kind of tool."""


DEBIAN_EQUIVALENTS: dict[str, str] = {
    "build-base": "build-essential", "alpine-sdk": "build-essential", "go": "golang",
    "rust": "rustc", "gcc-c++": "g++", "gcc-gfortran": "gfortran", "musl-dev": "libc6-dev",
    "libc-dev": "libc6-dev", "linux-headers": "linux-libc-dev", "samurai": "ninja-build",
    "ninja": "ninja-build", "Development Tools": "build-essential",
    "@development-tools": "build-essential", "@Development Tools": "build-essential",
    "glibc-devel": "libc6-dev", "openssl-dev": "libssl-dev", "openssl-devel": "libssl-dev",
    "zlib-dev": "zlib1g-dev", "zlib-devel": "zlib1g-dev", "python3-devel": "python3-dev",
    "unixODBC-devel": "unixodbc-dev", "unixodbc-devel": "unixodbc-dev",
    "unixodbc-dev": "unixodbc-dev",
}  # fmt: skip
"""The Debian package measured in ``BUILD_TOOLS_MB`` that stands for another system's."""


def build_tool_kind(system: str, name: str) -> str | None:
    """The kind of build tool ``name`` is for ``system`` (``apt``, ``apk``, ``rpm``, ``node``)."""
    tools, patterns = BUILD_TOOLS.get(system, ({}, ()))
    kind = tools.get(name)
    if kind is not None:
        return kind
    for pattern, found in patterns:
        if re.fullmatch(pattern, name):  # ``re`` caches the compiled pattern
            return found
    return None


SMALL_BUILD_TOOLS_MB = 5.0
"""Build tools that weigh less than this together (a few headers without a compiler, such
as ``libxcb1-dev`` 3.4 MB or ``unixodbc-dev`` 2.9 MB, or ``make`` 1.6 MB) are worth a note,
not a warning: their bytes are a rounding error next to a runtime."""


def build_tools_total(system: str, names: Iterable[str]) -> float | None:
    """At most how many MB the build tools ``names`` add together (the sum of each one
    measured with its dependencies on Debian 12), when every one of them was measured;
    None otherwise."""
    total = 0.0
    for name in names:
        debian = name if system == "apt" else DEBIAN_EQUIVALENTS.get(name, name)
        if system == "node" or debian not in BUILD_TOOLS_MB:
            return None
        total += BUILD_TOOLS_MB[debian]
    return total


def build_tools(system: str, names: Iterable[str]) -> SizeEstimate | None:
    """At least how much the build tools ``names`` weigh: their largest member.

    apt packages use the Debian 12 measurements; other systems the typical size of
    the largest kind of tool among them.
    """
    best: tuple[float, str] | None = None
    for name in names:
        if system == "apt" and name in BUILD_TOOLS_MB:
            value, label = BUILD_TOOLS_MB[name], f"{name} with its dependencies on Debian 12"
        elif system != "node" and DEBIAN_EQUIVALENTS.get(name, name) in BUILD_TOOLS_MB:
            debian = DEBIAN_EQUIVALENTS.get(name, name)
            value = BUILD_TOOLS_MB[debian]
            label = f"typical: Debian 12's {debian} with its dependencies"
        else:
            kind = build_tool_kind(system, name)
            if kind is None or kind == "headers":
                continue  # an unmeasured -dev package may weigh 0.1 MB or 300: no guess
            description, value = BUILD_TOOL_KINDS_MB[kind]
            label = f"typical for {description}"
        if best is None or value > best[0]:
            best = (value, label)
    if best is None:
        return None
    value, label = best
    basis = TYPICAL if label.startswith("typical") else MEASURED
    return SizeEstimate(_mb(value), basis=basis, source=label)


# ------------------------------------------------------------ the build context


def build_context(context: RuleContext) -> BuildContext | None:
    """The build context of the linted file (shared by all rules); None when unknown."""
    return context.build_context


def copied_bytes(context: RuleContext, step: Step) -> SizeEstimate | None:
    """Exactly how many bytes a COPY/ADD of the build context writes, when that is known.

    Known only with a build context, for a COPY (or an ADD of plain files) whose sources
    are context paths with every variable known: not ``--from``, URLs, heredocs, or an
    ADD of a local archive (which unpacks). None when a source selects nothing or the
    ``.dockerignore`` cannot be read.
    """
    from lintlayers.model.steps import copy_sources

    instruction = step.instruction
    if step.onbuild or instruction.keyword not in ("COPY", "ADD") or instruction.heredocs:
        return None
    if instruction.has_flag("from"):
        return None
    sources = copy_sources(step)
    if not sources or any("$" in source or "://" in source for source in sources):
        return None
    if instruction.keyword == "ADD" and any(_is_archive(source) for source in sources):
        return None
    found = build_context(context)
    if found is None:
        return None
    total = 0
    try:
        for source in sources:
            selected = found.select(source)
            if not selected:
                return None
            total += found.total_size(selected)
    except (OSError, ValueError):  # a pattern Docker rejects is a ValueError (PatternError)
        return None
    return SizeEstimate(total, basis=EXACT, source="in the build context")


_MAYBE_ARCHIVE_SUFFIXES = (
    ".tar", ".gz", ".tgz", ".bz2", ".tbz2", ".xz", ".txz", ".zst", ".tzst", ".lz4"
)  # fmt: skip
"""Wider than ``ADD_ARCHIVE_SUFFIXES`` on purpose: no estimate for any name ADD may unpack."""


def _is_archive(source: str) -> bool:
    return source.lower().endswith(_MAYBE_ARCHIVE_SUFFIXES)
