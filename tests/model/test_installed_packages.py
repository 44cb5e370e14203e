"""Where a RUN's script may branch, for which earlier installs of a RUN a later one sees
(``lintlayers.model.installed_packages.Separators``)."""

from __future__ import annotations

import pytest

from lintlayers.model.installed_packages import Separators


@pytest.mark.parametrize(
    ("script", "later", "separated"),
    [
        ("apt-get install a || apt-get install b", "apt-get install b", True),
        ("(apt-get install a || apt-get install b)", "apt-get install b", True),
        ("if x; then apt-get install a; else apt-get install b; fi", "apt-get install b", True),
        ("apt-get install a && apt-get install b", "apt-get install b", False),
        # a subshell between the two runs whole, whatever it holds
        ("apt-get install a && curl k | (apt-key add - || echo no) && apt-get install b",
         "apt-get install b", False),
        ("apt-get install a && echo 'x || y' \"p || q\" && apt-get install b",
         "apt-get install b", False),
        # the later install in a subshell after a fallback at the top: it may be alone
        ("apt-get install a || true; (apt-get install b)", "apt-get install b", True),
    ],
)  # fmt: skip
def test_a_mark_at_the_later_commands_depth_or_above_separates(
    script: str, later: str, separated: bool
) -> None:
    separators = Separators(script, 100)  # the script at file offset 100
    start = 100 + script.index(later)
    end_of_first = 100 + script.index("install a") + len("install a")
    assert (separators.barrier(start) >= end_of_first) is separated


def test_depth_counts_subshells_and_substitutions_not_quoted_parentheses() -> None:
    script = 'echo "(" $(x (y) z) w'
    separators = Separators(script, 0)
    assert separators.depth(script.index("w")) == 0
    assert separators.depth(script.index("y")) == 2
    assert separators.depth(script.index("z")) == 1
