"""LL315 gem-documentation."""

from __future__ import annotations

from lintlayers.diagnostics import SAFE, Fix, Violation
from lintlayers.lazy_re import lazy_compile
from lintlayers.model.run_effects import effects
from lintlayers.model.steps import copy_destination, reaches_image, sequences
from lintlayers.rule import Rule
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator

    from lintlayers.context import RuleContext
    from lintlayers.model.steps import Step

NO_DOCUMENT = ("-N", "--no-document", "--no-rdoc", "--no-ri")
GEM_VALUE_OPTIONS = ("-v", "--version", "-i", "--install-dir", "-n", "--bindir", "--source")
_GEMRC_OFF = lazy_compile(r"\b(?:gem|install|update):[^\n]*?--no-(document|rdoc|ri)")
"""A gemrc line turning documentation off: ``gem: --no-document`` or the per-command
``install: --no-document`` / ``update: --no-document`` (written by ``echo`` with a
``\\n`` between them, as the early official ruby images did)."""
RUBY_IMAGES = (
    "ruby",
    "library/ruby",
    "docker.io/library/ruby",
    "bitnami/ruby",
    "mcr.microsoft.com/devcontainers/ruby",
    "mcr.microsoft.com/vscode/devcontainers/ruby",
)
"""Images whose ``/usr/local/etc/gemrc`` already holds ``--no-document``: the official
``ruby`` images, and the dev container images built ``FROM ruby:<variant>``
(``devcontainers/images`` ``src/ruby/.devcontainer/Dockerfile``)."""


class GemDocumentation(Rule):
    """Reports `gem install` that also installs the gems' documentation.

    ## What it does
    Reports `gem install` (and `gem update`) without `--no-document` (`-N`)
    in a stage whose base does not turn documentation off already: the
    official `ruby` images (and the dev container images built on them) write
    `gem: --no-document` into their `gemrc`, and an earlier step of the stage
    may write one (`echo 'gem: --no-document' > ~/.gemrc`, the per-command
    `install: --no-document` and `update: --no-document`, or a COPY of a
    `gemrc`).

    ## Why it matters
    RubyGems generates ri and RDoc documentation for every gem it installs,
    often several MB per gem, that nothing in a container reads.

    ## Example
    ```dockerfile
    FROM debian:bookworm-slim
    RUN apt-get update && apt-get install -y --no-install-recommends ruby \\
        && gem install bundler && rm -rf /var/lib/apt/lists/*
    ```

    ## Use instead
    ```dockerfile
    FROM debian:bookworm-slim
    RUN apt-get update && apt-get install -y --no-install-recommends ruby \\
        && gem install --no-document bundler && rm -rf /var/lib/apt/lists/*
    ```

    ## Fix
    Safe: inserts `--no-document` after `install` (or `update`); the same
    gems are installed.
    """

    code = "LL315"
    name = "gem-documentation"
    category = "size"
    severity = "warning"
    summary = "gem install without --no-document stores documentation nothing reads"
    needs = ("RUN",)

    def check(self, context: RuleContext) -> Iterator[Violation]:
        off_by_stage: dict[int, bool] = {}
        for steps in sequences(context):
            if not steps:
                continue
            stage = steps[0].stage
            base = stage.root_image.lower().split("@", 1)[0].rsplit(":", 1)[0]
            off = base in RUBY_IMAGES or off_by_stage.get(
                stage.base_stage.index if stage.base_stage else -1, False
            )
            for step in steps:
                if step.keyword in ("COPY", "ADD") and _writes_gemrc(step):
                    off = True
                if step.keyword != "RUN":
                    continue
                if not off and (step.onbuild or reaches_image(context, step.stage)):
                    yield from _check_run(context, step)
                text = step.instruction.arguments + "".join(
                    heredoc.content for heredoc in step.instruction.heredocs
                )
                off = off or (_names_no_document(text) and bool(_GEMRC_OFF.search(text)))
            if not steps[0].onbuild:
                off_by_stage[stage.index] = off


def _names_no_document(text: str) -> bool:
    """Whether ``text`` holds an option ``_GEMRC_OFF`` looks for (the pattern compiles only
    then)."""
    return "--no-document" in text or "--no-rdoc" in text or "--no-ri" in text


def _check_run(context: RuleContext, step: Step) -> Iterator[Violation]:
    run = effects(context, step)
    for index, command in enumerate(run.commands):
        if command.name != "gem" or command.has_flag(*NO_DOCUMENT):
            continue
        positional = command.positional_args(GEM_VALUE_OPTIONS)
        if not positional or positional[0] not in ("install", "i", "update"):
            continue
        action = next(word for word in command.words[1:] if word.value == positional[0])
        start, end = run.span_range(index, command.words[0], action)
        from lintlayers.model.run_edits import add_flag

        edit = add_flag(run, index, action, "--no-document")
        yield Violation(
            start,
            end,
            f"`gem {positional[0]}` without `--no-document` also stores the gems' ri and "
            "RDoc documentation in the image",
            Fix("Add `--no-document`", [edit], SAFE),
        )


def _writes_gemrc(step: Step) -> bool:
    destination = copy_destination(step)
    return destination is not None and destination.rstrip("/").endswith("gemrc")
