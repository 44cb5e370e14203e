"""LL309 context-bloat."""

from __future__ import annotations

import os

from lintlayers.diagnostics import Violation
from lintlayers.rule import Rule
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator

    from lintlayers.buildcontext.context import BuildContext
    from lintlayers.buildcontext.report import CopyReport, CopySource, Flagged
    from lintlayers.context import RuleContext

_LISTED = 4
"""Paths named in one message; the rest are counted."""


class ContextBloat(Rule):
    """Reports a COPY/ADD that brings into the image paths that do not belong there.

    ## What it does
    With the build context known (`--context`, or the Dockerfile's folder when it
    looks like one), reports each COPY/ADD source that brings in, after
    `.dockerignore`: version-control history (`.git`), installed dependencies
    (`node_modules`, virtualenvs: `.venv`, `venv` or any folder holding
    `pyvenv.cfg`), build outputs (`dist`, `build`, `target`, `out`, `.next`,
    `coverage`, `__pycache__`, `*.pyc`), tool caches (`.cache`, `.pytest_cache`,
    `.mypy_cache`, `.tox`...) and editor or OS files (`.idea`, `.vscode`,
    `.DS_Store`, swap files). A folder named like build output that holds a
    Dockerfile holds sources (Go's `build/package/Dockerfile`, moby's
    `integration/build/`): not reported. The message tells how many files and bytes each one
    adds. Secrets are reported by LL311 instead. A source that itself names such a
    folder (`COPY dist/ /srv/`) is copied on purpose and not reported, nor is a path
    a `.dockerignore` exception (`!dist/app.js`) names. ONBUILD triggers copy from
    another build's context and are not checked.

    ## Why it matters
    These paths make the image bigger, can overwrite what the build installs
    (host `node_modules` built for another platform), and enter the COPY's cache
    key: any commit (`.git`) or local rebuild busts the step and everything after it.

    ## Example
    ```dockerfile
    FROM node:20-slim
    WORKDIR /app
    COPY . .
    RUN npm ci
    ```

    ## Use instead
    ```dockerfile
    # .dockerignore
    .git
    node_modules
    ```

    ## Fix
    Unsafe: appends the paths to the `.dockerignore` in effect
    (`<Dockerfile>.dockerignore` when there is one, otherwise `.dockerignore` at
    the context root, created if missing). It changes what every build using
    that context copies, other Dockerfiles included. A line is only added when it
    leaves its path out and leaves in every path this Dockerfile names (COPY
    sources, wildcard matches, `RUN --mount=type=bind` sources).
    """

    code = "LL309"
    name = "context-bloat"
    category = "size"
    severity = "warning"
    summary = "COPY/ADD brings in .git, node_modules, build outputs or caches from the context"
    needs = ("COPY", "ADD")

    def check(self, context: RuleContext) -> Iterator[Violation]:
        from lintlayers.buildcontext.report import dockerignore_fix, reports_for

        found = reports_for(context)
        if found is None:
            return
        build_context, reports = found
        chosen = [(report, [item for item in report.flagged if _bloat(item)]) for report in reports]
        items = [item for _, flagged in chosen for item in flagged]
        if not items:
            return
        fix, lines = dockerignore_fix(context, build_context, items, "Add {lines} to {file}")
        for report, flagged in chosen:
            for source, group in _by_source(flagged):
                fixable = any(item.ignore in lines for item in group)
                message, help = _message(report, source, group, context, build_context)
                yield Violation(
                    source.start, source.end, message, fix if fixable else None, help=help
                )


def _bloat(item: Flagged) -> bool:
    if item.secret or item.explicit or item.deliberate:
        return False
    return item.files > 0 or not item.is_dir


def _by_source(items: list[Flagged]) -> list[tuple[CopySource, list[Flagged]]]:
    groups: dict[int, tuple[CopySource, list[Flagged]]] = {}
    for item in items:
        groups.setdefault(id(item.source), (item.source, []))[1].append(item)
    return sorted(groups.values(), key=lambda group: group[0].start)


def _message(
    report: CopyReport,
    source: CopySource,
    items: list[Flagged],
    context: RuleContext,
    build_context: BuildContext,
) -> tuple[str, str]:
    from lintlayers.buildcontext.report import count, human_size

    listed = [
        f"{item.shown} ({item.what}: {count(item.files, 'file')}, {human_size(item.size)})"
        for item in items[:_LISTED]
    ]
    if len(items) > _LISTED:
        listed.append(f"{count(len(items) - _LISTED, 'more path')}")
    names = listed[0] if len(listed) == 1 else ", ".join(listed[:-1]) + " and " + listed[-1]
    one = len(items) == 1
    what = items[0].what if one else f"{len(items)} paths the image does not need"
    return (
        f"`{report.keyword} {source.text}` brings {what} into the image and this step's cache key",
        f"{names} from the build context {context.context_dir} "
        f"({ignore_state(build_context, one)}); any change to {'it' if one else 'them'} "
        "busts this step's cache",
    )


def ignore_state(build_context: BuildContext, one: bool) -> str:
    """How the context is filtered, for messages."""
    if build_context.ignore_file is None:
        return "there is no .dockerignore"
    name = os.path.basename(build_context.ignore_file)
    return f"{name} does not leave {'it' if one else 'them'} out"
