"""LL106 mergeable-runs."""

from __future__ import annotations

from itertools import pairwise

from lintlayers.diagnostics import UNSAFE, Fix, Violation
from lintlayers.model.commands import FILES, OTHER
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
SMALL_WRITERS = frozenset(
    {"mkdir", "rmdir", "rm", "unlink", "mkfifo", "truncate", "setfacl", "touch", "ln", "tee",
     "dos2unix", "sed", "setcap", "update-alternatives"}
)  # fmt: skip
"""Commands that leave no content of their own in a layer: a folder, a link, an empty
file, a whiteout, an attribute, a text edited in place (``sed -i``)."""
MODE_CHANGERS = frozenset({"chmod", "chown", "chgrp"})
"""They copy what they change into the layer: a folder's entry, a file, or (``-R``) a tree."""
COPIERS = frozenset({"cp", "mv", "install", "rsync"})
"""Their destination holds what their sources hold."""


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
    - the merge is worth it: one RUN fills a path with content of its own (a
      copy, an unpacked archive, a recursive `chown`/`chmod`, a file of
      unknown size made executable) and a later one writes that path again,
      so both layers store that content. RUNs that share nothing, or only
      read the same files (`ls`, `stat`, `cat`), cost one layer each and
      nothing else; so do RUNs whose shared path the earlier one only
      created or changed in place (a folder made then given to a user, a
      link, an empty file, a script or configuration file edited or made
      executable: a few bytes or kB): not reported.

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
    RUN cp -r /usr/share/doc /srv/docs
    RUN chown -R app /srv/docs
    ```

    ## Use instead
    ```dockerfile
    FROM debian:12
    RUN useradd --create-home app \
        && cp -r /usr/share/doc /srv/docs \
        && chown -R app /srv/docs
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
    needs = ("RUN",)

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
    from lintlayers.cache.together import cache_step, miss_together  # two RUNs in a row

    step = cache_step(context, first)
    if step is None or not set(step.kinds) <= LIGHT_WORK:
        return None  # merged, editing the second would re-run an install or a build
    if not miss_together(context, first, second):
        return None  # merged, the first would re-run whenever the second misses
    from lintlayers.model.run_join import join_runs  # two light RUNs missing together

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
    """Whether a path that one of the RUNs fills with content of its own (``_written``:
    a copy, an unpacked archive, a recursive change) is named again by a later RUN that
    may write it: both layers store those bytes. Paths only created or changed in place
    (a folder made, a link, a script made executable, a config edited) are bytes, and
    paths only read (``ls``, ``stat``, ``cat``) are in no layer: neither counts."""
    seen: set[str] = set()  # paths an earlier RUN filled
    made: set[str] = set()  # folders the RUNs make
    for run in runs:
        named: set[str] = set()
        filled: set[str] = set()
        for command in context.commands(run):
            for path, bulk in _written(command, made):
                named.add(path)
                if bulk:
                    filled.add(path)
        if any(
            path == other or path.startswith(other + "/") or other.startswith(path + "/")
            for path in named
            for other in seen
        ):
            return True
        seen |= filled
    return False


def _written(command: SimpleCommand, made: set[str]) -> list[tuple[str, bool]]:
    """The absolute paths (or from ``$HOME``, ``~``) a command names and may write, each
    with whether it may leave content of its own there (not just a folder, a link, a
    mode or a small text file): ``made`` collects the folders ``mkdir`` makes."""
    from lintlayers.model.commands import BUILTIN, QUIET, READER, USER_TOOLS, entry, named_paths

    view = command.effective()
    name = view.name or ""
    found = entry(name)
    if found is not None and found.files in (BUILTIN, QUIET):
        return []
    if found is not None and found.files == READER:
        in_place = name == "sed" and any(arg.startswith(("-i", "--in-place")) for arg in view.args)
        if not in_place:
            return []
    paths = [
        path.rstrip("/")
        for path in named_paths(view)
        if path.startswith(("/", "$", "~")) and "/" in path.rstrip("/")
    ]  # no user name, mode, sed script or relative word
    if name == "mkdir":
        made.update(paths)
    if name in SMALL_WRITERS or name in USER_TOOLS:
        return [(path, False) for path in paths]
    if name in MODE_CHANGERS:
        recursive = any(
            arg == "--recursive" or (arg[:1] == "-" and arg[1:2] != "-" and "R" in arg)
            for arg in view.args
        )
        return [(path, recursive or not _small(path, made)) for path in paths]
    if name in COPIERS and len(paths) > 1:
        bulk = not all(_small_text(path) for path in paths[:-1])
        return [*((path, False) for path in paths[:-1]), (paths[-1], bulk)]
    return [(path, True) for path in paths]


def _small(path: str, made: set[str]) -> bool:
    """Whether a file or folder changed in place is bytes: a folder (made by ``mkdir``,
    or at the top of the tree) or a small text file (a script, a configuration)."""
    return path in made or path.count("/") == 1 or _small_text(path)


def _small_text(path: str) -> bool:
    from lintlayers.model.small_copies import SMALL_NAMES, SMALL_TEXT

    name = path.rpartition("/")[2]
    extension = name.rpartition(".")[2].lower() if "." in name else ""
    return extension in SMALL_TEXT or name in SMALL_NAMES


def _help(runs: list[Instruction]) -> str:
    count = len(runs)
    return (
        "One of them fills a path that a later one writes again, so two layers store its "
        "content; merged with "
        f"`&&` they make one layer and one cache step instead of {count}. No build argument, "
        "COPY or mount of its own makes one of them miss alone, and the RUN"
        f"{'s' if count > 2 else ''} before the last do{'' if count > 2 else 'es'} only light "
        "work, so editing a later command re-runs little."
    )
