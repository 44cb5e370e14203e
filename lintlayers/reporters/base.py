"""What every reporter receives, and the lookup from format name to reporter."""

from __future__ import annotations

import sys

from lintlayers import __version__
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence
    from typing import TextIO

    from lintlayers.diagnostics import Finding
    from lintlayers.source import SourceText

    Reporter = Callable[[list[Finding], TextIO, "ReportContext"], None]

FORMATS = ("text", "json", "github", "sarif", "gitlab", "checkstyle", "junit", "rdjson")
"""Output formats, in the order the CLI lists them."""

_MODULES = {
    "text": "lintlayers.reporters.text",
    "json": "lintlayers.reporters.json_report",
    "github": "lintlayers.reporters.github",
    "sarif": "lintlayers.reporters.sarif",
    "gitlab": "lintlayers.reporters.gitlab",
    "checkstyle": "lintlayers.reporters.checkstyle",
    "junit": "lintlayers.reporters.junit",
    "rdjson": "lintlayers.reporters.rdjson",
}


def use_color(stream: TextIO) -> bool:
    """Colour output on ``stream``: never with ``NO_COLOR``, always with ``FORCE_COLOR``,
    else only on a terminal."""
    import os

    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


TOOL_NAME = "lintlayers"
INFORMATION_URI = "https://github.com/lintlayers/lintlayers"


class ReportContext:
    """Run-wide facts a reporter may show next to the findings."""

    __slots__ = (
        "color",
        "files_checked",
        "fixed",
        "paths",
        "rule_docs",
        "skipped",
        "sources",
        "statistics",
        "tool_version",
    )

    def __init__(
        self,
        *,
        sources: dict[str, SourceText] | None = None,
        statistics: bool = False,
        color: bool = False,
        files_checked: int = 0,
        fixed: int = 0,
        tool_version: str = __version__,
        rule_docs: dict[str, str] | None = None,
        paths: Sequence[str] = (),
        skipped: Sequence[tuple[str, str]] = (),
    ) -> None:
        self.sources: dict[str, SourceText] = sources if sources is not None else {}
        """File path -> its text, to show the offending lines."""
        self.statistics = statistics
        """Print per-code counts at the end (text reporter)."""
        self.color = color
        """Colour the text report; False when not a TTY or NO_COLOR is set."""
        self.files_checked = files_checked
        self.fixed = fixed
        """Number of fixes applied in this run (0 without ``--fix``)."""
        self.tool_version = tool_version
        self.rule_docs: dict[str, str] = rule_docs if rule_docs is not None else {}
        """Code -> one-line description (SARIF ``shortDescription``)."""
        self.paths = tuple(paths)
        """The files checked, in order, when known (JUnit lists the clean ones too)."""
        self.skipped = tuple(skipped)
        """``(path, what it is)`` of each file no rule linted: a template of a Dockerfile
        (``"a Jinja template"``)."""


def skipped_message(kind: str) -> str:
    """Why a file was skipped, in one phrase: ``a Jinja template, not a Dockerfile``."""
    return f"{kind}, not a Dockerfile"


def get_reporter(fmt: str) -> Reporter:
    """The ``report(findings, out, context)`` function of format ``fmt``.

    The reporter module is imported on first use, so unused formats cost nothing.
    """
    try:
        module_name = _MODULES[fmt]
    except KeyError:
        raise ValueError(
            f"unknown output format {fmt!r} (expected one of {', '.join(FORMATS)})"
        ) from None
    __import__(module_name)  # not importlib.import_module: importlib and warnings cost 0.6 ms
    return sys.modules[module_name].report


def sorted_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Findings ordered by file, line, column and code."""
    return sorted(findings, key=lambda finding: finding.sort_key())


def relative_path(path: str) -> str:
    """``path`` relative to the working directory when it is absolute and below it, with
    forward slashes and no leading ``./`` (how CI services name files of the checkout)."""
    import os

    if os.path.isabs(path):
        try:
            relative = os.path.relpath(path)
        except ValueError:  # another drive on Windows
            relative = path
        if not relative.startswith(".."):
            path = relative
    if os.sep != "/":
        path = path.replace(os.sep, "/")
    while path.startswith("./"):
        path = path[2:]
    return path


def xml_safe(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot hold (control characters, lone
    surrogates), each replaced by U+FFFD."""
    import re

    return re.sub("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]", "\ufffd", text)
