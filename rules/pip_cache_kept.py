"""LL304 pip-cache-kept."""

from __future__ import annotations

import re

from lintlayers.diagnostics import SAFE, Fix, Violation
from lintlayers.lazy_re import lazy_compile
from lintlayers.model.mounts import COVERING_MOUNTS, cache_mount_advice
from lintlayers.model.package_commands import PIP_VALUE_OPTIONS, pip_action_word, pip_words
from lintlayers.model.run_effects import effects
from lintlayers.model.size_estimates import pip_cache
from lintlayers.model.steps import copy_destination, reaches_image, sequences
from lintlayers.rule import Rule
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator

    from lintlayers.context import RuleContext
    from lintlayers.model.mounts import Mount
    from lintlayers.model.run_effects import RunEffects
    from lintlayers.model.steps import Step
    from lintlayers.shell.commands import SimpleCommand

FLAG = "--no-cache-dir"
_BOOLEANS = frozenset(
    {"y", "yes", "t", "true", "on", "1", "n", "no", "f", "false", "off", "0"}
)  # pip disables the cache for any valid boolean, even "false"
_CONFIG_TEXT = lazy_compile(r"no[-_]cache[-_]dir", re.IGNORECASE)
_CONFIG_FILES = ("/etc/pip.conf", "/pip/pip.conf", "/.pip/pip.conf", "/.config/pip/pip.conf")


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

    `pip install --upgrade pip` (or setuptools, wheel) alone is reported too:
    it caches the wheels it downloads, a few MB, and the fix costs nothing.
    Stages whose files cannot reach an image (used only as a `COPY --from`
    source of specific paths, or only by targets named for tests such as
    `test`, `e2e` or `lint`) are not checked.

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
        configured: dict[int, bool] = {}
        for steps in sequences(context):
            if not steps:
                continue
            stage = steps[0].stage
            off = configured.get(stage.base_stage.index, False) if stage.base_stage else False
            for step in steps:
                if step.keyword in ("COPY", "ADD") and _writes_pip_config(step):
                    off = True
                if step.keyword != "RUN":
                    continue
                if not off and (step.onbuild or reaches_image(context, step.stage)):
                    yield from self._check_run(context, effects(context, step))
                text = step.instruction.arguments + "".join(
                    heredoc.content for heredoc in step.instruction.heredocs
                )
                if ("pip.conf" in text or "config set" in text) and _CONFIG_TEXT.search(text):
                    off = True
            if not steps[0].onbuild:
                configured[stage.index] = off

    def _check_run(self, context: RuleContext, run: RunEffects) -> Iterator[Violation]:
        installs: list[tuple[int, SimpleCommand]] = []
        for index, command in enumerate(run.commands):
            word = pip_action_word(command)
            if word is None or word.value != "install" or command.has_flag(FLAG):
                continue
            if _cache_disabled(run, index) or run.cache_handled("pip", index):
                continue
            installs.append((index, command))
        for index, command in installs:
            word = pip_action_word(command)
            assert word is not None
            start, end = run.span_range(index, command.words[0], word)
            cache = run.cache_dirs("pip", index)[0]
            size = pip_cache(_packages(command)).described()
            mount = _pip_mount(run)
            if mount is not None:  # the user wants a cache mount: never advise against it
                yield Violation(
                    start,
                    end,
                    f"`pip install` caches in {cache}, outside the RUN's cache mount",
                    help=(
                        f"the cache mount on {mount.target} does not hold it, so it stays in "
                        f"this layer: {size}; mount the cache there "
                        f"(`--mount=type=cache,target={cache}`) or set "
                        f"`PIP_CACHE_DIR={mount.target}`"
                    ),
                )
                continue
            message = f"`pip install` without `{FLAG}` keeps its cache in this layer"
            help = f"the wheels it downloads and builds stay in {cache}: {size}; "
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

                fix = Fix(
                    f"Add `{FLAG}`",
                    [add_flag(run, index, word, FLAG)],
                    SAFE,
                )
            yield Violation(start, end, message, fix, help=help)


def _packages(command: SimpleCommand) -> list[str]:
    """The requirement words of a ``pip install`` (not options, their values or files)."""
    words = pip_words(command) or ()
    found: list[str] = []
    skip = False
    seen_install = False
    for word in words:
        value = word.value
        if skip:
            skip = False
        elif value.startswith("-"):
            skip = value in PIP_VALUE_OPTIONS
        elif not seen_install:
            seen_install = value == "install"
        else:
            found.append(value)
    return found


def _pip_mount(run: RunEffects) -> Mount | None:
    """A cache or tmpfs mount of the RUN whose target names pip (it misses pip's cache)."""
    for mount in run.mounts:
        if mount.type in COVERING_MOUNTS and mount.target and "pip" in mount.target.lower():
            return mount
    return None


def _cache_disabled(run: RunEffects, index: int) -> bool:
    """Whether ``PIP_NO_CACHE_DIR`` is set for command ``index``."""
    command = run.commands[index]
    values = dict(run.env_at(index))
    for word in command.assignments:
        name, _, assigned = word.value.partition("=")
        values[name] = assigned
    value = values.get("PIP_NO_CACHE_DIR")
    return value is not None and value.strip().lower() in _BOOLEANS


def _writes_pip_config(step: Step) -> bool:
    destination = copy_destination(step)
    if destination is None:
        return False
    return destination.endswith(_CONFIG_FILES) or destination in ("/etc/xdg/pip", "/etc")
