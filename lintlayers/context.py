"""What a rule sees of one file: the tree, the stage model, parsed RUN bodies."""

from __future__ import annotations

from lintlayers.model.state import POSIX_SHELLS
from lintlayers.readers import READ_BY
from lintlayers.shell.commands import ShellScript
from lintlayers.syntax.nodes import LogicalLine
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import TypeVar

    from lintlayers.buildcontext.context import BuildContext
    from lintlayers.model.stages import BuildModel
    from lintlayers.shell.commands import SimpleCommand
    from lintlayers.source import SourceText
    from lintlayers.suppression import Suppressions
    from lintlayers.syntax.nodes import Dockerfile, Instruction, Trivia

    Analysis = TypeVar("Analysis")
    Key = TypeVar("Key")


class RuleContext:
    """Shared, lazily computed views of one Dockerfile for all rules.

    Shell bodies are parsed once per RUN and cached, whichever rule asks first.
    """

    __slots__ = (
        "_analyses",
        "_build_context",
        "_build_contexts",
        "_model",
        "_recent",
        "_scripts",
        "builder",
        "context_dir",
        "dockerfile",
        "enabled",
        "path",
        "suppressions",
    )

    def __init__(
        self,
        dockerfile: Dockerfile,
        *,
        builder: str = "buildkit",
        context_dir: str | None = None,
        path: str | None = None,
        build_contexts: Callable[[str, str | None], BuildContext] | None = None,
    ) -> None:
        self.dockerfile = dockerfile
        self.builder = builder
        self.context_dir = context_dir
        self.path = path
        self._model: BuildModel | None = None
        self._build_context: BuildContext | bool | None = False  # False: not looked at yet
        self._build_contexts = build_contexts
        self._scripts: dict[Instruction, tuple[RunScript, ...]] = {}
        """Keyed by the instruction itself (compared by identity): an ``id`` key is an
        int object of its own for each RUN of the file."""
        self._analyses: dict[object, object] = {}
        self._recent: dict[object, tuple[object, object]] = {}
        self.enabled: frozenset[str] | None = None  # set by the engine; None: every rule
        self.suppressions: Suppressions | None = None  # the file's comments, set by the engine

    def is_enabled(self, code: str) -> bool:
        """Whether rule ``code`` runs on this file (selected, and for this builder).

        A rule whose fix would make a move another rule also sees asks this, to leave
        the move to that rule only when it runs. Without an engine (``enabled`` None)
        every rule counts as running."""
        return self.enabled is None or code in self.enabled

    def reports(self, code: str, line: int) -> bool:
        """Whether rule ``code`` runs on this file and a finding of it on ``line`` would
        be reported (no comment suppresses it there): what a rule that leaves a problem to
        another's finding asks."""
        if not self.is_enabled(code):
            return False
        return self.suppressions is None or not self.suppressions.would_suppress(code, line)

    def analysis(self, compute: Callable[[RuleContext], Analysis]) -> Analysis:
        """``compute(self)``, computed once per file and shared by every rule and analysis.

        The one memo of per-file results: model modules expose a function of the
        context and reach it through here, so nothing is kept between files."""
        try:
            return self._analyses[compute]  # type: ignore[return-value]
        except KeyError:
            value = compute(self)
            self._analyses[compute] = value
            return value

    def recent(self, compute: Callable[[Key], Analysis], key: Key) -> Analysis:
        """``compute(key)``, kept until asked with another key: what the rules ask again
        and again about the RUN they look at (a map of every RUN's would keep one a RUN
        until the file is done: tens of MB in a large file)."""
        held = self._recent.get(compute)
        if held is not None and held[0] == key:
            return held[1]  # type: ignore[return-value]
        value = compute(key)
        self._recent[compute] = (key, value)
        return value

    def drop_unread(self, later: frozenset[str]) -> None:
        """Drop the analyses no rule in ``later`` (the codes of the rules still to run on
        the file) reads, by their ``read_by`` marks."""
        analyses = self._analyses
        for compute in [compute for compute in analyses if compute in READ_BY]:
            codes, release = READ_BY[compute]
            if codes.isdisjoint(later):
                value = analyses.pop(compute)
                if release is not None:
                    release(value)

    def node_index(self, node: Instruction | Trivia) -> int | None:
        """Index of ``node`` in ``dockerfile.nodes`` (None for another object)."""
        from lintlayers.syntax.layout import find_node

        return find_node(self.dockerfile.nodes, node)

    def instruction_index(self, instruction: Instruction) -> int | None:
        """Index of ``instruction`` in ``dockerfile.instructions`` (None for an ONBUILD
        trigger or another object)."""
        from lintlayers.syntax.layout import find_node

        return find_node(self.dockerfile.instructions, instruction)

    @property
    def source(self) -> SourceText:
        return self.dockerfile.source

    @property
    def build_context(self) -> BuildContext | None:
        """The build context folder (``.dockerignore`` applied), walked at most once
        per lint and shared by every rule; None when there is no context folder.

        ``build_contexts`` (the language server's cache) gives the context of a
        ``(root, Dockerfile path)`` already walked, so typing does not re-walk it."""
        if self._build_context is False:
            import os

            found = None
            root = self.context_dir
            if root is not None and os.path.isdir(root):
                from lintlayers.buildcontext.context import BuildContext

                path = self.path if self.path and os.path.isfile(self.path) else None
                found = (self._build_contexts or BuildContext)(root, path)
            self._build_context = found
        return self._build_context  # type: ignore[return-value]

    @property
    def template(self) -> str | None:
        """What kind of template the file is (``"a Jinja template"``), or None for a
        Dockerfile (``lintlayers.syntax.templates``)."""
        return self.analysis(_template_of)

    @property
    def model(self) -> BuildModel:
        if self._model is None:
            from lintlayers.model.stages import build_model

            self._model = build_model(self.dockerfile)
        return self._model

    def instructions(self, keyword: str | None = None) -> list[Instruction]:
        """Effective instructions (ONBUILD's wrapped one in place of ONBUILD)."""
        found = [instruction.effective for instruction in self.dockerfile.instructions]
        if keyword is None:
            return found
        return [instruction for instruction in found if instruction.keyword == keyword]

    def scripts(self, instruction: Instruction) -> tuple[RunScript, ...]:
        """Parsed shell of a RUN: its shell-form text and heredoc bodies run by a shell.

        Offsets in each script map back to the file with ``RunScript.file_offset``.
        """
        cached = self._scripts.get(instruction)
        if cached is None:
            cached = _parse_run(instruction, self.dockerfile.source)
            self._scripts[instruction] = cached
        return cached

    def commands(self, instruction: Instruction) -> list[SimpleCommand]:
        """Every simple command a RUN executes, in order."""
        return [command for script in self.scripts(instruction) for command in script.commands]


def _template_of(context: RuleContext) -> str | None:
    from lintlayers.syntax.templates import template_kind

    return template_kind(context.path, context.dockerfile)


class RunScript(ShellScript):
    """A parsed shell script of a RUN and the map from its offsets to the file.

    It is the parsed ``ShellScript`` itself, with the map: one object a RUN, not two. The
    map is the RUN itself for its shell form (``Instruction.arguments_offset``), which
    makes its ``logical`` line when asked, or the ``LogicalLine`` of a heredoc body."""

    __slots__ = ("_base", "_logical")

    def __init__(
        self, script: ShellScript, logical: LogicalLine | Instruction, base: int = 0
    ) -> None:
        super().__init__(script.text, script.commands, script.has_errors)
        self._logical = logical
        self._base = base

    def file_offset(self, index: int) -> int:
        """File offset of ``script[index]``."""
        where = self._logical
        if isinstance(where, LogicalLine):
            return where.file_offset(self._base + index)
        return where.arguments_offset(index)

    def file_end(self, index: int) -> int:
        """File offset just past ``script[index - 1]`` (for range ends)."""
        where = self._logical
        if isinstance(where, LogicalLine):
            return where.file_end(self._base + index)
        return where.arguments_end(index)


def _parse_run(instruction: Instruction, source: SourceText) -> tuple[RunScript, ...]:
    """A tuple: one block of the exact size, where a list is two (one a RUN)."""
    from lintlayers.shell.commands import parse_shell

    if instruction.keyword != "RUN" or instruction.is_json:
        return ()
    first = RunScript(parse_shell(instruction.arguments), instruction)
    if not instruction.heredocs:
        return (first,)
    scripts = [first]
    markers = [(heredoc.marker.start, heredoc.marker.end) for heredoc in instruction.heredocs]
    words = [
        word.value
        for word in instruction.words
        if not any(start <= word.start < end for start, end in markers)
    ]
    for heredoc in instruction.heredocs:
        if _heredoc_is_shell(heredoc.content, words, heredoc.fd):
            body_map = _heredoc_map(source, heredoc.body_start, heredoc.body_end)
            scripts.append(RunScript(parse_shell(heredoc.content), body_map, 0))
    return tuple(scripts)


def _heredoc_map(source: SourceText, start: int, end: int) -> LogicalLine:
    """Map a heredoc's content (lines joined with ``\\n``) back to the file."""
    text = source.text
    pieces: list[tuple[str, int]] = []
    position = start
    while position < end:
        newline = text.find("\n", position, end)
        line_end = end if newline == -1 else newline
        content_end = (
            line_end - 1 if line_end > position and text[line_end - 1] == "\r" else line_end
        )
        pieces.append((text[position:content_end], position))
        pieces.append(("\n", line_end if newline != -1 else max(line_end - 1, position)))
        position = line_end + 1
    return LogicalLine.of(pieces)


def _heredoc_is_shell(content: str, words: list[str], fd: int | None) -> bool:
    """True when a RUN heredoc body is executed by a shell."""
    if not words:  # ``RUN <<EOF``: the body is the script, unless it has another shebang
        if content.startswith("#!"):
            interpreter = content[2:].split("\n", 1)[0].strip().split()
            names = [part.rsplit("/", 1)[-1] for part in interpreter]
            return bool(names) and (names[-1] in POSIX_SHELLS or names[0] in POSIX_SHELLS)
        return True
    name = words[0].rsplit("/", 1)[-1]
    return name in POSIX_SHELLS and fd in (None, 0)
