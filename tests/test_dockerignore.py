"""`.dockerignore` semantics: moby's patternmatcher/ignorefile test cases, plus our own.

The MOBY_* tables are the cases of moby/patternmatcher's ``patternmatcher_test.go``
and ``ignorefile/ignorefile_test.go`` (TestMatches, the single-case tests, TestMatch's
``matchTests`` and TestCompile), rewritten as data.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from lintlayers.buildcontext.patterns import (
    EXACT,
    PREFIX,
    REGEXP,
    SUFFIX,
    IgnoreMatcher,
    IgnorePattern,
    PatternError,
    filepath_match,
    go_clean,
    has_wildcards,
    ignore_file_for,
    load_ignore_matcher,
    read_ignore_file,
    read_ignore_file_lines,
)

if TYPE_CHECKING:
    from pathlib import Path

# (pattern, path, how it matches): "exact" = the path itself matches,
# "inexact" = only a parent directory matches, "fail" = not excluded.
MOBY_MATCHES = [
    ("**", "file", "exact"),
    ("**", "file/", "exact"),
    ("**/", "file", "exact"),
    ("**/", "file/", "exact"),
    ("**", "/", "exact"),
    ("**/", "/", "exact"),
    ("**", "dir/file", "exact"),
    ("**/", "dir/file", "exact"),
    ("**", "dir/file/", "exact"),
    ("**/", "dir/file/", "exact"),
    ("**/**", "dir/file", "exact"),
    ("**/**", "dir/file/", "exact"),
    ("dir/**", "dir/file", "exact"),
    ("dir/**", "dir/file/", "exact"),
    ("dir/**", "dir/dir2/file", "exact"),
    ("dir/**", "dir/dir2/file/", "exact"),
    ("**/dir", "dir", "exact"),
    ("**/dir", "dir/file", "inexact"),
    ("**/dir2/*", "dir/dir2/file", "exact"),
    ("**/dir2/*", "dir/dir2/file/", "inexact"),
    ("**/dir2/**", "dir/dir2/dir3/file", "exact"),
    ("**/dir2/**", "dir/dir2/dir3/file/", "exact"),
    ("**file", "file", "exact"),
    ("**file", "dir/file", "exact"),
    ("**/file", "dir/file", "exact"),
    ("**file", "dir/dir/file", "exact"),
    ("**/file", "dir/dir/file", "exact"),
    ("**/file*", "dir/dir/file", "exact"),
    ("**/file*", "dir/dir/file.txt", "exact"),
    ("**/file*txt", "dir/dir/file.txt", "exact"),
    ("**/file*.txt", "dir/dir/file.txt", "exact"),
    ("**/file*.txt*", "dir/dir/file.txt", "exact"),
    ("**/**/*.txt", "dir/dir/file.txt", "exact"),
    ("**/**/*.txt2", "dir/dir/file.txt", "fail"),
    ("**/*.txt", "file.txt", "exact"),
    ("**/**/*.txt", "file.txt", "exact"),
    ("a**/*.txt", "a/file.txt", "exact"),
    ("a**/*.txt", "a/dir/file.txt", "exact"),
    ("a**/*.txt", "a/dir/dir/file.txt", "exact"),
    ("a/*.txt", "a/dir/file.txt", "fail"),
    ("a/*.txt", "a/file.txt", "exact"),
    ("a/*.txt**", "a/file.txt", "exact"),
    ("a[b-d]e", "ae", "fail"),
    ("a[b-d]e", "ace", "exact"),
    ("a[b-d]e", "aae", "fail"),
    ("a[^b-d]e", "aze", "exact"),
    (".*", ".foo", "exact"),
    (".*", "foo", "fail"),
    ("abc.def", "abcdef", "fail"),
    ("abc.def", "abc.def", "exact"),
    ("abc.def", "abcZdef", "fail"),
    ("abc?def", "abcZdef", "exact"),
    ("abc?def", "abcdef", "fail"),
    ("**/foo/bar", "foo/bar", "exact"),
    ("**/foo/bar", "dir/foo/bar", "exact"),
    ("**/foo/bar", "dir/dir2/foo/bar", "exact"),
    ("abc/**", "abc", "fail"),
    ("abc/**", "abc/def", "exact"),
    ("abc/**", "abc/def/ghi", "exact"),
    ("**/.foo", ".foo", "exact"),
    ("**/.foo", "bar.foo", "fail"),
    ("a(b)c/def", "a(b)c/def", "exact"),
    ("a(b)c/def", "a(b)c/xyz", "fail"),
    ("a.|)$(}+{bc", "a.|)$(}+{bc", "exact"),
    (
        "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl",
        "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl",
        "exact",
    ),
    ("dist/*.whl", "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl", "exact"),
    # the non-Windows additions
    ("a\\\\", "a\\", "exact"),
    ("a\\*b", "a*b", "exact"),
]

WHEEL = "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl"

# (patterns, path, excluded?): TestMatches' multi-pattern table and the small tests.
MOBY_MULTI = [
    (["**", "!util/docker/web"], "util/docker/web/foo", False),
    (["**", "!util/docker/web", "util/docker/web/foo"], "util/docker/web/foo", True),
    (["**", "!" + WHEEL], WHEEL, False),
    (["**", "!dist/*.whl"], WHEEL, False),
    (["*"], "fileutils.go", True),  # TestWildcardMatches
    (["*.go"], "fileutils.go", True),  # TestPatternMatches
    (["!fileutils.go", "*.go"], "fileutils.go", True),  # ...MatchesPatternBefore
    (["docs", "!docs/README.md"], "docs/README.md", False),  # ...FolderExclusions
    (["docs/", "!docs/README.md"], "docs/README.md", False),  # ...FolderWithSlash...
    (["docs/*", "!docs/README.md"], "docs/README.md", False),  # ...FolderWildcard...
    (["*.go", "!fileutils.go"], "fileutils.go", False),  # ...MatchesPatternAfter
    (["*.go"], ".", False),  # TestExclusionPatternMatchesWholeDirectory
    ([], "/any/path/there", False),  # TestMatchesWithNoPatterns
]

# TestMatch's matchTests (Go's own filepath.Match cases, run through the matcher):
# (pattern, path, excluded?, bad pattern?)
MOBY_GO_MATCH = [
    ("abc", "abc", True, False),
    ("*", "abc", True, False),
    ("*c", "abc", True, False),
    ("a*", "a", True, False),
    ("a*", "abc", True, False),
    ("a*", "ab/c", True, False),
    ("a*/b", "abc/b", True, False),
    ("a*/b", "a/c/b", False, False),
    ("a*b*c*d*e*/f", "axbxcxdxe/f", True, False),
    ("a*b*c*d*e*/f", "axbxcxdxexxx/f", True, False),
    ("a*b*c*d*e*/f", "axbxcxdxe/xxx/f", False, False),
    ("a*b*c*d*e*/f", "axbxcxdxexxx/fff", False, False),
    ("a*b?c*x", "abxbbxdbxebxczzx", True, False),
    ("a*b?c*x", "abxbbxdbxebxczzy", False, False),
    ("ab[c]", "abc", True, False),
    ("ab[b-d]", "abc", True, False),
    ("ab[e-g]", "abc", False, False),
    ("ab[^c]", "abc", False, False),
    ("ab[^b-d]", "abc", False, False),
    ("ab[^e-g]", "abc", True, False),
    ("a\\*b", "a*b", True, False),
    ("a\\*b", "ab", False, False),
    ("a?b", "a☺b", True, False),
    ("a[^a]b", "a☺b", True, False),
    ("a???b", "a☺b", False, False),
    ("a[^a][^a][^a]b", "a☺b", False, False),
    ("[a-ζ]*", "\u03b1", True, False),  # alpha
    ("*[a-ζ]", "A", False, False),
    ("a?b", "a/b", False, False),
    ("a*b", "a/b", False, False),
    ("[\\]a]", "]", True, False),
    ("[\\-]", "-", True, False),
    ("[x\\-]", "x", True, False),
    ("[x\\-]", "-", True, False),
    ("[x\\-]", "z", False, False),
    ("[\\-x]", "x", True, False),
    ("[\\-x]", "-", True, False),
    ("[\\-x]", "a", False, False),
    ("[]a]", "]", False, True),
    ("[-]", "-", False, True),
    ("[x-]", "x", False, True),
    ("[x-]", "-", False, True),
    ("[x-]", "z", False, True),
    ("[-x]", "x", False, True),
    ("[-x]", "-", False, True),
    ("[-x]", "a", False, True),
    ("\\", "a", False, True),
    ("[a-b-c]", "a", False, True),
    ("[", "a", False, True),
    ("[^", "a", False, True),
    ("[^bc", "a", False, True),
    ("a[", "a", False, True),
    ("a[", "ab", False, True),
    ("*x", "xxx", True, False),
]

# TestCompile: (pattern, match type, regexp built on Unix)
MOBY_COMPILE = [
    ("*", REGEXP, "^[^/]*$"),
    ("file*", REGEXP, "^file[^/]*$"),
    ("*file", REGEXP, "^[^/]*file$"),
    ("a*/b", REGEXP, "^a[^/]*/b$"),
    ("**", SUFFIX, None),
    ("**/**", REGEXP, "^(.*/)?.*$"),
    ("dir/**", PREFIX, None),
    ("**/dir", SUFFIX, None),
    ("**/dir2/*", REGEXP, "^(.*/)?dir2/[^/]*$"),
    ("**/dir2/**", REGEXP, "^(.*/)?dir2/.*$"),
    ("**file", SUFFIX, None),
    ("**/file*txt", REGEXP, "^(.*/)?file[^/]*txt$"),
    ("**/**/*.txt", REGEXP, "^(.*/)?(.*/)?[^/]*\\.txt$"),
    ("a[b-d]e", REGEXP, "^a[b-d]e$"),
    (".*", REGEXP, "^\\.[^/]*$"),
    ("abc.def", EXACT, None),
    ("abc?def", REGEXP, "^abc[^/]def$"),
    ("**/foo/bar", SUFFIX, None),
    ("a(b)c/def", EXACT, None),
    ("a.|)$(}+{bc", EXACT, None),
    (WHEEL, EXACT, None),
]

PORTED_CASES = len(MOBY_MATCHES) + len(MOBY_MULTI) + len(MOBY_GO_MATCH) + len(MOBY_COMPILE)


def test_port_is_complete() -> None:
    assert PORTED_CASES >= 60
    assert len(MOBY_MATCHES) == 68
    assert len(MOBY_GO_MATCH) == 54


@pytest.mark.parametrize(("pattern", "path", "how"), MOBY_MATCHES)
def test_moby_matches(pattern: str, path: str, how: str) -> None:
    matcher = IgnoreMatcher([pattern])
    assert matcher.matches_exact(path) is (how == "exact")
    assert matcher.matches_or_parent_matches(path) is (how != "fail")
    if go_clean(path) == "/":
        # the context root itself is never excluded (moby's package-level helpers agree)
        assert matcher.is_ignored(path) is False
    else:
        assert matcher.is_ignored(path) is (how != "fail")


@pytest.mark.parametrize(("patterns", "path", "excluded"), MOBY_MULTI)
def test_moby_multi_pattern(patterns: list[str], path: str, excluded: bool) -> None:
    matcher = IgnoreMatcher(patterns)
    assert matcher.is_ignored(path) is excluded
    assert matcher.matches_or_parent_matches(path) is excluded


@pytest.mark.parametrize(("pattern", "path", "excluded", "bad"), MOBY_GO_MATCH)
def test_moby_go_match_cases(pattern: str, path: str, excluded: bool, bad: bool) -> None:
    if bad:
        with pytest.raises(PatternError):
            IgnoreMatcher([pattern])
        return
    assert IgnoreMatcher([pattern]).is_ignored(path) is excluded


@pytest.mark.parametrize(("pattern", "kind", "regexp"), MOBY_COMPILE)
def test_moby_compile(pattern: str, kind: str, regexp: str | None) -> None:
    compiled = IgnorePattern(pattern)
    assert compiled.kind == kind
    if regexp is not None:
        assert compiled.regexp == regexp


def test_moby_single_exclamation_is_an_error() -> None:
    with pytest.raises(PatternError, match="illegal exclusion"):
        IgnoreMatcher(["!"])


def test_moby_malformed_pattern() -> None:
    with pytest.raises(PatternError):
        IgnoreMatcher(["["])


def test_moby_regexp_error_found_at_construction() -> None:
    # passes filepath.Match's check but its regexp (range l-O) does not compile;
    # patternmatcher fails on first use, we fail at once.
    with pytest.raises(PatternError):
        IgnoreMatcher(["[Local-Only]/"])


def test_moby_clean_patterns() -> None:
    assert len(IgnoreMatcher(["docs", "config"])) == 2
    assert len(IgnoreMatcher(["docs", "config", ""])) == 2
    assert IgnoreMatcher(["docs", "!docs/README.md"]).has_exclusions
    assert IgnoreMatcher(["docs", "  !docs/README.md"]).has_exclusions
    assert IgnoreMatcher(["docs", "!docs/README.md  "]).has_exclusions
    assert not IgnoreMatcher(["docs", "config"]).has_exclusions


def test_moby_ignorefile_read_all() -> None:
    content = (
        "test1\n/test2\n/a/file/here\n\nlastfile\n# this is a comment\n! /inverted/abs/path\n!\n! "
    )
    assert read_ignore_file(content) == [
        "test1",
        "test2",
        "a/file/here",
        "lastfile",
        "!inverted/abs/path",
        "!",
        "!",
    ]
    assert read_ignore_file("") == []


# --- our own cases -------------------------------------------------------------


@pytest.mark.parametrize(
    ("patterns", "path", "excluded"),
    [
        # ** spans any number of segments, including none
        (["**/*.go"], "main.go", True),
        (["**/*.go"], "cmd/tool/main.go", True),
        (["**/*.go"], "main.golang", False),
        (["**/node_modules"], "node_modules/x/index.js", True),
        (["**/node_modules"], "web/app/node_modules/x/index.js", True),
        (["**/node_modules"], "web/my_node_modules/x", False),
        (["a/**/b"], "a/b", True),
        (["a/**/b"], "a/x/y/b", True),
        (["a/**/b"], "a/x/yb", False),
        (["**"], "anything/at/all", True),
        # a ** between characters only spans whole segments...
        (["a**b"], "ab", True),
        (["a**b"], "a/x/b", True),
        (["a**b"], "axb", False),
        # ...but a leading ** is a plain suffix test
        (["**file"], "dir/myfile", True),
        (["**/file"], "dir/myfile", False),
        # a single * stays within one segment, but a directory match covers its tree
        (["*.log"], "logs/app.log", False),
        (["*/*.log"], "logs/app.log", True),
        (["*"], "deep/er/file", True),
        # exceptions re-include children of an excluded directory
        (["node_modules", "!node_modules/keep"], "node_modules/keep/x.js", False),
        (["node_modules", "!node_modules/keep"], "node_modules/other/x.js", True),
        (["build/**", "!build/**/*.sh"], "build/a/run.sh", False),
        (["build/**", "!build/**/*.sh"], "build/a/run.py", True),
        # last match wins (Docker's documented README example)
        (["*.md", "!README*.md", "README-secret.md"], "README-secret.md", True),
        (["*.md", "!README*.md", "README-secret.md"], "README.md", False),
        (["*.md", "!README.md", "README.md"], "README.md", True),
        (["!a.go", "*.go"], "a.go", True),
        # leading / and ./ and trailing / are cleaned away
        (["/foo"], "foo", True),
        (["./foo"], "foo/bar", True),
        (["foo/"], "foo/bar", True),
        (["foo/../bar"], "bar", True),
        (["!/foo", "*"], "foo", True),
        (["*", "! /foo"], "foo", False),
        # patterns that exclude nothing
        (["."], "file", False),
        (["/"], "file", False),
        (["../file"], "file", False),
        # backslash escapes
        (["\\*"], "*", True),
        (["\\*"], "x", False),
        (["a\\?b"], "a?b", True),
        (["a\\?b"], "axb", False),
        (["\\#notes"], "#notes", True),
        (["\\!important"], "!important", True),
        # the escape is handed to Go's regexp engine: \d is a digit there
        (["file\\d"], "file5", True),
        (["file\\d"], "filed", False),
        # brackets: ^ negates, ! does not
        (["[!a]bc"], "!bc", True),
        (["[!a]bc"], "abc", True),
        (["[!a]bc"], "xbc", False),
        (["[^a]bc"], "xbc", True),
        # a * inside brackets closes the class early in the regexp
        (["[*]"], "*", False),
        (["[*]"], "]", True),
        # ^ is an anchor once the pattern is a regexp
        (["a^b"], "a^b", True),
        (["a^b*"], "a^bc", False),
    ],
)
def test_semantics(patterns: list[str], path: str, excluded: bool) -> None:
    assert IgnoreMatcher(patterns).is_ignored(path) is excluded


def test_input_path_is_normalized() -> None:
    matcher = IgnoreMatcher(["foo"])
    assert matcher.is_ignored("./foo")
    assert matcher.is_ignored("/foo/bar")
    assert matcher.is_ignored("x/../foo")
    assert not matcher.is_ignored(".")
    assert not matcher.is_ignored("")
    assert not IgnoreMatcher(["*"]).is_ignored(".")


def test_walk_differs_from_parent_matching() -> None:
    # "!a" is skipped while "a" is walked (nothing was excluded yet), so it cannot
    # re-include a/c later; matching every parent afresh says the opposite.
    matcher = IgnoreMatcher(["*/c", "!a"])
    assert matcher.is_ignored("a/c")
    assert not matcher.matches_or_parent_matches("a/c")
    assert matcher.matching_pattern("a/c") is matcher.patterns[0]


def test_matching_pattern_is_the_deciding_one() -> None:
    matcher = IgnoreMatcher(["*.md", "!README*.md", "README-secret.md"])
    assert str(matcher.matching_pattern("README-secret.md")) == "README-secret.md"
    deciding = matcher.matching_pattern("README.md")
    assert deciding is not None
    assert deciding.exclusion
    assert deciding.line == 2
    assert str(deciding) == "!README*.md"
    assert matcher.matching_pattern("main.go") is None
    parent = IgnoreMatcher(["vendor"]).matching_pattern("vendor/a/b.go")
    assert parent is not None
    assert parent.text == "vendor"


def test_line_numbers_follow_the_file(tmp_path: Path) -> None:
    ignore = tmp_path / ".dockerignore"
    ignore.write_text("# deps\nnode_modules\n\n*.log\n!keep.log\n")
    matcher = load_ignore_matcher(str(ignore))
    assert [p.line for p in matcher.patterns] == [2, 4, 5]
    found = matcher.matching_pattern("keep.log")
    assert found is not None
    assert found.line == 5


def test_bad_pattern_reports_its_line(tmp_path: Path) -> None:
    ignore = tmp_path / ".dockerignore"
    ignore.write_text("ok\n\n# c\nbad[\n")
    with pytest.raises(PatternError) as caught:
        load_ignore_matcher(str(ignore))
    assert caught.value.line == 4
    assert "line 4" in str(caught.value)


@pytest.mark.parametrize(
    "pattern",
    [
        "!",
        "! ",
        "[",
        "a[",
        "[]",
        "[]a]",
        "[-x]",
        "a\\",
        "[z-a]x*",  # fine for filepath.Match, an invalid range for the regexp
        "a\\y*",  # \y is not an escape Go's regexp knows
        "a\\1*",  # back-references do not exist there
        "[[:nope:]]",
    ],
)
def test_bad_patterns(pattern: str) -> None:
    with pytest.raises(PatternError):
        IgnoreMatcher([pattern])


def test_read_ignore_file_rules() -> None:
    text = "\ufeff# bom then comment\r\nkeep/  \r\n  # not a comment\n\t!  ./x/../y \n/\n//abs\n\n"
    assert read_ignore_file(text) == ["keep", "# not a comment", "!y", "/", "abs"]
    assert read_ignore_file_lines("a\n\n#c\nb") == [(1, "a"), (4, "b")]
    # Go's whitespace, not Python's: \x1c is kept
    assert read_ignore_file("\x1cfoo\n") == ["\x1cfoo"]


def test_ignore_file_precedence(tmp_path: Path) -> None:
    context = tmp_path / "ctx"
    (context / "docker").mkdir(parents=True)
    dockerfile = context / "docker" / "app.Dockerfile"
    dockerfile.write_text("FROM scratch\n")
    assert ignore_file_for(str(context), str(dockerfile)) is None
    # a .dockerignore beside a Dockerfile in a subdirectory is not used
    (context / "docker" / ".dockerignore").write_text("x\n")
    assert ignore_file_for(str(context), str(dockerfile)) is None
    (context / ".dockerignore").write_text("x\n")
    assert ignore_file_for(str(context), str(dockerfile)) == str(context / ".dockerignore")
    assert ignore_file_for(str(context), None) == str(context / ".dockerignore")
    specific = context / "docker" / "app.Dockerfile.dockerignore"
    specific.write_text("")
    assert ignore_file_for(str(context), str(dockerfile)) == str(specific)
    # the Dockerfile may live outside the context
    outside = tmp_path / "Dockerfile"
    outside.write_text("FROM scratch\n")
    (tmp_path / "Dockerfile.dockerignore").write_text("y\n")
    assert ignore_file_for(str(context), str(outside)) == str(tmp_path / "Dockerfile.dockerignore")


@pytest.mark.parametrize(
    ("pattern", "name", "expected"),
    [
        ("*.txt", "a.txt", True),
        ("*.txt", "dir/a.txt", False),
        ("*/a.txt", "dir/a.txt", True),
        ("**/*.go", "a/b.go", True),
        ("**/*.go", "a/b/c.go", False),  # ** is just * for COPY
        ("[ab].txt", "b.txt", True),
        ("a[^x]b", "a/b", True),  # a negated class can match '/'
        ("\\*", "*", True),
        ("[!a]", "!", True),
    ],
)
def test_filepath_match(pattern: str, name: str, expected: bool) -> None:
    assert filepath_match(pattern, name) is expected


def test_filepath_match_rejects_bad_patterns() -> None:
    for pattern in ("[", "a[", "[]", "\\", "[a-]"):
        with pytest.raises(PatternError):
            filepath_match(pattern, "x")


def test_has_wildcards() -> None:
    assert has_wildcards("*.txt")
    assert has_wildcards("a?")
    assert has_wildcards("[ab]")
    assert not has_wildcards("a\\*b")
    assert not has_wildcards("plain/path")
    assert not has_wildcards("a]")
