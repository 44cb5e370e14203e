"""LL390 image-wasted-bytes."""

from __future__ import annotations

from lintlayers.rule import Rule
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator

    from lintlayers.context import RuleContext
    from lintlayers.diagnostics import Violation


class ImageWastedBytes(Rule):
    """Reports, from a built image, bytes a layer stores that a later layer hides.

    ## What it does
    Reported by `lintlayers image IMAGE --dockerfile Dockerfile` only, never by
    `lintlayers check`: it reads the saved image (`docker save`, `podman save`,
    `buildah push ... docker-archive:`/`oci-archive:`/`oci:`) and finds the
    files a layer stores that a later layer overwrites (a new copy, `chown -R`,
    `chmod -R`, `touch`) or deletes (`rm`, a cleanup, an opaque folder). The
    finding points at the instruction whose layer holds those bytes and names
    the later line that hid them, with the byte count and an example path.
    Each hidden copy counts once; bytes of the base image hidden by a line of
    the Dockerfile are reported on its `FROM`.

    ## Why it matters
    A layer is immutable: deleting or rewriting a file in a later layer only
    hides it, and every image pull still downloads and stores the old bytes.
    The static rules (LL306 cleanup-in-later-layer, LL307
    recursive-chown-after-copy) predict this from the Dockerfile text; this
    one measures what the build really left, including what scripts and
    package managers did out of the linter's sight.

    ## Example
    ```dockerfile
    RUN curl -fsSLo /tmp/sdk.tgz https://example.com/sdk.tgz && tar -xzf /tmp/sdk.tgz -C /opt
    RUN rm /tmp/sdk.tgz
    COPY app /app
    RUN chown -R app:app /app
    ```

    ## Use instead
    ```dockerfile
    RUN curl -fsSLo /tmp/sdk.tgz https://example.com/sdk.tgz && tar -xzf /tmp/sdk.tgz -C /opt \\
        && rm /tmp/sdk.tgz
    COPY --chown=app:app app /app
    ```

    ## Fix
    None: the bytes are in an image that is already built. Remove files in
    the RUN that creates them, set owners and modes while copying, or build
    in a stage and copy only the result.
    """

    code = "LL390"
    name = "image-wasted-bytes"
    category = "size"
    severity = "warning"
    summary = "A built image stores bytes that a later layer overwrites or deletes"

    def check(self, context: RuleContext) -> Iterator[Violation]:
        """Nothing to do on the Dockerfile text: ``lintlayers image`` makes the findings."""
        return iter(())
