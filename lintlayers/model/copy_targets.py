"""Where a COPY/ADD puts each of its sources: the one answer of every model that asks.

BuildKit copies a source that is a directory as its contents into the destination,
and a file as the file: into the destination when that is a directory (it ends with
``/``, is ``.``, several sources are given, or it exists already: a standard directory,
the working directory or one above it), else as the destination itself. A
Git repository lands as a directory's contents; so does a local tar archive ADD
unpacks; a URL that ADD downloads is a file named by the URL's path. With
``--parents`` a source keeps its path below the destination: the model says only
that it lands somewhere in the destination.

Whether a local source is a file or a directory: with the build context at hand
(and no ``--from``), the context says; otherwise the one name guess of
``model.file_names`` (``is_local_file``). The reorder engine and the size rules read
``copy_targets``; the install model behind LL101 asks ``is_local_file``.
"""

from __future__ import annotations

from lintlayers.model.copy_args import ADD_ARCHIVE_SUFFIXES, GIT, HEREDOC, URL
from lintlayers.model.paths import expand_known, has_glob, join
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from lintlayers.model.copy_args import CopySource
    from lintlayers.model.steps import Step


class CopyTarget:
    """Where one source of a COPY/ADD lands.

    ``value`` is the source with the known variables expanded; ``path`` the absolute
    path it writes (its last part may be a glob: ``/app/*.json``); ``tree`` says a
    directory's contents (or a repository's, or an unpacked archive's) land in
    ``path``, so it stands for everything below; ``destination`` is the resolved
    destination of the whole instruction.
    """

    __slots__ = ("destination", "path", "source", "tree", "value")

    def __init__(
        self, source: CopySource, value: str, path: str, tree: bool, destination: str
    ) -> None:
        self.source = source
        self.value = value
        self.path = path
        self.tree = tree
        self.destination = destination

    def __repr__(self) -> str:
        return f"CopyTarget({self.value!r} -> {self.path!r}{', tree' if self.tree else ''})"


def copy_targets(step: Step, context_dir: str | None = None) -> list[CopyTarget]:
    """Where each source of a COPY/ADD step lands (``[]`` without a destination).

    ``context_dir`` is the build context, when known: it settles whether a local
    source of the context is a file or a directory.
    """
    parsed = step.copy_args
    if parsed.destination is None:
        return []
    raw_destination = expand_known(parsed.destination.value, step.env)
    destination = join(step.workdir, raw_destination)
    into = (
        raw_destination.endswith("/")
        or raw_destination == "."
        or len(parsed.sources) > 1
        or existing_directory(destination, step.workdir)
    )
    lookup = context_dir if parsed.from_stage is None else None
    found: list[CopyTarget] = []
    for source in parsed.sources:
        value = expand_known(source.value, step.env)
        name = landing_name(source, value)
        file = not parsed.parents and is_file_source(step.keyword, source, value, name, lookup)
        path = join(destination, name) if file and into and name else destination
        found.append(CopyTarget(source, value, path, not file, destination))
    return found


def existing_directory(destination: str, workdir: str) -> bool:
    """Whether a COPY's ``destination`` surely is a directory already: a standard one, the
    working directory or one above it (``model.directories``). BuildKit puts a file
    copied onto an existing directory inside it (``COPY app.py /srv``: ``/srv/app.py``)."""
    from lintlayers.model.directories import is_known_directory, with_parents

    return is_known_directory(destination, with_parents(workdir))


def landing_name(source: CopySource, value: str) -> str:
    """The name a source has when it lands as a file: a heredoc's marker word, a URL's
    last path part (query dropped), a local path's last part (``""`` for ``/``)."""
    if source.kind == HEREDOC:
        return source.heredoc_name
    if source.kind in (URL, GIT):
        from lintlayers.model.command_writes import url_basename

        return url_basename(value)
    return value.rstrip("/").rpartition("/")[2]


def is_file_source(
    keyword: str, source: CopySource, value: str, name: str, context_dir: str | None
) -> bool:
    """Whether a COPY/ADD source lands as one file (see the module doc)."""
    if source.kind == HEREDOC:
        return True
    if source.kind == GIT:
        return False
    if source.kind == URL:
        return True
    if keyword == "ADD" and name.lower().endswith(ADD_ARCHIVE_SUFFIXES):
        return False  # a local archive is unpacked into the destination
    return is_local_file(value, context_dir)


def is_local_file(value: str, context_dir: str | None) -> bool:
    """Whether the build-context path ``value`` is a file, not a directory.

    A trailing ``/``, the context itself (``.``) and a name with ``..`` are directories;
    otherwise the context says, when at hand (a path that cannot climb out of it, as
    BuildKit resolves ``../x`` to ``x``), else the name guess of ``model.file_names``.
    Every source counts alone: BuildKit copies ``COPY src app.py ./`` as a directory
    and a file, and names no source after the destination.
    """
    name = value.rstrip("/").rpartition("/")[2]
    if value.endswith("/") or not name or name in (".", ".."):
        return False
    if context_dir is not None and not has_glob(value) and "$" not in value:
        is_directory = _context_is_directory(context_dir, value)
        if is_directory is not None:
            return not is_directory
    from lintlayers.model.file_names import looks_like_file

    return looks_like_file(name)


def _context_is_directory(context_dir: str, value: str) -> bool | None:
    """Whether the context path ``value`` is a directory (a link to one counts, as
    BuildKit follows a source's link); ``None`` when the context has no such path."""
    import os
    import posixpath

    inside = posixpath.normpath("/" + value).lstrip("/")
    full = os.path.join(context_dir, inside)
    if not os.path.lexists(full):
        return None
    return os.path.isdir(full)
