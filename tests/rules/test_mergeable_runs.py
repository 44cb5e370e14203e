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
RUN cp -r /usr/share/doc /srv/docs
RUN chown -R app /srv/docs
"""
LIGHT_MERGED = """\
FROM debian:12
RUN useradd --create-home app \\
    && cp -r /usr/share/doc /srv/docs \\
    && chown -R app /srv/docs
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
        "FROM debian:12\nRUN --mount=type=cache,target=/root/.cache cp -r /etc/skel /opt/x &&\\\n"
        "    ln -s /opt/x /x\n\nRUN --mount=type=cache,target=/root/.cache rm /opt/x/.bashrc\n"
        'CMD ["sh"]\n'
    )
    (finding,) = lint(text, CODE)
    assert finding.message.startswith("This RUN and the next always miss the cache together")
    assert fix(text, CODE, unsafe=True) == (
        "FROM debian:12\nRUN --mount=type=cache,target=/root/.cache cp -r /etc/skel /opt/x &&\\\n"
        "    ln -s /opt/x /x && \\\n    rm /opt/x/.bashrc\n"
        'CMD ["sh"]\n'
    )


def test_a_long_chain_merges_to_one_run() -> None:
    text = "FROM alpine:3.20\nRUN cp -r /etc /srv\n" + "".join(
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
        "FROM alpine:3.20\nRUN cp -r /etc /a\nRUN mkdir /a/b\nRUN mkdir /c\nCOPY app /app\n"
        "RUN chmod 644 /app/app.jar\nRUN mv /app/app.jar /srv/\n"
    )
    assert positions(lint(text, CODE)) == [(2, 1, 2, 4), (6, 1, 6, 4)]
    fixed = fix(text, CODE, unsafe=True)
    assert fixed == (
        "FROM alpine:3.20\nRUN cp -r /etc /a \\\n    && mkdir /a/b \\\n    && mkdir /c\n"
        "COPY app /app\nRUN chmod 644 /app/app.jar \\\n    && mv /app/app.jar /srv/\n"
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
    text = "FROM alpine\nCOPY app.tgz /\nRUN tar -xzf /app.tgz -C /opt/app\nRUN chmod -R o-w /opt\n"
    (finding,) = lint(text, CODE)
    assert finding.message.startswith("This RUN and the next always miss the cache together")
    assert fix(text, CODE, unsafe=True).endswith(
        "RUN tar -xzf /app.tgz -C /opt/app \\\n    && chmod -R o-w /opt\n"
    )


def test_trailing_spaces_between_a_chain_are_dropped() -> None:
    text = "FROM alpine\nRUN cp -r /etc /a  \nRUN mkdir /b \nRUN mkdir /a/c\n"
    assert fix(text, CODE, unsafe=True) == (
        "FROM alpine\nRUN cp -r /etc /a \\\n    && mkdir /b \\\n    && mkdir /a/c\n"
    )


APART = {  # each would be reported but for what its name says: a RUN fills /w, a later one names it
    "different mounts": (
        "FROM python:3.12\nRUN --mount=type=cache,target=/root/.cache/pip cp -r /etc /w\n"
        "RUN mkdir /w/v\n"
    ),
    "a COPY between": (
        "FROM python:3.12\nRUN cp -r /etc /w\nCOPY req.txt /w/\nRUN chmod 600 /w/req.txt\n"
    ),
    "a bind mount of the context": (
        "FROM python:3.12\nRUN cp -r /etc /w\n"
        "RUN --mount=type=bind,source=req.txt,target=/tmp/r.txt cp /tmp/r.txt /w/\n"
    ),
    "a build argument between": "FROM alpine\nRUN cp -r /etc /w\nARG SHA\nRUN touch /w/$SHA\n",
    "a comment between": "FROM alpine\nRUN cp -r /etc /w\n# kept apart\nRUN mkdir /w/v\n",
    "cd in the first": "FROM alpine\nRUN cd /w && cp -r /etc /w/x\nRUN rm -r /w/x/ssl\n",
    "|| in the second": "FROM alpine\nRUN cp -r /etc /w\nRUN rm /w/x || true\n",
    "a heredoc": "FROM alpine\nRUN cp -r /etc /w\nRUN <<EOF\ntouch /w/x\nEOF\n",
    "the exec form": 'FROM alpine\nRUN cp -r /etc /w\nRUN ["touch", "/w/x"]\n',
    "ONBUILD": "FROM alpine\nONBUILD RUN cp -r /etc /w\nONBUILD RUN touch /w/x\n",
    "ONBUILD between": "FROM alpine\nRUN cp -r /etc /w\nONBUILD RUN touch /w/x\nRUN touch /w/y\n",
    "two stages": "FROM alpine AS one\nRUN cp -r /etc /w\nFROM alpine\nRUN mkdir /w/v\n",
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
    assert lint("FROM python:3.12\nRUN cp -r /etc /w\nRUN chmod 600 /w\n", CODE)
    assert lint("FROM alpine\nRUN cp -r /etc /w\nRUN touch /w/x\n", CODE)
    assert lint("FROM alpine\nRUN cp -r /etc /w/x\nRUN cp -r /etc /w/y\n", CODE) == []  # siblings


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
    text = "FROM alpine\n# hadolint ignore=DL3059\nRUN cp -r /etc /w\nRUN rm -r /w/ssl\n"
    assert lint(text, CODE) == []
    assert lint(text.replace("# hadolint ignore=DL3059\n", ""), CODE)
    assert rule_class(CODE).hadolint == ("DL3059",)


def test_paths_only_made_or_changed_in_place_are_bytes() -> None:
    """A folder made then given to a user, a script edited then made executable, an empty
    file: both layers store a few bytes, so one layer less is all a merge saves."""
    quiet = [
        "FROM debian:12\nRUN useradd app\nRUN mkdir -p /srv/data\nRUN chown app /srv/data\n",
        "FROM alpine\nCOPY start /start\nRUN sed -i 's/\\r$//g' /start\nRUN chmod +x /start\n",
        "FROM alpine\nRUN touch /etc/x.conf\nRUN chmod 664 /etc/x.conf\n",
        "FROM alpine\nRUN mkdir /var/lib/t\nRUN ln -sf /var/lib/t /t\n",
        "FROM alpine\nCOPY a.txt /a.txt\nRUN cp /a.txt /srv/b.txt\nRUN chmod 444 /srv/b.txt\n",
        "FROM alpine\nRUN chmod 421 /root\nRUN rm -rf /root/example\n",
    ]
    for text in quiet:
        assert lint(text, CODE) == [], text
    loud = [  # a tree changed recursively, a file of any size copied or changed
        "FROM debian:12\nRUN useradd app\nRUN chown -R app /srv/data\nRUN rm /srv/data/x\n",
        "FROM alpine\nCOPY a.jar /opt/a.jar\nRUN chmod 644 /opt/a.jar\nRUN chown 1 /opt/a.jar\n",
        "FROM alpine\nRUN cp /usr/bin/git /srv/git\nRUN chmod 755 /srv/git\n",
    ]
    for text in loud:
        assert len(lint(text, CODE)) == 1, text


@pytest.mark.parametrize(
    ("folder", "name"),
    [
        ("devcontainers__images", "src__go__.devcontainer__Dockerfile"),
        ("wagoodman__dive",
         "cmd__dive__cli__testdata__image-multi-layer-containerfile__Containerfile"),
        ("containers__buildah", "tests__bud__workdir-symlink__Dockerfile"),
        ("jupyter__docker-stacks", "images__docker-stacks-foundation__Dockerfile"),
        ("cookiecutter__cookiecutter-django",
         "{{cookiecutter.project_slug}}__compose__local__docs__Dockerfile"),
    ],
)  # fmt: skip
def test_corpus_merges_that_save_bytes_are_not_reported(folder: str, name: str) -> None:
    """Labeled true-minor (issue 9): `chmod +x` of a few-kB script before running it, dive's
    and buildah's fixtures (small text files, an empty folder, a link), an empty ~/.cache
    given to its user, a script fixed up with `sed -i` then made executable."""
    text = (corpus_root() / "files" / folder / name).read_text(encoding="utf-8")
    assert lint(text, CODE) == []
