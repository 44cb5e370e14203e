"""The interface every rule implements, built-in or from a plugin.

A rule is a class with its metadata as class attributes and a ``check``
method that yields ``Violation`` values. Rules never print and never mutate
the tree; the engine stamps code, severity and path on what they return.
The class docstring is the rule's documentation, with the sections
*What it does*, *Why it matters*, *Example*, *Use instead* and *Fix*.
"""

from __future__ import annotations

from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import ClassVar

    from lintlayers.context import RuleContext
    from lintlayers.diagnostics import Violation

BUILDERS = ("buildkit", "classic")
DOC_SECTIONS = ("What it does", "Why it matters", "Example", "Use instead", "Fix")
DOCS_URL = "https://github.com/lintlayers/lintlayers/blob/main/docs/rules.md#"


class Rule:
    """Base class of all rules."""

    code: ClassVar[str] = ""
    """Unique code such as ``LL101``."""
    name: ClassVar[str] = ""
    """Kebab-case name such as ``broad-copy-before-install``."""
    category: ClassVar[str] = ""
    """One of ``cache``, ``size``, ``metadata``, ``correctness``, ``style``."""
    severity: ClassVar[str] = "warning"
    """Default severity: ``info``, ``warning`` or ``error``."""
    summary: ClassVar[str] = ""
    """One line for the rules table."""
    hadolint: ClassVar[tuple[str, ...]] = ()
    """hadolint codes this rule corresponds to (their ignore pragmas apply)."""
    builders: ClassVar[tuple[str, ...]] = BUILDERS
    """Builders for which the rule applies."""
    lints_templates: ClassVar[bool] = False
    """Whether the rule runs on a template (``Dockerfile.j2``...): only a rule that says
    what the file is does; the others would report the template language's syntax."""
    explicit_only: ClassVar[bool] = False
    """Whether the rule runs only when selected by its exact code (``--select LL002``),
    never through ``ALL``, its category or a prefix of its code."""
    needs: ClassVar[tuple[str | tuple[str, ...], ...]] = ()
    """Instruction keywords the rule looks at, as alternatives: it reports nothing on a file
    without one of them (ONBUILD's wrapped instruction counts), so the engine does not run
    it there, and a built-in rule's module is not even imported (``lintlayers.rule_index``).
    ``("COPY", "ADD")``: a COPY or an ADD; an alternative may be a tuple of keywords all
    needed: ``(("RUN", "COPY"), ("RUN", "ADD"))``, a RUN with a COPY or with an ADD.
    Empty: the rule runs on every file (``has_needs``)."""

    def check(self, context: RuleContext) -> Iterable[Violation]:
        raise NotImplementedError

    @classmethod
    def documentation(cls) -> str:
        import inspect

        return inspect.cleandoc(cls.__doc__ or "")

    @classmethod
    def url(cls) -> str:
        """Link to the rule's section of ``docs/rules.md`` (heading ``### CODE name``)."""
        return DOCS_URL + heading_anchor(f"{cls.code} {cls.name}")


def heading_anchor(heading: str) -> str:
    """The anchor GitHub gives a Markdown heading: ``LL101 a-b`` -> ``ll101-a-b``.

    Lower-cased, punctuation other than ``-`` and ``_`` dropped, spaces made hyphens.
    """
    kept = [char for char in heading.strip().lower() if char.isalnum() or char in "-_ "]
    return "".join(kept).replace(" ", "-")


def has_needs(needs: tuple[str | tuple[str, ...], ...], keywords: frozenset[str]) -> bool:
    """Whether a file with instructions of ``keywords`` has what ``needs`` (``Rule.needs``)
    asks for."""
    if not needs:
        return True
    return any(
        need in keywords if isinstance(need, str) else keywords.issuperset(need) for need in needs
    )
