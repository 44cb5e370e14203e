"""LL104 add-url-without-checksum."""

from __future__ import annotations

import re

from lintlayers.diagnostics import Violation
from lintlayers.lazy_re import lazy_compile
from lintlayers.model.copy_args import copy_args
from lintlayers.model.scope_values import walk_values
from lintlayers.model.state import builds_on_windows
from lintlayers.model.variables import expand
from lintlayers.rule import Rule
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator

    from lintlayers.context import RuleContext
    from lintlayers.syntax.nodes import Instruction

_FULL_SHA = lazy_compile(r"[0-9a-fA-F]{40}([0-9a-fA-F]{24})?")
_COMMIT_PATH = lazy_compile(r"/[0-9a-f]{40}(?:/|\.tar\.gz|\.tgz|\.zip|$)")
"""A URL path pinned to a commit (``raw.githubusercontent.com/org/repo/<sha>/file``, an
archive of one: ``github.com/org/repo/archive/<sha>.tar.gz``)."""
_VERSIONED = lazy_compile(r"(?:^|[/_=-])v?\d+\.\d+(?:\.\d+)*(?:[-+._][0-9A-Za-z]+)*(?:[/._-]|$)")
"""A version in a URL path (``/download/v1.2.3/``, ``tool-1.2.tar.gz``): a release's file."""
_VERSION_VARIABLE = lazy_compile(r"\$\{?[A-Za-z0-9_]*(?:VERSION|_VER|_TAG|RELEASE)[A-Za-z0-9_]*\b")
"""A variable named for a version, left unexpanded (given as a build argument)."""
_VERSION_TAG = lazy_compile(r"(?:[A-Za-z][\w.]*[-_])?v?\d+(?:\.\d+)+(?:[-+._][0-9A-Za-z]+)*")
"""A Git ref naming a release (``v1.4.3``, ``1030.6.3-ld64-956.6``, ``swift-5.9-RELEASE``):
a tag, which BuildKit resolves to the same commit on every build. A single number (``v2``)
is often a major tag that moves, and a branch name is not a version."""
_MOVING = lazy_compile(
    r"(?:^|[-_.])(?:stable|branch|dev|devel|develop|main|master|head|next|nightly|latest|"
    r"snapshot|edge|x)(?:$|[-_.])",
    re.IGNORECASE,
)
"""A word that makes a version-like ref a branch that moves (``3.24-stable``, ``1.x``)."""
_FOLLOWS_UPSTREAM = lazy_compile(
    r"(?:^|[-_./])(?:latest|current|nightly|nightlies)(?:$|[-_./])|^(?:master|live)[.]",
    re.IGNORECASE,
)
"""A URL that names itself the newest build (``google-chrome-beta_current_amd64.deb``,
``tool/latest.tar.gz``, a ``nightly`` folder, a ``master.`` build host, a ``live.`` host such
as Sysinternals Live): fetched to follow upstream, where a checksum would fail the build at
the next release."""
_BRANCH_HEAD = lazy_compile(
    r"^(?:raw\.githubusercontent\.com/[^/]+/[^/]+/(?:refs/heads/)?"
    r"|github\.com/[^/]+/[^/]+/(?:raw|blob)/(?:refs/heads/)?"
    r"|github\.com/[^/]+/[^/]+/archive/(?:refs/heads/)?"
    r"|(?:www\.)?gitlab\.com/(?:[^/]+/)+-/(?:raw|archive)/"
    r"|bitbucket\.org/[^/]+/[^/]+/raw/)"
    r"(?P<ref>[^/?#]+?)(?:\.tar\.gz|\.zip)?(?:/|$)",
    re.IGNORECASE,
)
"""A file of a forge's repository at a branch (``raw.githubusercontent.com/o/r/master/f``,
``github.com/o/r/archive/main.tar.gz``, ``gitlab.com/g/r/-/raw/main/f``): the URL can name a
commit instead, which fixes the content (a version tag is a release, left alone before)."""
_SHOWN = 70
"""Longest URL quoted in a message."""


class AddUrlWithoutChecksum(Rule):
    """Reports `ADD` of a remote URL that no checksum or commit pins.

    ## What it does
    Reports `ADD http(s)://...` without `--checksum`, and `ADD` of a Git
    repository (`git@...`, `https://....git`, `...git#ref`) whose ref is not a
    full commit SHA. A URL whose path holds a full commit SHA (a raw file of a
    given commit) is not reported: its content cannot change. Nor is a URL
    whose path names a version (`/releases/download/v1.2.3/`,
    `tool-1.2.tar.gz`, or a `${TOOL_VERSION}` build argument), or a Git ref
    that is a release tag (`#v1.4.3`, `?ref=${TOOL_VERSION}` with such a
    default; not a single number like `v2`, nor a branch like `3.24-stable`):
    a release's file or tag does not change, so BuildKit's revalidation finds
    it unchanged and the step stays cached. Nor is a URL that names itself the
    newest build (`.../latest.tar.gz`, `google-chrome-stable_current_amd64.deb`,
    a `nightly` folder, a `master.` build host, a `live.` host such as
    `live.sysinternals.com`): it is fetched to follow
    upstream, re-running when upstream publishes is what its author wants, and
    a checksum would fail the build at the next release. For a file of a
    repository at a branch (`raw.githubusercontent.com/o/r/master/f`,
    `github.com/o/r/archive/main.tar.gz`, a GitLab `-/raw/main/` URL) the advice
    is a commit in the URL instead of the branch: a checksum would fail the
    build at the branch's next commit. When the ADD is the file's last
    instruction, the message says that only this step re-runs. In a stage built
    on a Windows image, which builds with the classic builder, the message is
    the classic builder's.

    ## Why it matters
    BuildKit sends a request for the URL on every build, and the step's cache
    key follows the remote content and its `Last-Modified` header: when the file
    changes upstream, the step and everything after it re-run, and the image
    silently gets different bytes. `--checksum=sha256:...` fixes the key and
    verifies the download. A Git ref such as a branch or tag is resolved to a
    commit on every build; a moved ref busts the cache the same way. The classic
    builder downloads the file on every build.

    ## Example
    ```dockerfile
    FROM alpine
    ADD https://example.com/tool/tool.tar.gz /tmp/
    ADD https://github.com/org/repo.git#main /src
    ```

    ## Use instead
    ```dockerfile
    FROM alpine
    ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d \\
        https://example.com/tool/tool.tar.gz /tmp/
    ADD https://github.com/org/repo.git#8a4f5d1c2b3e4f5061728394a5b6c7d8e9f00112 /src
    ```

    ## Fix
    None: the checksum of the remote file cannot be known without downloading
    it. The message shows the flag to add.
    """

    code = "LL104"
    name = "add-url-without-checksum"
    category = "cache"
    severity = "warning"
    summary = "ADD of a URL or Git ref that no checksum or commit SHA pins"
    needs = ("ADD",)

    def check(self, context: RuleContext) -> Iterator[Violation]:
        classic_run = context.builder == "classic"
        escape = context.dockerfile.escape
        model = context.model
        final = next(
            (stage.instructions[-1] for stage in reversed(model.stages) if stage.instructions), None
        )  # nothing is built after it: a change re-runs this step alone
        for stage in model.stages:
            if not any(item.effective.keyword == "ADD" for item in stage.instructions):
                continue  # the scope is walked for an ADD's variables only
            # Windows images build with the classic builder: no `ADD --checksum` there
            classic = classic_run or builds_on_windows(context, stage)
            for outer, scope_values in walk_values(model, stage):
                instruction = outer.effective
                if instruction.keyword != "ADD" or instruction.has_flag("checksum"):
                    continue
                values = scope_values if instruction is outer else {}
                last = instruction is outer and outer is final
                for value, start, end in _sources(instruction):
                    problem = _problem(value, expand(value, values, escape), classic, last)
                    if problem is not None:
                        message, help = problem
                        yield Violation(start, end, message, help=help)


def _sources(instruction: Instruction) -> list[tuple[str, int, int]]:
    """Source words of an ADD with their file ranges (the destination and heredocs left out)."""
    return [
        (source.value, source.start, source.end) for source in copy_args(instruction).file_sources
    ]


def _problem(value: str, expanded: str, classic: bool, last: bool) -> tuple[str, str] | None:
    """The message and help for an unpinned remote source, or ``None``.

    ``expanded`` is the source with the ARG/ENV values in scope substituted: a
    Git ref given by an ARG may turn out to be a pinned commit. ``last``: the ADD is
    the file's last instruction, so no step after it re-runs.
    """
    lowered = value.lower()
    after = "" if last else " and all after it"
    if lowered.startswith(("git@", "git://", "ssh://")):
        return _git_problem(value, expanded, after)
    if not lowered.startswith(("http://", "https://")):
        return None
    if _is_git_url(value):
        return _git_problem(value, expanded, after)
    path = expanded.split("?", 1)[0]
    if _COMMIT_PATH.search(path):
        return None  # the content at a commit never changes
    if _VERSIONED.search(path.split("://", 1)[-1].partition("/")[2]) or _VERSION_VARIABLE.search(
        value
    ):
        return None  # a release's file does not change: revalidated, it stays a cache hit
    if _FOLLOWS_UPSTREAM.search(path.split("://", 1)[-1]):
        return None  # fetched to follow upstream on purpose
    shown = _shown(value)
    branch = _BRANCH_HEAD.match(path.split("://", 1)[-1])
    if branch is not None:  # a checksum would fail the build at the branch's next commit
        pin = (
            f"put a commit in the URL in place of branch `{branch.group('ref')}`: a "
            "`--checksum` alone would fail the build at the branch's next commit"
        )
    elif classic:
        pin = "under BuildKit pin it with `--checksum=sha256:<digest>`"
    else:
        pin = "pin it with `ADD --checksum=sha256:<digest of the file>`"
    if classic:
        return (
            "ADD of a URL re-downloads it on every build with the classic builder",
            f"{shown}: the step re-runs whenever the remote file changes; {pin}"
            + ("" if branch else ", or download it in a RUN and check it with sha256sum"),
        )
    return (
        f"ADD of a URL without --checksum: a change upstream re-runs this step{after}",
        f"{shown}: BuildKit checks the URL on every build and the cache key follows the "
        f"remote content and its Last-Modified header; {pin}",
    )


def _is_git_url(value: str) -> bool:
    """An http(s) URL BuildKit treats as a Git repository: its path ends in ``.git``."""
    base = re.split(r"[#?]", value, maxsplit=1)[0]
    return base.rstrip("/").endswith(".git")


def _git_problem(value: str, expanded: str, after: str) -> tuple[str, str] | None:
    ref, pinned = _git_ref(expanded)
    if pinned or _is_release_tag(ref):
        return None
    written, _ = _git_ref(value)
    if not ref and re.fullmatch(r"\$\{?\w+\}?", written) and _VERSION_VARIABLE.search(written):
        return None  # a version given as a build argument, like a URL's ${TOOL_VERSION}
    if written and not ref:
        what = f"ref {written} (empty unless given as a build argument)"
    elif written and written != ref:
        what = f"ref {written}={ref!r}"
    else:
        what = f"ref {ref!r}" if ref else "the default branch"
    return (
        f"ADD of a Git repository at a moving ref: a moved ref re-runs this step{after}",
        f"{_shown(value)} follows {what}: BuildKit resolves it to a commit on every build "
        "and the image changes with it; pin a full commit SHA (`#<40-hex commit>`)",
    )


def _is_release_tag(ref: str) -> bool:
    return bool(_VERSION_TAG.fullmatch(ref)) and not _MOVING.search(ref)


def _git_ref(value: str) -> tuple[str, bool]:
    """The ref a Git source names and whether a full commit SHA or checksum pins it."""
    ref = ""
    base, _, fragment = value.partition("#")
    if fragment:
        ref = fragment.split(":", 1)[0]
    _, _, query = base.partition("?")
    for part in query.split("&") if query else ():
        key, _, setting = part.partition("=")
        if key == "checksum" and setting:
            return setting, True
        if key in ("ref", "tag", "branch", "commit") and setting:
            ref = setting
    return ref, bool(_FULL_SHA.fullmatch(ref))


def _shown(value: str) -> str:
    return value if len(value) <= _SHOWN else value[: _SHOWN - 3] + "..."
