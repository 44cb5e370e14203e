"""Which stages refer to which (lintlayers.model.stage_references), and its two readers."""

from __future__ import annotations

from lintlayers.model.stage_references import BASE, COPY, MOUNT, stage_references
from lintlayers.model.stages import build_model
from lintlayers.syntax.parser import parse

TEXT = """\
FROM alpine AS base
RUN echo base
FROM base AS build
RUN --mount=from=tools,target=/t echo build
FROM alpine AS tools
ONBUILD COPY --from=base /x /x
FROM scratch AS rootfs
COPY --from=build / /
FROM alpine
COPY --from=1 /out /out
"""


def _references(text: str) -> list[tuple[int, int, str, bool]]:
    model = build_model(parse(text))
    return [
        (ref.user.index, ref.target.index, ref.kind, ref.whole) for ref in stage_references(model)
    ]


def test_every_kind_of_reference_in_file_order() -> None:
    assert _references(TEXT) == [
        (1, 0, BASE, False),
        (1, 2, MOUNT, False),
        (3, 1, COPY, True),  # COPY --from=build / /: every file of the stage
        (4, 1, COPY, False),  # by index
    ]


def test_onbuild_copy_from_is_resolved_by_a_later_build() -> None:
    """ONBUILD COPY --from=base names a stage of the child's Dockerfile, not this one."""
    assert all(target != 0 or kind == BASE for _, target, kind, _ in _references(TEXT))


def test_shipping_reads_the_references() -> None:
    """LL306 reports a later cleanup only in a stage whose layers ship: built on by the
    image, yes; flattened by ``COPY --from=build / /`` into another stage, no."""
    from rule_harness import lint

    build = "FROM alpine AS build\nCOPY big.bin /big.bin\nRUN rm /big.bin\n"
    assert len(lint(build + "FROM build\nRUN true\n", "LL306")) == 1
    flattened = (
        "FROM scratch AS rootfs\nCOPY --from=build / /\nFROM alpine\nCOPY --from=rootfs /x /x\n"
    )
    assert lint(build + flattened, "LL306") == []


def test_a_test_target_ships_no_layers() -> None:
    """A stage built only as a test/lint/validate target runs in CI: its layers are never
    pushed, so a later cleanup there costs nothing (LL306)."""
    from rule_harness import lint

    build = "FROM alpine AS base\nCOPY big.bin /big.bin\nRUN rm /big.bin\n"
    assert len(lint(build + "FROM base AS app\nRUN true\n", "LL306")) == 1
    assert lint(build + "FROM base AS unit-test\nRUN true\n", "LL306") == []


def test_corpus_stages_of_test_targets_are_not_shipped() -> None:
    """xx's test-base stages feed only its test-* targets; moby's generate-files base only
    the validate target and files copied out."""
    from corpus_support import corpus_root
    from rule_harness import lint

    files = corpus_root() / "files"
    xx = (files / "tonistiigi__xx" / "src__Dockerfile").read_text(encoding="utf-8")
    assert 39 not in [finding.location.line for finding in lint(xx, "LL301")]
    assert lint(xx, "LL316") == []
    moby = files / "moby__moby" / "hack__dockerfiles__generate-files.Dockerfile"
    text = moby.read_text(encoding="utf-8")
    assert lint(text, "LL301") == [] and lint(text, "LL308") == []


def test_a_reference_naming_a_platform_arg_resolves_on_every_platform() -> None:
    """``FROM base-${TARGETARCH}`` builds on base-amd64 and on base-arm64 (ollama's
    Dockerfile); ``FROM ${FLAVOR}`` with ``ARG FLAVOR=${TARGETOS}`` on linux and windows
    (containerd's release Dockerfile); ``COPY --from=out-${TARGETARCH}`` likewise."""
    text = (
        "ARG FLAVOR=${TARGETOS}\n"
        "FROM a AS base-amd64\nFROM b AS base-arm64\n"
        "FROM base-${TARGETARCH} AS linux\nFROM c AS windows\n"
        "FROM ${FLAVOR} AS target\n"
        "FROM scratch\nARG TARGETARCH\nCOPY --from=base-${TARGETARCH} /x /x\n"
    )
    assert _references(text) == [
        (2, 0, BASE, False),
        (2, 1, BASE, False),
        (4, 2, BASE, False),
        (4, 3, BASE, False),
        (5, 0, COPY, False),
        (5, 1, COPY, False),
    ]


def test_an_unknown_variable_names_no_stage() -> None:
    assert _references("FROM a AS base-x\nFROM base-${V}\n") == []


def test_binaries_picked_for_darwin_and_freebsd_count_as_used() -> None:
    """moby/buildkit: ``FROM binaries-$TARGETOS AS binaries`` exports darwin and freebsd
    binaries too."""
    text = (
        "FROM scratch AS binaries-linux\nFROM scratch AS binaries-darwin\n"
        "FROM scratch AS binaries-freebsd\nFROM binaries-$TARGETOS AS binaries\n"
    )
    assert _references(text) == [(3, 0, BASE, False), (3, 1, BASE, False), (3, 2, BASE, False)]


def test_a_long_chain_of_stages_is_linted_without_recursing_through_it() -> None:
    """Each stage built from the one before: whether a stage reaches the image is
    settled from the last stage back, and its root image once for the chain, so 3,000
    stages neither exceed Python's recursion limit (every rule asking ``reaches_image``
    once failed with a RecursionError: LL107, LL304) nor repeat the walk per stage."""
    from lintlayers.engine import default_linter

    stages = ["FROM python:3.12 AS s0\n"]
    stages += [f"FROM s{i - 1} AS s{i}\nRUN pip install pkg{i}\n" for i in range(1, 3000)]
    text = "".join(stages)
    result = default_linter().lint_text(text, "Dockerfile")
    assert not [f.message for f in result.findings if f.code == "LL000"]
    assert sum(f.code == "LL304" for f in result.findings) == 2999  # every stage ships
    model = build_model(parse(text))
    assert {stage.root_image for stage in model.stages} == {"python:3.12"}


ANGULAR = """\
FROM node:17.0.1-bullseye-slim AS builder
WORKDIR /project
RUN npm install -g @angular/cli@13
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
FROM builder AS dev-envs
RUN <<EOF
apt-get update
apt-get install -y --no-install-recommends git
EOF
"""
"""docker/awesome-compose angular/angular/Dockerfile, shortened: compose builds `target:
builder`; `dev-envs` served Docker Dev Environments on a developer's machine."""


def test_a_development_stage_is_an_image_nobody_pulls() -> None:
    """The apt lists of awesome-compose's `dev-envs` stage (and `development`, `dev`)
    never ship: LL301 leaves them, as it leaves a stage named for tests. The stage it is
    built on is another target, whose npm cache still counts (LL305); `devel`, CUDA's
    shipped flavour, is no development stage."""
    from rule_harness import lint

    assert lint(ANGULAR, "LL301") == []
    assert len(lint(ANGULAR, "LL305")) == 2  # npm install -g and npm ci, in builder
    for name in ("development", "dev", "test"):
        assert lint(ANGULAR.replace("dev-envs", name), "LL301") == []
    for name in ("devel", "app", "developer-tools"):
        assert len(lint(ANGULAR.replace("dev-envs", name), "LL301")) == 1


def test_a_stage_shipped_only_through_a_development_stage_is_not() -> None:
    """docker/getting-started: `base` installs the mkdocs requirements for `dev` (a
    development server) and `build`, whose site alone the nginx image copies: the pip
    cache of `base` ships nowhere."""
    from rule_harness import lint

    text = (
        "FROM python:alpine AS base\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\n"
        'FROM base AS dev\nCMD ["mkdocs", "serve"]\n'
        "FROM base AS build\nCOPY . .\nRUN mkdocs build\n"
        "FROM nginx:alpine\nCOPY --from=build /app/site /usr/share/nginx/html\n"
    )
    assert lint(text, "LL304") == []
    assert len(lint(text.replace("AS dev\n", "AS docs\n"), "LL304")) == 1
