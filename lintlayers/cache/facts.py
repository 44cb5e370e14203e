"""What busts the build cache, as data: one table per builder.

``FACTS[builder][form]`` says, for one form of instruction (``RUN``, ``COPY --from``,
``ADD url``, a ``--mount`` type...), whether it is a cache step, what filesystem layer
it makes and which inputs enter its cache key. The plan (``steps.py``), the prediction
(``predict.py``), the rules and the reorder engine read this table; nothing else
decides these questions. Sources: ``/work/shared/docs/cache-semantics.md`` (checked
against BuildKit's ``dockerfile2llb/convert.go`` and moby's ``builder/dockerfile``).

Builders: ``buildkit`` (``docker build`` since Engine 23.0) and ``classic`` (the
legacy builder, and buildah ``--layers`` and kaniko, which commit every instruction
keyed on the parent and the full config).

buildah 1.28 matches ``classic`` step for step (``tests/test_cache_replay.py``) but for
one thing: it keys a config instruction on its text as written, not on the resulting
config, so an ENV or LABEL expanding a changed build arg hits and keeps the previous
value (containers/buildah#5575); its RUN keys carry the build args as classic ones do.
It also skips stages the target does not need, as BuildKit does.
"""

from __future__ import annotations

from lintlayers.model.metadata import METADATA
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from lintlayers.model.copy_args import CopyArgs
    from lintlayers.syntax.nodes import Instruction

BUILDKIT = "buildkit"
CLASSIC = "classic"
BUILDERS = (BUILDKIT, CLASSIC)

# -- what can enter a key ------------------------------------------------------------------

PARENT = "parent"
"""The state the step starts from: every earlier step of its chain."""
COMMAND = "command"
"""The instruction's own text after the builder expanded it (argv for RUN, heredocs too)."""
RUN_ENV = "run-env"
"""Every ENV and every ARG with a value in scope, used by the command or not."""
BUILD_ARGS = "build-args"
"""Classic: the build args with a value in scope, prepended to the command in the key."""
EXPANDED = "expanded"
"""The ARG/ENV values the instruction itself expands (``COPY $SRC``, ``WORKDIR $DIR``)."""
CONFIG = "config"
"""Classic: the whole image config (ENV, USER, WORKDIR, labels, CMD...)."""
CONTEXT_FILES = "context-files"
"""Content, name, mode, uid/gid, size, type, link target of the selected context files."""
COPY_OPTIONS = "copy-options"
"""Destination and ``--chown/--chmod/--link/--exclude/--parents``."""
STAGE_CONTENT = "stage-content"
"""Content checksum of the paths copied from another stage (identical output still hits).

Every builder keys ``COPY --from`` so: BuildKit, moby's classic builder (the source files'
hash in the step's comment) and buildah (checked by ``tests/test_cache_replay.py``)."""
BASE_DIGEST = "base-digest"
"""The digest the base image reference resolves to (a moving tag moves on ``--pull``)."""
BASE_STAGE = "base-stage"
"""The final state of the stage a ``FROM <stage>`` builds on."""
REMOTE_CONTENT = "remote-content"
"""Downloaded content (and Last-Modified): checked again on every build."""
CHECKSUM = "checksum"
"""A pinned digest (``ADD --checksum``): fixed."""
GIT_COMMIT = "git-commit"
"""The commit a Git ref resolves to at build time."""
MOUNT_SPEC = "mount-spec"
"""The ``--mount`` spec (type, id, target, options), never the mounted contents."""
MOUNT_FILES = "mount-files"
"""Checksums of the files a bind mount exposes, like COPY."""
USER = "user"
WORKDIR = "workdir"
SHELL = "shell"
"""The SHELL that wraps shell-form RUNs."""
SOURCE_DATE_EPOCH = "source-date-epoch"
"""The created time of the WORKDIR mkdir (buildx copies SOURCE_DATE_EPOCH from the host)."""

KEY_INPUTS = (
    PARENT, COMMAND, RUN_ENV, BUILD_ARGS, EXPANDED, CONFIG, CONTEXT_FILES, COPY_OPTIONS,
    STAGE_CONTENT, BASE_DIGEST, BASE_STAGE, REMOTE_CONTENT, CHECKSUM, GIT_COMMIT,
    MOUNT_SPEC, MOUNT_FILES, USER, WORKDIR, SHELL, SOURCE_DATE_EPOCH,
)  # fmt: skip

# -- layers --------------------------------------------------------------------------------

LAYER = "layer"
"""A filesystem layer on top of the previous state."""
INDEPENDENT_LAYER = "independent"
"""A layer made on scratch and merged in (``COPY --link``)."""
NO_LAYER = "none"
"""Config only, or a mount that never reaches the image."""
BASE_LAYER = "base"
"""The base image of a stage."""
LAYER_UNLESS_ROOT = "unless-root"
"""WORKDIR: a mkdir layer unless the directory is ``/``."""

# -- forms ---------------------------------------------------------------------------------

_METADATA_FORMS = tuple(sorted(METADATA))
"""Config-only instructions (``model.metadata``): no cache step under BuildKit, one each
under classic."""

FROM = "FROM"
FROM_STAGE = "FROM stage"
RUN = "RUN"
COPY = "COPY"
COPY_FROM = "COPY --from"
COPY_LINK = "COPY --link"
ADD = "ADD"
ADD_URL = "ADD url"
ADD_URL_CHECKSUM = "ADD url --checksum"
ADD_GIT = "ADD git"
ADD_GIT_PINNED = "ADD git pinned"
ENV = "ENV"
ARG = "ARG"
GLOBAL_ARG = "ARG (global)"
SHELL_FORM = "SHELL"
WORKDIR_FORM = "WORKDIR"
USER_FORM = "USER"
MOUNT_CACHE = "mount=cache"
MOUNT_BIND = "mount=bind"
MOUNT_SECRET = "mount=secret"
MOUNT_SSH = "mount=ssh"
MOUNT_TMPFS = "mount=tmpfs"
MOUNT_FORMS = {
    "cache": MOUNT_CACHE,
    "bind": MOUNT_BIND,
    "secret": MOUNT_SECRET,
    "ssh": MOUNT_SSH,
    "tmpfs": MOUNT_TMPFS,
}


class Facts:
    """How one form of instruction behaves for the cache under one builder.

    ``cache_step``: the builder looks it up in the cache (and a miss there re-runs
    everything after it in the chain). ``layer``: one of the ``*LAYER`` constants.
    ``key``: the ``KEY_INPUTS`` that enter its key; without ``PARENT`` the step's key
    does not depend on earlier steps (``COPY --link``). ``volatile``: the key may change
    on any build without a change the Dockerfile or context shows (a URL, a moving Git
    ref). ``inherits``: a miss of a referenced stage makes it miss. ``supported``:
    False where the builder has no such thing (``--mount`` under classic). ``note``
    says what to tell users.
    """

    __slots__ = ("cache_step", "inherits", "key", "layer", "note", "supported", "volatile")

    def __init__(
        self,
        cache_step: bool,
        layer: str,
        key: tuple[str, ...],
        *,
        volatile: bool = False,
        inherits: bool = False,
        supported: bool = True,
        note: str = "",
    ) -> None:
        self.cache_step = cache_step
        self.layer = layer
        self.key = key
        self.volatile = volatile
        self.inherits = inherits
        self.supported = supported
        self.note = note

    @property
    def chained(self) -> bool:
        """Whether the key depends on the steps before it (all but ``COPY --link``)."""
        return PARENT in self.key

    def __repr__(self) -> str:
        return f"Facts(step={self.cache_step}, layer={self.layer}, key={self.key})"


_NOT_A_STEP = Facts(False, NO_LAYER, (), note="config only: no cache step")
_CLASSIC_CONFIG = Facts(
    True, NO_LAYER, (PARENT, COMMAND, EXPANDED, CONFIG), note="a config commit keyed on parent"
)

FACTS: dict[str, dict[str, Facts]] = {
    BUILDKIT: {
        FROM: Facts(True, BASE_LAYER, (BASE_DIGEST, EXPANDED)),
        FROM_STAGE: Facts(True, BASE_LAYER, (BASE_STAGE, EXPANDED), inherits=True),
        RUN: Facts(
            True,
            LAYER,
            (PARENT, COMMAND, RUN_ENV, USER, WORKDIR, SHELL, MOUNT_SPEC),
            note="not the command's results: a cached step is never re-run",
        ),
        COPY: Facts(True, LAYER, (PARENT, CONTEXT_FILES, COPY_OPTIONS, EXPANDED)),
        ADD: Facts(True, LAYER, (PARENT, CONTEXT_FILES, COPY_OPTIONS, EXPANDED)),
        COPY_FROM: Facts(
            True,
            LAYER,
            (PARENT, STAGE_CONTENT, COPY_OPTIONS, EXPANDED),
            inherits=True,
            note="keyed on the content copied: an upstream rebuild with identical output hits",
        ),
        COPY_LINK: Facts(
            True,
            INDEPENDENT_LAYER,
            (CONTEXT_FILES, COPY_OPTIONS, EXPANDED),
            note="copied on scratch: independent of earlier layers; later RUNs still depend "
            "on the merged state",
        ),
        ADD_URL: Facts(
            True,
            LAYER,
            (PARENT, REMOTE_CONTENT, COPY_OPTIONS, EXPANDED),
            volatile=True,
            note="re-checked on every build: the key follows the remote content and its "
            "Last-Modified header",
        ),
        ADD_URL_CHECKSUM: Facts(True, LAYER, (PARENT, CHECKSUM, COPY_OPTIONS, EXPANDED)),
        ADD_GIT: Facts(
            True,
            LAYER,
            (PARENT, GIT_COMMIT, COPY_OPTIONS, EXPANDED),
            volatile=True,
            note="the ref is resolved on every build: a moving branch or tag misses",
        ),
        ADD_GIT_PINNED: Facts(True, LAYER, (PARENT, GIT_COMMIT, COPY_OPTIONS, EXPANDED)),
        ENV: Facts(False, NO_LAYER, (), note="joins the environment of every later RUN"),
        ARG: Facts(
            False,
            NO_LAYER,
            (),
            note="with a value, joins the environment of every later RUN of the stage",
        ),
        GLOBAL_ARG: Facts(False, NO_LAYER, (), note="matters in a stage only if re-declared"),
        SHELL_FORM: Facts(False, NO_LAYER, (), note="changes the argv of later shell-form RUNs"),
        WORKDIR_FORM: Facts(
            True, LAYER_UNLESS_ROOT, (PARENT, COMMAND, EXPANDED, USER, SOURCE_DATE_EPOCH)
        ),
        USER_FORM: Facts(False, NO_LAYER, (), note="user of later RUNs and WORKDIR mkdirs"),
        **dict.fromkeys(_METADATA_FORMS, _NOT_A_STEP),
        MOUNT_CACHE: Facts(False, NO_LAYER, (MOUNT_SPEC,), note="contents never enter the key"),
        MOUNT_BIND: Facts(False, NO_LAYER, (MOUNT_SPEC, MOUNT_FILES)),
        MOUNT_SECRET: Facts(
            False, NO_LAYER, (MOUNT_SPEC,), note="a rotated secret does not re-run the step"
        ),
        MOUNT_SSH: Facts(False, NO_LAYER, (MOUNT_SPEC,)),
        MOUNT_TMPFS: Facts(False, NO_LAYER, (MOUNT_SPEC,)),
    },
    CLASSIC: {
        FROM: Facts(
            True, BASE_LAYER, (BASE_DIGEST, EXPANDED), note="the local image unless pulled"
        ),
        FROM_STAGE: Facts(True, BASE_LAYER, (BASE_STAGE, EXPANDED), inherits=True),
        RUN: Facts(
            True,
            LAYER,
            (PARENT, COMMAND, BUILD_ARGS, CONFIG),
            note="build args are prepended to the command in the key",
        ),
        COPY: Facts(True, LAYER, (PARENT, CONTEXT_FILES, COPY_OPTIONS, EXPANDED, CONFIG)),
        ADD: Facts(True, LAYER, (PARENT, CONTEXT_FILES, COPY_OPTIONS, EXPANDED, CONFIG)),
        COPY_FROM: Facts(
            True,
            LAYER,
            (PARENT, STAGE_CONTENT, COPY_OPTIONS, EXPANDED, CONFIG),
            inherits=True,
            note="keyed on the content copied (moby hashes the files as for a context COPY, "
            "buildah digests what it copied): an upstream rebuild with identical output hits",
        ),
        COPY_LINK: Facts(
            True,
            LAYER,
            (PARENT, CONTEXT_FILES, COPY_OPTIONS, EXPANDED, CONFIG),
            note="--link has no effect: a plain COPY",
        ),
        ADD_URL: Facts(
            True,
            LAYER,
            (PARENT, REMOTE_CONTENT, COPY_OPTIONS, EXPANDED, CONFIG),
            volatile=True,
            note="downloaded on every build",
        ),
        ADD_URL_CHECKSUM: Facts(
            True,
            LAYER,
            (PARENT, REMOTE_CONTENT, COPY_OPTIONS, EXPANDED, CONFIG),
            volatile=True,
            note="--checksum is BuildKit's: downloaded on every build",
        ),
        ADD_GIT: Facts(
            True,
            LAYER,
            (PARENT, REMOTE_CONTENT, COPY_OPTIONS, EXPANDED, CONFIG),
            volatile=True,
            note="fetched on every build",
        ),
        ADD_GIT_PINNED: Facts(
            True,
            LAYER,
            (PARENT, REMOTE_CONTENT, COPY_OPTIONS, EXPANDED, CONFIG),
            volatile=True,
            note="fetched on every build",
        ),
        ENV: _CLASSIC_CONFIG,
        ARG: Facts(
            True,
            NO_LAYER,
            (PARENT, COMMAND, CONFIG),
            note="the declaration is the key; the value passed is prepended to later RUNs",
        ),
        GLOBAL_ARG: Facts(False, NO_LAYER, (), note="matters in a stage only if re-declared"),
        SHELL_FORM: _CLASSIC_CONFIG,
        WORKDIR_FORM: Facts(True, LAYER_UNLESS_ROOT, (PARENT, COMMAND, EXPANDED, CONFIG)),
        USER_FORM: _CLASSIC_CONFIG,
        **dict.fromkeys(_METADATA_FORMS, _CLASSIC_CONFIG),
        **{
            form: Facts(False, NO_LAYER, (), supported=False, note="no --mount: n/a")
            for form in MOUNT_FORMS.values()
        },
    },
}
"""The facts, per builder and instruction form."""


def facts(builder: str, form: str) -> Facts:
    """The facts of ``form`` under ``builder`` (``KeyError`` for an unknown one)."""
    return FACTS[builder][form]


# -- classifying instructions and sources ----------------------------------------------------

_HEX = frozenset("0123456789abcdef")


def source_type(value: str) -> str:
    """``"url"``, ``"git"`` or ``"local"`` for an ADD/COPY source as BuildKit reads it."""
    from lintlayers.model.copy_args import source_kind

    return source_kind(value)


def git_pinned(value: str) -> bool:
    """Whether a Git source names a full commit SHA (``#<40 hex>``) or a checksum."""
    base, _, fragment = value.partition("#")
    ref = fragment.split(":", 1)[0]
    _, _, query = base.partition("?")
    for part in query.split("&") if query else ():
        key, _, setting = part.partition("=")
        if key == "checksum" and setting:
            return True
        if key in ("ref", "tag", "branch", "commit") and setting:
            ref = setting
    return len(ref) in (40, 64) and set(ref.lower()) <= _HEX


def form_of(
    instruction: Instruction,
    sources: list[str],
    *,
    stage_reference: bool,
    parsed: CopyArgs | None = None,
) -> str:
    """The ``FACTS`` form of an (effective) instruction inside a stage.

    ``sources`` are the ADD/COPY sources after expansion; ``stage_reference`` says
    that a ``FROM`` names an earlier stage or that ``COPY --from`` is given.
    """
    keyword = instruction.keyword
    if instruction.parent is not None or keyword == "ONBUILD":
        return "ONBUILD"
    if keyword == "FROM":
        return FROM_STAGE if stage_reference else FROM
    if keyword in ("COPY", "ADD"):
        if parsed is None:
            from lintlayers.model.copy_args import copy_args

            parsed = copy_args(instruction)
        if parsed.from_stage is not None:
            return COPY_FROM
        if keyword == "ADD":
            types = {source_type(source) for source in sources}
            if "git" in types:
                pinned = all(git_pinned(s) for s in sources if source_type(s) == "git")
                return ADD_GIT_PINNED if pinned or parsed.checksum is not None else ADD_GIT
            if "url" in types:
                return ADD_URL_CHECKSUM if parsed.checksum is not None else ADD_URL
        if parsed.link and parsed.chmod is None:
            return COPY_LINK
        return keyword
    if keyword in ("SHELL", "WORKDIR", "USER", "RUN", "ENV", "ARG"):
        return keyword
    return keyword if keyword in METADATA else "LABEL"  # an unknown keyword: config at most
