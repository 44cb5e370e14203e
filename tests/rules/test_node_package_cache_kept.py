"""LL305 node-package-cache-kept."""

from __future__ import annotations

import pytest
from rule_harness import fix, lint, onbuild, positions, said

CODE = "LL305"


def span(line: int, text: str, word: str) -> tuple[int, int, int, int]:
    column = text.index(word) + 1
    return (line, column, line, column + len(word))


@pytest.mark.parametrize(
    ("line", "command", "manager"),
    [
        ("RUN yarn install --frozen-lockfile", "yarn install", "yarn"),
        ("RUN yarn", "yarn", "yarn"),
        ("RUN yarn --production", "yarn", "yarn"),
        ("RUN yarn add left-pad", "yarn add", "yarn"),
        ("RUN yarn global add serve", "yarn global", "yarn"),
        ("RUN npm install", "npm install", "npm"),
        ("RUN npm ci --omit=dev", "npm ci", "npm"),
        ("RUN npm i -g pnpm", "npm i", "npm"),
        ("RUN npm install && npm run build", "npm install", "npm"),
        ("RUN npm ci && rm -rf /tmp/*", "npm ci", "npm"),
        ("RUN npm ci && npm cache verify", "npm ci", "npm"),
        ("RUN yarn install && npm cache clean --force", "yarn install", "yarn"),
        ("RUN --mount=type=cache,target=/root/.cache/pip npm ci", "npm ci", "npm"),
        ("RUN yarn cache clean && yarn install", "yarn install", "yarn"),
    ],
)
def test_reports(line: str, command: str, manager: str) -> None:
    findings = lint(f"FROM node\n{line}\n", CODE)
    assert positions(findings) == [span(2, line, command)]
    assert f"{manager} cache" in said(findings[0])


def test_one_finding_per_manager_and_run() -> None:
    line = "RUN npm ci && npm install -g serve && yarn install"
    findings = lint(f"FROM node\n{line}\n", CODE)
    assert positions(findings) == [span(2, line, "npm ci"), span(2, line, "yarn install")]


def test_messages() -> None:
    [npm] = lint("FROM node\nRUN npm ci\n", CODE)
    assert "/root/.npm" in said(npm)
    assert "npm cache clean --force" in said(npm)
    assert "--mount=type=cache,target=/root/.npm" in said(npm)
    assert "about as large as node_modules" in said(npm)
    assert said(npm).index("--mount") < said(npm).index("npm cache clean")
    [yarn] = lint("FROM node\nRUN yarn\n", CODE, builder="classic")
    assert "/usr/local/share/.cache/yarn" in said(yarn)
    assert "`yarn cache clean`" in said(yarn)
    assert "--mount" not in said(yarn)
    assert "at least as large as node_modules" in said(yarn)


def test_cache_of_another_user() -> None:
    [finding] = lint("FROM node\nUSER node\nRUN npm ci\n", CODE)
    assert "/home/node/.npm" in said(finding)
    [sudo] = lint("FROM node\nRUN sudo -u node npm install -g serve\n", CODE)
    assert "/home/node/.npm" in said(sudo)
    assert sudo.fix is None  # a clean run as root would not empty node's cache


@pytest.mark.parametrize(
    "line",
    [
        "RUN yarn install && yarn cache clean",
        "RUN yarn install --frozen-lockfile; yarn cache clean",
        "RUN yarn && rm -rf /usr/local/share/.cache/yarn",
        "RUN yarn && rm -rf /usr/local/share/.cache",
        "RUN yarn install --cache-folder /tmp/yc && rm -rf /tmp/yc",
        "RUN YARN_CACHE_FOLDER=/tmp/yc yarn install && rm -rf /tmp/yc",
        "RUN --mount=type=cache,target=/usr/local/share/.cache/yarn yarn install",
        "RUN --mount=type=cache,target=/root/.yarn yarn install",
        "RUN --mount=type=cache,target=/yarn-cache YARN_CACHE_FOLDER=/yarn-cache yarn",
        "RUN --mount=type=tmpfs,target=/usr/local/share/.cache yarn",
        "RUN yarn install --immutable",  # yarn berry: its cache is the install
        "RUN corepack enable && yarn install",
        "RUN yarn build",
        "RUN yarn run test",
        "RUN yarn --version",
        "RUN npm ci && npm cache clean --force",
        "RUN npm install && npm cache clean",
        "RUN npm ci && rm -rf /root/.npm",
        "RUN npm ci && rm -rf ~/.npm",
        "RUN npm ci --cache /tmp/npm && rm -rf /tmp/npm",
        "RUN npm_config_cache=/tmp/npm npm ci && rm -rf /tmp/npm",
        "RUN --mount=type=cache,target=/root/.npm npm ci",
        "RUN --mount=type=cache,target=/app/.npm npm ci --cache /app/.npm",
        "RUN npm run build",
        "RUN npm --version",
        "RUN echo npm install",
        'RUN ["npm", "ci"]',
    ],
)
def test_passes(line: str) -> None:
    assert lint(f"FROM node\n{line}\n", CODE) == []


@pytest.mark.parametrize("copied", [".yarnrc.yml", ".yarn/", ".pnp.cjs"])
def test_yarn_berry_project_is_skipped(copied: str) -> None:
    text = f"FROM node\nCOPY {copied} ./\nRUN yarn install\n"
    assert lint(text, CODE) == []


def test_npm_cache_env_in_scope() -> None:
    text = (
        "FROM node\nENV npm_config_cache=/tmp/npm-cache\n"
        "RUN --mount=type=cache,target=/tmp/npm-cache npm ci\n"
    )
    assert lint(text, CODE) == []


def test_stage_used_only_for_specific_paths_is_skipped() -> None:
    text = (
        "FROM node AS build\nWORKDIR /app\nRUN npm ci && npm run build\n"
        "FROM nginx\nCOPY --from=build /app/dist /usr/share/nginx/html\n"
    )
    assert lint(text, CODE) == []


def test_heredoc_body_is_reported_without_fix() -> None:
    text = "FROM node\nRUN <<EOF\nnpm ci\nEOF\n"
    [finding] = lint(text, CODE)
    assert positions([finding]) == [(3, 1, 3, 7)]
    assert finding.fix is None


def test_onbuild_variant() -> None:
    line = onbuild("RUN npm install")
    text = f"FROM node\n{line}\n"
    assert positions(lint(text, CODE)) == [span(2, line, "npm install")]
    assert fix(text, CODE) == f"FROM node\n{line} \\\n    && npm cache clean --force\n"


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("RUN npm ci", "RUN npm ci \\\n    && npm cache clean --force"),
        ("RUN yarn install --frozen-lockfile && yarn build",
         "RUN yarn install --frozen-lockfile && yarn build \\\n    && yarn cache clean"),
        ("RUN yarn install \\\n  && yarn build",
         "RUN yarn install \\\n  && yarn build \\\n  && yarn cache clean"),
        ("RUN yarn install && \\\n    yarn build",
         "RUN yarn install && \\\n    yarn build && \\\n    yarn cache clean"),
        ("RUN yarn install --cache-folder /tmp/yc",
         "RUN yarn install --cache-folder /tmp/yc \\\n"
         "    && yarn cache clean --cache-folder /tmp/yc"),
        ("RUN npm ci --cache /tmp/npm",
         "RUN npm ci --cache /tmp/npm \\\n    && npm cache clean --force --cache /tmp/npm"),
        ("RUN npm ci | tee /log", "RUN npm ci | tee /log \\\n    && npm cache clean --force"),
        ("RUN npm ci && yarn",
         "RUN npm ci && yarn \\\n    && npm cache clean --force \\\n    && yarn cache clean"),
    ],
)  # fmt: skip
def test_fix(before: str, after: str) -> None:
    assert fix(f"FROM node\n{before}\n", CODE) == f"FROM node\n{after}\n"


@pytest.mark.parametrize(
    "line",
    [
        "RUN if [ -f package.json ]; then npm ci; fi",
        "RUN cd /a && npm ci --cache ./c && cd /b",  # the relative folder moves with cd
        "RUN YARN_CACHE_FOLDER=/tmp/yc yarn",  # the variable is gone for the appended command
        "RUN yarn install --cache-folder '/tmp/my cache'",
    ],
)
def test_no_fix(line: str) -> None:
    text = f"FROM node\n{line}\n"
    findings = lint(text, CODE)
    assert findings
    assert all(finding.fix is None for finding in findings)
    assert fix(text, CODE) == text


@pytest.mark.parametrize(
    "text",
    [
        "FROM node\nRUN npm ci\n",
        "FROM node\nRUN yarn && npm install -g serve\n",
        "FROM node\nENV YARN_CACHE_FOLDER=/yc\nRUN yarn install\n",
        "FROM node\nUSER node\nRUN npm ci && yarn\n",
    ],
)
def test_idempotent(text: str) -> None:
    once = fix(text, CODE)
    assert once != text
    assert fix(once, CODE) == once
    assert lint(once, CODE) == []


@pytest.mark.parametrize(
    "after",
    ["bash /tmp/scripts/setup.sh", "./install.sh", "curl -fsSL https://x.example/i | sh", "make"],
)
def test_a_later_script_or_command_does_not_count_as_removing_the_cache(after: str) -> None:
    """A script lintlayers does not read is not assumed to clean the npm cache; the fix
    still cleans at the end of the RUN, after the script."""
    text = f"FROM node:20\nRUN npm ci && {after}\n"
    [finding] = lint(text, CODE)
    assert finding.location.line == 2
    assert fix(text, CODE).endswith(f"{after} \\\n    && npm cache clean --force\n")


def test_help_names_a_later_removal_that_does_not_shrink_the_layer() -> None:
    text = (
        "FROM node:20\nRUN npm install -g npm@10\nRUN yarn global add serve\n"
        "RUN npm cache clean --force && yarn cache clean\n"
    )
    findings = lint(text, CODE)
    assert [finding.location.line for finding in findings] == [2, 3]
    for finding in findings:  # each install its own finding and fix
        assert "the removal at line 4, in a later layer, does not take it out" in said(finding)
        assert finding.fix is not None
    assert "in a later layer" not in said(lint("FROM node\nRUN npm ci\n", CODE)[0])


@pytest.mark.parametrize("install", ["npm install -g npm@6", "npm i -g npm@${NPM_VERSION}"])
def test_npm_upgrading_itself_is_measured(install: str) -> None:
    [finding] = lint(f"FROM node:20\nRUN {install}\n", CODE)
    assert finding.message.endswith("leaves the npm cache in this layer: ~5.7-7.8 MB")


@pytest.mark.parametrize(
    "run",
    [
        "npm install -g npm@10 && npm install -g bun",  # bun's tarballs share the cache
        "npm install -g npm@10 && npm ci",
        "npm install -g @npmcli/arborist",
    ],
)
def test_other_installs_keep_the_relative_size(run: str) -> None:
    [finding] = lint(f"FROM node:20\nCOPY . .\nRUN {run}\n", CODE)
    assert finding.message.endswith("about as large as node_modules")


def test_corpus_alpine_node_upgrades_npm() -> None:
    from corpus_support import corpus_root

    path = corpus_root() / "files" / "mhart__alpine-node" / "extract.dockerfile"
    [finding] = lint(path.read_text(encoding="utf-8"), CODE)
    assert finding.location.line == 19
    assert finding.message.endswith("~5.7-7.8 MB")
