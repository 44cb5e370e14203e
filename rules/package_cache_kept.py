"""LL316 package-cache-kept."""

from __future__ import annotations

from lintlayers.diagnostics import SAFE, Fix, Violation
from lintlayers.model.ecosystems import ecosystem
from lintlayers.model.kept_caches import GENERIC_KINDS, every_kept_cache, removed_later_clause
from lintlayers.model.mounts import cache_mount_advice
from lintlayers.model.package_commands import CACHE_DIRS, CACHE_LABELS, DNF_CACHE
from lintlayers.model.run_effects import effects
from lintlayers.rule import Rule
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator

    from lintlayers.context import RuleContext
    from lintlayers.model.kept_caches import KeptCache
    from lintlayers.model.steps import Step

KINDS = GENERIC_KINDS
"""Package data this rule reports (yum, dnf, zypper, pacman, conda); apt, apk, pip, npm
and yarn have rules of their own (LL301, LL303, LL304, LL305)."""
KEPT = {
    "yum": "the repository metadata",
    "dnf": "the repository metadata",
    "zypper": "the repository metadata",
    "pacman": "every downloaded package",
    "conda": "every downloaded package",
}
"""What each kind's cache holds after an install by default: yum, dnf and zypper delete
the packages once installed (``keepcache``/``keeppackages`` off) but keep the metadata of
every repository (tens to hundreds of MB); pacman and conda keep the packages too."""
CLEANUP = {"microdnf": "microdnf clean all", "tdnf": "tdnf clean all", "mamba": "mamba clean -afy"}
"""Cleanup commands of programs that share another's package data (``microdnf``: dnf's)."""


class PackageCacheKept(Rule):
    """Reports a yum, dnf, zypper, pacman or conda install whose package cache stays in the layer.

    ## What it does
    Reports `yum`/`dnf`/`microdnf`/`tdnf install` (and `update`, `groupinstall`),
    `zypper install`, `pacman -S` and `conda`/`mamba`/`micromamba install`
    (`create`, `env create`) in a RUN that neither cleans the package cache
    afterwards (`yum clean all`, `dnf clean all`, `zypper clean`,
    `pacman -Scc`, `conda clean -a`, or `rm -rf` of the cache folder) nor keeps it
    in a cache or tmpfs mount. An install that runs only when a file exists that
    an earlier COPY brings only if the build context has it (`COPY environment.yml*
    noop.txt /tmp/conda-tmp/`, then `if [ -f /tmp/conda-tmp/environment.yml ]`) is
    not reported unless the build context holds that file. Each tool's cleanup
    command comes from the ecosystem table (`lintlayers/model/ecosystems.py`);
    apt, apk, pip, npm and yarn have their own rules (LL301, LL303, LL304, LL305).

    When a later RUN of the stage removes the cache, the help says that removal
    does not take it out of this layer (`cleanup-in-later-layer` leaves it to
    this finding).

    ## Why it matters
    These tools keep what they downloaded in `/var/cache/yum`,
    `/var/cache/dnf`, `/var/cache/zypp`, `/var/cache/pacman/pkg` or the conda
    `pkgs` folder: the metadata of every repository (yum, dnf and zypper
    delete the packages once installed unless told to keep them), and every
    package too (pacman, conda); often tens to hundreds of MB that nothing in
    the running container reads. Cleaning up in a later
    RUN does not help: the bytes stay in this layer.

    ## Example
    ```dockerfile
    FROM rockylinux:9
    RUN dnf install -y python3
    ```

    ## Use instead
    ```dockerfile
    FROM rockylinux:9
    RUN dnf install -y python3 && dnf clean all
    ```
    or, with BuildKit, `RUN --mount=type=cache,target=/var/cache/dnf,sharing=locked
    dnf install -y python3` to keep the cache between builds outside the image.

    ## Fix
    Safe: appends the tool's cleanup command (`&& dnf clean all`) at the end of
    the RUN, in the RUN's style, when the RUN is a shell-form command list
    without heredocs that ends with a plain command.
    """

    code = "LL316"
    name = "package-cache-kept"
    category = "size"
    severity = "warning"
    summary = "yum/dnf/zypper/pacman/conda install keeps its package cache in the layer"
    hadolint = ("DL3032", "DL3040", "DL3036")
    needs = ("RUN",)

    def check(self, context: RuleContext) -> Iterator[Violation]:
        for step, kept in every_kept_cache(context, KINDS):
            yield _violation(context, step, kept)


def _violation(context: RuleContext, step: Step, kept: KeptCache) -> Violation:
    run = effects(context, step)
    index = kept.index
    command = run.commands[index]
    kind = kept.kind
    entry = ecosystem(kind)
    cleanup = CLEANUP.get(command.name) or (entry.cleanup[0] if entry else "")
    if command.name == "micromamba" and entry is not None:
        cleanup = next((item for item in entry.cleanup if "micromamba" in item), cleanup)
    label = CACHE_LABELS[kind]
    later = removed_later_clause(context, step, kept, "it")
    dirs = CACHE_DIRS[kind]
    if kind == "yum" and run.yum_is_dnf:  # yum is DNF there: its cache is DNF's
        dirs = (DNF_CACHE,)
    help = f"{', '.join(dirs)} keeps {KEPT[kind]} it downloaded{later}; "
    if context.builder == "buildkit":
        advice = cache_mount_advice(kind, dirs if dirs != CACHE_DIRS[kind] else None)
        help += f"keep it out of the image with a cache mount ({advice}) or "
    help += f"end this RUN with `{cleanup}`"
    fix = None
    from lintlayers.model.run_edits import append_to_run

    edit = append_to_run(run, cleanup) if cleanup else None
    if edit is not None:
        fix = Fix(f"Append `{cleanup}`", [edit], SAFE)
    start, end = run.command_range(index)
    return Violation(
        start, end, f"`{command.name}` leaves the {label} in this layer", fix, help=help
    )
