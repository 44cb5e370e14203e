"""Commands that run another command (``sudo``, ``env``, ``xargs``...) and how to skip them."""

from __future__ import annotations


class _Wrapper:
    """How a wrapper's options look and what comes between them and the wrapped command."""

    __slots__ = (
        "assignments",
        "long_args",
        "numeric",
        "optional_args",
        "positionals",
        "refuse",
        "short_args",
    )

    def __init__(
        self,
        short_args: str = "",
        long_args: tuple[str, ...] = (),
        *,
        optional_args: str = "",
        refuse: str = "",
        assignments: bool = False,
        positionals: int = 0,
        numeric: bool = False,
    ) -> None:
        self.short_args = short_args  # short options that take a value (attached or next word)
        self.long_args = frozenset(long_args)  # long options whose value may be the next word
        self.optional_args = optional_args  # short options with an optional attached value
        self.refuse = refuse  # short options meaning "no command is run" (``command -v``)
        self.assignments = assignments  # NAME=value words may follow the options
        self.positionals = positionals  # operands before the command (``timeout 5``)
        self.numeric = numeric  # ``-10`` is an option (``nice -10``)


_SUDO = _Wrapper(
    "ugCDhpRrtTU",
    (
        *("user", "group", "close-from", "chdir", "host", "prompt", "chroot", "role"),
        *("type", "command-timeout", "other-user"),
    ),
    refuse="lveKV",
    assignments=True,
)

WRAPPERS: dict[str, _Wrapper] = {
    "sudo": _SUDO,
    "env": _Wrapper("uCP", ("unset", "chdir"), refuse="S", assignments=True),
    "xargs": _Wrapper(
        "adEILnPs",
        ("arg-file", "delimiter", "max-args", "max-procs", "max-chars", "process-slot-var"),
        optional_args="eil",
    ),
    "nohup": _Wrapper(),
    "exec": _Wrapper("a"),
    "time": _Wrapper("fo", ("format", "output")),
    "command": _Wrapper(refuse="vV"),
    "nice": _Wrapper("n", ("adjustment",), numeric=True),
    "stdbuf": _Wrapper("ioe", ("input", "output", "error")),
    "timeout": _Wrapper("sk", ("signal", "kill-after"), positionals=1),
    "gosu": _Wrapper(positionals=1),
    "su-exec": _Wrapper(positionals=1),
}
"""Wrapper commands by name; their options are skipped to find the wrapped command."""

_NO_COMMAND_LONG = frozenset({"help", "version", "split-string", "list", "validate"})


def is_assignment(word: str) -> bool:
    """Whether ``word`` looks like ``NAME=value``."""
    equals = word.find("=")
    if equals <= 0:
        return False
    name = word[:equals]
    if name.endswith("+"):
        name = name[:-1]
    return (
        (name[0].isalpha() or name[0] == "_")
        and name.replace("_", "a").isalnum()
        and name.isascii()
    )


def _skip_wrapper(values: list[str], index: int, spec: _Wrapper) -> tuple[int, list[int]] | None:
    """Index of the first word after the wrapper's options and operands, and env assignments.

    ``None`` when the wrapper runs no command in this form.
    """
    count = len(values)
    while index < count:
        word = values[index]
        if word == "--":
            index += 1
            break
        if word.startswith("--"):
            name, equals, _ = word[2:].partition("=")
            if name in _NO_COMMAND_LONG:
                return None
            index += 2 if not equals and name in spec.long_args else 1
            continue
        if len(word) < 2 or word[0] != "-":
            if word == "-" and spec.assignments:  # ``env -`` is ``env -i``
                index += 1
                continue
            break
        index += 1
        if spec.numeric and word[1:].isdigit():
            continue
        for position in range(1, len(word)):
            letter = word[position]
            if letter in spec.refuse:
                return None
            if letter in spec.optional_args:
                break
            if letter in spec.short_args:
                if position == len(word) - 1:
                    index += 1  # the value is the next word
                break
    assignments: list[int] = []
    if spec.assignments:
        while index < count and is_assignment(values[index]):
            assignments.append(index)
            index += 1
    return index + spec.positionals, assignments


def strip_wrappers(values: list[str]) -> tuple[int, list[int]]:
    """Index of the effective command in ``values`` (argv) and of ``NAME=value`` words before it.

    ``sudo -E env FOO=1 apt-get install x`` gives ``(4, [3])``.  Wrappers that run no
    command as written (``command -v x``, a bare ``env``) are not stripped.
    """
    index = 0
    assignments: list[int] = []
    count = len(values)
    while index < count:
        name = values[index].rpartition("/")[2]
        spec = WRAPPERS.get(name)
        if spec is None:
            break
        skipped = _skip_wrapper(values, index + 1, spec)
        if skipped is None or skipped[0] >= count:
            break
        index = skipped[0]
        assignments.extend(skipped[1])
    return index, assignments
