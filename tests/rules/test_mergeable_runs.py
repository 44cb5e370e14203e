"""LL106 mergeable-runs."""

from __future__ import annotations

import pytest
from corpus_support import corpus_root
from rule_harness import fix, lint, positions, rule_class

from lintlayers.engine import Linter

CODE = "LL106"

LIGHT = """\
FROM debian:12
RUN useradd --create-home app
RUN mkdir -p /srv/data
RUN chown app /srv/data
"""
LIGHT_MERGED = """\
FROM debian:12
RUN useradd --create-home app \\
    && mkdir -p /srv/data \\
    && chown app /srv/data
"""


@pytest.mark.parametrize("builder", ["buildkit", "classic"])
def test_one_finding_per_group_with_its_fix(builder: str) -> None:
    (finding,) = lint(LIGHT, CODE, builder=builder)
    assert positions([finding]) == [(2, 1, 2, 4)]
    assert finding.severity == "info"
    assert finding.message == (
        "This RUN and the 2 after it always miss the cache together: they could be one layer"
    )
    assert "instead of 3" in finding.help
    assert finding.fix is not None and finding.fix.applicability == "unsafe"
    assert fix(LIGHT, CODE, builder=builder) == LIGHT  # unsafe only
    fixed = fix(LIGHT, CODE, unsafe=True, builder=builder)
    assert fixed == LIGHT_MERGED
    assert fix(fixed, CODE, unsafe=True, builder=builder) == fixed
    assert lint(fixed, CODE, builder=builder) == []


def test_two_runs_in_the_first_runs_style() -> None:
    text = (
        "FROM debian:12\nRUN --mount=type=cache,target=/root/.cache mkdir -p /opt/x &&\\\n"
        "    ln -s /opt/x /x\n\nRUN --mount=type=cache,target=/root/.cache touch /x/ready\n"
        'CMD ["sh"]\n'
    )
    (finding,) = lint(text, CODE)
    assert finding.message.startswith("This RUN and the next always miss the cache together")
    assert fix(text, CODE, unsafe=True) == (
        "FROM debian:12\nRUN --mount=type=cache,target=/root/.cache mkdir -p /opt/x &&\\\n"
        "    ln -s /opt/x /x && \\\n    touch /x/ready\n"
        'CMD ["sh"]\n'
    )


def test_a_long_chain_merges_to_one_run() -> None:
    text = "FROM alpine:3.20\nRUN mkdir /srv\n" + "".join(
        f"RUN mkdir /srv/d{n}\n" for n in range(8)
    )
    (finding,) = lint(text, CODE)
    assert finding.message.startswith("This RUN and the 8 after it")
    fixed = fix(text, CODE, unsafe=True)
    assert fixed.count("RUN ") == 1
    assert all(f"mkdir /srv/d{n}" in fixed for n in range(8))
    assert lint(fixed, CODE) == []


def test_groups_are_split_by_what_stands_between() -> None:
    text = (
        "FROM alpine:3.20\nRUN mkdir /a\nRUN mkdir /a/b\nRUN mkdir /c\nCOPY app /app\n"
        "RUN chmod +x /app/run\nRUN ln -s /app/run /usr/bin/run\n"
    )
    assert positions(lint(text, CODE)) == [(2, 1, 2, 4), (6, 1, 6, 4)]
    fixed = fix(text, CODE, unsafe=True)
    assert fixed == (
        "FROM alpine:3.20\nRUN mkdir /a \\\n    && mkdir /a/b \\\n    && mkdir /c\nCOPY app /app\n"
        "RUN chmod +x /app/run \\\n    && ln -s /app/run /usr/bin/run\n"
    )


def test_only_when_two_of_them_name_the_same_path() -> None:
    """RUNs apart cost one layer each and nothing else; the same file in two layers is
    stored twice (a script fixed up, then made executable)."""
    assert lint("FROM alpine\nRUN mkdir /a\nRUN mkdir /b\nRUN mkdir /c\n", CODE) == []
    users = "FROM alpine\nRUN addgroup -g 1000 app\nRUN adduser -G app -u 1000 -D app\n"
    assert lint(users, CODE) == []  # the same user name and id: no path
    scripts = "FROM alpine\nRUN echo a | sed s,/,_,g > /a\nRUN echo b | sed s,/,_,g > /b\n"
    assert lint(scripts, CODE) == []  # the same sed script: no path
    readers = "FROM alpine\nRUN ls -al /usr/bin/git\nRUN stat /usr/bin/git\n"
    assert lint(readers, CODE) == []  # read, not written: stored in no layer
    text = "FROM alpine\nCOPY start /start\nRUN sed -i 's/\\r$//g' /start\nRUN chmod +x /start\n"
    (finding,) = lint(text, CODE)
    assert finding.message.startswith("This RUN and the next always miss the cache together")
    assert fix(text, CODE, unsafe=True).endswith(
        "RUN sed -i 's/\\r$//g' /start \\\n    && chmod +x /start\n"
    )


def test_trailing_spaces_between_a_chain_are_dropped() -> None:
    text = "FROM alpine\nRUN mkdir /a  \nRUN mkdir /b \nRUN mkdir /a/c\n"
    assert fix(text, CODE, unsafe=True) == (
        "FROM alpine\nRUN mkdir /a \\\n    && mkdir /b \\\n    && mkdir /a/c\n"
    )


APART = {  # each would be reported but for what its name says: two RUNs name /w
    "different mounts": (
        "FROM python:3.12\nRUN --mount=type=cache,target=/root/.cache/pip mkdir /w\n"
        "RUN mkdir /w/v\n"
    ),
    "a COPY between": (
        "FROM python:3.12\nRUN mkdir /w\nCOPY req.txt /w/\nRUN chmod 600 /w/req.txt\n"
    ),
    "a bind mount of the context": (
        "FROM python:3.12\nRUN mkdir /w\n"
        "RUN --mount=type=bind,source=req.txt,target=/tmp/r.txt cp /tmp/r.txt /w/\n"
    ),
    "a build argument between": "FROM alpine\nRUN mkdir /w\nARG GIT_SHA\nRUN touch /w/$GIT_SHA\n",
    "a comment between": "FROM alpine\nRUN mkdir /w\n# kept apart on purpose\nRUN mkdir /w/v\n",
    "cd in the first": "FROM alpine\nRUN cd /w && touch /w/x\nRUN touch /w/y\n",
    "|| in the second": "FROM alpine\nRUN mkdir /w\nRUN rm /w/x || true\n",
    "a heredoc": "FROM alpine\nRUN mkdir /w\nRUN <<EOF\ntouch /w/x\nEOF\n",
    "the exec form": 'FROM alpine\nRUN mkdir /w\nRUN ["touch", "/w/x"]\n',
    "ONBUILD": "FROM alpine\nONBUILD RUN mkdir /w\nONBUILD RUN touch /w/x\n",
    "ONBUILD between": "FROM alpine\nRUN mkdir /w\nONBUILD RUN touch /w/x\nRUN touch /w/y\n",
    "two stages": "FROM alpine AS one\nRUN mkdir /w\nFROM alpine\nRUN mkdir /w/v\n",
    "an install first": (
        "FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends curl\n"
        "RUN chmod 700 /usr/bin/curl /var/lib/apt\n"
    ),
    "a compile first": "FROM golang:1.22\nRUN go build -o /w/app ./...\nRUN chmod +x /w/app\n",
    "a download first": (
        "FROM alpine\nRUN wget -O /w/x.tgz https://example.com/x.tgz\nRUN tar -xzf /w/x.tgz\n"
    ),
}


@pytest.mark.parametrize("name", sorted(APART))
@pytest.mark.parametrize("builder", ["buildkit", "classic"])
def test_never_merges(name: str, builder: str) -> None:
    assert lint(APART[name], CODE, builder=builder) == []


def test_the_near_misses_are_reported_without_what_keeps_them_apart() -> None:
    """The cases above are near misses: without the one thing between, they merge."""
    assert lint("FROM python:3.12\nRUN mkdir /w\nRUN chmod 600 /w\n", CODE)
    assert lint("FROM alpine\nRUN mkdir /w\nRUN touch /w/x\n", CODE)
    assert lint("FROM alpine\nRUN touch /w/x\nRUN touch /w/y\n", CODE) == []  # siblings


def test_leaves_ll103s_and_ll306s_findings_alone() -> None:
    """An update alone before an install (LL103), a cleanup after an install (LL306)."""
    text = (
        "FROM debian:12\nRUN apt-get update\nRUN apt-get install -y --no-install-recommends curl\n"
        "RUN rm -rf /var/lib/apt/lists/*\n"
    )
    linter = Linter([rule_class(code)() for code in ("LL103", "LL106", "LL306")])
    codes = [finding.code for finding in linter.lint_text(text, "Dockerfile").findings]
    assert sorted(codes) == ["LL103", "LL306"]


def test_hadolint_pragma_applies() -> None:
    text = "FROM alpine\n# hadolint ignore=DL3059\nRUN mkdir /w\nRUN mkdir /v\n"
    assert lint(text, CODE) == []
    assert rule_class(CODE).hadolint == ("DL3059",)


def test_corpus_cookiecutter_script_fixed_up_then_made_executable() -> None:
    """cookiecutter-django's docs image: `sed -i` on /start-docs, then `chmod +x` of it."""
    name = "{{cookiecutter.project_slug}}__compose__local__docs__Dockerfile"
    path = corpus_root() / "files" / "cookiecutter__cookiecutter-django" / name
    text = path.read_text(encoding="utf-8")
    (finding,) = lint(text, CODE)
    assert positions([finding]) == [(60, 1, 60, 4)]
    fixed = fix(text, CODE, unsafe=True)
    assert "RUN sed -i 's/\\r$//g' /start-docs \\\n    && chmod +x /start-docs\n" in fixed
    assert lint(fixed, CODE) == []
