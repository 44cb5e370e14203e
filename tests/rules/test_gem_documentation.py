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


@pytest.mark.parametrize(
    "text",
    [
        # the early official ruby images' per-command gemrc lines, echoed with a \n
        "FROM debian\n"
        "RUN echo 'install: --no-document\\nupdate: --no-document' > \"$HOME/.gemrc\"\n"
        "RUN gem install bundler\n",
        "FROM mcr.microsoft.com/devcontainers/ruby:3.3\nRUN gem install rails\n",
        "FROM mcr.microsoft.com/vscode/devcontainers/ruby:3.1-bullseye\nRUN gem install rails\n",
    ],
)
def test_passes_where_documentation_is_already_off(text: str) -> None:
    assert lint(text, CODE) == []


@pytest.mark.parametrize(
    "name",
    [
        "docker-library__ruby/_hist_5d04363db6f7__2.0__Dockerfile",  # ~/.gemrc at line 9
        "docker-library__ruby/_hist_5d04363db6f7__2.2__Dockerfile",
        "docker-library__ruby/_hist_5d04363db6f7__2.0__slim__Dockerfile",
        "devcontainers__images/src__jekyll__.devcontainer__Dockerfile",  # FROM devcontainers/ruby
        "microsoft__vscode-dev-containers/containers__ruby-rails-postgres__.devcontainer__Dockerfile",
    ],
)
def test_corpus_files_whose_gemrc_already_turns_documentation_off(name: str) -> None:
    from corpus_support import corpus_root

    path = corpus_root() / "files" / name
    assert lint(path.read_text(encoding="utf-8"), CODE) == []
