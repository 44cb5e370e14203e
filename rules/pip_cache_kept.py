"""LL304 pip-cache-kept."""

from __future__ import annotations

from lintlayers.diagnostics import SAFE, Fix, Violation
from lintlayers.model.kept_caches import NO_CACHE_DIR, every_kept_cache, removed_later_clause
from lintlayers.model.mounts import COVERING_MOUNTS, cache_mount_advice
from lintlayers.model.package_commands import (
    pip_action_word,
    pip_install_requirements,
)
from lintlayers.model.run_effects import effects
from lintlayers.model.size_estimates import pip_cache, small_pip_cache
from lintlayers.rule import Rule
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator

    from lintlayers.context import RuleContext
    from lintlayers.model.kept_caches import KeptCache
    from lintlayers.model.mounts import Mount
    from lintlayers.model.run_effects import RunEffects
    from lintlayers.model.steps import Step

FLAG = NO_CACHE_DIR


class PipCacheKept(Rule):
    """Reports `pip install` that keeps its download cache in the layer.

    ## What it does
    Reports `pip install` (`pip`, `pip3`, `pip3.12`, `python -m pip`...)
    without `--no-cache-dir`, unless the pip cache is kept out of the layer
    another way:
    - `PIP_NO_CACHE_DIR` is set (by ENV or ARG in scope, `export`, or as a
      prefix of the command) to a value pip accepts; pip then disables its
      cache for any boolean, even `false`;
    - a cache or tmpfs mount covers the cache (`/root/.cache/pip`,
      `/root/.cache`, the `PIP_CACHE_DIR`/`--cache-dir` directory, or for a
      non-root USER a mount ending in `.cache/pip` or `.cache`);
    - the RUN removes the cache after installing (`rm -rf /root/.cache`,
      `pip cache purge`...);
    - pip is configured not to cache: an earlier RUN writes `no-cache-dir`
      (`pip config set global.no-cache-dir ...`) or a COPY/ADD writes a
      `pip.conf`.

    `pip install --upgrade pip` (or setuptools, wheel) alone is reported too,
    as an `info` with the measured size of those wheels (under 3 MB): it
    caches them, and the fix costs nothing.
    Stages whose files cannot reach an image (used only as a `COPY --from`
    source of specific paths, or only by targets named for tests or development such as
    `test`, `lint` or `dev`) are not checked.

    When a later RUN of the stage removes the cache, the help says that removal
    does not take it out of this layer (`cleanup-in-later-layer` leaves it to
    this finding).

    ## Why it matters
    pip keeps every wheel it downloads or builds in its cache, about a fifth
    of the installed size again (measured: 1.3 MB of wheels for the 8.2 MB
    that flask and requests install; numpy's wheel is 17 MB, torch's CPU
    wheel 192 MB), and a container never reinstalls from it.

    A cache mount that misses pip's cache (`target=/pip-cache` without
    `PIP_CACHE_DIR`) is reported with advice to fix the mount, never to add
    `--no-cache-dir`, which would defeat it.

    ## Example
    ```dockerfile
    RUN pip install -r requirements.txt
    ```

    ## Use instead
    ```dockerfile
    RUN pip install --no-cache-dir -r requirements.txt
    ```
    or, with BuildKit, keep the cache between builds outside the image:
    ```dockerfile
    RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt
    ```

    ## Fix
    Safe: inserts ` --no-cache-dir` after `install`; the same packages are
    installed, only the cache is not written.
    """

    code = "LL304"
    name = "pip-cache-kept"
    category = "size"
    severity = "warning"
    summary = "pip install without --no-cache-dir keeps the pip cache in the layer"
    hadolint = ("DL3042",)
    needs = ("RUN",)

    def check(self, context: RuleContext) -> Iterator[Violation]:
        for step, kept in every_kept_cache(context, ("pip",)):
            yield _violation(context, step, kept)


def _violation(context: RuleContext, step: Step, kept: KeptCache) -> Violation:
    run = effects(context, step)
    index = kept.index
    command = run.commands[index]
    word = pip_action_word(command)
    assert word is not None
    start, end = run.span_range(index, command.words[0], word)
    cache = kept.path
    packages = pip_install_requirements(command)
    complete = not command.has_flag("-r", "--requirement", "-e", "--editable")
    size = pip_cache(packages, complete=complete).described()
    small = complete and small_pip_cache(packages)  # pip upgrading itself: a few MB, a note
    later = removed_later_clause(context, step, kept, "them")
    mount = _pip_mount(run)
    if mount is not None:  # the user wants a cache mount: never advise against it
        return Violation(
            start,
            end,
            f"`pip install` caches in {cache}, outside the RUN's cache mount",
            help=(
                f"the cache mount on {mount.target} does not hold it, so it stays in "
                f"this layer: {size}{later}; mount the cache there "
                f"(`--mount=type=cache,target={cache}`) or set "
                f"`PIP_CACHE_DIR={mount.target}`"
            ),
        )
    message = f"`pip install` without `{FLAG}` keeps its cache in this layer"
    help = f"the wheels it downloads and builds stay in {cache}: {size}{later}; "
    if context.builder == "buildkit":
        help += (
            "keep the cache between builds in a cache mount "
            f"({cache_mount_advice('pip', (cache,))}) or add `{FLAG}`"
        )
    else:
        help += f"add `{FLAG}`"
    fix = None
    if word.raw == "install":
        from lintlayers.model.run_edits import add_flag

        fix = Fix(f"Add `{FLAG}`", [add_flag(run, index, word, FLAG)], SAFE)
    return Violation(start, end, message, fix, help=help, severity="info" if small else None)


def _pip_mount(run: RunEffects) -> Mount | None:
    """A cache or tmpfs mount of the RUN whose target names pip (it misses pip's cache)."""
    for mount in run.mounts:
        if mount.type in COVERING_MOUNTS and mount.target and "pip" in mount.target.lower():
            return mount
    return None
