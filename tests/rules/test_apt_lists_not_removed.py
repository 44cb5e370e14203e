"""LL301 apt-lists-not-removed."""

from __future__ import annotations

import pytest
from rule_harness import fix, lint, onbuild, positions, said

CODE = "LL301"
CLEANUP = "rm -rf /var/lib/apt/lists/*"


def span(line: int, text: str, word: str) -> tuple[int, int, int, int]:
    """(line, column, end line, end column) of ``word`` in the line ``text``."""
    column = text.index(word) + 1
    return (line, column, line, column + len(word))


@pytest.mark.parametrize(
    ("line", "command"),
    [
        ("RUN apt-get update && apt-get install -y curl", "apt-get install"),
        ("RUN apt update && apt install -y curl", "apt install"),
        ("RUN apt-get update && apt-get -y install curl", "apt-get -y install"),
        ("RUN apt-get update && sudo apt-get install -y curl", "apt-get install"),
        ("RUN apt-get update && apt-get upgrade -y", "apt-get upgrade"),
        ("RUN apt-get update && apt-get install -y curl && rm -rf /tmp/foo", "apt-get install"),
        (f"RUN {CLEANUP} && apt-get update && apt-get install -y curl", "apt-get install"),
        ("RUN apt-get update && apt-get install -y curl && apt-get clean", "apt-get install"),
        ("RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*.lz4",
         "apt-get install"),
        ("RUN --mount=type=cache,target=/var/cache/apt apt-get update && apt-get install -y x",
         "apt-get install"),
        ("RUN --mount=type=bind,target=/var/lib/apt/lists apt-get update && apt-get install x",
         "apt-get install"),
        ('RUN sh -c "apt-get update && apt-get install -y curl"', "apt-get install"),
    ],
)  # fmt: skip
def test_reports_install_keeping_lists(line: str, command: str) -> None:
    findings = lint(f"FROM debian\n{line}\n", CODE)
    assert positions(findings) == [span(2, line, command)]
    assert "/var/lib/apt/lists" in said(findings[0])


def test_exact_columns_and_message() -> None:
    [finding] = lint("FROM debian\nRUN apt-get update && apt-get install -y curl\n", CODE)
    assert positions([finding]) == [(2, 23, 2, 38)]
    assert "`apt-get install`" in said(finding)
    assert CLEANUP in said(finding)
    assert "~20 MB (measured on Debian 12)" in said(finding)
    mounts = (
        "`RUN --mount=type=cache,target=/var/cache/apt,sharing=locked "
        "--mount=type=cache,target=/var/lib/apt,sharing=locked`"
    )
    assert mounts in said(finding)
    # under BuildKit the cache mounts come before the removal
    assert said(finding).index(mounts) < said(finding).index(CLEANUP)


@pytest.mark.parametrize(
    ("image", "size"),
    [
        ("debian:bookworm-slim", "~20 MB (measured on Debian 12)"),
        ("python:3.12", "~20 MB (measured on Debian 12)"),  # Debian-based official image
        ("ubuntu:22.04", "~45 MB (typical for Ubuntu)"),
        ("nvidia/cuda:12.2.0-devel-ubuntu22.04", "~45 MB (typical for Ubuntu)"),
        ("registry.example.com/base", "~20-45 MB (typical for Debian and Ubuntu)"),
    ],
)
def test_message_estimates_the_lists_from_the_base_image(image: str, size: str) -> None:
    [finding] = lint(f"FROM {image}\nRUN apt-get update && apt-get install -y curl\n", CODE)
    assert f"downloaded them to /var/lib/apt/lists ({size}, more" in said(finding)


def test_estimate_follows_the_stage_chain() -> None:
    text = "FROM ubuntu:24.04 AS base\nFROM base\nRUN apt-get update && apt-get install -y x\n"
    [finding] = lint(text, CODE)
    assert "~45 MB (typical for Ubuntu)" in said(finding)


def test_an_apt_cache_mount_without_the_lists_asks_for_the_lists_mount() -> None:
    text = (
        "FROM debian\nRUN --mount=type=cache,target=/var/cache/apt,sharing=locked "
        "apt-get update && apt-get install -y curl\n"
    )
    [finding] = lint(text, CODE)
    assert "add `--mount=type=cache,target=/var/lib/apt,sharing=locked`" in said(finding)
    assert finding.fix is not None  # the lists are not under a mount: removing them is safe


def test_classic_builder_message_has_no_cache_mount() -> None:
    text = "FROM debian\nRUN apt-get update && apt-get install -y curl\n"
    [finding] = lint(text, CODE, builder="classic")
    assert "--mount" not in said(finding)


def test_reported_once_per_run_at_the_last_install() -> None:
    text = (
        "FROM debian\n"
        "RUN apt-get update \\\n"
        "    && apt-get install -y curl \\\n"
        "    && apt-get install -y git\n"
    )
    assert positions(lint(text, CODE)) == [(4, 8, 4, 23)]


def test_heredoc_body_is_reported_without_fix() -> None:
    text = "FROM debian\nRUN <<EOF\napt-get update\napt-get install -y curl\nEOF\n"
    [finding] = lint(text, CODE)
    assert positions([finding]) == [(4, 1, 4, 16)]
    assert finding.fix is None


def test_a_later_run_does_not_count() -> None:
    text = f"FROM debian\nRUN apt-get update && apt-get install -y curl\nRUN {CLEANUP}\n"
    assert positions(lint(text, CODE)) == [(2, 23, 2, 38)]


@pytest.mark.parametrize(
    "line",
    [
        f"RUN apt-get update && apt-get install -y curl && {CLEANUP}",
        "RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists",
        "RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/",
        "RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt",
        "RUN apt-get update && apt-get install -y curl && rm -fr /var/lib/apt/lists/* /tmp/*",
        "RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*_*",
        "RUN apt-get update && apt-get install -y curl; rm -rf /var/lib/apt/lists/*",
        "RUN apt-get update && apt-get install -y curl && cd /var/lib/apt && rm -rf lists",
        "RUN apt-get update && apt-get install -y curl && find /var/lib/apt/lists -delete",
        "RUN apt-get update && apt-get install -y curl && apt-get distclean",
        "RUN apt-get update && apt-get install -y curl && sudo rm -rf /var/lib/apt/lists/*",
        "RUN --mount=type=cache,target=/var/lib/apt/lists apt-get update && apt-get install x",
        "RUN --mount=type=cache,target=/var/lib/apt,sharing=locked apt-get update "
        "&& apt-get install -y curl",
        "RUN --mount=type=cache,dst=/var/lib/apt/lists apt-get update && apt-get install x",
        "RUN --mount=type=cache,destination=/var/lib/apt apt-get update && apt-get install x",
        "RUN --mount=type=tmpfs,target=/var/lib/apt/lists apt-get update && apt-get install x",
        "RUN apt-get install -y curl",
        "RUN apt-get update",
        "RUN apt-get update && apt-get purge -y vim",
        'RUN ["apt-get", "install", "-y", "curl"]',
        "RUN echo apt-get update && apt-get install",
    ],
)
def test_passes(line: str) -> None:
    assert lint(f"FROM debian\n{line}\n", CODE) == []


def test_mount_target_from_an_arg() -> None:
    text = (
        "FROM debian\n"
        "ARG LISTS=/var/lib/apt/lists\n"
        "RUN --mount=type=cache,target=$LISTS apt-get update && apt-get install -y curl\n"
    )
    assert lint(text, CODE) == []


def test_stage_used_only_for_specific_paths_is_skipped() -> None:
    text = (
        "FROM debian AS build\n"
        "RUN apt-get update && apt-get install -y gcc\n"
        "FROM scratch\n"
        "COPY --from=build /usr/bin/gcc /gcc\n"
    )
    assert lint(text, CODE) == []


@pytest.mark.parametrize(
    "tail",
    [
        "FROM scratch\nCOPY --from=build / /\n",
        "FROM build\nRUN true\n",
        "FROM scratch\n",  # the stage is never used: it may be a --target
    ],
)
def test_stage_whose_files_reach_an_image_is_checked(tail: str) -> None:
    text = "FROM debian AS build\nRUN apt-get update && apt-get install -y gcc\n" + tail
    assert positions(lint(text, CODE)) == [(2, 23, 2, 38)]


def test_onbuild_variant() -> None:
    line = onbuild("RUN apt-get update && apt-get install -y curl")
    findings = lint(f"FROM debian\n{line}\n", CODE)
    assert positions(findings) == [span(2, line, "apt-get install")]
    fixed = fix(f"FROM debian\n{line}\n", CODE)
    assert fixed == f"FROM debian\n{line} \\\n    && {CLEANUP}\n"


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (
            "RUN apt-get update && apt-get install -y curl\n",
            f"RUN apt-get update && apt-get install -y curl \\\n    && {CLEANUP}\n",
        ),
        (
            "RUN apt-get update \\\n  && apt-get install -y curl\n",
            f"RUN apt-get update \\\n  && apt-get install -y curl \\\n  && {CLEANUP}\n",
        ),
        (
            "RUN apt-get update && \\\n    apt-get install -y curl\n",
            f"RUN apt-get update && \\\n    apt-get install -y curl && \\\n    {CLEANUP}\n",
        ),
        (
            "RUN apt-get update && apt-get install -y \\\n        curl \\\n        git\n",
            "RUN apt-get update && apt-get install -y \\\n        curl \\\n        git \\\n"
            f"    && {CLEANUP}\n",
        ),
        (
            "RUN apt-get update && apt-get install -y curl && curl --version\n",
            f"RUN apt-get update && apt-get install -y curl \\\n    && {CLEANUP}"
            " && curl --version\n",
        ),
        (
            "RUN apt-get update \\\n    && apt-get install -y curl \\\n    && apt-get clean\n",
            "RUN apt-get update \\\n    && apt-get install -y curl \\\n    && apt-get clean"
            f" \\\n    && {CLEANUP}\n",
        ),
        (
            "RUN set -eux; apt-get update; apt-get install -y curl; echo done\n",
            f"RUN set -eux; apt-get update; apt-get install -y curl \\\n    && {CLEANUP};"
            " echo done\n",
        ),
        (
            "RUN apt-get update \\\n\t&& apt-get install -y curl\n",
            f"RUN apt-get update \\\n\t&& apt-get install -y curl \\\n\t&& {CLEANUP}\n",
        ),
    ],
)
def test_fix(before: str, after: str) -> None:
    assert fix("FROM debian\n" + before, CODE) == "FROM debian\n" + after


def test_fix_keeps_crlf_line_endings() -> None:
    before = "FROM debian\r\nRUN apt-get update \\\r\n    && apt-get install -y curl\r\n"
    after = (
        "FROM debian\r\nRUN apt-get update \\\r\n    && apt-get install -y curl \\\r\n"
        f"    && {CLEANUP}\r\n"
    )
    assert fix(before, CODE) == after


def test_fix_uses_the_escape_directive() -> None:
    head = '# escape=`\nFROM debian\nSHELL ["/bin/sh", "-c"]\n'
    before = head + "RUN apt-get update && apt-get install -y curl\n"
    after = head + f"RUN apt-get update && apt-get install -y curl `\n    && {CLEANUP}\n"
    assert fix(before, CODE) == after


@pytest.mark.parametrize(
    "head",
    [
        "# escape=`\nFROM debian\n",  # a backtick escape means a Windows image
        "FROM mcr.microsoft.com/windows/servercore:ltsc2022\n",
        'FROM debian\nSHELL ["powershell", "-Command"]\n',
    ],
)
def test_non_posix_shells_are_not_read(head: str) -> None:
    assert lint(head + "RUN apt-get update && apt-get install -y curl\n", CODE) == []


@pytest.mark.parametrize(
    "text",
    [
        "FROM debian\nRUN apt-get update && apt-get install -y curl | tee /log\n",
        "FROM debian\nRUN apt-get update && apt-get install -y curl || true\n",
        "FROM debian\nRUN <<EOF\napt-get update && apt-get install -y curl\nEOF\n",
        'FROM debian\nRUN sh -c "apt-get update && apt-get install -y curl"\n',
        # a later RUN relies on the lists
        "FROM debian\nRUN apt-get update && apt-get install -y curl\nRUN apt-get install -y git\n",
        "FROM debian AS base\nRUN apt-get update && apt-get install -y curl\n"
        "FROM base\nRUN apt-get install -y git\n",
    ],
)
def test_no_fix(text: str) -> None:
    findings = lint(text, CODE)
    assert findings
    assert all(finding.fix is None for finding in findings)
    assert fix(text, CODE) == text


def test_fix_offered_when_the_later_install_updates_itself() -> None:
    text = (
        "FROM debian\nRUN apt-get update && apt-get install -y curl\n"
        "RUN apt-get update && apt-get install -y git && rm -rf /var/lib/apt/lists/*\n"
    )
    [finding] = lint(text, CODE)
    assert finding.fix is not None


@pytest.mark.parametrize(
    "text",
    [
        "FROM debian\nRUN apt-get update && apt-get install -y curl\n",
        "FROM debian\nRUN apt-get update && \\\n    apt-get install -y curl && \\\n    make\n",
        "FROM debian\nONBUILD RUN apt-get update && apt-get install -y curl\n",
    ],
)
def test_idempotent(text: str) -> None:
    once = fix(text, CODE)
    assert once != text
    assert fix(once, CODE) == once
    assert lint(once, CODE) == []


def test_lists_a_later_install_relies_on_are_not_simply_to_be_removed() -> None:
    text = (
        "FROM debian\nRUN apt-get update && apt-get install -y curl\nRUN apt-get install -y wget\n"
    )
    [finding] = lint(text, CODE)
    assert finding.fix is None
    assert "a later RUN installs from them, or runs a script that may, without its own" in said(
        finding
    )


def test_corpus_python36_later_install_relies_on_the_lists() -> None:
    from corpus_support import corpus_root

    name = "host__3.0__buster__amd64__python__python36__python36.Dockerfile"
    path = corpus_root() / "files" / "Azure__azure-functions-docker" / name
    [finding] = [f for f in lint(path.read_text(encoding="utf-8"), CODE) if f.location.line == 264]
    assert finding.fix is None
    assert "a later RUN installs from them" in said(finding)


# -- scripts the RUN runs, which lintlayers does not read -----------------------------------


@pytest.mark.parametrize(
    "script",
    [
        "bash /tmp/scripts/sshd-debian.sh",
        "./install.sh",
        "curl -fsSL https://get.example.com | sh",
        ". /tmp/env.sh",
    ],
)
def test_a_later_script_is_not_assumed_to_remove_the_lists(script: str) -> None:
    """Install scripts leave the lists to the Dockerfile; the removal goes after the script,
    which may install from them (or download them again when it finds none)."""
    text = f"FROM debian\nRUN apt-get update && apt-get install -y curl && {script}\n"
    [finding] = lint(text, CODE)
    assert finding.location.line == 2
    fixed = f"FROM debian\nRUN apt-get update && apt-get install -y curl && {script} \\\n"
    assert fix(text, CODE) == fixed + f"    && {CLEANUP}\n"
    assert lint(fix(text, CODE), CODE) == []


def test_an_ordinary_command_after_the_install_is_still_reported_and_fixed_before_it() -> None:
    text = "FROM debian\nRUN apt-get update && apt-get install -y gcc make && make install\n"
    [finding] = lint(text, CODE)
    assert finding.location.line == 2
    assert fix(text, CODE) == (
        f"FROM debian\nRUN apt-get update && apt-get install -y gcc make \\\n    && {CLEANUP}"
        " && make install\n"
    )


def test_corpus_codespaces_library_scripts_keep_the_lists() -> None:
    """The RUN runs the devcontainer library scripts after its last install; none of them
    removes /var/lib/apt/lists (read upstream, microsoft/vscode-dev-containers), and the
    RUN ends with `apt-get clean`, which keeps them: reported, the removal after the scripts."""
    from corpus_support import corpus_root

    name = "containers__codespaces-linux__.devcontainer__base.Dockerfile"
    path = corpus_root() / "files" / "microsoft__vscode-dev-containers" / name
    text = path.read_text(encoding="utf-8")
    [finding] = [f for f in lint(text, CODE) if f.location.line == 55]
    # a later RUN runs more library scripts (python-debian.sh), which may install with
    # apt: no fix, the help says to give them an update; without them, the removal goes
    # after `apt-get clean -y`, past every script of the RUN
    assert finding.fix is None and "runs a script that may" in said(finding)
    alone = text[: text.index("RUN", text.index("apt-get clean -y"))]
    [finding] = [f for f in lint(alone, CODE) if f.location.line == 55]
    assert finding.fix is not None
    [edit] = finding.fix.edits
    assert edit.location.line == 66
    assert edit.content.endswith(CLEANUP)


def test_corpus_clojure_installer_script_gets_the_removal_after_it() -> None:
    from corpus_support import corpus_root

    path = (
        corpus_root()
        / "files"
        / "microsoft__vscode-dev-containers"
        / "containers__clojure__.devcontainer__Dockerfile"
    )
    text = path.read_text(encoding="utf-8")
    [finding] = [f for f in lint(text, CODE) if f.location.line == 37]
    assert finding.fix is not None
    [edit] = finding.fix.edits
    assert edit.location.line == 40  # after /linux-install-${CLOJURE_CLI_VERSION}.sh


LATER = "the removal at line {}, in a later layer, does not take them out of this one"


def test_help_names_a_later_removal_that_does_not_shrink_the_layer() -> None:
    """One finding per problem: LL306 leaves the later `rm` to this finding, which says
    why it does not help; each install keeping the lists gets its own finding and fix."""
    text = (
        "FROM debian\nRUN apt-get update && apt-get install -y curl\n"
        "RUN apt-get update && apt-get install -y git\nRUN echo hi\n"
        "RUN apt-get clean && \\\n    rm -rf /var/lib/apt/lists/*\n"
    )
    findings = lint(text, CODE)
    assert [finding.location.line for finding in findings] == [2, 3]
    for finding in findings:
        assert LATER.format(6) in said(finding)
        assert finding.fix is not None
    assert lint(fix(text, CODE), CODE) == []


@pytest.mark.parametrize(
    "later",
    [
        "RUN echo done",  # nothing removes them
        "RUN rm -rf /var/cache/apt/*",  # not the lists
        "RUN --mount=type=cache,target=/var/lib/apt rm -rf /var/lib/apt/lists/*",  # the mount's
    ],
)
def test_help_names_no_removal_that_is_not_one(later: str) -> None:
    [finding] = lint(f"FROM debian\nRUN apt-get update && apt-get install -y curl\n{later}\n", CODE)
    assert "in a later layer" not in said(finding)


def test_help_names_no_removal_of_another_stage() -> None:
    text = (
        "FROM debian AS base\nRUN apt-get update && apt-get install -y curl\n"
        "FROM base\nRUN rm -rf /var/lib/apt/lists/*\n"
    )
    [finding] = lint(text, CODE)
    assert "in a later layer" not in said(finding)


def test_help_names_no_removal_in_a_stage_whose_layers_do_not_ship() -> None:
    """`COPY --from=build / /` copies the final files: there the later removal does
    shrink the image (and LL306 does not report it), so the help does not name it."""
    text = (
        "FROM debian AS build\nRUN apt-get update && apt-get install -y curl\n"
        "RUN rm -rf /var/lib/apt/lists/*\nFROM scratch\nCOPY --from=build / /\n"
    )
    [finding] = lint(text, CODE)
    assert "in a later layer" not in said(finding)


def test_a_later_script_may_install_from_the_lists() -> None:
    """apache/apisix-docker's ubuntu image keeps the lists at line 38, then a later RUN runs
    `./install-brotli.sh`, which runs `apt-get install` without an update: removing the
    lists at line 38 (the former safe fix) would break that step."""
    text = (
        "FROM ubuntu:22.04\nRUN apt update && apt install -y libxml2\n"
        "COPY ./install-brotli.sh /install-brotli.sh\n"
        "RUN chmod +x /install-brotli.sh && cd / && ./install-brotli.sh\n"
    )
    [finding] = lint(text, CODE)
    assert finding.fix is None
    assert "or runs a script that may" in said(finding)
    plain = text.replace("./install-brotli.sh\n", "echo done\n")
    [finding] = lint(plain, CODE)
    assert finding.fix is not None
