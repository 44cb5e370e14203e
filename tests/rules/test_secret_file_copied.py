"""LL311 secret-file-copied: named in the Dockerfile, or brought in from a real context."""

from __future__ import annotations

from pathlib import Path

import pytest
from rule_harness import fix, lint, onbuild, positions, run, said

from lintlayers.fixes import apply_file_edits

CODE = "LL311"


def make(root: Path, files: dict[str, str]) -> str:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
    return str(root)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("COPY .env /app/", [(2, 6, 2, 10)]),
        ("COPY .env.production ./", [(2, 6, 2, 21)]),
        ("COPY app.js config/.env /app/", [(2, 13, 2, 24)]),
        ("COPY id_rsa /root/.ssh/id_rsa", [(2, 6, 2, 12)]),
        ("ADD id_ed25519 /root/.ssh/", [(2, 5, 2, 15)]),
        ("COPY .ssh /root/.ssh", [(2, 6, 2, 10)]),
        ("COPY .ssh/ /root/.ssh/", [(2, 6, 2, 11)]),
        ("COPY .aws/credentials /root/.aws/credentials", [(2, 6, 2, 22)]),
        ("COPY certs/tls.crt certs/tls.key /etc/tls/", [(2, 20, 2, 33)]),
        ("COPY private.pem /keys/", [(2, 6, 2, 17)]),
        ("COPY .netrc /root/.netrc", [(2, 6, 2, 12)]),
        ("COPY keystore.p12 /app/", [(2, 6, 2, 18)]),
        ('COPY ["app.js", ".env", "/app/"]', [(2, 18, 2, 22)]),  # the string itself
        ("COPY --from=build /app/.env /app/.env", [(2, 19, 2, 28)]),
        ("COPY --chown=app:app .git-credentials /home/app/", [(2, 22, 2, 38)]),
    ],
)
def test_named_secret(line: str, expected: list[tuple[int, int, int, int]]) -> None:
    assert positions(lint(f"FROM alpine\n{line}\n", CODE)) == expected


@pytest.mark.parametrize(
    "line",
    [
        "COPY .env.example /app/.env",
        "COPY id_rsa.pub /root/.ssh/authorized_keys",
        "COPY jenkins.io-2026.key /war/jenkins-key.pub",
        "COPY repo.key /etc/apt/keyrings/repo.asc",
        "COPY certs/ca.pem /usr/local/share/ca-certificates/ca.crt",
        "COPY ca-bundle.pem fullchain.pem /certs/",
        "COPY library-scripts/meta.env /usr/local/etc/",
        "COPY .npmrc package.json ./",  # without the context its content is unknown
        "COPY *.pem /certs/",  # a wildcard: only the context tells what it matches
        "ADD https://example.com/.env /app/.env",
        "COPY <<EOF /app/.env\nA=1\nEOF",
        "COPY $ENV_FILE /app/",
    ],
)
def test_passes_without_context(line: str) -> None:
    assert lint(f"FROM alpine\n{line}\n", CODE) == []


def test_onbuild_named_secret() -> None:
    assert positions(lint(f"FROM alpine\n{onbuild('COPY .env /app/')}\n", CODE)) == [(2, 14, 2, 18)]


def test_named_message() -> None:
    (finding,) = lint("FROM alpine\nCOPY .npmrc_x .env /app/.env\n", CODE)
    assert finding.severity == "error" and finding.category == "correctness"
    assert finding.message == (
        "`COPY` puts an environment file with credentials into an image layer anyone who "
        "pulls it can read"
    )
    assert finding.help == (
        "`COPY .env`: the build cache keeps it too, and deleting it in a later RUN leaves it "
        "in this layer; read it from a secret mount where it is needed "
        "(`RUN --mount=type=secret,id=env,target=/app/.env ...`)"
    )
    (ssh,) = lint("FROM alpine\nCOPY .ssh /root/.ssh\n", CODE)
    assert "`RUN --mount=type=ssh`" in said(ssh)


@pytest.mark.parametrize(
    ("content", "flagged"),
    [
        ("//registry.npmjs.org/:_authToken=npm_abc123\n", True),
        ("//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n", False),
        ("registry=https://registry.npmjs.org/\n", False),
    ],
)
def test_npmrc_with_a_token(tmp_path: Path, content: str, flagged: bool) -> None:
    root = make(tmp_path, {".npmrc": content, "package.json": "{}"})
    text = "FROM node\nCOPY .npmrc package.json ./\nRUN npm ci\n"
    findings = lint(text, CODE, context_dir=root)
    assert positions(findings) == ([(2, 6, 2, 12)] if flagged else [])
    if flagged:
        assert "npm settings with an auth token" in said(findings[0])
        assert findings[0].fix is None  # named on purpose: the Dockerfile must change


def test_pypirc_with_a_password(tmp_path: Path) -> None:
    root = make(tmp_path, {".pypirc": "[pypi]\nusername = __token__\npassword = pypi-x\n"})
    assert positions(lint("FROM python\nCOPY .pypirc /root/\n", CODE, context_dir=root)) == [
        (2, 6, 2, 13)
    ]


def test_token_file_outside_the_context_is_not_read(tmp_path: Path) -> None:
    make(tmp_path, {".npmrc": "_authToken=abc\n"})
    inner = tmp_path / "ctx"
    inner.mkdir()
    text = "FROM node\nCOPY ../.npmrc ./\n"
    assert lint(text, CODE, context_dir=str(inner)) == []


PROJECT = {
    "package.json": "{}",
    "index.js": "x",
    ".env": "DB_PASSWORD=hunter2\n",
    "deploy/id_rsa": "-----BEGIN OPENSSH PRIVATE KEY-----\n",
    "node_modules/pkg/test/fixture.key": "x",
}
NODE = "FROM node:20-slim\nWORKDIR /app\nCOPY . .\nRUN npm ci\n"


def test_brought_in_by_a_broad_copy(tmp_path: Path) -> None:
    root = make(tmp_path, PROJECT)
    result = run(NODE, CODE, context_dir=root)
    (finding,) = result.findings
    assert positions([finding]) == [(3, 6, 3, 7)]
    assert finding.message == "`COPY .` puts 2 secrets from the build context into an image layer"
    assert finding.help == (
        "deploy/id_rsa (an SSH private key) and .env (an environment file with credentials) "
        f"from {root} (there is no .dockerignore): anyone who can pull the image can read "
        "them, and deleting them in a later RUN leaves them in this layer; leave them out of "
        "the context and give the build what it needs with `RUN --mount=type=secret`"
    )
    ((_, violation),) = result.violations
    assert violation.fix.applicability == "unsafe"
    assert violation.fix.message == "Add deploy/id_rsa, .env to .dockerignore"
    changes = apply_file_edits(violation.fix.file_edits)
    assert changes == {str(tmp_path / ".dockerignore"): (None, "deploy/id_rsa\n.env\n")}
    (tmp_path / ".dockerignore").write_text(changes[str(tmp_path / ".dockerignore")][1])
    assert lint(NODE, CODE, context_dir=root) == []  # idempotent: nothing left to add
    assert fix(NODE, CODE, unsafe=True, context_dir=root) == NODE


def test_named_and_brought_in_are_reported_once_each(tmp_path: Path) -> None:
    root = make(tmp_path, {**PROJECT, "config/.env": "x", "config/app.yml": "x"})
    text = "FROM node\nCOPY .env /app/\nCOPY config/ /app/config/\n"
    findings = lint(text, CODE, context_dir=root)
    assert positions(findings) == [(2, 6, 2, 10), (3, 6, 3, 13)]
    assert findings[0].fix is None
    assert "config/.env" in said(findings[1])


def test_exception_in_dockerignore_is_still_reported_without_fix(tmp_path: Path) -> None:
    root = make(tmp_path, {**PROJECT, ".dockerignore": "deploy\n.env*\n!.env\n"})
    ((_, violation),) = run(NODE, CODE, context_dir=root).violations
    assert "a .dockerignore exception brings it in" in said(violation)
    assert violation.fix is None


def test_dockerignore_that_leaves_them_out(tmp_path: Path) -> None:
    root = make(tmp_path, {**PROJECT, ".dockerignore": ".env\ndeploy/\n"})
    assert lint(NODE, CODE, context_dir=root) == []


def test_onbuild_broad_copy_is_not_checked_against_this_context(tmp_path: Path) -> None:
    root = make(tmp_path, PROJECT)
    assert lint(f"FROM node\n{onbuild('COPY . /app')}\n", CODE, context_dir=root) == []


def test_wildcard_copy_brings_secrets_in(tmp_path: Path) -> None:
    root = make(tmp_path, {"keys/server.key": "x", "keys/ca.pem": "x"})
    (finding,) = lint("FROM nginx\nCOPY keys/* /etc/nginx/\n", CODE, context_dir=root)
    assert "keys/server.key (a private key)" in said(finding)
    assert "ca.pem" not in said(finding)
