"""LL313 useradd-high-uid."""

from __future__ import annotations

from lintlayers.diagnostics import SAFE, Edit, Fix, Violation
from lintlayers.model.paths import expand_known
from lintlayers.model.run_effects import effects
from lintlayers.model.size_estimates import format_bytes
from lintlayers.model.steps import reaches_image, sequences
from lintlayers.rule import Rule
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator

    from lintlayers.context import RuleContext

LASTLOG_RECORD = 292
"""Bytes per UID of ``/var/log/lastlog`` (``struct lastlog`` on 64-bit Linux); the file
is sparse on disk, but a layer stores every byte."""
FAILLOG_RECORD = 32
"""Bytes per UID of ``/var/log/faillog`` (``struct faillog``)."""
MIN_BYTES = 10_000_000
"""Below this the log files cost too little to report (UID 34,000 and more)."""
NO_LOG_INIT = ("-l", "--no-log-init")


class UseraddHighUid(Rule):
    """Reports `useradd` with a high `--uid` and without `--no-log-init`.

    ## What it does
    Reports `useradd -u UID` (or `--uid`) without `-l`/`--no-log-init` when the
    UID is high enough that the login records useradd writes weigh 10 MB or
    more: `/var/log/lastlog` holds 292 bytes for every UID up to the new one,
    `/var/log/faillog` 32. A UID given by a variable is used when its value is
    known.

    ## Why it matters
    The two files are sparse on disk, but an image layer is a tar archive and
    stores every zero byte: UID 1,000,000 adds about 324 MB to the image, UID
    100,000 about 32 MB. `--no-log-init` skips them; nothing in a container
    reads them.

    ## Example
    ```dockerfile
    FROM debian:bookworm-slim
    RUN useradd -u 100000 app
    ```

    ## Use instead
    ```dockerfile
    FROM debian:bookworm-slim
    RUN useradd --no-log-init -u 100000 app
    ```

    ## Fix
    Safe: inserts `--no-log-init` after `useradd`. The user is created the
    same; only the lastlog and faillog records are left out.
    """

    code = "LL313"
    name = "useradd-high-uid"
    category = "size"
    severity = "warning"
    summary = "useradd with a high UID and without --no-log-init writes huge log files"
    hadolint = ("DL3046",)
    needs = ("RUN",)

    def check(self, context: RuleContext) -> Iterator[Violation]:
        for steps in sequences(context):
            for step in steps:
                if step.keyword != "RUN":
                    continue
                if not (step.onbuild or reaches_image(context, step.stage)):
                    continue
                run = effects(context, step)
                for index, command in enumerate(run.commands):
                    if command.name != "useradd" or command.has_flag(*NO_LOG_INIT):
                        continue
                    value = command.flag_value("-u", "--uid")
                    if value is None:
                        continue
                    uid = expand_known(value, run.env_at(index)).strip("'\"")
                    if not uid.isdigit():
                        continue
                    size = (int(uid) + 1) * (LASTLOG_RECORD + FAILLOG_RECORD)
                    if size < MIN_BYTES:
                        continue
                    start, end = run.command_range(index)
                    name_end = run.word_range(index, command.words[0])[1]
                    edit = Edit.insert(name_end, " --no-log-init")
                    fix = Fix("Add `--no-log-init`", [edit], SAFE)
                    yield Violation(
                        start,
                        end,
                        f"`useradd -u {uid}` without `--no-log-init` writes {format_bytes(size)} "
                        "of zeros into this layer",
                        fix,
                        help=(
                            "/var/log/lastlog and faillog get a record for every UID up to this "
                            "one; a layer stores their sparse bytes, and no container reads them"
                        ),
                    )
