"""The ``cache-costs`` config key: kind of work -> cost prior, validated strictly."""

from __future__ import annotations

import textwrap

import pytest

from lintlayers.cache.costs import COST_KINDS, DEFAULT_COSTS, Costs
from lintlayers.config import KEYS, ConfigError, load_settings

KNOWN = {"LL101": "cache", "LL201": "size"}


def write(path, text: str) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return str(path)


def error_of(tmp_path, text: str, name: str = ".lintlayers.toml") -> str:
    write(tmp_path / name, text)
    with pytest.raises(ConfigError) as info:
        load_settings(str(tmp_path), KNOWN)
    return str(info.value)


def test_cache_costs_is_a_known_key_and_defaults_to_no_overrides(tmp_path):
    assert "cache-costs" in KEYS
    settings = load_settings(str(tmp_path), KNOWN)
    assert settings.cache_costs == {}
    assert Costs(settings.cache_costs).values == DEFAULT_COSTS


def test_cache_costs_in_lintlayers_toml(tmp_path):
    write(
        tmp_path / ".lintlayers.toml",
        """
        select = ["LL1"]

        [cache-costs]
        compile = 300
        dependencies = 12.5
        files = 0
        """,
    )
    settings = load_settings(str(tmp_path), KNOWN)
    assert settings.cache_costs == {"compile": 300.0, "dependencies": 12.5, "files": 0.0}
    costs = Costs(settings.cache_costs)
    assert costs.values["compile"] == 300.0
    assert costs.values["system-packages"] == DEFAULT_COSTS["system-packages"]


def test_cache_costs_in_pyproject(tmp_path):
    write(
        tmp_path / "pyproject.toml",
        """
        [project]
        name = "x"

        [tool.lintlayers.cache-costs]
        system-packages = 120
        """,
    )
    sub = tmp_path / "sub"
    sub.mkdir()
    settings = load_settings(str(sub), KNOWN)  # found by searching upward
    assert settings.cache_costs == {"system-packages": 120.0}


def test_cli_overrides_merge_per_kind(tmp_path):
    write(tmp_path / ".lintlayers.toml", "[cache-costs]\ncompile = 300\nfiles = 2\n")
    settings = load_settings(
        str(tmp_path), KNOWN, overrides={"cache-costs": {"compile": 5, "download": 1}}
    )
    assert settings.cache_costs == {"compile": 5.0, "files": 2.0, "download": 1.0}


def test_every_kind_is_accepted(tmp_path):
    body = "\n".join(f"{kind} = {number}" for number, kind in enumerate(COST_KINDS))
    write(tmp_path / ".lintlayers.toml", "[cache-costs]\n" + body + "\n")
    settings = load_settings(str(tmp_path), KNOWN)
    assert list(settings.cache_costs) == list(COST_KINDS)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "[cache-costs]\ncompiling = 1\n",
            "cache-costs: unknown kind 'compiling' (did you mean 'compile'?)",
        ),
        ("[cache-costs]\nnetwork = 1\n", "unknown kind 'network' (expected one of system-packages"),
        (
            '[cache-costs]\ncompile = "fast"\n',
            "cache-costs: 'compile': expected a number, got 'fast'",
        ),
        ("[cache-costs]\ncompile = true\n", "'compile': expected a number, got boolean"),
        ("[cache-costs]\ncompile = [1]\n", "'compile': expected a number, got list"),
        ("[cache-costs]\ncompile = -1\n", "'compile': expected a finite number >= 0, got -1"),
        ("[cache-costs]\ncompile = inf\n", "'compile': expected a finite number >= 0, got inf"),
        ("[cache-costs]\ncompile = nan\n", "'compile': expected a finite number >= 0, got nan"),
        ('cache-costs = "cheap"\n', "cache-costs: expected a table of kind = cost"),
        ("cache-cost = 1\n", "unknown key 'cache-cost' (did you mean 'cache-costs'?)"),
    ],
)
def test_invalid_cache_costs_are_rejected(tmp_path, text, message):
    error = error_of(tmp_path, text)
    assert message in error
    assert error.startswith(".lintlayers.toml: ") or ".lintlayers.toml" in error


def test_pyproject_errors_name_the_table(tmp_path):
    error = error_of(tmp_path, "[tool.lintlayers.cache-costs]\nbuild = 3\n", name="pyproject.toml")
    assert "[tool.lintlayers] cache-costs: unknown kind 'build'" in error
