"""The one parse of COPY/ADD arguments (lintlayers.model.copy_args)."""

from __future__ import annotations

import pytest

from lintlayers.model.copy_args import GIT, HEREDOC, LOCAL, URL, copy_args, source_kind
from lintlayers.syntax.parser import parse


def _parse(line: str, body: str = ""):
    dockerfile = parse(f"FROM scratch\n{line}\n{body}")
    instruction = dockerfile.instructions[1]
    return dockerfile, instruction, copy_args(instruction)


def test_sources_destination_and_ranges() -> None:
    dockerfile, _, parsed = _parse("COPY a.txt src/ /app/")
    assert [source.value for source in parsed.sources] == ["a.txt", "src/"]
    assert parsed.destination is not None and parsed.destination.value == "/app/"
    text = dockerfile.source.text
    for argument in (*parsed.sources, parsed.destination):
        assert text[argument.start : argument.end] == argument.value
    assert not parsed.exec_form
    assert parsed.from_context


def test_exec_form_ranges_without_quotes() -> None:
    dockerfile, _, parsed = _parse('COPY ["a b.txt", "c", "/d/"]')
    assert parsed.exec_form
    assert [source.value for source in parsed.sources] == ["a b.txt", "c"]
    text = dockerfile.source.text
    assert [text[s.start : s.end] for s in parsed.sources] == ["a b.txt", "c"]
    assert parsed.destination is not None and parsed.destination.value == "/d/"


@pytest.mark.parametrize(
    ("flags", "attribute", "expected"),
    [
        ("--from=build", "from_stage", "build"),
        ("", "from_stage", None),
        ("--link", "link", True),
        ("--link=true", "link", True),
        ("--link=false", "link", False),
        ("", "link", False),
        ("--parents", "parents", True),
        ("--parents=false", "parents", False),
        ("--exclude=*.md --exclude=docs", "excludes", ("*.md", "docs")),
        ("--chown=app:app", "chown", "app:app"),
        ("--chmod=755", "chmod", "755"),
        ("--keep-git-dir", "keep_git_dir", True),
        ("--checksum=sha256:abc", "checksum", "sha256:abc"),
        ("", "checksum", None),
    ],
)
def test_flags(flags: str, attribute: str, expected: object) -> None:
    _, _, parsed = _parse(f"ADD {flags} a /b")
    assert getattr(parsed, attribute) == expected


def test_heredoc_sources() -> None:
    _, _, parsed = _parse('COPY <<EOF <<-"TWO" /dest/', "hi\nEOF\ntwo\nTWO\n")
    assert [source.kind for source in parsed.sources] == [HEREDOC, HEREDOC]
    assert [source.heredoc_name for source in parsed.sources] == ["EOF", "TWO"]
    assert parsed.destination is not None and parsed.destination.value == "/dest/"
    assert parsed.file_sources == []
    assert parsed.expanded({}) == ([], "/dest/")


def test_heredoc_without_destination() -> None:
    _, _, parsed = _parse("COPY <<EOF", "hi\nEOF\n")
    assert parsed.destination is None
    assert [source.kind for source in parsed.sources] == [HEREDOC]


def test_missing_destination() -> None:
    _, _, parsed = _parse("COPY onlyone")
    assert parsed.destination is None
    assert parsed.sources == ()
    assert parsed.values == []


def test_expanded_keeps_unknown_variables() -> None:
    _, _, parsed = _parse("COPY $SRC/a ${DEST}/")
    assert parsed.expanded({"SRC": "lib"}) == (["lib/a"], "${DEST}/")


def test_onbuild_parses_the_wrapped_instruction() -> None:
    _, instruction, parsed = _parse("ONBUILD COPY --from=x a /b")
    assert instruction.keyword == "ONBUILD"
    assert parsed.keyword == "COPY"
    assert parsed.from_stage == "x"


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("src", LOCAL),
        ("./a/b.txt", LOCAL),
        ("https://example.com/a.tar.gz", URL),
        ("HTTP://example.com/a", URL),
        ("https://github.com/o/r.git#v1", GIT),
        ("https://github.com/o/r.git?ref=main", GIT),
        ("git@github.com:o/r.git", GIT),
        ("git://example.com/r", GIT),
        ("ssh://git@example.com/r", GIT),
        ("ftp://example.com/a", LOCAL),  # BuildKit fetches only http(s)
    ],
)
def test_source_kind(value: str, kind: str) -> None:
    assert source_kind(value) == kind


def test_remote_and_local_sources() -> None:
    _, _, parsed = _parse("ADD https://x/y.tgz git@h:o/r.git local.txt /z/")
    assert [source.is_remote for source in parsed.sources] == [True, True, False]
    assert [source.value for source in parsed.local_sources] == ["local.txt"]
