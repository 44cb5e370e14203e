"""``lintlayers cache``: the real CLI in a subprocess on real files and real git repositories."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
import types
from pathlib import Path

import pytest

from lintlayers.buildcontext.context import BuildContext
from lintlayers.cache.costs import Costs
from lintlayers.cache.expected import cost_report
from lintlayers.cache.history import load_history
from lintlayers.cache.steps import build_plan
from lintlayers.cli import main
from lintlayers.model.stages import build_model
from lintlayers.syntax.parser import parse

DOCKERFILE = textwrap.dedent(
    """\
    FROM python:3.12 AS build
    ARG GIT_SHA
    WORKDIR /app
    COPY requirements.txt ./
    RUN pip install -r requirements.txt
    COPY . .
    RUN python -m compileall src
    FROM python:3.12-slim
    COPY --from=build /app /app
    RUN echo done
    LABEL sha=$GIT_SHA
    """
)
FILES = {
    "Dockerfile": DOCKERFILE,
    "requirements.txt": "flask\n",
    "src/app.py": "print(1)\n",
    "README.md": "# app\n",
    ".dockerignore": ".git\nREADME.md\n",
}
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def base_env(**extra: str) -> dict[str, str]:
    env = {
        key: value for key, value in os.environ.items() if key not in ("NO_COLOR", "FORCE_COLOR")
    }
    env.update(extra)
    return env


def cli(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "lintlayers", "cache", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env if env is not None else base_env(),
        timeout=300,
        check=False,
    )


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), "-c", "user.email=t@example.com", "-c", "user.name=T", *args],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def commit(repo: Path, message: str, files: dict[str, str]) -> None:
    write(repo, files)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return write(tmp_path / "project", FILES)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q")
    commit(root, "start", FILES)
    for number in range(2, 10):  # 11 commits in all: enough for git's history to be used
        commit(root, f"code {number}", {"src/app.py": f"print({number})\n"})
    commit(root, "docs", {"README.md": "# more\n"})
    commit(root, "deps", {"requirements.txt": "flask\nrequests\n"})
    return root


# ------------------------------------------------------------------------------ --changed


def test_changed_file_text_output(project):
    result = cli("Dockerfile", "--changed", "src/app.py", cwd=project)
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "Dockerfile: builder buildkit; 1 changed file, 0 changed build arguments\n"
        "stage build (line 1): first miss at line 6: COPY . .\n"
        "  src/app.py changed and enters the key of COPY at line 6 through its source '.'\n"
        "  re-runs 2 of 5 cache steps (1 RUN step), cost 91 relative seconds\n"
        "stage 1 (line 8): first miss at line 9: COPY --from=build /app /app\n"
        "  stage build (first miss: line 6) re-ran and COPY at line 9 uses its files; "
        "BuildKit still hits if the copied files come out byte-identical\n"
        "  re-runs 2 of 2 cache steps (1 RUN step), cost 2 relative seconds\n"
    )


def test_ignored_file_changes_nothing(project):
    result = cli("Dockerfile", "--changed", "README.md", cwd=project)
    assert result.returncode == 0
    assert "stage build (line 1): all 5 cache steps hit" in result.stdout
    assert "stage 1 (line 8): all 2 cache steps hit" in result.stdout


def test_changed_arg_under_both_builders(project):
    buildkit = cli("Dockerfile", "--changed-arg", "GIT_SHA", "--format", "json", cwd=project)
    data = json.loads(buildkit.stdout)
    build, final = data["stages"]
    assert build["first_miss"]["line"] == 5
    assert build["first_miss"]["cause"]["kind"] == "arg"
    assert build["first_miss"]["cause"]["arg"] == "GIT_SHA"
    assert final["first_miss"]["line"] == 9  # copies from the rebuilt stage
    classic = cli(
        "Dockerfile", "--changed-arg", "GIT_SHA", "--builder", "classic", "--format", "json",
        cwd=project,
    )  # fmt: skip
    data = json.loads(classic.stdout)
    assert data["builder"] == "classic"
    assert data["stages"][1]["rerun_steps"] == 3  # COPY, RUN and the LABEL commit


def test_json_output_is_complete_and_stable(project):
    args = ("Dockerfile", "--changed", "src/app.py", "README.md", "--format", "json")
    first = cli(*args, cwd=project)
    assert first.returncode == 0, first.stderr
    assert first.stdout == cli(*args, cwd=project).stdout
    data = json.loads(first.stdout)
    assert list(data)[:6] == ["version", "command", "dockerfile", "builder", "context", "mode"]
    assert data["version"] == 1 and data["command"] == "cache" and data["mode"] == "changed"
    assert data["changed_files"] == ["README.md", "src/app.py"]
    assert data["units"] == "relative seconds"
    build = data["stages"][0]
    assert build["name"] == "build" and build["built"] is True
    assert build["first_miss"] == {
        "line": 6,
        "instruction": "COPY . .",
        "cause": {
            "kind": "file",
            "path": "src/app.py",
            "source": ".",
            "message": "src/app.py changed and enters the key of COPY at line 6 through its "
            "source '.'",
        },
    }
    assert (build["rerun_steps"], build["rerun_runs"], build["cache_steps"]) == (2, 1, 5)
    assert [(s["keyword"], s["hit"]) for s in build["steps"]] == [
        ("FROM", True),
        ("ARG", None),
        ("WORKDIR", True),
        ("COPY", True),
        ("RUN", True),
        ("COPY", False),
        ("RUN", False),
    ]
    assert data["rerun_cost"] == build["rerun_cost"] + data["stages"][1]["rerun_cost"]


def test_changed_paths_relative_to_the_current_folder_or_the_context(project):
    outside = cli(
        "project/Dockerfile", "--changed", "project/src/app.py", "--format", "json",
        cwd=project.parent,
    )  # fmt: skip
    assert json.loads(outside.stdout)["changed_files"] == ["src/app.py"]
    as_context = cli("project", "--changed", "src/app.py", "--format", "json", cwd=project.parent)
    assert json.loads(as_context.stdout)["changed_files"] == ["src/app.py"]
    write(project, {"src/pkg/a.py": "", "src/pkg/b.py": ""})
    folder = cli("Dockerfile", "--changed", "src/pkg", "--format", "json", cwd=project)
    assert json.loads(folder.stdout)["changed_files"] == ["src/pkg/a.py", "src/pkg/b.py"]
    (project.parent / "elsewhere.txt").write_text("x", encoding="utf-8")
    outside_context = cli("Dockerfile", "--changed", "../elsewhere.txt", cwd=project)
    assert outside_context.returncode == 0
    assert "../elsewhere.txt: outside the build context, left out" in outside_context.stderr
    assert "all 5 cache steps hit" in outside_context.stdout


def test_since_revision_in_a_real_repository(repo):
    result = cli("Dockerfile", "--since", "HEAD~1", "--format", "json", cwd=repo)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["changed_files"] == [".git/logs/HEAD", "requirements.txt"]
    assert data["stages"][0]["first_miss"]["line"] == 4  # .git is ignored: the manifest COPY
    (repo / "src" / "new.py").write_text("x\n", encoding="utf-8")
    working = json.loads(cli("Dockerfile", "--since", "HEAD", "--format", "json", cwd=repo).stdout)
    assert working["changed_files"] == ["src/new.py"]
    assert working["stages"][0]["first_miss"]["line"] == 6


# ------------------------------------------------------------------------------- history


def test_history_mode_on_a_real_repository(repo):
    result = cli("Dockerfile", "--format", "json", cwd=repo)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["mode"] == "history"
    assert data["history"] == {"source": "git", "commits": 11, "note": ""}
    # The same figure through the API.
    text = (repo / "Dockerfile").read_text(encoding="utf-8")
    plan = build_plan(
        build_model(parse(text)), context=BuildContext(str(repo), str(repo / "Dockerfile"))
    )
    # GIT_SHA is a per-build ARG: new on every build, as LL105 counts it
    assert data["volatile_args"] == ["GIT_SHA"]
    report = cost_report(plan, load_history(str(repo)), Costs(), changing_args=["GIT_SHA"])
    assert data["expected_cost"] == round(report.expected, 3)
    rates = {
        (stage["index"], step["line"]): step["miss_rate"]
        for stage in data["stages"]
        for step in stage["steps"]
    }
    assert rates[(0, 5)] == 1.0  # pip: GIT_SHA is in its key
    assert rates[(0, 2)] is None  # ARG: no cache step under BuildKit
    files_only = cost_report(plan, load_history(str(repo)), Costs())
    pip, copy = (step for step in plan.stages[0].steps if step.line in (5, 6))
    assert files_only.miss_rate(pip) == 2 / 11  # the first commit and the deps commit
    assert files_only.miss_rate(copy) == 10 / 11  # all but the README-only commit
    # the reorder engine suggests an order only when it costs less per commit
    suggested = data["suggested"]
    assert suggested is None or suggested["expected_cost"] < data["expected_cost"]
    text_output = cli("Dockerfile", cwd=repo).stdout
    assert "11 commits from git" in text_output
    assert f"expected rebuild cost: {round(report.expected, 1)} relative seconds" in text_output


def test_history_limit_and_subfolder_context(repo):
    data = json.loads(cli("Dockerfile", "--history", "2", "--format", "json", cwd=repo).stdout)
    assert data["history"]["commits"] == 2
    usage = cli("Dockerfile", "--history", "0", cwd=repo)
    assert usage.returncode == 2 and "expected a number >= 1" in usage.stderr


def test_history_fallback_without_git(project):
    write(project, {"Dockerfile": DOCKERFILE.replace("ARG GIT_SHA\n", "")})
    result = cli("Dockerfile", cwd=project)
    assert result.returncode == 0, result.stderr
    assert "20 commits from a synthetic history" in result.stdout
    assert "(no git repository: a synthetic history by file class)" in result.stdout
    data = json.loads(cli("Dockerfile", "--format", "json", cwd=project).stdout)
    assert data["history"]["source"] == "synthetic"
    steps = {step["line"]: step for step in data["stages"][0]["steps"]}
    assert steps[4]["miss_rate"] == 0.05  # requirements.txt: one commit in 20


def test_cache_costs_from_the_config(project):
    write(project, {".lintlayers.toml": "[cache-costs]\ndependencies = 100\ncompile = 0\n"})
    data = json.loads(cli("Dockerfile", "--format", "json", cwd=project).stdout)
    assert data["costs"]["dependencies"] == 100 and data["costs"]["compile"] == 0
    steps = {step["line"]: step for step in data["stages"][0]["steps"]}
    assert steps[5]["cost"] == 100 and steps[7]["cost"] == 0
    write(project, {".lintlayers.toml": "[cache-costs]\ncompiling = 1\n"})
    bad = cli("Dockerfile", cwd=project)
    assert bad.returncode == 2
    assert "unknown kind 'compiling' (did you mean 'compile'?)" in bad.stderr


# -------------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("missing/Dockerfile",), "no such file"),
        (("Dockerfile", "--since", "HEAD"), "not inside a git repository"),
        (("Dockerfile", "--target", "nope"), "no stage named 'nope'"),
        (("Dockerfile", "--context", "nowhere"), "does not exist"),
    ],
)
def test_errors_exit_2(project, args, message):
    result = cli(*args, cwd=project)
    assert result.returncode == 2
    assert message in result.stderr
    assert result.stdout == ""


def test_bad_revision_exits_2(repo):
    result = cli("Dockerfile", "--since", "no-such-rev", cwd=repo)
    assert result.returncode == 2 and "bad revision 'no-such-rev'" in result.stderr


def test_changed_and_since_are_exclusive(repo):
    result = cli("Dockerfile", "--since", "HEAD", "--changed", "a", cwd=repo)
    assert result.returncode == 2 and "not allowed with" in result.stderr


# --------------------------------------------------------------------------------- color


def test_colour_only_when_asked_same_text(project):
    plain = cli("Dockerfile", "--changed", "src/app.py", cwd=project, env=base_env(NO_COLOR="1"))
    coloured = cli(
        "Dockerfile", "--changed", "src/app.py", cwd=project, env=base_env(FORCE_COLOR="1")
    )
    assert "\x1b[" not in plain.stdout
    assert "\x1b[" in coloured.stdout
    assert ANSI.sub("", coloured.stdout) == plain.stdout


# ------------------------------------------------------------------------- reorder engine


def test_reorder_engine_figure_when_available(repo, monkeypatch, capsys):
    """A stand-in ``lintlayers.reorder`` module: the command asks it and prices its order."""
    better = DOCKERFILE.replace("ARG GIT_SHA\n", "").replace("LABEL sha=$GIT_SHA\n", "")
    calls = []

    def suggest_order(plan, *, history, costs):
        calls.append((plan.builder, len(history)))
        return better

    module = types.ModuleType("lintlayers.reorder")
    module.suggest_order = suggest_order  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "lintlayers.reorder", module)
    # ``from lintlayers import reorder`` reads the package attribute once the real
    # engine has been imported by an earlier test
    import lintlayers

    monkeypatch.setattr(lintlayers, "reorder", module, raising=False)
    monkeypatch.chdir(repo)
    assert main(["cache", "Dockerfile", "--volatile-arg", "GIT_SHA", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert calls == [("buildkit", 11)]
    assert data["suggested"]["expected_cost"] < data["expected_cost"]
    assert main(["cache", "Dockerfile", "--volatile-arg", "GIT_SHA"]) == 0
    shown = capsys.readouterr().out
    assert "suggested order: " in shown
    assert "(build arguments new on every build: GIT_SHA)" in shown

    def broken(plan, *, history, costs):
        raise RuntimeError("boom")

    module.suggest_order = broken  # type: ignore[attr-defined]
    assert main(["cache", "Dockerfile", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["suggested"] == {
        "error": "the reorder engine failed: boom"
    }


# ------------------------------------------------------------- the same history as LL105

REORDERABLE = {
    "Dockerfile": (
        "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\n"
        "RUN apt-get update && apt-get install -y --no-install-recommends gcc\n"
        'CMD ["python", "app.py"]\n'
    ),
    "app.py": "print(1)\n",
}


def ll105(root: Path):
    """LL105's finding on ``root/Dockerfile``, linted with ``root`` as its build context."""
    from lintlayers.engine import Linter
    from lintlayers.registry import load_rules

    (rule,) = [cls() for cls in load_rules() if cls.code == "LL105"]
    path = root / "Dockerfile"
    result = Linter([rule]).lint_text(
        path.read_text(encoding="utf-8"), str(path), context_dir=str(root)
    )
    (finding,) = result.findings
    return finding


@pytest.mark.parametrize("commits", [1, 9, 12])
def test_cache_and_ll105_choose_the_same_history(tmp_path: Path, commits: int) -> None:
    root = tmp_path / "young"
    root.mkdir()
    git(root, "init", "-q")
    commit(root, "start", REORDERABLE)
    for number in range(2, commits + 1):
        commit(root, f"code {number}", {"app.py": f"print({number})\n"})
    data = json.loads(cli("Dockerfile", "--format", "json", cwd=root).stdout)
    finding = ll105(root)
    if commits < 10:  # too few to tell how often each file changes
        assert data["history"]["source"] == "synthetic"
        assert data["history"]["commits"] == 20
        assert data["history"]["note"].startswith(f"only {commits} commit")
        assert "over a synthetic history of 20 commits" in finding.help
    else:
        assert data["history"] == {"source": "git", "commits": commits, "note": ""}
        assert f"over the last {commits} commits of the build context" in finding.help
    # the suggested order's cost is shown, and it is LL105's figure
    before, after = re.findall(r"\d+\.\d", finding.message)
    assert round(data["expected_cost"], 1) == float(before)
    assert round(data["suggested"]["expected_cost"], 1) == float(after)
    shown = cli("Dockerfile", cwd=root).stdout
    assert f"suggested order: {_number(float(after))} relative seconds per commit" in shown


def _number(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def test_cache_counts_per_build_args_as_ll105_does(tmp_path: Path) -> None:
    """The README's example: ARG GIT_SHA is new on every build for both, so the suggested
    order (the ARG below the RUNs) costs what LL105 says it does."""
    root = tmp_path / "example"
    root.mkdir()
    git(root, "init", "-q")
    example = Path(__file__).resolve().parent.parent / "examples" / "python-app"
    files = {
        str(path.relative_to(example)): path.read_text(encoding="utf-8")
        for path in example.rglob("*")
        if path.is_file()
    }
    commit(root, "start", files)
    data = json.loads(cli("Dockerfile", "--format", "json", cwd=root).stdout)
    assert data["volatile_args"] == ["GIT_SHA"]
    finding = ll105(root)
    before, after = (float(number) for number in re.findall(r"\d+\.\d", finding.message))
    assert round(data["suggested"]["expected_cost"], 1) == after
    assert abs(data["expected_cost"] - before) <= 1.0  # LL105 also charges the WORKDIR
