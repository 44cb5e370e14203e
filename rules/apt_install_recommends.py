"""LL302 apt-install-recommends."""

from __future__ import annotations

import re

from lintlayers.diagnostics import UNSAFE, Edit, Fix, Violation
from lintlayers.model.package_commands import APT_VALUE_OPTIONS, apt_action, apt_action_word
from lintlayers.model.paths import is_within
from lintlayers.model.run_effects import effects
from lintlayers.model.size_estimates import APT_RECOMMENDS_MB, apt_recommends, package_name
from lintlayers.model.steps import copy_destination, reaches_image, sequences
from lintlayers.rule import Rule
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator

    from lintlayers.context import RuleContext
    from lintlayers.model.steps import Step
    from lintlayers.shell.commands import SimpleCommand

FLAG = "--no-install-recommends"
_CONFIGURED = re.compile(r"apt::install-recommends\W+(?:0|false|no|off)\b", re.IGNORECASE)
_OFF = frozenset({"0", "false", "no", "off"})
APT_CONF = "/etc/apt"


class AptInstallRecommends(Rule):
    """Reports `apt-get install` without `--no-install-recommends`.

    ## What it does
    Reports `apt-get install` and `apt install` commands that install the
    packages' recommended packages too: no `--no-install-recommends` and no
    `-o APT::Install-Recommends=false`. An earlier RUN of the stage (or of the
    stages it is built from) that writes `APT::Install-Recommends "0";` into
    the apt configuration, or a COPY/ADD into `/etc/apt`, counts as turning
    recommends off. Stages whose files cannot reach an image (used only as a
    `COPY --from` source of specific paths) are not checked.

    When every package of the install is known to recommend nothing on
    Debian 12, the finding is only an `info`: nothing measured would be saved.

    ## Why it matters
    Debian and Ubuntu install "recommended" packages by default: often tens or
    hundreds of MB (documentation, X libraries, compilers) that a container
    never uses. Measured on Debian 12: 15 MB more for `git`, 88 MB for `gcc`
    (and for most `-dev` packages, whose `libc6-dev` recommends a compiler),
    380 MB for `python3-pip`; the message names the largest measured one.

    ## Example
    ```dockerfile
    RUN apt-get update && apt-get install -y curl
    ```

    ## Use instead
    ```dockerfile
    RUN apt-get update && apt-get install -y --no-install-recommends curl
    ```

    ## Fix
    Unsafe: inserts ` --no-install-recommends` right after `install`. It
    changes which packages are installed: software that relied on a
    recommended package (for example `ca-certificates` for `curl` over HTTPS)
    may need it added to the list by hand.
    """

    code = "LL302"
    name = "apt-install-recommends"
    category = "size"
    severity = "warning"
    summary = "apt-get install without --no-install-recommends installs extra packages"
    hadolint = ("DL3015",)

    def check(self, context: RuleContext) -> Iterator[Violation]:
        configured: dict[int, bool] = {}  # stage index -> recommends turned off by its end
        for steps in sequences(context):
            if not steps:
                continue
            stage = steps[0].stage
            off = configured.get(stage.base_stage.index, False) if stage.base_stage else False
            if steps[0].onbuild:
                off = configured.get(stage.index, off)
            for step in steps:
                if step.keyword in ("COPY", "ADD") and _writes_apt_config(step):
                    off = True
                if step.keyword != "RUN":
                    continue
                text = step.instruction.arguments + "".join(
                    heredoc.content for heredoc in step.instruction.heredocs
                )
                if off or not (step.onbuild or reaches_image(context, step.stage)):
                    off = off or bool(_CONFIGURED.search(text))
                    continue
                run = effects(context, step)
                for index, command in enumerate(run.commands):
                    if apt_action(command) != "install" or _recommends_off(command):
                        continue
                    word = apt_action_word(command)
                    if word is None:
                        continue
                    start, end = run.span_range(index, command.words[0], word)
                    fix = None
                    if word.raw == "install":
                        fix = Fix(
                            f"Add `{FLAG}` (unsafe: installs fewer packages)",
                            [Edit.insert(run.word_range(index, word)[1], " " + FLAG)],
                            UNSAFE,
                        )
                    waste, detail, severity = _waste(command)
                    yield Violation(
                        start,
                        end,
                        f"`{command.name} install` without `{FLAG}` {waste}",
                        fix,
                        severity=severity,
                        help=f"{detail}; add `{FLAG}` and list what the image really needs",
                    )
                off = off or bool(_CONFIGURED.search(text))
            if not steps[0].onbuild:
                configured[stage.index] = off


def _waste(command: SimpleCommand) -> tuple[str, str, str | None]:
    """What the recommended packages of an install add (for the message), the detail,
    and the severity when it is lower than the rule's (``info``: nothing to save)."""
    packages = command.positional_args(APT_VALUE_OPTIONS)[1:]
    found = apt_recommends(packages)
    if found is not None and found[0].low:
        size, name = found
        return (
            f"adds {size.text()} of recommended packages",
            f"{size.text()} for {name} alone, {size.source}",
            None,
        )
    if packages and all(package_name(name) in APT_RECOMMENDS_MB for name in packages):
        return (
            "(these packages recommend nothing on Debian 12)",
            "other releases may differ",
            "info",
        )
    return (
        "also installs recommended packages",
        "they often add tens of MB the image never uses",
        None,
    )


def _recommends_off(command: SimpleCommand) -> bool:
    if command.has_flag(FLAG):
        return True
    for value in command.flag_values("-o", "--option"):
        key, _, setting = value.partition("=")
        if key.strip().lower() == "apt::install-recommends" and setting.strip().lower() in _OFF:
            return True
    return False


def _writes_apt_config(step: Step) -> bool:
    destination = copy_destination(step)
    return destination is not None and is_within(destination, APT_CONF)
