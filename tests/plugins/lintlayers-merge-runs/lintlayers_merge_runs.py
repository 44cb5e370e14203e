"""XM001 mergeable-runs: a lintlayers rule plugin, the worked example of docs/writing-rules.md."""

from __future__ import annotations

from itertools import pairwise
from typing import TYPE_CHECKING

from lintlayers.cache.together import miss_together
from lintlayers.diagnostics import UNSAFE, Fix, Violation
from lintlayers.model.run_join import join_runs
from lintlayers.rule import Rule

if TYPE_CHECKING:
    from collections.abc import Iterator

    from lintlayers.context import RuleContext


class MergeableRuns(Rule):
    r"""Reports a RUN that always misses the cache together with the RUN before it.

    ## What it does
    Reports a `RUN` right after another `RUN` of the same stage (blank lines
    between them at most) when the two could be one step without costing a
    cache hit and without changing what runs:

    - they always miss together: with nothing between them they see the same
      ARG and ENV scope, `USER`, `WORKDIR` and `SHELL` (so a changed build
      argument changes both keys or neither, under BuildKit and classic
      builders alike), and the second has no key input the first lacks: no
      bind mount of context files, no mount from another stage;
    - merged, they run the same: the same flags (`--mount`, `--network`,
      `--security`), the shell form without heredocs under a POSIX shell, a
      first RUN that leaves no shell state behind (`cd`, `export`, `set`
      beyond `-e`/`-x`, `umask`, a bare assignment, `exit`...) and a second
      RUN that is commands joined by `&&` only.

    A comment between the two is taken as a reason to keep them apart.

    ## Why it matters
    Each RUN is a layer and a cache step. Two RUNs that always miss together
    gain nothing from being apart, and a file the first writes and the second
    deletes stays in the first layer. Merged, RUNs whose keys change at
    different rates would make the cheaper one re-run the costlier one (a
    bind mount of `requirements.txt` on the second only), and a `cd` or a `;`
    could change what runs: so the rule asks the cache model and the shell
    model instead of counting consecutive RUNs as hadolint's DL3059 does.

    ## Example
    ```dockerfile
    FROM debian:12
    RUN apt-get update
    RUN apt-get install -y --no-install-recommends curl
    ```

    ## Use instead
    ```dockerfile
    FROM debian:12
    RUN apt-get update \
        && apt-get install -y --no-install-recommends curl
    ```

    ## Fix
    Unsafe: appends the second RUN's commands to the first with `&&` in the
    first's style and deletes the second. The merged step misses whenever
    either did. What the cache model cannot see is an edit of the Dockerfile:
    once merged, editing the second RUN's text re-runs the first too, and a
    failed second step can no longer be retried without the first.
    """

    code = "XM001"
    name = "mergeable-runs"
    category = "style"
    severity = "info"
    summary = "A RUN that always misses the cache together with the RUN before it"

    def check(self, context: RuleContext) -> Iterator[Violation]:
        for first, second in pairwise(context.dockerfile.instructions):
            if first.keyword != "RUN" or second.keyword != "RUN":
                continue
            if not miss_together(context, first, second):
                continue  # merged, the first would re-run whenever the second misses
            edit = join_runs(context, first, second)
            if edit is None:
                continue  # merged, the commands could behave differently
            fix = Fix("Merge into the RUN above with `&&`", [edit], UNSAFE)
            message = (
                f"this RUN always misses the cache together with the RUN at line "
                f"{first.start_line}: merge them into one step"
            )
            yield Violation(second.start, second.keyword_end, message, fix)
