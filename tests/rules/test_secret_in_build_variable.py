"""LL310 secret-in-build-variable."""

from __future__ import annotations

import pytest
from lintlayers.rules.secret_in_build_variable import name_parts, secret_word
from rule_harness import fix, lint, onbuild, positions, said

CODE = "LL310"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("ARG NPM_TOKEN", [(2, 5, 2, 14)]),
        ("ARG  GITHUB_TOKEN=", [(2, 6, 2, 18)]),
        ("ARG AWS_SECRET_ACCESS_KEY=FAKE", [(2, 5, 2, 26)]),
        ("ARG ACCESSTOKEN", [(2, 5, 2, 16)]),
        ("ARG SSH_PRIVATE_KEY", [(2, 5, 2, 20)]),
        ("ENV MYSQL_PASSWORD gordonpassword", [(2, 5, 2, 19)]),
        ("ENV sa_password=g0rd0n1!", [(2, 5, 2, 16)]),
        ("ENV NAGIOSADMIN_PASS nagios", [(2, 5, 2, 21)]),
        ("ENV A=1 STRIPE_API_KEY=sk_live_x B=2", [(2, 9, 2, 23)]),
        ("ENV apiKey=abc", [(2, 5, 2, 11)]),
        ("ENV SECRET_KEY_BASE=abc", [(2, 5, 2, 20)]),
        ("ENV DJANGO_SECRET_KEY=abc", [(2, 5, 2, 22)]),
        ("ENV APP_KEY=base64:abc", [(2, 5, 2, 12)]),
        ("ENV OAUTH_CLIENT_SECRET=abc", [(2, 5, 2, 24)]),
        ("ENV REGISTRY_AUTH=dXNlcjpwYXNz", [(2, 5, 2, 18)]),
        ("ARG DB_PASSWD DB_CREDENTIALS", [(2, 5, 2, 14), (2, 15, 2, 29)]),
        ("ENV GPG_PASSPHRASE=x", [(2, 5, 2, 19)]),
    ],
)
def test_fails(line: str, expected: list[tuple[int, int, int, int]]) -> None:
    assert positions(lint(f"FROM alpine\n{line}\nRUN true\n", CODE)) == expected


@pytest.mark.parametrize(
    "line",
    [
        "ENV GPG_KEY=A035C8C19219BA821ECEA86B64E628F8D684696D",
        "ENV GPG_KEYS 0x1234",
        "ARG STACK_RELEASE_KEY=C5705533DA4F78D8664B5DC0575159689BEFB442",
        "ENV RABBITMQ_PGP_KEY_ID=0x0A9AF2115F4687BD29803A206B73A36E6026DFCA",
        "ARG PGP_KEYSERVER=keyserver.ubuntu.com",
        "ARG SSH_PUBLIC_KEY",
        "ENV VAPID_PUBLIC_KEY=abc",
        "ENV POSTGRES_PASSWORD_FILE=/run/secrets/db",
        "ENV GITHUB_TOKEN_PATH=/run/secrets/gh",
        "ENV TOKEN_URL=https://auth.example.com/token",
        "ARG AWS_ACCESS_KEY_ID",
        "ENV SECRETS_DIR=/run/secrets",
        "ENV SECRETFILE=/run/secrets/x",
        "ENV MYSQL_ALLOW_EMPTY_PASSWORD=yes",
        "ENV MYSQL_RANDOM_ROOT_PASSWORD=1",
        "ENV POSTGRES_HOST_AUTH_METHOD=trust",
        "ENV SSH_AUTH_SOCK=/ssh-agent",
        "ENV DOCKER_CREDENTIAL_GCR_CONFIG /kaniko/.config/gcloud/x.json",
        "ENV GOOGLE_APPLICATION_CREDENTIALS=/secrets/sa.json",
        "ENV AUTHORS=me",
        "ENV MAX_TOKENS=4096",
        "ENV TOKENIZERS_PARALLELISM=false",
        "ENV KEEPASSXC_VERSION=2.7",
        "ENV DB_PASSWORD=",
        "ENV REDIS_PASSWORD=/run/secrets/redis",
        "ENV ENABLE_AUTH=true",
        "ENV PWD=/app",
        "ARG BYPASS_CACHE=1",
    ],
)
def test_passes(line: str) -> None:
    assert lint(f"FROM alpine\n{line}\nRUN true\n", CODE) == []


def test_global_arg_only_seen_by_from() -> None:
    text = "ARG NPM_TOKEN\nFROM node:20\nRUN true\n"
    assert lint(text, CODE) == []
    redeclared = "ARG NPM_TOKEN\nFROM node:20\nARG NPM_TOKEN\nRUN npm ci\n"
    assert positions(lint(redeclared, CODE)) == [(3, 5, 3, 14)]


def test_onbuild() -> None:
    text = f"FROM alpine\n{onbuild('ARG NPM_TOKEN')}\n{onbuild('ENV API_TOKEN=x')}\n"
    assert positions(lint(text, CODE)) == [(2, 13, 2, 22), (3, 13, 3, 22)]


def test_messages() -> None:
    arg, env = lint("FROM alpine\nARG NPM_TOKEN\nENV DB_PASSWORD=x\nRUN true\n", CODE)
    assert arg.severity == "error" and arg.category == "correctness"
    assert said(arg).startswith("ARG NPM_TOKEN looks like a secret")
    assert "`docker history`" in said(arg)
    assert "RUN --mount=type=secret,id=npm_token,env=NPM_TOKEN" in said(arg)
    assert said(env).startswith("ENV DB_PASSWORD looks like a secret")
    assert "`docker inspect`" in said(env)
    assert arg.fix is None and env.fix is None


def test_no_fix_is_offered() -> None:
    text = "FROM alpine\nARG NPM_TOKEN\n"
    assert fix(text, CODE, unsafe=True) == text


@pytest.mark.parametrize(
    ("name", "parts"),
    [
        ("DB_PASSWORD", ["db", "password"]),
        ("apiKey", ["api", "key"]),
        ("HTTPServerToken", ["http", "server", "token"]),
        ("KEY2_SECRET", ["key", "2", "secret"]),
    ],
)
def test_name_parts(name: str, parts: list[str]) -> None:
    assert name_parts(name) == parts


def test_secret_word() -> None:
    assert secret_word("AWS_SECRET_ACCESS_KEY") == "secret"
    assert secret_word("STRIPE_API_KEY") == "api_key"
    assert secret_word("dbPassword") == "password"
    assert secret_word("GPG_KEY") is None


def test_an_arg_no_run_records_is_not_reported() -> None:
    assert lint("FROM alpine\nARG NPM_TOKEN=fake\nCMD x\n", CODE) == []
    assert len(lint("FROM alpine\nARG NPM_TOKEN=fake\nRUN true\n", CODE)) == 1


def test_a_variable_declared_again_is_reported_once() -> None:
    text = "FROM alpine\n" + "ARG AWS_SECRET_ACCESS_KEY=x\n" * 5 + "RUN true\n"
    assert positions(lint(text, CODE)) == [(2, 5, 2, 26)]


def test_corpus_compose_fixture_of_repeated_fake_args_without_run() -> None:
    from corpus_support import corpus_root

    name = "pkg__e2e__testdata__TestBuildLongOutputLine__Dockerfile"
    path = corpus_root() / "files" / "docker__compose" / name
    assert lint(path.read_text(encoding="utf-8"), CODE) == []
