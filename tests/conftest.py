"""Shared pytest fixtures for the whole test suite."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from collections.abc import Iterator

    from builder import Buildah


@pytest.fixture(scope="module")
def buildah(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Buildah]:
    """A private buildah store for one test module, with the base image (busybox and the
    package-manager stand-ins) already built; deleted when the module is done. Tests of one
    module share its cache: give each test its own paths or contents, or call ``reset()``.

    Never skips: the builder tests need buildah and busybox-static (``.ci/run`` installs them),
    so a machine without them fails with the install command.
    """
    from builder import Buildah, unavailable_reason

    problem = unavailable_reason()
    if problem is not None:
        pytest.fail(problem, pytrace=False)
    with Buildah(tmp_path_factory.mktemp("buildah")) as store:
        store.ensure_base()
        yield store
