"""LL308 archive-kept-after-extract."""

from __future__ import annotations

import pytest
from rule_harness import fix, lint, onbuild, positions, said

CODE = "LL308"
URL = "https://example.com/tool.tar.gz"


def span(line: int, text: str, word: str) -> tuple[int, int, int, int]:
    column = text.index(word) + 1
    return (line, column, line, column + len(word))


@pytest.mark.parametrize(
    ("line", "download"),
    [
        (f"RUN curl -fsSLo /tmp/tool.tgz {URL} && tar -xzf /tmp/tool.tgz -C /opt",
         f"curl -fsSLo /tmp/tool.tgz {URL}"),
        (f"RUN cd /tmp && curl -fsSLO {URL} && tar xzf tool.tar.gz -C /opt",
         f"curl -fsSLO {URL}"),
        (f"RUN curl -o tool.tgz {URL} && tar --extract --file=tool.tgz", f"curl -o tool.tgz {URL}"),
        (f"RUN curl --output /tmp/t.tgz {URL} && tar -x -f /tmp/t.tgz",
         f"curl --output /tmp/t.tgz {URL}"),
        (f"RUN wget {URL} && tar -xzf tool.tar.gz", f"wget {URL}"),
        (f"RUN wget -O /tmp/t.zip {URL} && unzip /tmp/t.zip -d /opt", f"wget -O /tmp/t.zip {URL}"),
        (f"RUN wget -q -P /tmp {URL} && tar -C /opt -xf /tmp/tool.tar.gz",
         f"wget -q -P /tmp {URL}"),
        (f"RUN curl -o /tmp/t.7z {URL} && 7z x /tmp/t.7z", f"curl -o /tmp/t.7z {URL}"),
        (f"RUN curl -o /tmp/t.gz {URL} && gunzip -k /tmp/t.gz", f"curl -o /tmp/t.gz {URL}"),
        (f"RUN curl -o /tmp/t.zst {URL} && zstd -d /tmp/t.zst", f"curl -o /tmp/t.zst {URL}"),
        (f"RUN curl -fsSL {URL} > /tmp/t.tgz && tar xzf /tmp/t.tgz && rm -rf /tmp/other",
         f"curl -fsSL {URL} > /tmp/t.tgz"),
        (f"RUN --mount=type=cache,target=/var/cache/apt curl -o /tmp/t.tgz {URL} "
         "&& tar xzf /tmp/t.tgz", f"curl -o /tmp/t.tgz {URL}"),
    ],
)  # fmt: skip
def test_reports(line: str, download: str) -> None:
    findings = lint(f"FROM debian\n{line}\n", CODE)
    assert positions(findings) == [span(2, line, download)]
    assert "extracts but never removes" in said(findings[0])


def test_message_names_the_archive() -> None:
    text = f"FROM debian\nWORKDIR /src\nRUN curl -fsSLO {URL} && tar xzf tool.tar.gz\n"
    [finding] = lint(text, CODE)
    assert "/src/tool.tar.gz" in said(finding)
    assert "rm -f /src/tool.tar.gz" in said(finding)
    assert "| tar -x" in said(finding)
    assert "about 28% of the extracted files' size again" in said(finding)
    zip_text = f"FROM debian\nRUN curl -o /t.zip {URL} && unzip /t.zip\n"
    [unzip] = lint(zip_text, CODE)
    assert "stream" not in said(unzip)  # unzip cannot read a pipe


@pytest.mark.parametrize(
    "line",
    [
        f"RUN curl -fsSL {URL} | tar -xz -C /opt",
        f"RUN wget -qO- {URL} | tar -xz -C /opt",
        f"RUN curl -o /tmp/t.tgz {URL} && tar xzf /tmp/t.tgz && rm /tmp/t.tgz",
        f"RUN curl -o /tmp/t.tgz {URL} && tar xzf /tmp/t.tgz && rm -rf /tmp/*",
        f"RUN cd /tmp && curl -O {URL} && tar xzf tool.tar.gz && rm tool.tar.gz",
        f"RUN cd /tmp && curl -O {URL} && tar xzf tool.tar.gz && cd / && rm /tmp/tool.tar.gz",
        f"RUN mkdir /b && cd /b && curl -O {URL} && tar xzf tool.tar.gz && cd / && rm -rf /b",
        f'RUN d="$(mktemp -d)" && curl -o "$d/t.tgz" {URL} && tar xzf "$d/t.tgz" && rm -rf "$d"',
        f"RUN curl -o /tmp/t.tgz {URL} && tar xzf /tmp/t.tgz; rm -f /tmp/t.tgz",
        f"RUN curl -o /tmp/t.gz {URL} && gunzip /tmp/t.gz",  # gunzip removes the archive
        f"RUN curl -o /tmp/t.zst {URL} && zstd -d --rm /tmp/t.zst",
        f"RUN curl -o /tmp/t.tgz {URL}",  # downloaded but not extracted: not this rule
        f"RUN curl -o /tmp/t.tgz {URL} && tar tzf /tmp/t.tgz",  # listed, not extracted
        f"RUN curl -o /tmp/a.tgz {URL} && tar xzf /tmp/b.tgz",
        f"RUN tar xzf /tmp/t.tgz && curl -o /tmp/t.tgz {URL}",
        f"RUN --mount=type=cache,target=/downloads curl -o /downloads/t.tgz {URL} "
        "&& tar xzf /downloads/t.tgz",
        f"RUN --mount=type=tmpfs,target=/tmp curl -o /tmp/t.tgz {URL} && tar xzf /tmp/t.tgz",
        f'RUN ["sh", "-c", "curl -o /tmp/t.tgz {URL} && tar xzf /tmp/t.tgz"]',
    ],
)
def test_passes(line: str) -> None:
    assert lint(f"FROM debian\n{line}\n", CODE) == []


def test_variables_are_expanded_to_match_but_kept_as_written() -> None:
    text = (
        "FROM debian\nARG V=1.2\n"
        "RUN curl -o /tmp/tool-$V.tgz https://e.com/tool-${V}.tgz && tar xzf /tmp/tool-${V}.tgz\n"
    )
    [finding] = lint(text, CODE)  # `$V` and `${V}` name the same file
    assert "rm -f /tmp/tool-$V.tgz" in said(finding)
    assert "1.2" not in said(finding)


def test_stage_used_only_for_specific_paths_is_skipped() -> None:
    text = (
        f"FROM debian AS build\nRUN curl -o /tmp/t.tgz {URL} && tar xzf /tmp/t.tgz -C /opt\n"
        "FROM scratch\nCOPY --from=build /opt/tool /tool\n"
    )
    assert lint(text, CODE) == []


def test_heredoc_body_is_reported_without_fix() -> None:
    text = f"FROM debian\nRUN <<EOF\ncurl -o /tmp/t.tgz {URL}\ntar xzf /tmp/t.tgz\nEOF\n"
    [finding] = lint(text, CODE)
    assert positions([finding]) == [(3, 1, 3, len(f"curl -o /tmp/t.tgz {URL}") + 1)]
    assert finding.fix is None


def test_onbuild_variant() -> None:
    line = onbuild(f"RUN curl -o /tmp/t.tgz {URL} && tar xzf /tmp/t.tgz")
    text = f"FROM debian\n{line}\n"
    assert positions(lint(text, CODE)) == [span(2, line, f"curl -o /tmp/t.tgz {URL}")]
    assert fix(text, CODE, unsafe=True) == f"FROM debian\n{line} \\\n    && rm -f /tmp/t.tgz\n"


def test_fix_is_unsafe() -> None:
    text = f"FROM debian\nRUN curl -o /tmp/t.tgz {URL} && tar xzf /tmp/t.tgz\n"
    [finding] = lint(text, CODE)
    assert finding.fix is not None and finding.fix.applicability == "unsafe"
    assert fix(text, CODE) == text


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (f"RUN curl -o /tmp/t.tgz {URL} && tar xzf /tmp/t.tgz",
         f"RUN curl -o /tmp/t.tgz {URL} && tar xzf /tmp/t.tgz \\\n    && rm -f /tmp/t.tgz"),
        (f"RUN cd /tmp \\\n  && curl -O {URL} \\\n  && tar xzf tool.tar.gz \\\n  && cd /",
         f"RUN cd /tmp \\\n  && curl -O {URL} \\\n  && tar xzf tool.tar.gz \\\n  && cd / \\\n"
         "  && rm -f /tmp/tool.tar.gz"),
        (f"RUN curl -O {URL} && tar xzf tool.tar.gz",  # unknown WORKDIR, no cd: as written
         f"RUN curl -O {URL} && tar xzf tool.tar.gz \\\n    && rm -f tool.tar.gz"),
    ],
)  # fmt: skip
def test_fix(before: str, after: str) -> None:
    assert fix(f"FROM debian\n{before}\n", CODE, unsafe=True) == f"FROM debian\n{after}\n"


@pytest.mark.parametrize(
    "line",
    [
        f"RUN curl -O {URL} && tar xzf tool.tar.gz && cd /opt",  # unknown WORKDIR, then cd
        f"RUN curl -o /tmp/t.tgz {URL} && tar xzf /tmp/t.tgz && echo done | tee /log && "
        "if true; then :; fi",
        f"RUN curl -o '/tmp/my tool.tgz' {URL} && tar xzf '/tmp/my tool.tgz'",
    ],
)
def test_no_fix(line: str) -> None:
    text = f"FROM debian\n{line}\n"
    [finding] = lint(text, CODE)
    assert finding.fix is None


@pytest.mark.parametrize(
    "text",
    [
        f"FROM debian\nRUN curl -o /tmp/t.tgz {URL} && tar xzf /tmp/t.tgz\n",
        f"FROM debian\nWORKDIR /w\nRUN wget {URL} && tar xzf tool.tar.gz && cd /\n",
        f"FROM debian\nRUN curl -O {URL} && tar xzf tool.tar.gz\n",
    ],
)
def test_idempotent(text: str) -> None:
    once = fix(text, CODE, unsafe=True)
    assert once != text
    assert fix(once, CODE, unsafe=True) == once
    assert lint(once, CODE) == []


def test_fix_keeps_the_build_argument_in_the_name() -> None:
    text = (
        "FROM debian\nARG V=3.5.4\nWORKDIR /tmp\n"
        "RUN wget https://example.com/etcd-${V}.tar.gz \\\n    && tar -xzf etcd-${V}.tar.gz\n"
    )
    [finding] = lint(text, CODE)
    assert "/tmp/etcd-${V}.tar.gz" in said(finding)
    fixed = fix(text, CODE, unsafe=True)
    assert fixed.endswith("&& rm -f /tmp/etcd-${V}.tar.gz\n")
    assert "3.5.4.tar.gz" not in fixed
    assert lint(fixed, CODE) == []


def test_corpus_apisix_fix_keeps_etcd_version_variable() -> None:
    from corpus_support import corpus_root

    path = corpus_root() / "files" / "apache__apisix-docker" / "all-in-one__apisix__Dockerfile"
    fixed = fix(path.read_text(encoding="utf-8"), CODE, unsafe=True)
    assert "rm -f /tmp/etcd-${ETCD_VERSION}-linux-amd64.tar.gz" in fixed
    assert "etcd-v3.5.4-linux-amd64.tar.gz" not in fixed


def test_fix_with_a_variable_holding_the_folder_is_idempotent() -> None:
    """Found by fuzzing rabbitmq's Dockerfile: ``$OPENSSL_PATH`` is an absolute path."""
    text = (
        "FROM debian\nARG V=3.1\n"
        'RUN P="/usr/local/src/openssl-$V"; \\\n'
        '    wget -O "$P.tar.gz" https://example.com/o.tgz; \\\n'
        '    tar --extract --file "$P.tar.gz" --directory /opt\n'
    )
    fixed = fix(text, CODE, unsafe=True)
    assert "rm -f $P.tar.gz" in fixed
    assert fix(fixed, CODE, unsafe=True) == fixed
    assert lint(fixed, CODE) == []


@pytest.mark.parametrize(
    "after",
    ["./configure && make install", "bash ./install.sh", "./setup.sh", "python setup.py install"],
)
def test_a_later_build_script_does_not_count_as_removing_the_archive(after: str) -> None:
    """Build and install scripts of the unpacked tree (corpus: ingress-nginx's luarocks,
    mhart's node builds) do not remove the archive they came in."""
    text = (
        "FROM debian\nRUN curl -fsSLO https://x.example/tool.tar.gz && tar -xzf tool.tar.gz"
        f" && cd tool && {after}\n"
    )
    [finding] = lint(text, CODE)
    assert finding.location.line == 2
