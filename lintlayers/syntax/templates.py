"""Whether a file is a template that renders to a Dockerfile rather than a Dockerfile.

A template is told by its name (``Dockerfile.template``, ``*.Dockerfile.j2``,
``Dockerfile.tt``, a cookiecutter folder ``{{cookiecutter.x}}/``) or, when the file
does not parse, by template tags that start a line (``{{``, ``{%``, ``<%``): such a
line is no Dockerfile instruction, so the file's parse errors come from the template
language, not from a mistake in a Dockerfile. A Dockerfile that parses is never taken
for a template by its content: ``{{`` inside a RUN (``docker inspect --format``) or a
heredoc is ordinary text there.
"""

from __future__ import annotations

import re

from lintlayers.lazy_re import lazy_compile
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from lintlayers.syntax.nodes import Dockerfile

_SUFFIXES = {
    ".template": "a template",
    ".tmpl": "a Go template",
    ".tpl": "a template",
    ".gotmpl": "a Go template",
    ".j2": "a Jinja template",
    ".jinja": "a Jinja template",
    ".jinja2": "a Jinja template",
    ".tt": "an ERB (Thor) template",
    ".erb": "an ERB template",
    ".mustache": "a Mustache template",
    ".hbs": "a Handlebars template",
    ".ncl": "a Nickel configuration",
}
"""File-name suffixes of template languages, and what to call such a file."""

_TAG = lazy_compile(r"^[ \t]*(\{\{|\{%|\{#|<%|\[%)", re.MULTILINE)
_KINDS = {"{{": "a Go or jq template", "{%": "a Jinja template", "{#": "a Jinja template"}
_KINDS |= {"<%": "an ERB template", "[%": "a Template Toolkit template"}


def template_kind(path: str | None, dockerfile: Dockerfile) -> str | None:
    """What kind of template the file is (``"a Jinja template"``), or None for a Dockerfile."""
    if path:
        name = path.replace("\\", "/").rsplit("/", 1)[-1]
        suffix = name[name.rfind(".") :].lower() if "." in name else ""
        if suffix in _SUFFIXES:
            return _SUFFIXES[suffix]
        if _in_template_folder(path.replace("\\", "/")):
            return "a cookiecutter template"
    if not dockerfile.all_errors():
        return None
    tag = _TAG.search(dockerfile.source.text)
    return _KINDS[tag.group(1)] if tag is not None else None


def _in_template_folder(path: str) -> bool:
    """Whether a folder of ``path`` ends in a ``{{...}}`` tag (``{{cookiecutter.x}}/``)."""
    for folder in path.split("/")[:-1]:
        opening = folder.find("{{")
        if opening >= 0 and folder.endswith("}}") and opening + 4 <= len(folder):
            return True
    return False
