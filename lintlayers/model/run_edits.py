"""Fixes that edit a RUN in its own style: append a command, remove one, add a flag."""

from __future__ import annotations

from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from lintlayers.diagnostics import Edit
    from lintlayers.model.run_effects import RunEffects
    from lintlayers.shell.commands import ShellWord


def append_after(effects: RunEffects, index: int, text: str) -> Edit | None:
    """An edit adding ``&& text`` right after command ``index``, on a continuation line.

    The new line copies the RUN's style: ``\\`` continuations with the escape
    character in force, the indentation and leading or trailing ``&&`` of its
    other lines, and its line endings. ``None`` unless the command is in the
    shell-form text (no heredocs, not inside ``sh -c``) and is followed by
    ``&&``, ``;`` or the end of the script, so the addition keeps the meaning, and
    ``None`` when the script does not parse (after an unterminated quote the addition
    would be part of the string, and the fix would be offered again forever).
    """
    from lintlayers.diagnostics import Edit

    if not effects.in_shell_text(index) or effects.scripts[index].has_errors:
        return None
    command = effects.commands[index]
    script_text = effects.scripts[index].text
    following = script_text[command.end :].lstrip(" \t")
    if following and not following.startswith(("&&", ";", "\n")):
        return None
    if following.startswith(";;"):
        return None
    run = effects.instruction
    source = effects.source
    offset = effects.scripts[index].file_end(command.end)
    escape = effects.escape
    first_line = source.location(run.start).line  # ONBUILD's inner RUN has no line numbers
    lines = [
        source.line_text(line) for line in range(first_line, source.location(run.end).line + 1)
    ]
    line_of_command = source.location(effects.scripts[index].file_offset(command.start)).line
    newline = "\r\n" if source.text.find("\r\n", run.start, run.end + 2) != -1 else "\n"
    leading_indent = None
    trailing_indent = None
    for number, line in enumerate(lines):
        stripped = line.lstrip(" \t")
        indent = line[: len(line) - len(stripped)]
        if number and stripped.startswith("&&"):
            leading_indent = indent
        elif number and stripped:
            previous = lines[number - 1].rstrip(" \t")
            if previous.endswith("&& " + escape) or previous.endswith("&&" + escape):
                trailing_indent = indent
    if leading_indent is None and trailing_indent is not None:
        return Edit.insert(offset, f" && {escape}{newline}{trailing_indent}{text}")
    if leading_indent is not None:
        indent = leading_indent
    else:
        indent = "    "
        if line_of_command != first_line:
            line = source.line_text(line_of_command)
            indent = line[: len(line) - len(line.lstrip(" \t"))] or "    "
    return Edit.insert(offset, f" {escape}{newline}{indent}&& {text}")


def append_to_run(effects: RunEffects, text: str) -> Edit | None:
    """``append_after`` the last command of the RUN's shell-form text, if it ends the script."""
    last = None
    for index, command in enumerate(effects.commands):
        if effects.in_shell_text(index) and (
            last is None or command.end >= effects.commands[last].end
        ):
            last = index
    if last is None:
        return None
    script_text = effects.scripts[last].text
    if script_text[effects.commands[last].end :].strip(" \t\n"):
        return None
    return append_after(effects, last, text)


def remove_command(effects: RunEffects, index: int) -> Edit | None:
    """An edit deleting command ``index`` with the ``&&``, ``;`` or newline after it.

    ``None`` unless the command is one element of a list (the script's start, ``&&``,
    ``;`` or a newline before it; ``&&``, ``;`` or a newline and another command after
    it) and not inside a ``sh -c`` string, so what remains runs the same other commands.
    """
    from lintlayers.diagnostics import Edit

    command = effects.commands[index]
    if command.shell_depth:
        return None
    script = effects.scripts[index]
    text = script.text
    before = text[: command.start].rstrip(" \t")
    if (before and not before.endswith(("&&", "\n", ";"))) or before.endswith(";;"):
        return None
    position = command.end
    length = len(text)
    while position < length and text[position] in " \t":
        position += 1
    if text.startswith("&&", position):
        position += 2
    elif text.startswith(";", position) and not text.startswith(";;", position):
        position += 1
    elif not text.startswith("\n", position):
        return None
    while position < length and text[position] in " \t\n":
        position += 1
    if position >= length:
        return None  # the last command: what came before would end with an operator
    return Edit(script.file_offset(command.start), script.file_offset(position), "")


def add_flag(effects: RunEffects, index: int, word: ShellWord, flag: str) -> Edit:
    """Insert `` flag`` right after ``word`` of command ``index`` (``apt-get install``
    -> ``apt-get install --no-install-recommends``)."""
    from lintlayers.diagnostics import Edit

    return Edit.insert(effects.word_range(index, word)[1], " " + flag)
