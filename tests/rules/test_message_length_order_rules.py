"""The messages of LL102, LL105, LL106 and LL202 are one short sentence; the detail is help.

Checked on realistic inputs: the README's example, minimal copies of real files, and
(when the corpus is there) the corpus files where these rules fire most verbosely.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from corpus_support import corpus_root
from rule_harness import rule_class

from lintlayers.engine import Linter

CODES = ("LL102", "LL105", "LL106", "LL202")
LIMIT = 100
"""Most characters of a message: about one line of a terminal or an editor's hover."""
ROOT = Path(__file__).resolve().parent.parent.parent

INLINE = {
    "python-app": (ROOT / "examples" / "python-app" / "Dockerfile").read_text(encoding="utf-8"),
    "env-from-arg": (
        "FROM python:3.12-slim\nARG CI_COMMIT_SHORT_SHA\n"
        "ENV APPLICATION_REVISION=$CI_COMMIT_SHORT_SHA\nRUN pip install --no-cache-dir flask\n"
        "RUN pip install --no-cache-dir gunicorn\nCOPY . /app\n"
    ),
    "labels-first": (
        "FROM debian:bookworm\nLABEL org.opencontainers.image.version=1.4.2\nEXPOSE 8080\n"
        "HEALTHCHECK CMD curl -f http://localhost:8080/ || exit 1\nVOLUME /data\n"
        "WORKDIR /app\nCOPY app /app\nRUN apt-get update && apt-get install -y curl\n"
    ),
    "runs": (
        "FROM debian:12\nRUN groupadd --system app && useradd --system --gid app app\n"
        "RUN cp -r /usr/share/doc /srv/app\nRUN chown -R app:app /srv/app\n"
    ),
}
CORPUS = (
    "kubernetes__ingress-nginx/rootfs__Dockerfile",
    "apache__couchdb-docker/3.1.2-ubi-clouseau__Dockerfile",
    "jenkinsci__docker/debian__Dockerfile",
    "jenkinsci__docker/rhel__Dockerfile",
    "tonistiigi__xx/src__ld__Dockerfile",
    "docker-library__redis/6.2__debian__Dockerfile",
)


def findings(text: str, builder: str) -> list:
    linter = Linter([rule_class(code)() for code in CODES], builder=builder)
    return linter.lint_text(text, "Dockerfile").findings


def assert_short(found: list) -> None:
    for finding in found:
        message = finding.message
        assert len(message) <= LIMIT, f"{finding.code}: {len(message)} characters: {message}"
        assert "\n" not in message and ". " not in message.rstrip("."), message
        assert finding.help, f"{finding.code} gives no help: {message}"


def test_inline_examples() -> None:
    found = [
        finding
        for text in INLINE.values()
        for builder in ("buildkit", "classic")
        for finding in findings(text, builder)
    ]
    assert {finding.code for finding in found} == set(CODES)
    assert_short(found)


@pytest.mark.parametrize("builder", ["buildkit", "classic"])
def test_corpus_files(builder: str) -> None:
    root = corpus_root() / "files"
    found = []
    for name in CORPUS:
        found.extend(findings((root / name).read_text(encoding="utf-8"), builder))
    assert {finding.code for finding in found} >= (
        {"LL102", "LL105", "LL202"} if builder == "classic" else {"LL102"}
    )
    assert_short(found)
