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
        ("FROM node:20\nCOPY package.json .\nONBUILD RUN npm install && npm cache clean --force\n",
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
