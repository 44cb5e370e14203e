"""LL101 broad-copy-before-install, and the package-manager table it reads."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rule_harness import fix, lint, onbuild, positions, said

from lintlayers.model.package_managers import INSTALLERS, match_install

CODE = "LL101"


def make_context(root: Path, files: dict[str, str]) -> str:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
    return str(root)


def check_fix(before: str, after: str, context_dir: str | None = None) -> None:
    """The unsafe fix gives ``after``, idempotently, leaving no finding; a safe fix does nothing."""
    assert fix(before, CODE, context_dir=context_dir) == before
    fixed = fix(before, CODE, unsafe=True, context_dir=context_dir)
    assert fixed == after
    assert fix(fixed, CODE, unsafe=True, context_dir=context_dir) == fixed
    assert lint(fixed, CODE, context_dir=context_dir) == []


# --- the package-manager table -------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "tool", "manifests", "manifest_only"),
    [
        ("pip install -r requirements.txt", "pip", ["requirements.txt"], True),
        ("pip3 install --no-cache-dir -r req/prod.txt gunicorn", "pip", ["req/prod.txt"], True),
        ("python3 -m pip install -rrequirements.txt", "pip", ["requirements.txt"], True),
        ("uv pip install -r requirements.txt", "pip", ["requirements.txt"], True),
        ("pip install -r requirements.txt -e .", "pip", ["requirements.txt"], False),
        ("pip install .", "pip", [], False),
        ("uv sync --frozen", "uv", ["pyproject.toml"], False),
        ("uv sync --frozen --no-install-project", "uv", ["pyproject.toml"], True),
        ("poetry install", "poetry", ["pyproject.toml"], False),
        ("poetry install --no-root --only main", "poetry", ["pyproject.toml"], True),
        ("pipenv install --system --deploy", "pipenv", ["Pipfile"], True),
        ("npm ci", "npm", ["package.json"], True),
        ("npm install --omit=dev", "npm", ["package.json"], True),
        ("yarn", "yarn", ["package.json"], True),
        ("yarn install --frozen-lockfile", "yarn", ["package.json"], True),
        ("corepack pnpm install", "pnpm", ["package.json"], True),
        ("pnpm fetch", "pnpm", ["pnpm-lock.yaml"], True),
        ("go mod download", "go", ["go.mod"], True),
        ("cargo fetch --manifest-path app/Cargo.toml", "cargo", ["Cargo.toml"], True),
        ("./mvnw -B dependency:go-offline", "maven", ["pom.xml"], True),
        ("mvn -f backend/pom.xml dependency:resolve", "maven", ["pom.xml"], True),
        ("./gradlew dependencies --no-daemon", "gradle", ["build.gradle*"], True),
        ("bundle install --jobs 4", "bundler", ["Gemfile"], True),
        ("composer install", "composer", ["composer.json"], False),
        ("php composer.phar install --no-scripts --no-autoloader", "composer", [], True),
    ],
)
def test_match_install(command: str, tool: str, manifests: list[str], manifest_only: bool) -> None:
    found = match_install(command.split())
    assert found is not None
    assert found.installer.tool == tool
    if manifests:
        assert found.manifests == manifests
    assert found.manifest_only is manifest_only


@pytest.mark.parametrize(
    "command",
    [
        "pip install flask",
        "pip install --upgrade pip",
        "npm install express",
        "npm run build",
        "yarn build",
        "yarn --version",
        "yarn add react",
        "pipenv install requests",
        "go build ./...",
        "cargo build --release",
        "mvn package",
        "gradle build",
        "bundle exec rake",
        "apt-get install -y curl",
    ],
)
def test_match_install_ignores_other_commands(command: str) -> None:
    assert match_install(command.split()) is None


def test_match_install_directories() -> None:
    found = match_install(["npm", "--prefix", "web", "ci"])
    assert found is not None and found.project_dir == "web"
    found = match_install(["mvn", "-f", "backend/pom.xml", "dependency:go-offline"])
    assert found is not None and found.project_dir == "backend"
    found = match_install(["./gradlew", "dependencies"])
    assert found is not None and found.wrapper == ["gradlew", "gradle/"]


def test_table_records_are_complete() -> None:
    for installer in INSTALLERS:
        assert installer.tool and installer.names and installer.subcommands
        assert installer.required or installer.manifest_options or installer.positional_manifests


# --- findings ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("copy", "install", "word"),
    [
        ("COPY . .", "RUN pip install --no-cache-dir -r requirements.txt", "."),
        ("COPY ./ ./", "RUN npm ci", "./"),
        ("COPY * ./", "RUN yarn install --frozen-lockfile", "*"),
        ("ADD . /app", "RUN go mod download", "."),
        ("COPY --chown=app:app . /app/", "RUN bundle install", "."),
        ("COPY --link . .", "RUN pnpm install --frozen-lockfile", "."),
        ('COPY [".", "/app"]', "RUN pipenv install --deploy --system", "."),
        ("copy . .", "run composer install --no-scripts --no-autoloader", "."),
    ],
)
def test_reports_broad_copy(copy: str, install: str, word: str) -> None:
    text = f"FROM base\nWORKDIR /app\n{copy}\n{install}\n"
    [finding] = lint(text, CODE)
    column = copy.index(word, 4) + 1
    assert positions([finding]) == [(3, column, 3, column + len(word))]
    assert "at line 4" in finding.message
    command = install.split(" ", 1)[1]
    assert f"`{command[:57]}" in said(finding)
    assert finding.fix is not None
    assert finding.fix.applicability == "unsafe"


def test_exact_columns() -> None:
    text = "FROM python\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\n"
    assert positions(lint(text, CODE)) == [(3, 6, 3, 7)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "FROM python\nCOPY app/ /app/\nRUN pip install -r /app/requirements.txt\n",
            (2, 6, 2, 10),
        ),
        (
            "FROM python\nWORKDIR /srv\nCOPY app ./app\n"
            "RUN cd app && pip install -r requirements.txt\n",
            (3, 6, 3, 9),
        ),
        (
            "FROM node\nCOPY web/ /src/web/\nRUN npm --prefix /src/web ci\n",
            (2, 6, 2, 10),
        ),
    ],
)
def test_reports_directory_holding_the_manifest(
    text: str, expected: tuple[int, int, int, int]
) -> None:
    [finding] = lint(text, CODE)
    assert positions([finding]) == [expected]
    assert "directory" in said(finding)


@pytest.mark.parametrize(
    "text",
    [
        # the usual good pattern
        "FROM node\nWORKDIR /app\nCOPY package.json package-lock.json ./\nRUN npm ci\n"
        "COPY . .\nRUN npm run build\n",
        # a second install after the good pattern
        "FROM node\nWORKDIR /app\nCOPY package.json yarn.lock ./\nRUN yarn install\n"
        "COPY . .\nRUN yarn install --offline && yarn build\n",
        # dependencies installed through bind mounts first (uv's documented pattern)
        "FROM python\nWORKDIR /app\nRUN --mount=type=bind,source=uv.lock,target=uv.lock "
        "--mount=type=bind,source=pyproject.toml,target=pyproject.toml "
        "uv sync --no-install-project\nCOPY . /app\nRUN uv sync\n",
        # the install builds the local project
        "FROM python\nWORKDIR /app\nCOPY . .\nRUN pip install .\n",
        "FROM python\nWORKDIR /app\nCOPY . .\nRUN pip install -e .[dev]\n",
        # the install comes first
        "FROM python\nWORKDIR /app\nRUN pip install -r /tmp/requirements.txt\nCOPY . .\n",
        # not from the build context
        "FROM python\nWORKDIR /app\nCOPY --from=build /src .\n"
        "RUN pip install -r requirements.txt\n",
        # a directory that does not hold the manifest
        "FROM python\nWORKDIR /app\nCOPY src/ ./src/\nRUN pip install -r requirements.txt\n",
        # narrow copies
        "FROM python\nWORKDIR /app\nCOPY requirements*.txt ./\n"
        "RUN pip install -r requirements.txt\n",
        "FROM node\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci\n",
        "FROM python\nWORKDIR /app\nCOPY Makefile .\nRUN pip install -r requirements.txt\n",
        # another stage
        "FROM python AS a\nWORKDIR /app\nCOPY . .\nFROM python\nWORKDIR /app\n"
        "RUN pip install -r requirements.txt\n",
        # not an install from manifests
        "FROM node\nWORKDIR /app\nCOPY . .\nRUN npm install -g serve\n",
        "FROM golang\nWORKDIR /app\nCOPY go.mod go.sum ./\nRUN go mod download\nCOPY . .\n"
        "RUN go build ./...\n",
        "FROM golang\nWORKDIR /app\nCOPY . .\nRUN go build -mod=vendor ./...\n",
        "FROM golang\nENV GOFLAGS=-mod=vendor\nWORKDIR /app\nCOPY . .\nRUN go build ./...\n",
        "FROM golang\nWORKDIR /app\nCOPY . .\nRUN go install github.com/a/b@v1.2.3\n",
        # the manifest is elsewhere than where the COPY lands
        "FROM python\nCOPY . /src\nRUN pip install -r /opt/requirements.txt\n",
        # unknown working directory
        "FROM python\nWORKDIR $APP\nCOPY . .\nRUN pip install -r requirements.txt\n",
    ],
)
def test_passes(text: str) -> None:
    assert lint(text, CODE) == []


def test_cache_mount_good_pattern_passes() -> None:
    text = (
        "FROM node\nWORKDIR /app\nCOPY package.json package-lock.json ./\n"
        "RUN --mount=type=cache,target=/root/.npm npm ci\nCOPY . .\n"
    )
    assert lint(text, CODE) == []


def test_cache_mount_does_not_excuse_the_broad_copy() -> None:
    text = "FROM node\nWORKDIR /app\nCOPY . .\nRUN --mount=type=cache,target=/root/.npm npm ci\n"
    check_fix(
        text,
        "FROM node\nWORKDIR /app\nCOPY package.json package-lock.json* ./\n"
        "RUN --mount=type=cache,target=/root/.npm npm ci\nCOPY . .\n",
    )


def test_onbuild_pair() -> None:
    copy = onbuild("COPY . /usr/src/app")
    run = onbuild("RUN cd /usr/src/app && npm install")
    text = f"FROM node\n{copy}\n{run}\n"
    [finding] = lint(text, CODE)
    assert positions([finding]) == [(2, 14, 2, 15)]
    check_fix(
        text,
        "FROM node\n"
        + onbuild("COPY package.json package-lock.json* /usr/src/app/")
        + f"\n{run}\n{copy}\n",
    )


# --- fixes ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("install", "copied"),
    [
        ("RUN pip install -r requirements.txt", "COPY requirements.txt ./"),
        ("RUN npm ci", "COPY package.json package-lock.json* ./"),
        ("RUN yarn install --frozen-lockfile", "COPY package.json yarn.lock* ./"),
        ("RUN pnpm install", "COPY package.json pnpm-lock.yaml* ./"),
        ("RUN go mod download", "COPY go.mod go.sum* ./"),
        ("RUN bundle install", "COPY Gemfile Gemfile.lock* ./"),
        ("RUN poetry install --no-root", "COPY pyproject.toml poetry.lock* ./"),
        ("RUN uv sync --no-install-project", "COPY pyproject.toml uv.lock* ./"),
        ("RUN pipenv install --deploy", "COPY Pipfile Pipfile.lock* ./"),
        (
            "RUN composer install --no-scripts --no-autoloader",
            "COPY composer.json composer.lock* ./",
        ),
        ("RUN mvn -B dependency:go-offline", "COPY pom.xml ./"),
        ("RUN ./mvnw dependency:go-offline", "COPY pom.xml mvnw ./\nCOPY .mvn/ ./.mvn/"),
        (
            "RUN ./gradlew dependencies",
            "COPY build.gradle* gradlew settings.gradle* ./\nCOPY gradle/ ./gradle/",
        ),
        ("RUN pip install -r requirements/prod.txt", "COPY requirements/prod.txt ./requirements/"),
    ],
)
def test_fix_per_package_manager(install: str, copied: str) -> None:
    check_fix(
        f'FROM base\nWORKDIR /app\nCOPY . .\n{install}\nCMD ["run"]\n',
        f'FROM base\nWORKDIR /app\n{copied}\n{install}\nCOPY . .\nCMD ["run"]\n',
    )


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (  # flags kept, comments travel with their instruction
            "FROM python\nWORKDIR /app\n# sources\nCOPY --chown=app:app --chmod=644 . .\n"
            "# dependencies\nRUN pip install -r requirements.txt\n",
            "FROM python\nWORKDIR /app\nCOPY --chown=app:app --chmod=644 requirements.txt ./\n"
            "# dependencies\nRUN pip install -r requirements.txt\n"
            "# sources\nCOPY --chown=app:app --chmod=644 . .\n",
        ),
        (  # CRLF line endings, no final newline
            "FROM python\r\nWORKDIR /app\r\nCOPY . .\r\nRUN pip install -r requirements.txt",
            "FROM python\r\nWORKDIR /app\r\nCOPY requirements.txt ./\r\n"
            "RUN pip install -r requirements.txt\r\nCOPY . .",
        ),
        (  # indentation, metadata in between, a blank line not doubled
            "FROM python\n  WORKDIR /app\n  COPY . .\n  LABEL a=b\n\n"
            "  RUN pip install -r requirements.txt\n\n  CMD x\n",
            "FROM python\n  WORKDIR /app\n  COPY requirements.txt ./\n"
            "  RUN pip install -r requirements.txt\n  COPY . .\n  LABEL a=b\n\n  CMD x\n",
        ),
        (  # absolute destination kept absolute
            "FROM python\nWORKDIR /srv\nCOPY . /app\nRUN pip install -r /app/requirements.txt\n",
            "FROM python\nWORKDIR /srv\nCOPY requirements.txt /app/\n"
            "RUN pip install -r /app/requirements.txt\nCOPY . /app\n",
        ),
        (  # a directory source
            "FROM python\nCOPY app/ /app/\nRUN pip install -r /app/requirements.txt\n",
            "FROM python\nCOPY app/requirements.txt /app/\n"
            "RUN pip install -r /app/requirements.txt\nCOPY app/ /app/\n",
        ),
        (  # the manifest was copied alone, but the install came after the broad COPY
            "FROM python\nWORKDIR /app\nCOPY requirements.txt .\nCOPY . .\n"
            "RUN pip install -r requirements.txt\n",
            "FROM python\nWORKDIR /app\nCOPY requirements.txt .\n"
            "RUN pip install -r requirements.txt\nCOPY . .\n",
        ),
        (  # system packages and tool setup may move with the install
            "FROM python\nWORKDIR /app\nCOPY . .\nRUN apt-get update && apt-get install -y gcc "
            "&& pip install --upgrade pip && pip install -r requirements.txt\n",
            "FROM python\nWORKDIR /app\nCOPY requirements.txt ./\nRUN apt-get update && "
            "apt-get install -y gcc && pip install --upgrade pip && pip install -r "
            "requirements.txt\nCOPY . .\n",
        ),
        (  # exec form
            'FROM node\nWORKDIR /app\nCOPY . .\nRUN ["npm", "ci"]\n',
            'FROM node\nWORKDIR /app\nCOPY package.json package-lock.json* ./\nRUN ["npm", "ci"]\n'
            "COPY . .\n",
        ),
        (  # heredoc RUN moves whole
            "FROM python\nWORKDIR /app\nCOPY . .\nRUN <<EOF\npip install -r requirements.txt\n"
            "EOF\nCMD x\n",
            "FROM python\nWORKDIR /app\nCOPY requirements.txt ./\nRUN <<EOF\n"
            "pip install -r requirements.txt\nEOF\nCOPY . .\nCMD x\n",
        ),
    ],
)
def test_fix(before: str, after: str) -> None:
    check_fix(before, after)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("FROM node\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build\n", "npm run build"),
        (
            "FROM node\nCOPY . /app\nWORKDIR /app\nRUN npm ci\n",
            "the WORKDIR at line 3 stands between them",
        ),
        (
            "FROM node\nWORKDIR /app\nCOPY . .\nRUN npm i -g @vue/cli\nRUN npm ci\n",
            "the RUN at line 4 stands between them",
        ),
        (
            "FROM node\nWORKDIR /app\nCOPY . .\nENV NODE_ENV=production\nRUN npm ci\n",
            "the ENV at line 4",
        ),
        (
            "FROM python\nWORKDIR /app\nCOPY . .\nRUN poetry install\n",
            "also installs the project itself; install the dependencies with --no-root",
        ),
        (
            "FROM python\nWORKDIR /app\nCOPY . .\nRUN uv sync --frozen\n",
            "--no-install-project",
        ),
        ("FROM rust\nWORKDIR /app\nCOPY . .\nRUN cargo fetch\n", "stub src/main.rs"),
        (
            "FROM python\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt && "
            "pip install .\n",
            "the RUN also runs `pip install .`",
        ),
    ],
)
def test_reports_without_fix(text: str, reason: str) -> None:
    [finding] = lint(text, CODE)
    assert finding.fix is None
    assert "no automatic fix" in said(finding)
    assert reason in said(finding)
    assert fix(text, CODE, unsafe=True) == text


def test_two_installs_after_one_copy_are_fixed_in_turn() -> None:
    before = "FROM base\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\nRUN npm ci\n"
    first, second = lint(before, CODE)
    assert "pip install" in said(first)
    assert "npm ci" in said(second)
    check_fix(
        before,
        "FROM base\nWORKDIR /app\nCOPY requirements.txt ./\nRUN pip install -r requirements.txt\n"
        "COPY package.json package-lock.json* ./\nRUN npm ci\nCOPY . .\n",
    )


# --- with the build context -------------------------------------------------------------


def test_context_picks_the_lockfile_that_exists(tmp_path: Path) -> None:
    context = make_context(tmp_path, {"package.json": "{}", "yarn.lock": "", "src/a.js": ""})
    before = "FROM node\nWORKDIR /app\nCOPY . .\nRUN yarn install\n"
    [finding] = lint(before, CODE, context_dir=context)
    assert "package.json and yarn.lock" in said(finding)
    check_fix(
        before,
        "FROM node\nWORKDIR /app\nCOPY package.json yarn.lock ./\nRUN yarn install\nCOPY . .\n",
        context,
    )


def test_context_without_lockfile_copies_only_the_manifest(tmp_path: Path) -> None:
    context = make_context(tmp_path, {"package.json": "{}", ".npmrc": "registry=x\n"})
    check_fix(
        "FROM node\nWORKDIR /app\nCOPY . .\nRUN npm install\n",
        "FROM node\nWORKDIR /app\nCOPY package.json .npmrc ./\nRUN npm install\nCOPY . .\n",
        context,
    )


def test_context_follows_requirement_includes(tmp_path: Path) -> None:
    context = make_context(
        tmp_path,
        {
            "requirements.txt": "-r requirements/base.txt\nflask\n",
            "requirements/base.txt": "-c constraints.txt\nrequests\n",
            "requirements/constraints.txt": "requests<3\n",
        },
    )
    check_fix(
        "FROM python\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\n",
        "FROM python\nWORKDIR /app\nCOPY requirements.txt ./\n"
        "COPY requirements/base.txt requirements/constraints.txt ./requirements/\n"
        "RUN pip install -r requirements.txt\nCOPY . .\n",
        context,
    )


@pytest.mark.parametrize(
    ("files", "text"),
    [
        (
            {"requirements.txt": "-e .\nflask\n"},
            "FROM python\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\n",
        ),
        (
            {"main.py": ""},
            "FROM python\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\n",
        ),
        (
            {"Gemfile": "source 'https://rubygems.org'\ngem 'x', path: 'vendor/x'\n"},
            "FROM ruby\nWORKDIR /app\nCOPY . .\nRUN bundle install\n",
        ),
        (
            {"app/package.json": "{}"},
            "FROM node\nWORKDIR /app\nCOPY app/src ./src\nRUN npm ci\n",
        ),
    ],
)
def test_context_passes(tmp_path: Path, files: dict[str, str], text: str) -> None:
    assert lint(text, CODE, context_dir=make_context(tmp_path, files)) == []


@pytest.mark.parametrize(
    ("files", "reason"),
    [
        ({"package.json": json.dumps({"workspaces": ["packages/**"]})}, "workspace pattern"),
        ({"package.json": json.dumps({"scripts": {"postinstall": "node x.js"}})}, "script"),
        ({"package.json": json.dumps({"scripts": {"prepare": "husky"}})}, "script"),
    ],
)
def test_context_blocks_the_fix(tmp_path: Path, files: dict[str, str], reason: str) -> None:
    text = "FROM node\nWORKDIR /app\nCOPY . .\nRUN npm ci\n"
    [finding] = lint(text, CODE, context_dir=make_context(tmp_path, files))
    assert finding.fix is None
    assert reason in said(finding)


@pytest.mark.parametrize(
    ("files", "command"),
    [
        ({"pyproject.toml": "[tool.poetry]\npackage-mode = false\n"}, "poetry install"),
        ({"pyproject.toml": "[project]\nname = 'x'\n"}, "uv sync --frozen"),
    ],
)
def test_context_project_without_a_package(
    tmp_path: Path, files: dict[str, str], command: str
) -> None:
    context = make_context(tmp_path, files)
    text = f"FROM python\nWORKDIR /app\nCOPY . .\nRUN {command}\n"
    [finding] = lint(text, CODE, context_dir=context)
    assert finding.fix is not None
    check_fix(
        text,
        f"FROM python\nWORKDIR /app\nCOPY pyproject.toml ./\nRUN {command}\nCOPY . .\n",
        context,
    )


def test_context_tells_a_directory_source(tmp_path: Path) -> None:
    context = make_context(tmp_path, {"app/package.json": "{}", "app/package-lock.json": ""})
    text = "FROM node\nWORKDIR /srv\nCOPY app .\nRUN npm ci\n"
    # without the context, the one name guess (``model.file_names``): ``app`` is a folder,
    # as BuildKit copies it, its contents into /srv
    assert positions(lint(text, CODE)) == [(3, 6, 3, 9)]
    check_fix(
        text,
        "FROM node\nWORKDIR /srv\nCOPY app/package.json app/package-lock.json ./\nRUN npm ci\n"
        "COPY app .\n",
        context,
    )


def test_gemspec_missing_from_the_context_gives_no_fix(tmp_path: Path) -> None:
    files = {"Gemfile": "source 'https://rubygems.org'\ngemspec\n", "Gemfile.lock": ""}
    text = "FROM ruby\nWORKDIR /app\nCOPY . .\nRUN bundle install\n"
    [finding] = lint(text, CODE, context_dir=make_context(tmp_path, files))
    assert finding.fix is None
    assert "gemspec is not in the build context" in said(finding)


# --- a COPY of other files between the manifests and the install ------------------------


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (
            "FROM node\nWORKDIR /app\nCOPY package.json package-lock.json ./\n"
            "COPY src/ ./src/\nRUN npm ci\nCMD x\n",
            "FROM node\nWORKDIR /app\nCOPY package.json package-lock.json ./\nRUN npm ci\n"
            "COPY src/ ./src/\nCMD x\n",
        ),
        (
            "FROM python\nWORKDIR /app\nCOPY requirements.txt .\nCOPY src/ ./src/\n"
            "COPY conf/ ./conf/\n# deps\nRUN pip install -r requirements.txt\n",
            "FROM python\nWORKDIR /app\nCOPY requirements.txt .\n# deps\n"
            "RUN pip install -r requirements.txt\nCOPY src/ ./src/\nCOPY conf/ ./conf/\n",
        ),
    ],
)
def test_copy_between_manifests_and_install(before: str, after: str) -> None:
    [finding] = lint(before, CODE)
    assert "comes between the manifests" in said(finding)
    assert positions([finding])[0][0] == 4
    check_fix(before, after)


@pytest.mark.parametrize(
    "text",
    [
        # the COPY in between brings a file the install reads
        "FROM node\nWORKDIR /app\nCOPY package.json ./\nCOPY package-lock.json ./\nRUN npm ci\n",
        "FROM node\nWORKDIR /app\nCOPY package.json ./\nCOPY .npmrc ./\nRUN npm ci\n",
        # something else in between
        "FROM node\nWORKDIR /app\nCOPY package.json ./\nCOPY src/ ./src/\nENV A=1\nRUN npm ci\n",
        # the manifests come through the source COPY only
        "FROM node\nWORKDIR /app\nCOPY src/ ./src/\nRUN npm ci\n",
    ],
)
def test_copy_between_passes(text: str) -> None:
    assert lint(text, CODE) == []


def test_copy_between_with_hooks_in_the_context_passes(tmp_path: Path) -> None:
    files = {"package.json": json.dumps({"scripts": {"postinstall": "node x.js"}}), "x.js": ""}
    text = "FROM node\nWORKDIR /app\nCOPY package.json ./\nCOPY x.js ./\nRUN npm ci\n"
    assert lint(text, CODE, context_dir=make_context(tmp_path, files)) == []


WEBSERVER = "FROM golang:1.22 AS gobuild\nCOPY . /code\nWORKDIR /code\nRUN go build webserver.go\n"
"""StefanScherer/dockerfiles-windows webserver/Dockerfile (on golang:nanoserver there): a
program of one file that imports fmt, net/http and os, with no go.mod beside it."""


@pytest.mark.parametrize(
    "build",
    [
        "go build webserver.go",
        "CGO_ENABLED=0 go build -a -installsuffix cgo -ldflags '-s -w' -o hello main.go",
        "go build -o /go/bin/sleep main.go util.go",
    ],
)
def test_a_go_build_of_named_files_is_left_to_the_build_context(build: str) -> None:
    """StefanScherer's webserver, ingress-nginx's fastcgi-helloserver, perf-tests' sleep:
    `COPY . .` then `go build main.go`, programs of one file that import the standard
    library alone. Only their sources tell whether they import any module, and the fix's
    `COPY go.mod go.sum` fails where there is no go.sum: without the build context a
    build of named files is not reported; a build of the package still is."""
    text = f"FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN {build}\n"
    assert lint(text, CODE) == []
    assert len(lint(text.replace(build, "go build -o /app ."), CODE)) == 1
    # ingress-nginx's kube-webhook-certgen: `go mod tidy && go build ... main.go`, a module's
    assert len(lint(text.replace(build, f"go mod tidy && {build}"), CODE)) == 1
    assert lint(text.replace(build, f"go version && {build}"), CODE) == []


def _write(folder, files: dict[str, str]) -> str:
    for name, content in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(content, encoding="utf-8")
    return str(folder)


def test_with_the_build_context_a_go_build_is_reported_when_its_module_requires_any(
    tmp_path,
) -> None:
    """With the context the model reads the module: no go.mod (the webserver) or a go.mod
    without requirements (fastcgi-helloserver's) downloads nothing; one that requires
    modules does, named files or not."""
    source = {"webserver.go": "package main\n"}
    required = "module x\n\ngo 1.22\n\nrequire github.com/miekg/dns v1.1.58\n"
    alone = _write(tmp_path / "alone", source)
    bare = _write(tmp_path / "bare", {**source, "go.mod": "module x\n\ngo 1.22\n"})
    module = _write(tmp_path / "module", {**source, "go.mod": required, "go.sum": "x\n"})
    package = WEBSERVER.replace("webserver.go", ".")
    for text in (WEBSERVER, package):
        assert lint(text, CODE, context_dir=alone) == []
        assert lint(text, CODE, context_dir=bare) == []
        assert len(lint(text, CODE, context_dir=module)) == 1
