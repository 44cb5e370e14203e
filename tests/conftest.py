"""Shared pytest fixtures for the whole test suite."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import pytest
from hypothesis import settings

if TYPE_CHECKING:
    from collections.abc import Iterator

    from builder import Buildah

# Hypothesis (tests/test_fuzz.py): modest by default so the everyday run stays quick;
# HYPOTHESIS_PROFILE=long (or --hypothesis-profile=long) runs a hundred times more.
settings.register_profile("default", max_examples=40, deadline=None, print_blob=True)
settings.register_profile("long", max_examples=4000, deadline=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


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
