"""LL101 broad-copy-before-install."""

from __future__ import annotations

from lintlayers.diagnostics import UNSAFE, Edit, Fix, Violation
from lintlayers.model.installs import install_findings, join_names
from lintlayers.rule import Rule
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator

    from lintlayers.context import RuleContext
    from lintlayers.model.installs import InstallFinding
    from lintlayers.syntax.nodes import Instruction

_WHAT = {
    "all": ("the whole build context", "any file of the context"),
    "top": ("every top-level file and directory", "any of them"),
}


class BroadCopyBeforeInstall(Rule):
    """Reports a broad COPY that comes before a dependency install reading only manifests.

    ## What it does
    Reports `COPY .` (or `./`, `*`, or a directory holding the manifests) from
    the build context when a later RUN of the same stage installs dependencies
    from manifest files only (`pip install -r`, `uv sync`, `poetry install`,
    `npm ci`, `yarn`, `pnpm install`, `bun install`, `go mod download`,
    `cargo chef cook`, `mvn dependency:go-offline`, `gradle dependencies`,
    `sbt update`, `dotnet restore`, `nuget restore`, `bundle install`,
    `composer install`, `mix deps.get`, `dart pub get`, `swift package resolve`,
    `cabal build --only-dependencies`, `renv::restore()`,
    `cpanm --installdeps .`, `vcpkg install`, `conan install .` and more: the
    ecosystem table of `lintlayers.model.ecosystems`), or builds the project
    and installs on the way (`dotnet build`/`publish` without `--no-restore`,
    `go build`, `go get .`). Also reports a COPY of other files (`COPY src/
    ./src/`) between the COPY of the manifests and the install. It stays quiet
    when the manifests were copied and installed on their own before, when
    the install builds the project itself (`pip install .`), or when a build
    that installs on the way keeps the tool's downloads in a cache mount
    (`RUN --mount=type=cache,target=/root/.nuget dotnet publish`: it re-runs
    on any edit anyway, and its restore then fetches nothing). With the build
    context it reads the manifests: requirement files they include, the
    gemspec a Gemfile names and the files it requires, a solution's projects,
    workspaces and install hooks in `package.json`.

    ## Why it matters
    A COPY's cache key is the checksum of everything it copies: with the whole
    context, any edited source file, README or test misses the cache, and the
    install after it re-runs and downloads every dependency again. Copying the
    manifests first and installing before the broad COPY keeps the install
    cached until a manifest changes.

    ## Example
    ```dockerfile
    FROM python:3.12-slim
    WORKDIR /app
    COPY . .
    RUN pip install --no-cache-dir -r requirements.txt
    CMD ["python", "app.py"]
    ```

    ## Use instead
    ```dockerfile
    FROM python:3.12-slim
    WORKDIR /app
    COPY requirements.txt ./
    RUN pip install --no-cache-dir -r requirements.txt
    COPY . .
    CMD ["python", "app.py"]
    ```

    ## Fix
    Unsafe: inserts before the broad COPY a COPY of just the manifests (with the
    same `--chown`/`--chmod`/`--link`) and moves the install RUN to just after
    it; for a build that installs on the way it inserts the explicit install
    (`go mod download`, `dotnet restore`) instead and leaves the build where it
    is; for a COPY of other files it moves the install above that COPY.
    Offered only when nothing but metadata stands between the broad COPY and
    the install (COPYs, WORKDIRs and RUNs of commands that read nothing of the
    project for an inserted install) and the RUN runs nothing else that could
    need the sources. It changes which files exist when the install runs: an
    install hook, a workspace member or a settings file the rule does not know
    about may be missing then. With `context_dir` the manifests that really
    exist are copied; without it the usual lockfile is copied as an optional
    `name*` pattern, and a solution's projects are not guessed (no fix).
    """

    code = "LL101"
    name = "broad-copy-before-install"
    category = "cache"
    severity = "warning"
    summary = "COPY of the whole context before a dependency install that needs only manifests"
    needs = (("RUN", "COPY"), ("RUN", "ADD"))

    def check(self, context: RuleContext) -> Iterator[Violation]:
        for finding in install_findings(context):
            if finding.implicit and _downloads_cached(context, finding):
                continue
            fix = _fix(context, finding) if finding.fixable else None
            reason = finding.problem or finding.blocker
            if fix is None and not reason:
                reason = "the install is not below the COPY"
            message, help = _message(context, finding)
            if reason:
                help += f" (no automatic fix: {reason})"
            yield Violation(finding.start, finding.end, message, fix, help=help)


def _downloads_cached(context: RuleContext, finding: InstallFinding) -> bool:
    """A build that installs on the way, with every tool's downloads in a cache mount:
    it re-runs on any edit anyway, and its install then fetches nothing."""
    from lintlayers.model.cache_mounts import caches_downloads
    from lintlayers.model.ecosystems import ecosystem
    from lintlayers.model.run_effects import effects
    from lintlayers.model.steps import step_of

    step = step_of(context, finding.run)
    if step is None:
        return False
    run = effects(context, step)
    for install in finding.installs:
        entry = ecosystem(install.found.installer.ecosystem)
        index = next((i for i, c in enumerate(run.commands) if c is install.command), None)
        if entry is None or index is None or not caches_downloads(run, entry, index):
            return False
    return True


def _message(context: RuleContext, finding: InstallFinding) -> tuple[str, str]:
    """One sentence of what busts which install, and the detail with the advice."""
    keyword = finding.copy.effective.keyword
    source = finding.source if len(finding.source) <= 30 else finding.source[:27] + "..."
    line = context.source.location(finding.run.effective.start).line
    if finding.kind == "between":
        message = f"`{keyword} {source}` busts the cache of the install at line {line}"
    elif finding.implicit:
        message = f"`{keyword} {source}` before a build that installs (line {line}) re-runs it"
    else:
        message = f"`{keyword} {source}` before the install at line {line} re-runs it on any edit"
    return message, _detail(finding, keyword)


def _detail(finding: InstallFinding, keyword: str) -> str:
    source = finding.source
    first = finding.installs[0].text
    if len(first) > 60:
        first = first[:57] + "..."
    names = join_names(finding.names)
    if finding.kind == "between":
        return (
            f"it comes between the manifests and `{first}`, which needs only {names}: a "
            "change to any file it copies re-runs the install. "
            f"Install before this {keyword}"
        )
    what, changes = _WHAT.get(
        finding.kind, (f"the whole {source} directory", f"any file under {source}")
    )
    head = f"it copies {what} before `{first}`, "
    if finding.implicit:
        program = finding.installs[0].found.argv[0]
        restore = " ".join(finding.installs[0].found.installer.restore).replace(
            "{program}", program
        )
        return (
            head + f"which first installs the dependencies of {names}: a change to "
            f"{changes} installs them again. Copy the manifests first and run `{restore}` "
            f"before this {keyword}"
        )
    needs = "which needs only"
    if any(install.found.installs_project for install in finding.installs):
        needs = "whose dependencies come only from"
    return (
        head + f"{needs} {names}: a change to {changes} re-runs the install. Copy the "
        f"manifests first and install before this {keyword}"
    )


def _fix(context: RuleContext, finding: InstallFinding) -> Fix | None:
    """The narrow COPY lines and the install (moved, or run on its own) before the COPY."""
    names = join_names([source for source, _ in finding.files]) if finding.files else ""
    if finding.implicit:
        at = _insertion_point(context, finding.anchor)
        lines = finding.copy_lines + finding.restore
        title = f"Copy {names} first and install before the broad COPY"
        return Fix(title, [Edit.insert(at, lines)], UNSAFE)
    from lintlayers.syntax.layout import move_edits  # only for a finding

    edits = move_edits(context.dockerfile, [finding.run], before=finding.anchor)
    if not edits:
        return None
    insert = edits[-1]
    edits[-1] = Edit.insert(insert.start, finding.copy_lines + insert.content)
    text = context.source.text
    if finding.run.node_end == len(text) and not text.endswith("\n"):
        edits = _keep_no_final_newline(text, edits)
    if finding.kind == "between":
        title = "Install before the COPY of other files"
    else:
        title = f"Copy {names or 'nothing new'} first and install before the broad COPY"
    return Fix(title, edits, UNSAFE)


def _insertion_point(context: RuleContext, anchor: Instruction) -> int:
    """Where the lines go: before ``anchor`` and the comment lines above it."""
    from lintlayers.syntax.layout import block_start

    return block_start(context.dockerfile.nodes, anchor)


def _keep_no_final_newline(text: str, edits: list[Edit]) -> list[Edit]:
    """The moved RUN was the last line, without a newline: the line before it ends the
    file now, so its newline goes (the file keeps ending without one)."""
    changed = []
    for edit in edits:
        if edit.end == len(text) and edit.start > 0 and text[edit.start - 1] == "\n":
            start = edit.start - (2 if text[max(edit.start - 2, 0)] == "\r" else 1)
            edit = Edit.delete(start, edit.end)
        changed.append(edit)
    return changed
