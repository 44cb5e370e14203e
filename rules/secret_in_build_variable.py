"""LL310 secret-in-build-variable."""

from __future__ import annotations

from lintlayers.diagnostics import Violation
from lintlayers.lazy_re import lazy_compile
from lintlayers.rule import Rule
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator

    from lintlayers.context import RuleContext
    from lintlayers.syntax.nodes import KeyValue

SECRET_WORDS = frozenset(
    {
        "password",
        "passwd",
        "passphrase",
        "pword",
        "pass",
        "secret",
        "secrets",
        "token",
        "apikey",
        "credential",
        "credentials",
        "creds",
        "privatekey",
        "accesskey",
        "secretkey",
        "authtoken",
        "accesstoken",
        "clientsecret",
    }
)
"""Name parts that make a variable a secret on their own."""

SECRET_SUFFIXES = (
    "password",
    "passwd",
    "passphrase",
    "secret",
    "token",
    "apikey",
    "privatekey",
    "accesskey",
    "secretkey",
    "credentials",
)
"""Endings of a run-together part (``ACCESSTOKEN``, ``DBPASSWORD``) that make it a secret."""

SECRET_PAIRS = frozenset(
    {
        ("api", "key"),
        ("private", "key"),
        ("secret", "key"),
        ("access", "key"),
        ("encryption", "key"),
        ("master", "key"),
        ("license", "key"),
        ("app", "key"),
        ("auth", "token"),
        ("access", "token"),
        ("client", "secret"),
    }
)
"""Two consecutive parts that make a secret (``key`` alone is usually a GPG fingerprint)."""

LAST_ONLY = frozenset({"auth"})
"""Parts that are a secret only as the last part (``BASIC_AUTH``, not ``AUTH_METHOD``)."""

REFERENCE_PARTS = frozenset(
    {
        "file",
        "files",
        "path",
        "paths",
        "dir",
        "directory",
        "url",
        "uri",
        "endpoint",
        "name",
        "id",
        "type",
        "length",
        "len",
        "size",
        "header",
        "env",
        "var",
        "variable",
        "location",
        "arn",
        "ref",
        "enabled",
        "enable",
        "required",
        "version",
        "ttl",
        "expiry",
        "expires",
        "expiration",
        "lifetime",
        "policy",
        "command",
        "cmd",
        "mode",
        "format",
        "algorithm",
        "alg",
        "prefix",
        "host",
        "port",
        "server",
        "user",
        "username",
        "hash",
        "count",
        "min",
        "max",
        "regex",
        "pattern",
        "scope",
        "scopes",
        "audience",
        "issuer",
        "field",
        "config",
        "helper",
        "helpers",
        "provider",
        "store",
        "method",
        "fingerprint",
        "sock",
        "socket",
        "source",
        "backend",
        "manager",
        "rotation",
    }
)
"""Parts after the secret word saying the variable points at a secret or configures one
(``TOKEN_URL``, ``PASSWORD_FILE``, ``AWS_ACCESS_KEY_ID``), not holds one."""

NOT_SECRET_PARTS = frozenset(
    {
        "public",
        "pub",
        "allow",
        "empty",
        "random",
        "generate",
        "require",
        "disable",
        "skip",
        "no",
        "ignore",
        "use",
    }
)
"""Parts anywhere in the name that mean no secret: public keys and switches such as
``MYSQL_ALLOW_EMPTY_PASSWORD`` (GPG fingerprints, ``GPG_KEY``, never match: ``key`` alone
is not a secret word)."""

NOT_SECRET_NAMES = frozenset({"GOOGLE_APPLICATION_CREDENTIALS"})
"""Well-known names that hold a path, not a secret."""

BOOLEAN_VALUES = frozenset(
    {"yes", "no", "true", "false", "on", "off", "0", "1", "enabled", "disabled"}
)

_PARTS = lazy_compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")


def name_parts(name: str) -> list[str]:
    """``DB_PASSWORD`` -> ``["db", "password"]``; ``apiKey`` -> ``["api", "key"]``."""
    return [part.lower() for part in _PARTS.findall(name)]


def secret_word(name: str) -> str | None:
    """The part(s) that make ``name`` look like it holds a secret, or None."""
    if name.upper() in NOT_SECRET_NAMES:
        return None
    parts = name_parts(name)
    if not parts or NOT_SECRET_PARTS.intersection(parts):
        return None
    for index, part in enumerate(parts):
        found = None
        end = index + 1
        if index + 1 < len(parts) and (part, parts[index + 1]) in SECRET_PAIRS:
            found, end = f"{part}_{parts[index + 1]}", index + 2
        elif _secret_part(part, last=index == len(parts) - 1):
            found = part
        if found is None:
            continue
        if REFERENCE_PARTS.intersection(parts[end:]):
            return None
        return found
    return None


def _secret_part(part: str, *, last: bool) -> bool:
    if part in SECRET_WORDS or part.endswith(SECRET_SUFFIXES):
        return True
    return last and part in LAST_ONLY


def _harmless_value(value: str | None) -> bool:
    """An ENV value that cannot hold a secret: empty, a switch or a path."""
    if value is None:
        return False
    text = value.strip()
    if not text or text.lower() in BOOLEAN_VALUES:
        return True
    return text.startswith(("/", "./", "~/", "file:")) and " " not in text


class SecretInBuildVariable(Rule):
    """Reports an ARG or ENV whose name says it holds a password, token or key.

    ## What it does
    Reports `ARG` and `ENV` variables named like secrets: `PASSWORD`, `PASSWD`,
    `TOKEN`, `SECRET`, `API_KEY`, `PRIVATE_KEY`, `ACCESS_KEY`, `SECRET_KEY`,
    `CREDENTIALS`, `CLIENT_SECRET`, `AUTH` at the end, also run together
    (`ACCESSTOKEN`, `dbPassword`). It leaves alone names that point at a secret or
    configure one (`PASSWORD_FILE`, `TOKEN_URL`, `AWS_ACCESS_KEY_ID`,
    `SECRETS_DIR`), public keys and GPG fingerprints (`GPG_KEY`, `SSH_PUBLIC_KEY`,
    `RELEASE_KEY`), switches (`MYSQL_ALLOW_EMPTY_PASSWORD=yes`), ENV values that
    are empty, a boolean or a path, and global ARGs not declared again in a stage.
    An ARG with no RUN after it in its stage is not reported (no step records its
    value), and a variable declared again in a stage is reported once.

    ## Why it matters
    A build argument's value is recorded in the image history (`docker history`
    shows it in front of every RUN after the ARG) and in the build cache; an ENV
    value is stored in the image config, visible to anyone who pulls the image
    (`docker inspect`) and to every process of every container.

    ## Example
    ```dockerfile
    FROM node:20-slim
    ARG NPM_TOKEN
    RUN echo "//registry.npmjs.org/:_authToken=$NPM_TOKEN" > .npmrc && npm ci
    ```

    ## Use instead
    ```dockerfile
    FROM node:20-slim
    RUN --mount=type=secret,id=npm_token,env=NPM_TOKEN \\
        echo "//registry.npmjs.org/:_authToken=$NPM_TOKEN" > .npmrc && npm ci && rm .npmrc
    ```
    built with `docker build --secret id=npm_token,env=NPM_TOKEN .`; runtime secrets
    are given when the container starts (`docker run -e`, orchestrator secrets).

    ## Fix
    None: the RUN steps that read the variable must be rewritten to read a secret
    mount, and the build command must pass the secret.
    """

    code = "LL310"
    name = "secret-in-build-variable"
    category = "correctness"
    severity = "error"
    summary = "ARG/ENV named like a password, token or key: the value stays in the image"
    needs = ("ARG", "ENV")

    def check(self, context: RuleContext) -> Iterator[Violation]:
        for stage in context.model.stages:  # global ARGs: only FROM lines see them
            effective = [instruction.effective for instruction in stage.instructions]
            last_run = max(
                (position for position, item in enumerate(effective) if item.keyword == "RUN"),
                default=-1,
            )
            reported: set[tuple[str, str]] = set()
            for position, instruction in enumerate(effective):
                keyword = instruction.keyword
                if keyword not in ("ARG", "ENV"):
                    continue
                trigger = stage.instructions[position].inner is not None  # runs in a child
                if keyword == "ARG" and not trigger and position > last_run:
                    continue  # no RUN records it in the history or the cache
                for pair in instruction.pairs:
                    if secret_word(pair.key) is None or (keyword, pair.key) in reported:
                        continue
                    if keyword == "ENV" and _harmless_value(pair.value):
                        continue
                    reported.add((keyword, pair.key))  # one finding per variable
                    message, help = _message(keyword, pair)
                    yield Violation(pair.start, pair.start + len(pair.key), message, help=help)


def _message(keyword: str, pair: KeyValue) -> tuple[str, str]:
    mount = f"RUN --mount=type=secret,id={pair.key.lower()},env={pair.key}"
    if keyword == "ARG":
        return (
            f"ARG {pair.key} looks like a secret: its value is kept in the image history",
            "the value given with --build-arg is recorded in the history (`docker history`) "
            f"of every RUN after it and in the build cache; read it from a secret mount "
            f"instead (`{mount} ...`)",
        )
    return (
        f"ENV {pair.key} looks like a secret: its value is stored in the image config",
        "anyone who pulls the image can read it (`docker inspect`); pass it when the "
        f"container starts, or for the build read it from a secret mount (`{mount} ...`)",
    )
