"""The open documents: their text and version as the client last sent them.

Changes are applied here, with the server's own line and position rules
(``positions``), so diagnostics and edits count lines and columns the same way
as the text they were computed from. Handlers run on the event loop; the lint
worker reads snapshots, so every access holds the store's lock.
"""

from __future__ import annotations

import os
import threading
from urllib.parse import unquote, urlparse

from lintlayers.discovery import is_dockerfile_name
from lintlayers.server.positions import UTF16, apply_change
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

    from lsprotocol import types

DOCKERFILE_LANGUAGES = frozenset(("dockerfile", "containerfile"))


def uri_to_path(uri: str) -> str | None:
    """The local path of a ``file:`` URI, or None for another scheme (``untitled:``)."""
    parsed = urlparse(uri)
    if parsed.scheme != "file":
        return None
    path = unquote(parsed.path)
    if os.name == "nt" and len(path) > 2 and path[0] == "/" and path[2] == ":":
        path = path[1:]
    return os.path.normpath(path)


def is_dockerfile(uri: str, language_id: str | None = None) -> bool:
    """Whether the server lints a document: a Dockerfile name, or a Dockerfile language."""
    if language_id is not None and language_id.lower() in DOCKERFILE_LANGUAGES:
        return True
    path = uri_to_path(uri) or urlparse(uri).path
    return is_dockerfile_name(os.path.basename(path))


class Document:
    """One version of an open document: URI, local path (None when not a file), text,
    the client's version, and the store's own count of changes (``revision``)."""

    __slots__ = ("path", "revision", "text", "uri", "version")

    def __init__(self, uri: str, text: str, version: int | None, revision: int = 0) -> None:
        self.uri = uri
        self.path = uri_to_path(uri)
        self.text = text
        self.version = version
        self.revision = revision


MAX_LOG = 1000
"""Changes remembered per document, to move findings of an older version to a newer one."""


class DocumentStore:
    """The documents the client has open and the server lints."""

    def __init__(self) -> None:
        self._documents: dict[str, Document] = {}
        self._logs: dict[str, list[tuple[int, tuple[int, int, int]]]] = {}
        self._lock = threading.Lock()
        self.encoding: str = UTF16

    def open(self, uri: str, text: str, version: int | None) -> None:
        with self._lock:
            self._documents[uri] = Document(uri, text, version)
            self._logs[uri] = []

    def change(
        self,
        uri: str,
        version: int | None,
        changes: Sequence[types.TextDocumentContentChangeEvent],
    ) -> bool:
        """Apply the changes in order; False when the document is not open here."""
        with self._lock:
            document = self._documents.get(uri)
            if document is None:
                return False
            text = document.text
            revision = document.revision
            log = self._logs.setdefault(uri, [])
            for change in changes:
                text, edit = apply_change(text, change, self.encoding)
                revision += 1
                log.append((revision, edit))
            del log[:-MAX_LOG]
            self._documents[uri] = Document(uri, text, version, revision)
            return True

    def edits_between(
        self, uri: str, old: Document, new: Document
    ) -> list[tuple[int, int, int]] | None:
        """The changes from ``old`` to ``new`` (two versions of one document), or None
        when they are no longer known."""
        with self._lock:
            log = self._logs.get(uri, [])
            edits = [edit for revision, edit in log if old.revision < revision <= new.revision]
        if len(edits) != new.revision - old.revision:
            return None
        return edits

    def close(self, uri: str) -> None:
        with self._lock:
            self._documents.pop(uri, None)
            self._logs.pop(uri, None)

    def get(self, uri: str) -> Document | None:
        """The document as it is now (never changed in place: a snapshot)."""
        with self._lock:
            return self._documents.get(uri)

    def uris(self) -> list[str]:
        with self._lock:
            return list(self._documents)
