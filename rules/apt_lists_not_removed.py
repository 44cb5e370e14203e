"""LL301 apt-lists-not-removed."""

from __future__ import annotations

from lintlayers.diagnostics import SAFE, Fix, Violation
from lintlayers.model.kept_caches import kept_caches, removed_later_clause
from lintlayers.model.mounts import COVERING_MOUNTS, cache_mount_advice, cache_mount_flags
from lintlayers.model.package_commands import APT_INSTALLS, apt_action, apt_action_word, apt_updates
from lintlayers.model.paths import is_within
from lintlayers.model.run_effects import effects
from lintlayers.model.size_estimates import apt_lists
from lintlayers.model.stage_references import base_stages
from lintlayers.model.steps import sequences
from lintlayers.rule import Rule
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator

    from lintlayers.context import RuleContext
    from lintlayers.model.kept_caches import KeptCache
    from lintlayers.model.run_effects import RunEffects
    from lintlayers.model.steps import Step

CLEANUP = "rm -rf /var/lib/apt/lists/*"
APT_DIRS = ("/var/lib/apt", "/var/cache/apt")
APT_CHAIN = frozenset({"apt-get", "apt", "apt-cache", "apt-mark", "aptitude", "dpkg"})


class AptListsNotRemoved(Rule):
    """Reports an apt install whose RUN keeps the package lists in its layer.

    ## What it does
    Reports a RUN that runs `apt-get update` (or `apt-get install --update`)
    and `apt-get install` (or `apt install`, `upgrade`, `build-dep`...) and
    does not remove `/var/lib/apt/lists/*` after its last update, in the same
    RUN. Only a removal of the lists themselves counts (`rm -rf
    /var/lib/apt/lists/*`, the directory or a parent of it, `find
    /var/lib/apt/lists -delete`, `apt-get distclean`): an unrelated `rm -rf
    /tmp/foo` does not. A cache or tmpfs mount on `/var/lib/apt/lists` or
    `/var/lib/apt` satisfies the rule: the lists never reach the layer. The
    message estimates their size from the base image (~20 MB measured for
    Debian 12, ~45 MB typical for Ubuntu) and, under BuildKit, offers cache
    mounts before removal.

    Not reported: a RUN that installs without downloading the lists itself
    (they come from an earlier RUN or the base image, and removing them here
    would not shrink anything: see `apt-get-update-alone` and
    `cleanup-in-later-layer`), and a stage whose files cannot reach an image
    (a stage used only as a `COPY --from` source of specific paths, or only by
    targets named for tests or development such as `test`, `lint` or `dev`).

    A script the RUN runs after the install (`bash /tmp/scripts/x.sh`,
    `./install.sh`, `curl ... | sh`) is not read, and the rule does not assume
    it removes the lists: install scripts leave them to the Dockerfile (the
    VS Code devcontainer library scripts, whose README asks for `rm -rf
    /var/lib/apt/lists/*` after them, run their own `apt-get update`).

    When a later RUN of the stage removes the lists, the help says that removal
    does not take them out of this layer (`cleanup-in-later-layer` leaves it to
    this finding).

    ## Why it matters
    `apt-get update` downloads the package indexes, tens of megabytes that
    nothing needs at run time (19.9 MB for Debian 12's in the official image,
    which keeps them compressed). Removed in a later RUN they stay in this layer.

    ## Example
    ```dockerfile
    RUN apt-get update \\
        && apt-get install -y --no-install-recommends curl
    ```

    ## Use instead
    ```dockerfile
    RUN apt-get update \\
        && apt-get install -y --no-install-recommends curl \\
        && rm -rf /var/lib/apt/lists/*
    ```
    or, with BuildKit, keep apt's lists and downloads in cache mounts, which
    also spares downloading them again on the next build:
    ```dockerfile
    RUN --mount=type=cache,target=/var/cache/apt,sharing=locked \\
        --mount=type=cache,target=/var/lib/apt,sharing=locked \\
        apt-get update && apt-get install -y --no-install-recommends curl
    ```
    (Docker's official Debian and Ubuntu images delete downloaded packages
    after each install, `/etc/apt/apt.conf.d/docker-clean`: remove that file
    in an earlier RUN to keep them in the `/var/cache/apt` mount.)

    ## Fix
    Safe: appends `&& rm -rf /var/lib/apt/lists/*` on a new continuation line
    after the last apt command of the RUN, or after a later script the RUN
    runs (it may install with apt, or run its own `apt-get update` when it
    finds no lists), in the RUN's style (indentation, leading or trailing
    `&&`, line endings). Only for a shell-form RUN without
    heredocs, when the apt command is followed by `&&`, `;` or the end of the
    RUN, and when no later RUN (of this stage or a stage built from it) runs
    `apt-get install` without its own `apt-get update`, which would then fail,
    or a script the linter does not read (apisix-docker's `./install-brotli.sh`
    installs with apt and no update of its own).
    """

    code = "LL301"
    name = "apt-lists-not-removed"
    category = "size"
    severity = "warning"
    summary = "apt-get install keeps /var/lib/apt/lists in the layer"
    hadolint = ("DL3009",)
    needs = ("RUN",)

    def check(self, context: RuleContext) -> Iterator[Violation]:
        all_steps = sequences(context)
        later_needs = _later_needs_lists(context, all_steps)
        for steps in all_steps:
            needs = later_needs[id(steps)]
            for position, step in enumerate(steps):
                for kept in kept_caches(context, step, ("apt-lists",)):
                    yield self._violation(context, step, kept, needs[position])

    def _violation(
        self, context: RuleContext, step: Step, kept: KeptCache, later_needs: bool
    ) -> Violation:
        run = effects(context, step)
        last = kept.index
        command = run.commands[last]
        action = apt_action_word(command)
        start, end = run.span_range(last, command.words[0], action or command.words[0])
        size = apt_lists(run.step.stage.root_image)
        message = (
            f"`{command.name} {apt_action(command)}` leaves the apt package lists in this "
            f"layer: {size.text()}"
        )
        help = (
            f"`apt-get update` downloaded them to /var/lib/apt/lists ({size.described()}, "
            f"more with extra sources){removed_later_clause(context, step, kept, 'them')}; "
        )
        remove = f"remove them at the end of this RUN (`{CLEANUP}`)"
        if later_needs:  # removing them here would break that install
            remove = (
                "a later RUN installs from them, or runs a script that may, without its own "
                f"`apt-get update`: give it one, then {remove}"
            )
        if context.builder != "buildkit" or later_needs:
            help += remove
        elif _apt_cache_mounted(run):
            help += (
                "the RUN's apt cache mount does not hold them: add "
                f"`{cache_mount_flags('apt-lists', ('/var/lib/apt',))}` or {remove}"
            )
        else:
            help += (
                f"keep them out of the image with cache mounts "
                f"({cache_mount_advice('apt-lists')}) or {remove}"
            )
        fix = None
        if not later_needs:
            chain_end = last
            for index in range(last + 1, len(run.commands)):
                if (
                    run.commands[index].name in APT_CHAIN
                    or run.unseen_script(index)  # it may install from the lists
                    or any(
                        removal.index == index and removal.pattern.startswith(APT_DIRS)
                        for removal in run.removals
                    )
                ):
                    chain_end = index
            from lintlayers.model.run_edits import append_after

            edit = append_after(run, chain_end, CLEANUP)
            if edit is not None:
                fix = Fix(f"Remove the apt lists: `{CLEANUP}`", [edit], SAFE)
        return Violation(start, end, message, fix, help=help)


def _apt_cache_mounted(run: RunEffects) -> bool:
    """Whether a cache or tmpfs mount of the RUN holds part of apt's data."""
    return any(
        mount.type in COVERING_MOUNTS
        and mount.target is not None
        and any(is_within(mount.target, path) for path in APT_DIRS)
        for mount in run.mounts
    )


def _later_needs_lists(context: RuleContext, all_steps: list[list[Step]]) -> dict[int, list[bool]]:
    """For each sequence (by id) and position: does a later RUN need the apt lists?

    True when a later RUN of the sequence, or any RUN of a stage built from this
    one, runs an apt install before any ``apt-get update`` of its own.
    """
    own: dict[int, list[bool]] = {}  # per sequence: does the step at i install without lists
    stage_needs: dict[int, bool] = {}
    for steps in all_steps:
        flags = [step.keyword == "RUN" and _installs_first(context, step) for step in steps]
        own[id(steps)] = flags
        if steps and not steps[0].onbuild:
            stage_needs[steps[0].stage.index] = any(flags)
    model = context.model
    children: dict[int, list[int]] = {}
    for child in model.stages:
        for base in base_stages(model, child):
            children.setdefault(base.index, []).append(child.index)
    descendants: dict[int, bool] = {}
    for stage in reversed(model.stages):  # children come after their bases
        descendants[stage.index] = any(
            stage_needs.get(child, False) or descendants.get(child, False)
            for child in children.get(stage.index, ())
        )
    result: dict[int, list[bool]] = {}
    for steps in all_steps:
        flags = own[id(steps)]
        tail = bool(steps) and not steps[0].onbuild and descendants[steps[0].stage.index]
        needs = [False] * len(steps)
        for position in range(len(steps) - 1, -1, -1):
            needs[position] = tail
            tail = tail or flags[position]
        result[id(steps)] = needs
    return result


def _installs_first(context: RuleContext, step: Step) -> bool:
    """Whether a RUN runs an apt install, or a script lintlayers never reads (which may
    install with apt: apisix-docker's ``./install-brotli.sh``), before any ``apt-get
    update`` of its own."""
    run = effects(context, step)
    for index, command in enumerate(run.commands):
        if apt_updates(command):
            return False
        if apt_action(command) in APT_INSTALLS or run.unseen_script(index):
            return True
    return False
