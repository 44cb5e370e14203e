"""``lintlayers server`` end to end: a real LSP client (pytest-lsp) drives the server
in a subprocess over stdio.

One server serves the module (starting Python and pygls is most of the cost); each test
works in its own folder, so tests do not see each other's files or settings.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pygls.protocol import default_converter
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

from lintlayers.server.positions import UTF8, UTF16, UTF32, LineIndex, apply_change

pytestmark = pytest.mark.asyncio(loop_scope="module")

TIMEOUT = 20.0

DOCKERFILE = (
    "FROM debian:12\n"
    "RUN apt-get update && apt-get install -y --no-install-recommends curl git\n"
    'CMD ["curl"]\n'
)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("workspace")


class RecordingClient(LanguageClient):
    """pytest-lsp's client, keeping every ``publishDiagnostics`` with its version."""

    def __init__(self) -> None:
        super().__init__(converter_factory=default_converter)
        self.published: list[types.PublishDiagnosticsParams] = []
        self.initialize_result: types.InitializeResult | None = None
        self.registrations: list[types.Registration] = []


def record_diagnostics(client: LanguageClient, params: types.PublishDiagnosticsParams) -> None:
    assert isinstance(client, RecordingClient)
    client.published.append(params)
    client.diagnostics[params.uri] = params.diagnostics


def record_registration(client: LanguageClient, params: types.RegistrationParams) -> None:
    assert isinstance(client, RecordingClient)
    client.registrations.extend(params.registrations)


def make_client() -> RecordingClient:
    client = RecordingClient()
    features = {
        **DEFAULT_CLIENT_FEATURES,
        types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS: record_diagnostics,
        types.CLIENT_REGISTER_CAPABILITY: record_registration,
    }
    register_lsp_features(client, features)
    return client


@pytest_lsp.fixture(
    scope="module",
    config=ClientServerConfig(
        server_command=[sys.executable, "-m", "lintlayers", "server"], client_factory=make_client
    ),
)
async def client(lsp_client: RecordingClient, workspace: Path) -> AsyncIterator[None]:
    lsp_client.set_configuration({"lintlayers": {}})
    lsp_client.initialize_result = await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities("visual-studio-code"),
            workspace_folders=[types.WorkspaceFolder(workspace.as_uri(), "workspace")],
            initialization_options={"lintlayers": {"unsafeFixes": False}},
        )
    )
    yield
    await lsp_client.shutdown_session()  # shutdown, then exit: the server ends with 0
    assert lsp_client._server is not None and lsp_client._server.returncode == 0


async def published(
    client: RecordingClient, uri: str, version: int | None
) -> list[types.Diagnostic]:
    """The diagnostics the server publishes for ``uri`` at ``version``."""
    record = client.published

    async def wait() -> list[types.Diagnostic]:
        while True:
            for params in reversed(record):
                if params.uri == uri and params.version == version:
                    return list(params.diagnostics)
            await asyncio.sleep(0.005)

    return await asyncio.wait_for(wait(), TIMEOUT)


async def until(predicate: Callable[[], bool]) -> None:
    while not predicate():
        await asyncio.sleep(0.005)


def open_file(client: RecordingClient, path: Path, text: str, version: int = 1) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    uri = path.as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            types.TextDocumentItem(uri=uri, language_id="dockerfile", version=version, text=text)
        )
    )
    return uri


def codes(diagnostics: list[types.Diagnostic]) -> list[str]:
    return sorted(str(diagnostic.code) for diagnostic in diagnostics)


def apply_edits(text: str, edits: list[types.TextEdit]) -> str:
    """Apply LSP text edits (ASCII text, ranges into the original) like an editor."""
    lines = text.split("\n")
    starts = [0]
    for line in lines[:-1]:
        starts.append(starts[-1] + len(line) + 1)

    def offset(position: types.Position) -> int:
        return starts[position.line] + position.character

    for edit in sorted(edits, key=lambda e: offset(e.range.start), reverse=True):
        text = text[: offset(edit.range.start)] + edit.new_text + text[offset(edit.range.end) :]
    return text


def document_edits(edit: types.WorkspaceEdit | None, uri: str) -> list[types.TextEdit]:
    assert edit is not None
    found: list[types.TextEdit] = []
    for change in edit.document_changes or ():
        if isinstance(change, types.TextDocumentEdit) and change.text_document.uri == uri:
            found.extend(change.edits)  # type: ignore[arg-type]
    found.extend((edit.changes or {}).get(uri, ()))
    return found


async def test_initialize_reports_capabilities(client: RecordingClient) -> None:
    result = client.initialize_result
    assert result is not None
    capabilities = result.capabilities
    assert result.server_info is not None and result.server_info.name == "lintlayers"
    assert capabilities.hover_provider
    assert isinstance(capabilities.code_action_provider, types.CodeActionOptions)
    kinds = capabilities.code_action_provider.code_action_kinds or []
    assert "source.fixAll.lintlayers" in kinds and "quickfix" in kinds
    sync = capabilities.text_document_sync
    assert isinstance(sync, types.TextDocumentSyncOptions)
    assert sync.change == types.TextDocumentSyncKind.Incremental
    await asyncio.wait_for(until(lambda: bool(client.registrations)), TIMEOUT)
    assert [r.method for r in client.registrations] == ["workspace/didChangeWatchedFiles"]


async def test_open_publishes_exact_diagnostics(client: RecordingClient, workspace: Path) -> None:
    uri = open_file(client, workspace / "open" / "Dockerfile", DOCKERFILE)
    diagnostics = await published(client, uri, 1)
    assert codes(diagnostics) == ["LL301"]
    (diagnostic,) = diagnostics
    assert diagnostic.source == "lintlayers"
    assert diagnostic.severity == types.DiagnosticSeverity.Warning
    assert diagnostic.code_description is not None
    assert diagnostic.code_description.href.endswith("#ll301-apt-lists-not-removed")
    assert diagnostic.range.start.line == 1  # line 2, 0-based


async def test_utf16_columns(client: RecordingClient, workspace: Path) -> None:
    """A character outside the BMP is two UTF-16 code units: columns after it shift by one."""
    text = (
        "FROM debian:12\n"
        'RUN echo "🐳é" && apt-get update && apt-get install -y --no-install-recommends curl\n'
    )
    uri = open_file(client, workspace / "utf16" / "Dockerfile", text)
    (ll301,) = await published(client, uri, 1)
    # lintlayers: columns 36-51 (1-based code points); LSP: 0-based UTF-16 code units
    assert ll301.range == types.Range(types.Position(1, 36), types.Position(1, 51))


async def test_quick_fix_and_fix_all(client: RecordingClient, workspace: Path) -> None:
    uri = open_file(client, workspace / "fix" / "Dockerfile", DOCKERFILE)
    diagnostics = await published(client, uri, 1)
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri),
            range=diagnostics[0].range,
            context=types.CodeActionContext(diagnostics=diagnostics),
        )
    )
    assert actions is not None
    titles = [action.title for action in actions if isinstance(action, types.CodeAction)]
    assert titles[1:] == ["Ignore LL301 on this line"]
    assert titles[0].startswith("LL301: ")  # the fix's own title follows the code
    quick = next(a for a in actions if isinstance(a, types.CodeAction) and a.is_preferred)
    assert quick.title == titles[0]
    fixed = apply_edits(DOCKERFILE, document_edits(quick.edit, uri))
    assert "rm -rf /var/lib/apt/lists/*" in fixed

    ignore = next(
        a for a in actions if isinstance(a, types.CodeAction) and a.title.startswith("Ignore")
    )
    ignored = apply_edits(DOCKERFILE, document_edits(ignore.edit, uri))
    assert ignored.splitlines()[1] == "# lintlayers: ignore=LL301"

    fix_all = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri),
            range=types.Range(types.Position(0, 0), types.Position(0, 0)),
            context=types.CodeActionContext(diagnostics=[], only=["source.fixAll"]),
        )
    )
    assert fix_all is not None
    (action,) = fix_all
    assert isinstance(action, types.CodeAction)
    assert action.kind == "source.fixAll.lintlayers"
    assert apply_edits(DOCKERFILE, document_edits(action.edit, uri)) == fixed


async def test_changes_full_and_incremental(client: RecordingClient, workspace: Path) -> None:
    uri = open_file(client, workspace / "change" / "Dockerfile", DOCKERFILE)
    await published(client, uri, 1)
    # incremental: remove " --no-install-recommends" so LL302 appears too
    line = DOCKERFILE.splitlines()[1]
    start = line.index(" --no-install-recommends")
    end = start + len(" --no-install-recommends")
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[
                types.TextDocumentContentChangePartial(
                    range=types.Range(types.Position(1, start), types.Position(1, end)), text=""
                )
            ],
        )
    )
    assert codes(await published(client, uri, 2)) == ["LL301", "LL302"]
    # a burst of full changes: only the newest version must end up published last
    for version in range(3, 13):
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[
                    types.TextDocumentContentChangeWholeDocument(
                        text="FROM alpine\nMAINTAINER me\n" if version == 12 else DOCKERFILE
                    )
                ],
            )
        )
    assert codes(await published(client, uri, 12)) == ["LL201"]
    await asyncio.sleep(0.2)
    record = client.published
    last = [params for params in record if params.uri == uri][-1]
    assert last.version == 12


async def test_broken_file_gets_parse_error(client: RecordingClient, workspace: Path) -> None:
    text = 'FROM alpine\nRUN <<EOF\necho never closed\nCMD ["x"\n'
    uri = open_file(client, workspace / "broken" / "Containerfile", text)
    diagnostics = await published(client, uri, 1)
    assert "LL001" in codes(diagnostics)
    assert all(d.severity is not None for d in diagnostics)


async def test_a_template_shows_nothing_unless_ll002_is_selected(
    client: RecordingClient, workspace: Path
) -> None:
    """A template is skipped as on the command line: no diagnostic, not a cascade of
    parse errors; with LL002 selected by its code, one information diagnostic."""
    text = "FROM python:{{ version }}-slim\n{% if dev %}\nRUN pip install pytest\n{% endif %}\n"
    uri = open_file(client, workspace / "templates" / "Dockerfile.j2", text)
    assert await published(client, uri, 1) == []
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"lintlayers": {"extendSelect": ["LL002"]}})
    )
    client.published.clear()
    (diagnostic,) = await published(client, uri, 1)
    assert (diagnostic.code, diagnostic.severity) == ("LL002", types.DiagnosticSeverity.Information)
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))


async def test_hover_shows_rule_documentation(client: RecordingClient, workspace: Path) -> None:
    uri = open_file(client, workspace / "hover" / "Dockerfile", DOCKERFILE)
    diagnostics = await published(client, uri, 1)
    hover = await client.text_document_hover_async(
        types.HoverParams(types.TextDocumentIdentifier(uri), diagnostics[0].range.start)
    )
    assert hover is not None
    assert isinstance(hover.contents, types.MarkupContent)
    assert "LL301 apt-lists-not-removed" in hover.contents.value
    assert "## What it does" in hover.contents.value
    nothing = await client.text_document_hover_async(
        types.HoverParams(types.TextDocumentIdentifier(uri), types.Position(0, 0))
    )
    assert nothing is None


async def test_config_file_and_editor_settings(client: RecordingClient, workspace: Path) -> None:
    folder = workspace / "config"
    uri = open_file(client, folder / "app.dockerfile", DOCKERFILE)
    assert codes(await published(client, uri, 1)) == ["LL301"]

    # a configuration file appears: the watched-files notification reloads it
    config = folder / ".lintlayers.toml"
    config.write_text('ignore = ["LL301"]\nextend-select = []\n', encoding="utf-8")
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            [types.FileEvent(config.as_uri(), types.FileChangeType.Created)]
        )
    )
    client.published.clear()
    assert codes(await published(client, uri, 1)) == []

    # editor settings win over the file, like command-line options
    client.set_configuration({"lintlayers": {"select": ["LL3"], "ignore": []}})
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
    client.published.clear()
    assert codes(await published(client, uri, 1)) == ["LL301"]

    # a broken configuration is one diagnostic, not a crash
    config.write_text("builder = 3\n", encoding="utf-8")
    client.text_document_did_save(
        types.DidSaveTextDocumentParams(types.TextDocumentIdentifier(config.as_uri()))
    )
    client.published.clear()
    (error,) = await published(client, uri, 1)
    assert "builder" in error.message
    assert error.severity == types.DiagnosticSeverity.Error

    config.unlink()
    client.set_configuration({"lintlayers": {}})
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
    client.published.clear()
    assert codes(await published(client, uri, 1)) == ["LL301"]


async def test_an_excluded_file_shows_nothing(client: RecordingClient, workspace: Path) -> None:
    """A document the folder's config excludes gets no diagnostics (and so no fixes),
    as in ruff's server; the files beside it are linted as usual."""
    folder = workspace / "excluded"
    folder.mkdir()
    (folder / ".lintlayers.toml").write_text('extend-exclude = ["fixtures"]\n', encoding="utf-8")
    fixture = open_file(client, folder / "fixtures" / "parser" / "Dockerfile", DOCKERFILE)
    assert await published(client, fixture, 1) == []
    app = open_file(client, folder / "app" / "Dockerfile", DOCKERFILE)
    assert codes(await published(client, app, 1)) == ["LL301"]


async def test_close_clears_diagnostics(client: RecordingClient, workspace: Path) -> None:
    uri = open_file(client, workspace / "close" / "Dockerfile", DOCKERFILE)
    await published(client, uri, 1)
    client.text_document_did_close(
        types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(uri))
    )
    assert await published(client, uri, None) == []


async def test_unsafe_fixes_only_when_enabled(client: RecordingClient, workspace: Path) -> None:
    text = "FROM alpine\nARG GIT_SHA=unknown\nRUN echo hello\n"
    folder = workspace / "unsafe"
    uri = open_file(client, folder / "Dockerfile", text)
    (ll102,) = [d for d in await published(client, uri, 1) if d.code == "LL102"]

    async def titles() -> list[str]:
        actions = await client.text_document_code_action_async(
            types.CodeActionParams(
                text_document=types.TextDocumentIdentifier(uri),
                range=ll102.range,
                context=types.CodeActionContext(diagnostics=[ll102], only=["quickfix"]),
            )
        )
        return [a.title for a in actions or () if isinstance(a, types.CodeAction)]

    assert await titles() == ["Ignore LL102 on this line"]
    # Neovim asks at the cursor, with the diagnostics of its line
    at_cursor = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri),
            range=types.Range(types.Position(1, 0), types.Position(1, 0)),
            context=types.CodeActionContext(diagnostics=[ll102]),
        )
    )
    assert [a.title for a in at_cursor or () if isinstance(a, types.CodeAction)] == [
        "Ignore LL102 on this line"
    ]
    client.set_configuration({"lintlayers": {"unsafeFixes": True}})
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
    client.published.clear()
    await published(client, uri, 1)
    unsafe, ignore = await titles()
    assert unsafe.startswith("LL102: ") and unsafe.endswith(" (unsafe)")
    assert ignore == "Ignore LL102 on this line"
    client.set_configuration({"lintlayers": {}})
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
    client.published.clear()
    await published(client, uri, 1)


async def test_ignore_pragma_extends_an_existing_one(
    client: RecordingClient, workspace: Path
) -> None:
    text = (
        "FROM debian:12\n"
        "# lintlayers: ignore=LL302\n"
        "RUN apt-get update && apt-get install -y curl\n"
    )
    uri = open_file(client, workspace / "pragma" / "Dockerfile", text)
    (ll301,) = await published(client, uri, 1)
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri),
            range=ll301.range,
            context=types.CodeActionContext(diagnostics=[ll301]),
        )
    )
    ignore = next(
        a for a in actions or () if isinstance(a, types.CodeAction) and a.title.startswith("Ignore")
    )
    assert apply_edits(text, document_edits(ignore.edit, uri)).splitlines()[1] == (
        "# lintlayers: ignore=LL302,LL301"
    )


async def test_saved_files_refresh_the_build_context(
    client: RecordingClient, workspace: Path
) -> None:
    """The build context is walked once and kept while typing; a save walks it again."""
    folder = workspace / "context"
    folder.mkdir()
    (folder / "requirements.txt").write_text("flask\n", encoding="utf-8")
    text = "FROM python:3.12-slim\nCOPY . /app\n"
    uri = open_file(client, folder / "Dockerfile", text)
    assert "LL311" not in codes(await published(client, uri, 1))
    (folder / ".env").write_text("PASSWORD=hunter2\n", encoding="utf-8")
    client.text_document_did_save(
        types.DidSaveTextDocumentParams(types.TextDocumentIdentifier((folder / ".env").as_uri()))
    )
    client.published.clear()
    assert "LL311" in codes(await published(client, uri, 1))


async def test_settings_per_workspace_folder(client: RecordingClient, workspace: Path) -> None:
    """Multi-root: each file gets the editor settings of the workspace folder holding it."""
    other = workspace.parent / f"{workspace.name}-second"
    other.mkdir()
    client.workspace_did_change_workspace_folders(
        types.DidChangeWorkspaceFoldersParams(
            types.WorkspaceFoldersChangeEvent(
                added=[types.WorkspaceFolder(other.as_uri(), "second")], removed=[]
            )
        )
    )
    client.set_configuration({"ignore": ["LL301"]}, section="lintlayers", scope_uri=other.as_uri())
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
    first = open_file(client, workspace / "roots" / "Dockerfile", DOCKERFILE)
    second = open_file(client, other / "Dockerfile", DOCKERFILE)
    await asyncio.sleep(0.3)  # the server asks for the configuration, then lints again
    client.published.clear()
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
    assert codes(await published(client, first, 1)) == ["LL301"]
    assert codes(await published(client, second, 1)) == []


CRASHING_SERVER = """
import lintlayers.engine as engine
parse = engine.parse_source
def parse_source(source):
    if "BOOM" in source.text:
        raise RuntimeError("boom")
    return parse(source)
engine.parse_source = parse_source
from lintlayers.server.protocol import serve
serve()
"""


@pytest_lsp.fixture(
    loop_scope="module",  # the tests' loop
    config=ClientServerConfig(
        server_command=[sys.executable, "-c", CRASHING_SERVER], client_factory=make_client
    ),
)
async def crashing(lsp_client: RecordingClient) -> AsyncIterator[None]:
    await lsp_client.initialize_session(
        types.InitializeParams(capabilities=client_capabilities("neovim"))
    )
    yield
    await lsp_client.shutdown_session()  # shutdown, then exit: the server ends with 0
    assert lsp_client._server is not None and lsp_client._server.returncode == 0


async def test_a_crash_is_one_ll000_and_the_server_goes_on(
    crashing: RecordingClient, tmp_path: Path
) -> None:
    broken = open_file(crashing, tmp_path / "a" / "Dockerfile", "FROM alpine\n# BOOM\n")
    fine = open_file(crashing, tmp_path / "b" / "Dockerfile", DOCKERFILE)
    (internal,) = await published(crashing, broken, 1)
    assert internal.code == "LL000"
    assert internal.severity == types.DiagnosticSeverity.Error
    assert "RuntimeError: boom" in internal.message
    assert codes(await published(crashing, fine, 1)) == ["LL301"]


async def test_deferred_rule_is_carried_while_typing(
    client: RecordingClient, workspace: Path
) -> None:
    """LL105 runs when typing pauses; meanwhile its finding moves with the edits."""
    folder = workspace / "deferred"
    folder.mkdir()
    (folder / "requirements.txt").write_text("flask\n", encoding="utf-8")
    (folder / ".lintlayers.toml").write_text('select = ["LL105"]\n', encoding="utf-8")
    text = (
        "FROM python:3.12-slim\n"
        "ARG GIT_SHA=unknown\n"
        "COPY . /app\n"
        "RUN pip install -r /app/requirements.txt\n"
        'CMD ["python", "/app/main.py"]\n'
    )
    uri = open_file(client, folder / "Dockerfile", text)
    (ll105,) = [d for d in await published(client, uri, 1) if d.code == "LL105"]
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[
                types.TextDocumentContentChangePartial(
                    range=types.Range(types.Position(0, 0), types.Position(0, 0)),
                    text="# a comment\n",
                )
            ],
        )
    )
    moved = types.Range(
        types.Position(ll105.range.start.line + 1, ll105.range.start.character),
        types.Position(ll105.range.end.line + 1, ll105.range.end.character),
    )
    quick = [d for d in await published(client, uri, 2) if d.code == "LL105"]
    assert [d.range for d in quick] == [moved]

    def complete_lints() -> list[types.PublishDiagnosticsParams]:
        return [p for p in client.published if p.uri == uri and p.version == 2]

    await asyncio.wait_for(until(lambda: len(complete_lints()) >= 2), TIMEOUT)
    last = complete_lints()[-1]
    assert [d.range for d in last.diagnostics if d.code == "LL105"] == [moved]

    hover = await client.text_document_hover_async(
        types.HoverParams(types.TextDocumentIdentifier(uri), moved.start)
    )
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    (message,) = [d.message for d in last.diagnostics if d.code == "LL105"]
    for line in message.splitlines():  # the message and help: the costs before and after
        assert line in hover.contents.value
    assert "LL105 suboptimal-step-order" in hover.contents.value


async def test_pushed_settings_choose_the_builder(client: RecordingClient, workspace: Path) -> None:
    text = "FROM alpine\nLABEL version=1.0.1\nRUN echo hello\nCOPY . /app\n"
    uri = open_file(client, workspace / "builder" / "Dockerfile", text)
    assert "LL202" not in codes(await published(client, uri, 1))  # classic builder only
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"lintlayers": {"builder": "classic"}})
    )
    client.published.clear()
    assert "LL202" in codes(await published(client, uri, 1))
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
    client.published.clear()
    assert "LL202" not in codes(await published(client, uri, 1))


async def test_positions_count_code_units_of_the_negotiated_encoding() -> None:
    text = "ab🐳é\r\nx\ry\n"
    offset = text.index("é") + 1  # just past é, on the first line
    assert LineIndex(text, UTF16).position(offset) == types.Position(0, 5)
    assert LineIndex(text, UTF8).position(offset) == types.Position(0, 8)
    assert LineIndex(text, UTF32).position(offset) == types.Position(0, 4)
    index = LineIndex(text, UTF16)
    assert index.position(text.index("y")) == types.Position(2, 0)  # a lone \r ends a line
    assert index.offset(types.Position(0, 5)) == offset
    assert index.offset(types.Position(0, 99)) == text.index("\r")  # clamped to the line
    change = types.TextDocumentContentChangePartial(
        range=types.Range(types.Position(0, 2), types.Position(0, 4)), text="-"
    )
    assert apply_change(text, change, UTF16) == ("ab-é\r\nx\ry\n", (2, 3, 1))
