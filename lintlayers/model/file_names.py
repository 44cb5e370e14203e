"""Whether a bare path name is a file or a directory, when there is no context to ask.

``COPY Makefile app.py conf.d /src/`` brings two files and a directory; without the
build context only the names tell. One guess for every model: the cache plan, the
reorder engine, its synthetic history, and the install model (through
``model.copy_targets.is_local_file``). The manifests and lockfiles of the ecosystem
table (``model.ecosystems``) are files too: ``cpanfile``, ``build.sbt``, ``*.cabal``.
"""

from __future__ import annotations

from functools import lru_cache

from lintlayers.lazy_re import lazy_compile

FILE_NAMES = frozenset({"entrypoint", "gradlew", "mvnw"})
"""Names without an extension that are files, beyond those named like files (below)."""

FILE_EXTENSIONS = frozenset(
    {
        "a", "adoc", "apk", "args", "asc", "aspx", "bash", "bat", "bz2", "c", "cc", "cer",
        "cfg", "cjs", "clj", "cmake", "cmd", "cnf", "conf", "config", "cpp", "crt", "cs",
        "csproj", "css", "csv", "db", "deb", "diff", "dll", "dockerignore", "ear",
        "editorconfig", "edn", "env", "envsh", "erl", "ex", "exe", "exs", "fsproj", "gemspec",
        "gif", "gitignore", "go", "gpg", "gradle", "groovy", "gz", "h", "hcl", "hpp", "htm",
        "html", "ico", "in", "ini", "j2", "jar", "java", "jinja", "jpeg", "jpg", "js", "json",
        "json5", "jsonc", "jsx", "key", "kt", "kts", "less", "lock", "lockb", "lua", "map",
        "md", "mjs", "mk", "mod", "nginx", "nix", "npmrc", "nuspec", "patch", "pdf", "pem",
        "php", "pl", "pm", "png", "properties", "props", "proto", "ps1", "pub", "py", "pyc",
        "r", "rb", "repo", "rpm", "rs", "rst", "sbt", "scala", "scss", "service", "sh", "sig",
        "sln", "so", "socket", "sql", "sqlite", "sum", "svc", "svg", "swift", "tar", "targets",
        "template", "tf", "tgz", "timer", "tmpl", "toml", "tpl", "ts", "tsv", "tsx", "txt",
        "vbproj", "vcl", "vue", "war", "wasm", "webp", "whl", "xml", "xz", "yaml", "yarnrc",
        "yml", "zip", "zsh", "zst",
    }
)  # fmt: skip
"""Extensions (lower case) of names that are files, not directories."""

DOTFILES = frozenset(
    {
        ".babelrc", ".bowerrc", ".browserslistrc", ".coveragerc", ".eslintrc", ".flake8",
        ".gitattributes", ".gitmodules", ".htaccess", ".node-version", ".npmignore",
        ".nvmrc", ".prettierrc", ".pylintrc", ".python-version", ".rspec", ".ruby-version",
        ".tool-versions", ".gemrc", ".pypirc", ".netrc", ".bashrc", ".profile",
    }
)  # fmt: skip
"""Settings files whose name is all extension (``.nvmrc``, ``.python-version``)."""

_NAMED_LIKE_A_FILE = lazy_compile(r"[A-Z][A-Z0-9]*(?:[_-][A-Z0-9]+)+|[A-Z]{4,}|[A-Z][a-z]+file")
"""A name in capitals (``VERSION``, ``MLX_VERSION``, ``CODEOWNERS``), or capitalized and
ending in ``file`` (``Podfile``, ``Caddyfile``): the conventions of files without an
extension."""


def looks_like_file(name: str) -> bool:
    """Whether the last part of a path, ``name``, is most likely a file.

    A known file name or one named like those (``RAILS_VERSION``, ``Podfile``), a
    settings dotfile (``.nvmrc``), an extension that files have
    (``app.py``, ``.npmrc``, ``.env``), a variant of any of those (``.env.local``,
    ``Dockerfile.dev``), or a manifest or lockfile of the ecosystem table (``cpanfile``,
    ``build.sbt``). Anything else (``src``, ``conf.d``, ``.github``) is
    taken for a directory: a directory's tree holds what it names, so the cache and
    reorder models over-approximate; the install model asks the context when it has it.
    """
    if name in FILE_NAMES or name in DOTFILES or _NAMED_LIKE_A_FILE.fullmatch(name):
        return True
    stem, dot, extension = name.rpartition(".")
    if dot and extension.lower() in FILE_EXTENSIONS and name != ".config":
        return True  # ``.config`` is the settings folder, ``NuGet.Config`` a file
    if stem and stem != "." and looks_like_file(stem):
        return True  # a variant of a file: ``.env.production``, ``Dockerfile.dev``
    return _is_manifest(name)


@lru_cache(maxsize=1024)
def _is_manifest(name: str) -> bool:
    """Whether ``name`` is a manifest or lockfile name of the ecosystem table."""
    names, patterns = _manifest_names()
    if name in names:
        return True
    if not patterns:
        return False
    from fnmatch import fnmatchcase

    return any(fnmatchcase(name, pattern) for pattern in patterns)


@lru_cache(maxsize=1)
def _manifest_names() -> tuple[frozenset[str], tuple[str, ...]]:
    """The table's manifest and lockfile names: the literal ones (a set lookup, no pattern
    to compile) and the patterns with wildcards (``*.csproj``)."""
    from lintlayers.model.ecosystems import ECOSYSTEMS

    names: set[str] = set()
    patterns: list[str] = []
    for entry in ECOSYSTEMS:
        for pattern in (*entry.manifests, *entry.lockfiles):
            if pattern.endswith("/"):
                continue  # ``.paket/``: a folder
            base = pattern.rpartition("/")[2]
            if any(character in base for character in "*?["):
                patterns.append(base)
            else:
                names.add(base)
    return frozenset(names), tuple(dict.fromkeys(patterns))
