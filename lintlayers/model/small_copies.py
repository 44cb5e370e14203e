"""Whether a COPY/ADD brings in only small files: too little for a size finding to matter.

With a build context the copied bytes are exact (``size_estimates.copied_bytes``);
without one, sources whose names are all scripts or configuration files count as small.
"""

from __future__ import annotations

from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from lintlayers.context import RuleContext
    from lintlayers.model.steps import Step

SMALL_COPY_BYTES = 64_000
"""Below this, storing the files twice or removing them later saves nothing worth a change."""

SMALL_TEXT = frozenset(
    {"sh", "bash", "zsh", "ps1", "psm1", "cmd", "bat", "env", "txt", "md", "rst", "yml", "yaml",
     "json", "toml", "ini", "cfg", "conf", "patch", "diff", "list", "asc", "gpg", "pub", "pem",
     "crt", "key", "gemspec", "py", "rb", "pl", "properties", "xml", "template", "tmpl", "lisp"}
)  # fmt: skip
"""Extensions of files too small for a later removal to matter (scripts, configuration)."""

SMALL_NAMES = frozenset({"authorized_keys", "known_hosts", "entrypoint", "run", "Procfile"})
"""File names without such an extension that are small all the same."""


def small_text_sources(step: Step) -> bool:
    """Whether a COPY/ADD names only small text files (scripts, configuration), local or
    downloaded (``ADD https://blackarch.org/strap.sh``)."""
    from lintlayers.model.steps import copy_sources

    sources = copy_sources(step)
    if not sources:
        return False
    for source in sources:
        if "://" in source:  # a URL's file: ``https://blackarch.org/strap.sh``
            source = source.partition("://")[2].partition("?")[0].partition("#")[0]
            if "/" not in source.strip("/"):
                return False  # a host alone names no file
        name = source.rstrip("/").rpartition("/")[2].rstrip("*?").strip("'\"")
        extension = name.rpartition(".")[2].lower() if "." in name else ""
        if extension not in SMALL_TEXT and name not in SMALL_NAMES:
            return False
    return True


def small_copy(context: RuleContext, step: Step) -> bool:
    """Whether a COPY/ADD copies under ``SMALL_COPY_BYTES``: exact with a build
    context, else judged by the sources' names."""
    from lintlayers.model.size_estimates import copied_bytes

    size = copied_bytes(context, step)
    if size is not None and size.low is not None:
        return size.low < SMALL_COPY_BYTES
    return small_text_sources(step)
