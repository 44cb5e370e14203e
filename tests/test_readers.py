"""``readers.read_by``: an analysis the engine drops after its readers is never needed again.

A rule reading a marked analysis without being named in its mark would compute it a second
time on the same file (the engine dropped it): the same answer, but the memory and time
the mark is there to save. Every file of the test fixtures and of the corpus
(``LINTLAYERS_CORPUS``, when set) is linted with every rule, counting computations.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from corpus_support import REPO_ROOT, corpus_files, decode

from lintlayers.context import RuleContext
from lintlayers.engine import default_linter
from lintlayers.readers import READ_BY


def _computed_twice(monkeypatch: pytest.MonkeyPatch, paths: list[Path]) -> list[str]:
    computed: Counter[object] = Counter()
    original = RuleContext.analysis

    def counting(self: RuleContext, compute):  # type: ignore[no-untyped-def]
        if compute in READ_BY and compute not in self._analyses:
            computed[compute] += 1
        return original(self, compute)

    monkeypatch.setattr(RuleContext, "analysis", counting)
    linter = default_linter()
    twice: list[str] = []
    for path in paths:
        computed.clear()
        linter.lint_text(decode(path.read_bytes())[0], str(path))
        twice.extend(
            f"{path}: {compute.__module__}.{compute.__qualname__}"  # type: ignore[attr-defined]
            for compute, count in computed.items()
            if count > 1
        )
    return twice


def test_marked_analyses_are_computed_once_per_fixture(monkeypatch: pytest.MonkeyPatch) -> None:
    paths = sorted(
        path
        for folder in ("examples", "tests/fixtures")
        for path in (REPO_ROOT / folder).rglob("Dockerfile*")
        if path.is_file()
    )
    assert len(paths) > 10
    assert _computed_twice(monkeypatch, paths) == []


@pytest.mark.slow
def test_marked_analyses_are_computed_once_per_corpus_file(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    twice = _computed_twice(monkeypatch, corpus_files())
    assert twice == [], "\n".join(twice[:20])


def test_a_reader_left_out_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    """The check itself: with LL106 left out of the cache plan's readers, the plan is
    dropped after LL105 on a file LL105 plans a reorder of, and LL106 computes it again."""
    from lintlayers.cache import together

    codes, release = READ_BY[together._cache_plan]
    monkeypatch.setitem(READ_BY, together._cache_plan, (codes - {"LL106"}, release))
    path = REPO_ROOT / "examples" / "python-app" / "Dockerfile"
    assert _computed_twice(monkeypatch, [path]) == [
        f"{path}: lintlayers.cache.together._cache_plan"
    ]


def test_recent_keeps_one_answer_per_question() -> None:
    """``RuleContext.recent``: the answer for the key asked last is kept, not one per key
    (a map of every RUN's answers would keep one a RUN until the file is done)."""
    from lintlayers.syntax.parser import parse

    context = RuleContext(parse("FROM a\nRUN true\n"))
    calls: list[object] = []

    def compute(key: object) -> list[object]:
        calls.append(key)
        return [key]

    first = context.recent(compute, "a")
    assert context.recent(compute, "a") is first
    assert context.recent(compute, "b") == ["b"]
    assert context.recent(compute, "a") is not first  # "b" replaced it
    assert calls == ["a", "b", "a"]
