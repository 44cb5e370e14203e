"""Documentation generated from the rule classes: the rules table and ``docs/rules.md``.

Nothing here is on the lint path; ``scripts/generate_docs.py`` and the tests use it.
"""

from __future__ import annotations

import os

from lintlayers.rule import BUILDERS, DOC_SECTIONS, heading_anchor
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable

    from lintlayers.rule import Rule

TABLE_START = "<!-- rules-table:start -->"
TABLE_END = "<!-- rules-table:end -->"
RULES_PAGE = "docs/rules.md"
README = "README.md"
README_SKELETON = f"# lintlayers\n\n## Rules\n\n{TABLE_START}\n{TABLE_END}\n"
GENERATED_NOTE = (
    "<!-- Generated from the rule classes by scripts/generate_docs.py: do not edit by hand. -->"
)


class DocsError(Exception):
    """A file the generator cannot update (for example a README without the markers)."""


def rule_anchor(rule_class: type[Rule]) -> str:
    """The anchor of the rule's heading in ``docs/rules.md`` (the one ``Rule.url()`` uses)."""
    return heading_anchor(rule_heading(rule_class))


def rule_heading(rule_class: type[Rule]) -> str:
    return f"{rule_class.code} {rule_class.name}"


def rules_table_markdown(rule_classes: Iterable[type[Rule]], *, page: str = RULES_PAGE) -> str:
    """A Markdown table of the rules sorted by code, each code linking to its section.

    ``page`` is the link target of the sections (``""`` within ``docs/rules.md`` itself).
    """
    rows = [
        "| Code | Name | Category | Severity | Summary | hadolint |",
        "|---|---|---|---|---|---|",
    ]
    for rule in sorted(rule_classes, key=lambda rule: rule.code):
        link = f"[{rule.code}]({page}#{rule_anchor(rule)})"
        cells = [
            link,
            f"`{rule.name}`",
            rule.category,
            rule.severity,
            _cell(rule.summary) + _builders_note(rule),
            ", ".join(rule.hadolint),
        ]
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows) + "\n"


def rule_markdown(rule_class: type[Rule]) -> str:
    """One rule's section: heading, summary, metadata and its documentation sections."""
    intro, sections = split_documentation(rule_class.documentation())
    lines = [f"### {rule_heading(rule_class)}", ""]
    if intro:
        lines += [intro, ""]
    lines += [
        f"- Summary: {rule_class.summary}",
        f"- Category: `{rule_class.category}`",
        f"- Default severity: `{rule_class.severity}`",
    ]
    if tuple(rule_class.builders) != BUILDERS:
        lines.append("- Builders: " + ", ".join(f"`{name}`" for name in rule_class.builders))
    if rule_class.hadolint:
        lines.append("- hadolint: " + ", ".join(f"`{code}`" for code in rule_class.hadolint))
    for title, body in sections:
        lines += ["", f"#### {title}", ""]
        if body:
            lines.append(body)
    return "\n".join(lines) + "\n"


def docs_rules_markdown(rule_classes: Iterable[type[Rule]]) -> str:
    """The whole ``docs/rules.md`` page: the table, then every rule's section by code."""
    ordered = sorted(rule_classes, key=lambda rule: rule.code)
    parts = [
        "# Rules",
        "",
        GENERATED_NOTE,
        "",
        "Every rule lintlayers ships, generated from the rule modules in `rules/`. "
        "Codes `LL0xx` are syntax problems, `LL1xx` build-cache problems, `LL2xx` "
        "metadata and `LL3xx` image size. `lintlayers explain CODE` prints the same "
        "text in a terminal.",
        "",
        rules_table_markdown(ordered, page="").rstrip("\n"),
    ]
    for rule in ordered:
        parts += ["", rule_markdown(rule).rstrip("\n")]
    return "\n".join(parts) + "\n"


def split_documentation(text: str) -> tuple[str, list[tuple[str, str]]]:
    """Split a rule docstring into its intro and its ``## Title`` sections.

    Headings inside fenced code blocks are content, not sections.
    """
    intro: list[str] = []
    sections: list[tuple[str, list[str]]] = []
    fence = ""
    for line in text.splitlines():
        stripped = line.strip()
        if fence:
            if stripped.startswith(fence):
                fence = ""
        elif stripped.startswith(("```", "~~~")):
            fence = stripped[:3]
        elif line.startswith("## "):
            sections.append((line[3:].strip(), []))
            continue
        (sections[-1][1] if sections else intro).append(line)
    return "\n".join(intro).strip(), [(title, "\n".join(body).strip()) for title, body in sections]


def section_titles(rule_class: type[Rule]) -> list[str]:
    """The ``##`` section titles of a rule's docstring, in order."""
    return [title for title, _ in split_documentation(rule_class.documentation())[1]]


def missing_sections(rule_class: type[Rule]) -> list[str]:
    """Required sections (``DOC_SECTIONS``) that are absent or out of order."""
    titles = section_titles(rule_class)
    if titles == list(DOC_SECTIONS):
        return []
    return [title for title in DOC_SECTIONS if title not in titles] or ["(order)"]


def replace_table(readme: str, table: str) -> str:
    """``readme`` with the text between the rules-table markers replaced by ``table``."""
    start = readme.find(TABLE_START)
    end = readme.find(TABLE_END)
    if start < 0 or end < 0 or end < start:
        raise DocsError(f"{README} needs the markers {TABLE_START} and {TABLE_END}, in order")
    newline = "\r\n" if "\r\n" in readme else "\n"
    body = table.replace("\n", newline)
    head = readme[: start + len(TABLE_START)]
    return head + newline + body + readme[end:]


def builtin_rules() -> list[type[Rule]]:
    """The rules this package ships (plugins installed beside it are left out)."""
    from lintlayers.registry import load_rules

    return [rule for rule in load_rules() if rule.__module__.startswith("lintlayers.rules.")]


def expected_files(root: str, rule_classes: Iterable[type[Rule]]) -> dict[str, str]:
    """Path (relative to ``root``) -> the content it should have."""
    rules = list(rule_classes)
    readme_path = os.path.join(root, README)
    readme = _read(readme_path) if os.path.exists(readme_path) else README_SKELETON
    return {
        RULES_PAGE: docs_rules_markdown(rules),
        README: replace_table(readme, rules_table_markdown(rules)),
    }


def outdated_files(root: str, rule_classes: Iterable[type[Rule]] | None = None) -> list[str]:
    """The generated files under ``root`` that differ from what the rules say."""
    rules = builtin_rules() if rule_classes is None else list(rule_classes)
    stale = []
    for relative, content in expected_files(root, rules).items():
        path = os.path.join(root, relative)
        if not os.path.exists(path) or _read(path) != content:
            stale.append(relative)
    return stale


def write_docs(root: str, rule_classes: Iterable[type[Rule]] | None = None) -> list[str]:
    """Rewrite the generated files under ``root``; return those that changed."""
    rules = builtin_rules() if rule_classes is None else list(rule_classes)
    changed = []
    for relative, content in expected_files(root, rules).items():
        path = os.path.join(root, relative)
        if os.path.exists(path) and _read(path) == content:
            continue
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="") as handle:
            handle.write(content)
        changed.append(relative)
    return changed


def _read(path: str) -> str:
    with open(path, encoding="utf-8", newline="") as handle:
        return handle.read()


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _builders_note(rule: type[Rule]) -> str:
    if tuple(rule.builders) == BUILDERS:
        return ""
    return " (" + ", ".join(rule.builders) + " builder only)"
