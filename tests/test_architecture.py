"""The architecture contracts of pyproject.toml (``[tool.importlinter]``) hold.

Layers from the CLI down to source text, rules independent of each other, and a core
that never imports a rule. ``lintlayers.rules`` is the top-level ``rules/`` folder
(setuptools package-dir), which import-linter cannot find in the source tree, so the
package is laid out as installed in a temporary folder and checked there.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_RUN = (
    "import sys\n"
    "from importlinter.cli import lint_imports\n"
    "sys.exit(lint_imports(no_cache=True, no_logo=True))\n"
)


def installed_layout(target: Path) -> Path:
    """``lintlayers/`` with ``rules/`` as ``lintlayers/rules/``, and the project file."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    package = ROOT / "lintlayers"

    def leave_out(folder: str, names: list[str]) -> set[str]:  # and a stray rules link
        return ignore(folder, names) | ({"rules"} if Path(folder) == package else set())

    shutil.copytree(package, target / "lintlayers", ignore=leave_out)
    shutil.copytree(ROOT / "rules", target / "lintlayers" / "rules", ignore=ignore)
    shutil.copy(ROOT / "pyproject.toml", target / "pyproject.toml")
    return target


def lint_imports(folder: Path) -> subprocess.CompletedProcess[str]:
    """import-linter over the package in ``folder`` (first on ``sys.path``)."""
    return subprocess.run(
        [sys.executable, "-c", _RUN],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_the_contracts_hold(tmp_path: Path) -> None:
    result = lint_imports(installed_layout(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout
    for contract in (
        "Layers from the CLI down to source text",
        "Rules are independent of each other",
        "The core never imports a rule",
    ):
        assert f"{contract} KEPT" in result.stdout


def test_a_rule_importing_another_breaks_them(tmp_path: Path) -> None:
    folder = installed_layout(tmp_path)
    module = folder / "lintlayers" / "rules" / "maintainer_deprecated.py"
    module.write_text(
        module.read_text(encoding="utf-8") + "\nfrom lintlayers.rules import parse_error\n",
        encoding="utf-8",
    )
    engine = folder / "lintlayers" / "model" / "stages.py"
    engine.write_text(
        engine.read_text(encoding="utf-8") + "\nimport lintlayers.engine\n", encoding="utf-8"
    )
    result = lint_imports(folder)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Rules are independent of each other BROKEN" in result.stdout
    assert "Layers from the CLI down to source text BROKEN" in result.stdout
    assert "lintlayers.rules.maintainer_deprecated -> lintlayers.rules.parse_error" in result.stdout


def test_the_core_contract_names_every_module_of_the_core() -> None:
    """A new module or package of ``lintlayers`` must join "the core never imports a rule"."""
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    (core,) = [contract for contract in contracts if contract["id"] == "core-without-rules"]
    listed = set(core["source_modules"])
    package = ROOT / "lintlayers"
    found = {
        f"lintlayers.{path.stem}"
        for path in package.iterdir()
        if (path.suffix == ".py" and path.stem not in ("__init__", "__main__"))
        or (path.is_dir() and (path / "__init__.py").exists())
    }
    assert found - listed == set()


def test_rule_modules_read_as_their_check() -> None:
    """Machinery lives in the model: no built-in rule module passes 350 lines."""
    long = {
        path.name: lines
        for path in sorted((ROOT / "rules").glob("*.py"))
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > 350
    }
    assert long == {}
