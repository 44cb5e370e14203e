"""LL308 archive-kept-after-extract."""

from __future__ import annotations

from lintlayers.diagnostics import UNSAFE, Fix, Violation
from lintlayers.lazy_re import lazy_compile
from lintlayers.model.run_effects import download_targets, extracted_archives
from lintlayers.model.shipping import image_runs
from lintlayers.model.size_estimates import kept_archive
from lintlayers.model.steps import UNKNOWN_WORKDIR
from lintlayers.rule import Rule
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator

    from lintlayers.context import RuleContext
    from lintlayers.model.run_effects import RunEffects

STREAMING = frozenset({"tar", "bsdtar", "gtar"})
"""Extractors that read an archive from a pipe."""
_PLAIN_PATH = lazy_compile(r"[A-Za-z0-9_./@%+=:,${}-]+")


class ArchiveKeptAfterExtract(Rule):
    """Reports a downloaded archive that is extracted but not removed in the same RUN.

    ## What it does
    Reports a RUN that downloads a file (`curl -o`/`-O`, `wget`), then
    extracts that same file (`tar -x`, `unzip`, `7z x`, `gunzip -k`,
    `zstd -d`...) and never removes it afterwards in the same RUN (an `rm` of
    the file, of a glob matching it or of a directory holding it). A download
    under a cache or tmpfs mount is fine, and so is streaming
    (`curl ... | tar -xz`), which never writes the archive; the message
    suggests it when the archive is unpacked with tar. `ADD` is not
    checked: it extracts local archives by itself. Stages whose files cannot
    reach an image (used only as a `COPY --from` source of specific paths, or
    only by targets named for tests or development such as `test`, `lint` or `dev`) are not
    checked.

    ## Why it matters
    The layer keeps both the archive and everything extracted from it: the
    compressed bytes are pure waste (a gzip tarball weighs about 28% of the
    files it holds, measured on the Go toolchain and Python's standard
    library), and removing them in a later RUN does not shrink the image.

    ## Example
    ```dockerfile
    RUN curl -fsSLO https://example.com/tool.tar.gz \\
        && tar -xzf tool.tar.gz -C /opt
    ```

    ## Use instead
    ```dockerfile
    RUN curl -fsSL https://example.com/tool.tar.gz | tar -xz -C /opt
    ```
    or remove the archive in the same RUN (`&& rm -f tool.tar.gz`).

    ## Fix
    Unsafe: appends `&& rm -f <archive>` at the end of the RUN (shell form
    without heredocs, ending with a plain command), with the absolute path
    when it is known; a name written with build variables keeps them. Unsafe
    because a later step might still use the archive (to checksum it, copy it
    or extract it again).
    """

    code = "LL308"
    name = "archive-kept-after-extract"
    category = "size"
    severity = "warning"
    summary = "A downloaded archive is extracted but stays in the layer"
    needs = ("RUN",)

    def check(self, context: RuleContext) -> Iterator[Violation]:
        for run in image_runs(context):
            yield from self._check_run(run)

    def _check_run(self, run: RunEffects) -> Iterator[Violation]:
        extractions: list[tuple[int, str, str]] = []  # (index, archive, extractor)
        for index, command in enumerate(run.commands):
            for value in extracted_archives(command):
                extractions.append((index, run.resolve(index, value), command.name))
        if not extractions:
            return
        reported: set[str] = set()
        for index, command in enumerate(run.commands):
            for value in download_targets(command):
                path = run.resolve(index, value)
                extractors = [
                    name
                    for later, extracted, name in extractions
                    if later > index and extracted == path
                ]
                if path in reported or not extractors:
                    continue
                if run.mount_covering(path) is not None:
                    continue
                if run.removal(path, after=index, child=None) is not None:
                    continue
                reported.add(path)
                start, end = run.command_range(index)
                text = _removable(run, index, value, path)
                shown = text or (value if UNKNOWN_WORKDIR in path else path)
                message = "the downloaded archive stays in the layer next to its extracted files"
                help = (
                    f"`{command.name}` downloads {shown} ({kept_archive().text()}), which this "
                    f"RUN extracts but never removes; remove it in this RUN (`rm -f {shown}`)"
                )
                if extractors[0] in STREAMING:
                    help += f" or stream it (`curl -fsSL URL | {extractors[0]} -x ...`)"
                fix = None
                if text is not None:
                    from lintlayers.model.run_edits import append_to_run

                    edit = append_to_run(run, "rm -f " + text)
                    if edit is not None:
                        fix = Fix(f"Remove the archive: `rm -f {text}`", [edit], UNSAFE)
                yield Violation(start, end, message, fix, help=help)


def _removable(run: RunEffects, index: int, value: str, path: str) -> str | None:
    """How an ``rm`` at the end of the RUN names the downloaded file, if it can.

    A name written with variables keeps them (``etcd-${VERSION}.tar.gz``): a build
    argument's default is not what every build downloads."""
    variables = "$" in value
    if not variables and UNKNOWN_WORKDIR not in path and _PLAIN_PATH.fullmatch(path):
        return path
    if not _PLAIN_PATH.fullmatch(value):
        return None
    if run.resolve_at_end(value) != path:
        return None  # a ``cd`` or an assignment in between changes what it names
    if variables and "/" not in value and UNKNOWN_WORKDIR not in path:
        candidate = path.rsplit("/", 1)[0] + "/" + value  # the folder, the name as written
        if run.resolve_at_end(candidate) == path:  # not when the variable holds the folder
            return candidate
    return value
