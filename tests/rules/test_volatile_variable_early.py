"""LL102 volatile-variable-early."""

from __future__ import annotations

import pytest
from rule_harness import fix, lint, onbuild, positions, said

CODE = "LL102"


def span(line: int, text: str, word: str) -> tuple[int, int, int, int]:
    """(line, column, end line, end column) of ``word`` in the line ``text``."""
    column = text.index(word) + 1
    return (line, column, line, column + len(word))


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("ARG GIT_SHA", "GIT_SHA"),
        ("ARG BUILD_DATE", "BUILD_DATE"),
        ("ARG VCS_REF", "VCS_REF"),
        ("ARG CI_COMMIT_SHA", "CI_COMMIT_SHA"),
        ("ARG SOURCE_COMMIT", "SOURCE_COMMIT"),
        ("ARG APP_GIT_SHA", "APP_GIT_SHA"),
        ("ARG MYAPP_BUILD_NUMBER", "MYAPP_BUILD_NUMBER"),
        ("ARG VERSION", "VERSION"),
        ("ARG APP_VERSION=dev", "APP_VERSION"),
        ("ARG RELEASE=latest", "RELEASE"),
        ('ARG IMAGE_TAG=""', "IMAGE_TAG"),
        ("ARG GIT_COMMIT=unknown", "GIT_COMMIT"),
        ("ARG BUILD_ID=${CI_PIPELINE_ID}", "BUILD_ID"),
        ("ARG GIT_SHA BUILD_DATE", "GIT_SHA"),
    ],
)
def test_reports_volatile_arg(line: str, name: str) -> None:
    text = f"FROM alpine\n{line}\nRUN apk add curl\nRUN echo hi\n"
    findings = lint(text, CODE)
    assert positions(findings)[:1] == [span(2, line, name)]
    message = findings[0].message
    assert message.startswith(f"ARG {name} holds a per-build value and re-runs 2 later RUNs")
    assert "from the RUN at line 3 on" in findings[0].help
    assert "Nothing later in the stage uses it" in findings[0].help


def test_exact_columns() -> None:
    assert positions(lint("FROM alpine\nARG GIT_SHA\nRUN true\n", CODE)) == [(2, 5, 2, 12)]


def test_names_the_first_use() -> None:
    text = "FROM alpine\nARG GIT_SHA\nRUN a\nRUN b\nCOPY . /app\nLABEL rev=$GIT_SHA\n"
    [finding] = lint(text, CODE)
    assert "re-runs 2 later RUNs" in finding.message
    assert "from the RUN at line 3 on" in said(finding)
    assert "first use is the LABEL at line 6" in said(finding)


def test_env_fed_by_a_volatile_arg() -> None:
    text = "FROM alpine\nARG GIT_SHA\nENV APP_REVISION=$GIT_SHA\nRUN a\nRUN b\n"
    [finding] = lint(text, CODE)
    assert positions([finding]) == [(3, 5, 3, 17)]
    assert finding.message == (
        "ENV APP_REVISION holds a per-build value and re-runs 2 later RUNs that do not use it"
    )
    assert finding.help.startswith("It takes its value from ARG GIT_SHA and joins the cache key")


def test_env_with_volatile_name_fed_by_an_unpinned_arg() -> None:
    text = "FROM alpine\nARG REF\nENV GIT_SHA=${REF}\nRUN a\n"
    [finding] = lint(text, CODE)
    assert "ENV GIT_SHA" in finding.message


def test_legacy_env_form() -> None:
    text = "FROM alpine\nARG GIT_SHA\nENV REVISION $GIT_SHA\nRUN a\n"
    assert positions(lint(text, CODE)) == [(3, 5, 3, 13)]


def test_redeclared_global_arg_without_default() -> None:
    text = "ARG GIT_SHA\nFROM alpine\nARG GIT_SHA\nRUN a\n"
    assert positions(lint(text, CODE)) == [(3, 5, 3, 12)]


def test_script_that_may_read_the_environment_is_a_possible_use() -> None:
    text = "FROM alpine\nARG VERSION\nRUN apk add make\nRUN make release\n"
    [finding] = lint(text, CODE)
    assert "re-runs 1 later RUN that does not use it" in finding.message
    assert "first possible use is the RUN at line 4, which runs `make`" in said(finding)


def test_metadata_use_before_runs_gets_no_fix() -> None:
    text = "FROM alpine\nARG GIT_SHA\nLABEL rev=$GIT_SHA\nRUN a\nRUN b\n"
    [finding] = lint(text, CODE)
    assert "first use, the LABEL at line 3, comes before them" in said(finding)
    assert finding.fix is None


def test_metadata_use_is_a_step_under_the_classic_builder() -> None:
    text = "FROM alpine\nARG GIT_SHA\nLABEL rev=$GIT_SHA\nRUN a\nRUN b\n"
    assert lint(text, CODE, builder="classic") == []


@pytest.mark.parametrize(
    "text",
    [
        "FROM node:20\nARG NODE_VERSION=20.1\nRUN npm ci\n",
        "FROM alpine\nARG VERSION=1.4.2\nRUN a\n",
        "FROM alpine\nARG PYTHON_VERSION\nRUN a\n",
        "FROM alpine\nARG build_date\nRUN a\n",
        "ARG GIT_SHA\nFROM alpine\nRUN a\n",
        "ARG VERSION=1.2\nFROM alpine\nARG VERSION\nRUN a\n",
        "FROM alpine\nARG GIT_SHA\nRUN echo $GIT_SHA > /rev\nRUN a\n",
        "FROM alpine\nARG GIT_SHA\nRUN printenv GIT_SHA\n",
        "FROM alpine\nARG GIT_SHA\nRUN ./scripts/build.sh\nRUN a\n",
        "FROM alpine\nARG GIT_SHA\nRUN <<EOF\necho ${GIT_SHA:-none}\nEOF\n",
        "FROM alpine\nARG GIT_SHA\nCOPY . /src/$GIT_SHA\nRUN a\n",
        "FROM alpine\nARG LUAROCKS_VERSION\nARG LUAROCKS_SHA\nRUN a\n",
        "FROM alpine\nENV GIT_SHA=4f2a9c1\nRUN a\n",
        "FROM alpine\nENV BUILD_DATE=$(date)\nRUN a\n",
        "FROM alpine\nRUN a\nARG GIT_SHA\nLABEL rev=$GIT_SHA\n",
        "FROM alpine\nARG GIT_SHA\nLABEL rev=$GIT_SHA\n",
        "FROM alpine\nARG GIT_SHA\nENV GIT_SHA=$GIT_SHA\n",
    ],
)
def test_passes(text: str) -> None:
    assert lint(text, CODE) == []


def test_cache_mount_runs_still_count() -> None:
    text = "FROM alpine\nARG GIT_SHA\nRUN --mount=type=cache,target=/root/.cache pip install x\n"
    assert len(lint(text, CODE)) == 1


def test_onbuild_declarations() -> None:
    line = onbuild("ARG GIT_SHA")
    text = f"FROM alpine\n{line}\n{onbuild('RUN make deps-fetch')}\nRUN a\n"
    assert lint(text, CODE) == []  # make may read it
    text = f"FROM alpine\n{line}\n{onbuild('RUN apk add curl')}\n{onbuild('LABEL r=$GIT_SHA')}\n"
    assert positions(lint(text, CODE)) == [span(2, line, "GIT_SHA")]
    fixed = fix(text, CODE, unsafe=True)
    assert fixed == (
        f"FROM alpine\n{onbuild('RUN apk add curl')}\n{line}\n{onbuild('LABEL r=$GIT_SHA')}\n"
    )


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (
            "FROM alpine\n# the commit\nARG GIT_SHA\nRUN a\n# metadata\nLABEL rev=$GIT_SHA\n",
            "FROM alpine\nRUN a\n# the commit\nARG GIT_SHA\n# metadata\nLABEL rev=$GIT_SHA\n",
        ),
        (
            'FROM alpine\nARG GIT_SHA\nRUN a\nRUN b\nCMD ["run"]\n\nFROM alpine\nRUN c\n',
            'FROM alpine\nRUN a\nRUN b\nCMD ["run"]\nARG GIT_SHA\n\nFROM alpine\nRUN c\n',
        ),
        (
            "FROM alpine\nARG GIT_SHA\nRUN a",
            "FROM alpine\nRUN a\nARG GIT_SHA",
        ),
        (
            "FROM alpine\r\nARG BUILD_DATE GIT_SHA\r\nRUN a\r\nLABEL d=$BUILD_DATE\r\n",
            "FROM alpine\r\nRUN a\r\nARG BUILD_DATE GIT_SHA\r\nLABEL d=$BUILD_DATE\r\n",
        ),
        (
            "FROM alpine\n\nARG GIT_SHA\n\nRUN a\n\nLABEL rev=$GIT_SHA\n",
            "FROM alpine\n\nRUN a\n\nARG GIT_SHA\nLABEL rev=$GIT_SHA\n",
        ),
        (
            "FROM alpine\nARG GIT_SHA\nENV APP_SHA=$GIT_SHA\nRUN a\nLABEL rev=$APP_SHA\n",
            "FROM alpine\nRUN a\nARG GIT_SHA\nENV APP_SHA=$GIT_SHA\nLABEL rev=$APP_SHA\n",
        ),
        (
            "FROM alpine\n    ARG VCS_REF\n    RUN a\n    RUN echo $VCS_REF\n",
            "FROM alpine\n    RUN a\n    ARG VCS_REF\n    RUN echo $VCS_REF\n",
        ),
    ],
)
def test_fix_moves_the_declaration_down(before: str, after: str) -> None:
    assert fix(before, CODE) == before  # unsafe only
    fixed = fix(before, CODE, unsafe=True)
    assert fixed == after
    assert fix(fixed, CODE, unsafe=True) == fixed
    assert lint(fixed, CODE) == []


def test_no_fix_for_a_mixed_env_line() -> None:
    text = "FROM alpine\nARG GIT_SHA\nENV A=1 REVISION=$GIT_SHA\nRUN a\n"
    [finding] = lint(text, CODE)
    assert positions([finding]) == [(3, 9, 3, 17)]
    assert finding.fix is None


def test_no_fix_for_a_mixed_arg_line() -> None:
    text = "FROM alpine\nARG GIT_SHA NAME=x\nRUN a\nLABEL r=$GIT_SHA\n"
    [finding] = lint(text, CODE)
    assert finding.fix is None
    assert "apart from the other names on its line" in said(finding)
    assert fix(text, CODE, unsafe=True) == text


def test_stops_before_a_redeclaration_of_what_its_value_reads() -> None:
    text = "FROM alpine\nARG GIT_SHA\nENV REV=$GIT_SHA\nRUN a\nARG GIT_SHA=x\nRUN b\n"
    findings = lint(text, CODE)
    env = [finding for finding in findings if finding.location.line == 3]
    assert len(env) == 1
    assert "re-runs 1 later RUN" in env[0].message
    assert "from the RUN at line 4 on" in said(env[0])


def test_classic_builder_gets_no_fix_when_no_run_follows_the_moved_lines():
    text = (
        "FROM python:3.12\n"
        "ARG GIT_SHA=dev\n"
        "ENV APP_REVISION=$GIT_SHA\n"
        "RUN pip install flask\n"
        'CMD ["python"]\n'
    )
    classic = lint(text, "LL102", builder="classic")
    assert classic and all(finding.fix is None for finding in classic)
    assert "buildah keys ENV/LABEL/ARG steps on their text" in said(classic[0])
    assert fix(text, "LL102", unsafe=True, builder="classic") == text
    # under BuildKit the config carries the expanded value: the move is offered
    buildkit = lint(text, "LL102")
    assert buildkit and buildkit[0].fix is not None


BLOCK = (
    "FROM python:3.12-slim\nARG GIT_SHA\nARG BUILD_DATE\n"
    "RUN pip install --no-cache-dir flask\nCOPY . /app\nRUN echo $GIT_SHA $BUILD_DATE > /v\n"
)
"""Two per-build ARGs declared together and first used together: one problem."""


def test_adjacent_declarations_with_one_advice_are_one_finding() -> None:
    [finding] = lint(BLOCK, CODE)
    assert finding.message == "ARG GIT_SHA, BUILD_DATE hold per-build values and re-run 1 later RUN"
    assert (finding.location.line, finding.end_location.line) == (2, 3)
    assert "Declare them just before it" in said(finding)
    fixed = fix(BLOCK, CODE, unsafe=True)
    assert fixed.index("COPY . /app\nARG GIT_SHA\nARG BUILD_DATE\nRUN echo") > 0
    assert lint(fixed, CODE) == []


@pytest.mark.parametrize(
    "text",
    [
        BLOCK.replace("ARG BUILD_DATE\n", "RUN true\nARG BUILD_DATE\n"),  # not adjacent
        BLOCK.replace("RUN echo $GIT_SHA $BUILD_DATE", "RUN echo $GIT_SHA\nRUN echo $BUILD_DATE"),
        BLOCK.replace("ARG GIT_SHA\nARG BUILD_DATE\n", "ARG GIT_SHA BUILD_DATE\n"),  # one line
    ],
)
def test_declarations_with_different_advice_stay_apart(text: str) -> None:
    findings = lint(text, CODE)
    assert len(findings) == 2
    assert all("hold per-build values" not in finding.message for finding in findings)


def test_a_block_of_long_names_is_counted_in_the_message() -> None:
    names = ["PIPELINE_GIT_COMMIT_SHA", "PIPELINE_BUILD_TIMESTAMP", "PIPELINE_BUILD_ID"]
    text = BLOCK.replace(
        "ARG GIT_SHA\nARG BUILD_DATE\n", "".join(f"ARG {name}\n" for name in names)
    ).replace("$GIT_SHA $BUILD_DATE", " ".join(f"${name}" for name in names))
    [finding] = lint(text, CODE)
    assert finding.message.startswith("3 ARG lines from PIPELINE_GIT_COMMIT_SHA on hold")
    assert len(finding.message) <= 100


def test_corpus_ingress_nginx_label_arguments_are_one_finding() -> None:
    """The block the issue names: ARG VERSION, COMMIT_SHA and BUILD_ID (lines 20-22) above
    the labels that use them, before 4 RUNs."""
    from corpus_support import corpus_root

    path = corpus_root() / "files" / "kubernetes__ingress-nginx" / "rootfs__Dockerfile"
    findings = lint(path.read_text(encoding="utf-8"), CODE)
    assert [(f.location.line, f.end_location.line) for f in findings] == [(20, 22)]
    assert "VERSION, COMMIT_SHA, BUILD_ID" in findings[0].message
    assert "the LABELs at lines 29, 30, 32" in said(findings[0])
