"""Shell scripts (RUN bodies) parsed with tree-sitter-bash into simple commands."""

from __future__ import annotations

import sys

from lintlayers.shell.words import ShellWord, decode_nodes, join_parts, part_spans, shell_word
from lintlayers.shell.wrappers import WRAPPERS, strip_wrappers
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Sequence

    from tree_sitter import Node, Parser

__all__ = ["ShellScript", "ShellWord", "SimpleCommand", "parse_shell"]

SHELLS = frozenset({"sh", "bash", "dash", "ash", "zsh", "ksh", "mksh", "busybox-sh"})
"""Shells whose ``-c`` string is parsed as a nested script."""

_MAX_SHELL_DEPTH = 8
_SHARED_LENGTH = 16  # plain words up to this long and without a digit are interned
_DIGITS = frozenset("0123456789")
"""A word with a digit is most often its line's own (a version, a numbered name): interned,
it would only grow the table of interned strings (8 MB at 200,000 lines)."""
_REDIRECTS = frozenset({"file_redirect", "heredoc_redirect", "herestring_redirect"})
_STATEMENT_LIKE = frozenset({"command", "declaration_command", "unset_command"})
_ASSIGNMENT_BODIES = frozenset({"variable_assignment", "variable_assignments"})
_NOT_WORDS = frozenset({"comment", "ERROR"})
_SUBSHELLS = frozenset({"subshell", "command_substitution", "process_substitution"})
"""Nodes whose commands run in a shell of their own: a ``cd`` or ``export`` there ends
with them."""
_PASS_REDIRECTS = frozenset({"list", "pipeline"})  # redirects after these go to the last part

_PLAIN = frozenset("\\'\"$`*?[{~(")  # a word without these is its own value
_DOUBLE_PLAIN = frozenset("\\$`")  # a "..." word without these is its content

_NONE: list[Node] = []  # no redirects (never mutated)
_EMPTY: list = []
"""The shared empty list of commands without assignments, redirects or wrappers (never
mutated): a large file has a command or two a line."""

_parser: Parser | None = None


class SimpleCommand:
    """One simple command such as ``apt-get install -y curl``.

    ``words`` is the argv (command name first); ``NAME=value`` prefixes are in
    ``assignments``, redirect targets in ``redirects`` (operators in ``redirect_ops``).
    Offsets index the parsed script; inside a ``sh -c`` string (``shell_depth`` > 0)
    they point into the quoted string of the outer script and each word's ``raw`` is that
    outer text, escapes of the outer quoting included (``script[w.start:w.end] == w.raw``
    always holds), while ``value`` is what the inner shell sees.  ``start``/``end`` cover
    the whole command with its prefix assignments and redirects (a heredoc up to its
    delimiter word, not its body).
    """

    __slots__ = ("_rare", "end", "name", "start", "words")

    def __init__(
        self,
        words: tuple[ShellWord, ...],
        assignments: list[ShellWord],
        redirects: list[ShellWord],
        redirect_ops: list[str],
        start: int,
        end: int,
        shell_depth: int = 0,
    ) -> None:
        self.words = words
        self.start = start
        self.end = end
        self.name = words[0].value.rpartition("/")[2] if words else ""
        self._rare: _Rare | None = None
        if assignments or redirects or redirect_ops or shell_depth:
            rare = self._more()
            rare.assignments = assignments or _EMPTY
            rare.redirects = redirects or _EMPTY
            rare.redirect_ops = redirect_ops or _EMPTY
            rare.shell_depth = shell_depth

    @property
    def args(self) -> list[str]:
        """The values of the words after the command name: a new list each time, not one
        kept a command (a large file has a command or two a line, a few reads each)."""
        words = self.words
        return [word.value for word in words[1:]] if len(words) > 1 else _EMPTY

    def _more(self) -> _Rare:
        """The fields most commands leave at their defaults, made on the first one set."""
        rare = self._rare
        if rare is None:
            rare = self._rare = _Rare()
        return rare

    @property
    def assignments(self) -> list[ShellWord]:
        """``NAME=value`` words before the command name (and given to ``env``/``sudo``)."""
        rare = self._rare
        return _EMPTY if rare is None else rare.assignments

    @property
    def redirects(self) -> list[ShellWord]:
        """Redirect targets, in order (operators in ``redirect_ops``)."""
        rare = self._rare
        return _EMPTY if rare is None else rare.redirects

    @property
    def redirect_ops(self) -> list[str]:
        rare = self._rare
        return _EMPTY if rare is None else rare.redirect_ops

    @property
    def subshells(self) -> tuple[tuple[int, int], ...]:
        """The spans of the subshells and command substitutions the command runs in,
        outermost first (``(cd x && make)``: a ``cd`` there ends with them)."""
        rare = self._rare
        return () if rare is None else rare.subshells

    @property
    def shell_depth(self) -> int:
        """How many ``sh -c`` strings the command is inside (0 in the script itself)."""
        rare = self._rare
        return 0 if rare is None else rare.shell_depth

    @property
    def prefix(self) -> tuple[ShellWord, ...]:
        """Wrapper words stripped by ``effective()`` (on the view)."""
        rare = self._rare
        return () if rare is None else rare.prefix

    @prefix.setter
    def prefix(self, words: tuple[ShellWord, ...]) -> None:
        self._more().prefix = words

    @property
    def pipe_prev(self) -> SimpleCommand | None:
        """The command piped into this one."""
        rare = self._rare
        return None if rare is None else rare.pipe_prev

    @pipe_prev.setter
    def pipe_prev(self, command: SimpleCommand | None) -> None:
        self._more().pipe_prev = command

    @property
    def pipe_next(self) -> SimpleCommand | None:
        """The command this one pipes into."""
        rare = self._rare
        return None if rare is None else rare.pipe_next

    @pipe_next.setter
    def pipe_next(self, command: SimpleCommand | None) -> None:
        self._more().pipe_next = command

    @property
    def _effective(self) -> SimpleCommand | None:
        rare = self._rare
        return None if rare is None else rare.effective

    @_effective.setter
    def _effective(self, view: SimpleCommand | None) -> None:
        self._more().effective = view

    def __repr__(self) -> str:
        argv = " ".join(word.raw for word in self.words)
        return f"SimpleCommand({argv!r}, {self.start}:{self.end})"

    @property
    def arg_words(self) -> tuple[ShellWord, ...]:
        """The words after the command name."""
        return self.words[1:]

    def effective(self) -> SimpleCommand:
        """This command without wrappers: ``sudo -E apt-get install x`` -> ``apt-get ...``.

        The view shares offsets, redirects and pipe links with this command; stripped
        words are in its ``prefix`` and ``NAME=value`` words given to ``env``/``sudo`` are
        added to its ``assignments``.  Returns ``self`` when there is no wrapper.
        """
        view = self._effective
        if view is not None:
            return view
        if self.name not in WRAPPERS:
            return self
        index, assignment_indexes = strip_wrappers([word.value for word in self.words])
        if index == 0:
            return self
        words = self.words
        view = SimpleCommand(
            words[index:],
            self.assignments + [words[position] for position in assignment_indexes],
            self.redirects,
            self.redirect_ops,
            self.start,
            self.end,
            self.shell_depth,
        )
        view.prefix = words[:index]
        if self.subshells:
            view._more().subshells = self.subshells
        view.pipe_prev = self.pipe_prev
        view.pipe_next = self.pipe_next
        self._effective = view
        return view

    def has_flag(self, *flags: str) -> bool:
        """Whether an option in ``flags`` is given, as ``-y``, in ``-qy``, or as ``--x=1``.

        Options after ``--`` do not count. Short flags are found in clusters of letters
        and digits only (``-qy``), so ``-oDpkg::Options`` does not contain ``-D``.
        """
        wanted = set(flags)
        for value in self.args:
            if value == "--":
                return False
            if value in wanted:
                return True
            if value.startswith("--"):
                if "=" in value and value.partition("=")[0] in wanted:
                    return True
            elif (
                value.startswith("-")
                and value[1:].isalnum()
                and any("-" + letter in wanted for letter in value[1:])
            ):
                return True
        return False

    def flag_values(self, *flags: str) -> list[str]:
        """Values given to options in ``flags``: ``-o v``, ``-ov``, ``-qo v``, ``--out=v``.

        The caller names options that take a value; a missing trailing value is skipped.
        """
        wanted = set(flags)
        values: list[str] = []
        args = self.args
        index = 0
        while index < len(args):
            value = args[index]
            index += 1
            if value == "--":
                break
            if value in wanted:
                if index < len(args):
                    values.append(args[index])
                    index += 1
            elif value.startswith("--"):
                name, equals, rest = value.partition("=")
                if equals and name in wanted:
                    values.append(rest)
            elif value.startswith("-") and len(value) > 2:
                for position in range(1, len(value)):
                    letter = value[position]
                    if not letter.isalnum():
                        break
                    if "-" + letter in wanted:
                        rest = value[position + 1 :]
                        if rest:
                            values.append(rest)
                        elif index < len(args):
                            values.append(args[index])
                            index += 1
                        break
        return values

    def flag_value(self, *flags: str) -> str | None:
        """The first value of an option in ``flags`` (see ``flag_values``), or ``None``."""
        values = self.flag_values(*flags)
        return values[0] if values else None

    def positional_args(self, options_with_values: Iterable[str] = ()) -> list[str]:
        """Arguments that are not options (``-`` alone and everything after ``--`` are).

        ``options_with_values`` names options whose value is the next word, so
        ``apt-get -o X=1 install`` with ``("-o",)`` gives ``["install"]``.
        """
        takes_value = set(options_with_values)
        result: list[str] = []
        args = self.args
        index = 0
        while index < len(args):
            value = args[index]
            index += 1
            if value == "--":
                result.extend(args[index:])
                break
            if value.startswith("-") and value != "-":
                if value in takes_value:
                    index += 1
                continue
            result.append(value)
        return result

    def word_for(self, value: str) -> ShellWord | None:
        """The first argument word whose value is ``value`` (for offsets in fixes)."""
        for word in self.words[1:]:
            if word.value == value:
                return word
        return None


class _Rare:
    """The fields of a ``SimpleCommand`` that most commands leave at their defaults, in one
    object that most commands lack: a large file has a command or two a line."""

    __slots__ = (
        "assignments",
        "effective",
        "pipe_next",
        "pipe_prev",
        "prefix",
        "redirect_ops",
        "redirects",
        "shell_depth",
        "subshells",
    )

    def __init__(self) -> None:
        self.assignments: list[ShellWord] = _EMPTY
        self.redirects: list[ShellWord] = _EMPTY
        self.redirect_ops: list[str] = _EMPTY
        self.shell_depth = 0
        self.prefix: tuple[ShellWord, ...] = ()
        self.pipe_prev: SimpleCommand | None = None
        self.pipe_next: SimpleCommand | None = None
        self.effective: SimpleCommand | None = None
        self.subshells: tuple[tuple[int, int], ...] = ()


class ShellScript:
    """The simple commands of a script, in source order, and whether it parsed cleanly."""

    __slots__ = ("commands", "has_errors", "text")

    def __init__(self, text: str, commands: tuple[SimpleCommand, ...], has_errors: bool) -> None:
        self.text = text
        self.commands = commands
        self.has_errors = has_errors

    def __iter__(self) -> Iterator[SimpleCommand]:
        return iter(self.commands)

    def __len__(self) -> int:
        return len(self.commands)

    def __repr__(self) -> str:
        return f"ShellScript({self.commands!r}, has_errors={self.has_errors})"

    def find(self, *names: str, effective: bool = True) -> list[SimpleCommand]:
        """Commands named one of ``names``.

        With ``effective`` (the default) wrappers are looked through and the effective
        views are returned: ``find("apt-get")`` finds ``sudo apt-get install``.
        """
        wanted = set(names)
        found: list[SimpleCommand] = []
        for command in self.commands:
            if effective:
                command = command.effective()
            if command.name in wanted:
                found.append(command)
        return found

    @property
    def has_pipes(self) -> bool:
        """Whether any command's output is piped into another command."""
        return any(command.pipe_next is not None for command in self.commands)


def parse_shell(script: str) -> ShellScript:
    """Parse ``script`` into its simple commands; never raises.

    On syntax errors the commands tree-sitter could recover are returned and
    ``has_errors`` is set.
    """
    try:
        return _parse(script, 0)
    except Exception:  # a last resort: a lint run must survive any RUN body
        return ShellScript(script, (), True)


def _get_parser() -> Parser:
    global _parser
    if _parser is None:
        from lintlayers.shell.grammar import bash_parser

        _parser = bash_parser()
    return _parser


def _byte_to_str(script: str) -> Callable[[int], int]:
    """A map from UTF-8 byte offsets of ``script`` to ``str`` offsets."""
    if script.isascii():
        return int
    import re

    table: list[int] = []  # str offset of each byte, plus one for the end
    position = 0
    for match in re.finditer("[^\x00-\x7f]", script):
        index = match.start()
        table.extend(range(position, index))
        code = ord(script[index])
        table.extend([index] * (2 if code < 0x800 else 3 if code < 0x10000 else 4))
        position = index + 1
    table.extend(range(position, len(script) + 1))
    return table.__getitem__


class _Builder:
    """Walks one tree and collects its simple commands."""

    __slots__ = (
        "by_id",
        "commands",
        "depth",
        "has_errors",
        "links",
        "skip",
        "spans",
        "text",
        "to_str",
    )

    def __init__(self, text: str, to_str: Callable[[int], int], depth: int) -> None:
        self.text = text
        self.to_str = to_str
        self.depth = depth
        self.commands: list[SimpleCommand] = []
        self.by_id: dict[int, SimpleCommand] = {}
        self.links: list[tuple[int, int]] = []  # (id of piping node, id of piped-into node)
        self.skip: set[int] = set()  # ids of nodes already parsed as a ``sh -c`` script
        self.spans: list[tuple[int, int]] = []  # subshells and command substitutions
        self.has_errors = False

    def word(self, nodes: list[Node]) -> ShellWord:
        to_str = self.to_str
        start = to_str(nodes[0].start_byte)
        end = to_str(nodes[-1].end_byte)
        raw = self.text[start:end]
        if _PLAIN.isdisjoint(raw):  # nothing to unquote or expand
            if len(raw) <= _SHARED_LENGTH and _DIGITS.isdisjoint(raw):
                raw = sys.intern(raw)  # ``apt-get``, ``-y``: one string for all lines
            return ShellWord(raw, start)
        if (
            len(nodes) == 1
            and len(raw) >= 2
            and raw[0] == raw[-1]
            and (raw[0] == "'" or (raw[0] == '"' and _DOUBLE_PLAIN.isdisjoint(raw)))
            and nodes[0].type in ("string", "raw_string")
        ):
            return shell_word(raw, raw[1:-1], start, True)
        parts, literal = decode_nodes(nodes, self.text, to_str)
        return shell_word(raw, join_parts(parts), start, literal)

    def walk(self, root: Node) -> None:
        redirects_of: dict[int, list[Node]] = {}
        stack = [root]
        pop = stack.pop
        push = stack.extend
        skip = self.skip
        while stack:
            node = pop()
            kind = node.type
            if kind == "heredoc_body" or (skip and node.id in skip):
                continue
            if kind in _STATEMENT_LIKE:
                self.command(node, redirects_of.pop(node.id, _NONE))
                for child in reversed(node.children):
                    if not child.child_count:
                        continue  # a leaf holds no command
                    if child.type == "variable_assignment":
                        push([part for part in reversed(child.children) if part.child_count])
                    else:
                        stack.append(child)
                continue
            if kind in _ASSIGNMENT_BODIES:
                self.command(node, redirects_of.pop(node.id, _NONE))
                children = [node] if kind == "variable_assignment" else node.children
                for child in reversed(children):
                    push([part for part in reversed(child.children) if part.child_count])
                continue
            if kind == "redirected_statement":
                self.redirected(node, redirects_of)
            elif kind == "pipeline":
                self.pipeline(node)
            elif kind in _SUBSHELLS:
                self.spans.append((self.to_str(node.start_byte), self.to_str(node.end_byte)))
            push([child for child in reversed(node.children) if child.child_count])

    def redirected(self, node: Node, redirects_of: dict[int, list[Node]]) -> None:
        """Give the redirects of ``cmd > f`` to ``cmd``.

        tree-sitter-bash hangs redirects written after ``a && b`` or ``a | b`` on the whole
        list or pipeline; the shell gives them to the last command, and so do we.
        """
        redirects = node.children_by_field_name("redirect") + redirects_of.pop(node.id, _NONE)
        body = node.child_by_field_name("body")
        if body is None:
            self.command(node, redirects)  # redirects only: ``> file``
            return
        while body.type in _PASS_REDIRECTS:
            elements = [child for child in body.named_children if child.type != "comment"]
            if not elements:
                return
            body = elements[-1]
        kind = body.type
        if kind == "redirected_statement" or kind in _STATEMENT_LIKE or kind in _ASSIGNMENT_BODIES:
            redirects_of[body.id] = redirects
        else:
            return  # ``(a; b) > f``, ``while ...; done < f``: not one simple command
        for redirect in redirects:  # ``cat <<EOF | sh``: the pipe hides in the heredoc
            if redirect.type == "heredoc_redirect":
                for child in redirect.named_children:
                    if child.type == "pipeline" and child.named_child_count:
                        target = _piped_node(child.named_children[0])
                        if target is not None:
                            self.links.append(((_piped_node(body) or body).id, target.id))

    def pipeline(self, node: Node) -> None:
        previous: Node | None = None
        for element in node.named_children:
            current = _piped_node(element)
            if previous is not None and current is not None:
                self.links.append((previous.id, current.id))
            previous = current

    def command(self, node: Node, outer_redirects: Sequence[Node]) -> None:
        """Build the simple command of ``node`` plus redirects written after it."""
        kind = node.type
        if kind == "redirected_statement":  # redirects only: ``> file``
            children = []
        elif kind == "variable_assignment":
            children = [node]
        else:
            children = node.children
        if outer_redirects:
            children = [*children, *outer_redirects]
        declaration = kind == "declaration_command" or kind == "unset_command"
        groups: list[list[Node]] = []  # adjacent nodes forming one word
        assignments: list[ShellWord] = []
        redirects: list[ShellWord] = []
        redirect_ops: list[str] = []
        end = self.to_str(node.end_byte)
        last_end = -1  # byte end of the previous word node, -1 after anything else
        for child in children:
            child_kind = child.type
            if child_kind in _REDIRECTS:
                end = max(end, self.redirect(child, groups, redirects, redirect_ops))
                last_end = -1
            elif child_kind == "variable_assignment" and not declaration:
                assignments.append(self.word([child]))
                last_end = -1
            elif child_kind in _NOT_WORDS or child.start_byte == child.end_byte:
                last_end = -1  # zero width: a MISSING node of error recovery
            else:
                if child.start_byte == last_end:
                    groups[-1].append(child)  # ``a$"b"`` may come in pieces
                else:
                    groups.append([child])
                last_end = child.end_byte
        command = SimpleCommand(
            tuple([self.word(group) for group in groups]),
            assignments or _EMPTY,
            redirects or _EMPTY,
            redirect_ops or _EMPTY,
            self.to_str(node.start_byte),
            end,
            self.depth,
        )
        self.commands.append(command)
        self.by_id[node.id] = command
        if command.name in SHELLS or command.name in WRAPPERS:
            self.nested_shell(command, groups)

    def redirect(
        self,
        node: Node,
        groups: list[list[Node]],
        redirects: list[ShellWord],
        redirect_ops: list[str],
    ) -> int:
        """Record one redirect's operator and target; return where it ends.

        A heredoc ends at its delimiter word (its body is data, not part of the command).
        """
        to_str = self.to_str
        start = to_str(node.start_byte)
        kind = node.type
        if kind == "heredoc_redirect":
            end = start
            for child in node.children:
                child_kind = child.type
                if child_kind == "heredoc_start":
                    target = self.word([child])
                    value = target.value.replace("'", "").replace('"', "")
                    target = shell_word(target.raw, value, target.start, True)
                    redirects.append(target)
                    redirect_ops.append(self.text[start : target.start].strip())
                    end = max(end, target.end)
                elif child_kind in _REDIRECTS:
                    end = max(end, self.redirect(child, groups, redirects, redirect_ops))
            return end
        if kind == "file_redirect":
            targets = node.children_by_field_name("destination")
        else:
            targets = node.named_children
        if not targets:
            return to_str(node.end_byte)
        target = self.word([targets[0]])
        redirects.append(target)
        redirect_ops.append(self.text[start : target.start].strip())
        for extra in targets[1:]:  # ``cmd >f arg``: tree-sitter files ``arg`` here
            groups.append([extra])
        return to_str(targets[-1].end_byte)

    def nested_shell(self, command: SimpleCommand, groups: list[list[Node]]) -> None:
        """Parse the string of ``sh -c '...'`` as a script of its own."""
        if self.depth >= _MAX_SHELL_DEPTH:
            return
        view = command.effective()
        if view.name not in SHELLS:
            return
        index = _dash_c_script(view.args)
        if index is None:
            return
        group = groups[len(command.words) - len(view.words) + 1 + index]
        parts, _ = decode_nodes(group, self.text, self.to_str)
        starts, ends = part_spans(parts)
        if not starts:
            return
        inner = _parse(join_parts(parts), self.depth + 1)
        self.has_errors = self.has_errors or inner.has_errors
        text = self.text
        self.spans.append((command.start, command.end))  # ``sh -c``: a shell of its own
        for nested in inner.commands:
            for span in nested.subshells:  # the outer sweep gives them back, mapped
                self.spans.append(_map_span(starts, ends, *span))
            if nested.subshells:
                nested._more().subshells = ()
            nested.start, nested.end = _map_span(starts, ends, nested.start, nested.end)
            if nested._effective is not None:  # a view made early shares words, not offsets
                nested._effective.start, nested._effective.end = nested.start, nested.end
            for word in (*nested.words, *nested.assignments, *nested.redirects):
                start, end = _map_span(starts, ends, word.start, word.end)
                word.start = start
                word.raw = text[start:end]
        self.commands.extend(inner.commands)
        self.skip.update(part.id for part in group)

    def link_pipes(self) -> None:
        by_id = self.by_id
        for source_id, target_id in self.links:
            source = by_id.get(source_id)
            target = by_id.get(target_id)
            if source is not None and target is not None:
                source.pipe_next = target
                target.pipe_prev = source
                for command in (source, target):
                    view = command._effective
                    if view is not None:
                        view.pipe_prev, view.pipe_next = command.pipe_prev, command.pipe_next


def _piped_node(element: Node) -> Node | None:
    """The node of the simple command at one end of a pipe, if the element is one."""
    if element.type == "redirected_statement":
        body = element.child_by_field_name("body")
        return body if body is not None and body.type in _STATEMENT_LIKE else None
    return element if element.type in _STATEMENT_LIKE else None


def _dash_c_script(args: list[str]) -> int | None:
    """Index in ``args`` of the script string of ``sh [options] -c SCRIPT``."""
    seen_c = False
    index = 0
    while index < len(args):
        value = args[index]
        if value == "--":
            index += 1
            break
        if len(value) > 1 and value[0] in "-+" and not value.startswith("--"):
            if "c" in value:
                seen_c = True
            index += 2 if value.endswith("o") else 1  # ``-o pipefail``
            continue
        if value.startswith("--"):
            index += 1
            continue
        break
    return index if seen_c and index < len(args) else None


def _mark_subshells(commands: list[SimpleCommand], spans: list[tuple[int, int]]) -> None:
    """Give each command the subshell spans it lies in (one sweep in source order)."""
    spans = sorted(set(spans), key=lambda span: (span[0], -span[1]))
    open_spans: list[tuple[int, int]] = []
    following = 0
    for command in sorted(commands, key=lambda item: item.start):
        start = command.start
        while open_spans and open_spans[-1][1] <= start:
            open_spans.pop()
        while following < len(spans) and spans[following][0] <= start:
            if start < spans[following][1]:
                while open_spans and open_spans[-1][1] <= spans[following][0]:
                    open_spans.pop()
                open_spans.append(spans[following])
            following += 1
        if open_spans:
            inside = tuple(open_spans)
            command._more().subshells = inside
            view = command._effective
            if view is not None:
                view._more().subshells = inside


def _map_span(starts: list[int], ends: list[int], start: int, end: int) -> tuple[int, int]:
    """Map a span of a decoded ``-c`` string to offsets in the outer script."""
    count = len(starts)
    mapped_start = starts[start] if start < count else ends[-1]
    if end <= start:
        return mapped_start, mapped_start
    return mapped_start, ends[min(end, count) - 1]


def _parse(script: str, depth: int) -> ShellScript:
    data = script.encode("utf-8", "surrogatepass")
    tree = _get_parser().parse(data)
    root = tree.root_node
    builder = _Builder(script, _byte_to_str(script), depth)
    builder.walk(root)
    builder.link_pipes()
    if builder.spans:
        _mark_subshells(builder.commands, builder.spans)
    return ShellScript(script, tuple(builder.commands), root.has_error or builder.has_errors)
