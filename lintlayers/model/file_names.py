"""Whether a bare path name is a file or a directory, when there is no context to ask.

``COPY Makefile app.py conf.d /src/`` brings two files and a directory; without the
build context only the names tell. One guess for every model: the cache plan, the
reorder engine, its synthetic history, and the install model.
"""

from __future__ import annotations

FILE_NAMES = frozenset(
    {
        "Brewfile", "Containerfile", "Dockerfile", "Gemfile", "Jenkinsfile", "Justfile",
        "LICENSE", "Makefile", "NOTICE", "Pipfile", "Procfile", "README", "Rakefile",
        "VERSION", "Vagrantfile", "entrypoint", "gradlew", "mvnw",
    }
)  # fmt: skip
"""Names without an extension that are files, not directories."""

FILE_EXTENSIONS = frozenset(
    {
        "a", "adoc", "apk", "asc", "bash", "bat", "bz2", "c", "cc", "cer", "cfg", "cjs",
        "cmake", "cmd", "cnf", "conf", "cpp", "crt", "cs", "csproj", "css", "csv", "db", "deb",
        "diff", "dll", "dockerignore", "ear", "editorconfig", "env", "erl", "ex", "exe", "exs",
        "fsproj", "gemspec", "gif", "gitignore", "go", "gpg", "gradle", "groovy", "gz", "h",
        "hcl", "hpp", "htm", "html", "ico", "ini", "j2", "jar", "java", "jinja", "jpeg", "jpg",
        "js", "json", "json5", "jsonc", "jsx", "key", "kt", "kts", "less", "lock", "lockb",
        "lua", "map", "md", "mjs", "mk", "mod", "nginx", "npmrc", "patch", "pdf", "pem", "php",
        "pl", "pm", "png", "properties", "props", "ps1", "pub", "py", "pyc", "r", "rb", "rpm",
        "rs", "rst", "scala", "scss", "service", "sh", "sig", "sln", "so", "socket", "sql",
        "sqlite", "sum", "svg", "swift", "tar", "targets", "template", "tf", "tgz", "timer",
        "tmpl", "toml", "tpl", "ts", "tsv", "tsx", "txt", "vbproj", "vcl", "vue", "war",
        "wasm", "webp", "whl", "xml", "xz", "yaml", "yarnrc", "yml", "zip", "zsh", "zst",
    }
)  # fmt: skip
"""Extensions (lower case) of names that are files, not directories."""


def looks_like_file(name: str) -> bool:
    """Whether the last part of a path, ``name``, is most likely a file.

    A known file name, or an extension that files have (``app.py``, and dotfiles
    such as ``.npmrc`` or ``.env``). Anything else (``src``, ``conf.d``, ``.github``)
    is taken for a directory: the safer reading, since a directory's tree holds
    what it names.
    """
    if name in FILE_NAMES:
        return True
    _, dot, extension = name.rpartition(".")
    return bool(dot) and extension.lower() in FILE_EXTENSIONS
