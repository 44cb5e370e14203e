"""The one parse of COPY/ADD arguments: sources, destination, flags, heredocs, exec form.

``copy_args(instruction)`` reads a COPY or ADD once and answers everything the
models and rules ask of its arguments:

- ``sources``: every source as written, in order, each with its file range
  (``start``/``end``; in the exec form the range of the JSON string without its
  quotes, or of the whole arguments when it cannot be found) and its ``kind``:
  ``local`` (a build-context path, or a path in the ``--from`` stage/image),
  ``url`` (``ADD https://...``), ``git`` (``ADD git@...`` or a ``.git`` URL) or
  ``heredoc`` (``COPY <<EOF /dest``; ``heredoc`` holds the body);
- ``destination``: the last argument (``None`` when there are fewer than two
  arguments and no heredoc source);
- the flags: ``from_stage`` (``--from``), ``link``, ``parents``, ``excludes``
  (``--exclude``, repeatable), ``chown``, ``chmod``, ``checksum``,
  ``keep_git_dir``; boolean flags follow BuildKit (``--link=false`` is off);
- ``exec_form``: the JSON array form (``COPY ["a", "b", "/d/"]``).

Values are as written: variables are expanded by the caller with the scope the
instruction sees (``expanded``), because the same instruction may run in several
scopes (ONBUILD). The parse depends on the instruction alone.
"""

from __future__ import annotations

from lintlayers.model.paths import expand_known
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from lintlayers.syntax.nodes import Heredoc, Instruction

LOCAL = "local"
URL = "url"
GIT = "git"
HEREDOC = "heredoc"

ADD_ARCHIVE_SUFFIXES = (
    ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz", ".tar.zst"
)  # fmt: skip
"""Names of local tar archives that ADD unpacks into its destination."""

_FALSE = frozenset({"false", "0", "no", "off"})


_URL_PREFIXES = ("http://", "https://")
_GIT_PREFIXES = ("git@", "git://", "ssh://")


def source_kind(value: str) -> str:
    """``url``, ``git`` or ``local`` for a source as BuildKit reads it (heredocs are told
    by the parse): only ``http(s)://`` is a URL, and one ending in ``.git`` is a repository."""
    lowered = value.lower()
    if lowered.startswith(_GIT_PREFIXES):
        return GIT
    if lowered.startswith(_URL_PREFIXES):
        base = value.split("#", 1)[0].split("?", 1)[0].rstrip("/")
        return GIT if base.endswith(".git") else URL
    return LOCAL


class CopySource:
    """One argument of a COPY/ADD (a source, or the destination) with its file range."""

    __slots__ = ("end", "heredoc", "kind", "start", "value")

    def __init__(
        self, value: str, start: int, end: int, kind: str, heredoc: Heredoc | None = None
    ) -> None:
        self.value = value
        self.start = start
        self.end = end
        self.kind = kind
        self.heredoc = heredoc

    @property
    def is_remote(self) -> bool:
        """A URL or git source (downloaded, not taken from the context)."""
        return self.kind in (URL, GIT)

    @property
    def heredoc_name(self) -> str:
        """The file name a heredoc source creates (its marker word), else ``""``."""
        return self.heredoc.name if self.heredoc is not None else ""

    def __repr__(self) -> str:
        return f"CopySource({self.value!r}, {self.kind})"


class CopyArgs:
    """The parsed arguments and flags of one COPY or ADD instruction."""

    __slots__ = (
        "checksum",
        "chmod",
        "chown",
        "destination",
        "excludes",
        "exec_form",
        "from_stage",
        "keep_git_dir",
        "keyword",
        "link",
        "parents",
        "sources",
    )

    def __init__(self, instruction: Instruction) -> None:
        self.keyword = instruction.keyword
        self.exec_form = instruction.json_args is not None
        arguments = _arguments(instruction)
        if len(arguments) >= 2 or (arguments and arguments[0].kind == HEREDOC):
            last = arguments[-1]
            if last.kind == HEREDOC:  # ``COPY <<EOF`` with no destination
                self.destination: CopySource | None = None
                self.sources = tuple(arguments)
            else:
                self.destination = CopySource(last.value, last.start, last.end, LOCAL)
                self.sources = tuple(arguments[:-1])
        else:
            self.destination = None
            self.sources = ()
        from_flag = instruction.flag("from")
        self.from_stage = (from_flag.value or "") if from_flag is not None else None
        self.link = _boolean(instruction, "link")
        self.parents = _boolean(instruction, "parents")
        self.keep_git_dir = _boolean(instruction, "keep-git-dir")
        self.excludes = tuple(instruction.flag_values("exclude"))
        self.chown = _value(instruction, "chown")
        self.chmod = _value(instruction, "chmod")
        self.checksum = _value(instruction, "checksum")

    @property
    def values(self) -> list[str]:
        """Sources then destination as written (heredoc sources as their marker word)."""
        found = [source.value for source in self.sources]
        if self.destination is not None:
            found.append(self.destination.value)
        return found

    @property
    def file_sources(self) -> list[CopySource]:
        """Sources that are files (local or remote), heredocs left out."""
        return [source for source in self.sources if source.kind != HEREDOC]

    @property
    def local_sources(self) -> list[CopySource]:
        """Sources taken from the build context (or from the ``--from`` stage/image)."""
        return [source for source in self.sources if source.kind == LOCAL]

    @property
    def heredoc_sources(self) -> list[CopySource]:
        return [source for source in self.sources if source.kind == HEREDOC]

    @property
    def from_context(self) -> bool:
        """Whether the local sources come from the build context (no ``--from``)."""
        return self.from_stage is None

    def expanded(self, env: dict[str, str]) -> tuple[list[str], str | None]:
        """File sources and destination with the variables known in ``env`` expanded."""
        sources = [expand_known(source.value, env) for source in self.file_sources]
        destination = self.destination
        return sources, expand_known(destination.value, env) if destination is not None else None

    def __repr__(self) -> str:
        return f"CopyArgs({self.keyword} {self.values!r})"


def copy_args(instruction: Instruction) -> CopyArgs:
    """The parsed arguments of a COPY/ADD (ONBUILD's wrapped one when given ONBUILD)."""
    return CopyArgs(instruction.effective)


def _arguments(instruction: Instruction) -> list[CopySource]:
    values = instruction.json_args
    if values is not None:
        return _exec_arguments(instruction, values)
    from lintlayers.syntax.parser import read_words

    markers = [(h.marker.start, h.marker.end, h) for h in instruction.heredocs]
    found: list[CopySource] = []
    for word in read_words(instruction):  # its own split, not kept on the instruction
        heredoc = next((h for start, end, h in markers if start <= word.start < end), None)
        if heredoc is not None:
            found.append(CopySource(word.value, word.start, word.end, HEREDOC, heredoc))
        else:
            found.append(CopySource(word.value, word.start, word.end, source_kind(word.value)))
    return found


def _exec_arguments(instruction: Instruction, values: list[str]) -> list[CopySource]:
    """Exec-form arguments with the file range of each string (its quotes excluded)."""
    found: list[CopySource] = []
    arguments = instruction.arguments
    position = 0
    for value in values:
        index = arguments.find(f'"{value}"', position)
        if index < 0:
            start = instruction.arguments_offset(0)
            end = instruction.arguments_end(len(arguments.rstrip()))
        else:
            start = instruction.arguments_offset(index + 1)
            end = instruction.arguments_end(index + 1 + len(value))
            position = index + len(value) + 2
        found.append(CopySource(value, start, end, source_kind(value)))
    return found


def _boolean(instruction: Instruction, name: str) -> bool:
    flag = instruction.flag(name)
    if flag is None:
        return False
    return flag.value is None or flag.value.strip().lower() not in _FALSE


def _value(instruction: Instruction, name: str) -> str | None:
    flag = instruction.flag(name)
    return None if flag is None else flag.value or ""
