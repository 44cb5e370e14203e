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
# HYPOTHESIS_PROFILE=long (or --hypothesis-profile=long) runs a hundred times more. Under CI
# the examples are derandomized: CI checks the same inputs every run (and its regressions),
# while developers' runs, the long profile and scripts/fuzz.py explore new ones.
settings.register_profile("default", max_examples=40, deadline=None, print_blob=True)
settings.register_profile("ci", settings.get_profile("default"), derandomize=True, database=None)
settings.register_profile("long", max_examples=4000, deadline=None, print_blob=True)
_CI = os.environ.get("CI", "").lower() not in ("", "0", "false", "no")
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if _CI else "default"))


SCOPE_PER_PARAMETER = ("tests/test_cache_replay.py",)
"""Modules whose parametrized tests xdist may spread by parameter: every test of one replay
fixture (one parameter) stays on one worker, which replays it once; other fixtures go to
other workers. Elsewhere a whole module is one unit of work (``--dist loadscope``)."""


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object:
    """``--dist loadscope`` with scopes per parameter in ``SCOPE_PER_PARAMETER``, handed out
    in collection order (see ``pytest_collection_modifyitems``), not largest scope first."""
    if config.getvalue("dist") != "loadscope":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class Scheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            module, _, rest = nodeid.partition("::")
            if module in SCOPE_PER_PARAMETER and rest.endswith("]") and "[" in rest:
                return f"{module}::[{rest[rest.index('[') + 1 : -1]}]"
            return super()._split_scope(nodeid)

    config.option.loadscopereorder = False
    return Scheduling(config, log)


def pytest_configure(config: pytest.Config) -> None:
    """Under xdist, give every worker the same random string-hash seed (a new one each run):
    workers must collect the same tests in the same order, and a parametrization built by
    iterating a set of strings would otherwise differ from one worker to the next."""
    if os.environ.get("PYTHONHASHSEED") or not config.getoption("numprocesses", None):
        return
    import random

    os.environ["PYTHONHASHSEED"] = str(random.randint(1, 2**32 - 1))


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that uses the ``buildah`` fixture (directly or through another
    fixture) ``buildah`` and ``slow``, before ``-m`` deselects.

    Under xdist, ``.ci/run`` distributes whole modules (``--dist loadscope``): a module's
    replays and its store's cache stay on one worker, and each worker builds the base image
    at most once (``buildah_store``). (``--dist loadgroup`` cannot group these: with pytest
    9.2 its node-id suffix is lost, so ``xdist_group`` markers do nothing.)"""
    rank: dict[object, int] = {}
    for item in items:
        module = _module_of(item)
        if "buildah" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.buildah)
            item.add_marker(pytest.mark.slow)
            rank[module] = 0
        elif item.get_closest_marker("slow") is not None:
            rank[module] = min(rank.get(module, 1), 1)
    # Modules that build, then those with other slow tests, then the rest, each module
    # whole and in order: xdist hands out the long work first instead of last.
    items.sort(key=lambda item: rank.get(_module_of(item), 2))


def _module_of(item: pytest.Item) -> object:
    node = item.parent
    while node is not None and not isinstance(node, pytest.Module):
        node = node.parent
    return node


@pytest.fixture(scope="session")
def buildah_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Buildah]:
    """One private buildah store per test session (per xdist worker: each has its own
    temporary folder), with the base image (busybox and the package-manager stand-ins)
    built once; deleted at the end.

    Skips, with the reason and the install command, where buildah cannot run (not
    installed, not root, no static busybox). Under CI (``CI`` set, as ``.ci/run`` runs),
    which installs them, that is a failure instead: CI runs every test.
    """
    from builder import Buildah, unavailable_reason

    problem = unavailable_reason()
    if problem is not None:
        if os.environ.get("CI", "").lower() not in ("", "0", "false", "no"):
            pytest.fail(f"CI must run the buildah tests: {problem}", pytrace=False)
        pytest.skip(problem)
    with Buildah(tmp_path_factory.mktemp("buildah")) as store:
        store.ensure_base()
        yield store


@pytest.fixture(scope="module")
def buildah(buildah_store: Buildah) -> Buildah:
    """The session's buildah store, reset for each test module to the base image alone (no
    cached steps, no cache-mount contents). Tests of one module share its cache: give each
    test its own paths or contents, or call ``reset()``."""
    buildah_store.reset()
    return buildah_store
