"""The model questions behind a "merge these RUNs" rule: ``miss_together`` and ``join_runs``."""

from __future__ import annotations

from pathlib import Path

import pytest

from lintlayers.cache.predict import key_changes
from lintlayers.cache.together import apart, cache_plan, cache_step, miss_together
from lintlayers.context import RuleContext
from lintlayers.fixes import _apply_edits
from lintlayers.model.run_join import join_runs
from lintlayers.syntax.parser import parse

BUILDERS = ("buildkit", "classic")


def context_of(text: str, builder: str = "buildkit", root: Path | None = None) -> RuleContext:
    return RuleContext(
        parse(text),
        builder=builder,
        context_dir=str(root) if root is not None else None,
        path=str(root / "Dockerfile") if root is not None else None,
    )


def on_line(context: RuleContext, line: int):
    (found,) = [i for i in context.dockerfile.instructions if i.start_line == line]
    return found


def together(text: str, first: int, second: int, builder: str = "buildkit") -> str | None:
    context = context_of(text, builder)
    return apart(context, on_line(context, first), on_line(context, second))


# -- miss_together ---------------------------------------------------------------------------


@pytest.mark.parametrize("builder", BUILDERS)
def test_adjacent_runs_always_miss_together(builder: str) -> None:
    text = "FROM debian:12\nARG VERSION=1\nRUN apt-get update\nRUN apt-get install -y curl\n"
    assert together(text, 3, 4, builder) is None
    context = context_of(text, builder)
    assert miss_together(context, on_line(context, 3), on_line(context, 4))


@pytest.mark.parametrize("builder", BUILDERS)
def test_a_copy_between_makes_them_miss_apart(builder: str) -> None:
    text = "FROM debian:12\nRUN make deps\nCOPY src/ /src/\nRUN make -C /src\n"
    reason = together(text, 2, 4, builder)
    assert reason is not None and "'src'" in reason and "line 3" in reason


def test_a_bind_mount_on_the_second_only_makes_them_miss_apart() -> None:
    text = (
        "FROM python:3.12\nRUN pip install -U pip\n"
        "RUN --mount=type=bind,source=requirements.txt,target=/r.txt pip install -r /r.txt\n"
    )
    reason = together(text, 2, 3)
    assert reason is not None and "bind mount" in reason and "requirements.txt" in reason
    # The same mount on both: the same files in both keys.
    mount = "--mount=type=bind,source=requirements.txt,target=/r.txt"
    both = text.replace("RUN pip install -U pip", f"RUN {mount} pip install -U pip")
    assert together(both, 2, 3) is None


def test_a_mount_from_another_stage_makes_them_miss_apart() -> None:
    text = "FROM alpine AS tools\nRUN make\nFROM debian:12\nRUN a\nRUN --mount=from=tools b\n"
    reason = together(text, 4, 5)
    assert reason is not None and "stage tools" in reason


@pytest.mark.parametrize("builder", BUILDERS)
def test_a_build_argument_declared_between_makes_them_miss_apart(builder: str) -> None:
    text = "FROM debian:12\nRUN a\nARG GIT_SHA\nRUN b\n"
    reason = together(text, 2, 4, builder)
    assert reason is not None and "GIT_SHA" in reason


def test_a_constant_env_between_does_not_change_how_often_they_miss() -> None:
    text = "FROM debian:12\nRUN a\nENV LANG=C.UTF-8\nRUN b\n"
    assert together(text, 2, 4) is None


def test_an_env_expanding_an_argument_declared_before_both_is_fine() -> None:
    text = "FROM debian:12\nARG V=1\nRUN a\nENV X=$V\nRUN b\n"
    assert together(text, 3, 5, "classic") is None
    late = "FROM debian:12\nRUN a\nARG V=1\nENV X=$V\nRUN b\n"
    assert together(late, 2, 5, "classic") is not None


def test_an_add_url_between_fetches_on_every_build() -> None:
    text = "FROM debian:12\nRUN a\nADD https://example.com/x.tgz /x.tgz\nRUN b\n"
    reason = together(text, 2, 4)
    assert reason is not None and "every build" in reason


def test_order_stage_and_cache_steps_are_checked() -> None:
    text = "FROM debian:12\nRUN a\nRUN b\nFROM debian:12\nRUN c\n"
    assert together(text, 3, 2) is not None  # wrong order
    assert together(text, 3, 5) is not None  # another stage
    assert together("FROM debian:12\nENV A=1\nRUN b\n", 2, 3) is not None  # no cache step


def test_agrees_with_key_changes_over_a_context(tmp_path: Path) -> None:
    """Whenever the second's own key changes, so does the first's (the plan's own rule)."""
    for name in ("requirements.txt", "src/app.py", "README.md"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x\n", encoding="utf-8")
    text = (
        "FROM python:3.12\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\n"
        "RUN pip check\nCOPY src/ src/\nRUN python -m compileall src\n"
    )
    context = context_of(text, root=tmp_path)
    plan = cache_plan(context)
    runs = [i for i in context.dockerfile.instructions if i.keyword == "RUN"]
    for changed in ("requirements.txt", "src/app.py", "README.md"):
        causes = key_changes(plan, changed_files=[changed])
        for first in runs:
            for second in runs:
                if second.start_line <= first.start_line or not miss_together(
                    context, first, second
                ):
                    continue
                steps = plan.stage(0).steps
                one = cache_step(context, first)
                two = cache_step(context, second)
                assert one is not None and two is not None
                between = steps[one.index + 1 : two.index + 1]
                assert not any(step in causes for step in between), (changed, first, second)
    assert together(text, 3, 4) is None
    assert together(text, 4, 6) is not None


def test_the_plan_is_computed_once_per_file() -> None:
    context = context_of("FROM debian:12\nRUN a\nRUN b\n")
    assert cache_plan(context) is cache_plan(context)


# -- join_runs ---------------------------------------------------------------------------------


def joined(text: str, first: int = 2, second: int = 3) -> str | None:
    context = context_of(text)
    edit = join_runs(context, on_line(context, first), on_line(context, second))
    return None if edit is None else _apply_edits(text, [edit])


def test_join_in_the_leading_style() -> None:
    text = "FROM debian:12\nRUN apt-get update\nRUN apt-get install -y curl\n"
    assert joined(text) == (
        "FROM debian:12\nRUN apt-get update \\\n    && apt-get install -y curl\n"
    )


def test_join_keeps_the_trailing_style_crlf_and_the_second_runs_lines() -> None:
    text = "FROM debian:12\r\nRUN a && \\\r\n  b\r\n\r\nRUN c \\\r\n  --flag\r\n"
    assert (
        joined(text, 2, 5) == "FROM debian:12\r\nRUN a && \\\r\n  b && \\\r\n  c \\\r\n  --flag\r\n"
    )


def test_join_with_the_same_flags_keeps_them_once() -> None:
    text = (
        "FROM debian:12\nRUN --network=none --mount=type=cache,target=/c a\n"
        "RUN --mount=type=cache,target=/c --network=none b\n"
    )
    assert joined(text) == (
        "FROM debian:12\nRUN --network=none --mount=type=cache,target=/c a \\\n    && b\n"
    )


@pytest.mark.parametrize(
    "text",
    [
        "FROM debian:12\nRUN cd /src && make\nRUN make install\n",
        "FROM debian:12\nRUN export PATH=/x:$PATH\nRUN b\n",
        "FROM debian:12\nRUN X=1\nRUN b\n",
        "FROM debian:12\nRUN set -o pipefail\nRUN a | b\n",
        "FROM debian:12\nRUN a || exit 0\nRUN b\n",
        "FROM debian:12\nRUN umask 077\nRUN touch f\n",
        "FROM debian:12\nRUN for f in a b; do touch $f; done && ls\nRUN echo $f\n",
        "FROM debian:12\nRUN let n=1\nRUN b\n",
        "FROM debian:12\nRUN a\nRUN b; c\n",
        "FROM debian:12\nRUN a\nRUN b || c\n",
        "FROM debian:12\nRUN a\nRUN if x; then y; fi\n",
        "FROM debian:12\nRUN a\nRUN (b && c)\n",
        "FROM debian:12\nRUN a\nRUN b & \n",
        "FROM debian:12\nRUN a\nRUN b # why\n",
        'FROM debian:12\nRUN a\nRUN ["b"]\n',
        'FROM debian:12\nRUN ["a"]\nRUN b\n',
        "FROM debian:12\nRUN a\nRUN <<EOF\nb\nEOF\n",
        "FROM debian:12\nRUN <<EOF\na\nEOF\nRUN b\n",
        "FROM debian:12\nRUN --mount=type=cache,target=/c a\nRUN b\n",
        "FROM debian:12\nRUN --network=none a\nRUN --network=host b\n",
        "FROM debian:12\nRUN --security=insecure a\nRUN b\n",
        "FROM debian:12\nRUN if x; then y; fi\nRUN b\n",
        "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN a\nRUN b\n",
        "# escape=`\nFROM debian:12\nRUN a\nRUN b\n",  # the model takes it for Windows
        'FROM debian:12\nSHELL ["pwsh", "-c"]\nRUN a\nRUN b\n',
        "FROM debian:12\nONBUILD RUN a\nONBUILD RUN b\n",
    ],
)
def test_no_join_when_merging_could_change_what_runs(text: str) -> None:
    context = context_of(text)
    runs = [i for i in context.dockerfile.instructions if i.effective.keyword == "RUN"]
    first, second = runs
    assert join_runs(context, first, second) is None


def test_no_join_across_a_comment_or_another_instruction() -> None:
    assert joined("FROM debian:12\nRUN a\n# keep apart\nRUN b\n", 2, 4) is None
    assert joined("FROM debian:12\nRUN a\nENV A=1\nRUN b\n", 2, 4) is None
    assert joined("FROM debian:12\nRUN a\n\n\nRUN b\n", 2, 5) == (
        "FROM debian:12\nRUN a \\\n    && b\n"
    )


def test_a_loop_whose_variable_the_second_does_not_read_is_joined() -> None:
    text = "FROM debian:12\nRUN for f in a b; do touch $f; done && ls\nRUN echo $g\n"
    assert joined(text) == (
        "FROM debian:12\nRUN for f in a b; do touch $f; done && ls \\\n    && echo $g\n"
    )


def test_harmless_set_and_pipes_are_joined() -> None:
    text = "FROM debian:12\nRUN set -ex; apt-get update\nRUN curl -s x | tar -x && make\n"
    assert joined(text) == (
        "FROM debian:12\nRUN set -ex; apt-get update \\\n    && curl -s x | tar -x && make\n"
    )


# -- dropping the plan after its readers -----------------------------------------------------


def test_the_plan_is_dropped_and_emptied_once_its_readers_have_run() -> None:
    context = context_of("FROM debian:12\nRUN apt-get update\nRUN apt-get install -y curl\n")
    plan = cache_plan(context)
    assert cache_step(context, on_line(context, 2)) is not None
    context.drop_unread(frozenset({"LL106", "LL301"}))  # LL106 still to run: kept
    assert cache_plan(context) is plan
    context.drop_unread(frozenset({"LL301"}))
    assert plan.stages == [] and list(plan.steps()) == []  # its cycles broken
    again = cache_plan(context)  # asked again: computed again, the same answer
    assert again is not plan and [step.line for step in again.steps()] == [1, 2, 3]
