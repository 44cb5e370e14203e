"""LL303 apk-add-without-no-cache."""

from __future__ import annotations

from lintlayers.diagnostics import SAFE, Edit, Fix, Violation
from lintlayers.model.kept_caches import every_kept_cache, removed_later_clause
from lintlayers.model.mounts import cache_mount_advice
from lintlayers.model.package_commands import apk_action, apk_action_word
from lintlayers.model.run_effects import effects
from lintlayers.model.shipping import later_runs
from lintlayers.model.size_estimates import apk_index
from lintlayers.rule import Rule
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator

    from lintlayers.context import RuleContext
    from lintlayers.model.kept_caches import KeptCache
    from lintlayers.model.run_effects import RunEffects
    from lintlayers.model.steps import Step
    from lintlayers.shell.commands import SimpleCommand


class ApkAddCache(Rule):
    """Reports `apk add` without `--no-cache`, and an `apk update` index left behind.

    ## What it does
    Reports `apk add` without `--no-cache` in a RUN that downloads the package
    index (`apk update` before it, or `apk add --update`), unless the RUN keeps
    the index out of the layer: a cache or tmpfs mount on `/var/cache/apk` or
    `/etc/apk/cache` (or the `--cache-dir` given), or a removal of
    `/var/cache/apk/*` later in the same RUN. Also reports an `apk update`
    whose index stays in the layer when every `apk add` of the RUN already uses
    `--no-cache` (which does not need it), or when the RUN installs nothing
    at all (`apk update` in its own RUN: later RUNs install from an index
    that stays stale while that layer is cached). A script the RUN runs after
    the update (`ash /tmp/x.sh`, `./install.sh`, `curl ... | sh`) is not
    read: it may install from the index, and the rule does not assume it
    removes it (the devcontainer library's `common-alpine.sh` keeps it).

    Not reported, unlike hadolint's DL3019: an `apk add` whose RUN downloads
    no index (`apk add --no-network`, or packages already installed by an
    earlier `apk add --no-cache`, as in the official images): it stores
    nothing in `/var/cache/apk`. Nor stages whose files cannot reach an image
    (used only as a `COPY --from` source of specific paths, or only by targets
    named for tests or development such as `test`, `lint` or `dev`).

    When a later RUN of the stage removes the index, the help says that removal
    does not take it out of this layer (`cleanup-in-later-layer` leaves it to
    this finding).

    ## Why it matters
    `apk update` and `apk add --update` store the package index (typically
    1-3 MB for the main and community repositories) in `/var/cache/apk`;
    nothing needs it at run time.
    `apk add --no-cache` fetches the index into memory and stores nothing.

    ## Example
    ```dockerfile
    RUN apk update && apk add curl
    ```

    ## Use instead
    ```dockerfile
    RUN apk add --no-cache curl
    ```
    or, with BuildKit, keep the index (and, with the `/etc/apk/cache` link
    that enables apk's package cache, the packages) between builds in a cache
    mount:
    ```dockerfile
    RUN --mount=type=cache,target=/var/cache/apk apk add --update-cache curl
    ```

    ## Fix
    Safe: inserts ` --no-cache` after `add`; the same packages are installed.
    When the index comes from an `apk update` of the RUN, the fix also drops
    that command (`--no-cache` alone would leave its index in the layer) and
    gives every later `apk add` and `apk upgrade` of the RUN `--no-cache`. No
    fix when a later RUN of the stage installs with the stored index, when a
    script after the update (which lintlayers does not read) may, or when
    the `apk update` is not a plain element of a `&&`/`;`/newline list. A RUN
    holding only `apk update` is deleted and the later `apk add` and
    `apk upgrade` of the stage get `--no-cache` (no fix when another stage is
    built on this one).
    """

    code = "LL303"
    name = "apk-add-without-no-cache"
    category = "size"
    severity = "warning"
    summary = "apk add without --no-cache keeps the package index in the layer"
    hadolint = ("DL3019",)
    needs = ("RUN",)

    def check(self, context: RuleContext) -> Iterator[Violation]:
        for step, kept in every_kept_cache(context, ("apk",)):
            yield _violation(context, step, kept)


def _violation(context: RuleContext, step: Step, kept: KeptCache) -> Violation:
    run = effects(context, step)
    index = kept.index
    command = run.commands[index]
    word = apk_action_word(command)
    start, end = run.span_range(index, command.words[0], word or command.words[0])
    if apk_action(command) == "add":  # it installs with the index its RUN keeps
        update = kept.writer if kept.writer != index else None
        source = "`apk update`" if update is not None else "`--update`"
        message = "`apk add` without `--no-cache` keeps the package index in this layer"
        later = removed_later_clause(context, step, kept, "it")
        help = f"{source} downloaded it to /var/cache/apk: {apk_index().described()}{later}; "
        no_cache = "use `apk add --no-cache`, which fetches the index without storing it"
        if context.builder == "buildkit":
            help += (
                f"keep it out of the image with a cache mount ({cache_mount_advice('apk')}) "
                f"or {no_cache}"
            )
        else:
            help += no_cache
        return Violation(start, end, message, _no_cache_fix(context, run, update), help=help)
    update = index  # the ``apk update`` itself
    later = removed_later_clause(context, step, kept, "it")
    if any(apk_action(other) == "add" for other in run.commands):  # all with ``--no-cache``
        upgrade = any(
            apk_action(other) == "upgrade" and not other.has_flag("--no-cache")
            for other in run.commands
        )
        also = " (and use `apk upgrade --no-cache`)" if upgrade else ""
        return Violation(
            start,
            end,
            "`apk update` stores the package index in this layer for nothing",
            _no_cache_fix(context, run, update),
            help=(
                f"it stays in /var/cache/apk ({apk_index().clause()}){later}; `apk add "
                f"--no-cache` fetches it without storing it: drop `apk update`{also}"
            ),
        )
    script = _script_after(run, update)
    if script:
        return Violation(
            start,
            end,
            "`apk update` keeps the package index in this layer",
            help=(
                f"it stays in /var/cache/apk ({apk_index().clause()}) for {script}, "
                f"which lintlayers does not read, to install from{later}; remove it at the "
                "end of this RUN (`rm -rf /var/cache/apk/*`)"
            ),
        )
    return Violation(
        start,
        end,
        "`apk update` in a RUN that installs nothing keeps a stale index in this layer",
        _lone_update_fix(context, run),
        help=(
            f"the index ({apk_index().clause()}) stays for later RUNs to install from, "
            f"stale while this layer is cached{later}; install with `apk add --no-cache` instead"
        ),
    )


def _no_cache_fix(context: RuleContext, run: RunEffects, update: int | None) -> Fix | None:
    """Drop the RUN's ``apk update`` and give every ``apk add``/``upgrade`` after it
    ``--no-cache``, which fetches the index without storing it.

    None when a later RUN of the stage needs the stored index (an ``apk add`` there
    without ``--no-cache`` or ``--update``), a script after the command that stores it
    may install from it, or a command cannot be edited in place."""
    from lintlayers.model.run_edits import add_flag

    edits: list[Edit] = []
    stores = update  # the command whose stored index the fix takes away
    if update is not None:
        if _later_run_needs_index(context, run):
            return None
        from lintlayers.model.run_edits import remove_command

        removal = remove_command(run, update)
        if removal is None:
            return None
        edits.append(removal)
    for index, command in enumerate(run.commands):
        if update is not None and index <= update:
            continue
        if apk_action(command) not in ("add", "upgrade") or command.has_flag("--no-cache"):
            continue
        word = apk_action_word(command)
        if word is None or word.raw not in ("add", "upgrade"):
            return None
        edits.append(add_flag(run, index, word, "--no-cache"))
        if stores is None and command.has_flag("-U", "--update", "--update-cache"):
            stores = index
    if not edits or (stores is not None and _script_after(run, stores)):
        return None
    title = (
        "Drop `apk update` and use `apk add --no-cache`"
        if update is not None
        else ("Add `--no-cache`")
    )
    return Fix(title, edits, SAFE)


_WITH_INDEX = ("--no-cache", "-U", "--update", "--update-cache")


def _needs_stored_index(command: SimpleCommand) -> bool:
    """An ``apk add``/``upgrade`` that installs from the index a RUN before it stored."""
    return apk_action(command) in ("add", "upgrade") and not command.has_flag(*_WITH_INDEX)


def _later_run_needs_index(context: RuleContext, run: RunEffects) -> bool:
    return any(
        _needs_stored_index(command)
        for later in later_runs(context, run)
        for command in later.commands
    )


def _script_after(run: RunEffects, update: int) -> str:
    """The first script after command ``update`` that lintlayers does not read, as shown in
    a message (``""`` if none): it may install from the stored index."""
    for index in range(update + 1, len(run.commands)):
        script = run.unseen_script(index)
        if script:
            name = run.commands[index].name
            return f"`{script}`" if script != "-" else f"the script piped into `{name}`"
    return ""


def _lone_update_fix(context: RuleContext, run: RunEffects) -> Fix | None:
    """Delete a RUN that only runs ``apk update`` and give the later ``apk add`` and
    ``apk upgrade`` of its stage that used the stored index ``--no-cache``.

    None when the RUN does more, is an ONBUILD trigger, or another stage builds on it."""
    if len(run.commands) != 1 or run.step.onbuild or run.instruction.parent is not None:
        return None
    stage = run.step.stage
    if any(other.base_stage is stage for other in context.model.stages if other is not stage):
        return None
    from lintlayers.model.run_edits import add_flag

    edits = [Edit.delete(run.instruction.node_start, run.instruction.node_end)]
    for later in later_runs(context, run):
        for index, command in enumerate(later.commands):
            if not _needs_stored_index(command):
                continue
            word = apk_action_word(command)
            if word is None or word.raw not in ("add", "upgrade"):
                return None
            edits.append(add_flag(later, index, word, "--no-cache"))
    return Fix("Delete the lone `apk update`; install with `--no-cache`", edits, SAFE)
