"""LL002 template-file."""

from __future__ import annotations

from lintlayers.diagnostics import Violation
from lintlayers.rule import Rule
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator

    from lintlayers.context import RuleContext


class TemplateFile(Rule):
    """Reports a file that is a template of a Dockerfile, when selected by its code.

    ## What it does
    A template (`Dockerfile.template`, `*.Dockerfile.j2`, `Dockerfile.tt`, a
    cookiecutter folder, or a file that does not parse because lines start with
    `{{`, `{%` or `<%`) is not linted: no rule runs on it, since their findings
    would be about the template language's syntax (one parse error per template
    tag) or about text that the rendering replaces. By default the file is
    skipped with a note, like a file a linter cannot read: the text report
    prints `note: skipped N template files` on stderr (not with `--quiet`), the
    JSON report lists it under `skipped`, SARIF as a tool execution
    notification, JUnit as a skipped case, the language server shows no
    diagnostic; the exit status is not affected.

    This rule runs only when selected by its exact code (`--select LL002`,
    `extend-select = ["LL002"]`; never through `ALL` or its category): then
    each template gets one finding saying what it is instead of the note, for
    a CI that must fail on templates among the paths it lints.

    ## Why it matters
    Linting a template as a Dockerfile buries the one useful fact under dozens
    of parse errors. What gets built is the rendered file: lint that one.

    ## Example
    ```dockerfile
    FROM python:{{ version }}-slim
    {% if dev %}
    RUN pip install pytest
    {% endif %}
    ```

    ## Use instead
    Render the template (`jinja2 Dockerfile.j2 > Dockerfile`) and lint the
    result, or leave templates out of the paths you lint.

    ## Fix
    None.
    """

    code = "LL002"
    name = "template-file"
    category = "correctness"
    severity = "info"
    summary = "The file is a template, not a Dockerfile (off unless selected by its code)"
    lints_templates = True
    explicit_only = True

    def check(self, context: RuleContext) -> Iterator[Violation]:
        kind = context.template
        if kind is None:
            return
        errors = len(context.dockerfile.all_errors())
        end = context.source.text.find("\n")
        yield Violation(
            0,
            end if end >= 0 else len(context.source.text),
            f"this file is {kind}, not a Dockerfile: lint what it renders to",
            help=f"{errors} lines do not parse as Dockerfile" if errors > 1 else None,
        )
