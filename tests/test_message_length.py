"""Every rule's message is one short sentence on the real corpus; the detail is its help.

Like ruff's and rustc's: what is wrong and why fits on a line of a terminal or an
editor's hover (about 100 characters); sizes, alternatives and advice go in ``help``.
Checked over every corpus file with both builders (one process per builder).
"""

from __future__ import annotations

import pytest
from corpus_support import corpus_files

from lintlayers.engine import Linter, instantiate
from lintlayers.registry import load_rules
from lintlayers.source import SourceText

LIMIT = 100
"""Most characters of a message."""

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("builder", ["buildkit", "classic"])
def test_every_message_on_the_corpus_is_one_short_sentence(builder: str) -> None:
    linter = Linter(instantiate(load_rules()), builder=builder)
    long: list[str] = []
    helps = 0
    for path in corpus_files():
        text = path.read_bytes().decode("utf-8", "surrogateescape")
        for finding in linter.lint_source(SourceText(text, str(path))).findings:
            if len(finding.message) > LIMIT:
                long.append(
                    f"{finding.code} {path.name}:{finding.location.line}: {finding.message}"
                )
            helps += finding.help is not None
    assert not long, f"{len(long)} messages over {LIMIT} characters:\n" + "\n".join(long[:15])
    assert helps > 0
