"""LL314 whole-filesystem-copy."""

from __future__ import annotations

from lintlayers.diagnostics import Violation
from lintlayers.model.copy_args import copy_args
from lintlayers.model.paths import normalize
from lintlayers.model.shipping import ships_layers
from lintlayers.rule import Rule
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator

    from lintlayers.context import RuleContext


TOOL_BUNDLES = frozenset({"tonistiigi/xx", "gloursdocker/docker", "docker/buildx-bin"})
"""Images built ``FROM scratch`` that hold only tools laid out where they belong, made to
be copied with ``COPY --from=IMAGE / /``: xx's cross-compilation helpers, the Docker CLI
tools of awesome-compose's dev environments, buildx's binary. No base files come along."""


def _image_name(reference: str) -> str:
    """``docker.io/tonistiigi/xx:1.6@sha256:...`` -> ``tonistiigi/xx``."""
    name = reference.lower().split("@", 1)[0]
    if ":" in name.rsplit("/", 1)[-1]:
        name = name.rsplit(":", 1)[0]
    return name.removeprefix("docker.io/").removeprefix("library/")


class WholeFilesystemCopy(Rule):
    """Reports `COPY --from=STAGE / /` onto a stage that has a base image.

    ## What it does
    Reports a COPY of the whole root filesystem of another stage or image
    (`COPY --from=build / /`) into a stage that is not built `FROM scratch`.
    A source that is itself built `FROM scratch` (a stage, or a bundle of
    tools made to be copied this way such as `tonistiigi/xx` or
    `gloursdocker/docker`) brings no base files and is not reported. Nor is
    a stage whose layers never ship (used only through `COPY --from`, even
    flattened with `COPY --from=stage / /`, or only by targets named for
    tests or development): only its final files reach an image.

    ## Why it matters
    The copied root holds the source stage's base image too: every file the
    two bases share is stored again in the new layer, on top of the copy the
    base layers already ship, and files the source stage deleted still exist
    below. Copying a root is the flattening idiom for a stage `FROM scratch`;
    onto a real base, copy the folders the image needs instead.

    ## Example
    ```dockerfile
    FROM alpine:3.20 AS build
    RUN apk add --no-cache curl
    FROM alpine:3.20
    COPY --from=build / /
    ```

    ## Use instead
    ```dockerfile
    FROM alpine:3.20 AS build
    RUN apk add --no-cache curl
    FROM scratch
    COPY --from=build / /
    ```
    or copy only what the image needs (`COPY --from=build /usr/bin/curl
    /usr/bin/`) onto the base.

    ## Fix
    None: which files the image needs cannot be known.
    """

    code = "LL314"
    name = "whole-filesystem-copy"
    category = "size"
    severity = "warning"
    summary = "COPY --from of a whole root filesystem onto a base image stores it twice"
    hadolint = ("DL3067",)
    needs = ("COPY",)

    def check(self, context: RuleContext) -> Iterator[Violation]:
        model = context.model
        for stage in model.stages:
            base = stage.root_image.lower()
            if base == "scratch":
                continue
            shipped = ships_layers(context, stage)
            for outer in stage.instructions:
                instruction = outer.effective
                if instruction.keyword != "COPY" or not instruction.has_flag("from"):
                    continue
                if not shipped and outer is instruction:  # an ONBUILD trigger ships
                    continue  # only the stage's final files reach an image
                parsed = copy_args(instruction)
                destination = parsed.destination
                sources = parsed.local_sources
                if destination is None or len(sources) != 1:
                    continue
                whole = normalize("/" + sources[0].value) == "/"
                if not whole or not destination.value.startswith("/"):
                    continue
                if normalize(destination.value) != "/":
                    continue
                origin = parsed.from_stage or ""
                source_stage = model.stage_named(origin)
                source = source_stage.root_image if source_stage is not None else origin
                if source.lower() == "scratch" or _image_name(source) in TOOL_BUNDLES:
                    continue  # a root of only what was put there: nothing of a base
                shared = ""
                if source_stage is not None and source_stage.root_image.lower() == base:
                    shared = f", which is built on {base} too"
                yield Violation(
                    instruction.start,
                    instruction.end,
                    f"`COPY --from={origin} / /` stores a whole root filesystem over a base image",
                    help=(
                        f"the copied root{shared} holds its base's files, stored again on top "
                        f"of {base}'s; build FROM scratch to flatten, or copy only the folders "
                        "the image needs"
                    ),
                )
