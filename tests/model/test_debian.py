"""lintlayers.model.debian: what the recommends of an apt install add, from Debian 12's
archive, Debian 11's or Debian 13's."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pytest

from lintlayers.model.debian import (
    DATA,
    DEFAULT_RELEASE,
    IMAGE_RELEASES,
    NEEDED_RECOMMENDS,
    NEWER_THAN_RELEASE,
    RELEASES,
    Packages,
    Vendors,
    biggest_added,
    data_file,
    graph_release,
    image_packages,
    install,
    missing_in,
    packages,
    present,
    recommends,
    requested_name,
    vendor_package,
)

# A small graph in the data file's format: tool depends on libtool1 (base: libc6) and
# recommends docs and extra, which depends on big and recommends more.
GRAPH = "\n".join(
    [
        "# comment",
        "B\tlibc6",
        "V\ttool-virtual\ttool",
        "P\ttool\t100\tlibtool1\tdocs,extra|other",
        "P\tlibtool1\t10\t\t",
        "P\tdocs\t1000\t\t",
        "P\textra\t10\tbig\tmore",
        "P\tbig\t5000\t\t",
        "P\tmore\t1\t\t",
        "P\tother\t1\t\t",
        "P\tphp8.2-dev\t1\t\t",
        "P\tlibaio1\t1\t\t",
    ]
)


def test_closure_follows_recommends_of_what_it_adds() -> None:
    graph = Packages(GRAPH)
    plain = graph.closure(["tool"], frozenset(), recommends=False)
    assert plain == {"tool", "libtool1"}
    full = graph.closure(["tool"], frozenset(), recommends=True)
    assert full == {"tool", "libtool1", "docs", "extra", "big", "more"}
    assert graph.size(full - plain) == (1000 + 10 + 5000 + 1) * 1024


def test_a_present_alternative_satisfies_the_group() -> None:
    graph = Packages(GRAPH)
    full = graph.closure(["tool"], frozenset({"other"}), recommends=True)
    assert full == {"tool", "libtool1", "docs"}


@pytest.mark.parametrize(
    ("name", "found"),
    [
        ("tool", "tool"),
        ("tool-virtual", "tool"),  # a virtual name: its provider
        ("libc6", "libc6"),  # in the base
        ("php8.3-dev", "php8.2-dev"),  # the family's Debian 12 member
        ("libaio1t64", "libaio1"),  # the 64-bit time_t name of Debian 13 and Ubuntu 24.04
        ("msodbcsql17", None),  # not in Debian: another repository's
    ],
)
def test_find(name: str, found: str | None) -> None:
    assert Packages(GRAPH).find(name) == found


@pytest.mark.parametrize(
    ("token", "name"),
    [
        ("gcc", "gcc"),
        ("gcc=4:12.2.0-3", "gcc"),
        ("libc6-dev:amd64", "libc6-dev"),
        ("curl/bookworm-backports", "curl"),
        ("/tmp/chromium/chromium-common.deb", "chromium-common"),
        ("./google-chrome-stable_current_amd64.deb", "google-chrome-stable"),
        ("$PACKAGES", None),
        ("${PHP}-dev", None),
        ("android-tools*", None),
        ("-y", None),
    ],
)
def test_requested_name(token: str, name: str | None) -> None:
    assert requested_name(token) == name


def test_measured_sizes_on_debian_12() -> None:
    """The figures the rule's documentation quotes, from the data file."""
    assert round(recommends(["git"]).size / 1e6, 1) == 12.2
    # gcc's recommend libc6-dev is needed (it compiles nothing without it): libc6-dev's
    # own recommends (libc-devtools and its image libraries) are what is saved
    assert round(recommends(["gcc"]).size / 1e6) == 58
    assert "libc6-dev" not in recommends(["gcc"]).added
    assert "libc-devtools" in recommends(["gcc"]).added
    assert "xauth" not in recommends(["xvfb"]).added  # xvfb-run needs it
    assert recommends(["curl"]).size < 1_100_000  # ca-certificates counted as needed
    assert recommends(["unzip", "jq", "locales"]).size == 0


def test_a_missing_package_is_skipped_for_the_next_alternative() -> None:
    graph = Packages(GRAPH)
    full = graph.closure(["tool"], frozenset(), recommends=True, missing={"extra"})
    assert full == {"tool", "libtool1", "docs", "other"}  # extra|other: other


@pytest.mark.parametrize(
    ("image", "missing"),
    [
        ("ubuntu:18.04", {"libc-devtools"}),
        ("mcr.microsoft.com/devcontainers/base:ubuntu-18.04", {"libc-devtools"}),
        ("python:3.9-slim-buster", {"libc-devtools"}),
        ("buildpack-deps:focal-curl", {"libc-devtools"}),
        # Debian 11 has libc-devtools, and is measured on its own graph
        ("debian:bullseye-20220328", set()),
        ("debian:bookworm", set()),
        ("ubuntu:22.04", set()),
        ("python:3.12", set()),
        ("ubuntu", set()),
        ("registry.example:5000/focal", set()),  # a port, no tag
    ],
)
def test_missing_in_an_older_release(image: str, missing: set[str]) -> None:
    assert missing_in(image) == missing


def test_gcc_recommends_on_an_older_release() -> None:
    """libc-dev-bin recommends libc-devtools (libgd3 and its image codecs) since glibc
    2.33: Debian 12's chain, not buster's or Ubuntu 18.04's."""
    bookworm = recommends(["gcc"])
    older = recommends(["gcc"], missing=missing_in("debian:buster"))
    assert "libc-devtools" in bookworm.added and "libc-devtools" not in older.added
    assert bookworm.size - older.size > 40_000_000


@pytest.mark.parametrize(
    ("image", "release"),
    [
        ("debian:11", "bullseye"),
        ("debian:11-slim", "bullseye"),
        ("debian:11.6", "bullseye"),
        ("docker.io/library/debian:bullseye-slim", "bullseye"),
        ("debian:bullseye-20220328", "bullseye"),
        ("python:3.9-slim-bullseye", "bullseye"),
        ("node:18-bullseye", "bullseye"),
        ("buildpack-deps:bullseye", "bullseye"),
        ("mcr.microsoft.com/devcontainers/base:bullseye", "bullseye"),
        ("mcr.microsoft.com/powershell:lts-debian-11", "bullseye"),
        # the default tags of .NET 6.0 and 7.0 (IMAGE_RELEASES)
        ("mcr.microsoft.com/dotnet/sdk:6.0", "bullseye"),
        ("mcr.microsoft.com/dotnet/aspnet:6.0.36", "bullseye"),
        ("mcr.microsoft.com/dotnet/runtime:7.0", "bullseye"),
        ("mcr.microsoft.com/dotnet/runtime-deps:7.0-amd64", "bullseye"),
        ("mcr.microsoft.com/dotnet/core/aspnet:6.0", "bullseye"),  # the old name
        ("mcr.microsoft.com/dotnet/sdk:6.0@sha256:0123abcd", "bullseye"),
        ("mcr.microsoft.com/dotnet/aspnet:6.0-bullseye-slim", "bullseye"),
        # everything else: Debian 12's graph (with missing_in for an older release)
        ("mcr.microsoft.com/dotnet/sdk:8.0", "bookworm"),
        ("mcr.microsoft.com/dotnet/sdk:5.0", "bookworm"),  # buster
        ("mcr.microsoft.com/dotnet/core/sdk:3.1", "bookworm"),  # buster
        ("mcr.microsoft.com/dotnet/sdk:6.0-jammy", "bookworm"),  # Ubuntu 22.04
        ("mcr.microsoft.com/dotnet/sdk:6.0-alpine", "bookworm"),
        ("mcr.microsoft.com/dotnet/sdk:6.0-bookworm-slim-amd64", "bookworm"),
        ("mcr.microsoft.com/dotnet/sdk", "bookworm"),  # latest
        ("mcr.microsoft.com/dotnet/sdk:${DOTNET_VERSION}", "bookworm"),
        ("mcr.microsoft.com/dotnet/framework/sdk:4.8.1", "bookworm"),
        ("debian:bookworm", "bookworm"),
        ("debian:12-slim", "bookworm"),
        ("debian:buster", "bookworm"),
        ("ubuntu:20.04", "bookworm"),
        ("python:3.11", "bookworm"),  # Python's 11
        ("eclipse-temurin:11-jre-jammy", "bookworm"),
        ("node:18", "bookworm"),
        ("registry.example:5000/bullseye", "bookworm"),  # a port, no tag
        # a tag naming Debian 13 by code name or number
        ("debian:trixie-slim", "trixie"),
        ("debian:trixie", "trixie"),
        ("debian:trixie-20260713@sha256:fac46bff", "trixie"),
        ("debian:13", "trixie"),
        ("debian:13-slim", "trixie"),
        ("debian:13.2", "trixie"),
        ("python:3.14-slim-trixie", "trixie"),
        ("postgres:18-trixie", "trixie"),
        ("php:8.4-fpm-trixie", "trixie"),
        ("node:24-trixie-slim", "trixie"),
        ("buildpack-deps:trixie-scm", "trixie"),
        ("mcr.microsoft.com/devcontainers/base:2-trixie", "trixie"),
        ("mcr.microsoft.com/devcontainers/base:debian13", "trixie"),
        ("mcr.microsoft.com/powershell:lts-debian-13", "trixie"),
        # a tag naming no release: its release depends on when it was built, not guessed
        ("python:3.14", "bookworm"),
        ("python:3.14-slim", "bookworm"),
        ("debian:latest", "bookworm"),
        ("debian:stable-slim", "bookworm"),
        ("node:13-slim", "bookworm"),  # Node 13, not Debian 13
        ("golang:1.13", "bookworm"),
        ("ubuntu:13.04", "bookworm"),
        ("registry.example:5000/trixie", "bookworm"),  # a port, no tag
    ],
)
def test_graph_release(image: str, release: str) -> None:
    assert graph_release(image) == release


def test_image_releases_name_a_measured_or_an_older_release() -> None:
    """Each default tag's release is measured (Debian 11 or 13) or one whose missing
    packages are known (buster, stretch: ``missing_in``), never the default itself."""
    older = {word for _, releases in NEWER_THAN_RELEASE for word in releases}
    for versions in IMAGE_RELEASES.values():
        assert set(versions.values()) <= (RELEASES.keys() | older) - {DEFAULT_RELEASE}


@pytest.mark.parametrize(
    ("image", "release", "missing"),
    [
        ("mcr.microsoft.com/dotnet/sdk:6.0", "bullseye", False),
        ("mcr.microsoft.com/dotnet/core/runtime-deps:3.1", "bookworm", True),  # buster's
        ("mcr.microsoft.com/dotnet/aspnet:5.0", "bookworm", True),
        ("mcr.microsoft.com/dotnet/sdk:8.0", "bookworm", False),
    ],
)
def test_a_default_tag_of_an_older_release(image: str, release: str, missing: bool) -> None:
    """azure-functions-docker's host 3.0 images are built on ``runtime-deps:3.1``, whose
    default tag is Debian 10's: no libc-devtools, whose chain Debian 12's graph holds."""
    assert graph_release(image) == release
    assert ("libc-devtools" in missing_in(image)) is missing


def test_libc6_dev_recommends_on_debian_11() -> None:
    """On Debian 11 libc6-dev recommends nothing itself, but its libc-dev-bin recommends
    libc-devtools as Debian 12's does: Debian 12's graph without it (the approximation of
    an older release) undercounts, and Debian 12's with it (libgd3 with libheif and its AV1
    and HEVC codecs) overcounts."""
    graph = Packages(Path(data_file("bullseye")).read_text(encoding="utf-8"))
    assert graph.relations("libc6-dev")[1] == []
    assert ["libc-devtools"] in graph.relations("libc-dev-bin")[1]
    assert ["libgd3"] in graph.relations("libc-devtools")[0]
    base = present((), release="bullseye")
    without = graph.closure(["libc6-dev"], base, recommends=False)
    expected = graph.closure(["libc6-dev"], base, recommends=True) - without
    found = recommends(["libc6-dev"], release="bullseye")
    assert found.added == expected and found.size == graph.size(expected)
    assert "libc-devtools" in found.added and "libheif1" not in found.added
    assert found.source == "measured on Debian 11"
    assert set(biggest_added(found, 3)) <= expected
    bookworm = recommends(["libc6-dev"])
    approximated = recommends(["libc6-dev"], missing=missing_in("debian:buster"))
    assert bookworm.source == "measured on Debian 12"
    assert approximated.size < found.size < bookworm.size


@pytest.mark.parametrize(("release", "gcc"), [("bullseye", "gcc-10"), ("trixie", "gcc-14")])
def test_present_and_install_use_the_release_graph(release: str, gcc: str) -> None:
    """What is present is counted on the release's graph: Debian 11's gcc is gcc-10,
    Debian 13's gcc-14."""
    known = set(present((), release=release))
    assert install(known, ["gcc"], recommends=True, release=release)
    assert gcc in known and "gcc-12" not in known
    assert known == present([], ["gcc"], release=release)
    # gcc's recommend libc6-dev came with its own recommends
    assert recommends(["libc6-dev"], known, release=release).size == 0


def test_each_release_graph_is_read_only_for_its_bases(monkeypatch: pytest.MonkeyPatch) -> None:
    """LL302 reads Debian 12's graph for most bases, and Debian 11's or 13's only on the
    first base of that release (each once)."""
    from rule_harness import lint

    from lintlayers.model import debian

    asked: list[str] = []
    read = debian._read

    def spy(release: str) -> Packages:
        asked.append(release)
        return read(release)

    monkeypatch.setattr(debian, "_read", spy)
    assert lint("FROM debian:bookworm\nRUN apt-get install -y git\n", "LL302")
    assert lint("FROM ubuntu:20.04\nRUN apt-get install -y python3-pip\n", "LL302")
    assert lint("FROM python:3.14\nRUN apt-get install -y xvfb\n", "LL302")
    assert set(asked) == {"bookworm"}
    assert lint("FROM debian:11\nRUN apt-get install -y git\n", "LL302")
    assert set(asked) == {"bookworm", "bullseye"}
    assert lint("FROM debian:trixie-slim\nRUN apt-get install -y git\n", "LL302")
    assert set(asked) == {"bookworm", "bullseye", "trixie"}


def test_libc6_dev_recommends_on_debian_13() -> None:
    """Debian 13's libc-dev-bin recommends only the man pages, no longer libc-devtools
    (with libgd3 and its image codecs): libc6-dev's recommends are a few MB, not Debian
    12's ~58 MB, and Debian 13 is not an older release that ``missing_in`` approximates."""
    graph = Packages(Path(data_file("trixie")).read_text(encoding="utf-8"))
    assert graph.relations("libc-dev-bin")[1] == [["manpages"], ["manpages-dev"]]
    assert ["libc-devtools"] in packages().relations("libc-dev-bin")[1]
    base = present((), release="trixie")
    without = graph.closure(["libc6-dev"], base, recommends=False)
    expected = graph.closure(["libc6-dev"], base, recommends=True) - without
    found = recommends(["libc6-dev"], release="trixie")
    assert found.added == expected and found.size == graph.size(expected)
    assert found.added == {"manpages", "manpages-dev"}
    assert found.source == "measured on Debian 13"
    bookworm = recommends(["libc6-dev"])
    assert "libc-devtools" in bookworm.added
    assert found.size < bookworm.size - 40_000_000
    assert missing_in("debian:trixie-slim") == frozenset()


def test_debian_13_names() -> None:
    """Debian 13's ``t64`` libraries provide their old names; a library of another
    version is measured as the release's member of its family; a package Debian 13
    dropped is unknown, not measured as Debian 12's."""
    graph = packages("trixie")
    assert graph.find("libssl3") == "libssl3t64"
    assert graph.find("libasound2") == "libasound2t64"
    assert graph.find("libicu72") == "libicu76"
    assert graph.find("software-properties-common") is None
    found = recommends(["software-properties-common"], release="trixie")
    assert found.unknown == ["software-properties-common"] and found.size == 0
    # the dev container images' libraries (IMAGE_PACKAGES) are there on Debian 13 too
    held = present(image_packages("mcr.microsoft.com/devcontainers/base:trixie"), release="trixie")
    assert {"libicu76", "liblttng-ust1t64", "git", "sudo"} <= held


def test_what_is_requested_or_present_is_no_saving() -> None:
    alone = recommends(["dirmngr"])
    assert "gnupg" in alone.added and alone.size > 15_000_000
    assert "gnupg" not in recommends(["dirmngr", "gnupg"]).added
    assert recommends(["dirmngr"], present(["gnupg"])).size < 1_000_000
    # installed earlier with its recommends: git's openssh-client is there
    assert recommends(["openssh-client"], present([], ["git"])).size == 0


def test_largest_and_unknown() -> None:
    found = recommends(["curl", "gcc", "msodbcsql17"])
    assert found.largest is not None and found.largest[0] == "gcc"
    assert found.unknown == ["msodbcsql17"]
    assert recommends(["gcc"]).largest is None  # one package: its size is the total


def test_needed_recommends_are_not_counted() -> None:
    assert NEEDED_RECOMMENDS["systemd"] == ("dbus",)
    assert not {"dbus", "libdbus-1-3"} & recommends(["systemd"]).added


@pytest.mark.parametrize(
    ("name", "text", "vendor"),
    [
        ("azure-cli", "echo deb https://packages.microsoft.com/repos/azure-cli/ x main", True),
        ("azure-cli", "echo deb http://deb.debian.org/debian bookworm main", False),
        ("nodejs", "curl -fsSL https://deb.nodesource.com/setup_20.x | bash -", True),
        ("yarn", "echo 'deb https://dl.yarnpkg.com/debian/ stable main'", True),
        ("git", "echo deb https://packages.microsoft.com/repos/azure-cli/ x main", False),
    ],
)
def test_vendor_package(name: str, text: str, vendor: bool) -> None:
    assert vendor_package(name, text) is vendor


def test_vendors_read_piece_by_piece() -> None:
    """A stage's RUN texts are read one by one; a host split between two still counts."""
    vendors = Vendors()
    vendors.read("echo deb https://packages.micro")
    assert not vendors.supplies("azure-cli")
    vendors.read("soft.com/repos/azure-cli/ x main")
    derived = Vendors(vendors)
    derived.read("x" * 100)
    assert vendors.supplies("azure-cli") and derived.supplies("azure-cli")
    assert not derived.supplies("git")


def test_install_adds_to_what_is_present() -> None:
    known = set(present([]))
    assert install(known, ["git"], recommends=True)
    assert known == present([], ["git"])
    assert not install(known, ["openssh-client"], recommends=False)  # git's recommend


@pytest.mark.parametrize(
    ("image", "holds", "lacks"),
    [
        ("python:3.12", {"gcc", "libpq-dev", "git", "curl"}, set()),
        ("docker.io/library/node:20-bookworm", {"g++", "libssl-dev"}, set()),
        ("golang:1.22", {"gcc", "git", "pkg-config"}, {"libpq-dev"}),
        ("buildpack-deps:bookworm-scm", {"git", "curl"}, {"gcc"}),
        ("buildpack-deps:bookworm-curl", {"curl", "wget"}, {"git"}),
        ("mcr.microsoft.com/dotnet/core/sdk:3.1", {"git", "curl"}, {"jq"}),
        ("mcr.microsoft.com/vscode/devcontainers/base:bullseye", {"jq", "sudo"}, {"gcc"}),
        # built FROM python:${VARIANT}, the full image (devcontainers/images src/python)
        ("mcr.microsoft.com/vscode/devcontainers/python:3.11", {"jq", "sudo", "gcc"}, set()),
        ("mcr.microsoft.com/devcontainers/typescript-node:20", {"g++", "zsh"}, set()),
        ("elixir:1.12.3", {"gcc", "make", "libc6-dev"}, set()),  # on erlang, on buildpack-deps
        ("python:3.12-slim", set(), {"gcc", "curl"}),
        ("python:${VARIANT}", set(), {"gcc"}),  # the tag is not known
        ("debian:bookworm", set(), {"curl"}),
    ],
)
def test_image_packages(image: str, holds: set[str], lacks: set[str]) -> None:
    found = image_packages(image)
    assert holds <= found and not lacks & found


@pytest.mark.parametrize("release", sorted(RELEASES))
def test_data_file_is_closed_and_says_how_it_was_measured(release: str) -> None:
    """Every package a relation takes (its first alternative) has its line, so a closure
    never stops at a package it cannot size; the header names the script and the release."""
    path = Path(data_file(release))
    assert path == DATA or release != DEFAULT_RELEASE
    header = path.read_text(encoding="utf-8").split("\n", 3)[:3]
    assert header[0].startswith(f"# Debian {RELEASES[release]} ({release}) packages")
    assert "scripts/measure_apt_sizes.py" in header[0]
    assert "Packages indexes" in header[1] and f"{release}-security" in header[1]
    graph = packages(release)
    for name in graph.kib:
        for groups in graph.relations(name):
            for group in groups:
                assert group[0] in graph.kib, (name, group)
    assert "libc6" in graph.base and "coreutils" in graph.base


def test_the_debian_13_data_file() -> None:
    """Debian 13 (trixie) has its own data file, measured from trixie's indexes for the
    same corpus names as the others (the ``names`` step)."""
    assert RELEASES["trixie"] == 13
    path = Path(data_file("trixie"))
    assert path.name == "debian13_packages.tsv"
    header = path.read_text(encoding="utf-8").split("\n", 4)[:4]
    assert header[0].startswith("# Debian 13 (trixie) packages for LL302")
    assert "trixie, trixie-updates and trixie-security" in header[1]
    counts = set()
    for release in RELEASES:
        text = Path(data_file(release)).read_text(encoding="utf-8")[:600]
        found = re.search(r"the packages that (\d+) package names", text.replace("\n# ", " "))
        assert found is not None, release
        counts.add(found.group(1))
    assert counts == {"915"}


def _script():  # type: ignore[no-untyped-def]
    path = Path(__file__).resolve().parents[2] / "scripts" / "measure_apt_sizes.py"
    spec = importlib.util.spec_from_file_location("measure_apt_sizes", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("measure_apt_sizes", module)
    spec.loader.exec_module(module)
    return module


INDEX = """\
Package: base-files
Priority: required
Installed-Size: 10

Package: tool
Installed-Size: 100
Depends: libtool1 (>= 1), base-files
Recommends: docs | docs-virtual, mta

Package: libtool1
Installed-Size: 10

Package: docs
Installed-Size: 1000

Package: postfix
Installed-Size: 5
Provides: mta
"""


def test_script_writes_the_graph(tmp_path: Path) -> None:
    script = _script()
    archive = script.Archive(script.parse_index(INDEX))
    assert script.relations("a (>= 1) | b, c:any") == [["a", "b"], ["c"]]
    assert archive.real("mta") == "postfix"
    out = tmp_path / "graph.tsv"
    script.graph(archive, ["tool"], "test date", out)
    graph = Packages(out.read_text(encoding="utf-8"))
    assert graph.base == {"base-files"}
    assert graph.relations("tool") == ([["libtool1"]], [["docs"], ["postfix"]])
    assert graph.size(graph.closure(["tool"], frozenset(), recommends=True)) == 1115 * 1024


def test_script_reads_and_writes_a_release(tmp_path: Path) -> None:
    """One code path for both releases: ``--release bullseye`` reads bullseye's indexes,
    bullseye-updates' and bullseye-security's (later ones win), and writes Debian 11's
    header; the default data file of each release is where lintlayers reads it."""
    import lzma

    script = _script()
    cache = tmp_path / "cache"
    cache.mkdir()
    newer = INDEX.replace("Package: docs\nInstalled-Size: 1000", "Package: docs\nInstalled-Size: 7")
    suites = {
        "debian_dists_bullseye_main_binary-amd64_Packages.xz": INDEX,
        "debian_dists_bullseye-updates_main_binary-amd64_Packages.xz": "",
        "debian-security_dists_bullseye-security_main_binary-amd64_Packages.xz": newer,
    }
    for name, text in suites.items():
        (cache / name).write_bytes(lzma.compress(text.encode()))
    (cache / "debian_dists_bullseye_InRelease").write_text("Origin: Debian\nDate: D11\n")
    found, date = script.load([], cache, "bullseye")
    assert date == "D11" and found["docs"]["Installed-Size"] == "7"
    out = tmp_path / "graph.tsv"
    script.graph(script.Archive(found), ["tool"], date, out, "bullseye")
    header = out.read_text(encoding="utf-8").splitlines()[:3]
    assert header[0].startswith("# Debian 11 (bullseye) packages for LL302")
    assert "bullseye, bullseye-updates and bullseye-security" in header[1]
    assert "of D11" in header[2]
    assert script.data_file("bullseye") == Path(data_file("bullseye"))
    assert script.data_file("bookworm") == DATA
