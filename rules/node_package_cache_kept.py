"""LL305 node-package-cache-kept."""

from __future__ import annotations

from lintlayers.diagnostics import SAFE, Fix, Violation
from lintlayers.model.kept_caches import every_kept_cache, removed_later_clause
from lintlayers.model.mounts import cache_mount_advice
from lintlayers.model.package_commands import (
    NPM_INSTALLS,
    NPM_VALUE_OPTIONS,
    npm_action,
    yarn_action,
)
from lintlayers.model.run_effects import effects
from lintlayers.model.size_estimates import npm_cache, yarn_cache
from lintlayers.rule import Rule
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator

    from lintlayers.context import RuleContext
    from lintlayers.model.kept_caches import KeptCache
    from lintlayers.model.run_effects import RunEffects
    from lintlayers.model.steps import Step
    from lintlayers.shell.commands import ShellWord, SimpleCommand

CACHE_VARIABLES = (
    "HOME", "XDG_CACHE_HOME", "YARN_CACHE_FOLDER", "npm_config_cache", "NPM_CONFIG_CACHE",
)  # fmt: skip


class NodePackageCacheKept(Rule):
    """Reports `yarn`/`npm` installs whose RUN keeps the package cache in its layer.

    ## What it does
    Reports `yarn install`, `yarn add`, a bare `yarn` (yarn 1), and `npm install`
    / `npm ci` (and their aliases) whose RUN does not prove the cache gone:
    - for yarn: no `yarn cache clean` after it, no removal of the cache
      directory, no cache or tmpfs mount on it (`/usr/local/share/.cache/yarn`
      for root, `~/.cache/yarn`, `YARN_CACHE_FOLDER` or `--cache-folder`) and no
      cache mount whose target names yarn;
    - for npm: no `npm cache clean --force` after it, no removal of `~/.npm`
      (or of the `--cache`/`npm_config_cache` directory), no cache or tmpfs
      mount on it and no cache mount whose target names npm.

    Yarn 2+ ("berry", recognised by `--immutable` and friends, or by a
    `.yarnrc.yml`, `.yarn` or `.pnp.cjs` copied into the stage) is not
    checked: with Plug'n'Play its cache is the installed packages. Stages
    whose files cannot reach an image (used only as a `COPY --from` source of
    specific paths, or only by targets named for tests or development such as `test`,
    `lint` or `dev`) are not checked either.

    When a later RUN of the stage removes the cache, the help says that removal
    does not take it out of this layer (`cleanup-in-later-layer` leaves it to
    this finding).

    ## Why it matters
    yarn and npm keep a copy of every package they download in their cache,
    and a container never reinstalls from it. Measured with npm 11: 3.3 MB of
    cache for express's 2.3 MB of `node_modules`, 24 MB for 33 MB with
    typescript; yarn 1 keeps every package unpacked, at least as large as
    `node_modules`. npm upgrading itself (`npm install -g npm@...` and no other
    install in the RUN) caches its tarball and registry metadata: 5.7 to 7.8 MB.

    ## Example
    ```dockerfile
    RUN yarn install --frozen-lockfile
    ```

    ## Use instead
    ```dockerfile
    RUN yarn install --frozen-lockfile && yarn cache clean
    ```
    or, with BuildKit, keep the cache outside the image:
    ```dockerfile
    RUN --mount=type=cache,target=/usr/local/share/.cache/yarn yarn install --frozen-lockfile
    ```

    ## Fix
    Safe: appends `&& yarn cache clean` or `&& npm cache clean --force` (with
    the same `--cache-folder`/`--cache` option) at the end of the RUN, on a new
    continuation line in the RUN's style. Only for a shell-form RUN without
    heredocs whose script ends with a plain command.
    """

    code = "LL305"
    name = "node-package-cache-kept"
    category = "size"
    severity = "warning"
    summary = "yarn/npm install keeps the package cache in the layer"
    hadolint = ("DL3060",)
    needs = ("RUN",)

    def check(self, context: RuleContext) -> Iterator[Violation]:
        for step, kept in every_kept_cache(context, ("npm", "yarn")):
            yield _violation(context, step, kept)


def _violation(context: RuleContext, step: Step, kept: KeptCache) -> Violation:
    run = effects(context, step)
    index = kept.index
    command = run.commands[index]
    manager = kept.kind
    cache = kept.path
    if manager == "yarn":
        clean = "yarn cache clean"
        option = command.flag_value("--cache-folder")
        if option:
            clean += " --cache-folder " + option
        target = "/usr/local/share/.cache/yarn" if cache.startswith("/root/") else cache
    else:
        clean = "npm cache clean --force"
        option = command.flag_value("--cache")
        if option:
            clean += " --cache " + option
        target = cache
    verb_word = _verb_word(command)
    label = command.name + (" " + verb_word.value if verb_word is not None else "")
    size = (yarn_cache() if manager == "yarn" else npm_cache(_npm_packages(run))).text()
    message = f"`{label}` leaves the {manager} cache in this layer: {size}"
    later = removed_later_clause(context, step, kept, "it")
    help = f"{cache} holds a second copy of every downloaded package{later}; "
    if context.builder == "buildkit":
        help += (
            "keep the cache outside the image with a cache mount "
            f"({cache_mount_advice(manager, (target,))}) or end this RUN with `{clean}`"
        )
    else:
        help += f"end this RUN with `{clean}`"
    fix = None
    if _clean_at_end_works(run, index, option):
        from lintlayers.model.run_edits import append_to_run

        edit = append_to_run(run, clean)
        if edit is not None:
            fix = Fix(f"Append `{clean}`", [edit], SAFE)
    start, end = run.span_range(index, command.words[0], verb_word or command.words[0])
    return Violation(start, end, message, fix, help=help)


def _npm_packages(run: RunEffects) -> list[str] | None:
    """The packages every ``npm install`` of the RUN names (they share its cache); None
    when one installs a project's dependencies (no package named)."""
    found: list[str] = []
    for command in run.commands:
        if command.name != "npm" or npm_action(command) not in NPM_INSTALLS:
            continue
        named = command.positional_args(NPM_VALUE_OPTIONS)[1:]
        if not named:
            return None
        found += named
    return found


def _verb_word(command: SimpleCommand) -> ShellWord | None:
    action = yarn_action(command) if command.name == "yarn" else npm_action(command)
    if action is None:
        return None
    return command.word_for(action.split(" ", 1)[0])


def _clean_at_end_works(run: RunEffects, index: int, option: str | None) -> bool:
    """Whether a clean command appended to the RUN would empty the cache command ``index`` used.

    Not when the command runs as another user (``sudo -u``) or with its own
    cache variables, nor when the cache settings or directory differ at the end.
    """
    command = run.commands[index]
    if command.prefix or any(
        word.value.partition("=")[0] in CACHE_VARIABLES for word in command.assignments
    ):
        return False
    before, after = run.env_at(index), run.env_at(len(run.commands))
    if any(before.get(name) != after.get(name) for name in CACHE_VARIABLES):
        return False
    if option is None:
        return True
    plain = all(char.isalnum() or char in "/._-" for char in option)
    return plain and run.resolve(index, option) == run.resolve_at_end(option)
