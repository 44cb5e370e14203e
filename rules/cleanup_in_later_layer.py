"""LL306 cleanup-in-later-layer."""

from __future__ import annotations

from lintlayers.diagnostics import Violation
from lintlayers.model.kept_caches import kept_at_install
from lintlayers.model.mounts import CACHE_MOUNTS, cache_mount_advice
from lintlayers.model.package_commands import CACHE_DIRS, CACHE_LABELS
from lintlayers.model.paths import covers, has_glob, is_within
from lintlayers.model.run_effects import copy_creations, effects
from lintlayers.model.shipping import ships_layers
from lintlayers.model.size_estimates import copied_bytes, package_cache
from lintlayers.model.steps import copy_sources, display, link_advisable, sequences
from lintlayers.rule import Rule
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator

    from lintlayers.context import RuleContext
    from lintlayers.model.run_effects import Creation, Removal, RunEffects
    from lintlayers.model.steps import Step


class CleanupInLaterLayer(Rule):
    """Reports a RUN deleting files that an earlier step of the stage created.

    ## What it does
    Reports a removal (`rm`, `find ... -delete`, `apt-get clean`,
    `yarn cache clean`, `npm cache clean`, `pip cache purge`, `apk cache
    clean`, `yum`/`dnf clean`) of files that an earlier step of the same stage
    wrote and left behind:
    - package data an earlier RUN left that no finding at its install reports:
      the apt lists of an `apt-get update` whose RUN installs nothing, the pip
      cache of `pip download`, the apk index of `apk update && apk upgrade`...
      (one finding per problem: what `apt-lists-not-removed`,
      `apk-add-without-no-cache`, `pip-cache-kept`, `node-package-cache-kept`
      or `package-cache-kept` reports at the install, where its fix goes, is
      left to that finding, which names the later removal, when that rule runs);
    - a file an earlier RUN downloaded (`curl -o`/`-O`, `wget`, `curl > f`),
      a repository it cloned (or anything inside it), a directory it made and
      worked in (`mkdir d && cd d`), a `cp`/`mv` destination;
    - what an earlier COPY or ADD wrote (its destination, a file copied into
      a directory, or a parent directory of them).

    Only ties it can prove are reported: `COPY . /app` followed by
    `rm -rf /app/tests` is not (the linter does not know what the context
    holds). A removal is not reported when the same RUN writes that path
    again before removing it, nor when the COPY/ADD copied only small text
    files (scripts, configuration: `.sh`, `.txt`, `.json`, `.patch`...), where a
    few KB stay behind. Stages whose layers never ship (used only as a
    `COPY --from` source, even `COPY --from=stage / /`, which copies the final
    files without the deleted ones, or only by targets named for tests or development
    such as `test`, `lint` or `dev`) are not checked. Nor
    are `apt-get clean` after an earlier install (Docker's official Debian
    and Ubuntu images, and the images built on them, already delete the
    downloaded packages after every install), and a removal inside a cache
    or tmpfs mount of its own RUN (it empties the mount, not a layer).

    The message says how much stays behind where that is known: the exact
    size of what a COPY of the build context wrote (with the context known),
    the apt lists (~20 MB measured for Debian 12), the apk index, or the
    caches relative to what was installed. Under BuildKit it offers a cache
    mount on the installing RUN before a cleanup there, and `COPY --link` only
    where it is sound (see `recursive-chown-after-copy`).

    ## Why it matters
    Every instruction adds a layer on top of the previous ones: deleting a
    file in a later layer only hides it, and its bytes are still pulled and
    stored with the image.

    ## Example
    ```dockerfile
    RUN curl -fsSLo /tmp/tool.tgz https://example.com/tool.tgz \\
        && tar -xzf /tmp/tool.tgz -C /opt
    RUN rm /tmp/tool.tgz
    ```

    ## Use instead
    ```dockerfile
    RUN curl -fsSLo /tmp/tool.tgz https://example.com/tool.tgz \\
        && tar -xzf /tmp/tool.tgz -C /opt \\
        && rm /tmp/tool.tgz
    ```
    For package caches, with BuildKit, put a cache mount on the installing RUN
    (`RUN --mount=type=cache,target=/root/.cache/pip pip install ...`), or
    clean up in that RUN; for copied files, copy only what the image needs (a
    narrower COPY, `.dockerignore`, `RUN --mount=type=bind`) or build in an
    earlier stage and `COPY --from` the result.

    ## Fix
    None: moving a command between RUNs changes what each layer and its cache
    key contain.
    """

    code = "LL306"
    name = "cleanup-in-later-layer"
    category = "size"
    severity = "warning"
    summary = "A later RUN deletes files an earlier layer keeps"
    needs = ("RUN",)

    def check(self, context: RuleContext) -> Iterator[Violation]:
        for steps in sequences(context):
            left = _Left()  # what earlier steps wrote and kept (the latest writer wins)
            for step in steps:
                if step.keyword in ("COPY", "ADD"):
                    from lintlayers.model.small_copies import small_text_sources

                    if not small_text_sources(step):
                        for creation in copy_creations(step, context.context_dir):
                            left.record(step, creation)
                    continue
                if step.keyword != "RUN":
                    continue
                run = effects(context, step)
                if run.removals and left:
                    if step.onbuild or ships_layers(context, step.stage):
                        yield from self._check_run(context, run, left, steps)
                    for removal in run.removals:
                        left.remove_covered(removal.pattern)
                if left:
                    for moved in run.moved_away():  # gone from there: a later rm is not its
                        left.remove_covered(moved)
                for creation in run.leftovers():
                    left.record(step, creation)

    def _check_run(
        self,
        context: RuleContext,
        run: RunEffects,
        left: _Left,
        steps: list[Step],
    ) -> Iterator[Violation]:
        reported: set[int] = set()
        for removal in run.removals:
            if removal.index in reported or _recreated(run, removal):
                continue
            if run.mount_covering(removal.pattern) is not None:
                continue  # it empties a mount, not the earlier layer
            for earlier, creation in left.latest_first(removal.pattern):
                if creation.kind in EMPTY_IN_OFFICIAL_IMAGES:
                    continue
                if _tied(removal, creation):
                    if kept_at_install(context, earlier, creation):
                        continue  # reported at its install, where the fix goes
                    reported.add(removal.index)
                    yield _violation(context, run, removal, earlier, creation, steps)
                    break


HOME_CACHES = frozenset({"pip", "npm", "yarn"})
"""Caches whose directory depends on the user: a mount goes where the RUN left it."""
EMPTY_IN_OFFICIAL_IMAGES = frozenset({"apt"})
"""Package data that Docker's official Debian and Ubuntu images (and the images built on
them) delete after every install (``/etc/apt/apt.conf.d/docker-clean``): nothing is left
for a later ``apt-get clean`` to free."""


class _Left:
    """What earlier steps of a sequence wrote and left, by path, the latest writer last;
    grouped by the path's first component, which a removal's pattern must share with
    anything it ties to (unless the pattern starts with a glob), so a RUN's removals look
    at their own part of the tree only."""

    __slots__ = ("_by_top", "_count", "_size")

    def __init__(self) -> None:
        self._by_top: dict[str, dict[str, tuple[int, Step, Creation]]] = {}
        self._count = 0  # records so far: orders entries across groups
        self._size = 0

    def __bool__(self) -> bool:
        return self._size > 0

    def record(self, step: Step, creation: Creation) -> None:
        group = self._by_top.setdefault(_top(creation.path), {})
        if group.pop(creation.path, None) is None:  # re-inserted last: the latest writer
            self._size += 1
        self._count += 1
        group[creation.path] = (self._count, step, creation)

    def _groups(self, pattern: str) -> list[dict[str, tuple[int, Step, Creation]]]:
        top = _top(pattern)
        if not top or has_glob(top):
            return list(self._by_top.values())
        group = self._by_top.get(top)
        return [group] if group else []

    def latest_first(self, pattern: str) -> list[tuple[Step, Creation]]:
        """The entries ``pattern`` may concern, the most recent writer first."""
        entries = [entry for group in self._groups(pattern) for entry in group.values()]
        entries.sort(key=lambda entry: entry[0], reverse=True)
        return [(step, creation) for _, step, creation in entries]

    def remove_covered(self, pattern: str) -> None:
        for group in self._groups(pattern):
            for path in [path for path in group if covers(pattern, path)]:
                del group[path]
                self._size -= 1


def _top(path: str) -> str:
    """The first component of an absolute path (``var`` of ``/var/lib/apt``)."""
    return path.lstrip("/").split("/", 1)[0]


def _tied(removal: Removal, creation: Creation) -> bool:
    pattern = removal.pattern
    if covers(pattern, creation.path):
        return True
    return creation.deep and is_within(pattern, creation.path) and pattern != creation.path


def _recreated(run: RunEffects, removal: Removal) -> bool:
    """Whether the same RUN writes what ``removal`` deletes before deleting it."""
    for creation in run.creations():
        if creation.index < removal.index and (
            covers(removal.pattern, creation.path)
            or is_within(removal.pattern.rstrip("/*"), creation.path)
        ):
            return True
    return False


def _violation(
    context: RuleContext,
    run: RunEffects,
    removal: Removal,
    earlier: Step,
    creation: Creation,
    steps: list[Step],
) -> Violation:
    command = run.commands[removal.index]
    argv = " ".join(word.raw for word in command.words)
    if len(argv) > 60:
        argv = argv[:57] + "..."
    line = context.source.location(earlier.instruction.start).line
    kind = creation.kind
    path = display(creation.path)
    if kind in CACHE_DIRS:
        size = package_cache(kind, earlier.stage.root_image)
        amount = f", {size.clause()}" if size is not None else ""
        what = f"the {CACHE_LABELS[kind]} ({path}{amount}) that the RUN at line {line} left"
        advice = "clean up in the RUN that installs"
        if context.builder == "buildkit" and kind in CACHE_MOUNTS:
            targets = (creation.path,) if kind in HOME_CACHES else None
            advice = (
                f"keep it out of the image with a cache mount on the RUN that installs "
                f"({cache_mount_advice(kind, targets)}) or clean up in that RUN"
            )
    elif kind == "copy":
        size = copied_bytes(context, earlier) if len(copy_sources(earlier)) == 1 else None
        amount = f" ({size.clause()})" if size is not None else ""
        what = f"{path}, which {earlier.keyword} at line {line} wrote{amount}"
        if earlier.instruction.has_flag("from"):
            advice = "copy only the paths the image needs from that stage or image"
            if link_advisable(context, steps, steps.index(earlier)):
                advice += (
                    " (with `COPY --link`, which also keeps that layer independent of the "
                    "earlier ones)"
                )
        else:
            advice = (
                "copy only what the image needs (a narrower COPY, .dockerignore, or "
                "`RUN --mount=type=bind` for files needed only while building) or build in "
                "an earlier stage and COPY --from the result"
            )
    else:
        verb = {"download": "downloaded", "clone": "cloned"}.get(kind, "wrote")
        what = f"{path}, which the RUN at line {line} {verb}"
        advice = "delete it in the RUN that creates it, or use a multi-stage build"
    if removal.pattern != creation.path and not has_glob(removal.pattern):
        what = f"{display(removal.pattern)}, holding {what}"
    message = (
        f"`{command.name}` deletes files line {line} wrote: they stay in the earlier layer, "
        "the image does not shrink"
    )
    help = f"`{argv}` deletes {what}; {advice}"
    start, end = run.command_range(removal.index)
    return Violation(start, end, message, help=help)
