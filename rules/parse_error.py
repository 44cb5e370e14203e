"""LL001 parse-error."""

from __future__ import annotations

from lintlayers.diagnostics import Violation
from lintlayers.rule import Rule
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator

    from lintlayers.context import RuleContext


class ParseErrorRule(Rule):
    """Reports what the Dockerfile parser could not make sense of.

    ## What it does
    Reports the syntax problems the parser found, the first one of each
    instruction: an unknown instruction, an instruction without its arguments,
    an unknown flag, an exec form that is not an array of strings, an
    unterminated heredoc, a bad parser directive. A template of a Dockerfile
    (`Dockerfile.j2`, lines starting with `{{` or `{%`) is skipped (see LL002).

    ## Why it matters
    BuildKit refuses to build a Dockerfile with any of these. lintlayers keeps
    linting the rest of the file, so each problem is reported where it is.

    ## Example
    ```dockerfile
    FROM alpine
    RUNN apk add curl
    ```

    ## Use instead
    ```dockerfile
    FROM alpine
    RUN apk add curl
    ```

    ## Fix
    None: the intent of a broken instruction cannot be guessed.
    """

    code = "LL001"
    name = "parse-error"
    category = "correctness"
    severity = "error"
    summary = "The Dockerfile has a syntax error BuildKit would refuse"

    def check(self, context: RuleContext) -> Iterator[Violation]:
        dockerfile = context.dockerfile
        for error in dockerfile.errors:
            yield Violation(error.start, error.end, error.message)
        for instruction in dockerfile.instructions:
            errors = instruction.errors or (instruction.inner.errors if instruction.inner else [])
            if errors:  # the first error of an instruction; the rest follow from it
                error = errors[0]
                yield Violation(error.start, error.end, error.message)
