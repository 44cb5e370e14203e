"""LL106 mergeable-runs."""

from __future__ import annotations

from itertools import pairwise

from lintlayers.cache.costs import FILES, OTHER
from lintlayers.cache.together import cache_step, miss_together
from lintlayers.diagnostics import UNSAFE, Fix, Violation
from lintlayers.model.run_join import join_runs
from lintlayers.rule import Rule
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator

    from lintlayers.context import RuleContext
    from lintlayers.diagnostics import Edit
    from lintlayers.shell.commands import SimpleCommand
    from lintlayers.syntax.nodes import Instruction

LIGHT_WORK = frozenset({FILES, OTHER})
"""Kinds of work (``lintlayers.cache.costs``) cheap enough to re-run when a RUN merged
after them is edited: no package or dependency install, no compile, no download."""


class MergeableRuns(Rule):
    r"""Reports consecutive RUNs that always miss the cache together and could be one layer.

    ## What it does
    Reports a group of `RUN` instructions that follow each other in a stage
    (blank lines between them at most) when each could join the one before it
    without costing a cache hit and without changing what runs:

    - they always miss together (the cache model's `miss_together`): with
      nothing between them they see the same ARG and ENV scope, `USER`,
      `WORKDIR` and `SHELL`, and the later one has no key input of its own: no
      bind mount of context files, no mount from another stage;
    - merged, they run the same (`join_runs`): the same flags (`--mount`,
      `--network`, `--security`), the shell form without heredocs under a
      POSIX shell, an earlier RUN that leaves no shell state behind (`cd`,
      `export`, `set` beyond `-e`/`-x`, `umask`...) and a later RUN made of
      commands joined by `&&` only;
    - the earlier RUN does light work only (file operations and commands
      lintlayers does not class as installs, builds or downloads): merged,
      editing the later RUN re-runs it too, which must cost little;
    - the merge is worth it: two of the RUNs name the same path and at least
      the later one may write it (a script fixed up by one and made
      executable by the next, a directory made by one and given to a user by
      the next), so both layers store it. RUNs that share nothing, or only
      read the same files (`ls`, `stat`, `cat`), cost one layer each and
      nothing else: not reported.

    A comment between two RUNs is taken as a reason to keep them apart. A
    later RUN that deletes what an install before it wrote is LL306's
    finding, an `apt-get update` alone in its RUN LL103's: the installing RUN
    does heavy work, so this rule leaves both alone. `ONBUILD RUN`s are not
    merged: they run in another build, whose cache this one cannot see.

    ## Why it matters
    Each RUN is a layer and a cache step. RUNs that always miss together gain
    nothing from being apart: every rebuild re-runs them all and stores one
    more layer each, and a file that two of them write is stored twice.
    hadolint's DL3059 reports any consecutive RUNs; merging two whose keys
    change at different rates (a bind mount of `requirements.txt` on the
    second only) would make the second's changes re-run the first, and a
    merge after a `cd` or before a `;` can change what runs. This rule
    reports only merges that cost no cache hit.

    ## Example
    ```dockerfile
    FROM debian:12
    RUN useradd --create-home app
    RUN mkdir -p /srv/data
    RUN chown app /srv/data
    ```

    ## Use instead
    ```dockerfile
    FROM debian:12
    RUN useradd --create-home app \
        && mkdir -p /srv/data \
        && chown app /srv/data
    ```

    ## Fix
    Unsafe: appends the commands of each RUN of the group to the first RUN
    with `&&`, in the style of the RUN before it, and deletes the others. The
    merged step misses whenever one of them did, and runs the same commands
    in the same shell; but once merged, editing a later command re-runs the
    earlier ones too, and a failed step can no longer be retried without
    them.
    """

    code = "LL106"
    name = "mergeable-runs"
    category = "cache"
    severity = "info"
    summary = "Consecutive RUNs that always miss the cache together could be one layer"
    hadolint = ("DL3059",)

    def check(self, context: RuleContext) -> Iterator[Violation]:
        for group in _groups(context):
            runs = [group[0][0], *(second for _, second, _ in group)]
            if not _same_files(context, runs):
                continue  # one layer less each and nothing else: not worth a finding
            fix = Fix(f"Merge the {len(runs)} RUNs with `&&`", _edits(context, group), UNSAFE)
            first = runs[0]
            others = "the next" if len(runs) == 2 else f"the {len(runs) - 1} after it"
            message = (
                f"This RUN and {others} always miss the cache together: they could be one layer"
            )
            yield Violation(first.start, first.keyword_end, message, fix, help=_help(runs))


def _groups(context: RuleContext) -> list[list[tuple[Instruction, Instruction, Edit]]]:
    """Runs of adjacent mergeable RUN pairs: each pair with the edit joining it."""
    groups: list[list[tuple[Instruction, Instruction, Edit]]] = []
    previous: Instruction | None = None
    for first, second in pairwise(context.dockerfile.instructions):
        edit = _join(context, first, second)
        if edit is None:
            continue
        if previous is not first:
            groups.append([])
        groups[-1].append((first, second, edit))
        previous = second
    return groups


def _join(context: RuleContext, first: Instruction, second: Instruction) -> Edit | None:
    """The edit merging ``second`` into ``first``, when they are worth one layer."""
    if first.keyword != "RUN" or second.keyword != "RUN":
        return None
    step = cache_step(context, first)
    if step is None or not set(step.kinds) <= LIGHT_WORK:
        return None  # merged, editing the second would re-run an install or a build
    if not miss_together(context, first, second):
        return None  # merged, the first would re-run whenever the second misses
    return join_runs(context, first, second)  # None: merged, the commands could differ


def _edits(context: RuleContext, group: list[tuple[Instruction, Instruction, Edit]]) -> list[Edit]:
    """One edit merging the whole group: each pair's join, the next appended where the
    previous one's RUN ends. Every other pair's join when that cannot be composed."""
    from lintlayers.diagnostics import Edit

    text = context.source.text
    start, content = group[0][2].start, group[0][2].content
    for (_, previous, _), (_, _, edit) in pairwise(group):
        tail = text[edit.start : previous.end]  # after the last command of ``previous``
        if edit.start < previous.start or not content.endswith(tail):
            return [edit for _, _, edit in group[::2]]  # no overlap; the next round merges on
        content = content[: len(content) - len(tail)] + edit.content
    return [Edit(start, group[-1][2].end, content)]


def _same_files(context: RuleContext, runs: list[Instruction]) -> bool:
    """Whether two of the RUNs name a common path (or one under the other) that a
    command may write: a file one writes and a later one changes or deletes is stored
    in both layers. Paths only read (``ls``, ``stat``, ``cat``) do not count."""
    seen: set[str] = set()
    for run in runs:
        named = {path for command in context.commands(run) for path in _written(command)}
        if any(
            path == other or path.startswith(other + "/") or other.startswith(path + "/")
            for path in named
            for other in seen
        ):
            return True
        seen |= named
    return False


def _written(command: SimpleCommand) -> list[str]:
    """The absolute paths (or from ``$HOME``, ``~``) a command names and may write."""
    from lintlayers.model.commands import BUILTIN, QUIET, READER, entry, named_paths

    view = command.effective()
    found = entry(view.name or "")
    if found is not None and found.files in (BUILTIN, QUIET):
        return []
    if found is not None and found.files == READER:
        in_place = view.name == "sed" and any(
            arg.startswith(("-i", "--in-place")) for arg in view.args
        )
        if not in_place:
            return []
    return [
        path.rstrip("/")
        for path in named_paths(view)
        if path.startswith(("/", "$", "~")) and "/" in path.rstrip("/")
    ]  # no user name, mode, sed script or relative word


def _help(runs: list[Instruction]) -> str:
    count = len(runs)
    return (
        f"Two of them name the same path, which each of their layers stores; merged with "
        f"`&&` they make one layer and one cache step instead of {count}. No build argument, "
        "COPY or mount of its own makes one of them miss alone, and the RUN"
        f"{'s' if count > 2 else ''} before the last do{'' if count > 2 else 'es'} only light "
        "work, so editing a later command re-runs little."
    )
