"""Hover on a finding: the rule's documentation (and, for LL105, the finding's message
and help, which hold the cost before and after the reorder)."""

from __future__ import annotations

from lsprotocol import types

from lintlayers.server.diagnostics import full_message
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

    from lintlayers.rule import Rule
    from lintlayers.server.linting import Outcome

WITH_MESSAGE = frozenset(("LL105",))
"""Rules whose message says more than their documentation does about this finding."""


def hover(
    outcome: Outcome, position: types.Position, rule_of: Callable[[str], type[Rule] | None]
) -> types.Hover | None:
    """The documentation of every finding whose range holds ``position``."""
    offset = outcome.index.offset(position)
    sections: list[str] = []
    first = None
    seen: set[str] = set()
    for entry in outcome.entries:
        inside = entry.start <= offset < entry.end or entry.start == entry.end == offset
        if not inside:
            continue
        finding = entry.finding
        if first is None:
            first = entry
        if finding.code in WITH_MESSAGE:
            sections.append(f"**{finding.code}** " + full_message(finding).replace("\n", "\n\n"))
        if finding.code in seen:
            continue
        seen.add(finding.code)
        rule = rule_of(finding.code)
        if rule is None:
            sections.append(f"**{finding.code}** ({finding.name}): {finding.message}")
            continue
        sections.append(f"## {rule.code} {rule.name}\n\n{rule.documentation()}")
    if first is None:
        return None
    return types.Hover(
        contents=types.MarkupContent(types.MarkupKind.Markdown, "\n\n---\n\n".join(sections)),
        range=outcome.index.range(first.start, first.end),
    )
