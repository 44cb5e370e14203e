"""LL002 template-file."""

from __future__ import annotations

from lintlayers.diagnostics import Violation
from lintlayers.rule import Rule
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator

    from lintlayers.context import RuleContext


class TemplateFile(Rule):
    """Reports a file that is a template of a Dockerfile, not a Dockerfile: it is not linted.

    ## What it does
    Says, once per file, that the file is a template (`Dockerfile.template`,
    `*.Dockerfile.j2`, `Dockerfile.tt`, a cookiecutter folder, or a file that
    does not parse because lines start with `{{`, `{%` or `<%`). No other rule
    runs on it: their findings would be about the template language's syntax
    (one parse error per template tag) or about text that the rendering
    replaces.

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
    summary = "The file is a template, not a Dockerfile: lint what it renders to"
    lints_templates = True

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
