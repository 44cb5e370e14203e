"""Locating the shared real-world Dockerfile corpus for the corpus tests.

The corpus lives outside the project (``/work/shared/corpus`` here, ``../shared/corpus``
next to the checkout in CI) and is named by the environment variable
``LINTLAYERS_CORPUS``. Tests skip, with the reason, only when that variable is unset
or names a folder that does not exist; a corpus that exists but is broken fails.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ENV_VAR = "LINTLAYERS_CORPUS"
REPO_ROOT = Path(__file__).resolve().parent.parent


def corpus_root() -> Path:
    """The corpus folder, or skip the calling test when it is not configured."""
    value = os.environ.get(ENV_VAR)
    if not value:
        pytest.skip(f"{ENV_VAR} is not set: no real-world Dockerfile corpus to test against")
    path = Path(value)
    candidates = [path] if path.is_absolute() else [REPO_ROOT / path, Path.cwd() / path]
    for candidate in candidates:
        if candidate.is_dir():
            return candidate.resolve()
    shown = ", ".join(str(candidate) for candidate in candidates)
    pytest.skip(f"{ENV_VAR}={value!r} names no existing folder (looked at {shown})")


def corpus_files() -> list[Path]:
    """Every corpus file listed in ``manifest.tsv``, in manifest order (all must exist)."""
    root = corpus_root()
    manifest = root / "manifest.tsv"
    assert manifest.is_file(), f"corpus at {root} has no manifest.tsv"
    lines = manifest.read_text(encoding="utf-8").splitlines()
    header = lines[0].split("\t")
    column = header.index("file")
    files = [root / "files" / line.split("\t")[column] for line in lines[1:] if line.strip()]
    missing = [str(path) for path in files if not path.is_file()]
    assert not missing, f"{len(missing)} manifest files are missing, e.g. {missing[:3]}"
    assert files, f"corpus manifest {manifest} lists no files"
    return files


def decode(data: bytes) -> tuple[str, bool]:
    """Text of ``data`` and whether it was valid UTF-8 (else decoded with surrogateescape)."""
    try:
        return data.decode("utf-8"), True
    except UnicodeDecodeError:
        return data.decode("utf-8", "surrogateescape"), False
