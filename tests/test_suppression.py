"""Inline suppression comments on raw Dockerfile text."""

from __future__ import annotations

import time

from lintlayers.source import SourceText
from lintlayers.suppression import Suppressions, parse_suppressions

HADOLINT_MAP = {"DL3008": ["LL101", "LL102"], "DL3009": ["LL201"]}


def parse(text: str, ranges: list[tuple[int, int]]) -> Suppressions:
    return parse_suppressions(SourceText(text, "Dockerfile"), ranges, HADOLINT_MAP)


def test_ignore_applies_to_next_instruction_only():
    text = "FROM alpine\n# lintlayers: ignore=LL101,LL3\nRUN apk add a\nRUN apk add b\n"
    sup = parse(text, [(1, 1), (3, 3), (4, 4)])
    assert sup.is_suppressed("LL101", 3)
    assert sup.is_suppressed("LL301", 3)  # prefix
    assert sup.is_suppressed("LL310", 3)
    assert not sup.is_suppressed("LL102", 3)
    assert not sup.is_suppressed("LL101", 4)
    assert not sup.is_suppressed("LL101", 1)
    assert not sup.is_suppressed("LL101", 2)  # the comment line itself
    assert sup.unused() == []


def test_whole_multi_line_instruction_is_covered():
    text = (
        "FROM alpine\n"
        "# lintlayers: ignore=LL201\n"
        "RUN apk add \\\n"
        "      curl \\\n"
        "      git\n"
        "RUN true\n"
    )
    sup = parse(text, [(1, 1), (3, 5), (6, 6)])
    assert sup.is_suppressed("LL201", 3)
    assert sup.is_suppressed("LL201", 4)
    assert sup.is_suppressed("LL201", 5)
    assert not sup.is_suppressed("LL201", 6)


def test_comment_inside_multi_line_instruction_applies_to_it():
    text = (
        "FROM alpine\n"
        "RUN apt-get update && \\\n"
        "    # lintlayers: ignore=LL202\n"
        "    apt-get install -y curl\n"
        "RUN true\n"
    )
    sup = parse(text, [(1, 1), (2, 4), (5, 5)])
    assert sup.is_suppressed("LL202", 2)
    assert sup.is_suppressed("LL202", 4)
    assert not sup.is_suppressed("LL202", 5)
    assert not sup.is_suppressed("LL202", 1)


def test_comment_lines_between_keep_the_suppression():
    text = (
        "FROM alpine\n"
        "# lintlayers: ignore=LL101\n"
        "# install the tools we need\n"
        "#lintlayers:ignore=LL2\n"
        "RUN apk add a\n"
    )
    sup = parse(text, [(1, 1), (5, 5)])
    assert sup.is_suppressed("LL101", 5)
    assert sup.is_suppressed("LL202", 5)
    assert not sup.is_suppressed("LL301", 5)


def test_blank_line_detaches_the_comment():
    text = "FROM alpine\n# lintlayers: ignore=LL101\n\nRUN apk add a\n"
    sup = parse(text, [(1, 1), (4, 4)])
    assert not sup.is_suppressed("LL101", 4)
    assert sup.unused() == [(2, "LL101")]


def test_comment_at_end_of_file_suppresses_nothing():
    sup = parse("FROM alpine\n# lintlayers: ignore=LL101\n", [(1, 1)])
    assert not sup.is_suppressed("LL101", 1)
    assert sup.unused() == [(2, "LL101")]


def test_whitespace_and_case_tolerant():
    text = (
        "FROM alpine\n"
        "   #LintLayers:IGNORE=ll101 , LL102\t\n"
        "RUN a\n"
        "#  lintlayers :  ignore  =  LL201,LL202  \n"
        "RUN b\n"
    )
    sup = parse(text, [(1, 1), (3, 3), (5, 5)])
    assert sup.is_suppressed("LL101", 3)
    assert sup.is_suppressed("LL102", 3)
    assert sup.is_suppressed("LL201", 5)
    assert sup.is_suppressed("LL202", 5)
    assert not sup.is_suppressed("LL201", 3)


def test_reason_after_codes_is_ignored():
    text = "FROM a\n# lintlayers: ignore=LL101, LL102 -- pinned upstream, LL201\nRUN x\n"
    sup = parse(text, [(1, 1), (3, 3)])
    assert sup.is_suppressed("LL101", 3)
    assert sup.is_suppressed("LL102", 3)
    assert not sup.is_suppressed("LL201", 3)


def test_bare_ignore_and_all_suppress_everything_for_one_instruction():
    text = "FROM a\n# lintlayers: ignore\nRUN x\n# lintlayers: ignore=ALL\nRUN y\nRUN z\n"
    sup = parse(text, [(1, 1), (3, 3), (5, 5), (6, 6)])
    assert sup.is_suppressed("LL999", 3)
    assert sup.is_suppressed("LL101", 5)
    assert not sup.is_suppressed("LL101", 6)
    assert sup.unused() == []


def test_ignore_file_with_codes_anywhere():
    text = "FROM a\nRUN x\nRUN y\n# lintlayers: ignore-file=LL101,LL2\n"
    sup = parse(text, [(1, 1), (2, 2), (3, 3)])
    assert sup.is_suppressed("LL101", 1)
    assert sup.is_suppressed("LL101", 3)
    assert sup.is_suppressed("LL202", 2)
    assert sup.is_suppressed("LL201", 99)
    assert not sup.is_suppressed("LL102", 2)
    assert sup.unused() == []


def test_bare_ignore_file_suppresses_all():
    sup = parse("# LINTLAYERS: Ignore-File\nFROM a\nRUN x\n", [(2, 2), (3, 3)])
    assert sup.is_suppressed("LL101", 2)
    assert sup.is_suppressed("LL501", 3)
    assert sup.is_suppressed("LL501", 1)
    assert sup.unused() == []


def test_ignore_file_inside_instruction_range_is_still_file_wide():
    text = "FROM a\nRUN x \\\n  # lintlayers: ignore-file=LL3\n  y\nRUN z\n"
    sup = parse(text, [(1, 1), (2, 4), (5, 5)])
    assert sup.is_suppressed("LL301", 5)
    assert sup.is_suppressed("LL301", 1)


def test_hadolint_ignore_next_instruction():
    text = (
        "FROM debian\n"
        "# hadolint ignore=DL3008,SC2086,DL9999\n"
        "RUN apt-get install -y curl\n"
        "RUN apt-get install -y git\n"
    )
    sup = parse(text, [(1, 1), (3, 3), (4, 4)])
    assert sup.is_suppressed("LL101", 3)
    assert sup.is_suppressed("LL102", 3)
    assert not sup.is_suppressed("LL201", 3)
    assert not sup.is_suppressed("LL101", 4)
    # Mapped codes match exactly, not as prefixes.
    assert not sup.is_suppressed("LL1011", 3)


def test_hadolint_global_ignore():
    text = "#hadolint GLOBAL ignore = dl3009\nFROM debian\nRUN apt-get update\n"
    sup = parse(text, [(2, 2), (3, 3)])
    assert sup.is_suppressed("LL201", 3)
    assert sup.is_suppressed("LL201", 2)
    assert not sup.is_suppressed("LL101", 3)


def test_hadolint_pragmas_are_never_reported_unused():
    text = "# hadolint global ignore=DL3009\nFROM a\n# hadolint ignore=DL3008\nRUN x\n"
    sup = parse(text, [(2, 2), (4, 4)])
    assert sup.unused() == []


def test_hadolint_comment_between_keeps_our_suppression():
    text = "FROM a\n# lintlayers: ignore=LL301\n# hadolint ignore=DL3008\nRUN x\n"
    sup = parse(text, [(1, 1), (4, 4)])
    assert sup.is_suppressed("LL301", 4)
    assert sup.is_suppressed("LL101", 4)


def test_other_comments_are_not_suppressions():
    text = (
        "# lintlayers is great\n"
        "# lintlayers: ignored=LL101\n"
        "# lintlayers: check=LL101\n"
        "# lintlayers ignore=LL101\n"
        "# hadolintignore=DL3008\n"
        "# hadolint shell=bash\n"
        "# lintlayers: ignore=\n"
        "FROM a\n"
    )
    sup = parse(text, [(8, 8)])
    assert not sup.is_suppressed("LL101", 8)
    assert not sup.is_suppressed("LL102", 8)
    assert sup.unused() == []


def test_instruction_line_that_mentions_the_keyword_is_not_a_comment():
    text = "FROM a\nRUN echo '# lintlayers: ignore-file'\nRUN y\n"
    sup = parse(text, [(1, 1), (2, 2), (3, 3)])
    assert not sup.is_suppressed("LL101", 3)


def test_unused_reports_each_code_that_suppressed_nothing():
    text = (
        "# lintlayers: ignore-file=LL5\n"
        "FROM a\n"
        "# lintlayers: ignore=LL101,LL102\n"
        "RUN x\n"
        "# lintlayers: ignore\n"
        "RUN y\n"
    )
    sup = parse(text, [(2, 2), (4, 4), (6, 6)])
    assert sup.unused() == [(1, "LL5"), (3, "LL101"), (3, "LL102"), (5, "ALL")]
    assert sup.is_suppressed("LL101", 4)
    assert not sup.is_suppressed("LL301", 4)
    assert sup.unused() == [(1, "LL5"), (3, "LL102"), (5, "ALL")]
    assert sup.is_suppressed("LL301", 6)
    assert sup.unused() == [(1, "LL5"), (3, "LL102")]


def test_overlapping_suppressions_are_all_used():
    text = "# lintlayers: ignore-file=LL1\nFROM a\n# lintlayers: ignore=LL101\nRUN x\n"
    sup = parse(text, [(2, 2), (4, 4)])
    assert sup.is_suppressed("LL101", 4)
    assert sup.unused() == []


def test_crlf_text():
    text = "FROM a\r\n# lintlayers: ignore=LL101\r\nRUN x\r\n"
    sup = parse(text, [(1, 1), (3, 3)])
    assert sup.is_suppressed("LL101", 3)


def test_file_without_keywords():
    sup = parse("FROM a\n# just a comment\nRUN x\n", [(1, 1), (3, 3)])
    assert not sup.is_suppressed("LL101", 3)
    assert sup.unused() == []


def test_large_file_is_handled_in_linear_time():
    count = 40_000
    lines = ["FROM alpine"]
    ranges = [(1, 1)]
    for index in range(count):
        lines.append(f"# lintlayers: ignore=LL{100 + index % 900}")
        lines.append("RUN a \\")
        lines.append("    b")
        start = len(lines) - 1
        ranges.append((start, start + 1))
    lines.append("# lintlayers: ignore-file=XX1")
    started = time.perf_counter()
    sup = parse("\n".join(lines) + "\n", ranges)
    for index, (start, end) in enumerate(ranges[1:]):
        assert sup.is_suppressed(f"LL{100 + index % 900}", end)
        assert not sup.is_suppressed("LL0", start)
    elapsed = time.perf_counter() - started
    assert sup.unused() == [(len(lines), "XX1")]
    # A quadratic walk would take minutes here.
    assert elapsed < 20, elapsed
