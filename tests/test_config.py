"""Configuration: finding the file, strict validation, selection, layering."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from lintlayers.config import ConfigError, Settings, find_config, load_settings

KNOWN = {
    "LL101": "cache",
    "LL102": "cache",
    "LL110": "cache",
    "LL201": "size",
    "LL202": "size",
    "LL301": "metadata",
    "LL401": "correctness",
    "LL501": "style",
}


def write(path, text: str) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return str(path)


def enabled(settings: Settings, file_path: str | None = None) -> set[str]:
    return {code for code, cat in KNOWN.items() if settings.is_enabled(code, cat, file_path)}


def error_of(tmp_path, text: str, name: str = ".lintlayers.toml", **kwargs) -> str:
    write(tmp_path / name, text)
    with pytest.raises(ConfigError) as info:
        load_settings(str(tmp_path), KNOWN, **kwargs)
    return str(info.value)


# --- finding the file -------------------------------------------------------------------------


def test_defaults_without_config(tmp_path):
    settings = load_settings(str(tmp_path), KNOWN)
    assert settings.config_path is None
    assert settings.root == str(tmp_path)
    assert settings.select == ["ALL"]
    assert settings.builder == "buildkit"
    assert settings.fail_level == "info"
    assert settings.context is None
    assert settings.unsafe_fixes is False
    assert enabled(settings) == set(KNOWN)
    assert settings.severity_for("LL101", "warning") == "warning"


def test_upward_search_from_nested_folder(tmp_path):
    config = write(tmp_path / ".lintlayers.toml", 'select = ["LL1"]\n')
    nested = tmp_path / "a" / "b" / "c"
    nested.mkdir(parents=True)
    assert find_config(str(nested)) == config
    settings = load_settings(str(nested), KNOWN)
    assert settings.config_path == config
    assert settings.root == str(tmp_path)
    assert enabled(settings) == {"LL101", "LL102", "LL110"}


def test_dotfile_beats_pyproject_in_same_folder(tmp_path):
    write(tmp_path / "pyproject.toml", '[tool.lintlayers]\nselect = ["LL2"]\n')
    dotfile = write(tmp_path / ".lintlayers.toml", 'select = ["LL3"]\n')
    assert find_config(str(tmp_path)) == dotfile
    assert enabled(load_settings(str(tmp_path), KNOWN)) == {"LL301"}


def test_pyproject_without_table_is_skipped(tmp_path):
    outer = write(tmp_path / ".lintlayers.toml", 'select = ["LL4"]\n')
    write(tmp_path / "pkg" / "pyproject.toml", '[project]\nname = "x"\n[tool.ruff]\nx = 1\n')
    # The marker text appears only in a comment: parsed, no table, still skipped.
    write(tmp_path / "pkg" / "sub" / "pyproject.toml", "# see [tool.lintlayers] docs\n[project]\n")
    assert find_config(str(tmp_path / "pkg" / "sub")) == outer
    assert enabled(load_settings(str(tmp_path / "pkg" / "sub"), KNOWN)) == {"LL401"}


def test_nearest_config_wins(tmp_path):
    write(tmp_path / ".lintlayers.toml", 'select = ["LL4"]\n')
    inner = write(
        tmp_path / "svc" / "pyproject.toml",
        """\
        [project]
        name = "svc"

        [tool.lintlayers]
        select = ["size"]
        builder = "classic"
        fail-level = "error"
        unsafe-fixes = true

        [tool.lintlayers.severity]
        LL201 = "error"
        """,
    )
    settings = load_settings(str(tmp_path / "svc"), KNOWN)
    assert settings.config_path == inner
    assert enabled(settings) == {"LL201", "LL202"}
    assert settings.builder == "classic"
    assert settings.fail_level == "error"
    assert settings.unsafe_fixes is True
    assert settings.severity_for("LL201", "info") == "error"


def test_broken_pyproject_without_marker_is_never_parsed(tmp_path):
    outer = write(tmp_path / ".lintlayers.toml", 'select = ["LL1"]\n')
    write(tmp_path / "inner" / "pyproject.toml", "this is [[ not toml\n")
    assert find_config(str(tmp_path / "inner")) == outer


def test_explicit_config_path(tmp_path):
    write(tmp_path / ".lintlayers.toml", 'select = ["LL4"]\n')
    other = write(tmp_path / "conf" / "strict.toml", 'select = ["LL5"]\n')
    settings = load_settings(str(tmp_path), KNOWN, config_path=other)
    assert settings.config_path == other
    assert settings.root == str(tmp_path / "conf")
    assert enabled(settings) == {"LL501"}


def test_explicit_pyproject_path(tmp_path):
    path = write(tmp_path / "x" / "pyproject.toml", '[tool.lintlayers]\nignore = ["ALL"]\n')
    assert enabled(load_settings(str(tmp_path), KNOWN, config_path=path)) == set()


def test_tomllib_imported_lazily(tmp_path):
    write(tmp_path / "plain" / "pyproject.toml", '[project]\nname = "x"\n')
    write(tmp_path / "with" / "pyproject.toml", '[tool.lintlayers]\nselect = ["LL1"]\n')
    script = textwrap.dedent(
        """\
        import sys
        from lintlayers import config
        assert "tomllib" not in sys.modules, "imported at module level"
        assert config.load_settings(sys.argv[1], {"LL101": "cache"}).config_path is None
        assert "tomllib" not in sys.modules, "imported for a pyproject without the table"
        assert config.load_settings(sys.argv[2], {"LL101": "cache"}).config_path
        assert "tomllib" in sys.modules
        assert "difflib" not in sys.modules
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "plain"), str(tmp_path / "with")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


# --- errors -----------------------------------------------------------------------------------


def test_unknown_key_suggests(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    message = error_of(tmp_path, 'selct = ["LL1"]\n')
    assert message == ".lintlayers.toml: unknown key 'selct' (did you mean 'select'?)"


def test_underscore_key_suggests_kebab(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    message = error_of(tmp_path, 'extend_select = ["LL1"]\n')
    assert message == (
        ".lintlayers.toml: unknown key 'extend_select' (did you mean 'extend-select'?)"
    )


def test_unknown_key_without_suggestion(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert error_of(tmp_path, "zzz = 1\n") == ".lintlayers.toml: unknown key 'zzz'"


def test_pyproject_errors_name_the_table(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    message = error_of(tmp_path, '[tool.lintlayers.severity]\nLL999 = "error"\n', "pyproject.toml")
    assert message == "pyproject.toml: [tool.lintlayers] severity: unknown rule code 'LL999'"
    message = error_of(tmp_path, '[tool.lintlayers]\nignroe = ["LL1"]\n', "pyproject.toml")
    assert message == (
        "pyproject.toml: [tool.lintlayers] unknown key 'ignroe' (did you mean 'ignore'?)"
    )


def test_error_names_file_outside_cwd_by_full_path(tmp_path, monkeypatch):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    message = error_of(tmp_path / "proj", "builder = 1\n")
    assert message.startswith(str(tmp_path / "proj" / ".lintlayers.toml") + ": builder: ")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('select = ["LL999"]', "select: unknown rule code 'LL999'"),
        ('ignore = ["LL9"]', "ignore: unknown rule code 'LL9'"),
        ('extend-select = ["LL10", "XX1"]', "extend-select: unknown rule code 'XX1'"),
        ('select = ["ll101"]', "select: unknown rule selector 'll101' (did you mean 'LL101'?)"),
        ('select = ["speed"]', "select: unknown rule selector 'speed'"),
        ('select = ["sise"]', "select: unknown rule selector 'sise' (did you mean 'size'?)"),
        ('select = ["all"]', "select: unknown rule selector 'all' (did you mean 'ALL'?)"),
        ('select = [""]', "select: empty rule selector"),
        ('select = "LL1"', "select: expected a list of rule selectors, got string"),
        ("select = [1]", "select: expected a rule selector string, got integer"),
        ('severity = { LL999 = "error" }', "severity: unknown rule code 'LL999'"),
        ('severity = { LL101 = "fatal" }', "severity: 'LL101': expected one of info, warning"),
        ('severity = ["LL101"]', "severity: expected a table of rule code = severity, got list"),
        ("severity = { LL101 = 3 }", "severity: 'LL101': expected one of info, warning, error"),
        (
            'per-file-ignores = { "tests/**" = ["LL999"] }',
            "per-file-ignores: 'tests/**': unknown rule code 'LL999'",
        ),
        (
            'per-file-ignores = { "tests/**" = "LL1" }',
            "per-file-ignores: 'tests/**': expected a list of rule selectors, got string",
        ),
        ('per-file-ignores = ["x"]', "per-file-ignores: expected a table of glob"),
        ('per-file-ignores = { "" = ["LL1"] }', "per-file-ignores: empty file pattern"),
        ('builder = "kaniko"', "builder: expected one of buildkit, classic, got 'kaniko'"),
        ("builder = true", "builder: expected one of buildkit, classic, got boolean"),
        ('fail-level = "fatal"', "fail-level: expected one of info, warning, error, got 'fatal'"),
        ('context = ""', "context: expected a non-empty string, got an empty string"),
        ("context = 3", "context: expected a non-empty string, got integer"),
        ('unsafe-fixes = "yes"', "unsafe-fixes: expected true or false, got 'yes'"),
    ],
)
def test_value_errors_name_file_and_key(tmp_path, monkeypatch, text, expected):
    monkeypatch.chdir(tmp_path)
    message = error_of(tmp_path, text + "\n")
    assert message.startswith(".lintlayers.toml: " + expected), message


def test_invalid_toml(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    message = error_of(tmp_path, "select = [\n")
    assert message.startswith(".lintlayers.toml: invalid TOML: ")


def test_invalid_toml_in_pyproject_with_marker(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    message = error_of(tmp_path, "[tool.lintlayers]\nselect = [\n", "pyproject.toml")
    assert message.startswith("pyproject.toml: invalid TOML: ")


def test_tool_lintlayers_must_be_a_table(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    message = error_of(tmp_path, '[tool]\nlintlayers = "x"\n# [tool.lintlayers\n', "pyproject.toml")
    assert message == "pyproject.toml: [tool.lintlayers] must be a table"


def test_not_utf8(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".lintlayers.toml").write_bytes(b'select = ["\xff"]\n')
    with pytest.raises(ConfigError, match=r"^\.lintlayers\.toml: not valid UTF-8"):
        load_settings(str(tmp_path), KNOWN)


def test_explicit_config_missing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError) as info:
        load_settings(str(tmp_path), KNOWN, config_path="nope.toml")
    assert str(info.value) == "nope.toml: config file not found"


def test_explicit_pyproject_without_table(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "pyproject.toml", "[project]\n")
    with pytest.raises(ConfigError) as info:
        load_settings(str(tmp_path), KNOWN, config_path="pyproject.toml")
    assert str(info.value) == "pyproject.toml: no [tool.lintlayers] table"


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"select": ["LL999"]}, "--select: unknown rule code 'LL999'"),
        ({"extend_select": "LL1,XX"}, "--extend-select: unknown rule code 'XX'"),
        ({"fail_level": "fatal"}, "--fail-level: expected one of info, warning, error"),
        ({"builder": "podman"}, "--builder: expected one of buildkit, classic, got 'podman'"),
        ({"severity": ["LL101"]}, "--severity: expected SELECTOR=LEVEL, got 'LL101'"),
        ({"severity": ["LL101=loud"]}, "--severity: 'LL101': expected one of info"),
        ({"slect": ["LL1"]}, "unknown option '--slect' (did you mean '--select'?)"),
    ],
)
def test_cli_errors_name_the_option(tmp_path, overrides, expected):
    with pytest.raises(ConfigError) as info:
        load_settings(str(tmp_path), KNOWN, overrides=overrides)
    assert str(info.value).startswith(expected), str(info.value)


# --- selection --------------------------------------------------------------------------------


def settings_from(tmp_path, text: str, overrides=None) -> Settings:
    write(tmp_path / ".lintlayers.toml", text)
    return load_settings(str(tmp_path), KNOWN, overrides=overrides)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('select = ["ALL"]', set(KNOWN)),
        ('select = ["LL"]', set(KNOWN)),
        ('select = ["LL1"]', {"LL101", "LL102", "LL110"}),
        ('select = ["LL11"]', {"LL110"}),
        ('select = ["LL101", "metadata"]', {"LL101", "LL301"}),
        ('select = ["cache"]', {"LL101", "LL102", "LL110"}),
        ('ignore = ["cache", "LL5"]', {"LL201", "LL202", "LL301", "LL401"}),
        ('ignore = ["ALL"]', set()),
        ('select = ["size"]\nextend-select = ["LL101"]', {"LL201", "LL202", "LL101"}),
        ('extend-select = ["LL101"]', set(KNOWN)),
        # The most specific selector wins, whichever list it is in.
        ('select = ["LL101"]\nignore = ["LL1"]', {"LL101"}),
        ('select = ["LL1"]\nignore = ["LL101"]', {"LL102", "LL110"}),
        ('select = ["cache"]\nignore = ["LL11"]', {"LL101", "LL102"}),
        ('select = ["LL11"]\nignore = ["cache"]', {"LL110"}),
        ('select = ["LL"]\nignore = ["style"]', set(KNOWN) - {"LL501"}),
        ('ignore = ["LL1"]\nextend-select = ["LL102"]', set(KNOWN) - {"LL101", "LL110"}),
        # Same specificity: ignore wins.
        ('select = ["LL1"]\nignore = ["LL1"]', set()),
    ],
)
def test_selection(tmp_path, text, expected):
    assert enabled(settings_from(tmp_path, text + "\n")) == expected


def test_category_selector_uses_the_category_given(tmp_path):
    settings = settings_from(tmp_path, 'select = ["size"]\n')
    # A plugin rule unknown when the settings were loaded still selects by category.
    assert settings.is_enabled("XY900", "size")
    assert not settings.is_enabled("XY901", "cache")


def test_plugin_categories_are_known(tmp_path):
    write(tmp_path / ".lintlayers.toml", 'select = ["security"]\n')
    settings = load_settings(str(tmp_path), {**KNOWN, "LL901": "security"})
    assert settings.is_enabled("LL901", "security")
    assert not settings.is_enabled("LL101", "cache")


def test_severity_overrides(tmp_path):
    settings = settings_from(
        tmp_path, '[severity]\nLL101 = "error"\ncache = "info"\nLL2 = "warning"\n'
    )
    assert settings.severity_for("LL101", "warning") == "error"
    assert settings.severity_for("LL102", "warning") == "info"
    assert settings.severity_for("LL201", "error") == "warning"
    assert settings.severity_for("LL301", "error") == "error"
    assert settings.severity_overrides == {"LL101": "error", "cache": "info", "LL2": "warning"}


# --- layering with the command line -----------------------------------------------------------


def test_cli_scalars_beat_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    text = 'builder = "classic"\nfail-level = "error"\nunsafe-fixes = true\ncontext = "ctx"\n'
    overrides = {
        "builder": "buildkit",
        "fail-level": "warning",
        "unsafe_fixes": False,
        "context": "other",
        "select": None,  # not given on the command line
    }
    settings = settings_from(tmp_path, text, overrides)
    assert settings.builder == "buildkit"
    assert settings.fail_level == "warning"
    assert settings.unsafe_fixes is False
    assert settings.context == str(tmp_path / "other")
    assert enabled(settings) == set(KNOWN)


def test_context_relative_to_config_file(tmp_path):
    write(tmp_path / ".lintlayers.toml", 'context = "../ctx"\n')
    settings = load_settings(str(tmp_path / "deep" / "er"), KNOWN)
    assert settings.context == str(tmp_path.parent / "ctx")


def test_cli_select_replaces_file_selection(tmp_path):
    settings = settings_from(tmp_path, 'select = ["LL1"]\nignore = ["LL2"]\n', {"select": "LL2"})
    assert enabled(settings) == {"LL201", "LL202"}
    assert settings.select == ["LL2"]
    assert settings.ignore == []


def test_cli_ignore_adds_to_file_selection(tmp_path):
    settings = settings_from(tmp_path, 'select = ["LL1"]\n', {"ignore": ["LL102,LL110"]})
    assert enabled(settings) == {"LL101"}
    assert settings.select == ["LL1"]
    assert settings.ignore == ["LL102", "LL110"]


def test_cli_extend_select_beats_file_ignore(tmp_path):
    settings = settings_from(tmp_path, 'ignore = ["LL101"]\n', {"extend_select": ["LL101"]})
    assert settings.is_enabled("LL101", "cache")


def test_cli_ignore_beats_file_extend_select(tmp_path):
    settings = settings_from(
        tmp_path, 'select = ["size"]\nextend-select = ["LL101"]\n', {"ignore": ["LL1"]}
    )
    assert enabled(settings) == {"LL201", "LL202"}


def test_cli_severity_beats_file(tmp_path):
    settings = settings_from(tmp_path, '[severity]\nLL101 = "error"\n', {"severity": ["LL1=info"]})
    assert settings.severity_for("LL101", "warning") == "info"
    assert settings.severity_for("LL201", "warning") == "warning"
    settings = settings_from(
        tmp_path, '[severity]\nLL101 = "error"\n', {"severity": {"LL2": "info"}}
    )
    assert settings.severity_for("LL101", "warning") == "error"
    assert settings.severity_for("LL202", "warning") == "info"


# --- per-file ignores -------------------------------------------------------------------------


PER_FILE = """\
[per-file-ignores]
"tests/**" = ["LL1"]
"**/legacy/*.Dockerfile" = ["ALL"]
"Dockerfile.dev" = ["size"]
"docker/*" = ["LL301"]
"/Containerfile" = ["style"]
"""


def test_per_file_ignores(tmp_path, monkeypatch):
    settings = settings_from(tmp_path, PER_FILE)
    root = tmp_path

    def on(relative: str) -> set[str]:
        return enabled(settings, str(root / relative))

    assert on("Dockerfile") == set(KNOWN)
    assert on("tests/Dockerfile") == set(KNOWN) - {"LL101", "LL102", "LL110"}
    assert on("tests/a/b/Dockerfile") == set(KNOWN) - {"LL101", "LL102", "LL110"}
    assert on("src/tests/Dockerfile") == set(KNOWN)
    assert on("legacy/app.Dockerfile") == set()
    assert on("x/y/legacy/app.Dockerfile") == set()
    assert on("x/legacy/sub/app.Dockerfile") == set(KNOWN)
    # A pattern without "/" matches the file name at any depth.
    assert on("Dockerfile.dev") == set(KNOWN) - {"LL201", "LL202"}
    assert on("svc/Dockerfile.dev") == set(KNOWN) - {"LL201", "LL202"}
    # "*" stays inside one folder.
    assert on("docker/Dockerfile") == set(KNOWN) - {"LL301"}
    assert on("docker/sub/Dockerfile") == set(KNOWN)
    # A leading "/" anchors at the config folder.
    assert on("Containerfile") == set(KNOWN) - {"LL501"}
    assert on("sub/Containerfile") == set(KNOWN)
    # Files outside the config folder are not affected; without a path, no per-file ignores.
    assert enabled(settings, str(tmp_path.parent / "tests" / "Dockerfile")) == set(KNOWN)
    assert enabled(settings) == set(KNOWN)
    # Relative paths are taken from the current directory.
    (tmp_path / "tests").mkdir()
    monkeypatch.chdir(tmp_path / "tests")
    assert not settings.is_enabled("LL101", "cache", "Dockerfile")
    assert settings.is_enabled("LL101", "cache", os.path.join("..", "Dockerfile"))


def test_per_file_ignores_relative_to_config_folder_not_start(tmp_path):
    write(tmp_path / ".lintlayers.toml", '[per-file-ignores]\n"svc/**" = ["LL101"]\n')
    settings = load_settings(str(tmp_path / "svc" / "deep"), KNOWN)
    assert not settings.is_enabled("LL101", "cache", str(tmp_path / "svc" / "Dockerfile"))
    assert not settings.is_enabled("LL101", "cache", str(tmp_path / "svc" / "deep" / "Dockerfile"))
    assert settings.is_enabled("LL101", "cache", str(tmp_path / "other" / "Dockerfile"))
    assert settings.per_file_ignores == [("svc/**", ["LL101"])]


def test_per_file_ignores_do_not_enable(tmp_path):
    settings = settings_from(
        tmp_path, 'select = ["LL2"]\n[per-file-ignores]\n"**/*.Dockerfile" = ["LL201"]\n'
    )
    assert enabled(settings, str(tmp_path / "a.Dockerfile")) == {"LL202"}


def test_cli_per_file_ignores_replace_and_use_cwd(tmp_path, monkeypatch):
    (tmp_path / "work").mkdir()
    monkeypatch.chdir(tmp_path / "work")
    settings = settings_from(tmp_path, PER_FILE, {"per-file-ignores": {"ci/*": ["LL4"]}})
    assert enabled(settings, str(tmp_path / "tests" / "Dockerfile")) == set(KNOWN)
    assert enabled(settings, str(tmp_path / "work" / "ci" / "Dockerfile")) == set(KNOWN) - {"LL401"}


def test_glob_character_classes(tmp_path):
    settings = settings_from(
        tmp_path, '[per-file-ignores]\n"Dockerfile.[!p]*" = ["LL1"]\n"v?/*" = ["LL2"]\n'
    )
    assert not settings.is_enabled("LL101", "cache", str(tmp_path / "Dockerfile.dev"))
    assert settings.is_enabled("LL101", "cache", str(tmp_path / "Dockerfile.prod"))
    assert not settings.is_enabled("LL201", "size", str(tmp_path / "v1" / "Dockerfile"))
    assert settings.is_enabled("LL201", "size", str(tmp_path / "v12" / "Dockerfile"))


def test_settings_constructed_directly():
    settings = Settings(
        select=["cache"],
        ignore=["LL102"],
        severity_overrides={"LL1": "error"},
        per_file_ignores=[("tests/**", ["LL101"])],
        root="/proj",
    )
    assert settings.is_enabled("LL101", "cache")
    assert not settings.is_enabled("LL102", "cache")
    assert not settings.is_enabled("LL201", "size")
    assert not settings.is_enabled("LL101", "cache", "/proj/tests/Dockerfile")
    assert settings.severity_for("LL110", "info") == "error"
    assert Settings().is_enabled("LL999", "style")
