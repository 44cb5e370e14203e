"""The protocol glue: pygls handlers that feed the document store, the lint worker,
code actions and hover, and reload settings when configuration changes."""

from __future__ import annotations

import asyncio
import os

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.protocol.language_server import LanguageServerProtocol, lsp_method

from lintlayers import __version__
from lintlayers.server.actions import FIX_ALL, QUICKFIX, ClientEdits, wanted
from lintlayers.server.documents import DocumentStore, is_dockerfile, uri_to_path
from lintlayers.server.folders import CONFIG_NAMES, SECTION, Folders
from lintlayers.server.linting import DEFERRED, Linting
from lintlayers.server.scheduler import Scheduler
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Generator
    from typing import Any

    from lintlayers.server.documents import Document
    from lintlayers.server.linting import Outcome

WATCHED = ("**/pyproject.toml", "**/.lintlayers.toml", "**/.dockerignore", "**/*.dockerignore")
"""Files whose change can change a lint: configuration, and the build context's ignore
file. Other files of the build context are picked up on save (``didSave``)."""


class _Protocol(LanguageServerProtocol):
    """pygls' protocol, leaving open documents to our own store (``DocumentStore``):
    lines and columns are then counted one way for the text, diagnostics and edits."""

    @lsp_method(types.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(self, params: Any) -> Generator[Any, Any, None]:
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_OPEN)) is not None:
            yield handler, (params,), None

    @lsp_method(types.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params: Any) -> Generator[Any, Any, None]:
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_CHANGE)) is not None:
            yield handler, (params,), None

    @lsp_method(types.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(self, params: Any) -> Generator[Any, Any, None]:
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_CLOSE)) is not None:
            yield handler, (params,), None


class LintlayersServer(LanguageServer):
    """The language server: state shared by the handlers registered in ``create_server``."""

    def __init__(self) -> None:
        super().__init__(
            "lintlayers",
            __version__,
            text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
            protocol_cls=_Protocol,
        )
        self.documents = DocumentStore()
        self.folders = Folders()
        self.linting = Linting(self.documents, self.folders)
        self.scheduler: Scheduler | None = None
        self.loop: asyncio.AbstractEventLoop | None = None
        self.client_edits = ClientEdits(None)
        self.pull_configuration = False

    def schedule(self, uri: str, *, complete: bool = True) -> None:
        """Lint a document on the worker (``complete``: with the deferred rules, else
        without them now and with them when typing pauses); diagnostics follow."""
        if self.scheduler is None:
            self.loop = asyncio.get_running_loop()
            self.scheduler = Scheduler(self._lint_and_publish)
        self.scheduler.request(uri, complete=complete)

    def relint_all(self, *, settings: bool = True) -> None:
        """Settings (or, with ``settings`` False, only files on disk) changed: forget
        every outcome and lint every open document again."""
        if settings:
            self.folders.invalidate()
        else:
            self.folders.build_contexts.invalidate()
        self.linting.forget()
        for uri in self.documents.uris():
            self.schedule(uri)

    def _lint_and_publish(self, uri: str, complete: bool) -> None:
        """On the worker: lint the document's current text, publish on the event loop."""
        from lintlayers.server.diagnostics import publish_params

        document = self.documents.get(uri)
        if document is None:
            return
        outcome = self.linting.lint(document, complete=complete)
        params = publish_params(outcome)
        if self.loop is not None:
            self.loop.call_soon_threadsafe(self._publish, document, params)

    def _publish(self, document: Document, params: types.PublishDiagnosticsParams) -> None:
        """Publish unless the document changed (a newer lint is queued) or closed."""
        if self.documents.get(document.uri) is document:
            self.text_document_publish_diagnostics(params)

    def set_roots(self, params: types.InitializeParams) -> None:
        roots = [uri_to_path(folder.uri) for folder in params.workspace_folders or ()]
        if not roots and params.root_uri:
            roots = [uri_to_path(params.root_uri)]
        elif not roots and params.root_path:
            roots = [params.root_path]
        self.folders.set_roots([root for root in roots if root])

    async def fetch_configuration(self) -> None:
        """Ask the client for the ``lintlayers`` settings, globally and per folder."""
        from pathlib import Path

        roots = self.folders.roots()
        items = [types.ConfigurationItem(section=SECTION)]
        items += [
            types.ConfigurationItem(scope_uri=Path(root).as_uri(), section=SECTION)
            for root in roots
        ]
        try:
            values = await self.workspace_configuration_async(types.ConfigurationParams(items))
        except Exception as error:  # a client that cannot answer keeps the pushed settings
            self.window_log_message(
                types.LogMessageParams(types.MessageType.Warning, f"configuration: {error}")
            )
            return
        for folder, value in zip([None, *roots], values or (), strict=False):
            if value is not None:
                self.folders.set_editor_settings(folder, value)
        self.relint_all()


def create_server() -> LintlayersServer:
    """A server with every handler registered."""
    server = LintlayersServer()

    @server.feature(types.INITIALIZE)
    def initialize(ls: LintlayersServer, params: types.InitializeParams) -> None:
        ls.documents.encoding = ls.workspace.position_encoding or types.PositionEncodingKind.Utf16
        ls.set_roots(params)
        if params.initialization_options is not None:
            ls.folders.set_initial_settings(params.initialization_options)
        ls.client_edits = ClientEdits(params.capabilities)
        workspace = params.capabilities.workspace
        ls.pull_configuration = bool(workspace and workspace.configuration)

    @server.feature(types.INITIALIZED)
    async def initialized(ls: LintlayersServer, params: types.InitializedParams) -> None:
        capabilities = ls.client_capabilities.workspace
        watched = capabilities.did_change_watched_files if capabilities else None
        if watched is not None and watched.dynamic_registration:
            options = types.DidChangeWatchedFilesRegistrationOptions(
                watchers=[types.FileSystemWatcher(glob_pattern=glob) for glob in WATCHED]
            )
            registration = types.Registration(
                id="lintlayers-watched-files",
                method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                register_options=options,
            )
            await ls.client_register_capability_async(types.RegistrationParams([registration]))
        if ls.pull_configuration:
            await ls.fetch_configuration()

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: LintlayersServer, params: types.DidOpenTextDocumentParams) -> None:
        document = params.text_document
        if not is_dockerfile(document.uri, document.language_id):
            return
        ls.documents.open(document.uri, document.text, document.version)
        ls.linting.forget(document.uri)
        ls.schedule(document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: LintlayersServer, params: types.DidChangeTextDocumentParams) -> None:
        document = params.text_document
        if ls.documents.change(document.uri, document.version, params.content_changes):
            ls.schedule(document.uri, complete=False)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE, types.SaveOptions(include_text=False))
    def did_save(ls: LintlayersServer, params: types.DidSaveTextDocumentParams) -> None:
        path = uri_to_path(params.text_document.uri)
        # a configuration file, or any file of a build context: lints may change
        ls.relint_all(settings=path is not None and os.path.basename(path) in CONFIG_NAMES)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: LintlayersServer, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        if ls.documents.get(uri) is None:
            return
        ls.documents.close(uri)
        ls.linting.forget(uri)
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri, []))

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def watched(ls: LintlayersServer, params: types.DidChangeWatchedFilesParams) -> None:
        names = {os.path.basename(uri_to_path(change.uri) or "") for change in params.changes}
        if names:
            ls.relint_all(settings=bool(names & CONFIG_NAMES))

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    async def configuration(
        ls: LintlayersServer, params: types.DidChangeConfigurationParams
    ) -> None:
        settings = params.settings
        if isinstance(settings, dict) and settings:
            ls.folders.push_editor_settings(settings)
            ls.relint_all()
        elif ls.pull_configuration:
            await ls.fetch_configuration()

    @server.feature(types.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS)
    def folders_changed(
        ls: LintlayersServer, params: types.DidChangeWorkspaceFoldersParams
    ) -> None:
        removed = {uri_to_path(folder.uri) for folder in params.event.removed}
        added = {uri_to_path(folder.uri) for folder in params.event.added}
        roots = (set(ls.folders.roots()) - removed) | added
        ls.folders.set_roots([root for root in roots if root])
        ls.relint_all()

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=[QUICKFIX, FIX_ALL]),
    )
    def code_action(
        ls: LintlayersServer, params: types.CodeActionParams
    ) -> list[types.CodeAction] | None:
        from lintlayers.server.actions import code_actions, fix_all_action

        outcome = ls.linting.current(params.text_document.uri)
        if outcome is None:
            return None
        if not outcome.complete and carried_within(outcome, params):
            outcome = ls.linting.lint(outcome.document)  # their fixes need a complete lint
        only = params.context.only
        fix_all = None
        if only and wanted(FIX_ALL, only) and outcome.file_lint is not None:
            with ls.linting.exclusive():
                try:
                    lint = ls.folders.for_file(outcome.document.path).lint  # every rule
                    fix_all = fix_all_action(outcome, lint, ls.client_edits)
                except Exception as error:  # no fix-all then; the diagnostics say why
                    ls.window_log_message(
                        types.LogMessageParams(types.MessageType.Warning, f"fix all: {error}")
                    )
        return code_actions(outcome, params, ls.client_edits, fix_all)

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def hover(ls: LintlayersServer, params: types.HoverParams) -> types.Hover | None:
        from lintlayers.server.hover import hover as hover_of

        outcome = ls.linting.current(params.text_document.uri)
        if outcome is None:
            return None
        return hover_of(outcome, params.position, ls.folders.rule)

    @server.feature(types.SHUTDOWN)
    def shutdown(ls: LintlayersServer, params: None) -> None:
        if ls.scheduler is not None:
            ls.scheduler.stop()

    return server


def carried_within(outcome: Outcome, params: types.CodeActionParams) -> bool:
    """Whether the code actions asked for concern a finding carried over from an older
    version (so without its fix)."""
    from lintlayers.server.actions import selected

    return any(
        entry.violation is None and entry.finding.code in DEFERRED
        for entry in selected(outcome, params.range, params.context.diagnostics)
    )


def serve() -> int:
    """Run the server over stdin and stdout until the client says ``exit``."""
    server = create_server()
    server.start_io()
    return 0 if getattr(server.protocol, "_shutdown", True) else 1
