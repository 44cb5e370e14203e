"""The ecosystem table's ``dependencies``, entry by entry: which manifest texts declare
something to download (``model.manifests.declares_dependencies``)."""

from __future__ import annotations

import pytest

from lintlayers.model.ecosystems import ecosystem
from lintlayers.model.manifests import Tree, declares_dependencies

PROJECT = '<Project Sdk="Microsoft.NET.Sdk"><PropertyGroup /></Project>'
REFERENCES = PROJECT.replace("<PropertyGroup />", '<ItemGroup><PackageReference Include="x" />')
VERSIONS = '<Project><ItemGroup><PackageVersion Include="x" Version="1" /></ItemGroup></Project>'
GLOBAL = '<Project><ItemGroup><GlobalPackageReference Include="x" /></ItemGroup></Project>'


@pytest.mark.parametrize(
    ("name", "file", "text", "declares"),
    [
        ("dotnet", "app.csproj", PROJECT, False),
        ("dotnet", "app.csproj", REFERENCES, True),
        ("dotnet", "app.vbproj", PROJECT, False),
        ("dotnet", "app.fsproj", PROJECT, True),  # FSharp.Core
        ("dotnet", "Directory.Packages.props", VERSIONS, False),
        ("dotnet", "Directory.Packages.props", GLOBAL, True),
        ("dotnet", "packages.config", "<packages />", False),
        ("dotnet", "packages.config", '<packages><package id="x" version="1" /></packages>', True),
        ("dotnet", "global.json", '{"sdk": {"version": "8.0.100"}}', False),
        ("dotnet", "NuGet.Config", "<configuration />", False),
        ("dotnet", "app.sln", "Microsoft Visual Studio Solution File", False),
        ("dotnet", "other.xml", "<x />", True),  # a file the table does not name: may declare
        ("nuget", "packages.config", '<packages><package id="x" /></packages>', True),
        ("nuget", "packages.config", "<packages>\n</packages>", False),
        ("go", "go.mod", "module x\n\ngo 1.22\n", False),
        ("go", "go.mod", "module x\n\nrequire (\n\tgolang.org/x/text v0.14.0\n)\n", True),
        ("go", "go.mod", "module x\n\ntool golang.org/x/tools/cmd/stringer\n", True),
        ("go", "go.sum", "golang.org/x/text v0.14.0 h1:x=\n", False),  # go.mod decides
        ("npm", "package.json", '{"name": "x"}', False),
        ("npm", "package.json", '{"dependencies": {"a": "1"}}', True),
        ("npm", "package.json", '{"scripts": {"prepare": "husky"}}', True),
        ("npm", "package-lock.json", '{"packages": {"": {}}}', False),
        ("pip", "requirements.txt", "# pinned by CI\n\n--index-url https://e.com\n", False),
        ("pip", "requirements.txt", "flask\n", True),
        ("pip", "requirements-dev.txt", "  pytest  # tests\n", True),
        ("pip", "requirements.txt", "--editable ./lib\n", True),
        ("pip-tools", "requirements.txt", "", False),
    ],
)  # fmt: skip
def test_entry_dependencies(tmp_path, name: str, file: str, text: str, declares: bool) -> None:
    (tmp_path / file).write_text(text, encoding="utf-8")
    tree = Tree(str(tmp_path), lambda path: path.lstrip("/"))
    entry = ecosystem(name)
    assert entry is not None
    assert declares_dependencies(entry, ["/" + file], tree) is declares


def test_an_unreadable_manifest_may_declare_anything(tmp_path) -> None:
    entry = ecosystem("go")
    assert entry is not None
    tree = Tree(str(tmp_path), lambda path: path.lstrip("/"))
    assert declares_dependencies(entry, ["/go.mod"], tree)  # absent from the context


def test_an_ecosystem_without_the_column_is_unknown(tmp_path) -> None:
    entry = ecosystem("cargo")
    assert entry is not None and entry.dependencies == ()
    (tmp_path / "Cargo.toml").write_text("[package]\nname = 'x'\n", encoding="utf-8")
    tree = Tree(str(tmp_path), lambda path: path.lstrip("/"))
    assert declares_dependencies(entry, ["/Cargo.toml"], tree)
