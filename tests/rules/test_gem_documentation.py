"""LL315 gem-documentation."""

from __future__ import annotations

import pytest
from rule_harness import fix, lint, onbuild, positions

CODE = "LL315"


@pytest.mark.parametrize(
    ("line", "span"),
    [
        ("RUN gem install bundler", (2, 5, 2, 16)),
        ("RUN gem install -v 2.4.0 bundler", (2, 5, 2, 16)),
        ("RUN gem update --system", (2, 5, 2, 15)),
        ("RUN apt-get install -y ruby && gem install rake", (2, 32, 2, 43)),
    ],
)
def test_reports(line: str, span: tuple[int, int, int, int]) -> None:
    assert positions(lint(f"FROM debian\n{line}\n", CODE)) == [span]


@pytest.mark.parametrize(
    "text",
    [
        "FROM debian\nRUN gem install --no-document bundler\n",
        "FROM debian\nRUN gem install -N bundler\n",
        "FROM debian\nRUN gem install --no-rdoc --no-ri bundler\n",
        "FROM ruby:3.3\nRUN gem install bundler\n",
        "FROM ruby:3.3-slim AS base\nFROM base\nRUN gem install rails\n",
        "FROM debian\nRUN echo 'gem: --no-document' > /etc/gemrc\nRUN gem install rake\n",
        "FROM debian\nCOPY gemrc /root/.gemrc\nRUN gem install rake\n",
        "FROM debian\nRUN gem list\n",
        "FROM debian\nRUN bundle install\n",
    ],
)
def test_passes(text: str) -> None:
    assert lint(text, CODE) == []


def test_fix_is_safe_and_lints_clean() -> None:
    text = "FROM debian\nRUN gem install bundler && bundle install\n"
    fixed = fix(text, CODE)
    assert fixed == "FROM debian\nRUN gem install --no-document bundler && bundle install\n"
    assert lint(fixed, CODE) == []


def test_onbuild() -> None:
    assert len(lint(f"FROM debian\n{onbuild('RUN gem install rake')}\n", CODE)) == 1
