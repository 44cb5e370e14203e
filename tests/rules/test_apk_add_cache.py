"""LL303 apk-add-without-no-cache."""

from __future__ import annotations

import pytest
from rule_harness import fix, lint, onbuild, positions, said

CODE = "LL303"


def span(line: int, text: str, word: str) -> tuple[int, int, int, int]:
    column = text.index(word) + 1
    return (line, column, line, column + len(word))


@pytest.mark.parametrize(
    ("line", "command"),
    [
        ("RUN apk update && apk add curl", "apk add"),
        ("RUN apk add --update curl", "apk add"),
        ("RUN apk add -U curl", "apk add"),
        ("RUN apk --update-cache add curl", "apk --update-cache add"),
        ("RUN apk update && apk add --virtual .deps gcc", "apk add"),
        ("RUN apk update && sudo apk add curl", "apk add"),
        ("RUN apk update && apk add curl && rm -rf /tmp/*", "apk add"),
        ("RUN --mount=type=cache,target=/root/.cache apk add -U curl", "apk add"),
        ("RUN apk add -U curl && rm -rf /var/cache/apk/*.tmp", "apk add"),
    ],
)
def test_reports_add_keeping_the_index(line: str, command: str) -> None:
    findings = lint(f"FROM alpine\n{line}\n", CODE)
    assert positions(findings) == [span(2, line, command)]
    assert "--no-cache" in said(findings[0])


def test_message() -> None:
    [finding] = lint("FROM alpine\nRUN apk update && apk add curl\n", CODE)
    assert "`apk update`" in said(finding)
    assert "/var/cache/apk" in said(finding)
    assert "--mount=type=cache,target=/var/cache/apk" in said(finding)
    assert "~1.1-3.0 MB (typical for main and community)" in said(finding)
    # under BuildKit the cache mount comes first, --no-cache second
    assert said(finding).index("--mount") < said(finding).index("apk add --no-cache")
    [classic] = lint("FROM alpine\nRUN apk add -U curl\n", CODE, builder="classic")
    assert "`--update`" in said(classic)
    assert "--mount" not in said(classic)
    assert "~1.1-3.0 MB" in said(classic)


def test_lone_update_message_gives_the_index_size() -> None:
    text = "FROM alpine\nRUN apk update && apk add --no-cache curl\n"
    [finding] = lint(text, CODE)
    assert "(~1.1-3.0 MB, typical for main and community)" in said(finding)


@pytest.mark.parametrize(
    "line",
    [
        "RUN apk add --no-cache curl",
        "RUN apk --no-cache add curl",
        "RUN apk add --no-cache --update curl",
        "RUN apk add curl",  # no index downloaded: nothing stored
        "RUN apk add --no-network --virtual .rundeps $runDeps",
        "RUN apk update && apk add curl && rm -rf /var/cache/apk/*",
        "RUN apk add -U curl && rm -rf /var/cache/apk",
        "RUN apk add -U curl; rm -rf /var/cache/apk/*",
        "RUN --mount=type=cache,target=/var/cache/apk apk update && apk add curl",
        "RUN --mount=type=cache,target=/etc/apk/cache apk add --update-cache curl",
        "RUN --mount=type=tmpfs,target=/var/cache/apk apk add -U curl",
        "RUN --mount=type=cache,target=/var/cache apk add -U curl",
        "RUN apk del curl",
        'RUN ["apk", "add", "-U", "curl"]',
    ],
)
def test_passes(line: str) -> None:
    assert lint(f"FROM alpine\n{line}\n", CODE) == []


def test_reports_a_lone_update_when_adds_use_no_cache() -> None:
    line = "RUN apk update && apk add --no-cache curl"
    text = f"FROM alpine\n{line}\n"
    [finding] = lint(text, CODE)
    assert positions([finding]) == [span(2, line, "apk update")]
    assert "drop `apk update`" in said(finding)
    assert fix(text, CODE) == "FROM alpine\nRUN apk add --no-cache curl\n"


def test_lone_update_with_an_upgrade() -> None:
    line = "RUN apk update && apk upgrade && apk add --no-cache curl"
    [finding] = lint(f"FROM alpine\n{line}\n", CODE)
    assert "`apk upgrade --no-cache`" in said(finding)


def test_update_without_add_is_not_reported() -> None:
    assert lint("FROM alpine\nRUN apk update && apk upgrade\n", CODE) == []


def test_heredoc_body() -> None:
    text = "FROM alpine\nRUN <<EOF\napk update\napk add git\nEOF\n"
    assert positions(lint(text, CODE)) == [(4, 1, 4, 8)]
    fixed = fix(text, CODE)
    # the update goes: `--no-cache` alone would leave its index in the layer
    assert fixed == "FROM alpine\nRUN <<EOF\napk add --no-cache git\nEOF\n"
    assert lint(fixed, CODE) == []


@pytest.mark.parametrize(
    ("line", "fixed"),
    [
        ("RUN apk update && apk add git", "RUN apk add --no-cache git"),
        ("RUN apk update; apk add git bash", "RUN apk add --no-cache git bash"),
        (
            "RUN apk update \\\n && apk upgrade \\\n && apk add curl",
            "RUN apk upgrade --no-cache \\\n && apk add --no-cache curl",
        ),
        ("RUN set -e && apk update && apk add git", "RUN set -e && apk add --no-cache git"),
    ],
)
def test_fix_drops_the_update_and_lints_clean(line: str, fixed: str) -> None:
    text = f"FROM alpine\n{line}\n"
    assert fix(text, CODE) == f"FROM alpine\n{fixed}\n"
    assert lint(fix(text, CODE), CODE) == []


@pytest.mark.parametrize(
    "text",
    [
        # a later RUN relies on the index this one stores
        "FROM alpine\nRUN apk update && apk add git\nRUN apk add curl\n",
        # the update is part of a pipeline or an alternative: not a list element
        "FROM alpine\nRUN apk update || true && apk add git\n",
    ],
)
def test_no_fix_where_dropping_the_update_could_change_the_build(text: str) -> None:
    assert fix(text, CODE) == text


def test_corpus_flask_redis_fix_leaves_no_index() -> None:
    from corpus_support import corpus_root

    path = corpus_root() / "files" / "docker__awesome-compose" / "flask-redis__Dockerfile"
    text = path.read_text(encoding="utf-8")
    assert lint(text, CODE) == []  # `dev-envs`: a development image, which nobody pulls
    text = text.replace("as dev-envs", "as app")  # the same RUN in an image that ships
    assert [f.location.line for f in lint(text, CODE)] == [19]
    fixed = fix(text, CODE)
    assert "apk update" not in fixed
    assert "apk add --no-cache git bash" in fixed
    assert lint(fixed, CODE) == []


def test_stage_used_only_for_specific_paths_is_skipped() -> None:
    text = (
        "FROM alpine AS build\nRUN apk add -U gcc\n"
        "FROM scratch\nCOPY --from=build /usr/bin/gcc /gcc\n"
    )
    assert lint(text, CODE) == []


def test_onbuild_variant() -> None:
    line = onbuild("RUN apk add --update curl")
    text = f"FROM alpine\n{line}\n"
    assert positions(lint(text, CODE)) == [span(2, line, "apk add")]
    assert fix(text, CODE) == "FROM alpine\nONBUILD RUN apk add --no-cache --update curl\n"


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("RUN apk add -U curl", "RUN apk add --no-cache -U curl"),
        ("RUN apk --update add curl", "RUN apk --update add --no-cache curl"),
        ("RUN apk add --update \\\n    curl \\\n    git",
         "RUN apk add --no-cache --update \\\n    curl \\\n    git"),
    ],
)  # fmt: skip
def test_fix(before: str, after: str) -> None:
    assert fix(f"FROM alpine\n{before}\n", CODE) == f"FROM alpine\n{after}\n"


def test_fix_is_safe() -> None:
    [finding] = lint("FROM alpine\nRUN apk add -U curl\n", CODE)
    assert finding.fix is not None and finding.fix.applicability == "safe"


@pytest.mark.parametrize(
    "text",
    [
        "FROM alpine\nRUN apk add -U curl\n",
        "FROM alpine\nRUN apk add -U curl && apk add -U git\n",
    ],
)
def test_idempotent(text: str) -> None:
    once = fix(text, CODE)
    assert once != text
    assert fix(once, CODE) == once
    assert lint(once, CODE) == []


def test_update_in_its_own_run_is_reported_and_fixed() -> None:
    text = (
        "FROM alpine\nRUN apk update\nRUN apk add curl && apk upgrade\nRUN apk add --no-cache git\n"
    )
    [finding] = lint(text, CODE)
    assert finding.location.line == 2
    assert "installs nothing" in said(finding)
    fixed = fix(text, CODE)
    assert fixed == (
        "FROM alpine\nRUN apk add --no-cache curl && apk upgrade --no-cache\n"
        "RUN apk add --no-cache git\n"
    )
    assert lint(fixed, CODE) == []


def test_update_in_its_own_run_of_a_base_stage_has_no_fix() -> None:
    text = "FROM alpine AS base\nRUN apk update\nFROM base\nRUN apk add curl\n"
    [finding] = lint(text, CODE)
    assert finding.fix is None


# -- scripts the RUN runs, which lintlayers does not read -----------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "FROM alpine\nRUN apk update && apk add git && ./install.sh\n",
        "FROM alpine\nRUN apk add -U git && sh /tmp/setup.sh\n",
        "FROM alpine\nRUN apk update && apk add git && wget -qO- https://x.example/i | sh\n",
    ],
)
def test_a_later_script_keeps_the_report_and_takes_the_fix(text: str) -> None:
    """The script may install from the stored index: dropping it could break the build."""
    [finding] = lint(text, CODE)
    assert finding.message.startswith("`apk add` without `--no-cache`")
    assert finding.fix is None


def test_an_ordinary_command_after_the_add_keeps_the_fix() -> None:
    text = "FROM alpine\nRUN apk update && apk add gcc make && make install\n"
    [finding] = lint(text, CODE)
    assert finding.fix is not None
    assert fix(text, CODE) == "FROM alpine\nRUN apk add --no-cache gcc make && make install\n"


def test_update_before_a_script_is_reported_without_installs_nothing() -> None:
    text = "FROM alpine\nRUN apk update && ash /tmp/library-scripts/common-alpine.sh true\n"
    [finding] = lint(text, CODE)
    assert finding.message == "`apk update` keeps the package index in this layer"
    assert "`/tmp/library-scripts/common-alpine.sh`, which lintlayers does not read" in said(
        finding
    )
    assert "rm -rf /var/cache/apk/*" in said(finding)
    assert finding.fix is None


def test_update_before_a_piped_script() -> None:
    text = "FROM alpine\nRUN apk update && curl -fsSL https://x.example/i | sh\n"
    [finding] = lint(text, CODE)
    assert "the script piped into `sh`" in said(finding)


def test_corpus_devcontainer_alpine_common_script_keeps_the_index() -> None:
    """common-alpine.sh runs its own `apk update` and never removes /var/cache/apk (read
    upstream, microsoft/vscode-dev-containers): the index stays, but the RUN installs."""
    from corpus_support import corpus_root

    path = (
        corpus_root()
        / "files"
        / "microsoft__vscode-dev-containers"
        / "containers__alpine__.devcontainer__base.Dockerfile"
    )
    [finding] = lint(path.read_text(encoding="utf-8"), CODE)
    assert finding.location.line == 13
    assert "installs nothing" not in said(finding)
    assert "common-alpine.sh" in said(finding)


@pytest.mark.parametrize(
    "earlier",
    ["RUN apk add -U curl", "RUN apk update && apk add curl", "RUN apk update",
     "RUN apk update && apk add --no-cache curl"],
)  # fmt: skip
def test_help_names_a_later_removal_that_does_not_shrink_the_layer(earlier: str) -> None:
    text = f"FROM alpine\n{earlier}\nRUN rm -rf /var/cache/apk/*\n"
    [finding] = lint(text, CODE)
    assert "the removal at line 3, in a later layer, does not take it out" in said(finding)
