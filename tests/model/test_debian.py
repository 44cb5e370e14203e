"""lintlayers.model.debian: what the recommends of an apt install add, from Debian 12."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from lintlayers.model.debian import (
    DATA,
    NEEDED_RECOMMENDS,
    Packages,
    Vendors,
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
    assert round(recommends(["gcc"]).size / 1e6) == 82
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
        ("debian:bullseye-20220328", {"libc-devtools"}),
        ("buildpack-deps:focal-curl", {"libc-devtools"}),
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
        ("mcr.microsoft.com/vscode/devcontainers/python:3.11", {"jq", "sudo"}, {"gcc"}),
        ("python:3.12-slim", set(), {"gcc", "curl"}),
        ("python:${VARIANT}", set(), {"gcc"}),  # the tag is not known
        ("debian:bookworm", set(), {"curl"}),
    ],
)
def test_image_packages(image: str, holds: set[str], lacks: set[str]) -> None:
    found = image_packages(image)
    assert holds <= found and not lacks & found


def test_data_file_is_closed_and_says_how_it_was_measured() -> None:
    """Every package a relation takes (its first alternative) has its line, so a closure
    never stops at a package it cannot size; the header names the script."""
    header = DATA.read_text(encoding="utf-8").split("\n", 3)[:3]
    assert "scripts/measure_apt_sizes.py" in header[0]
    assert "Packages indexes" in header[1]
    graph = packages()
    for name in graph.kib:
        for groups in graph.relations(name):
            for group in groups:
                assert group[0] in graph.kib, (name, group)
    assert "libc6" in graph.base and "coreutils" in graph.base


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
