"""What a Dockerfile's own path says about the images it builds: for tests, or for development.

The folders are those between the repository's root (the nearest folder above the file
that holds a ``.git``) and the file; without a repository, those of a relative path as
given, or below the working folder. So a checkout that itself sits in a folder called
``dev`` or ``tests`` does not make every image in it one for development or tests.

- A file in a folder of a project's test suite (``test/``, ``tests/``, ``e2e/``,
  ``integration/``, ``test-runner/``...) or named for tests (``Dockerfile.test``,
  ``test-alpine.Dockerfile``) builds images that a test or CI builds and nobody pulls:
  ``in_test_suite``. The engine runs only the correctness and style rules on it, unless
  the ``lint-test-suites`` setting asks for every rule.
- A file named or placed for developing, building or testing (``Dockerfile.dev``,
  ``builder.Dockerfile``, ``ci/``, ``.devcontainer/``): ``development_path``.
"""

from __future__ import annotations

import os

from lintlayers.lazy_re import lazy_compile
from lintlayers.repository import project_root, repository_root
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from lintlayers.context import RuleContext

TEST_SUITE_FOLDERS = frozenset({"integration", "conformance", "__tests__"})
"""Folders that hold a project's test suite besides those named with ``TEST_WORDS``:
``integration`` (kaniko, skaffold, containerd), conformance suites, JavaScript's
``__tests__``. Folders of test inputs alone (``testdata``, ``fixtures``) are left out of
a run by the default ``exclude``."""
TEST_WORDS = frozenset({"test", "tests", "testing", "e2e"})
"""Words of a folder's or a Dockerfile's name that say its images run tests (``tests/``,
``e2e-test-echo/``, ``test-runner/``, ``Dockerfile.test``, ``test-alpine.Dockerfile``):
not ``integration``, a word of many products' names."""
DEVELOPMENT_WORDS = frozenset(
    {"dev", "devel", "develop", "development", "devcontainer", "test", "tests", "testing",
     "ci", "build", "builder", "lint", "debug", "e2e", "local", "sdk", "toolchain"}
)  # fmt: skip
"""Words of a Dockerfile name (``Dockerfile.dev``, ``builder.Dockerfile``) or of a stage's
name (``AS dev``) that say the image is for building, testing or developing."""
DEVELOPMENT_FOLDERS = frozenset(
    {"ci", "test", "tests", "testing", "e2e", "testdata", "testfiles", "fixtures", "hack",
     "dev", "devel", "development", "devcontainer", "builder", "toolchain", "sdk"}
)  # fmt: skip
"""Words of a folder holding the Dockerfile (``ci/``, ``test/``, ``.devcontainer/``) that say
the same; not ``build``, where many projects keep their production Dockerfile."""
_WORDS = lazy_compile(r"[^a-z0-9]+")


def name_words(text: str) -> frozenset[str]:
    """The lowercase words of a file, folder or stage name (``Dockerfile.test-alpine``:
    ``dockerfile``, ``test``, ``alpine``)."""
    return frozenset(word for word in _WORDS.split(text.lower()) if word)


def in_test_suite(context: RuleContext) -> bool:
    """Whether the file's images are built for tests, by its folders or its name."""
    return context.analysis(_in_test_suite)


def _in_test_suite(context: RuleContext) -> bool:
    path = context.path
    if not path:
        return False
    for folder in project_folders(path):
        if folder in TEST_SUITE_FOLDERS or TEST_WORDS.intersection(name_words(folder)):
            return True
    return bool(TEST_WORDS.intersection(_own_name_words(os.path.basename(path))))


def development_path(context: RuleContext) -> bool:
    """Whether the file's name or folders say its image is for developing, building or
    testing (``Dockerfile.dev``, ``ci/``, ``tests/``, a ``.devcontainer`` folder)."""
    path = context.path
    if not path:
        return False
    folders = project_folders(path)
    if any("devcontainer" in folder for folder in folders):
        return True
    if any(DEVELOPMENT_FOLDERS.intersection(name_words(folder)) for folder in folders):
        return True
    return bool(DEVELOPMENT_WORDS.intersection(_own_name_words(os.path.basename(path))))


def _own_name_words(name: str) -> frozenset[str]:
    """The words of a file name besides ``Dockerfile``/``Containerfile`` themselves."""
    return name_words(name) - {"dockerfile", "containerfile"}


def project_folders(path: str) -> tuple[str, ...]:
    """The lowercase names of the folders between the project's root and ``path``
    (none for standard input's ``<stdin>``)."""
    if path.startswith("<"):
        return ()
    folder = os.path.dirname(os.path.abspath(path))
    if repository_root(folder) is None and not os.path.isabs(path):
        inside = os.path.dirname(os.path.normpath(path))  # as given, below the cwd
    else:
        inside = os.path.relpath(folder, project_root(folder))
    return tuple(
        part.lower() for part in inside.replace("\\", "/").split("/") if part not in ("", ".", "..")
    )
