"""The corpus files at their paths in their repositories, as a repository run sees them.

The corpus keeps every file of a repository in one folder, its path flattened into the
name (``moby__buildkit/frontend__dockerfile__parser__testfiles__nginx__Dockerfile``),
so a run over it cannot see the folders a file sits in (``tests/``, ``ci/``, ``.devcontainer/``),
which the model reads (``lintlayers.model.image_purpose``). ``repository_tree`` copies each
file to ``<folder>/<owner>__<name>@<commit>/<path>`` (the manifest's ``repo``, ``commit``
and ``path``; the commit keeps the historical versions of a path apart) beneath a ``.git``
folder that marks each repository's root. Used by ``scripts/corpus_findings.py`` and the
labeled-sample tests; plain Python, no pytest.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path


def manifest_entries(corpus: Path) -> list[dict[str, str]]:
    """The rows of the corpus's ``manifest.tsv``."""
    with open(corpus / "manifest.tsv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def repository_tree(corpus: Path, folder: Path) -> dict[str, Path]:
    """Copy every corpus file to its path in its repository under ``folder``; return the
    corpus name (``file`` column) of each with the path it has there."""
    placed: dict[str, Path] = {}
    for entry in manifest_entries(corpus):
        owner_name = entry["repo"].replace("/", "__")
        repository = folder / f"{owner_name}@{entry['commit'][:12]}"
        (repository / ".git").mkdir(parents=True, exist_ok=True)
        target = repository / entry["path"]
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(corpus / "files" / entry["file"], target)
        placed[entry["file"]] = target
    return placed
