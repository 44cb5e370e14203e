"""LL104 add-url-without-checksum."""

from __future__ import annotations

import pytest
from rule_harness import fix, lint, onbuild, positions, said

CODE = "LL104"
SHA = "8a4f5d1c2b3e4f5061728394a5b6c7d8e9f00112"


def span(line: int, text: str, word: str) -> tuple[int, int, int, int]:
    """(line, column, end line, end column) of ``word`` in the line ``text``."""
    column = text.index(word) + 1
    return (line, column, line, column + len(word))


@pytest.mark.parametrize(
    ("line", "url"),
    [
        ("ADD https://example.com/tool.tgz /tmp/", "https://example.com/tool.tgz"),
        ("ADD http://example.com/tool.tgz /tmp/", "http://example.com/tool.tgz"),
        ("ADD --chmod=755 https://example.com/tool /usr/bin/tool", "https://example.com/tool"),
        ("add https://example.com/tool-${V}.tgz /tmp/", "https://example.com/tool-${V}.tgz"),
        ('ADD ["https://example.com/tool.tgz", "/tmp/"]', "https://example.com/tool.tgz"),
        ("ADD https://a.example/x https://b.example/y /tmp/", "https://a.example/x"),
    ],
)
def test_reports_url_without_checksum(line: str, url: str) -> None:
    findings = lint(f"FROM alpine\n{line}\n", CODE)
    assert positions(findings)[:1] == [span(2, line, url)]
    assert "--checksum=sha256:" in said(findings[0])
    assert findings[0].fix is None


def test_every_remote_source_is_reported() -> None:
    line = "ADD https://a.example/x https://b.example/y /tmp/"
    findings = lint(f"FROM alpine\n{line}\n", CODE)
    assert positions(findings) == [
        span(2, line, "https://a.example/x"),
        span(2, line, "https://b.example/y"),
    ]


@pytest.mark.parametrize(
    ("line", "what"),
    [
        ("ADD https://github.com/org/repo.git#main /src", "ref 'main'"),
        ("ADD https://github.com/org/repo.git /src", "the default branch"),
        ("ADD git@github.com:org/repo.git /src", "the default branch"),
        ("ADD git@github.com:org/repo.git#dev:sub /src", "ref 'dev'"),
        ("ADD https://github.com/alpinelinux/aports.git#3.24-stable /src", "'3.24-stable'"),
        ("ADD https://github.com/org/repo.git?ref=v2&keep-git-dir=1 /src", "ref 'v2'"),
        ("ADD --keep-git-dir=true https://github.com/org/repo.git#1a2b3c4 /src", "'1a2b3c4'"),
    ],
)
def test_reports_git_ref_that_is_not_a_commit(line: str, what: str) -> None:
    findings = lint(f"FROM alpine\n{line}\n", CODE)
    assert len(findings) == 1
    assert "Git repository" in said(findings[0])
    assert what in said(findings[0])
    assert "full commit SHA" in said(findings[0])
    assert "--checksum=sha256" not in said(findings[0])


def test_git_range_is_the_url() -> None:
    line = "ADD --keep-git-dir=true https://github.com/org/repo.git#main /src"
    assert positions(lint(f"FROM alpine\n{line}\n", CODE)) == [
        span(2, line, "https://github.com/org/repo.git#main")
    ]


def test_git_ref_from_an_arg_is_expanded() -> None:
    text = "FROM alpine\nARG REF=main\nADD https://github.com/org/repo.git#${REF} /src\n"
    [finding] = lint(text, CODE)
    assert "${REF}='main'" in said(finding)


@pytest.mark.parametrize(
    "line",
    [
        "ADD git@github.com:org/repo.git#v1.2.3:sub /src",
        "ADD https://github.com/org/repo.git?ref=v1.26.3&keep-git-dir=1 /src",
        "ADD https://github.com/tpoechtrager/cctools-port.git#1030.6.3-ld64-956.6 /src",
        "ARG TINI_VERSION=v0.19.0\nADD https://github.com/krallin/tini.git?ref=${TINI_VERSION} .",
        "ARG BATS_VERSION\nADD https://github.com/bats-core/bats-core.git#$BATS_VERSION /src",
    ],
)
def test_passes_a_git_release_tag(line: str) -> None:
    assert lint(f"FROM alpine\n{line}\n", CODE) == []


def test_corpus_git_release_tags_are_not_reported() -> None:
    """moby/moby's Dockerfile fetches every tool at a release tag (``v1.13.0``,
    ``v0.19.0``...): BuildKit resolves each to the same commit on every build."""
    from corpus_support import corpus_root

    path = corpus_root() / "files" / "moby__moby" / "Dockerfile"
    findings = lint(path.read_text(encoding="utf-8"), CODE)
    assert [f.location.line for f in findings] == [68]  # the unversioned criu key URL


@pytest.mark.parametrize(
    "text",
    [
        "FROM alpine\nADD --checksum=sha256:abc https://example.com/tool.tgz /tmp/\n",
        "FROM alpine\nADD tool.tgz /tmp/\n",
        "FROM alpine\nADD . /src\n",
        "FROM alpine\nCOPY https-proxy.conf /etc/\n",
        f"FROM alpine\nADD https://github.com/org/repo.git#{SHA} /src\n",
        f"FROM alpine\nADD git@github.com:org/repo.git#{SHA}:sub /src\n",
        f"FROM alpine\nADD https://github.com/org/repo.git?ref={SHA} /src\n",
        "FROM alpine\nADD https://github.com/org/repo.git?ref=main&checksum=abc123 /src\n",
        f"FROM alpine\nARG REF={SHA}\nADD https://github.com/org/repo.git#$REF /src\n",
        f"ARG REF={SHA}\nFROM alpine\nARG REF\nADD https://github.com/org/repo.git#$REF /src\n",
        "FROM alpine\nADD $URL /tmp/\n",
        f"FROM alpine\nADD https://github.com/org/repo/raw/{SHA}/bin/tool /bin/tool\n",
    ],
)
def test_passes(text: str) -> None:
    assert lint(text, CODE) == []


def test_onbuild_add_is_reported() -> None:
    line = onbuild("ADD https://example.com/tool.tgz /tmp/")
    assert positions(lint(f"FROM alpine\n{line}\n", CODE)) == [
        span(2, line, "https://example.com/tool.tgz")
    ]


def test_classic_builder_message() -> None:
    [finding] = lint("FROM alpine\nADD https://example.com/t.tgz /tmp/\n", CODE, builder="classic")
    assert "classic builder" in said(finding)
    assert "sha256sum" in said(finding)


def test_long_url_is_shortened_in_message() -> None:
    url = "https://example.com/" + "a" * 100 + ".tgz"
    [finding] = lint(f"FROM alpine\nADD {url} /tmp/\n", CODE)
    assert url not in said(finding)
    assert "https://example.com/aaa" in said(finding)


def test_no_fix_is_offered() -> None:
    text = "FROM alpine\nADD https://example.com/tool.tgz /tmp/\n"
    assert fix(text, CODE, unsafe=True) == text


def test_exact_columns() -> None:
    findings = lint("FROM alpine\nADD https://example.com/tool.tgz /tmp/\n", CODE)
    assert positions(findings) == [(2, 5, 2, 33)]


@pytest.mark.parametrize(
    "line",
    [
        "ADD https://github.com/o/r/releases/download/v1.2.3/tool.tar.gz /tmp/",
        "ADD https://example.com/dist/tool-1.2.tar.gz /tmp/",
        "ADD https://example.com/1.21.0/go.tgz /tmp/",
        "ADD https://example.com/tool-${TOOL_VERSION}.tgz /tmp/",
    ],
)
def test_a_release_file_named_by_its_version_is_not_a_cache_bust(line: str) -> None:
    assert lint(f"FROM alpine\n{line}\n", CODE) == []


@pytest.mark.parametrize(
    "line",
    [
        "ADD https://example.com/tool/tool.tar.gz /tmp/",
        "ADD https://raw.githubusercontent.com/o/r/master/install.sh /tmp/",
        "ADD https://example.com/currently/tool.tgz /tmp/",
        "ADD https://alive.example.com/procmon.exe /tmp/",
    ],
)
def test_a_mutable_url_is_still_reported(line: str) -> None:
    assert len(lint(f"FROM alpine\n{line}\n", CODE)) == 1


@pytest.mark.parametrize(
    "line",
    [
        "ADD https://example.com/tool/latest.tar.gz /tmp/",
        "ADD https://github.com/o/r/releases/latest/download/tool.tar.gz /tmp/",
        "ADD https://dl.google.com/linux/direct/google-chrome-beta_current_amd64.deb /src/",
        "ADD https://example.com/nightly/tool.zip /tmp/",
        "ADD https://master.dockerproject.org/windows/x86_64/docker.exe /docker.exe",
        "ADD https://live.sysinternals.com/procmon.exe /tmp/",  # Sysinternals Live
    ],
)
def test_a_url_naming_itself_the_newest_build_follows_upstream_on_purpose(line: str) -> None:
    assert lint(f"FROM alpine\n{line}\n", CODE) == []


def test_corpus_urls_that_follow_upstream_are_left_alone() -> None:
    from corpus_support import corpus_root

    files = corpus_root() / "files"
    beta = files / "jessfraz__dockerfiles" / "_hist_bafa1304c72a__chrome__beta__Dockerfile"
    assert lint(beta.read_text(encoding="utf-8"), CODE) == []  # ..._current_amd64.deb
    insider = files / "StefanScherer__dockerfiles-windows" / "xterm__Dockerfile.insider"
    assert lint(insider.read_text(encoding="utf-8"), CODE) == []  # master.dockerproject.org


def test_corpus_release_url_with_a_version_argument_is_left_alone() -> None:
    from corpus_support import corpus_root

    folder = corpus_root() / "files" / "StefanScherer__dockerfiles-windows"
    pinned = (folder / "traefik__Dockerfile").read_text(encoding="utf-8")
    assert lint(pinned, CODE) == []  # .../releases/download/v${TRAEFIK_VERSION}/...
    live = (folder / "procmon__Dockerfile").read_text(encoding="utf-8")
    assert lint(live, CODE) == []  # live.sysinternals.com serves the newest release
    mutable = (folder / "busybox__Dockerfile").read_text(encoding="utf-8")
    [finding] = lint(mutable, CODE)  # frippery.org/files/busybox/busybox64.exe
    assert finding.location.line == 8
    assert "classic builder" in finding.message  # a Windows image


@pytest.mark.parametrize(
    ("url", "branch"),
    [
        ("https://raw.githubusercontent.com/o/r/master/install.sh", "master"),
        ("https://raw.githubusercontent.com/o/r/refs/heads/main/install.sh", "main"),
        ("https://github.com/o/r/raw/develop/LICENSE", "develop"),
        ("https://github.com/o/r/archive/master.zip", "master"),
        ("https://github.com/o/r/archive/refs/heads/main.tar.gz", "main"),
        ("https://gitlab.com/group/sub/r/-/raw/main/setup.sh", "main"),
    ],
)
def test_a_file_at_a_branch_is_pinned_by_a_commit_in_the_url(url: str, branch: str) -> None:
    """A checksum on a branch's file fails the build at the branch's next commit."""
    for builder in ("buildkit", "classic"):
        [finding] = lint(f"FROM alpine\nADD {url} /tmp/\nRUN true\n", CODE, builder=builder)
        assert f"put a commit in the URL in place of branch `{branch}`" in said(finding)
        assert "--checksum=sha256:" not in said(finding)
    pinned = url.replace(f"/{branch}", f"/{SHA}", 1).replace("refs/heads/", "")
    assert lint(f"FROM alpine\nADD {pinned} /tmp/\n", CODE) == []


def test_a_file_that_is_no_branch_keeps_the_checksum_advice() -> None:
    for url in ("https://example.com/master/tool.tgz", "https://github.com/o/r/issues/12"):
        [finding] = lint(f"FROM alpine\nADD {url} /tmp/\n", CODE)
        assert "--checksum=sha256:" in said(finding)
        assert "in place of branch" not in said(finding)


def test_the_last_instruction_re_runs_alone() -> None:
    url = "https://example.com/tool.tgz"
    [before] = lint(f"FROM alpine\nADD {url} /tmp/\nRUN true\n", CODE)
    assert before.message.endswith("re-runs this step and all after it")
    [last] = lint(f"FROM alpine\nRUN true\nADD {url} /tmp/\n", CODE)
    assert last.message.endswith("re-runs this step")
    [staged] = lint(f"FROM alpine AS a\nADD {url} /tmp/\nFROM a\nRUN true\n", CODE)
    assert staged.message.endswith("and all after it")
    [git] = lint("FROM alpine\nADD https://github.com/o/r.git#main /src\n", CODE)
    assert git.message.endswith("a moved ref re-runs this step")
    [child] = lint(f"FROM alpine\n{onbuild('ADD ' + url + ' /tmp/')}\n", CODE)
    assert child.message.endswith("and all after it")  # the child image's steps follow


def test_corpus_branch_files_of_a_test_fixture() -> None:
    from corpus_support import corpus_root

    path = corpus_root() / "files" / "GoogleContainerTools__kaniko"
    text = (path / "integration__dockerfiles-with-context__issue-57__Dockerfile").read_text()
    findings = lint(text, CODE)
    assert [f.location.line for f in findings] == [28, 31]
    assert all("in place of branch `master`" in said(f) for f in findings)
    assert findings[0].message.endswith("and all after it")
    assert findings[1].message.endswith("re-runs this step")  # the file's last line


def test_a_windows_stage_gets_the_classic_builders_message() -> None:
    """Windows images build with the classic builder, which has no `ADD --checksum`."""
    tail = "ADD https://example.com/tool.zip /tool.zip\nRUN echo\n"
    [windows] = lint(f"FROM mcr.microsoft.com/windows/servercore:ltsc2022\n{tail}", CODE)
    [linux] = lint(f"FROM alpine\n{tail}", CODE)
    assert "classic builder" in windows.message
    assert "--checksum" in linux.message
