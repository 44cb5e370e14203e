"""Rule documentation: docstring conventions, the generated pages, Rule.url() anchors."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from lintlayers.diagnostics import CATEGORIES, SEVERITIES
from lintlayers.docs import (
    README_SKELETON,
    TABLE_END,
    TABLE_START,
    DocsError,
    builtin_rules,
    docs_rules_markdown,
    missing_sections,
    outdated_files,
    replace_table,
    rule_anchor,
    rule_markdown,
    rules_table_markdown,
    section_titles,
    split_documentation,
)
from lintlayers.rule import BUILDERS, DOC_SECTIONS, DOCS_URL, Rule, heading_anchor

REPO_ROOT = Path(__file__).resolve().parent.parent
SCRIPT = REPO_ROOT / "scripts" / "generate_docs.py"


class SampleRule(Rule):
    """Finds samples.

    ## What it does
    Reports a sample.

    ## Why it matters
    Samples | pipes matter.

    ## Example
    ```dockerfile
    ## not a section: a comment in a code block
    FROM scratch
    ```

    ## Use instead
    Nothing.

    ## Fix
    None.
    """

    code = "XX900"
    name = "sample-rule"
    category = "style"
    severity = "info"
    summary = "A sample | with a pipe"
    hadolint = ("DL3000", "DL3001")
    builders = ("classic",)


class OtherRule(Rule):
    """Another one.

    ## What it does
    Something.
    """

    code = "XX100"
    name = "other_rule.v2"
    category = "cache"
    summary = "Another"


def table_rows(table: str) -> list[list[str]]:
    rows = [line for line in table.splitlines() if line.startswith("| ")]
    return [[cell.strip() for cell in re.split(r"(?<!\\)\|", row)[1:-1]] for row in rows[1:]]


# -- the registered rules follow the conventions ------------------------------


@pytest.fixture(scope="module")
def rules() -> list[type[Rule]]:
    found = builtin_rules()
    assert found, "no built-in rule is registered"
    return found


def test_every_rule_documents_the_five_sections_in_order(rules: list[type[Rule]]) -> None:
    problems = {rule.code: section_titles(rule) for rule in rules if missing_sections(rule)}
    assert problems == {}, f"expected sections {DOC_SECTIONS}"
    for rule in rules:
        intro, sections = split_documentation(rule.documentation())
        assert intro, f"{rule.code} has no one-line description before its sections"
        assert all(body for _, body in sections), f"{rule.code} has an empty section"


def test_every_rule_has_valid_metadata(rules: list[type[Rule]]) -> None:
    for rule in rules:
        assert re.fullmatch(r"LL\d{3}", rule.code), rule
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule.name), rule.code
        assert rule.category in CATEGORIES, rule.code
        assert rule.severity in SEVERITIES, rule.code
        assert rule.summary and "\n" not in rule.summary, rule.code
        assert len(rule.summary) <= 100, rule.code
        assert all(re.fullmatch(r"DL\d{4}", code) for code in rule.hadolint), rule.code
        assert rule.builders and set(rule.builders) <= set(BUILDERS), rule.code
    assert len({rule.code for rule in rules}) == len(rules)
    assert len({rule.name for rule in rules}) == len(rules)


def test_generated_docs_are_current(rules: list[type[Rule]]) -> None:
    stale = outdated_files(str(REPO_ROOT), rules)
    assert stale == [], f"run `python scripts/generate_docs.py` to update {stale}"


def test_generated_table_lists_every_rule_once_by_code(rules: list[type[Rule]]) -> None:
    for page in ("docs/rules.md", ""):
        rows = table_rows(rules_table_markdown(rules, page=page))
        codes = [re.match(r"\[(\w+)\]", row[0]).group(1) for row in rows]
        assert codes == sorted(rule.code for rule in rules)
        for row, rule in zip(rows, sorted(rules, key=lambda rule: rule.code), strict=True):
            assert row[0] == f"[{rule.code}]({page}#{rule_anchor(rule)})"
            assert row[1:4] == [f"`{rule.name}`", rule.category, rule.severity]


def test_readme_table_and_rules_page_hold_every_rule(rules: list[type[Rule]]) -> None:
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index(TABLE_START) : readme.index(TABLE_END)]
    page = (REPO_ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    for rule in rules:
        assert f"[{rule.code}](docs/rules.md#{rule_anchor(rule)})" in table
        assert f"\n### {rule.code} {rule.name}\n" in page


def test_rule_urls_point_at_the_generated_headings(rules: list[type[Rule]]) -> None:
    page = docs_rules_markdown(rules)
    headings = [line[4:] for line in page.splitlines() if line.startswith("### ")]
    anchors = {heading_anchor(heading) for heading in headings}
    for rule in rules:
        assert rule.url() == DOCS_URL + rule_anchor(rule)
        assert rule.url().rpartition("#")[2] in anchors


# -- anchors -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("heading", "anchor"),
    [
        ("LL101 broad-copy-before-install", "ll101-broad-copy-before-install"),
        ("LL001 parse-error", "ll001-parse-error"),
        ("XX100 other_rule.v2", "xx100-other_rulev2"),
        ("What it does", "what-it-does"),
        ("  Use `instead`!  ", "use-instead"),
    ],
)
def test_heading_anchor_matches_github(heading: str, anchor: str) -> None:
    assert heading_anchor(heading) == anchor


def test_url_uses_the_heading_anchor() -> None:
    assert SampleRule.url() == DOCS_URL + "xx900-sample-rule"
    assert SampleRule.url().startswith("https://github.com/lintlayers/lintlayers/blob/main/docs/")
    assert OtherRule.url().endswith("/docs/rules.md#xx100-other_rulev2")


# -- rendering ---------------------------------------------------------------


def test_rules_table_markdown() -> None:
    table = rules_table_markdown([SampleRule, OtherRule])
    lines = table.splitlines()
    assert lines[0] == "| Code | Name | Category | Severity | Summary | hadolint |"
    assert lines[1] == "|---|---|---|---|---|---|"
    assert table_rows(table) == [
        [
            "[XX100](docs/rules.md#xx100-other_rulev2)",
            "`other_rule.v2`",
            "cache",
            "warning",
            "Another",
            "",
        ],
        [
            "[XX900](docs/rules.md#xx900-sample-rule)",
            "`sample-rule`",
            "style",
            "info",
            "A sample \\| with a pipe (classic builder only)",
            "DL3000, DL3001",
        ],
    ]
    assert table.endswith("|\n")


def test_rule_markdown() -> None:
    text = rule_markdown(SampleRule)
    lines = text.splitlines()
    assert lines[0] == "### XX900 sample-rule"
    assert lines[2] == "Finds samples."
    assert "- Category: `style`" in lines
    assert "- Default severity: `info`" in lines
    assert "- Builders: `classic`" in lines
    assert "- hadolint: `DL3000`, `DL3001`" in lines
    assert [line for line in lines if line.startswith("#### ")] == [
        f"#### {title}" for title in DOC_SECTIONS
    ]
    assert "## not a section: a comment in a code block" in lines  # code kept verbatim
    assert "```dockerfile" in lines
    assert "- Builders" not in rule_markdown(OtherRule)
    assert "- hadolint" not in rule_markdown(OtherRule)


def test_docs_rules_markdown_orders_sections_by_code() -> None:
    page = docs_rules_markdown([SampleRule, OtherRule])
    assert page.startswith("# Rules\n")
    assert page.index("### XX100 other_rule.v2") < page.index("### XX900 sample-rule")
    assert "[XX900](#xx900-sample-rule)" in page
    assert page.endswith("\n") and not page.endswith("\n\n")


def test_missing_sections() -> None:
    assert missing_sections(SampleRule) == []
    assert missing_sections(OtherRule) == ["Why it matters", "Example", "Use instead", "Fix"]

    class Swapped(Rule):
        """Swapped.

        ## What it does
        ## Example
        ## Why it matters
        ## Use instead
        ## Fix
        """

    assert missing_sections(Swapped) == ["(order)"]


def test_replace_table_keeps_the_rest_of_the_readme() -> None:
    readme = f"# Title\n\nBefore.\n\n{TABLE_START}\nold table\n{TABLE_END}\n\nAfter.\n"
    new = replace_table(readme, "| new |\n")
    assert new == f"# Title\n\nBefore.\n\n{TABLE_START}\n| new |\n{TABLE_END}\n\nAfter.\n"
    assert replace_table(new, "| new |\n") == new
    crlf = readme.replace("\n", "\r\n")
    assert replace_table(crlf, "| a |\n| b |\n") == (
        f"# Title\r\n\r\nBefore.\r\n\r\n{TABLE_START}\r\n| a |\r\n| b |\r\n{TABLE_END}\r\n"
        "\r\nAfter.\r\n"
    )
    with pytest.raises(DocsError):
        replace_table("# no markers\n", "| a |\n")
    with pytest.raises(DocsError):
        replace_table(f"{TABLE_END}\n{TABLE_START}\n", "| a |\n")


# -- the script --------------------------------------------------------------


def run_script(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_script_creates_checks_and_rewrites(tmp_path: Path) -> None:
    root = str(tmp_path)
    check = run_script("--check", "--root", root)
    assert check.returncode == 1
    assert "docs/rules.md is out of date" in check.stdout
    assert "README.md is out of date" in check.stdout
    assert not (tmp_path / "README.md").exists()  # --check writes nothing

    write = run_script("--root", root)
    assert write.returncode == 0, write.stderr
    readme = (tmp_path / "README.md").read_text(encoding="utf-8")
    assert readme.startswith(README_SKELETON.split(TABLE_START)[0] + TABLE_START)
    assert "| [LL201](docs/rules.md#ll201-maintainer-deprecated) |" in readme
    assert (tmp_path / "docs" / "rules.md").read_text(encoding="utf-8").startswith("# Rules")
    assert run_script("--check", "--root", root).returncode == 0

    (tmp_path / "README.md").write_text(
        readme.replace(TABLE_END, "| stale | row |\n" + TABLE_END), encoding="utf-8"
    )
    assert run_script("--check", "--root", root).returncode == 1
    assert run_script("--root", root).returncode == 0
    assert (tmp_path / "README.md").read_text(encoding="utf-8") == readme


def test_script_keeps_the_readme_around_the_markers(tmp_path: Path) -> None:
    readme = f"# Project\n\nIntro.\n\n{TABLE_START}\n{TABLE_END}\n\nMore text.\n"
    (tmp_path / "README.md").write_text(readme, encoding="utf-8")
    assert run_script("--root", str(tmp_path)).returncode == 0
    new = (tmp_path / "README.md").read_text(encoding="utf-8")
    assert new.startswith(f"# Project\n\nIntro.\n\n{TABLE_START}\n| Code |")
    assert new.endswith(f"|\n{TABLE_END}\n\nMore text.\n")


def test_script_refuses_a_readme_without_markers(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("# Project\n", encoding="utf-8")
    result = run_script("--root", str(tmp_path))
    assert result.returncode == 2
    assert "rules-table:start" in result.stderr
    assert (tmp_path / "README.md").read_text(encoding="utf-8") == "# Project\n"
