"""The one tracker of the state each instruction sees: WORKDIR, USER, SHELL, and ``cd``.

Between instructions (``State``, ``initial_state``, ``state_after``): the working
directory (``UNKNOWN_WORKDIR`` below an external base image, whose WORKDIR only the
image knows; a path holding ``$NAME`` when a variable has no known value), the USER
(``None`` when unset: root, or whatever the base image set) and whether the SHELL
is a POSIX shell. ``model.steps`` walks every stage with it, the cache plan too.

Inside a RUN (``CommandWalk``): the directory and variables each command runs with,
after ``cd``/``pushd`` and ``export``; ``cd`` alone goes home.

The ARG/ENV scope of an instruction is ``model.stages`` (``BuildModel.walk``).
Also the one set of shell names (``POSIX_SHELLS``).
"""

from __future__ import annotations

from functools import lru_cache

from lintlayers.lazy_re import lazy_compile
from lintlayers.model.paths import expand_known, join
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable

    from lintlayers.context import RuleContext
    from lintlayers.model.stages import BuildModel, Stage
    from lintlayers.shell.commands import ShellWord, SimpleCommand
    from lintlayers.syntax.nodes import Instruction

POSIX_SHELLS = frozenset({"sh", "bash", "ash", "dash", "zsh", "ksh", "mksh", "busybox"})
"""Names of POSIX shells: a SHELL, a heredoc's interpreter, ``sh -c`` in an exec-form RUN."""

UNKNOWN_WORKDIR = "/\x00workdir"
"""Stands for a working directory inherited from an external base image."""

_WINDOWS_BASES = ("windows", "nanoserver", "servercore", "dotnet/framework/")
"""Words of Windows images' names (``mcr.microsoft.com/dotnet/framework/sdk``: .NET
Framework runs on Windows only)."""
_LEADING_VARIABLE = lazy_compile(r"\$(?:\{[A-Za-z_][A-Za-z0-9_]*\}|[A-Za-z_][A-Za-z0-9_]*)(?:/|$)")


def is_posix_shell(program: str) -> bool:
    """Whether a program path or name (``/bin/bash``, ``cmd.exe``) is a POSIX shell."""
    return program.replace("\\", "/").rpartition("/")[2].lower() in POSIX_SHELLS


def builds_on_windows(context: RuleContext, stage: Stage) -> bool:
    """Whether ``stage`` builds on a Windows image (an external image it is built on names
    one, ``stage_references.root_images``, or the file's escape character is the
    backtick, as in Windows Dockerfiles)."""
    if context.dockerfile.escape == "`":
        return True
    from lintlayers.model.stage_references import root_images

    return any(names_windows_image(image.lower()) for image in root_images(context, stage))


def names_windows_image(base: str) -> bool:
    """Whether a FROM image name names a Windows image (``servercore``, ``nanoserver``...)."""
    lowered = base.lower()
    return any(name in lowered for name in _WINDOWS_BASES)


class State:
    """What an instruction runs with: working directory, user, and shell kind."""

    __slots__ = ("posix_shell", "user", "workdir")

    def __init__(self, workdir: str, user: str | None, posix_shell: bool) -> None:
        self.workdir = workdir
        self.user = user
        self.posix_shell = posix_shell

    @property
    def workdir_known(self) -> bool:
        """Whether the working directory is a known absolute path."""
        return UNKNOWN_WORKDIR not in self.workdir and "$" not in self.workdir

    def __eq__(self, other: object) -> bool:
        return isinstance(other, State) and (
            (self.workdir, self.user, self.posix_shell)
            == (other.workdir, other.user, other.posix_shell)
        )

    def __hash__(self) -> int:
        return hash((self.workdir, self.user, self.posix_shell))

    def __repr__(self) -> str:
        return f"State({self.workdir!r}, user={self.user!r}, posix={self.posix_shell})"


def initial_state(model: BuildModel, stage: Stage, finals: dict[int, State]) -> State:
    """The state at a stage's FROM: an earlier stage's final state when built from it
    (``finals`` by stage index), else what an external image gives (``scratch``: ``/``)."""
    base = stage.base_stage
    if base is not None and base.index in finals:
        return finals[base.index]
    lowered = stage.base.lower()
    windows = model.dockerfile.escape == "`" or names_windows_image(lowered)
    return State("/" if lowered == "scratch" else UNKNOWN_WORKDIR, None, not windows)


def state_after(state: State, instruction: Instruction, env: dict[str, str]) -> State:
    """The state after ``instruction`` (variables from ``env``, its scope)."""
    keyword = instruction.keyword
    if keyword == "WORKDIR" and instruction.words:
        path = expand_known(instruction.words[0].value, env)
        return State(join(state.workdir, path), state.user, state.posix_shell)
    if keyword == "USER" and instruction.words:
        user = expand_known(instruction.words[0].value, env)
        return State(state.workdir, user, state.posix_shell)
    if keyword == "SHELL" and instruction.json_args:
        return State(state.workdir, state.user, is_posix_shell(instruction.json_args[0]))
    return state


def home_of(user: str | None) -> str:
    """The home directory of a USER value, as far as a Dockerfile tells."""
    if is_root_user(user):
        return "/root"
    assert user is not None
    name = user.partition(":")[0]
    return "/home/" + name


def is_root_user(user: str | None) -> bool:
    """Whether a USER value (``None`` when unset) runs as root."""
    return user is None or user.partition(":")[0] in ("", "root", "0")


@lru_cache(maxsize=64)
def _repeated(value: str, count: int) -> tuple[str, ...]:
    """``(value,) * count``, one tuple for the walks of all the RUNs whose commands all
    run in the same directory (most RUNs of a file; a bounded cache across files)."""
    return (value,) * count


_SAME_ENVS: dict[tuple[int, int], tuple[dict[str, str], ...]] = {}
_SAME_ENVS_KEPT = 64


def _repeated_env(env: dict[str, str], count: int) -> tuple[dict[str, str], ...]:
    """``(env,) * count``, one tuple for the walks of all the RUNs whose commands all see
    the same variables (the steps of a scope share one ``env``). Keyed by the dict's id,
    which no other dict can take while the tuple in the cache keeps it alive."""
    key = (id(env), count)
    found = _SAME_ENVS.get(key)
    if found is None:
        if len(_SAME_ENVS) >= _SAME_ENVS_KEPT:
            _SAME_ENVS.clear()
        found = _SAME_ENVS[key] = (env,) * count
    return found


class CommandWalk:
    """The directory and variables each command of a RUN runs with.

    ``cwds[i]``/``envs[i]`` are those of ``commands[i]``; ``end_cwd``/``end_env``
    what a command appended to the RUN would see. ``cd``/``pushd`` change the
    directory (``cd`` alone and ``~`` go to ``home``); ``export``, ``declare``,
    ``local`` and bare assignments change the variables (a value read from a
    command's output is unknown and stays ``$NAME``).
    """

    __slots__ = ("cwds", "end_cwd", "end_env", "envs", "home")

    def __init__(
        self, commands: Iterable[SimpleCommand], workdir: str, env: dict[str, str], home: str
    ) -> None:
        self.home = home
        cwds: list[str] = []
        envs: list[dict[str, str]] = []
        # ``env`` is kept, not copied (a RUN's scope can hold thousands of names): nothing
        # changes it, ``assign`` makes a new one
        cwd = workdir
        moved = False
        start_env = env
        # the subshells entered so far, with the directory and variables before them: a
        # ``cd`` or ``export`` inside one ends with it
        entered: list[tuple[tuple[int, int], str, dict[str, str]]] = []
        for command in commands:
            subshells = command.subshells
            if entered or subshells:
                while entered and entered[-1][0] not in subshells:
                    _, cwd, env = entered.pop()
                for span in subshells[len(entered) :]:
                    entered.append((span, cwd, env))
            cwds.append(cwd)
            envs.append(env)
            name = command.name
            if not command.words:
                if command.assignments:
                    env = assign(env, command.assignments)
                continue
            if name in ("export", "declare", "local"):
                env = assign(env, command.words[1:])
            elif name in ("cd", "pushd"):
                targets = [value for value in command.args if not value.startswith("-")]
                target = targets[0] if targets else home
                cwd = join(cwd, self.expand(target, env))
                moved = True
        # tuples: one block of the exact size, where a list is two (a large file keeps
        # one walk a RUN), shared by the walks of one directory or one scope throughout
        self.cwds = tuple(cwds) if moved else _repeated(workdir, len(cwds))
        self.envs = tuple(envs) if env is not start_env else _repeated_env(env, len(envs))
        if entered:  # what a command appended after the RUN's last one would see
            _, cwd, env = entered[0]
        self.end_cwd = cwd
        self.end_env = env

    def expand(self, value: str, env: dict[str, str]) -> str:
        """``value`` with ``~`` and the known variables expanded; a path starting with an
        unknown variable (``$tmp/x``) is taken as absolute."""
        home = self.home
        if value == "~" or value.startswith("~/"):
            value = home + value[1:]
        if "HOME" in value and not env.get("HOME"):  # no copy of the scope for each word
            env = {**env, "HOME": home}
        value = expand_known(value, env)
        if _LEADING_VARIABLE.match(value):
            value = "/" + value
        return value

    def resolve(self, index: int, value: str) -> str:
        """The absolute path a word of command ``index`` names."""
        if index >= len(self.cwds):
            return join(self.end_cwd, self.expand(value, self.end_env))
        return join(self.cwds[index], self.expand(value, self.envs[index]))


def assign(env: dict[str, str], words: Iterable[ShellWord]) -> dict[str, str]:
    """``env`` after shell assignments (``NAME=value`` words), values expanded when known."""
    changed = dict(env)
    for word in words:
        name, equals, value = word.value.partition("=")
        if not equals or not name.isidentifier():
            continue
        value = expand_known(value, changed)
        if "$(" in value or "`" in value:
            changed.pop(name, None)  # a command's output: unknown, keep ``$name`` as it is
        else:
            changed[name] = value
    return changed
