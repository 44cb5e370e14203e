"""LL302 apt-install-recommends."""

from __future__ import annotations

import pytest
from rule_harness import fix, lint, onbuild, positions, said

CODE = "LL302"
FLAG = "--no-install-recommends"
KEEP = f"{FLAG} ca-certificates"  # git recommends it; `debian` lacks it, HTTPS needs it


def span(line: int, text: str, word: str) -> tuple[int, int, int, int]:
    column = text.index(word) + 1
    return (line, column, line, column + len(word))


@pytest.mark.parametrize(
    ("line", "command"),
    [
        ("RUN apt-get install -y git", "apt-get install"),
        ("RUN apt-get update && apt-get install -y git", "apt-get install"),
        ("RUN apt install -y git", "apt install"),
        ("RUN apt-get -y install git", "apt-get -y install"),
        ("RUN apt-get -o Dpkg::Options::=--force-confold install -y git",
         "apt-get -o Dpkg::Options::=--force-confold install"),
        ("RUN DEBIAN_FRONTEND=noninteractive apt-get install -y git", "apt-get install"),
        ("RUN sudo apt-get install -y git", "apt-get install"),
        ("RUN apt-get install -y -o APT::Install-Recommends=true git", "apt-get install"),
        ("RUN apt-get install -y --no-install-suggests git", "apt-get install"),
        ("RUN --mount=type=cache,target=/var/cache/apt apt-get install -y git",
         "apt-get install"),
        ('RUN bash -c "apt-get install -y git"', "apt-get install"),
    ],
)  # fmt: skip
def test_reports(line: str, command: str) -> None:
    findings = lint(f"FROM debian\n{line}\n", CODE)
    assert positions(findings) == [span(2, line, command)]
    assert FLAG in said(findings[0])


@pytest.mark.parametrize(
    ("packages", "waste"),
    [
        (
            "curl git",
            "adds ~12 MB of recommended packages\n~12 MB measured on Debian 12: 19 packages, "
            "the largest openssh-client, libx11-data, libx11-6;",
        ),
        ("python3-pip=23.0+dfsg-1 curl", "adds ~378 MB of recommended packages"),
        ("python3-pip=23.0+dfsg-1 curl", "; ~377 MB for python3-pip alone;"),
        ("gcc:amd64", "adds ~58 MB of recommended packages"),
        ("nodejs", "~16 MB measured on Debian 12: nodejs-doc;"),
        # what is not known is said, not guessed
        ("git some-vendor-tool $EXTRA", "not counted: $EXTRA, some-vendor-tool"),
    ],
)
def test_message_names_the_measured_size(packages: str, waste: str) -> None:
    [finding] = lint(f"FROM debian\nRUN apt-get install -y {packages}\n", CODE)
    assert waste in said(finding)
    assert finding.severity == "warning"
    assert len(finding.message) <= 100


@pytest.mark.parametrize(
    "packages",
    [
        "unzip jq",  # recommend nothing
        "curl",  # ca-certificates, which HTTPS needs, and ~1 MB
        "wget gnupg locales",
        "curl less",  # 1.0 + 0 MB: under 2 MB together
        "libgomp1 binutils",
    ],
)
def test_passes_when_the_measured_recommends_are_small(packages: str) -> None:
    assert lint(f"FROM debian\nRUN apt-get install -y {packages}\n", CODE) == []


@pytest.mark.parametrize(
    "text",
    [
        # a simulation installs nothing
        "FROM debian\nRUN if apt-get install -s git >/dev/null 2>&1; then :; fi\n",
        # purged with its recommends at the end of the same RUN
        "FROM debian\nRUN apt-get install -y git && git clone x \\\n"
        " && apt-get purge -y --autoremove git\n",
        "FROM debian\nRUN apt-get install -y git && git clone x \\\n"
        " && apt-get remove -y git && apt-get autoremove -y\n",
        # gpg --recv-keys needs gnupg's recommend dirmngr
        "FROM debian\nRUN apt-get install -y gpg git && apt-get purge -y --autoremove git\n"
        "RUN gpg --batch --keyserver keys.openpgp.org --recv-keys ABCD\n",
        # NodeSource's nodejs recommends nothing
        "FROM debian\nRUN curl -sL https://deb.nodesource.com/setup_20.x | bash -\n"
        "RUN apt-get install -y nodejs\n",
        # the author says why
        "FROM debian\nRUN apt-get update; \\\n# we DO want recommends this time\n"
        "    apt-get install -y git\n",
        "FROM debian\n# recommended packages are needed for the GUI\nRUN apt-get install -y git\n",
    ],
)
def test_passes_when_the_recommends_go_or_are_wanted(text: str) -> None:
    assert lint(text, CODE) == []


def test_every_install_is_reported() -> None:
    text = "FROM debian\nRUN apt-get install -y git \\\n && apt-get install -y gcc\n"
    assert positions(lint(text, CODE)) == [(2, 5, 2, 20), (3, 5, 3, 20)]


def test_heredoc_body() -> None:
    text = "FROM debian\nRUN <<EOF\napt-get update\napt-get install -y git\nEOF\n"
    assert positions(lint(text, CODE)) == [(4, 1, 4, 16)]
    assert fix(text, CODE, unsafe=True) == text.replace("install", f"install {KEEP}")


@pytest.mark.parametrize(
    "line",
    [
        f"RUN apt-get install -y {FLAG} git",
        f"RUN apt-get install {FLAG} -y git",
        f"RUN apt-get {FLAG} install -y git",
        "RUN apt-get install -y -o APT::Install-Recommends=false git",
        "RUN apt-get install -y -o APT::Install-Recommends=0 git",
        "RUN apt-get install -y --option=apt::install-recommends=false git",
        "RUN apt-get update",
        "RUN apt-get purge -y git",
        "RUN apt-get upgrade -y",
        "RUN apk add git",
        'RUN ["apt-get", "install", "-y", "curl"]',
        "RUN echo apt-get install git",
    ],
)
def test_passes(line: str) -> None:
    assert lint(f"FROM debian\n{line}\n", CODE) == []


@pytest.mark.parametrize(
    "setup",
    [
        "RUN echo 'APT::Install-Recommends \"0\";' > /etc/apt/apt.conf.d/99norecommends",
        "RUN printf 'APT::Install-Recommends \"false\";\\n' > /etc/apt/apt.conf.d/01norec",
        "COPY 99norecommends /etc/apt/apt.conf.d/",
        "COPY apt.conf /etc/apt/apt.conf",
    ],
)
def test_recommends_turned_off_by_an_earlier_step(setup: str) -> None:
    text = f"FROM debian\n{setup}\nRUN apt-get install -y git\n"
    assert lint(text, CODE) == []


def test_configuration_carries_to_stages_built_from_it() -> None:
    text = (
        "FROM debian AS base\n"
        "RUN echo 'APT::Install-Recommends \"0\";' > /etc/apt/apt.conf.d/99norecommends\n"
        "FROM base\n"
        "RUN apt-get install -y git\n"
    )
    assert lint(text, CODE) == []


def test_configuration_in_another_stage_does_not_count() -> None:
    text = (
        "FROM debian AS other\n"
        "RUN echo 'APT::Install-Recommends \"0\";' > /etc/apt/apt.conf.d/99norecommends\n"
        "FROM debian\n"
        "RUN apt-get install -y git\n"
    )
    assert positions(lint(text, CODE)) == [(4, 5, 4, 20)]


def test_configuration_after_the_install_does_not_count() -> None:
    text = (
        "FROM debian\n"
        "RUN apt-get install -y git\n"
        "RUN echo 'APT::Install-Recommends \"0\";' > /etc/apt/apt.conf.d/99norecommends\n"
    )
    assert positions(lint(text, CODE)) == [(2, 5, 2, 20)]


def test_stage_used_only_for_specific_paths_is_skipped() -> None:
    text = (
        "FROM debian AS build\nRUN apt-get install -y gcc\n"
        "FROM scratch\nCOPY --from=build /usr/bin/gcc /gcc\n"
    )
    assert lint(text, CODE) == []


def test_onbuild_variant() -> None:
    line = onbuild("RUN apt-get install -y git")
    text = f"FROM debian\n{line}\n"
    assert positions(lint(text, CODE)) == [span(2, line, "apt-get install")]
    fixed = fix(text, CODE, unsafe=True)
    assert fixed == f"FROM debian\nONBUILD RUN apt-get install {KEEP} -y git\n"


def test_fix_is_unsafe() -> None:
    text = "FROM debian\nRUN apt-get install -y git\n"
    [finding] = lint(text, CODE)
    assert finding.fix is not None and finding.fix.applicability == "unsafe"
    assert fix(text, CODE) == text


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("RUN apt-get install -y git", f"RUN apt-get install {KEEP} -y git"),
        ("RUN apt-get -y install git", f"RUN apt-get -y install {KEEP} git"),
        ("RUN apt-get update && apt-get install -y \\\n    git",
         f"RUN apt-get update && apt-get install {KEEP} -y \\\n    git"),
        ("RUN apt-get install -y git && apt install -y gcc",
         f"RUN apt-get install {KEEP} -y git && apt install {FLAG} libc6-dev -y gcc"),
        ('RUN sh -c "apt-get install -y git"', f'RUN sh -c "apt-get install {KEEP} -y git"'),
        # gcc compiles nothing without libc6-dev, which only a recommend brings
        ("RUN apt-get install -y gcc", f"RUN apt-get install {FLAG} libc6-dev -y gcc"),
        ("RUN apt-get install -y gcc libc6-dev", f"RUN apt-get install {FLAG} -y gcc libc6-dev"),
        ("RUN apt-get install -y xvfb", f"RUN apt-get install {FLAG} xauth -y xvfb"),
    ],
)  # fmt: skip
def test_fix(before: str, after: str) -> None:
    assert fix(f"FROM debian\n{before}\n", CODE, unsafe=True) == f"FROM debian\n{after}\n"


def test_no_fix_for_a_quoted_subcommand() -> None:
    text = "FROM debian\nRUN apt-get 'install' -y git\n"
    [finding] = lint(text, CODE)
    assert finding.fix is None


@pytest.mark.parametrize(
    "text",
    [
        "FROM debian\nRUN apt-get install -y git\n",
        "FROM debian\nRUN apt-get update && apt-get install -y git \\\n"
        "  && apt-get install -y gcc\n",
    ],
)
def test_idempotent(text: str) -> None:
    once = fix(text, CODE, unsafe=True)
    assert once != text
    assert fix(once, CODE, unsafe=True) == once
    assert lint(once, CODE) == []


AZURE = "Azure__azure-functions-docker/"


@pytest.mark.parametrize(
    ("name", "quiet"),
    [
        # sudo, which recommends nothing
        (AZURE + "host__3.0__buster__amd64__java__java8__java8-core-tools.Dockerfile", 39),
        # wget on python:slim: its recommend is ca-certificates
        (AZURE + "host__4__bullseye__python__python39__python39.Dockerfile", 66),
        # libgomp1 recommends nothing
        (AZURE + "host__4__bullseye__python__python37__python37-buildenv.Dockerfile", 45),
        # nodejs from NodeSource (setup_14.x above)
        (AZURE + "host__3.0__buster__amd64__node__node14__node14.Dockerfile", 53),
        # apt-get install -s: probing whether the jit package exists
        ("docker-library__postgres/18__trixie__Dockerfile", 161),
        # curl purged with --autoremove at the end of the RUN
        ("apache__couchdb-docker/3.2.3__Dockerfile", 45),
        # "we DO want recommends this time"
        ("apache__couchdb-docker/3.2.3__Dockerfile", 68),
        # gpg --recv-keys at line 51 needs gpg's recommends
        ("apache__flink-docker/2.2__scala_2.12-java11-ubuntu__Dockerfile", 24),
    ],
)  # fmt: skip
def test_corpus_installs_whose_recommends_save_nothing(name: str, quiet: int) -> None:
    from corpus_support import corpus_root

    path = corpus_root() / "files" / name
    findings = lint(path.read_text(encoding="utf-8"), CODE)
    assert quiet not in [finding.location.line for finding in findings]


def test_corpus_install_with_large_recommends_is_reported() -> None:
    from corpus_support import corpus_root

    name = "host__4__bookworm__python__python312__python312-buildenv.Dockerfile"
    path = corpus_root() / "files" / "Azure__azure-functions-docker" / name
    findings = lint(path.read_text(encoding="utf-8"), CODE)
    lines = [f.location.line for f in findings]
    assert 45 in lines  # build-essential, llvm...: ~78 MB
    assert 20 not in lines  # wget, curl, gnupg2, locales: ca-certificates and ~1 MB


@pytest.mark.parametrize(
    ("base", "packages", "reported"),
    [
        ("python:3", "git iproute2", False),  # buildpack-deps:scm holds git already
        ("python:3.12", "libpq-dev gcc", False),  # and the full variant compilers, -dev
        ("python:3-slim", "git iproute2", True),
        ("python:${VARIANT}", "git", True),  # the tag is not known
        ("buildpack-deps:bookworm-curl", "git", True),
        ("mcr.microsoft.com/devcontainers/javascript-node:16", "git curl", False),
        ("mcr.microsoft.com/dotnet/sdk:8.0", "git", False),
        ("debian:bookworm", "git", True),
    ],
)
def test_packages_the_base_image_holds_already(base: str, packages: str, reported: bool) -> None:
    findings = lint(f"FROM {base}\nRUN apt-get install -y {packages}\n", CODE)
    assert bool(findings) is reported


def test_corpus_git_on_a_base_that_has_it() -> None:
    from corpus_support import corpus_root

    name = "containers__hugo__.devcontainer__Dockerfile"
    path = corpus_root() / "files" / "microsoft__vscode-dev-containers" / name
    assert lint(path.read_text(encoding="utf-8"), CODE) == []


def test_an_install_that_resolves_dependencies_is_reported() -> None:
    """``apt-get -f install`` after ``dpkg -i`` installs the .deb's dependencies, with their
    recommends (jessfraz/dockerfiles cura)."""
    text = "FROM ubuntu\nRUN dpkg -i /tmp/cura.deb || true && apt-get -yf install\n"
    assert len(lint(text, CODE)) == 1


def test_a_comment_naming_the_flag_is_no_reason() -> None:
    """A comment listing `--no-install-recommends` packages says nothing about wanting the
    recommends of the other installs (azure-functions-docker python311-slim, line 71)."""
    text = (
        "FROM debian\n# .NET dependencies: --no-install-recommends ca-certificates libc6\n"
        "RUN apt-get install -y git\n"
    )
    assert len(lint(text, CODE)) == 1


def lint_corpus(name: str):
    """The LL302 findings on corpus file ``name``, read in place."""
    from corpus_support import corpus_root

    path = corpus_root() / "files" / name
    return lint(path.read_text(encoding="utf-8"), CODE)


def corpus_lines(name: str) -> list[int]:
    """Lines of the LL302 findings on corpus file ``name``."""
    return [finding.location.line for finding in lint_corpus(name)]


@pytest.mark.parametrize(
    "packages",
    [
        "unzip some-unknown-package",  # not in Debian 12: its recommends are not known
        "$PACKAGES",  # a variable whose value is unknown
        "msodbcsql17 mssql-tools unixodbc",  # Microsoft's, and one that recommends nothing
        "dirmngr gnupg curl",  # dirmngr's recommend gnupg is requested anyway
        "systemd",  # its recommend dbus is what systemd in an image needs
    ],
)
def test_passes_when_nothing_known_is_saved(packages: str) -> None:
    assert lint(f"FROM debian\nRUN apt-get install -y {packages}\n", CODE) == []


def test_a_recommend_the_install_requests_anyway_does_not_count() -> None:
    """dirmngr recommends gnupg (~16 MB with gpg-agent, gpgsm...); listed too, it is no saving
    (couchdb-docker dev/Dockerfile, line 22: what remains is curl's ~1 MB)."""
    assert len(lint("FROM debian\nRUN apt-get install -y dirmngr\n", CODE)) == 1
    assert 22 not in corpus_lines("apache__couchdb-docker/dev__Dockerfile")


def test_systemd_with_its_bus() -> None:
    """containerd's CRI-in-userns test stage runs systemd as its init, with the systemd
    cgroup driver, which talks to it over D-Bus: systemd's recommend dbus is needed."""
    assert 139 not in corpus_lines("containerd__containerd/contrib__Dockerfile.test")


def test_what_an_earlier_install_of_the_stage_installed_does_not_count() -> None:
    text = (
        "FROM debian\nRUN apt-get install -y git\n"
        "RUN apt-get install -y git openssh-client\n"  # git's recommends, installed already
    )
    assert positions(lint(text, CODE)) == [(2, 5, 2, 20)]
    name = "host__4__bookworm__python__python312__python312-appservice.Dockerfile"
    lines = corpus_lines("Azure__azure-functions-docker/" + name)
    assert 60 in lines  # libglib2.0-0, xvfb...: ~24 MB
    assert 67 not in lines  # the same list again, with binutils and libgomp1


@pytest.mark.parametrize(
    "removal",
    [
        "RUN apt-get install -y --no-install-recommends git\n"
        "RUN apt-get purge -y --autoremove git\n",
        "RUN apt-get install -y --no-install-recommends git && apt-get remove -y git\n",
        # docker-library's pattern: everything the RUN installed is marked auto and goes
        "RUN apt-get install -y --no-install-recommends git && git clone x"
        " && apt-mark auto '.*' && apt-get purge -y --auto-remove\n",
    ],
)
def test_what_was_removed_again_does_not_count(removal: str) -> None:
    text = f"FROM debian\n{removal}RUN apt-get install -y git\n"
    assert positions(lint(text, CODE)) == [(text.count("\n"), 5, text.count("\n"), 20)]


def test_an_install_in_another_branch_does_not_count() -> None:
    """The ``else`` branch installs the .debs that the ``then`` branch installs with
    ``--no-install-recommends``: one of them runs (docker-selenium NodeChromium)."""
    text = (
        'FROM debian\nRUN if [ -z "$V" ]; then apt-get install -y --no-install-recommends'
        " chromium; else apt-get install -y /tmp/chromium_1_amd64.deb; fi\n"
    )
    [finding] = lint(text, CODE)
    assert "adds ~178 MB of recommended packages" in said(finding)
    assert 23 in corpus_lines("SeleniumHQ__docker-selenium/NodeChromium__Dockerfile")


@pytest.mark.parametrize(
    "between",
    [
        " && curl -fsSL https://example.com/key | (OUT=$(apt-key add - 2>&1) || echo $OUT)",
        ' && echo "a || b; else c"',
        " && (true || false)",
    ],
)
def test_an_alternative_inside_a_subshell_or_a_string_keeps_both_installs(between: str) -> None:
    """``(apt-key add - || echo ...)`` between two installs runs whole: the first install
    still counts for the second (vscode-dev-containers azure-machine-learning-python-3)."""
    first = "apt-get install -y libglib2.0-0"
    text = f"FROM debian\nRUN {first}{between} && apt-get install -y libglib2.0-0 curl\n"
    findings = lint(text, CODE)
    assert [finding.location.column for finding in findings] == [5]  # the first install only
    alternatives = text.replace(between, " || true")
    assert len(lint(alternatives, CODE)) == 2


def test_corpus_install_after_a_subshell_alternative() -> None:
    """Line 38 installs glib again after line 30's ``(apt-key add - || echo ...)``: glib's
    recommends came at line 30, and what libc6-dev recommends on Ubuntu 18.04 (the man
    pages) the dev container base holds, so line 38 adds no recommends."""
    from corpus_support import corpus_root

    folder = corpus_root() / "files" / "microsoft__vscode-dev-containers"
    name = "containers__azure-machine-learning-python-3__.devcontainer__Dockerfile"
    text = (folder / name).read_text(encoding="utf-8")
    lines = [finding.location.line for finding in lint(text, CODE)]
    assert 30 in lines
    assert 38 not in lines
    # on a base that keeps man pages (not Ubuntu's minimized image, nor a slim one)
    plain = text.replace("mcr.microsoft.com/devcontainers/base:ubuntu-18.04", "debian:buster")
    [finding] = [finding for finding in lint(plain, CODE) if finding.location.line == 38]
    assert "libglib2.0" not in said(finding)  # not glib's recommends: they came at line 30


def test_sizes_on_an_older_release() -> None:
    """On Ubuntu 18.04 and Debian 10 libc6-dev's recommends are the man pages (~5.7 MB),
    not Debian 12's libc-devtools chain (~58 MB: libgd3 and its image codecs), as on
    Ubuntu 24.04; Ubuntu's images since 18.04 are minimized, without man pages, so there
    the man pages weigh nothing."""
    [older] = lint("FROM debian:buster\nRUN apt-get install -y libc6-dev\n", CODE)
    assert "~5.7 MB" in older.message
    assert "manpages-dev" in said(older)
    assert lint("FROM ubuntu:18.04\nRUN apt-get install -y libc6-dev\n", CODE) == []
    [newer] = lint("FROM ubuntu:24.04\nRUN apt-get install -y libc6-dev\n", CODE)
    size, _ = _figure("ubuntu:24.04", ["libc6-dev"])
    assert f"adds {size} of" in newer.message and size != "~58 MB"  # libgd3's chain
    assert "manpages" not in said(newer)


def _figure(base: str, packages: list[str]) -> tuple[str, str]:
    """What the recommends of installing ``packages`` on ``base`` add, computed from the
    data file of the base's release, and that release's words in the help."""
    from lintlayers.model.debian import (
        excludes_documentation,
        graph_release,
        image_packages,
        missing_in,
        present,
        recommends,
    )
    from lintlayers.model.size_estimates import MEASURED, SizeEstimate

    release = graph_release(base)
    found = recommends(
        packages,
        present(image_packages(base), release=release),
        missing_in(base),
        release,
        documentation_weightless=excludes_documentation(base),
    )
    return SizeEstimate(found.size, basis=MEASURED).text(), found.source


@pytest.mark.parametrize(
    ("base", "release"),
    [
        ("debian:bullseye", "Debian 11"),
        ("debian:11-slim", "Debian 11"),
        ("python:3.9-slim-bullseye", "Debian 11"),
        ("mcr.microsoft.com/dotnet/sdk:6.0", "Debian 11"),
        ("mcr.microsoft.com/dotnet/core/runtime-deps:7.0", "Debian 11"),
        ("mcr.microsoft.com/dotnet/sdk:8.0", "Debian 12"),
        ("mcr.microsoft.com/dotnet/aspnet:5.0", "Debian 12"),
        ("debian:bookworm", "Debian 12"),
        ("ubuntu:22.04", "Debian 12"),
        ("debian:trixie-slim", "Debian 13"),
        ("debian:13", "Debian 13"),
        ("python:3.14-slim-trixie", "Debian 13"),
        ("postgres:18-trixie", "Debian 13"),
        ("python:3.14-slim", "Debian 12"),  # names no release: not guessed
        ("debian:latest", "Debian 12"),
    ],
)
def test_the_figure_comes_from_the_base_image_release(base: str, release: str) -> None:
    [finding] = lint(f"FROM {base}\nRUN apt-get install -y python3-pip\n", CODE)
    size, source = _figure(base, ["python3-pip"])
    assert source == f"measured on {release}"
    assert f"adds {size} of recommended packages" in finding.message
    assert f"{size} measured on {release}: " in said(finding)
    for other in {"Debian 11", "Debian 12", "Debian 13"} - {release}:
        assert other not in said(finding)


def test_debian_11_figures_are_not_debian_12s() -> None:
    """libc6-dev's recommends on Debian 11 (libc-dev-bin's libc-devtools, with bullseye's
    libgd3) are neither Debian 12's nor Debian 12's without libc-devtools (how an older
    release named by the tag is approximated); on Debian 12 nothing changes."""
    [bullseye] = lint("FROM debian:bullseye\nRUN apt-get install -y libc6-dev\n", CODE)
    [bookworm] = lint("FROM debian:bookworm\nRUN apt-get install -y libc6-dev\n", CODE)
    [buster] = lint("FROM debian:buster\nRUN apt-get install -y libc6-dev\n", CODE)
    assert len({bullseye.message, bookworm.message, buster.message}) == 3
    assert "adds ~58 MB of recommended packages" in bookworm.message  # as before
    assert "~58 MB measured on Debian 12: 37 packages" in said(bookworm)
    assert "adds ~5.7 MB of recommended packages" in buster.message
    assert "measured on Debian 11" in said(bullseye) and "libc-devtools" not in said(buster)


def test_corpus_debian_11_bases() -> None:
    """azure-functions-docker's .NET 6 images install libc-dev (libc6-dev) with its
    recommends on ``runtime-deps:6.0`` (Debian 11 by its default tag; was measured as
    Debian 12's ~58 MB) and on ``aspnet:6.0-bullseye-slim`` (was Debian 12's without
    libc-devtools, ~5.7 MB): both Debian 11's now."""
    from corpus_support import corpus_root

    # both bases are .NET images, built on Debian's slim variant: no man pages
    size, source = _figure("debian:bullseye-slim", ["libc-dev"])
    assert source == "measured on Debian 11"
    assert size != _figure("debian:bullseye", ["libc-dev"])[0]
    folder = corpus_root() / "files" / "Azure__azure-functions-docker"
    for name, line in [
        ("host__4__bullseye__dotnet-inproc__dotnet-appservice.Dockerfile", 58),
        ("host__4__bullseye__powershell__powershell72__powershell72-slim.Dockerfile", 62),
    ]:
        text = (folder / name).read_text(encoding="utf-8")
        [finding] = [finding for finding in lint(text, CODE) if finding.location.line == line]
        assert " measured on Debian 11: " in said(finding), name
        shown = finding.message.split("adds ")[1].split(" of")[0]
        assert shown not in ("~58 MB", "~5.7 MB"), name  # Debian 12's, or it without libc-devtools
    assert size not in ("~58 MB", "~5.7 MB")


def test_debian_13_figures_are_not_debian_12s() -> None:
    """Debian 13's libc-dev-bin recommends the man pages only, not libc-devtools and its
    image libraries: libc6-dev's recommends on a trixie base are Debian 13's few MB, and
    gcc's (whose recommend libc6-dev brings them) are smaller than Debian 12's too."""
    for packages in (["libc6-dev"], ["gcc"]):
        trixie, source = _figure("debian:trixie", packages)
        bookworm, _ = _figure("debian:bookworm", packages)
        assert source == "measured on Debian 13" and trixie != bookworm
        text = "RUN apt-get install -y " + " ".join(packages) + "\n"
        [on_13] = lint("FROM debian:trixie\n" + text, CODE)
        [on_12] = lint("FROM debian:bookworm\n" + text, CODE)
        assert f"adds {trixie} of recommended packages" in on_13.message
        assert f"adds {bookworm} of recommended packages" in on_12.message
        assert "libc-devtools" not in said(on_13) and "libx265" not in said(on_13)
    [libc] = lint("FROM debian:13\nRUN apt-get install -y libc6-dev\n", CODE)
    assert "measured on Debian 13: 2 packages, the largest manpages-dev, manpages" in said(libc)
    # the slim image leaves the man pages out: nothing to save
    assert lint("FROM debian:13-slim\nRUN apt-get install -y libc6-dev\n", CODE) == []


def test_corpus_debian_13_bases() -> None:
    """busybox's builder images install gcc with its recommends on ``debian:trixie-slim``
    (gnupg left out: its stage runs ``gpg --recv-keys``): Debian 13's figure, not Debian
    12's (~80 MB, with libc-devtools' libgd3 and its codecs)."""
    from corpus_support import corpus_root

    names = ["bzip2", "curl", "gcc", "make", "patch"]
    size, source = _figure("debian:trixie-slim", names)
    bookworm = _figure("debian:bookworm-slim", names)[0]
    assert source == "measured on Debian 13"
    assert size != bookworm
    folder = corpus_root() / "files" / "docker-library__busybox"
    for name in ("latest__glibc__Dockerfile.builder", "latest-1__uclibc__Dockerfile.builder"):
        text = (folder / name).read_text(encoding="utf-8")
        assert "FROM debian:trixie-slim" in text
        [finding] = [finding for finding in lint(text, CODE) if finding.location.line == 10]
        # less than gcc's alone: what the stage's later installs depend on comes anyway
        assert " measured on Debian 13: " in said(finding), name
        assert finding.message.split("adds ")[1].split(" of")[0] != bookworm, name


def test_a_vendor_repository_package() -> None:
    """Microsoft's azure-cli declares no dependencies; Debian's pulls ~222 MB of recommends."""
    assert len(lint("FROM debian\nRUN apt-get install -y azure-cli\n", CODE)) == 1
    text = (
        "FROM debian\nRUN echo 'deb https://packages.microsoft.com/repos/azure-cli/ bookworm"
        " main' > /etc/apt/sources.list.d/azure-cli.list\nRUN apt-get install -y azure-cli\n"
    )
    assert lint(text, CODE) == []
    # added in the stage it is built from
    staged = text.replace("FROM debian", "FROM debian AS repo").replace(
        "\nRUN apt-get install", "\nFROM repo\nRUN apt-get install"
    )
    assert lint(staged, CODE) == []
    assert len(lint(staged.replace("AS repo", "AS other"), CODE)) == 1  # `repo`: an image
    name = "host__4__bookworm__powershell__powershell74__powershell74-core-tools.Dockerfile"
    assert 67 not in corpus_lines("Azure__azure-functions-docker/" + name)


@pytest.mark.parametrize(
    ("name", "line"),
    [
        ("Azure__azure-functions-docker/host__4__bullseye__python__python39__python39.Dockerfile",
         80),  # unixodbc msodbcsql17 mssql-tools
        ("carlossg__docker-maven/amazoncorretto-11-debian__Dockerfile", 21),
        ("docker-library__mongo/_hist_174bd96682dc__3.2__Dockerfile", 48),
        ("jessfraz__dockerfiles/neoman__Dockerfile", 20),  # the Yubico PPA's packages
        ("laravel__sail/runtimes__8.4__Dockerfile", 52),  # yarn from dl.yarnpkg.com
        ("Azure__azure-functions-docker/host__4__bullseye__python__python39__python39.Dockerfile",
         96),  # liblttng-ust0, as Debian 12's liblttng-ust1, recommends nothing
    ],
)  # fmt: skip
def test_corpus_packages_whose_recommends_are_not_known_or_nothing(name: str, line: int) -> None:
    assert line not in corpus_lines(name)


def test_a_version_debian_12_lacks_is_measured_as_its_family() -> None:
    """laravel/sail installs php8.3-dev from a PPA: measured as Debian 12's php8.2-dev."""
    [finding] = lint("FROM ubuntu\nRUN apt-get install -y php8.3-dev\n", CODE)
    assert "(measured php8.3-dev as php8.2-dev)" in said(finding)
    assert 29 in corpus_lines("laravel__sail/runtimes__8.3__Dockerfile")


def test_apt_get_f_install_with_nothing_to_resolve() -> None:
    """``apt -f install`` after removals, with no ``dpkg -i`` before it, installs nothing
    (wurstmeister/kafka-docker, line 40)."""
    assert lint("FROM debian\nRUN apt-get remove -y gnupg; apt -f install\n", CODE) == []
    assert 40 not in corpus_lines("wurstmeister__kafka-docker/Dockerfile")


def test_the_dev_container_base_holds_the_man_pages() -> None:
    """``mcr.microsoft.com/devcontainers/base`` is built with common-debian.sh, which installs
    manpages and manpages-dev: what g++ recommends besides libc-devtools' chain."""
    [plain] = lint("FROM debian:bullseye\nRUN apt-get install -y g++\n", CODE)
    [dev] = lint(
        "FROM mcr.microsoft.com/devcontainers/base:bullseye\nRUN apt-get install -y g++\n", CODE
    )
    assert "manpages" in said(plain)
    assert "manpages" not in said(dev)


def test_corpus_dev_container_recommends_besides_the_man_pages() -> None:
    """vscode-dev-containers' bazel image: g++'s man pages are in the base; pkg-config's
    glib recommends (shared-mime-info...) are not, measured on Debian 11."""
    [finding] = [
        finding
        for finding in lint_corpus(
            "microsoft__vscode-dev-containers/containers__bazel__.devcontainer__Dockerfile"
        )
        if finding.location.line == 14
    ]
    assert "manpages" not in said(finding)
    assert "shared-mime-info" in said(finding)
    assert "libicu" not in said(finding)  # common-debian.sh installs libicu[0-9][0-9]
    assert "measured on Debian 11" in said(finding)


def test_the_fix_keeps_ca_certificates_that_only_a_recommend_brings() -> None:
    """mssql-docker's pyodbc image installs curl on ubuntu:16.04, then fetches
    https://packages.microsoft.com with it: ca-certificates comes only as a recommend of
    curl's library, so `--no-install-recommends` alone would break those downloads."""
    text = (
        "FROM ubuntu:16.04\nRUN apt-get update && apt-get install -y curl build-essential\n"
        "RUN curl https://packages.microsoft.com/keys/microsoft.asc | apt-key add -\n"
    )
    [finding] = lint(text, CODE)
    assert "add `--no-install-recommends` with `ca-certificates`" in said(finding)
    fixed = fix(text, CODE, unsafe=True)
    assert "apt-get install --no-install-recommends ca-certificates -y curl" in fixed
    # listed already, held by the base, or installed before: nothing to add
    for other in (
        text.replace("-y curl", "-y ca-certificates curl"),
        text.replace("ubuntu:16.04", "buildpack-deps:xenial-curl"),
        text.replace("RUN apt-get update &&", "RUN apt-get install -y ca-certificates\nRUN"),
    ):
        assert "ca-certificates` (HTTPS" not in said(lint(other, CODE)[-1])


def test_corpus_busybox_builder_keeps_the_c_library_gcc_needs() -> None:
    """docker-library's busybox glibc builder installs gcc to compile busybox: most of the
    29 MB of recommends counted before was libc6-dev and linux-libc-dev, without which
    gcc compiles nothing. They are counted as needed (the fix lists libc6-dev); what
    is left to save is a few MB."""
    from corpus_support import corpus_root

    path = corpus_root() / "files" / "docker-library__busybox" / "latest__glibc__Dockerfile.builder"
    text = path.read_text()
    [finding] = lint(text, CODE)
    assert finding.location.line == 10
    assert "~3.6 MB" in finding.message
    assert "with `ca-certificates libc6-dev` (needed;" in said(finding)
    assert "install --no-install-recommends ca-certificates libc6-dev --update -y" in fix(
        text, CODE, unsafe=True
    )


def test_corpus_dotnet_core_3_1_base_is_buster() -> None:
    """azure-functions-docker's host 3.0 python36 image (``runtime-deps:3.1``, Debian 10
    slim by its default tag) installs default-libmysqlclient-dev at line 264: measured as
    Debian 12's it was ~48 MB (libc-devtools and its image codecs), on buster it is the man
    pages, which the slim base leaves out: nothing."""
    from corpus_support import corpus_root

    name = "host__3.0__buster__amd64__python__python36__python36.Dockerfile"
    text = (corpus_root() / "files" / "Azure__azure-functions-docker" / name).read_text()
    lines = [finding.location.line for finding in lint(text, CODE)]
    assert 264 not in lines and 268 in lines


@pytest.mark.parametrize("base", ["elixir:1.12.3", "erlang:24", "haskell:9"])
def test_images_built_on_buildpack_deps_hold_the_compilers(base: str) -> None:
    """vscode-dev-containers' elixir images install build-essential on `elixir` (built on
    `erlang`, on `buildpack-deps`): gcc, g++, make and libc6-dev are there already, and
    build-essential recommends nothing more (was ~76 MB measured on bare Debian 12)."""
    assert lint(f"FROM {base}\nRUN apt-get install -y build-essential\n", CODE) == []
    assert len(lint("FROM debian:12\nRUN apt-get install -y build-essential\n", CODE)) == 1


def test_the_vulkan_loader_needs_mesas_drivers() -> None:
    """ollama's Vulkan image installs libvulkan1 for AMD and Intel GPUs: its recommend
    mesa-vulkan-drivers holds their drivers, needed, not saved (~250 MB claimed before)."""
    text = "FROM ubuntu:24.04\nRUN apt-get install -y ca-certificates libvulkan1 libopenblas0\n"
    assert lint(text, CODE) == []


def test_what_a_later_install_depends_on_is_not_saved() -> None:
    """azure-functions-docker's node images install libc-dev (whose recommends bring
    libgd3, fontconfig and X11 libraries) at line 64 and, at line 68, headless Chrome's
    libraries, which depend on fontconfig and libx11: those come anyway, so dropping the
    recommends at line 64 saves only what nothing later needs."""
    first = "FROM debian:bookworm\nRUN apt-get install -y libc-dev\n"
    [alone] = lint(first, CODE)
    later = first + "RUN apt-get install --no-install-recommends -y libgd3 libfontconfig1\n"
    [before_later] = lint(later, CODE)
    assert _size_of(before_later) < _size_of(alone)
    # what the same stage installed before still counts as present (not as saved)
    assert lint(later.replace("RUN apt-get install -y libc-dev", "RUN true"), CODE) == []


def _size_of(finding) -> float:
    return float(finding.message.split("adds ~")[1].split(" MB")[0])


def test_ca_certificates_are_kept_for_a_curl_the_run_removes_after_use() -> None:
    """docker-maven's amazoncorretto Debian images install curl, gnupg and openssh-client on
    trixie-slim, fetch the Corretto key over HTTPS, then purge curl and gnupg: curl's
    recommend ca-certificates is what that fetch (and the HTTPS apt source) needs."""
    text = (
        "FROM debian:trixie-slim\nRUN apt-get update && apt-get install -y curl gnupg "
        "openssh-client && curl -fL https://apt.corretto.aws/corretto.key -o k "
        "&& apt-get remove --purge --autoremove -y curl gnupg\n"
    )
    [finding] = lint(text, CODE)
    assert "with `ca-certificates`" in said(finding)
    assert "--no-install-recommends ca-certificates" in fix(text, CODE, unsafe=True)


def test_php_images_keep_their_build_dependencies() -> None:
    """docker-library/php keeps `$PHPIZE_DEPS` (gcc, libc-dev, make...) for
    docker-php-ext-install: drupal 8.1's `apt-get install libpng-dev libjpeg-dev libpq-dev`
    on `php:7.0-apache` adds none of libc6-dev's recommends (~53 MB claimed, Debian 12's
    libc-devtools chain)."""
    text = "FROM php:7.0-apache\nRUN apt-get update && apt-get install -y libpng-dev libpq-dev\n"
    assert lint(text, CODE) == []
    assert len(lint(text.replace("php:7.0-apache", "debian:bookworm"), CODE)) == 1
