"""The ecosystem table, entry by entry: a broad COPY before each install is reported
and fixed, and the split it leads to is quiet (``lintlayers.model.ecosystems``, rule
LL101 over ``lintlayers.model.installs``). Build contexts are real files in tmp_path.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from rule_harness import fix, lint, said

from lintlayers.model.ecosystems import ECOSYSTEMS, Ecosystem, ecosystem
from lintlayers.model.package_managers import INSTALLERS, match_implicit, match_install

CODE = "LL101"
ROOT = Path(__file__).resolve().parent.parent
_SLN = 'Project("{FAE04EC0}") = "{name}", "{path}", "{{1}}"\nEndProject\n'


def sln(*projects: str) -> str:
    return "".join(
        _SLN.replace("{name}", path.rsplit("\\", 1)[-1].split(".")[0]).replace("{path}", path)
        for path in projects
    )


def make_context(root: Path, files: dict[str, str]) -> str:
    for name, content in {**files, "src/main.code": "", "README.md": "x"}.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
    return str(root)


def dockerfile(*lines: str) -> str:
    return "FROM base\nWORKDIR /app\n" + "".join(line + "\n" for line in lines) + 'CMD ["run"]\n'


def check_fix(before: str, after: str, context_dir: str | None) -> None:
    """The unsafe fix gives ``after``, idempotently, and leaves no finding."""
    assert fix(before, CODE, context_dir=context_dir) == before  # the fix is unsafe
    fixed = fix(before, CODE, unsafe=True, context_dir=context_dir)
    assert fixed == after
    assert fix(fixed, CODE, unsafe=True, context_dir=context_dir) == fixed
    assert lint(fixed, CODE, context_dir=context_dir) == []


# ecosystem, install command, build context, COPY lines the fix writes with that context
CASES = [
    ("pip", "pip install --no-cache-dir -r requirements.txt",
     {"requirements.txt": "flask\n"}, "COPY requirements.txt ./"),
    ("pip-tools", "pip-sync requirements.txt",
     {"requirements.txt": "flask==3.0\n"}, "COPY requirements.txt ./"),
    ("uv", "uv sync --frozen --no-install-project",
     {"pyproject.toml": "[project]\nname = 'a'\n", "uv.lock": ""},
     "COPY pyproject.toml uv.lock ./"),
    ("poetry", "poetry install --no-root", {"pyproject.toml": "[tool.poetry]\n", "poetry.lock": ""},
     "COPY pyproject.toml poetry.lock ./"),
    ("pipenv", "pipenv install --deploy --system",
     {"Pipfile": "", "Pipfile.lock": "{}"}, "COPY Pipfile Pipfile.lock ./"),
    ("pdm", "pdm install --prod --no-self",
     {"pyproject.toml": "[project]\n", "pdm.lock": ""}, "COPY pyproject.toml pdm.lock ./"),
    ("conda", "conda env create -f environment.yml",
     {"environment.yml": "name: a\n"}, "COPY environment.yml ./"),
    ("conda", "mamba env update -n base -f environment.yml",
     {"environment.yml": "name: a\n"}, "COPY environment.yml ./"),
    ("conda", "micromamba install -y -n base -f env.yaml",
     {"env.yaml": "name: a\n"}, "COPY env.yaml ./"),
    ("npm", "npm ci", {"package.json": "{}", "package-lock.json": "{}"},
     "COPY package.json package-lock.json ./"),
    ("yarn", "yarn install --frozen-lockfile", {"package.json": "{}", "yarn.lock": ""},
     "COPY package.json yarn.lock ./"),
    ("yarn-berry", "yarn install --immutable",
     {"package.json": "{}", "yarn.lock": "", ".yarnrc.yml": "yarnPath: .yarn/releases/y.cjs\n",
      ".yarn/releases/y.cjs": ""},
     "COPY package.json yarn.lock .yarnrc.yml ./\nCOPY .yarn/releases/ ./.yarn/releases/"),
    ("pnpm", "pnpm install --frozen-lockfile", {"package.json": "{}", "pnpm-lock.yaml": ""},
     "COPY package.json pnpm-lock.yaml ./"),
    ("bun", "bun install --frozen-lockfile", {"package.json": "{}", "bun.lock": ""},
     "COPY package.json bun.lock ./"),
    ("go", "go mod download", {"go.mod": "module a\n", "go.sum": ""}, "COPY go.mod go.sum ./"),
    ("go", "go mod download && go mod verify", {"go.mod": "module a\n", "go.sum": ""},
     "COPY go.mod go.sum ./"),
    ("cargo-chef", "cargo chef cook --release --recipe-path recipe.json",
     {"recipe.json": "{}"}, "COPY recipe.json ./"),
    ("maven", "mvn -B dependency:go-offline", {"pom.xml": "<project/>"}, "COPY pom.xml ./"),
    ("maven", "./mvnw -B dependency:go-offline",
     {"pom.xml": "<project/>", "mvnw": "", ".mvn/wrapper/maven-wrapper.properties": ""},
     "COPY pom.xml mvnw ./\nCOPY .mvn/ ./.mvn/"),
    ("gradle", "gradle dependencies --no-daemon",
     {"build.gradle": "", "settings.gradle": "rootProject.name = 'a'\n"},
     "COPY build.gradle* settings.gradle* ./"),
    ("gradle", "./gradlew dependencies",
     {"build.gradle.kts": "", "gradlew": "", "gradle/wrapper/gradle-wrapper.properties": ""},
     "COPY build.gradle* gradlew ./\nCOPY gradle/ ./gradle/"),
    ("sbt", "sbt update", {"build.sbt": "", "project/build.properties": "sbt.version=1.9\n"},
     "COPY build.sbt ./\nCOPY project/ ./project/"),
    ("dotnet", "dotnet restore",
     {"app.sln": sln("src\\App\\App.csproj"),
      "src/App/App.csproj": '<Project><ItemGroup><ProjectReference Include="..\\Lib\\Lib.csproj" />'
      "</ItemGroup></Project>",
      "src/Lib/Lib.csproj": "<Project/>", "NuGet.config": "<configuration/>"},
     "COPY app.sln NuGet.config ./\nCOPY src/App/App.csproj ./src/App/\n"
     "COPY src/Lib/Lib.csproj ./src/Lib/"),
    ("dotnet", "dotnet restore App.fsproj", {"App.fsproj": "<Project/>"}, "COPY App.fsproj ./"),
    ("nuget", "nuget restore app.sln",
     {"app.sln": sln("App\\App.csproj"), "App/App.csproj": "<Project/>",
      "App/packages.config": "<packages/>"},
     "COPY app.sln ./\nCOPY App/App.csproj App/packages.config ./App/"),
    ("paket", "dotnet paket restore", {"paket.dependencies": "", "paket.lock": ""},
     "COPY paket.dependencies paket.lock ./"),
    ("bundler", "bundle install", {"Gemfile": "source 'rubygems'\n", "Gemfile.lock": ""},
     "COPY Gemfile Gemfile.lock ./"),
    ("bundler", "bundle install",
     {"Gemfile": "source 'https://rubygems.org'\ngemspec\n", "Gemfile.lock": "",
      "mygem.gemspec": 'require_relative "lib/mygem/version"\n'
      "Gem::Specification.new { |s| s.version = MyGem::VERSION }\n",
      "lib/mygem/version.rb": "module MyGem; VERSION = '1.0'; end\n", "lib/mygem.rb": ""},
     "COPY Gemfile mygem.gemspec Gemfile.lock ./\nCOPY lib/mygem/version.rb ./lib/mygem/"),
    ("rubygems", "gem install --file Gemfile", {"Gemfile": "source 'https://rubygems.org'\n"},
     "COPY Gemfile ./"),
    ("composer", "composer install --no-scripts --no-autoloader",
     {"composer.json": "{}", "composer.lock": "{}"}, "COPY composer.json composer.lock ./"),
    ("mix", "mix deps.get --only prod", {"mix.exs": "", "mix.lock": ""},
     "COPY mix.exs mix.lock ./"),
    ("rebar3", "rebar3 get-deps", {"rebar.config": "", "rebar.lock": ""},
     "COPY rebar.config rebar.lock ./"),
    ("pub", "dart pub get", {"pubspec.yaml": "name: a\n", "pubspec.lock": ""},
     "COPY pubspec.yaml pubspec.lock ./"),
    ("pub", "flutter pub get", {"pubspec.yaml": "name: a\n", "pubspec.lock": ""},
     "COPY pubspec.yaml pubspec.lock ./"),
    ("swiftpm", "swift package resolve", {"Package.swift": "", "Package.resolved": ""},
     "COPY Package.swift Package.resolved ./"),
    ("cabal", "cabal update && cabal build --only-dependencies",
     {"app.cabal": "", "cabal.project": ""}, "COPY *.cabal cabal.project ./"),
    ("stack", "stack build --only-dependencies",
     {"stack.yaml": "", "stack.yaml.lock": "", "package.yaml": ""},
     "COPY stack.yaml stack.yaml.lock package.yaml ./"),
    ("renv", "Rscript -e 'renv::restore()'", {"renv.lock": "{}", "renv/activate.R": ""},
     "COPY renv.lock ./\nCOPY renv/activate.R ./renv/"),
    ("cpanm", "cpanm --installdeps --notest .", {"cpanfile": "requires 'Moo';\n"},
     "COPY cpanfile ./"),
    ("carton", "carton install", {"cpanfile": "", "cpanfile.snapshot": ""},
     "COPY cpanfile cpanfile.snapshot ./"),
    ("luarocks", "luarocks install --only-deps app-1.0-1.rockspec", {"app-1.0-1.rockspec": ""},
     "COPY app-1.0-1.rockspec ./"),
    ("vcpkg", "vcpkg install", {"vcpkg.json": "{}"}, "COPY vcpkg.json ./"),
    ("conan", "conan install . --build=missing", {"conanfile.txt": "[requires]\n"},
     "COPY conanfile.txt ./"),
    ("leiningen", "lein deps", {"project.clj": "(defproject a \"1.0\")\n"},
     "COPY project.clj ./"),
    ("clojure", "clojure -P -M:build", {"deps.edn": "{:deps {}}\n"}, "COPY deps.edn ./"),
    ("shards", "shards install --production", {"shard.yml": "name: a\n", "shard.lock": ""},
     "COPY shard.yml shard.lock ./"),
    ("gleam", "gleam deps download", {"gleam.toml": "name = \"a\"\n", "manifest.toml": ""},
     "COPY gleam.toml manifest.toml ./"),
    ("opam", "opam install . --deps-only -y", {"app.opam": "opam-version: \"2.0\"\n"},
     "COPY app.opam ./"),
]  # fmt: skip
IDS = [f"{name}:{command}" for name, command, _, _ in CASES]


@pytest.mark.parametrize(("name", "command", "files", "lines"), CASES, ids=IDS)
def test_broad_copy_before_install(
    tmp_path: Path, name: str, command: str, files: dict[str, str], lines: str
) -> None:
    context = make_context(tmp_path, files)
    before = dockerfile("COPY . .", f"RUN {command}")
    [finding] = lint(before, CODE, context_dir=context)
    assert finding.location.line == 3
    assert any(f"`{part[:57]}" in said(finding) for part in command.split(" && "))
    assert finding.fix is not None, said(finding)
    check_fix(before, dockerfile(lines, f"RUN {command}", "COPY . ."), context)


@pytest.mark.parametrize(("name", "command", "files", "lines"), CASES, ids=IDS)
def test_split_is_quiet(
    tmp_path: Path, name: str, command: str, files: dict[str, str], lines: str
) -> None:
    context = make_context(tmp_path, files)
    split = dockerfile(lines, f"RUN {command}", "COPY . .")
    assert lint(split, CODE, context_dir=context) == []
    assert lint(split, CODE) == []


@pytest.mark.parametrize(("name", "command", "files", "lines"), CASES, ids=IDS)
def test_recognized_through_the_table(
    name: str, command: str, files: dict[str, str], lines: str
) -> None:
    parts = [[word.strip("'") for word in part.split()] for part in command.split(" && ")]
    found = next((match for argv in parts if (match := match_install(argv))), None)
    assert found is not None
    assert found.installer.ecosystem == name
    assert ecosystem(name) is not None


@pytest.mark.parametrize(("name", "command", "files", "lines"), CASES, ids=IDS)
def test_without_a_context(name: str, command: str, files: dict[str, str], lines: str) -> None:
    """Without the context the same finding; a fix unless the projects are unknown."""
    before = dockerfile("COPY . .", f"RUN {command}")
    [finding] = lint(before, CODE)
    if name in ("dotnet", "nuget") and ".sln" in lines:
        assert finding.fix is None
        assert "known only with the build context" in said(finding)
    else:
        assert finding.fix is not None, said(finding)


def test_cargo_fetch_is_reported_without_a_fix() -> None:
    [finding] = lint(dockerfile("COPY . .", "RUN cargo fetch"), CODE)
    assert finding.fix is None
    assert "stub src/main.rs" in said(finding)


# --- builds that install on the way -------------------------------------------------------


CSPROJ = '<Project><ItemGroup><PackageReference Include="Npgsql" /></ItemGroup></Project>'
"""A project with a package to restore: a build of one without any downloads nothing."""
GO_MOD = "module a\n\nrequire github.com/miekg/dns v1.1.58\n"


@pytest.mark.parametrize(
    ("files", "before", "after"),
    [
        (  # dotnet build restores first
            {"App.csproj": CSPROJ},
            ["COPY . .", "RUN dotnet build App.csproj -c Release -o /out"],
            ["COPY App.csproj ./", "RUN dotnet restore App.csproj", "COPY . .",
             "RUN dotnet build App.csproj -c Release -o /out"],
        ),
        (  # dotnet publish without a project: the solution and its projects
            {"app.sln": sln("App\\App.csproj"), "App/App.csproj": CSPROJ},
            ["COPY . .", "RUN dotnet publish -c Release -o /out"],
            ["COPY app.sln ./", "COPY App/App.csproj ./App/", "RUN dotnet restore", "COPY . .",
             "RUN dotnet publish -c Release -o /out"],
        ),
        (  # go get . && go build
            {"go.mod": GO_MOD, "go.sum": "", "main.go": ""},
            ["COPY . .", "RUN go get . && CGO_ENABLED=0 go build -o /bin/app ."],
            ["COPY go.mod go.sum ./", "RUN go mod download", "COPY . .",
             "RUN go get . && CGO_ENABLED=0 go build -o /bin/app ."],
        ),
        (  # lein uberjar fetches the project's dependencies first (the clojure image's docs)
            {"project.clj": "(defproject a \"1.0\")\n"},
            ["COPY . .", "RUN lein uberjar"],
            ["COPY project.clj ./", "RUN lein deps", "COPY . .", "RUN lein uberjar"],
        ),
        (  # gleam export downloads the packages of manifest.toml first
            {"gleam.toml": "name = \"a\"\n", "manifest.toml": ""},
            ["COPY . .", "RUN gleam export erlang-shipment"],
            ["COPY gleam.toml manifest.toml ./", "RUN gleam deps download", "COPY . .",
             "RUN gleam export erlang-shipment"],
        ),
    ],
)  # fmt: skip
def test_implicit_install(tmp_path: Path, files: dict, before: list, after: list) -> None:
    context = make_context(tmp_path, files)
    text = dockerfile(*before)
    [finding] = lint(text, CODE, context_dir=context)
    assert "first installs the dependencies" in said(finding)
    check_fix(text, dockerfile(*after), context)


@pytest.mark.parametrize(
    "lines",
    [
        ["COPY . .", "RUN dotnet build --no-restore -c Release"],
        ["COPY . .", "RUN dotnet restore", "RUN dotnet publish -c Release"],  # reported once
        ["COPY . .", "RUN go build -mod=vendor ./..."],
        ["COPY . .", "RUN GO111MODULE=off go build ./..."],
        ["COPY . .", "RUN go install github.com/a/tool@v1.2.3"],
        ["COPY . .", "RUN lein -o uberjar"],  # offline: downloads nothing
        ["COPY . .", "RUN shards build --release"],  # a build: shards install comes first
        ["COPY . .", "RUN opam install dune"],  # a named package reads nothing of the project
        ["COPY go.mod go.sum ./", "RUN go mod download", "COPY . .", "RUN go build ./..."],
    ],
)
def test_implicit_install_passes(lines: list[str]) -> None:
    found = lint(dockerfile(*lines), CODE)
    assert all("first installs" not in said(finding) for finding in found)


def test_vendored_modules_need_no_download(tmp_path: Path) -> None:
    context = make_context(tmp_path, {"go.mod": "module a\n", "vendor/modules.txt": ""})
    assert lint(dockerfile("COPY . .", "RUN go build ./..."), CODE, context_dir=context) == []


# --- commands that read nothing from the context -------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        "apt-get update && apt-get install -y gcc",
        "apk add --no-cache git",
        "yum install -y gcc",
        "dnf install -y gcc",
        "microdnf install -y gcc",
        "zypper install -y gcc",
        "pacman -Syu --noconfirm gcc",
        "Rscript -e 'install.packages(\"x\")'",
        "cpanm -n Moo",
        "gem install bundler",
    ],
)
def test_reads_nothing_from_the_context(command: str) -> None:
    assert lint(dockerfile("COPY . .", f"RUN {command}"), CODE) == []
    # and it may move with an install
    before = dockerfile("COPY . .", f"RUN {command} && npm ci")
    after = dockerfile("COPY package.json package-lock.json* ./", f"RUN {command} && npm ci",
                       "COPY . .")  # fmt: skip
    check_fix(before, after, None)


# --- hooks and problems decided from the manifests ---------------------------------------


@pytest.mark.parametrize(
    ("command", "files", "reason"),
    [
        ("npm ci", {"package.json": json.dumps({"scripts": {"prepare": "husky"}})}, "script"),
        ("bun install", {"package.json": json.dumps({"scripts": {"postinstall": "x"}})}, "script"),
        ("pnpm install", {"package.json": json.dumps({"workspaces": "packages/*"})}, "form"),
        ("mix deps.get", {"mix.exs": "apps_path: \"apps\""}, "umbrella"),
        ("mvn dependency:go-offline", {"pom.xml": "<modules><module>a</module>"}, "modules"),
    ],
)  # fmt: skip
def test_manifest_says_no_fix(tmp_path: Path, command: str, files: dict, reason: str) -> None:
    context = make_context(tmp_path, files)
    [finding] = lint(dockerfile("COPY . .", f"RUN {command}"), CODE, context_dir=context)
    assert finding.fix is None
    assert reason in said(finding)


def test_gemspec_reading_a_missing_file_gives_no_fix(tmp_path: Path) -> None:
    files = {"Gemfile": "gemspec\n", "a.gemspec": 'File.read("VERSION")\n'}
    context = make_context(tmp_path, files)
    [finding] = lint(dockerfile("COPY . .", "RUN bundle install"), CODE, context_dir=context)
    assert finding.fix is None
    assert "VERSION" in said(finding)


# --- a COPY of sources between the manifests and the install (LL101 and LL105 agree) ------


def test_source_copy_between_manifests_and_install(tmp_path: Path) -> None:
    context = make_context(tmp_path, {"package.json": "{}", "package-lock.json": "{}"})
    before = dockerfile("COPY package.json package-lock.json ./", "COPY src/ ./src/", "RUN npm ci")
    [finding] = lint(before, CODE, context_dir=context)
    assert finding.location.line == 4
    assert "package.json and package-lock.json" in said(finding)
    after = dockerfile("COPY package.json package-lock.json ./", "RUN npm ci", "COPY src/ ./src/")
    check_fix(before, after, context)


def test_reorder_engine_uses_the_same_answer(tmp_path: Path) -> None:
    """LL105 leaves the move to LL101 when it runs, and makes it when LL101 does not."""
    from rule_harness import rule_class

    from lintlayers.engine import Linter

    context = make_context(tmp_path, {"package.json": "{}", "package-lock.json": "{}"})
    before = dockerfile("COPY package.json package-lock.json ./", "COPY src/ ./src/", "RUN npm ci")
    both = Linter([rule_class("LL101")(), rule_class("LL105")()])
    codes = [f.code for f in both.lint_text(before, "Dockerfile", context_dir=context).findings]
    assert codes == ["LL101"]
    alone = Linter([rule_class("LL105")()])
    [finding] = alone.lint_text(before, "Dockerfile", context_dir=context).findings
    assert finding.location.line == 4
    after = dockerfile("COPY package.json package-lock.json ./", "RUN npm ci", "COPY src/ ./src/")
    assert fix(before, "LL105", unsafe=True, context_dir=context) == after


# --- the table ----------------------------------------------------------------------------

REQUIRED = [
    "pip", "pip-tools", "uv", "poetry", "pipenv", "pdm", "conda", "npm", "yarn", "yarn-berry",
    "pnpm", "bun", "go", "cargo", "cargo-chef", "maven", "gradle", "sbt", "dotnet", "nuget",
    "paket", "bundler", "rubygems", "composer", "mix", "rebar3", "pub", "swiftpm", "cabal",
    "stack", "renv", "cpanm", "carton", "luarocks", "vcpkg", "conan", "leiningen", "clojure",
    "shards", "gleam", "opam", "apt", "apk", "yum", "dnf", "microdnf", "zypper", "pacman",
]  # fmt: skip


def test_table_has_every_ecosystem_once() -> None:
    names = [entry.name for entry in ECOSYSTEMS]
    assert len(names) == len(set(names))
    assert set(REQUIRED) <= set(names)


@pytest.mark.parametrize("entry", ECOSYSTEMS, ids=[entry.name for entry in ECOSYSTEMS])
def test_table_entry_is_complete(entry: Ecosystem) -> None:
    assert entry.tools
    if entry.reads_context:
        assert entry.manifests and entry.installs
        for installer in entry.installs + entry.implicit:
            assert installer.ecosystem == entry.name
            assert installer.names and installer.subcommands
            named = installer.manifest_options or installer.positional_manifests
            assert installer.required or named or installer.default_manifests
    else:
        assert not entry.installs
    caches = entry.cache_directories()
    assert caches or entry.name in ("cargo-chef",), "cache directories unknown"
    assert all(path.startswith(("/", "~")) for path in caches)
    assert all(target.startswith("/") for target in entry.mount_targets())


def test_size_priors_come_from_the_size_model() -> None:
    assert ecosystem("pip").size_prior() is not None
    assert ecosystem("npm").size_prior() is not None
    assert ecosystem("cabal").size_prior() is None  # unknown, said so


def test_installers_list_is_the_table() -> None:
    assert tuple(i for entry in ECOSYSTEMS for i in entry.installs) == INSTALLERS


@pytest.mark.parametrize(
    ("argv", "implicit"),
    [
        ("dotnet build -c Release", True),
        ("dotnet publish app.csproj -o /out", True),
        ("dotnet test --no-restore", False),
        ("go build -o app .", True),
        ("go get .", True),
        ("go get -u github.com/a/b", False),
        ("go install ./cmd/...", True),
        ("go install golang.org/x/tools/gopls@latest", False),
    ],
)
def test_match_implicit(argv: str, implicit: bool) -> None:
    assert (match_implicit(argv.split()) is not None) is implicit
    assert match_install(argv.split()) is None


# --- real corpus files, read in place -----------------------------------------------------


def corpus() -> Path:
    path = Path(os.environ.get("LINTLAYERS_CORPUS") or ROOT.parent / "shared" / "corpus")
    if not (path / "files").is_dir():
        pytest.skip(f"no corpus at {path}")
    return path / "files"


@pytest.mark.parametrize(
    ("name", "line", "fixed", "inserted"),
    [
        ("GoogleCloudPlatform__microservices-demo/src__cartservice__src__Dockerfile.debug", 17,
         True, "COPY cartservice.csproj packages.lock.json* ./\n"
         "RUN dotnet restore cartservice.csproj\n"),
        ("docker__awesome-compose/aspnet-mssql__app__aspnetapp__Dockerfile", 6, True,
         'COPY aspnetapp.csproj packages.lock.json* /src/\nRUN cd /src && dotnet restore '
         '"aspnetapp.csproj"\n'),
        ("kubernetes__ingress-nginx/images__custom-error-pages__rootfs__Dockerfile", 24, True,
         "COPY go.mod go.sum* ./\nRUN go mod download\n"),
        ("microsoft__dotnet-framework-docker/tests__Microsoft.DotNet.Framework.Docker.Tests__"
         "projects__dotnetapp-4.8__Dockerfile", 7, False, ""),
    ],
)  # fmt: skip
def test_corpus_cases(name: str, line: int, fixed: bool, inserted: str) -> None:
    text = (corpus() / name).read_text(encoding="utf-8")
    [finding] = lint(text, CODE)
    assert finding.location.line == line
    assert (finding.fix is not None) is fixed
    if fixed:
        result = fix(text, CODE, unsafe=True)
        assert inserted in result
        assert lint(result, CODE) == []


def test_inserted_install_keeps_the_cache_mounts() -> None:
    before = dockerfile(
        "COPY . .",
        "RUN --mount=type=cache,target=/src/obj --mount=type=bind,source=x,target=/x "
        "dotnet publish app.csproj -o /out",
    )
    after = dockerfile(
        "COPY app.csproj packages.lock.json* ./",
        "RUN --mount=type=cache,target=/src/obj dotnet restore app.csproj",
        "COPY . .",
        "RUN --mount=type=cache,target=/src/obj --mount=type=bind,source=x,target=/x "
        "dotnet publish app.csproj -o /out",
    )
    check_fix(before, after, None)


@pytest.mark.parametrize(
    ("run", "reported"),
    [
        # A build that restores on the way, with the downloads in a cache mount: it
        # re-runs on any edit anyway and its restore fetches nothing (dotnet-docker's
        # releasesapi samples, grafana-image-renderer).
        ("--mount=type=cache,target=/root/.nuget dotnet publish app.csproj -o /out", False),
        ("--mount=type=cache,target=/root/.nuget/packages dotnet publish app.csproj", False),
        ("--mount=type=cache,target=/go/pkg/mod go build -o /app .", False),
        # A mount of something else keeps nothing of the downloads.
        ("--mount=type=cache,target=/src/obj dotnet publish app.csproj -o /out", True),
        # An explicit install re-runs for nothing on every edit, mount or not.
        ("--mount=type=cache,target=/root/.npm npm ci", True),
        ("--mount=type=cache,target=/root/.nuget dotnet restore app.csproj", True),
    ],
)
def test_build_with_downloads_in_a_cache_mount(run: str, reported: bool) -> None:
    image = "golang:1.22" if " go " in f" {run} " else "node:20" if "npm" in run else "sdk"
    text = f"FROM {image}\nWORKDIR /src\nCOPY . .\nRUN {run}\n"
    assert bool(lint(text, CODE)) is reported


def test_build_on_a_windows_image_without_a_posix_shell() -> None:
    """StefanScherer webserver: no POSIX shell, so no commands to look up a mount for."""
    text = "FROM golang:nanoserver as gobuild\nCOPY . /code\nWORKDIR /code\nRUN go build .\n"
    [finding] = lint(text, CODE)
    assert finding.location.line == 2


@pytest.mark.parametrize(
    "name",
    [
        "dotnet__dotnet-docker/samples__releasesapi__Dockerfile.azurelinux-distroless",
        "dotnet__dotnet-docker/eng__update-dependencies__Dockerfile",
        "grafana__grafana-image-renderer/Dockerfile",
    ],
)
def test_corpus_builds_with_downloads_in_a_cache_mount(name: str) -> None:
    path = corpus() / name
    text = path.read_text(encoding="utf-8")
    assert "--mount=type=cache" in text
    assert lint(text, CODE) == []


@pytest.mark.parametrize("folder", ["patches", "prisma", ".husky"])
def test_folder_an_install_hook_reads_is_not_between(folder: str) -> None:
    """Without the context, package.json's hooks are unknown: patch-package reads patches/."""
    text = dockerfile("COPY package.json yarn.lock ./", f"COPY {folder} ./{folder}", "RUN yarn")
    assert lint(text, CODE) == []


@pytest.mark.parametrize(
    ("image", "reported"),
    [("golang:1.22-alpine", True), ("golang", True), ("golang:1.13", False),
     ("docker.io/library/golang:1.15-buster", False), ("registry:5000/golang:1.10", False)],
)  # fmt: skip
def test_go_builds_download_modules_from_go_1_16(image: str, reported: bool) -> None:
    text = f"FROM {image}\nWORKDIR /go/src/app\nCOPY . .\nRUN go build ./...\n"
    assert bool(lint(text, CODE)) is reported


def test_outputs_and_lockfiles_of_installs_are_the_table_s() -> None:
    """What an install writes in its project (the reorder engine's RUN model reads it)."""
    assert ecosystem("npm").outputs == ("node_modules",)
    assert ecosystem("npm").lock_writes[1] == ("ci", "clean-install", "install-clean")
    assert ecosystem("yarn").outputs == ecosystem("yarn-berry").outputs
    assert "obj" in ecosystem("dotnet").outputs


# --- what the manifests pull in (lintlayers.model.manifests) ------------------------------


def tree_of(root: Path, files: dict[str, str]):
    from lintlayers.model.manifests import Tree

    make_context(root, files)

    def source_of(path: str) -> str | None:
        if not path.startswith("/app/"):
            return None  # outside what the COPY brings
        relative = path.removeprefix("/app/")
        return relative if list(root.glob(relative)) else None

    return Tree(str(root), source_of)


@pytest.mark.parametrize(
    ("mechanism", "manifests", "files", "required", "unknown"),
    [
        ("requirements", ["/app/requirements.txt"],
         {"requirements.txt": "-r base.txt\n", "base.txt": "-c c.txt\nflask\n", "c.txt": ""},
         ["/app/base.txt", "/app/c.txt"], ""),
        ("gemspec", ["/app/Gemfile"],
         {"Gemfile": "gemspec\n", "x.gemspec": 'require "x/version"\nFile.read("VERSION")\n',
          "lib/x/version.rb": "", "VERSION": "1\n"},
         ["/app/x.gemspec", "/app/lib/x/version.rb", "/app/VERSION"], ""),
        ("gemspec", ["/app/Gemfile"],
         {"Gemfile": 'gemspec path: "gems/x"\n', "gems/x/x.gemspec": ""},
         ["/app/gems/x/x.gemspec"], ""),
        ("dotnet", ["/app/a.sln"],
         {"a.sln": sln("A\\A.csproj"),
          "A/A.csproj": '<ProjectReference Include="..\\B\\B.fsproj" />', "B/B.fsproj": ""},
         ["/app/A/A.csproj", "/app/B/B.fsproj"], ""),
        ("dotnet", ["/app/A.csproj"], {"A.csproj": '<ProjectReference Include="../X/X.csproj"/>'},
         [], "../X/X.csproj is not in the build context"),
    ],
)  # fmt: skip
def test_follow(
    tmp_path: Path, mechanism: str, manifests: list, files: dict, required: list, unknown: str
) -> None:
    from lintlayers.model.manifests import follow

    found = follow(mechanism, manifests, tree_of(tmp_path, files))
    assert found.required == required
    assert found.unknown == unknown
    assert not found.reads_sources


@pytest.mark.parametrize(
    ("mechanism", "files"),
    [
        ("requirements", {"requirements.txt": "-e .\n"}),
        ("requirements", {"requirements.txt": "./libs/x\n"}),
        ("gemspec", {"Gemfile": "gem 'x', path: 'x'\n"}),
    ],
)
def test_follow_finds_the_project_itself(tmp_path: Path, mechanism: str, files: dict) -> None:
    from lintlayers.model.manifests import follow

    manifest = "/app/" + next(iter(files))
    assert follow(mechanism, [manifest], tree_of(tmp_path, files)).reads_sources


def test_dotnet_settings_above_the_project_are_copied(tmp_path: Path) -> None:
    """Directory.Build.props and NuGet.config apply from the folders above a project."""
    files = {
        "Directory.Build.props": "<Project/>",
        "NuGet.config": "<configuration/>",
        "app/app.csproj": '<Project><ItemGroup><ProjectReference Include="..\\lib\\lib.csproj"/>'
        "</ItemGroup></Project>",
        "lib/lib.csproj": "<Project/>",
    }
    context = make_context(tmp_path, files)
    before = dockerfile("COPY . .", "RUN dotnet restore app/app.csproj")
    after = dockerfile(
        "COPY app/app.csproj ./app/",
        "COPY lib/lib.csproj ./lib/",
        "COPY Directory.Build.props NuGet.config ./",
        "RUN dotnet restore app/app.csproj",
        "COPY . .",
    )
    check_fix(before, after, context)


@pytest.mark.parametrize(
    ("command", "files", "lines"),
    [
        ("npm ci",
         {"package.json": json.dumps({"workspaces": ["packages/*"]}), "package-lock.json": "{}",
          "packages/a/package.json": "{}", "packages/a/index.js": "",
          "packages/b/package.json": "{}"},
         "COPY package.json package-lock.json ./\nCOPY packages/a/package.json ./packages/a/\n"
         "COPY packages/b/package.json ./packages/b/"),
        ("pnpm install --frozen-lockfile",
         {"package.json": "{}", "pnpm-lock.yaml": "",
          "pnpm-workspace.yaml": "packages:\n  - 'apps/*'\n", "apps/web/package.json": "{}"},
         "COPY package.json pnpm-lock.yaml pnpm-workspace.yaml ./\n"
         "COPY apps/web/package.json ./apps/web/"),
    ],
)  # fmt: skip
def test_workspaces_are_copied(tmp_path: Path, command: str, files: dict, lines: str) -> None:
    context = make_context(tmp_path, files)
    before = dockerfile("COPY . .", f"RUN {command}")
    check_fix(before, dockerfile(lines, f"RUN {command}", "COPY . ."), context)


def test_workspace_hooks_block_the_fix(tmp_path: Path) -> None:
    files = {
        "package.json": json.dumps({"workspaces": ["packages/*"]}),
        "packages/a/package.json": json.dumps({"scripts": {"postinstall": "node build.js"}}),
    }
    context = make_context(tmp_path, files)
    [finding] = lint(dockerfile("COPY . .", "RUN npm ci"), CODE, context_dir=context)
    assert finding.fix is None
    assert "install or prepare script" in said(finding)


def test_workspace_folder_between_is_not_reported() -> None:
    text = dockerfile("COPY package.json yarn.lock ./", "COPY packages ./packages", "RUN yarn")
    assert lint(text, CODE) == []


@pytest.mark.parametrize(
    ("command", "independent"),
    [
        ("gem install bundler", True),
        ("gem install -g Gemfile", False),
        ("vcpkg install zlib", True),
        ("vcpkg install", False),
        ("luarocks install --only-deps app-1.rockspec", False),
        ("cabal update", True),
        ("mix local.hex --force", True),
        ("apt-get install -y gcc", True),
        ("go build ./...", False),
        ("npm install -g pm2", True),  # Ecosystem.global_flags
        ("pnpm add --global zx", True),
        ("yarn add -g x", False),  # Yarn has no global flag: yarn global add
    ],
)
def test_reads_no_project(command: str, independent: bool) -> None:
    from lintlayers.model.package_managers import reads_no_project
    from lintlayers.shell.commands import parse_shell

    [parsed] = parse_shell(command).commands
    assert reads_no_project(parsed) is independent


@pytest.mark.parametrize(
    ("build", "lines"),
    [
        ("mvn -B clean package -DskipTests", ["COPY pom.xml ./", "RUN mvn dependency:go-offline"]),
        ("./mvnw -B package", ["COPY pom.xml mvnw ./", "COPY .mvn/ ./.mvn/",
                               "RUN ./mvnw dependency:go-offline"]),
        ("gradle build --no-daemon", ["COPY build.gradle* settings.gradle* ./",
                                      "RUN gradle dependencies"]),
        ("./gradlew clean bootJar", ["COPY build.gradle* gradlew settings.gradle* ./",
                                     "COPY gradle/ ./gradle/", "RUN ./gradlew dependencies"]),
    ],
)  # fmt: skip
def test_jvm_builds_download_first(build: str, lines: list[str]) -> None:
    before = dockerfile("COPY . .", f"RUN {build}")
    [finding] = lint(before, CODE)
    assert "first installs the dependencies" in said(finding)
    check_fix(before, dockerfile(*lines, "COPY . .", f"RUN {build}"), None)


@pytest.mark.parametrize("build", ["mvn -o package", "gradle build --offline"])
def test_offline_builds_download_nothing(build: str) -> None:
    assert lint(dockerfile("COPY . .", f"RUN {build}"), CODE) == []


def test_build_after_its_own_warm_up_task_passes() -> None:
    """A custom task run on the manifests alone before the broad COPY (microservices-demo's
    adservice: ./gradlew downloadRepos) already keeps the downloads cached."""
    text = dockerfile(
        'COPY ["build.gradle", "gradlew", "./"]',
        "COPY gradle gradle",
        "RUN ./gradlew downloadRepos",
        "COPY . .",
        "RUN ./gradlew installDist",
    )
    assert lint(text, CODE) == []


# --- settings: what a tool reads in its directory and every one above ----------------------


@pytest.mark.parametrize(
    ("name", "settings"),
    [
        ("pip", ()),
        ("pip-tools", ()),
        ("uv", ("uv.toml", "pyproject.toml", ".python-version")),
        ("poetry", ("poetry.toml", "pyproject.toml")),
        ("pipenv", ("Pipfile", ".env", ".venv")),
        ("pdm", None),
        ("conda", (".condarc",)),
        ("mamba", (".condarc",)),
        ("npm", (".npmrc", "package.json", "node_modules")),
        ("yarn", (".yarnrc", ".yarnrc.yml", ".npmrc", ".yarn", ".pnp.cjs", "package.json")),
        ("yarn-berry", (".yarnrc", ".yarnrc.yml", ".npmrc", ".yarn", ".pnp.cjs", "package.json")),
        ("pnpm", (".npmrc", ".pnpmfile.cjs", "pnpm-workspace.yaml", "package.json")),
        ("bun", None),
        ("go", ("go.mod", "go.work")),
        ("cargo", (".cargo", "Cargo.toml", "rust-toolchain", "rust-toolchain.toml")),
        ("cargo-chef", None),
        ("maven", (".mvn", "pom.xml")),
        ("mvn", (".mvn", "pom.xml")),
        ("gradle", ("gradle.properties", "settings.gradle", "settings.gradle.kts", ".gradle")),
        ("bundler", (".bundle", "Gemfile", "gems.rb")),
        ("bundle", (".bundle", "Gemfile", "gems.rb")),
        ("rubygems", ()),
        ("gem", ()),
        ("composer", ("composer.json", "auth.json")),
        ("corepack", ("package.json",)),  # no ecosystem's: the command table's
        ("rustup", ("rust-toolchain", "rust-toolchain.toml")),
        ("pipx", ()),
        ("dotnet", None),
        ("unheard-of", None),
    ],
)
def test_settings_of(name: str, settings: tuple[str, ...] | None) -> None:
    from lintlayers.model.ecosystems import settings_of

    assert settings_of(name) == settings


def test_settings_are_read_in_every_directory_above() -> None:
    """``npm install -g`` reads ``.npmrc`` from /app up to /; pip reads none of its own."""
    from test_reorder import effects_of

    npm = effects_of("FROM node\nWORKDIR /app/web\nRUN npm install -g pm2\n")[-1]
    reads = npm.reads.paths()
    assert {"/app/web/.npmrc", "/app/.npmrc", "/.npmrc", "/app/web/package.json"} <= set(reads)
    pip = effects_of("FROM python\nWORKDIR /app\nRUN pip install flask\n")[-1]
    assert not any(path.startswith("/app") for path in pip.reads.paths())
    unknown = effects_of("FROM python\nWORKDIR /app\nRUN pdm install\n")[-1]
    assert "/app/.*" in unknown.reads.paths()


# --- adds and global actions: what the cost model and the reorder engine read per tool -----


@pytest.mark.parametrize(
    ("argv", "cost"),
    [
        ("npm install express", "dependencies"),
        ("npm update", "dependencies"),
        ("yarn add react", "dependencies"),
        ("yarn global add pm2", "dependencies"),
        ("pnpm add zod", "dependencies"),
        ("bun add hono", "dependencies"),
        ("pip download flask", "dependencies"),
        ("pip wheel flask", "dependencies"),
        ("uv tool install ruff", "dependencies"),
        ("poetry add flask", "dependencies"),
        ("pipenv lock", "dependencies"),
        ("pdm add flask", "dependencies"),
        ("mamba install numpy", "dependencies"),
        ("gem install rails", "dependencies"),
        ("bundle update", "dependencies"),
        ("bundler install", "dependencies"),  # the same tool by its other name
        ("composer require monolog/monolog", "dependencies"),
        ("nuget install Newtonsoft.Json", "dependencies"),
        ("cpanm Moose", "dependencies"),
        ("luarocks install luasocket", "dependencies"),
        ("mix local.hex --force", "dependencies"),
        ("rebar3 get-deps", "dependencies"),
        ("cabal update", "dependencies"),
        ("cabal build", "compile"),
        ("stack config set system-ghc --global true", "files"),  # setup: builds nothing
        ("cabal user-config update", "files"),
        ("mix archive.install hex phx_new", "files"),
        ("stack setup", "dependencies"),
        ("pipx install black", "dependencies"),  # no ecosystem's: the command table's
        ("cpan Moose", "dependencies"),
        ("pecl install redis", "dependencies"),
        ("lein deps", "dependencies"),
        ("bower install", "dependencies"),
        ("install2.r dplyr", "dependencies"),
        ("gem list", "files"),
        ("pip-compile requirements.in", "other"),  # resolves, reads what it is not named
    ],
)
def test_adds_are_dependency_work(argv: str, cost: str) -> None:
    from lintlayers.model.commands import work_of

    assert work_of(argv.split())[0] == cost


_NODE_GLOBAL = {
    "cache", "--version", "-v", "version", "view", "info", "get", "ping", "whoami", "bin", "root",
    "prefix", "store", "help",
}  # fmt: skip


@pytest.mark.parametrize(
    ("name", "actions"),
    [
        ("gem", {"install", "update", "uninstall", "sources", "env", "list", "cleanup"}),
        ("cargo", {"install", "--version"}),
        ("go", {"install", "env", "version"}),
        ("composer", {"global", "config", "self-update", "selfupdate", "--version", "diagnose"}),
        ("uv", {"tool", "python", "venv", "--version", "cache"}),
        ("bundle", {"config"}),
        ("poetry", {"config", "--version", "self"}),
        ("conda", {"config", "clean", "--version"}),
        ("pipx", {"install", "inject", "ensurepath", "upgrade"}),
        ("corepack", {"enable", "prepare", "install", "disable", "use"}),
        ("rustup", {"component", "target", "toolchain", "default", "install", "update", "show"}),
        ("npm", _NODE_GLOBAL),
        ("pnpm", _NODE_GLOBAL),
        ("pip", {"uninstall", "freeze", "list", "show", "check"}),
    ],
)
def test_global_actions(name: str, actions: set[str]) -> None:
    from lintlayers.model.ecosystems import global_actions_of

    assert global_actions_of(name) == actions


@pytest.mark.parametrize(
    ("run", "known"),
    [
        ("cargo install ripgrep", True),
        ("go install golang.org/x/tools/gopls@latest", True),
        ("corepack enable", True),
        ("rustup target add x86_64-unknown-linux-musl", True),
        ("gem install bundler", True),
        ("uv venv /opt/venv", True),
        ("cargo install --path .", False),  # a local crate: the project
        ("go install ./cmd/app", False),
        ("poetry run pytest", False),  # no global action
        ("gem build app.gemspec", False),
    ],
)
def test_global_actions_are_known_to_the_reorder_engine(run: str, known: bool) -> None:
    from test_reorder import effects_of

    effect = effects_of(f"FROM base\nWORKDIR /app\nRUN {run}\n")[-1]
    assert (effect.unknown == "") is known


@pytest.mark.parametrize(
    ("run", "path"),
    [
        ("pip install --no-cache-dir -r requirements.txt --target=/deps", "/deps"),
        ("pip install -r requirements.txt --prefix /install", "/install"),
        ("pip install -r requirements.txt --find-links /wheels", "/wheels"),  # read by it
        ("pip wheel -w /wheels flask", "/wheels"),
        ("pip download -d /pkgs flask", "/pkgs"),
    ],
)
def test_pip_path_options_are_written(run: str, path: str) -> None:
    """``Ecosystem.path_options``: the directories pip's options name, with or without a
    requirement file, are read and written (a COPY into them keeps its place)."""
    from test_reorder import effects_of

    effect = effects_of(f"FROM python\nWORKDIR /app\nRUN {run}\n")[-1]
    assert effect.unknown == ""
    assert path in effect.writes.paths()


@pytest.mark.parametrize(
    ("name", "tool"),
    [
        ("GOPATH", True), ("GOMODCACHE", True), ("CARGO_HOME", True), ("GEM_PATH", True),
        ("BUNDLE_APP_CONFIG", True), ("NODE_PATH", True), ("npm_config_prefix", True),
        ("VIRTUAL_ENV", True), ("PYTHONUSERBASE", True), ("POETRY_VIRTUALENVS_PATH", True),
        ("UV_PROJECT_ENVIRONMENT", True), ("YARN_CACHE_FOLDER", True), ("PIPX_BIN_DIR", True),
        ("JAVA_HOME", True), ("XDG_CONFIG_HOME", True), ("APP_DIR", True), ("HOME", True),
        ("PATH", False), ("NODE_ENV", False), ("LANG", False), ("GOPATHS", False),
    ],
)  # fmt: skip
def test_tool_dir_variables(name: str, tool: bool) -> None:
    from lintlayers.model.ecosystems import tool_dir_variable

    assert tool_dir_variable(name) is tool


def test_every_dir_variable_of_the_table_is_a_tool_directory() -> None:
    from lintlayers.model.ecosystems import tool_dir_variable

    for entry in ECOSYSTEMS:
        assert all(tool_dir_variable(name) for name in entry.dir_variables), entry.name


def test_a_tool_directory_variable_is_written_by_the_tool() -> None:
    from test_reorder import effects_of

    effect = effects_of("FROM golang\nENV GOPATH=/gopath\nRUN go install example.com/x@v1\n")[-1]
    assert effect.unknown == ""
    assert "/gopath" in effect.writes.paths()


@pytest.mark.parametrize(
    ("run", "written", "not_written"),
    [
        ("npm install express", {"package.json", "package-lock.json", "npm-shrinkwrap.json",
                                 "node_modules"}, {"yarn.lock", "pnpm-lock.yaml"}),
        ("yarn add react", {"package.json", "yarn.lock", "node_modules", ".pnp.cjs"},
         {"package-lock.json"}),
        ("pnpm remove zod", {"package.json", "pnpm-lock.yaml", "node_modules"}, {"yarn.lock"}),
        ("npm install -g pm2", set(), {"package.json", "node_modules"}),
        ("yarn add -g x", {"package.json", "yarn.lock"}, set()),  # no global flag: the project
        ("npm view react version", set(), {"package.json"}),
    ],
)  # fmt: skip
def test_node_edits_write_the_entry_project_files(
    run: str, written: set[str], not_written: set[str]
) -> None:
    """``Ecosystem.edits`` write the entry's ``project_files``; global ones and
    ``global_actions`` write nothing of the project."""
    from test_reorder import effects_of

    effect = effects_of(f"FROM node\nWORKDIR /app\nRUN {run}\n")[-1]
    assert effect.unknown == ""
    paths = set(effect.writes.paths())
    assert {"/app/" + name for name in written} <= paths
    assert not {"/app/" + name for name in not_written} & paths
