"""LL316 package-cache-kept."""

from __future__ import annotations

import pytest
from rule_harness import fix, lint, onbuild, said

CODE = "LL316"


@pytest.mark.parametrize(
    ("base", "line", "label", "cleanup"),
    [
        ("rockylinux:9", "RUN dnf install -y python3", "dnf cache", "dnf clean all"),
        ("centos:7", "RUN yum -y install httpd", "yum cache", "yum clean all"),
        ("centos:7", "RUN yum -y groupinstall 'Development Tools'", "yum cache", "yum clean all"),
        ("ubi9-minimal", "RUN microdnf install -y jq", "dnf cache", "microdnf clean all"),
        ("opensuse/leap", "RUN zypper --non-interactive install curl", "zypper cache",
         "zypper clean --all"),
        ("archlinux", "RUN pacman -Syu --noconfirm git", "pacman package cache",
         "pacman -Scc --noconfirm"),
        ("continuumio/miniconda3", "RUN conda install -y numpy", "conda package cache",
         "conda clean -afy"),
        ("mambaorg/micromamba", "RUN micromamba install -y -n base numpy", "conda package cache",
         "micromamba clean --all --yes"),
        ("continuumio/miniconda3", "RUN conda env create -f environment.yml", "conda package cache",
         "conda clean -afy"),
    ],
)  # fmt: skip
def test_reports_and_fixes(base: str, line: str, label: str, cleanup: str) -> None:
    text = f"FROM {base}\n{line}\n"
    [finding] = lint(text, CODE)
    assert finding.location.line == 2
    assert label in finding.message
    assert f"`{cleanup}`" in said(finding)
    assert "--mount=type=cache" in said(finding)
    fixed = fix(text, CODE)
    assert fixed.startswith(f"FROM {base}\n{line}") and cleanup in fixed
    assert lint(fixed, CODE) == []
    assert fix(fixed, CODE) == fixed


@pytest.mark.parametrize(
    "text",
    [
        "FROM rockylinux:9\nRUN dnf install -y python3 && dnf clean all\n",
        "FROM rockylinux:9\nRUN dnf install -y python3 && rm -rf /var/cache/dnf\n",
        "FROM rockylinux:9\nRUN --mount=type=cache,target=/var/cache/dnf dnf install -y python3\n",
        "FROM centos:7\nRUN yum -y install httpd && yum clean all\n",
        "FROM opensuse/leap\nRUN zypper -n in curl && zypper clean -a\n",
        "FROM archlinux\nRUN pacman -S --noconfirm git && pacman -Scc --noconfirm\n",
        "FROM continuumio/miniconda3\nRUN conda install -y numpy && conda clean -afy\n",
        "FROM continuumio/miniconda3\nRUN conda clean -a -y\n",
        "FROM rockylinux:9\nRUN dnf remove -y vim\n",
        "FROM debian\nRUN apt-get install -y curl\n",  # LL301's
    ],
)
def test_passes(text: str) -> None:
    assert lint(text, CODE) == []


def test_classic_builder_advises_no_cache_mount() -> None:
    [finding] = lint("FROM rockylinux:9\nRUN dnf install -y python3\n", CODE, builder="classic")
    assert "--mount" not in said(finding)


def test_onbuild() -> None:
    assert len(lint(f"FROM rockylinux:9\n{onbuild('RUN dnf install -y python3')}\n", CODE)) == 1


def test_the_cleanup_commands_come_from_the_ecosystem_table() -> None:
    from lintlayers.model.ecosystems import ecosystem

    for kind in ("yum", "dnf", "zypper", "pacman", "conda"):
        entry = ecosystem(kind)
        assert entry is not None and entry.cleanup, kind
        assert entry.cache_directories(), kind
        assert entry.mount_targets(), kind


@pytest.mark.parametrize(
    "text",
    [
        # tdnf keeps its cache in /var/cache/tdnf: a cache mount there holds it
        "FROM mcr.microsoft.com/azurelinux/base/core:3.0\n"
        "RUN --mount=type=cache,target=/var/cache/tdnf tdnf install -y icu\n",
        # a variable holding an option before `all`
        "FROM almalinux:8\nRUN dnf install -y ${quiet} rpmdevtools && dnf clean ${quiet} all\n",
    ],
)
def test_passes_tdnf_mount_and_clean_with_an_option_variable(text: str) -> None:
    assert lint(text, CODE) == []


@pytest.mark.parametrize(
    ("name", "line"),
    [
        ("PowerShell__PowerShell-Docker/release__7-5__azurelinux3__docker__Dockerfile", 59),
        ("PowerShell__PowerShell-Docker/release__7-5__azurelinux3-arm64__docker__Dockerfile", 7),
        (
            "apache__arrow/dev__tasks__linux-packages__apache-arrow-release__yum__almalinux-8__"
            "Dockerfile",
            24,
        ),
        # base-arm64 is picked by FROM base-${TARGETARCH}: a builder base of build stages
        ("ollama__ollama/Dockerfile", 24),
    ],
)
def test_corpus_caches_that_stay_out_of_the_layer(name: str, line: int) -> None:
    from corpus_support import corpus_root

    path = corpus_root() / "files" / name
    findings = lint(path.read_text(encoding="utf-8"), CODE)
    assert line not in [finding.location.line for finding in findings]


@pytest.mark.parametrize(
    ("base", "line", "kept"),
    [
        ("rockylinux:9", "RUN dnf install -y python3", "the repository metadata"),
        ("opensuse/leap", "RUN zypper -n install curl", "the repository metadata"),
        ("archlinux", "RUN pacman -Syu --noconfirm git", "every downloaded package"),
        ("continuumio/miniconda3", "RUN conda install -y numpy", "every downloaded package"),
    ],
)
def test_the_help_names_what_the_cache_holds(base: str, line: str, kept: str) -> None:
    """yum, dnf and zypper delete installed packages by default: their metadata stays."""
    [finding] = lint(f"FROM {base}\n{line}\n", CODE)
    assert f"keeps {kept} it downloaded" in said(finding)


def test_corpus_amazon_linux_yum_keeps_the_repository_metadata() -> None:
    """carlossg/docker-maven on Amazon Linux 2023 (labeled worth): two yum RUNs, each keeps
    the repository metadata in the shipped image."""
    from corpus_support import corpus_root

    path = corpus_root() / "files" / "carlossg__docker-maven" / "amazoncorretto-17__Dockerfile"
    found = lint(path.read_text(encoding="utf-8"), CODE)
    assert [finding.location.line for finding in found] == [6, 7]
    assert all("keeps the repository metadata it downloaded" in said(f) for f in found)


@pytest.mark.parametrize(
    "after",
    ["bash /tmp/scripts/setup.sh", "./install.sh", "curl -fsSL https://x.example/i | sh", "make"],
)
def test_a_later_script_or_command_does_not_count_as_cleaning(after: str) -> None:
    """A script lintlayers does not read is not assumed to clean dnf's cache; the fix
    cleans at the end of the RUN, after the script."""
    text = f"FROM rockylinux:9\nRUN dnf install -y python3 && {after}\n"
    [finding] = lint(text, CODE)
    assert finding.location.line == 2
    assert fix(text, CODE).endswith(f"{after} \\\n    && dnf clean all\n")


OPTIONAL = (
    "FROM continuumio/miniconda3\n"
    "COPY environment.yml* noop.txt /tmp/conda-tmp/\n"
    'RUN if [ -f "/tmp/conda-tmp/environment.yml" ]; then umask 0002 \\\n'
    "    && conda env update -n base -f /tmp/conda-tmp/environment.yml; fi \\\n"
    "    && rm -rf /tmp/conda-tmp\n"
)
"""The dev container templates' optional file: copied only if the context has it."""


def test_an_install_that_runs_only_with_an_optional_file_is_left_alone() -> None:
    assert lint(OPTIONAL, CODE) == []
    # a named file: the COPY fails without it, so the install runs
    assert len(lint(OPTIONAL.replace("environment.yml* noop.txt", "environment.yml"), CODE)) == 1
    # after the `if` closed, the install runs whatever the file
    after = OPTIONAL.replace("    && conda env", "    ; fi && conda env").replace("; fi \\", " \\")
    assert len(lint(after, CODE)) == 1
    # another path tested than the one the glob brings
    other = OPTIONAL.replace('[ -f "/tmp/conda-tmp/environment.yml" ]', "[ -f /etc/hosts ]")
    assert len(lint(other, CODE)) == 1
    for guard in ("[[ -e /tmp/conda-tmp/environment.yml ]]", "test -s environment.yml"):
        text = OPTIONAL.replace('[ -f "/tmp/conda-tmp/environment.yml" ]', guard)
        if guard.startswith("test"):
            text = text.replace("RUN if", "WORKDIR /tmp/conda-tmp\nRUN if")
        assert lint(text, CODE) == [], guard


def test_with_the_build_context_the_optional_file_decides(tmp_path) -> None:
    (tmp_path / "noop.txt").write_text("")
    assert lint(OPTIONAL, CODE, context_dir=str(tmp_path)) == []
    (tmp_path / "environment.yml").write_text("dependencies: [numpy]\n")
    assert len(lint(OPTIONAL, CODE, context_dir=str(tmp_path))) == 1


def test_corpus_dev_container_conda_templates() -> None:
    from corpus_support import corpus_root

    folder = corpus_root() / "files"
    for name, line in (
        ("devcontainers__images/src__anaconda__.devcontainer__Dockerfile", 66),
        (
            "microsoft__vscode-dev-containers/containers__python-3-anaconda__.devcontainer__Dockerfile",
            10,
        ),
    ):
        text = (folder / name).read_text(encoding="utf-8")
        assert line not in [finding.location.line for finding in lint(text, CODE)], name
        named = text.replace("environment.yml*", "environment.yml")
        assert line in [finding.location.line for finding in lint(named, CODE)], name


def test_help_names_a_later_removal_that_does_not_shrink_the_layer() -> None:
    text = "FROM rockylinux:9\nRUN dnf install -y python3\nRUN dnf clean all\n"
    [finding] = lint(text, CODE)
    assert "the removal at line 3, in a later layer, does not take it out" in said(finding)
    assert finding.fix is not None


@pytest.mark.parametrize(
    ("base", "where"),
    [
        ("amazoncorretto:21-al2023", "/var/cache/dnf"),  # docker-maven's amazoncorretto-21
        ("amazonlinux:2023", "/var/cache/dnf"),
        ("rockylinux:9", "/var/cache/dnf"),
        ("registry.access.redhat.com/ubi8/ubi", "/var/cache/dnf"),
        ("centos:7", "/var/cache/yum"),
        ("amazonlinux:2", "/var/cache/yum"),
    ],
)
def test_yum_that_is_dnf_keeps_dnfs_cache(base: str, where: str) -> None:
    """On Fedora, RHEL 8 and after and Amazon Linux 2023 `yum` is DNF: its cache is in
    /var/cache/dnf, where a mount must go (one on /var/cache/yum would keep nothing)."""
    text = f"FROM {base}\nRUN yum install -y tar\n"
    [finding] = lint(text, CODE)
    assert finding.message == "`yum` leaves the yum cache in this layer"
    assert f"--mount=type=cache,target={where}," in said(finding)
    mounted = text.replace("RUN yum", f"RUN --mount=type=cache,target={where},sharing=locked yum")
    assert lint(mounted, CODE) == []
