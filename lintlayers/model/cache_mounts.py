"""Whether a RUN keeps a package manager's download cache in a BuildKit cache mount.

One answer for every consumer: the rule that advises a cache mount (LL107) and the
rule that weighs what an install re-running costs (LL101: with the downloads in a
mount, a build re-running its restore fetches nothing).
"""

from __future__ import annotations

from lintlayers.lazy_re import lazy_compile
from lintlayers.model.mounts import COVERING_MOUNTS
from lintlayers.model.paths import is_within
from lintlayers.model.state import home_of
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from lintlayers.context import RuleContext
    from lintlayers.model.ecosystems import Ecosystem
    from lintlayers.model.package_managers import InstallMatch
    from lintlayers.model.run_effects import RunEffects
    from lintlayers.model.steps import Step


GO_MODULE_CACHE = "/go/pkg/mod"
"""Go's module cache in the official ``golang`` images, whose ``GOPATH`` is ``/go``."""
COMPOSER_IMAGE_CACHE = "/tmp/cache"
"""Composer's cache in the official ``composer`` image, whose ``COMPOSER_HOME`` is ``/tmp``
(``ENV COMPOSER_HOME /tmp`` in its Dockerfile): not the ``~/.composer/cache`` of a PHP
image that installs Composer itself."""


def tool_cache_targets(
    entry: Ecosystem,
    user: str | None,
    environment: Mapping[str, str] | None = None,
    images: Sequence[str] = (),
    argv: Sequence[str] = (),
    system_ruby: bool = False,
) -> tuple[str, ...]:
    """Where ``entry``'s tool keeps its downloads for ``user`` (``()`` when unknown); with
    the ``environment`` of the command, the ``images`` its stage is built on and its
    ``argv``, where the command really puts them: Go's module cache
    (``go_module_cache``), Composer's (``composer_cache``), Maven's local repository
    (``maven_repository``), and for a Ruby from the system packages (``system_ruby``) not
    the official ruby image's ``/usr/local/bundle``: its gems go under a folder named for
    Ruby's version (``/var/lib/gems/3.1.0``), unknown here, unless ``GEM_HOME`` says."""
    home = home_of(user)
    targets = tuple(
        home + path[1:] if path.startswith("~") else path for path in entry.cache_directories()
    )
    if entry.cache_kind == "go" and environment is not None:
        found = go_module_cache(environment, images, home)
        targets = tuple(found if target == GO_MODULE_CACHE else target for target in targets)
    elif entry.name == "composer" and environment is not None:
        folder = composer_cache(environment, images)
        targets = (folder,) if folder else targets
    elif entry.name == "maven" and environment is not None:
        folder = maven_repository(argv, environment)
        targets = (folder,) if folder else targets
    elif RUBY_IMAGE_GEMS in targets:
        gem_home = (environment or {}).get("GEM_HOME", "")
        if gem_home.startswith("/") and "$" not in gem_home:
            targets = tuple(
                gem_home.rstrip("/") + "/cache" if target == RUBY_IMAGE_GEMS else target
                for target in targets
            )
        elif system_ruby:
            targets = tuple(target for target in targets if target != RUBY_IMAGE_GEMS)
    return targets


RUBY_IMAGE_GEMS = "/usr/local/bundle/cache"
"""The downloaded gems in the official ``ruby`` image, whose ``GEM_HOME`` is
``/usr/local/bundle``."""
_SYSTEM_RUBY = lazy_compile(r"ruby(?:\d[\d.]*)?(?:-dev|-devel|-full)?")
"""Ruby's packages in Debian, Ubuntu, Alpine and Fedora (``ruby``, ``ruby-dev``,
``ruby3.2``, ``ruby-full``, ``ruby-devel``): not ``ruby-bundler`` and other libraries."""


def system_ruby(context: RuleContext, step: Step) -> bool:
    """Whether the Ruby ``step`` runs with comes from the system packages: a RUN of its
    stage at or before it, or of a stage it is built on, installs ``ruby`` or
    ``ruby-dev`` with apt, apk or yum/dnf. Found once per file."""
    first = context.analysis(_first_system_ruby).get(step.stage.index)
    return first is not None and first <= step.instruction.start_line


def _first_system_ruby(context: RuleContext) -> dict[int, int]:
    """The line of the first RUN of each stage that installs Ruby's system packages
    (``0`` when a stage it is built on does)."""
    from lintlayers.model.package_installs import package_installs
    from lintlayers.model.run_effects import effects
    from lintlayers.model.size_estimates import package_name
    from lintlayers.model.steps import sequences

    found: dict[int, int] = {}
    for steps in sequences(context):
        if not steps or steps[0].onbuild:
            continue
        stage = steps[0].stage
        if stage.base_stage is not None and stage.base_stage.index in found:
            found[stage.index] = 0
            continue
        for step in steps:
            if step.keyword == "RUN" and any(
                install.system in ("apt", "apk", "rpm")
                and any(_SYSTEM_RUBY.fullmatch(package_name(token)) for token in install.tokens)
                for install in package_installs(effects(context, step))
            ):
                found[stage.index] = step.instruction.start_line
                break
    return found


MAVEN_IMAGE_SETTINGS = "/usr/share/maven/ref/settings-docker.xml"
"""The settings file of the official ``maven`` image for builds in a Dockerfile, which sets
the local repository to ``/usr/share/maven/ref/repository`` (the image's documentation)."""


def maven_repository(argv: Sequence[str], environment: Mapping[str, str]) -> str:
    """Where a Maven command keeps what it downloads when it says so (``""`` otherwise:
    ``~/.m2/repository``): ``-Dmaven.repo.local=`` among its words or ``MAVEN_OPTS``'s, or
    the maven image's ``settings-docker.xml`` given with ``-s``."""
    words = [*argv, *environment.get("MAVEN_OPTS", "").split()]
    for word in words:
        if word.startswith("-Dmaven.repo.local="):
            value = word.partition("=")[2].strip("\"'")
            if value.startswith("/") and "$" not in value:
                return value.rstrip("/")
    for position, word in enumerate(argv):
        name, equals, value = word.partition("=")
        if name in ("-s", "--settings"):
            given = value if equals else (argv[position + 1] if position + 1 < len(argv) else "")
            if given == MAVEN_IMAGE_SETTINGS:
                return "/usr/share/maven/ref/repository"
    return ""


def composer_cache(environment: Mapping[str, str], images: Sequence[str]) -> str:
    """Where Composer keeps its downloads when something says so (``""`` otherwise, the
    table's defaults): ``COMPOSER_CACHE_DIR``, else ``cache`` in ``COMPOSER_HOME``, else
    the official ``composer`` image's ``/tmp/cache`` when every image the stage is built
    on is that one."""
    for name, suffix in (("COMPOSER_CACHE_DIR", ""), ("COMPOSER_HOME", "/cache")):
        value = environment.get(name, "")
        if value.startswith("/") and "$" not in value:
            return value.rstrip("/") + suffix if suffix else value
    if images and all(_composer_image(image) for image in images):
        return COMPOSER_IMAGE_CACHE
    return ""


def _composer_image(image: str) -> bool:
    """Whether an image reference names the official ``composer`` image."""
    from lintlayers.model.size_estimates import image_reference

    return image_reference(image)[0] == "composer"


def go_module_cache(environment: Mapping[str, str], images: Sequence[str], home: str) -> str:
    """Where Go keeps downloaded modules: ``GOMODCACHE``, else ``pkg/mod`` in the first
    ``GOPATH`` folder, else in the golang image's ``/go``, else in Go's default ``GOPATH``,
    ``$HOME/go``, on images that are all known and none of them a Go image (Go installed by
    the Dockerfile: ollama's ``almalinux:8``). An unknown image (a variable) may set
    ``GOPATH`` to ``/go`` as the golang image does."""
    value = environment.get("GOMODCACHE", "")
    if value.startswith("/") and "$" not in value:
        return value
    gopath = environment.get("GOPATH", "").split(":", 1)[0]
    if gopath.startswith("/") and "$" not in gopath:
        return gopath.rstrip("/") + "/pkg/mod"
    if not images or any(_may_set_gopath(image) for image in images):
        return GO_MODULE_CACHE
    return home.rstrip("/") + "/go/pkg/mod"


def _may_set_gopath(image: str) -> bool:
    """Whether an image may set ``GOPATH=/go``: a golang image (``golang:1.22``,
    ``mcr.microsoft.com/oss/go/microsoft/golang``) or one not known (a variable left, a
    name an empty argument cut short); not ``scratch``."""
    from lintlayers.model.size_estimates import image_reference

    repository, tag = image_reference(image)
    if repository == "scratch":
        return False
    if not repository or "$" in repository + tag or image.endswith("-"):
        return True
    last = repository.rpartition("/")[2]
    return "golang" in last or last == "go"


def holds_tool_cache(run: RunEffects, targets: tuple[str, ...]) -> bool:
    """Whether a cache or tmpfs mount of the RUN holds one of ``targets`` (or lies in one)."""
    return any(
        mount.type in COVERING_MOUNTS
        and mount.target is not None
        and any(
            is_within(target, mount.target) or is_within(mount.target, target) for target in targets
        )
        for mount in run.mounts
    )


def caches_downloads(run: RunEffects, entry: Ecosystem, index: int) -> bool:
    """Whether command ``index`` of the RUN finds ``entry``'s downloads in a mount."""
    targets = tool_cache_targets(entry, run.user_at(index))
    return bool(targets) and holds_tool_cache(run, targets)


def compiles_into_cache(entry: Ecosystem, match: InstallMatch) -> bool:
    """Whether the matched command builds with ``entry``'s build cache (``go build``,
    ``go test``; not ``go get``, nor ``go build -a``, which rebuilds every package): a
    cache mount on the tool's caches keeps what it compiled, not only its downloads."""
    from lintlayers.model.package_managers import split_arguments

    if not entry.build_cache:
        return False
    positionals, options = split_arguments(match.argv[1:], match.installer)
    if any(name in entry.build_cache_off for name, _ in options):
        return False
    return any(tuple(positionals[: len(words)]) == words for words in entry.builds if words)
