"""LL107 install-without-cache-mount."""

from __future__ import annotations

import pytest
from rule_harness import fix, lint, said

CODE = "LL107"


@pytest.mark.parametrize(
    ("body", "label", "target"),
    [
        ("FROM golang:1.22\nCOPY go.mod go.sum ./\nRUN go mod download\n", "go mod download",
         "/go/pkg/mod"),
        ("FROM golang:1.22\nCOPY . .\nRUN go build -o /app .\n", "go build", "/go/pkg/mod"),
        ("FROM node:20 AS build\nCOPY package*.json ./\nRUN npm ci\n"
         "FROM nginx\nCOPY --from=build /dist /html\n", "npm ci", "/root/.npm"),
        ("FROM rust:1\nCOPY Cargo.toml Cargo.lock ./\nRUN cargo fetch\n", "cargo fetch",
         "/usr/local/cargo/registry"),
        ("FROM mcr.microsoft.com/dotnet/sdk:8.0\nCOPY app.csproj .\nRUN dotnet restore\n",
         "dotnet restore", "/root/.nuget/packages"),
        ("FROM python:3.12\nCOPY requirements.txt .\n"
         "RUN pip install --no-cache-dir -r requirements.txt\n", "pip install", "/root/.cache/pip"),
        ("FROM python:3.12\nUSER app\nCOPY requirements.txt .\n"
         "RUN pip install --no-cache-dir -r requirements.txt\n", "pip install",
         "/home/app/.cache/pip"),
    ],
)  # fmt: skip
def test_reports_with_the_tools_mount(body: str, label: str, target: str) -> None:
    [finding] = lint(body, CODE)
    assert finding.severity == "info"
    assert f"`{label}`" in finding.message
    assert f"--mount=type=cache,target={target}" in said(finding)
    assert len(finding.message) <= 100
    assert fix(body, CODE, unsafe=True) == body  # no fix: the author places the mounts


@pytest.mark.parametrize(
    "body",
    [
        "FROM golang:1.22\nRUN --mount=type=cache,target=/go/pkg/mod go mod download\n",
        "FROM node:20\nRUN --mount=type=cache,target=/root/.npm npm ci\n",
        # the size rule LL304 reports the kept cache and names the mount itself
        "FROM python:3.12\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\n",
        # a build after the explicit download in the same stage
        "FROM golang:1.22\nRUN --mount=type=cache,target=/go/pkg/mod go mod download\n"
        "RUN go build -o /app .\n",
        "FROM debian\nRUN apt-get update && apt-get install -y curl\n",
        "FROM debian\nRUN echo npm ci\n",
    ],
)
def test_passes(body: str) -> None:
    assert lint(body, CODE) == []


def test_classic_builder_has_no_cache_mounts() -> None:
    assert lint("FROM node:20\nRUN npm ci\n", CODE, builder="classic") == []


def test_every_language_ecosystem_of_the_table_has_mount_targets() -> None:
    from lintlayers.model.ecosystems import ECOSYSTEMS

    missing = [entry.name for entry in ECOSYSTEMS if not entry.mount_targets()]
    assert missing == []


@pytest.mark.parametrize(
    "body",
    [
        "FROM golang:1.22\nCOPY . .\nRUN GO111MODULE=off go build -o /app .\n",
        "FROM golang:1.22\nENV GO111MODULE=off\nCOPY . .\nRUN go build -o /app .\n",
        "FROM golang:1.22\nENV GOFLAGS=-mod=vendor\nCOPY . .\nRUN go build -o /app .\n",
    ],
)
def test_a_build_that_downloads_nothing_is_not_reported(body: str) -> None:
    assert lint(body, CODE) == []


def test_corpus_podman_gopath_build() -> None:
    from corpus_support import corpus_root

    path = corpus_root() / "files" / "containers__podman" / "test__testvol__Containerfile"
    assert lint(path.read_text(encoding="utf-8"), CODE) == []


@pytest.mark.parametrize(
    "body",
    [
        "FROM golang:1.22\nCOPY main.go .\nRUN go build -o /app main.go\n",
        "FROM golang:1.22\nCOPY main.go go.mod ./\nRUN go build -o /app .\n",
        "FROM golang:1.22\nWORKDIR /src\nCOPY *.go ./\nADD go.mod .\nRUN go build -o /app .\n",
    ],
)
def test_a_go_build_in_a_stage_without_go_sum_is_not_reported(body: str) -> None:
    """Without go.sum a module build that needed a download would fail: it downloads nothing."""
    assert lint(body, CODE) == []


@pytest.mark.parametrize(
    "body",
    [
        "FROM golang:1.22\nCOPY main.go go.mod go.sum ./\nRUN go build -o /app .\n",
        "FROM golang:1.22\nCOPY go.* ./\nRUN go build -o /app .\n",
        "FROM golang:1.22\nCOPY cmd cmd\nCOPY go.mod .\nRUN go build -o /app ./cmd\n",
        "FROM golang:1.22\nCOPY main.go .\nRUN git clone https://e.com/x.git\nRUN go build .\n",
        "FROM golang:1.22 AS base\nCOPY . .\nFROM base\nCOPY main.go .\nRUN go build .\n",
        "FROM golang:1.22\nCOPY --from=src /go.sum .\nCOPY main.go .\nRUN go build .\n",
        "FROM golang:1.22\nCOPY main.go go.mod ./\nRUN go build -mod=mod -o /app .\n",
        "FROM golang:1.22\nENV GOFLAGS=-mod=mod\nCOPY main.go go.mod ./\nRUN go build .\n",
        "FROM golang:1.22\nCOPY main.go go.mod ./\nRUN go mod download\n",
    ],
)
def test_a_go_build_that_may_see_go_sum_is_still_reported(body: str) -> None:
    """A folder, a glob, a clone or another stage may bring go.sum; -mod=mod writes it; an
    explicit `go mod download` is no build."""
    assert len(lint(body, CODE)) == 1


@pytest.mark.parametrize(
    ("run", "compiles"),
    [
        ("RUN go build -o /app .", True),
        ("RUN CGO_ENABLED=0 go build -o /go/bin/sleep main.go", True),
        ("RUN go test ./...", True),
        ("RUN go install ./cmd/app", True),
        ("RUN go -C src build .", True),
        ("RUN go build -a -installsuffix cgo -o /app .", False),  # rebuilds every package
        ("RUN go get .", False),  # fetches, builds nothing since Go 1.18
        ("RUN go mod download", False),
    ],
)
def test_a_go_build_is_told_the_mount_keeps_what_it_compiled(run: str, compiles: bool) -> None:
    """kubernetes__perf-tests/util-images__sleep__Dockerfile: a stdlib-only program built
    after `ADD .` recompiles the standard library on every re-run (Go 1.20+ compiles it
    into GOCACHE), which the mount on /root/.cache/go-build keeps."""
    (finding,) = lint(f"FROM golang:1.26\nWORKDIR /src\nCOPY . .\n{run}\n", CODE)
    assert ("recompiles every package" in finding.message) is compiles
    assert ("compiled packages" in (finding.help or "")) is compiles
    assert "/root/.cache/go-build" in (finding.help or "")
    assert len(finding.message) <= 100


def test_the_lockfile_requirement_is_the_ecosystem_tables(monkeypatch: pytest.MonkeyPatch) -> None:
    """LL107 reads `lockfile_required_to_download` and `unlocked_flags` from the Go entry."""
    from lintlayers.model.ecosystems import ecosystem

    go = ecosystem("go")
    assert go is not None and go.lockfile_required_to_download
    body = "FROM golang:1.22\nCOPY main.go go.mod ./\nRUN go build -mod=readonly .\n"
    assert lint(body, CODE) == []
    monkeypatch.setattr(go, "unlocked_flags", ("-mod=readonly",))
    assert len(lint(body, CODE)) == 1
    monkeypatch.setattr(go, "lockfile_required_to_download", False)
    assert len(lint("FROM golang:1.22\nCOPY main.go go.mod ./\nRUN go build .\n", CODE)) == 1


def test_corpus_skaffold_examples_copy_no_go_sum() -> None:
    """skaffold's examples copy main.go and a go.mod without requirements: nothing to fetch;
    microservices-demo copies go.mod and go.sum for its `go mod download`."""
    from corpus_support import corpus_root

    files = corpus_root() / "files"
    for name in (
        "examples__docker-deploy__bert__Dockerfile",
        "examples__custom-buildx__Dockerfile",
        "pkg__skaffold__initializer__testdata__init__hello-no-manifest__Dockerfile",
    ):
        path = files / "GoogleContainerTools__skaffold" / name
        assert lint(path.read_text(encoding="utf-8"), CODE) == [], name
    path = files / "GoogleCloudPlatform__microservices-demo" / "src__shippingservice__Dockerfile"
    [finding] = lint(path.read_text(encoding="utf-8"), CODE)
    assert "`go mod download`" in finding.message


@pytest.mark.parametrize(
    ("body", "advice"),
    [
        ("FROM python:3.12\nCOPY requirements.txt .\n"
         "RUN pip install --no-cache-dir -r requirements.txt\n", "drop `--no-cache-dir`"),
        ("FROM node:20\nCOPY package.json .\nRUN npm install && npm cache clean --force\n",
         "drop the RUN's cache cleanup"),
        ("FROM golang:1.22\nCOPY go.mod go.sum ./\nRUN go mod download\n", None),
    ],
)  # fmt: skip
def test_the_help_names_what_would_defeat_the_mount(body: str, advice: str | None) -> None:
    """docker-library's onbuild images: `pip install --no-cache-dir`, `npm cache clean`."""
    [finding] = lint(body, CODE)
    if advice is None:
        assert "drop" not in said(finding)
    else:
        assert advice in said(finding)


# -- with the build context: manifests that declare nothing to download ------------------

DOTNET_SAMPLE = (
    "FROM --platform=$BUILDPLATFORM mcr.microsoft.com/dotnet/sdk:10.0 AS build\n"
    "ARG TARGETARCH\nWORKDIR /source\nCOPY --link *.csproj .\n"
    "RUN dotnet restore -a $TARGETARCH\nCOPY --link . .\n"
    "RUN dotnet publish -a $TARGETARCH --no-restore -o /out\n"
    "FROM scratch\nCOPY --link --from=build /out .\n"
)
"""dotnet-docker's samples/dotnetapp/Dockerfile.sdk-build (corpus, labeled true-minor)."""
PLAIN_CSPROJ = (
    '<Project Sdk="Microsoft.NET.Sdk">\n  <PropertyGroup>\n    <OutputType>Exe</OutputType>\n'
    "    <TargetFramework>net10.0</TargetFramework>\n  </PropertyGroup>\n</Project>\n"
)
REFERENCE = '  <ItemGroup><PackageReference Include="Dapper" Version="2.1.35" /></ItemGroup>\n'


def _context(tmp_path, files: dict[str, str]) -> str:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return str(tmp_path)


def _with_reference(text: str) -> str:
    return text.replace("</Project>", REFERENCE + "</Project>")


def _project(old: str, new: str) -> str:
    return PLAIN_CSPROJ.replace(old, new)


PROPS = _with_reference("<Project>\n</Project>")
NUGET_SDK = _project('Sdk="Microsoft.NET.Sdk"', 'Sdk="MSBuild.Sdk.Extras/3.0.44"')
IMPORT = _project("</Project>", '<Import Project="../x.props" /></Project>')
TRIMMED = _project("</PropertyGroup>", "<PublishTrimmed>true</PublishTrimmed></PropertyGroup>")
WITH_LIB = _project(
    "</Project>", '<ItemGroup><ProjectReference Include="lib/lib.csproj" /></ItemGroup></Project>'
)


def test_dotnet_sample_without_package_references_is_not_reported(tmp_path) -> None:
    """The csproj declares no package: restore fetches at most the runtime packs."""
    context = _context(tmp_path, {"dotnetapp.csproj": PLAIN_CSPROJ, "Program.cs": ""})
    assert lint(DOTNET_SAMPLE, CODE, context_dir=context) == []
    [finding] = lint(DOTNET_SAMPLE, CODE)  # without the context: as before
    assert "`dotnet restore`" in finding.message


@pytest.mark.parametrize(
    "files",
    [
        {"app.csproj": _with_reference(PLAIN_CSPROJ)},
        # the settings beside the project add packages to every project
        {"app.csproj": PLAIN_CSPROJ, "Directory.Build.props": PROPS},
        {"app.csproj": PLAIN_CSPROJ, "packages.config": '<packages><package id="x" /></packages>'},
        {"app.csproj": PLAIN_CSPROJ, "global.json": '{"msbuild-sdks": {"X.Sdk": "1.0.0"}}'},
        # an SDK from NuGet, an import, a self-contained trimmed publish: downloads
        {"app.csproj": NUGET_SDK},
        {"app.csproj": IMPORT},
        {"app.csproj": TRIMMED},
        # an F# project references FSharp.Core
        {"app.fsproj": PLAIN_CSPROJ},
        # a project reference that declares a package
        {"app.csproj": WITH_LIB, "lib/lib.csproj": _with_reference(PLAIN_CSPROJ)},
    ],
)  # fmt: skip
def test_dotnet_projects_that_declare_downloads_are_reported(tmp_path, files) -> None:
    [finding] = lint(DOTNET_BUILD, CODE, context_dir=_context(tmp_path, files))
    assert "`dotnet publish`" in finding.message


DOTNET_BUILD = (
    "FROM mcr.microsoft.com/dotnet/sdk:8.0 AS build\nWORKDIR /src\nCOPY . .\n"
    "RUN dotnet publish -o /out\nFROM scratch\nCOPY --from=build /out /\n"
)


def test_a_build_of_projects_without_packages_is_not_reported(tmp_path) -> None:
    files = {
        "app.csproj": WITH_LIB,
        "lib/lib.csproj": PLAIN_CSPROJ,
        "Directory.Packages.props": '<Project><ItemGroup><PackageVersion Include="x" '
        'Version="1" /></ItemGroup></Project>',
        "NuGet.Config": "<configuration />",
    }
    assert lint(DOTNET_BUILD, CODE, context_dir=_context(tmp_path, files)) == []


def test_dotnet_flags_that_download_packs_are_reported(tmp_path) -> None:
    context = _context(tmp_path, {"app.csproj": PLAIN_CSPROJ})
    body = "FROM mcr.microsoft.com/dotnet/sdk:8.0\nCOPY app.csproj .\nRUN dotnet restore {}\n"
    assert lint(body.format("-r linux-x64"), CODE, context_dir=context) == []
    for flags in ("--self-contained -r linux-x64", "-p:PublishReadyToRun=true"):
        assert len(lint(body.format(flags), CODE, context_dir=context)) == 1, flags


def test_fsproj_without_fsharp_core_is_not_reported(tmp_path) -> None:
    project = PLAIN_CSPROJ.replace(
        "</PropertyGroup>",
        "<DisableImplicitFSharpCoreReference>true</DisableImplicitFSharpCoreReference>"
        "</PropertyGroup>",
    )
    context = _context(tmp_path, {"app.fsproj": project})
    body = "FROM mcr.microsoft.com/dotnet/sdk:8.0\nCOPY app.fsproj .\nRUN dotnet restore\n"
    assert lint(body, CODE, context_dir=context) == []


FASTCGI = (
    "ARG GOLANG_VERSION\nFROM golang:${GOLANG_VERSION}-alpine3.23 AS builder\n"
    "WORKDIR /go/src/k8s.io/ingress-nginx/images/fastcgi\nCOPY . .\n"
    'RUN CGO_ENABLED=0 go build -a -installsuffix cgo -ldflags "-s -w" '
    "-o fastcgi-helloserver main.go\n"
    "FROM gcr.io/distroless/static:nonroot\n"
    "COPY --from=builder /go/src/k8s.io/ingress-nginx/images/fastcgi/fastcgi-helloserver /\n"
)
"""ingress-nginx images/fastcgi-helloserver/rootfs/Dockerfile (corpus, labeled wrong)."""
SLEEP = (
    "FROM golang:1.26 AS build-env\nARG gopkg=k8s.io/perf-tests/util-images/sleep\n"
    'ADD [".", "/go/src/$gopkg"]\nWORKDIR /go/src/$gopkg\n'
    "RUN CGO_ENABLED=0 go build -o /go/bin/sleep main.go\n"
    "FROM gcr.io/distroless/static\nCOPY --from=build-env /go/bin/sleep /usr/bin/\n"
)
"""perf-tests util-images/sleep/Dockerfile (corpus, labeled wrong)."""
MAIN_GO = 'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("hi") }\n'


def test_corpus_go_builds_that_download_nothing_are_not_reported(tmp_path) -> None:
    """fastcgi-helloserver: a go.mod without requirements, no go.sum; sleep: no go.mod."""
    fastcgi = _context(
        tmp_path / "fastcgi", {"go.mod": "module x\n\ngo 1.22\n", "main.go": MAIN_GO}
    )
    assert lint(FASTCGI, CODE, context_dir=fastcgi) == []
    sleep = _context(tmp_path / "sleep", {"main.go": MAIN_GO, "Makefile": "all:\n"})
    assert lint(SLEEP, CODE, context_dir=sleep) == []
    # without the context: sleep's mount keeps the compiled standard library; fastcgi's
    # build -a compiles everything anew, so only downloads, which its sources tell
    assert len(lint(SLEEP, CODE)) == 1
    assert lint(FASTCGI, CODE) == []


@pytest.mark.parametrize(
    ("files", "count"),
    [
        ({"go.mod": "module x\n\ngo 1.22\n\nrequire golang.org/x/text v0.14.0\n",
          "go.sum": "golang.org/x/text v0.14.0 h1:x=\n"}, 1),
        ({"go.mod": "module x\n\ngo 1.22\n", "go.sum": ""}, 0),  # go.sum, but nothing required
        ({"go.mod": "module x\n\ngo 1.22\n\ntoolchain go1.23.1\n", "go.sum": ""}, 1),
        ({"go.mod": "module x\n", "sub/go.sum": "x\n"}, 0),  # a go.sum elsewhere, nothing required
    ],
)  # fmt: skip
def test_go_module_requirements_decide(tmp_path, files, count: int) -> None:
    body = "FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -o /app .\n"
    assert (
        len(lint(body, CODE, context_dir=_context(tmp_path, {**files, "main.go": MAIN_GO})))
        == count
    )


def test_go_mod_download_of_a_module_without_requirements(tmp_path) -> None:
    context = _context(tmp_path, {"go.mod": "module x\n\ngo 1.22\n", "go.sum": ""})
    body = "FROM golang:1.22\nWORKDIR /src\nCOPY go.mod go.sum ./\nRUN go mod download{}\n"
    assert lint(body.format(""), CODE, context_dir=context) == []
    # a module named on the command line is downloaded whatever go.mod says
    assert len(lint(body.format(" golang.org/x/text@v0.14.0"), CODE, context_dir=context)) == 1


def test_a_command_before_the_install_may_bring_manifests(tmp_path) -> None:
    """A clone in the same RUN (or a RUN before) may bring go.mod and go.sum."""
    context = _context(tmp_path, {"main.go": MAIN_GO})
    body = "FROM golang:1.22\nCOPY main.go .\nRUN {}go build -o /app .\n"
    assert lint(body.format(""), CODE, context_dir=context) == []
    assert lint(body.format("apk add git && "), CODE, context_dir=context) == []
    clone = "git clone https://e.com/x.git && cd x && "
    assert len(lint(body.format(clone), CODE, context_dir=context)) == 1
    assert len(lint(body.format(clone), CODE)) == 1


NPM = (
    "FROM node:20 AS build\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci\n"
    "FROM nginx\nCOPY --from=build /app /html\n"
)


@pytest.mark.parametrize(
    ("manifest", "count"),
    [
        ('{"name": "x", "version": "1.0.0"}', 0),
        ('{"name": "x", "dependencies": {}, "devDependencies": {}}', 0),
        ('{"name": "x", "dependencies": {"express": "^4"}}', 1),
        ('{"name": "x", "devDependencies": {\n  "jest": "^29"\n}}', 1),
        ('{"name": "x", "optionalDependencies": {"fsevents": "*"}}', 1),
        ('{"name": "x", "peerDependencies": {"react": "*"}}', 1),
        ('{"name": "x", "scripts": {"postinstall": "npx foo"}}', 1),  # a hook may fetch
    ],
)
def test_npm_dependencies_decide(tmp_path, manifest: str, count: int) -> None:
    context = _context(tmp_path, {"package.json": manifest, "package-lock.json": "{}"})
    assert len(lint(NPM, CODE, context_dir=context)) == count


def test_npm_workspace_dependencies_count(tmp_path) -> None:
    context = _context(
        tmp_path,
        {
            "package.json": '{"name": "x", "workspaces": ["pkgs/*"]}',
            "pkgs/a/package.json": '{"name": "a", "dependencies": {"left-pad": "1"}}',
        },
    )
    body = NPM.replace("COPY package*.json ./", "COPY . .")
    assert len(lint(body, CODE, context_dir=context)) == 1


PIP = (
    "FROM python:3.12\nCOPY requirements*.txt ./\n"
    "RUN pip install --no-cache-dir -r requirements.txt{}\n"
)
BASE = "requirements-base.txt"


@pytest.mark.parametrize(
    ("files", "extra", "count"),
    [
        ({"requirements.txt": "# nothing yet\n\n--index-url https://e.com/simple\n"}, "", 0),
        ({"requirements.txt": "flask==3.0\n"}, "", 1),
        ({"requirements.txt": "-e git+https://e.com/x.git#egg=x\n"}, "", 1),
        ({"requirements.txt": f"-r {BASE}\n", BASE: "# none\n"}, "", 0),
        ({"requirements.txt": f"-r {BASE}\n", BASE: "django\n"}, "", 1),
        ({"requirements.txt": "# nothing yet\n"}, " gunicorn", 1),  # a package on the command line
    ],
)  # fmt: skip
def test_pip_requirement_lines_decide(tmp_path, files, extra: str, count: int) -> None:
    assert len(lint(PIP.format(extra), CODE, context_dir=_context(tmp_path, files))) == count


def test_a_stage_that_may_hold_other_files_is_reported(tmp_path) -> None:
    """A RUN before, another stage as the base, an unpacked archive: anything may be there."""
    context = _context(tmp_path, {"app.csproj": PLAIN_CSPROJ, "deps.tar.gz": ""})
    for body in (
        "FROM mcr.microsoft.com/dotnet/sdk:8.0\nRUN echo\nCOPY app.csproj .\nRUN dotnet restore\n",
        "FROM mcr.microsoft.com/dotnet/sdk:8.0 AS base\nFROM base\nCOPY app.csproj .\n"
        "RUN dotnet restore\n",
        "FROM mcr.microsoft.com/dotnet/sdk:8.0\nADD deps.tar.gz .\nCOPY app.csproj .\n"
        "RUN dotnet restore\n",
        "FROM mcr.microsoft.com/dotnet/sdk:8.0\nCOPY --from=x /src .\nCOPY app.csproj .\n"
        "RUN dotnet restore\n",
    ):
        assert len(lint(body, CODE, context_dir=context)) == 1, body


def test_a_build_after_one_that_downloads_nothing_in_the_same_run() -> None:
    """moby/buildkit's archutil generate stage: two `go run` in one heredoc RUN, no go.sum."""
    body = (
        "FROM golang:1.22\nWORKDIR /src\nCOPY gen.go .\nRUN <<EOT\n  set -ex\n  mkdir /out\n"
        "  go run ./gen.go a\n  go run ./gen.go b\nEOT\n"
    )
    assert lint(body, CODE) == []
    assert len(lint(body.replace("  mkdir /out", "  git clone https://e.com/x.git ."), CODE)) == 1


@pytest.mark.parametrize(
    "body",
    [
        "FROM golang:1.22\nARG REF=v1.2.3\n"
        "RUN git clone --branch $REF https://github.com/o/r.git /src && cd /src && go build\n",
        "FROM alpine AS src\nRUN git clone https://github.com/o/r.git /src\n"
        "FROM node:20 AS build\nCOPY --from=src /src .\nRUN yarn install && yarn build\n"
        "FROM nginx\nCOPY --from=build /dist /html\n",
    ],
)
def test_an_install_that_sees_no_build_context_re_runs_rarely(body: str) -> None:
    """An upstream release cloned and built: it re-runs only when the Dockerfile or the
    base changes, never on a source edit, so a mount would save little."""
    assert lint(body, CODE) == []
    with_source = body.replace("\nRUN ", "\nCOPY patches/ /patches/\nRUN ", 1)
    assert len(lint(with_source, CODE)) == 1


def test_an_install_after_a_stage_that_copies_the_context_is_reported() -> None:
    body = (
        "FROM alpine AS src\nCOPY . /src\n"
        "FROM node:20 AS build\nCOPY --from=src /src .\nRUN yarn install && yarn build\n"
        "FROM nginx\nCOPY --from=build /dist /html\n"
    )
    assert len(lint(body, CODE)) == 1
    assert lint(body.replace("COPY . /src", "RUN git clone https://x/y.git /src"), CODE) == []


@pytest.mark.parametrize(
    ("name", "line"),
    [
        ("open-telemetry__opentelemetry-demo/src__opamp-server__Dockerfile", 31),
        ("apache__apisix-docker/all-in-one__apisix-dashboard__Dockerfile", 100),
    ],
)
def test_corpus_builds_of_a_pinned_upstream_ref_are_left_alone(name: str, line: int) -> None:
    from corpus_support import corpus_root

    text = (corpus_root() / "files" / name).read_text(encoding="utf-8")
    assert line not in [finding.location.line for finding in lint(text, CODE)]


@pytest.mark.parametrize(
    "body",
    [
        # the dev image starts cargo, which reads the fetched crates from its registry
        "FROM rust:1 AS base\nCOPY Cargo.toml Cargo.lock ./\nRUN cargo fetch\nCOPY . .\n"
        'FROM base AS dev\nCMD ["cargo", "run", "--offline"]\n'
        "FROM base AS build\nRUN cargo build --release --offline\n"
        "FROM debian:12-slim\nCOPY --from=build /target/release/app /app\n",
        "FROM maven:3-eclipse-temurin-17\nCOPY pom.xml .\nRUN mvn dependency:go-offline\n"
        'COPY src src\nCMD ["./mvnw", "spring-boot:run"]\n',
        "FROM golang:1.22\nCOPY go.mod go.sum ./\nRUN go mod download\nCOPY . .\nCMD go run .\n",
        "FROM mcr.microsoft.com/dotnet/sdk:8.0\nCOPY app.csproj .\nRUN dotnet restore\n"
        'COPY . .\nENTRYPOINT ["sh", "-c", "dotnet run --no-restore"]\n',
    ],
)
def test_not_reported_when_the_container_starts_the_tool(body: str) -> None:
    """A tool that reads its dependencies from its cache folders when it runs needs them
    in the image: a cache mount on the install would leave them out."""
    assert lint(body, CODE) == []
    without = body.replace("CMD", "LABEL x=1\n#").replace("ENTRYPOINT", "LABEL y=1\n#")
    assert len(lint(without, CODE)) == 1


def test_a_container_that_runs_a_published_dll_still_wants_the_mount() -> None:
    """``dotnet app.dll`` runs published output, which carries its dependencies."""
    body = (
        "FROM mcr.microsoft.com/dotnet/sdk:8.0 AS build\nCOPY app.csproj .\n"
        "RUN dotnet restore\nCOPY . .\nRUN dotnet publish --no-restore -o /app\n"
        'WORKDIR /app\nENTRYPOINT ["dotnet", "app.dll"]\n'
    )
    [finding] = lint(body, CODE)
    assert "--mount=type=cache,target=/root/.nuget/packages" in said(finding)


def test_a_container_that_starts_npm_still_wants_the_mount() -> None:
    """npm's cache (``~/.npm``) is not node_modules: ``npm start`` needs only the latter."""
    body = (
        'FROM node:20 AS dev\nCOPY package*.json ./\nRUN npm ci\nCOPY . .\nCMD ["npm", "start"]\n'
        "FROM dev AS build\nRUN npm run build\nFROM nginx\nCOPY --from=build /dist /html\n"
    )
    [finding] = lint(body, CODE)
    assert "--mount=type=cache,target=/root/.npm" in said(finding)


@pytest.mark.parametrize(
    ("name", "line"),
    [
        ("react-rust-postgres__backend__Dockerfile", 11),  # dev images: cargo run --offline
        ("react-java-mysql__backend__Dockerfile", 6),  # dev-envs: mvn spring-boot:run
        ("spring-postgres__backend__Dockerfile", 6),
    ],
)
def test_corpus_awesome_compose_dev_images_run_the_tool(name: str, line: int) -> None:
    from corpus_support import corpus_root

    path = corpus_root() / "files" / "docker__awesome-compose" / name
    text = path.read_text(encoding="utf-8")
    assert line in {f.location.line for f in lint(text.replace("CMD", "#"), CODE)}
    assert line not in {f.location.line for f in lint(text, CODE)}


def test_corpus_complexapp_test_image_runs_dotnet_test() -> None:
    """dotnet-docker's complexapp: the ``test`` stage, built from ``test-build`` and
    ``build``, starts ``dotnet test``, which loads the test packages from NuGet's folder."""
    from corpus_support import corpus_root

    path = corpus_root() / "files" / "dotnet__dotnet-docker" / "samples__complexapp__Dockerfile"
    text = path.read_text(encoding="utf-8")
    assert lint(text, CODE) == []
    lines = {f.location.line for f in lint(text.replace('"test", "--no-build"', '"x"'), CODE)}
    assert lines == {15, 28}


def test_mix_mount_leaves_the_hex_archive_mix_local_hex_installed() -> None:
    """opentelemetry-demo's flagd-ui runs `mix local.hex --force` (Hex goes into
    ~/.mix/archives), then `mix deps.get`: a mount on ~/.mix would hide Hex and the
    build would fail with "Could not find Hex"; the packages are cached in ~/.hex."""
    text = (
        "FROM elixir:1.17\nWORKDIR /app\nRUN mix local.hex --force && mix local.rebar --force\n"
        "COPY mix.exs mix.lock ./\nRUN mix deps.get --only prod\n"
    )
    [finding] = lint(text, CODE)
    assert "--mount=type=cache,target=/root/.hex" in said(finding)
    assert "/root/.mix" not in said(finding)


@pytest.mark.parametrize(
    "head",
    [
        "FROM mcr.microsoft.com/dotnet/framework/sdk:4.8-windowsservercore-ltsc2022\n",
        "# escape=`\nFROM $BASE_BUILD_IMAGE\n",
        "FROM mcr.microsoft.com/windows/servercore:ltsc2022 AS base\nFROM base\n",
    ],
)
def test_windows_images_get_no_cache_mount_advice(head: str) -> None:
    text = f"{head}COPY packages.config .\nRUN nuget restore packages.config -PackagesDirectory p\n"
    linux = "FROM mcr.microsoft.com/dotnet/sdk:8.0\nCOPY app.csproj .\nRUN dotnet restore\n"
    assert lint(text, CODE) == []
    assert len(lint(linux, CODE)) == 1


def test_a_go_build_of_a_vendored_module_is_not_reported(tmp_path) -> None:
    """kubernetes/perf-tests dns/dnsperfgo: `ADD . ...` then `go build`, with the module's
    dependencies committed in vendor/ (vendor/modules.txt): Go builds from there and
    downloads nothing, which only the build context shows."""
    text = "FROM golang:1.26\nWORKDIR /src\nCOPY . .\nRUN go build -o /app\n"
    go_mod = "module x\n\ngo 1.22\n\nrequire github.com/miekg/dns v1.1.58\n"
    files = {"go.mod": go_mod, "go.sum": "github.com/miekg/dns v1.1.58 h1:x\n", "main.go": ""}
    plain = _context(tmp_path / "plain", files)
    vendored = _context(tmp_path / "vendored", {**files, "vendor/modules.txt": "# x\n"})
    assert len(lint(text, CODE, context_dir=plain)) == 1
    assert lint(text, CODE, context_dir=vendored) == []


@pytest.mark.parametrize(
    ("head", "target"),
    [
        ("FROM golang:1.22\n", "/go/pkg/mod"),
        ("ARG GO=golang:1.22\nFROM ${GO}\n", "/go/pkg/mod"),
        ("FROM $UNKNOWN\n", "/go/pkg/mod"),  # may be a golang image
        ("FROM almalinux:8\n", "/root/go/pkg/mod"),  # Go installed here: GOPATH=$HOME/go
        ("FROM debian:12\nENV GOPATH=/opt/go\n", "/opt/go/pkg/mod"),
        ("FROM debian:12\nENV GOMODCACHE=/cache/mod\n", "/cache/mod"),
        # ollama: built on base-${TARGETARCH}, almalinux or rocm's almalinux on each
        ("FROM almalinux:8 AS base-arm64\nFROM rocm/dev-almalinux-8 AS base-amd64\n"
         "FROM base-${TARGETARCH}\n", "/root/go/pkg/mod"),
    ],
)  # fmt: skip
def test_the_go_module_cache_mount_is_where_gopath_puts_it(head: str, target: str) -> None:
    """ollama's build stage installs Go on almalinux: GOPATH is Go's default, /root/go, so
    a mount on the golang image's /go/pkg/mod would cache nothing."""
    text = f"{head}WORKDIR /src\nCOPY go.mod go.sum ./\nRUN go mod download\n"
    [finding] = lint(text, CODE)
    assert f"--mount=type=cache,target={target} " in said(finding)


def test_an_onbuild_trigger_is_left_to_the_images_users() -> None:
    """docker-library's onbuild images (python 3.2, ruby 1.9, haskell): the trigger runs in
    the builds of the image's users; a mount there would make each of them need BuildKit."""
    text = (
        "FROM python:3.12\nONBUILD COPY requirements.txt .\n"
        "ONBUILD RUN pip install --no-cache-dir -r requirements.txt\n"
    )
    assert lint(text, CODE) == []
    assert len(lint(text.replace("ONBUILD ", ""), CODE)) == 1


def test_dotnet_framework_images_are_windows_images() -> None:
    """dotnet-framework-docker's samples/dotnetapp builds on
    `mcr.microsoft.com/dotnet/framework/sdk:4.8`, a Windows Server Core image whose name
    says neither: no cache mounts there, nor a Linux `/root/.nuget` path."""
    text = (
        "FROM mcr.microsoft.com/dotnet/framework/sdk:4.8 AS build\nWORKDIR /app\n"
        "COPY *.csproj .\nRUN dotnet restore\n"
    )
    assert lint(text, CODE) == []


@pytest.mark.parametrize(
    ("install", "reported"),
    [
        ("pip install --no-cache-dir --no-dependencies .", False),  # sqlfluff's line 27
        ("pip install --no-deps -e .", False),
        ("pip install --no-deps ./src/pkg", False),
        ("pip install --no-cache-dir --no-deps -r requirements.txt", True),  # each pinned one
        ("pip install --no-cache-dir .", True),  # with its dependencies
    ],
)
def test_pip_no_deps_of_the_local_project_downloads_none_of_its_dependencies(
    install: str, reported: bool
) -> None:
    """Without --no-cache-dir LL304 reports the cache, its advice naming the mount."""
    text = f"FROM python:3.12\nWORKDIR /src\nCOPY . .\nRUN {install}\n"
    assert bool(lint(text, CODE)) is reported


def test_a_second_build_finds_what_the_first_fetched_in_the_layer() -> None:
    """perf-tests' dns/dnsperfgo runs `go build` twice in one stage (CGO on, then off): the
    second finds the modules and compiled packages the first left in its layer."""
    text = (
        "FROM golang:1.26 AS build\nWORKDIR /src\nCOPY . .\n"
        "RUN CGO_ENABLED=1 go build -o /a\nRUN CGO_ENABLED=0 go build -o /b\n"
    )
    assert [finding.location.line for finding in lint(text, CODE)] == [4]
    mounted = text.replace(
        "RUN CGO_ENABLED=1",
        "RUN --mount=type=cache,target=/go/pkg/mod "
        "--mount=type=cache,target=/root/.cache/go-build CGO_ENABLED=1",
    )
    assert [finding.location.line for finding in lint(mounted, CODE)] == [5]  # not in a layer


def test_a_go_build_of_named_files_without_its_build_cache_is_left_to_the_context(
    tmp_path,
) -> None:
    """ingress-nginx's fastcgi-helloserver: `go build -a ... main.go` rebuilds every
    package (no use for the build cache), so a mount could only keep downloads, and
    whether a one-file program imports any module only its sources tell. With the build
    cache (no `-a`) the mount keeps the compiled standard library: still reported."""
    text = "FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -a -o /hello main.go\n"
    assert lint(text, CODE) == []
    assert len(lint(text.replace(" -a", ""), CODE)) == 1
    assert len(lint(text.replace("main.go", "."), CODE)) == 1
    assert len(lint(text.replace("RUN ", "RUN go mod tidy && "), CODE)) == 1  # a module's
    go_mod = "module x\n\ngo 1.22\n\nrequire github.com/miekg/dns v1.1.58\n"
    module = _context(tmp_path, {"go.mod": go_mod, "go.sum": "x\n", "main.go": ""})
    assert len(lint(text, CODE, context_dir=module)) == 1


ASPNET_MSSQL = """\
FROM mcr.microsoft.com/dotnet/aspnet:5.0 as base
WORKDIR /app
FROM mcr.microsoft.com/dotnet/sdk:5.0 AS build
COPY . /src
WORKDIR /src
RUN dotnet build "aspnetapp.csproj" -c Release -o /app/build
FROM build AS publish
RUN dotnet publish "aspnetapp.csproj" -c Release -o /app/publish
FROM base AS final
COPY --from=publish /app/publish .
"""
"""docker/awesome-compose aspnet-mssql/app/aspnetapp/Dockerfile, shortened."""


def test_a_stage_built_on_another_finds_what_its_builds_fetched() -> None:
    """awesome-compose's aspnet-mssql: `FROM build AS publish` starts from the layers of
    the build stage, where `dotnet build` (without a mount) restored the packages: the
    publish finds them and fetches nothing. A stage built on an external image, or on a
    stage that fetched nothing, still gets the advice."""
    assert [f.location.line for f in lint(ASPNET_MSSQL, CODE)] == [6]
    external = "FROM mcr.microsoft.com/dotnet/sdk:5.0 AS publish\nCOPY . /src\nWORKDIR /src"
    unrelated = ASPNET_MSSQL.replace("FROM build AS publish", external)
    assert [f.location.line for f in lint(unrelated, CODE)] == [6, 10]
    through = ASPNET_MSSQL.replace(
        "FROM build AS publish", "FROM build AS mid\nFROM mid AS publish"
    )
    assert [f.location.line for f in lint(through, CODE)] == [6]


@pytest.mark.parametrize(
    ("head", "target"),
    [
        # opentelemetry-demo src/quote: the official composer image's COMPOSER_HOME is /tmp
        ("FROM docker.io/library/composer:2.10.2@sha256:4d71c3c2 AS vendor\n", "/tmp/cache"),
        ("FROM composer:2\n", "/tmp/cache"),
        ("FROM composer\nENV COMPOSER_HOME=/composer\n", "/composer/cache"),
        ("FROM php:8.3-cli\nENV COMPOSER_CACHE_DIR=/var/cache/composer\n", "/var/cache/composer"),
        ("FROM php:8.3-cli\n", "/root/.composer/cache"),
    ],
)
def test_the_composer_cache_mount_is_where_the_image_puts_it(head: str, target: str) -> None:
    text = f"{head}WORKDIR /app\nCOPY composer.json composer.lock ./\nRUN composer install\n"
    [finding] = lint(text, CODE)
    assert f"--mount=type=cache,target={target} " in said(finding)
    mounted = text.replace("RUN composer", f"RUN --mount=type=cache,target={target} composer")
    assert lint(mounted, CODE) == []


@pytest.mark.parametrize(
    ("run", "target"),
    [
        # dockersamples' atsea shop: the maven image's settings-docker.xml
        ("mvn -B -f pom.xml -s /usr/share/maven/ref/settings-docker.xml dependency:resolve",
         "/usr/share/maven/ref/repository"),
        ("mvn --settings=/usr/share/maven/ref/settings-docker.xml dependency:go-offline",
         "/usr/share/maven/ref/repository"),
        ("mvn -Dmaven.repo.local=/cache/m2 dependency:go-offline", "/cache/m2"),
        ("mvn -s settings.xml dependency:go-offline", "/root/.m2/repository"),  # unknown: default
        ("mvn dependency:go-offline", "/root/.m2/repository"),
    ],
)  # fmt: skip
def test_the_maven_cache_mount_is_the_local_repository_the_command_uses(
    run: str, target: str
) -> None:
    text = f"FROM maven:3-eclipse-temurin-21\nWORKDIR /app\nCOPY pom.xml .\nRUN {run}\n"
    [finding] = lint(text, CODE)
    assert f"--mount=type=cache,target={target} " in said(finding)
    opts = (
        "FROM maven:3\nENV MAVEN_OPTS=-Dmaven.repo.local=/opt/m2\nCOPY pom.xml .\nRUN mvn verify\n"
    )
    [finding] = lint(opts, CODE)
    assert "--mount=type=cache,target=/opt/m2 " in said(finding)


@pytest.mark.parametrize(
    ("head", "target"),
    [
        ("FROM ruby:3.3\n", "/usr/local/bundle/cache"),
        # arrow's c_glib and docs images: Ruby from Ubuntu's packages keeps its gems under
        # /var/lib/gems/<version>, which the Dockerfile does not tell: no advice
        ("FROM ubuntu:24.04\nRUN apt-get update && apt-get install -y ruby-dev\n", None),
        ("FROM alpine:3.20\nRUN apk add --no-cache ruby ruby-dev\n", None),
        ("FROM ubuntu:24.04 AS base\nRUN apt-get install -y ruby3.2\nFROM base\n", None),
        ("FROM ubuntu:24.04\nRUN apt-get install -y ruby-full\nENV GEM_HOME=/gems\n",
         "/gems/cache"),
        ("FROM ubuntu:24.04\nRUN apt-get install -y ruby-bundler-dev-tools\n",
         "/usr/local/bundle/cache"),  # not Ruby's own package
    ],
)  # fmt: skip
def test_the_bundler_cache_mount_is_where_ruby_keeps_gems(head: str, target: str | None) -> None:
    text = f"{head}WORKDIR /app\nCOPY Gemfile Gemfile.lock ./\nRUN bundle install\n"
    findings = lint(text, CODE)
    if target is None:
        assert findings == []
    else:
        [finding] = findings
        assert f"--mount=type=cache,target={target} " in said(finding)


VCPKG = (
    "FROM ubuntu:22.04\nCOPY vcpkg.json /src/\nRUN {before}vcpkg install --x-manifest-root=/src\n"
)


@pytest.mark.parametrize(
    "before",
    [
        "export VCPKG_BINARY_SOURCES=$(cat /run/secrets/vcpkg_binary_sources); ",
        "VCPKG_BINARY_SOURCES='clear;http,https://cache.example/{name}' ",
    ],
)
def test_vcpkg_with_a_binary_cache_of_its_own_is_left_alone(before: str) -> None:
    """arrow's wheel images give vcpkg a remote binary cache (`VCPKG_BINARY_SOURCES`, read
    from a secret): it restores what it built from there, a cache mount keeps little."""
    assert lint(VCPKG.format(before=""), CODE)  # without it: reported
    assert not lint(VCPKG.format(before=before), CODE)
    scoped = VCPKG.format(before="").replace("RUN", "ENV VCPKG_BINARY_SOURCES=clear\nRUN")
    assert not lint(scoped, CODE)


def test_corpus_arrow_vcpkg_binary_sources() -> None:
    from corpus_support import corpus_root

    for name in (
        "ci__docker__cpp-jni.dockerfile",
        "ci__docker__python-wheel-manylinux.dockerfile",
        "ci__docker__python-wheel-musllinux.dockerfile",
    ):
        text = (corpus_root() / "files" / "apache__arrow" / name).read_text()
        assert "VCPKG_BINARY_SOURCES" in text
        assert not [f for f in lint(text, CODE) if "vcpkg" in f.message], name


def test_go_before_module_mode_is_left_alone() -> None:
    """jessfraz's k8scan builds on golang:1.12 in GOPATH mode (`go get -d .` under
    /go/src, no go.mod): the downloads go to GOPATH's src, which the advised
    /go/pkg/mod mount would not hold. Before Go 1.16 the image's tags are left alone,
    as LL101 leaves them."""
    text = (
        "FROM golang:{tag}\nWORKDIR /go/src/app\nCOPY go.mod go.sum *.go ./\n"
        "RUN go get -d . && go build -o /app .\n"
    )
    assert lint(text.format(tag="1.22"), CODE)
    assert not lint(text.format(tag="1.12-alpine"), CODE)
    from corpus_support import corpus_root

    path = corpus_root() / "files" / "jessfraz__dockerfiles" / "k8scan__Dockerfile"
    assert not lint(path.read_text(), CODE)
