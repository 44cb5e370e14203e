"""The bundle of compiled modules (``lintlayers.bundle``): served only while current.

A module comes from the bundle only when its source has the modification time and size
it was compiled from; otherwise it is imported the ordinary way and the next bundle
holds its new code. The modules served keep their files, packages their paths and
resources, and a check gives the same report either way.
"""

from __future__ import annotations

import ast
import importlib.resources
import inspect
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from lintlayers.bundle import BundleFinder, BundleLoader, bundle_path, uninstall

PACKAGE = "bundled_sample"


@pytest.fixture
def sample(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A package ``bundled_sample`` (a module, a subpackage with a module and a data file)
    on ``sys.path``, its package imported; its submodules forgotten afterwards."""
    root = tmp_path / "src" / PACKAGE
    (root / "sub").mkdir(parents=True)
    (root / "__init__.py").write_text("", encoding="utf-8")
    (root / "top.py").write_text(
        f"from {PACKAGE}.sub.leaf import VALUE\n\nDOUBLE = VALUE * 2\n", encoding="utf-8"
    )
    (root / "sub" / "__init__.py").write_text('"""sub"""\n', encoding="utf-8")
    (root / "sub" / "leaf.py").write_text("VALUE = 21\n", encoding="utf-8")
    (root / "sub" / "data.txt").write_text("resource\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path / "src"))
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    __import__(PACKAGE)
    yield root
    for finder in _finders:
        finder.close()
    _finders.clear()
    for name in [name for name in sys.modules if name.split(".")[0] == PACKAGE]:
        del sys.modules[name]


_finders: list[BundleFinder] = []


def _finder(path: Path) -> BundleFinder:
    """A finder reading the bundle at ``path`` (closed after the test), the package's
    submodules forgotten."""
    for name in [name for name in sys.modules if name.startswith(PACKAGE + ".")]:
        del sys.modules[name]
    finder = BundleFinder(PACKAGE, str(path))
    _finders.append(finder)
    return finder


def _import_with(path: Path) -> tuple[BundleFinder, ModuleType]:
    """Import ``bundled_sample.top`` afresh with a finder reading the bundle at ``path``."""
    finder = _finder(path)
    sys.meta_path.insert(0, finder)
    try:
        __import__(f"{PACKAGE}.top")
    finally:
        uninstall(finder)
    return finder, sys.modules[f"{PACKAGE}.top"]


def _served(name: str) -> bool:
    spec = sys.modules[name].__spec__
    loader = spec.loader if spec is not None else None
    return isinstance(loader, BundleLoader) and loader.entry is not None


def test_modules_are_served_from_the_bundle_the_first_run_wrote(
    sample: Path, tmp_path: Path
) -> None:
    path = tmp_path / "cache" / "sample.bundle"
    names = [f"{PACKAGE}.sub", f"{PACKAGE}.sub.leaf", f"{PACKAGE}.top"]

    finder, top = _import_with(path)
    assert top.DOUBLE == 42
    assert sorted(finder.missed) == names
    assert not any(_served(name) for name in names)
    assert finder.save() and path.is_file()
    assert not finder.missed

    finder, top = _import_with(path)
    assert top.DOUBLE == 42
    assert sorted(finder.index) == names
    assert not finder.missed
    assert all(_served(name) for name in names)
    # what the ordinary import gives: file, package path, resources, source
    sub = sys.modules[f"{PACKAGE}.sub"]
    assert top.__file__ == str(sample / "top.py")
    assert sub.__file__ == str(sample / "sub" / "__init__.py")
    assert list(sub.__path__) == [str(sample / "sub")]
    assert sub.__doc__ == "sub"
    assert sys.modules[f"{PACKAGE}.sub.leaf"].__package__ == f"{PACKAGE}.sub"
    assert importlib.resources.files(sub).joinpath("data.txt").read_text() == "resource\n"
    assert inspect.getsource(top).startswith(f"from {PACKAGE}.sub.leaf import VALUE")
    assert not finder.save()  # nothing new: the bundle is not written again


def test_a_changed_source_is_imported_again_and_bundled_anew(sample: Path, tmp_path: Path) -> None:
    path = tmp_path / "sample.bundle"
    finder, _ = _import_with(path)
    finder.save()

    leaf = sample / "sub" / "leaf.py"
    leaf.write_text("VALUE = 100\n", encoding="utf-8")
    stat = leaf.stat()
    os.utime(leaf, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    finder, top = _import_with(path)
    assert top.DOUBLE == 200  # not the bundled 42
    assert sorted(finder.missed) == [f"{PACKAGE}.sub.leaf"]
    assert _served(f"{PACKAGE}.top") and not _served(f"{PACKAGE}.sub.leaf")
    assert finder.save()

    finder, top = _import_with(path)
    assert top.DOUBLE == 200 and not finder.missed
    assert _served(f"{PACKAGE}.sub.leaf")

    leaf.unlink()  # a module gone from the source is gone from the bundle
    (sample / "sub" / "__init__.py").write_text('"""sub, changed"""\n', encoding="utf-8")
    finder = _finder(path)
    sys.meta_path.insert(0, finder)
    try:
        __import__(f"{PACKAGE}.sub")
        with pytest.raises(ModuleNotFoundError):
            __import__(f"{PACKAGE}.sub.leaf")
    finally:
        uninstall(finder)
    assert finder.save()
    assert sorted(_finder(path).index) == [f"{PACKAGE}.sub", f"{PACKAGE}.top"]


@pytest.mark.parametrize("content", [b"", b"not a bundle", None])
def test_a_broken_bundle_is_ignored_and_replaced(
    sample: Path, tmp_path: Path, content: bytes | None
) -> None:
    path = tmp_path / "sample.bundle"
    finder, _ = _import_with(path)
    finder.save()
    if content is None:  # the index is intact, the code after it cut off
        path.write_bytes(path.read_bytes()[: -len(b"VALUE = 21")])
    else:
        path.write_bytes(content)
    finder, top = _import_with(path)
    assert top.DOUBLE == 42
    assert finder.missed  # imported the ordinary way...
    assert finder.save()
    finder, top = _import_with(path)  # ...and served again once rewritten
    assert top.DOUBLE == 42 and not finder.missed


def test_no_bundle_is_written_without_bytecode_writing(
    sample: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "sample.bundle"
    finder, top = _import_with(path)
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    assert top.DOUBLE == 42
    assert not finder.save()
    assert not path.exists()


def test_the_bundle_lives_in_the_bytecode_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    import lintlayers

    path = Path(bundle_path(lintlayers.__file__))
    cache_tag = sys.implementation.cache_tag
    # the name of a .pyc of the package's (pip's uninstall removes it with the others)
    assert path.name == f"bundle_slot.{cache_tag}.pyc"
    assert (Path(lintlayers.__file__).parent / "bundle_slot.py").is_file()
    monkeypatch.setattr(sys, "pycache_prefix", "/prefix")
    prefixed = Path(bundle_path(lintlayers.__file__))
    assert prefixed.parts[:2] == ("/", "prefix")
    assert prefixed.parts[-2:] == ("lintlayers", path.name)


PROBE = """
import sys
before = set(sys.modules)
import lintlayers
from lintlayers.bundle import BundleLoader, install
finder = install(lintlayers)
from lintlayers.cli import main
stdout = sys.stdout
sys.stdout = open(sys.argv[2], "w")
code = main(sys.argv[3:])
sys.stdout = stdout
served = [name for name, module in sys.modules.items() if name.startswith("lintlayers.")
          and isinstance(module.__spec__.loader, BundleLoader)
          and module.__spec__.loader.entry is not None]
missed = sorted(finder.missed)
if sys.argv[1] == "save":
    finder.save()
new = set(sys.modules) - before
print(repr((code, len(served), missed, "importlib" in new, "warnings" in new)))
"""


def test_a_check_gives_the_same_report_from_the_bundle(tmp_path: Path) -> None:
    """The first run imports the ordinary way and writes the bundle; the next is served
    from it (every lintlayers module but those already imported to install it), imports
    neither importlib nor warnings on the way, and reports the same."""
    context = tmp_path / "context"  # the bytecode cache outside the build context
    context.mkdir()
    (context / "Dockerfile").write_text(
        "FROM python:3.12-slim\n"
        "ARG GIT_SHA=unknown\n"
        "COPY . /app\n"
        "RUN pip install -r /app/requirements.txt && apt-get update\n"
        'CMD ["python", "/app/main.py"]\n',
        encoding="utf-8",
    )
    (context / "requirements.txt").write_text("flask\n", encoding="utf-8")
    environment = {
        key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"
    }
    environment["PYTHONPYCACHEPREFIX"] = str(tmp_path / "cache")
    results: list[tuple[tuple[int, int, list[str], bool, bool], Path]] = []
    for attempt in ("save", "save", "keep"):
        report = tmp_path / f"report-{len(results)}.json"
        completed = subprocess.run(
            [
                sys.executable,
                "-c",
                PROBE,
                attempt,
                str(report),
                "check",
                "--format=json",
                "Dockerfile",
            ],
            cwd=context,
            env=environment,
            capture_output=True,
            text=True,
            check=True,
        )
        results.append((ast.literal_eval(completed.stdout.splitlines()[-1]), report))
    (code, served, missed, *_), first = results[0]
    assert code == 1 and served == 0 and len(missed) > 20
    assert list((tmp_path / "cache").rglob("lintlayers/bundle_slot.*.pyc"))
    for (code, served, missed, importlib_loaded, warnings_loaded), report in results[1:]:
        assert code == 1
        assert served > 20 and missed == []
        assert not importlib_loaded and not warnings_loaded
        assert json.loads(report.read_text()) == json.loads(first.read_text())
