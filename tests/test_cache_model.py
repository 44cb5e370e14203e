"""The cache model: facts table, plans, predictions, read sets, history and expected cost."""

from __future__ import annotations

import subprocess
import textwrap
from pathlib import Path

import pytest

from lintlayers.buildcontext.context import BuildContext
from lintlayers.cache import facts as F
from lintlayers.cache.costs import DEFAULT_COSTS, Costs
from lintlayers.cache.expected import cost_report, expected_cost
from lintlayers.cache.history import (
    GIT_MARKER,
    PERIODS,
    Commit,
    History,
    HistoryError,
    changed_since,
    file_class,
    load_history,
    project_history,
    synthetic_history,
)
from lintlayers.cache.predict import key_changes, predict
from lintlayers.cache.steps import build_plan
from lintlayers.model.stages import build_model
from lintlayers.syntax.parser import parse

BUILDERS = ("buildkit", "classic")


def dedent(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def make_context(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def plan_for(text: str, builder: str = "buildkit", root: Path | None = None, **kwargs):
    """The plan of ``text``; with ``root``, through a real BuildContext (Dockerfile in it)."""
    text = dedent(text)
    context = None
    if root is not None:
        (root / "Dockerfile").write_text(text, encoding="utf-8")
        context = BuildContext(str(root), str(root / "Dockerfile"))
    return build_plan(build_model(parse(text)), builder=builder, context=context, **kwargs)


def outcomes(prediction, stage: int | str = -1) -> list[tuple[str, bool | None]]:
    """(instruction keyword, hit) of each step of a stage; hit None for no cache step."""
    stage_prediction = (
        prediction.stages[stage] if isinstance(stage, int) else prediction.stage(stage)
    )
    return [(p.step.keyword, p.hit) for p in stage_prediction.steps]


def first_miss(prediction, stage: int | str = -1):
    stage_prediction = (
        prediction.stages[stage] if isinstance(stage, int) else prediction.stage(stage)
    )
    return stage_prediction.first_miss


def git(repo: Path, *args: str) -> str:
    completed = subprocess.run(
        ["git", "-C", str(repo), "-c", "user.email=t@example.com", "-c", "user.name=T", *args],
        capture_output=True,
        text=True,
        check=True,
    )
    return completed.stdout


def commit_all(repo: Path, message: str, files: dict[str, str | None]) -> None:
    for name, text in files.items():
        path = repo / name
        if text is None:
            path.unlink()
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)


def new_repo(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    git(root, "init", "-q")
    return root


# ------------------------------------------------------------------------------ facts


def test_facts_table_has_the_same_forms_for_both_builders_and_known_key_inputs():
    assert set(F.FACTS["buildkit"]) == set(F.FACTS["classic"])
    for builder in BUILDERS:
        for form, entry in F.FACTS[builder].items():
            assert set(entry.key) <= set(F.KEY_INPUTS), (builder, form)


@pytest.mark.parametrize(
    ("form", "buildkit", "classic"),
    [
        ("RUN", True, True),
        ("COPY", True, True),
        ("ADD", True, True),
        ("WORKDIR", True, True),
        ("FROM", True, True),
        ("ENV", False, True),
        ("ARG", False, True),
        ("USER", False, True),
        ("SHELL", False, True),
        *[(form, False, True) for form in sorted(F.METADATA)],
        ("ARG (global)", False, False),
        ("mount=cache", False, False),
    ],
)
def test_which_forms_are_cache_steps(form, buildkit, classic):
    assert F.facts("buildkit", form).cache_step is buildkit
    assert F.facts("classic", form).cache_step is classic


def test_key_inputs_that_differ_between_builders():
    assert F.RUN_ENV in F.facts("buildkit", "RUN").key
    assert F.BUILD_ARGS in F.facts("classic", "RUN").key
    assert not F.facts("buildkit", "COPY --link").chained
    assert F.facts("classic", "COPY --link").chained
    assert F.facts("buildkit", "ADD url").volatile
    assert not F.facts("buildkit", "ADD url --checksum").volatile
    assert F.facts("classic", "ADD url --checksum").volatile
    assert F.facts("buildkit", "ADD git").volatile
    assert not F.facts("buildkit", "ADD git pinned").volatile
    assert F.facts("buildkit", "COPY --from").inherits
    assert F.STAGE_CONTENT in F.facts("buildkit", "COPY --from").key
    assert F.STAGE_CONTENT in F.facts("classic", "COPY --from").key
    assert F.facts("buildkit", "mount=cache").key == (F.MOUNT_SPEC,)
    assert F.MOUNT_FILES in F.facts("buildkit", "mount=bind").key
    assert not F.facts("classic", "mount=bind").supported
    assert F.SOURCE_DATE_EPOCH in F.facts("buildkit", "WORKDIR").key


@pytest.mark.parametrize(
    ("value", "kind", "pinned"),
    [
        ("https://example.com/a.tgz", "url", False),
        ("https://github.com/moby/buildkit.git#v0.10.1", "git", False),
        ("git@github.com:moby/buildkit.git#" + "a" * 40, "git", True),
        ("https://github.com/x/y.git?ref=" + "0123456789" * 4, "git", True),
        ("src/app.py", "local", False),
    ],
)
def test_source_classification(value, kind, pinned):
    assert F.source_type(value) == kind
    if kind == "git":
        assert F.git_pinned(value) is pinned


def test_the_plan_follows_the_table(monkeypatch):
    text = """
        FROM alpine
        RUN echo a
        LABEL a=b
        RUN echo b
    """
    for builder in BUILDERS:
        plan = plan_for(text, builder)
        for step in plan.steps():
            assert step.cache_step is F.FACTS[builder][step.form].cache_step
    # Change the data and the plan and prediction change with it: no condition elsewhere.
    monkeypatch.setitem(F.FACTS["buildkit"], "LABEL", F.FACTS["classic"]["LABEL"])
    plan = plan_for(text, "buildkit")
    label = plan.stages[0].steps[2]
    assert label.keyword == "LABEL" and label.cache_step


# -------------------------------------------------------------------- variables in keys


@pytest.mark.parametrize("builder", BUILDERS)
def test_arg_with_value_and_arg_without(builder):
    plan = plan_for(
        """
        FROM alpine
        ARG WITH=1
        ARG WITHOUT
        RUN echo hi
        ARG LATE=1
        """,
        builder,
    )
    run = plan.stages[0].steps[3]
    assert run.keyword == "RUN"
    assert "WITH" in run.variables and "WITHOUT" not in run.variables
    assert "WITHOUT" in run.passed_args
    hit = predict(plan, changed_files=(), changed_args={"LATE", "UNDECLARED"})
    assert first_miss(hit) is None
    for name in ("WITH", "WITHOUT"):
        missed = first_miss(predict(plan, changed_files=(), changed_args={name}))
        assert missed.step is run
        assert missed.cause.kind == "arg" and missed.cause.arg == name


def test_env_joins_every_later_run_under_buildkit_and_is_a_step_under_classic():
    text = """
        FROM alpine
        RUN echo first
        ARG V
        ENV X=$V
        RUN echo second
    """
    buildkit = predict(plan_for(text, "buildkit"), changed_files=(), changed_args={"V"})
    assert outcomes(buildkit) == [
        ("FROM", True),
        ("RUN", True),
        ("ARG", None),
        ("ENV", None),
        ("RUN", False),
    ]
    plan = plan_for(text, "buildkit")
    assert {"X"} <= plan.stages[0].steps[4].variables
    classic = predict(plan_for(text, "classic"), changed_files=(), changed_args={"V"})
    assert first_miss(classic).step.keyword == "ENV"
    assert outcomes(classic)[-3:] == [("ARG", True), ("ENV", False), ("RUN", False)]


@pytest.mark.parametrize("builder", BUILDERS)
def test_global_arg_matters_only_when_redeclared_or_used_in_from(builder):
    not_redeclared = plan_for(
        """
        ARG VERSION=1
        FROM alpine
        RUN echo $VERSION
        """,
        builder,
    )
    assert first_miss(predict(not_redeclared, changed_files=(), changed_args={"VERSION"})) is None
    redeclared = plan_for(
        """
        ARG VERSION=1
        FROM alpine
        ARG VERSION
        RUN echo $VERSION
        """,
        builder,
    )
    assert "VERSION" in redeclared.stages[0].steps[2].variables  # the global default applies
    missed = first_miss(predict(redeclared, changed_files=(), changed_args={"VERSION"}))
    assert missed.step.keyword == "RUN"
    in_from = plan_for(
        """
        ARG VERSION=3.20
        FROM alpine:${VERSION}
        RUN echo hi
        """,
        builder,
    )
    prediction = predict(in_from, changed_files=(), changed_args={"VERSION"})
    assert first_miss(prediction).step.keyword == "FROM"
    assert prediction.stages[0].rerun_steps == 1


def test_undeclared_proxy_args_stay_out_of_the_key():
    plan = plan_for("FROM alpine\nRUN echo hi\n")
    assert first_miss(predict(plan, changed_files=(), changed_args={"HTTP_PROXY"})) is None
    declared = plan_for("FROM alpine\nARG HTTP_PROXY\nRUN echo hi\n")
    assert first_miss(predict(declared, changed_files=(), changed_args={"HTTP_PROXY"}))


# --------------------------------------------------------------------- context files


@pytest.mark.parametrize("builder", BUILDERS)
def test_copy_dot_with_dockerignore_excluding_readme(tmp_path, builder):
    root = make_context(
        tmp_path,
        {"README.md": "# hi\n", "app.py": "print(1)\n", ".dockerignore": "README.md\n"},
    )
    plan = plan_for(
        """
        FROM python:3.12
        WORKDIR /app
        COPY . .
        RUN python app.py
        """,
        builder,
        root,
    )
    copy = plan.stages[0].steps[2]
    assert copy.context_files == (".dockerignore", "Dockerfile", "app.py")
    assert first_miss(predict(plan, changed_files={"README.md"})) is None
    missed = first_miss(predict(plan, changed_files={"README.md", "app.py"}))
    assert missed.step is copy
    assert (missed.cause.kind, missed.cause.path, missed.cause.source) == ("file", "app.py", ".")
    prediction = predict(plan, changed_files={"app.py"})
    assert prediction.stages[0].rerun_steps == 2 and prediction.stages[0].rerun_runs == 1


def test_new_and_deleted_files_still_bust_a_directory_copy(tmp_path):
    root = make_context(tmp_path, {"src/a.py": "", "other/b.py": ""})
    plan = plan_for("FROM alpine\nCOPY src/ /src/\nCOPY other/b.py /b.py\n", root=root)
    missed = first_miss(predict(plan, changed_files={"src/new_file.py"}))
    assert missed.step.line == 2
    assert first_miss(predict(plan, changed_files={"docs/x.md"})) is None
    assert first_miss(predict(plan, changed_files={"other/b.py"})).step.line == 3


def test_ignored_dockerignore_change_may_change_a_directory_copy(tmp_path):
    root = make_context(tmp_path, {"a.txt": "", ".dockerignore": ".dockerignore\nREADME.md\n"})
    plan = plan_for("FROM alpine\nCOPY a.txt /a.txt\nCOPY . /src\n", root=root)
    assert plan.ignore_file == ".dockerignore"
    missed = first_miss(predict(plan, changed_files={".dockerignore"}))
    assert missed.step.line == 3 and missed.cause.kind == "ignore-file"


def test_wildcard_and_exclude_sources(tmp_path):
    root = make_context(tmp_path, {"a.txt": "", "b.txt": "", "c.md": "", "sub/d.txt": ""})
    plan = plan_for("FROM alpine\nCOPY --exclude=b.txt *.txt /dst/\n", root=root)
    copy = plan.stages[0].steps[1]
    assert copy.context_files == ("a.txt",)
    assert first_miss(predict(plan, changed_files={"a.txt"}))
    assert first_miss(predict(plan, changed_files={"new.txt"}))
    assert first_miss(predict(plan, changed_files={"b.txt", "c.md", "sub/d.txt"})) is None


def test_without_a_context_the_source_patterns_stand_for_the_files():
    plan = plan_for("FROM alpine\nWORKDIR /app\nCOPY requirements.txt ./\nCOPY . .\n")
    steps = plan.stages[0].steps
    assert steps[2].context_files == ("requirements.txt",)
    assert steps[3].context_files == (".",)
    missed = first_miss(predict(plan, changed_files={"src/x.py"}))
    assert missed.step is steps[3]


# ------------------------------------------------------------------------------ stages


@pytest.mark.parametrize("builder", BUILDERS)
def test_copy_from_a_stage_that_missed(tmp_path, builder):
    root = make_context(tmp_path, {"src/main.c": "int main;\n", "notes.txt": ""})
    plan = plan_for(
        """
        FROM alpine AS build
        COPY src/ /src/
        RUN make -C /src
        FROM alpine AS other
        RUN echo other
        FROM alpine
        COPY --from=other /etc/os-release /x
        COPY --from=build /src/app /app
        RUN echo done
        """,
        builder,
        root,
    )
    final = plan.stages[2]
    assert final.steps[2].stage_refs == ("build",)
    prediction = predict(plan, changed_files={"src/main.c"})
    assert first_miss(prediction, "build").step.line == 2
    assert first_miss(prediction, "other") is None
    assert outcomes(prediction) == [("FROM", True), ("COPY", True), ("COPY", False), ("RUN", False)]
    cause = first_miss(prediction).cause
    assert cause.kind == "stage" and cause.stage == "build"
    assert cause.upstream.step.line == 2
    assert first_miss(predict(plan, changed_files={"notes.txt"})) is None


@pytest.mark.parametrize("builder", BUILDERS)
def test_copy_from_is_keyed_on_the_copied_content_under_every_builder(tmp_path, builder):
    # buildah replays show it (tests/test_cache_replay.py, fixture multi-stage): a README
    # edit re-runs the build stage, the binary comes out the same and COPY --from hits.
    # moby's classic builder hashes the copied files too; only FROM <stage> is image-keyed.
    root = make_context(tmp_path, {"main.go": "package main\n", "README.md": "x\n"})
    text = """
        FROM golang AS build
        COPY . /src
        RUN go build -o /out/app /src
        FROM alpine AS final
        COPY --from=build /out/app /app
        CMD ["/app"]
        FROM build AS debug
        RUN echo debug
        FROM final
    """
    plan = plan_for(text, builder, root)
    copy = plan.stage("final").steps[1]
    assert F.STAGE_CONTENT in copy.facts.key
    cmd = False if builder == "classic" else None
    rebuilt = predict(plan, changed_files={"README.md"})
    assert outcomes(rebuilt, "final") == [("FROM", True), ("COPY", False), ("CMD", cmd)]
    assert "still hits if the copied files come out byte-identical" in (
        first_miss(rebuilt, "final").cause.describe()
    )
    for same in ("build", 0):
        kept = predict(plan, changed_files={"README.md"}, unchanged_stages=[same])
        assert first_miss(kept, "build").step.line == 2, "the build stage still re-runs"
        assert first_miss(kept, "final") is None
        assert outcomes(kept, "final")[1:] == [
            ("COPY", True),
            ("CMD", True if cmd is False else None),
        ]
        debug = first_miss(kept, "debug")  # FROM <stage> is keyed on the stage, not content
        assert debug.step.keyword == "FROM" and debug.cause.kind == "base"
    changes = key_changes(plan, changed_files={"README.md"}, unchanged_stages=["build"])
    assert copy not in changes
    assert copy in key_changes(plan, changed_files={"README.md"})
    with pytest.raises(KeyError):
        predict(plan, changed_files=(), unchanged_stages=["nope"])


@pytest.mark.parametrize("builder", BUILDERS)
def test_multi_stage_chain_inherits_misses_through_from(tmp_path, builder):
    root = make_context(tmp_path, {"requirements.txt": "flask\n", "app.py": ""})
    text = """
        FROM python:3.12 AS base
        COPY requirements.txt /r.txt
        RUN pip install -r /r.txt
        FROM base AS app
        COPY app.py /app.py
        RUN python -m compileall /app.py
        FROM app AS final
        CMD ["python", "/app.py"]
        FROM alpine AS tests
        RUN echo unrelated
        FROM final
    """
    plan = plan_for(text, builder, root)
    built = {stage.label: stage.built for stage in plan.stages}
    assert built["tests"] is (builder == "classic")  # BuildKit skips what the target needs not
    prediction = predict(plan, changed_files={"requirements.txt"})
    assert first_miss(prediction, "base").step.line == 2
    for label in ("app", "final"):
        missed = first_miss(prediction, label)
        assert missed.step.keyword == "FROM" and missed.cause.kind == "base"
    assert prediction.stage("app").rerun_steps == 2
    assert first_miss(prediction, "tests") is None
    only_app = predict(plan, changed_files={"app.py"})
    assert first_miss(only_app, "base") is None
    assert first_miss(only_app, "app").step.line == 5
    assert first_miss(only_app, "final").cause.stage == "app"


def test_target_limits_the_stages_buildkit_builds():
    plan = plan_for("FROM alpine AS a\nRUN true\nFROM alpine AS b\nRUN true\n", target="a")
    assert [stage.built for stage in plan.stages] == [True, False]
    assert plan_for("FROM alpine AS a\nFROM alpine AS b\n", "classic", target="a").stages[1].built


# ------------------------------------------------------------------------------ --link


def test_copy_link_is_independent_of_earlier_layers_under_buildkit_only(tmp_path):
    root = make_context(tmp_path, {"app.txt": "", "tool.sh": ""})
    text = """
        FROM alpine
        ARG V=1
        RUN echo $V
        COPY --link app.txt /app/
        COPY --link --chmod=755 tool.sh /bin/
        RUN echo after
    """
    buildkit = predict(plan_for(text, "buildkit", root), changed_files=(), changed_args={"V"})
    assert outcomes(buildkit) == [
        ("FROM", True),
        ("ARG", None),
        ("RUN", False),
        ("COPY", True),  # keyed on its own files only
        ("COPY", False),  # --chmod: chained again
        ("RUN", False),  # later RUNs depend on the merged state
    ]
    assert buildkit.stages[0].rerun_steps == 3
    classic = predict(plan_for(text, "classic", root), changed_files=(), changed_args={"V"})
    assert [hit for _, hit in outcomes(classic)][3] is False
    own = predict(plan_for(text, "buildkit", root), changed_files={"app.txt"})
    assert outcomes(own)[2:4] == [("RUN", True), ("COPY", False)]


# ------------------------------------------------------------------------------ mounts


def test_cache_secret_and_bind_mounts(tmp_path):
    root = make_context(tmp_path, {"requirements.txt": "flask\n"})
    cache = """
        FROM python:3.12
        RUN --mount=type=cache,target=/root/.cache/pip --mount=type=secret,id=token \\
            pip install flask
    """
    plan = plan_for(cache, "buildkit", root)
    run = plan.stages[0].steps[1]
    assert run.context_files == () and run.key_sources == ()
    assert first_miss(predict(plan, changed_files={"requirements.txt"})) is None
    bind = """
        FROM python:3.12
        RUN --mount=type=bind,source=requirements.txt,target=/tmp/r.txt pip install -r /tmp/r.txt
    """
    plan = plan_for(bind, "buildkit", root)
    run = plan.stages[0].steps[1]
    assert run.context_files == ("requirements.txt",)
    assert "requirements.txt" in run.reads
    missed = first_miss(predict(plan, changed_files={"requirements.txt"}))
    assert missed.step is run and missed.cause.kind == "file"
    classic = plan_for(bind, "classic", root)  # no --mount under classic
    assert first_miss(predict(classic, changed_files={"requirements.txt"})) is None


def test_bind_mount_from_a_stage_inherits_its_misses(tmp_path):
    root = make_context(tmp_path, {"a.txt": ""})
    plan = plan_for(
        """
        FROM alpine AS src
        COPY a.txt /a.txt
        FROM alpine
        RUN --mount=type=bind,from=src,target=/mnt cat /mnt/a.txt
        """,
        root=root,
    )
    assert plan.stages[1].steps[1].stage_refs == ("src",)
    assert first_miss(predict(plan, changed_files={"a.txt"})).cause.kind == "stage"


# -------------------------------------------------------------------------------- ADD


@pytest.mark.parametrize(
    ("line", "buildkit_volatile", "classic_volatile"),
    [
        ("ADD https://example.com/tool.tgz /tool.tgz", True, True),
        ("ADD --checksum=sha256:" + "a" * 64 + " https://example.com/tool.tgz /t", False, True),
        ("ADD https://github.com/moby/buildkit.git#main /src", True, True),
        ("ADD https://github.com/moby/buildkit.git#" + "b" * 40 + " /src", False, True),
    ],
)
def test_add_remote_sources(line, buildkit_volatile, classic_volatile):
    for builder, volatile in (("buildkit", buildkit_volatile), ("classic", classic_volatile)):
        plan = plan_for(f"FROM alpine\n{line}\nRUN echo after\n", builder)
        add = plan.stages[0].steps[1]
        assert add.volatile is volatile
        assert add.remote and add.kinds == ("download",)
        missed = first_miss(predict(plan, changed_files=()))
        if volatile:
            assert missed.step is add and missed.cause.kind == "remote"
            assert first_miss(predict(plan, changed_files=(), remote_changed=False)) is None
        else:
            assert missed is None


# ---------------------------------------------------------------------------- metadata


def test_metadata_is_a_step_under_classic_only():
    text = """
        FROM alpine
        ARG VERSION
        LABEL version=$VERSION
        EXPOSE 8080
        CMD ["sh"]
    """
    buildkit = predict(plan_for(text, "buildkit"), changed_files=(), changed_args={"VERSION"})
    assert first_miss(buildkit) is None
    assert [hit for _, hit in outcomes(buildkit)] == [True, None, None, None, None]
    classic = predict(plan_for(text, "classic"), changed_files=(), changed_args={"VERSION"})
    assert outcomes(classic) == [
        ("FROM", True),
        ("ARG", True),
        ("LABEL", False),
        ("EXPOSE", False),
        ("CMD", False),
    ]
    assert classic.stages[0].rerun_steps == 3 and classic.stages[0].rerun_runs == 0


def test_metadata_reruns_after_a_miss_only_under_classic(tmp_path):
    root = make_context(tmp_path, {"a.txt": ""})
    text = 'FROM alpine\nCOPY a.txt /a\nLABEL x=y\nRUN true\nCMD ["sh"]\n'
    counts = {
        builder: predict(plan_for(text, builder, root), changed_files={"a.txt"}).stages[0]
        for builder in BUILDERS
    }
    assert (counts["buildkit"].rerun_steps, counts["buildkit"].rerun_runs) == (2, 1)
    assert (counts["classic"].rerun_steps, counts["classic"].rerun_runs) == (4, 1)


# ---------------------------------------------------------------------------- read sets


def test_read_set_of_pip_npm_and_go_installs(tmp_path):
    root = make_context(
        tmp_path,
        {
            "requirements.txt": "flask\n",
            "package.json": "{}\n",
            "package-lock.json": "{}\n",
            "go.mod": "module x\n",
            "go.sum": "",
            "main.go": "package main\n",
            "src/index.js": "",
        },
    )
    plan = plan_for(
        """
        FROM alpine
        WORKDIR /app
        COPY . .
        RUN pip install -r requirements.txt
        RUN npm ci
        RUN go mod download
        RUN go build ./...
        RUN apt-get update && apt-get install -y curl
        RUN mkdir -p /data && chmod +x main.go
        """,
        root=root,
    )
    steps = plan.stages[0].steps
    copy = steps[2]
    pip, npm, go, build, apt, files = steps[3:9]
    assert pip.reads == ("requirements.txt",) and pip.kinds == ("dependencies",)
    assert npm.reads == ("package-lock.json", "package.json")
    assert go.reads == ("go.mod", "go.sum")
    assert pip.read_copies == (copy,)
    assert (
        build.kinds == ("compile",) and "main.go" in build.reads and "src/index.js" in build.reads
    )
    assert apt.reads == () and apt.kinds == ("system-packages",)
    assert files.reads == ("main.go",) and files.kinds == ("files",)
    assert not any(step.reads_everything for step in steps)


def test_read_set_follows_copy_destinations_and_cd(tmp_path):
    root = make_context(tmp_path, {"reqs/prod.txt": "flask\n", "web/package.json": "{}\n"})
    plan = plan_for(
        """
        FROM alpine
        COPY reqs/ /opt/reqs/
        COPY web/package.json /srv/web/
        RUN pip install -r /opt/reqs/prod.txt
        RUN cd /srv/web && npm install
        """,
        root=root,
    )
    steps = plan.stages[0].steps
    assert steps[3].reads == ("reqs/prod.txt",) and steps[3].read_copies == (steps[1],)
    assert steps[4].reads == ("web/package.json",) and steps[4].read_copies == (steps[2],)


def test_read_set_without_a_context_uses_patterns():
    plan = plan_for("FROM alpine\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\n")
    assert plan.stages[0].steps[3].reads == ("requirements.txt",)


@pytest.mark.parametrize(
    "command", ["./build.sh", "python manage.py collectstatic", "sh scripts/setup.sh", "xyz"]
)
def test_unknown_run_reads_everything_copied_before_it(tmp_path, command):
    root = make_context(tmp_path, {"a.txt": "", "b/c.txt": "", "later.txt": ""})
    plan = plan_for(
        f"FROM alpine\nCOPY a.txt /a.txt\nCOPY b /b\nRUN {command}\nCOPY later.txt /l\n", root=root
    )
    run = plan.stages[0].steps[3]
    assert run.reads_everything
    assert run.reads == ("a.txt", "b/c.txt")
    assert run.kinds == ("other",)
    assert [step.index for step in run.read_copies] == [1, 2]


def test_inherited_copies_are_read_in_a_child_stage(tmp_path):
    root = make_context(tmp_path, {"a.txt": ""})
    plan = plan_for("FROM alpine AS base\nCOPY a.txt /a.txt\nFROM base\nRUN ./x\n", root=root)
    assert plan.stages[1].steps[1].reads == ("a.txt",)


@pytest.mark.parametrize(
    ("command", "kinds"),
    [
        ("apt-get install -y curl && make", ("system-packages", "compile")),
        ("apk add --no-cache git", ("system-packages",)),
        ("dnf install -y gcc", ("system-packages",)),
        ("pip install flask", ("dependencies",)),
        ("python -m pip install -r requirements.txt", ("dependencies",)),
        ("npm run build", ("compile",)),
        ("yarn build", ("compile",)),
        ("yarn install --frozen-lockfile", ("dependencies",)),
        ("cargo build --release", ("compile",)),
        ("mvn -B package", ("compile",)),
        ("mvn dependency:go-offline", ("dependencies",)),
        ("tsc -p .", ("compile",)),
        ("gcc -o app main.c", ("compile",)),
        ("curl -fsSLo /tmp/x https://example.com/x", ("download",)),
        ("wget -q https://example.com/x && tar xzf x", ("download",)),
        ("mkdir -p /x && chown app /x", ("files",)),
        ("sudo apt-get install -y vim", ("system-packages",)),
    ],
)
def test_kinds_of_work(command, kinds):
    plan = plan_for(f"FROM alpine\nRUN {command}\n")
    assert plan.stages[0].steps[1].kinds == kinds


def test_nested_shells_and_heredocs_are_classified():
    plan = plan_for(
        """
        FROM alpine
        RUN sh -c "make all"
        RUN bash -lc "npm ci"
        RUN <<EOF
        pip install flask
        EOF
        RUN python3 <<EOF
        print(1)
        EOF
        """
    )
    kinds = [step.kinds for step in plan.stages[0].steps[1:]]
    assert kinds == [("compile",), ("dependencies",), ("dependencies",), ("other",)]


def test_exec_form_run_is_classified():
    plan = plan_for('FROM alpine\nRUN ["pip", "install", "flask"]\nRUN ["sh", "-c", "make all"]\n')
    assert plan.stages[0].steps[1].kinds == ("dependencies",)
    assert plan.stages[0].steps[2].kinds == ("compile",)


def test_non_posix_shell_runs_are_unknown():
    plan = plan_for('FROM alpine\nSHELL ["powershell", "-Command"]\nRUN Get-ChildItem\n')
    run = plan.stages[0].steps[2]
    assert run.kinds == ("other",) and run.reads_everything


# -------------------------------------------------------------------------------- costs


def test_costs_defaults_overrides_and_sums():
    plan = plan_for("FROM alpine\nRUN apt-get install -y x && make\nLABEL a=b\n", "buildkit")
    run, label = plan.stages[0].steps[1:]
    costs = Costs({"compile": 10})
    assert costs.of_step(run) == DEFAULT_COSTS["system-packages"] + 10
    assert costs.of_step(label) == 0  # no cache step under BuildKit
    with pytest.raises(ValueError, match="unknown cost kind"):
        Costs({"compiling": 1})


# ------------------------------------------------------------------------------ history


def test_history_from_a_real_repository(tmp_path):
    repo = new_repo(tmp_path / "repo")
    commit_all(repo, "initial", {"app/main.py": "1", "app/README.md": "a", "top.txt": "x"})
    commit_all(repo, "code", {"app/main.py": "2"})
    commit_all(repo, "outside", {"top.txt": "y"})
    commit_all(repo, "move", {"app/main.py": None, "app/src/main.py": "2"})
    history = load_history(str(repo))
    assert history.source == "git" and len(history) == 4
    assert [commit.subject for commit in history.commits] == ["move", "outside", "code", "initial"]
    assert history.commits[0].files == {"app/main.py", "app/src/main.py", GIT_MARKER}
    # A subfolder context: paths relative to it, commits that leave it alone left out.
    sub = load_history(str(repo / "app"))
    assert [commit.subject for commit in sub.commits] == ["move", "code", "initial"]
    assert sub.commits[0].files == {"main.py", "src/main.py"}
    assert sub.commits[2].files == {"main.py", "README.md"}
    assert len(load_history(str(repo / "app"), limit=2)) == 2


def test_changed_since_a_revision(tmp_path):
    repo = new_repo(tmp_path / "repo")
    commit_all(repo, "one", {"ctx/a.txt": "1", "ctx/b.txt": "1"})
    commit_all(repo, "two", {"ctx/a.txt": "2"})
    (repo / "ctx" / "new.txt").write_text("untracked", encoding="utf-8")
    (repo / "ctx" / "b.txt").write_text("edited", encoding="utf-8")
    assert changed_since(str(repo / "ctx"), "HEAD~1") == {"a.txt", "b.txt", "new.txt"}
    assert changed_since(str(repo / "ctx"), "HEAD") == {"b.txt", "new.txt"}
    assert GIT_MARKER in changed_since(str(repo), "HEAD~1")
    with pytest.raises(HistoryError):
        changed_since(str(repo / "ctx"), "no-such-revision")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    with pytest.raises(HistoryError, match="not inside a git repository"):
        changed_since(str(elsewhere), "HEAD")


def test_fallback_history_without_a_repository(tmp_path):
    make_context(tmp_path, {"requirements.txt": "", "src/app.py": "", "README.md": ""})
    history = load_history(str(tmp_path))
    assert history.source == "synthetic" and "no git repository" in history.reason
    assert len(history) == 20
    changes = {
        name: sum(name in commit.files for commit in history.commits)
        for name in ("requirements.txt", "src/app.py", "README.md")
    }
    assert changes == {"requirements.txt": 1, "src/app.py": 20, "README.md": 10}


def test_history_where_dot_git_is_a_file_or_git_dir_is_set(tmp_path, monkeypatch):
    """git is skipped only where it surely finds no repository; a worktree's ``.git`` is
    a file, and ``GIT_DIR`` points git at a repository from anywhere."""
    repo = new_repo(tmp_path / "repo")
    commit_all(repo, "one", {"app/main.py": "1"})
    commit_all(repo, "two", {"app/main.py": "2"})
    git(repo, "worktree", "add", "-q", str(tmp_path / "tree"))
    assert (tmp_path / "tree" / ".git").is_file()
    worktree = load_history(str(tmp_path / "tree" / "app"))
    assert worktree.source == "git"
    assert [commit.subject for commit in worktree.commits] == ["two", "one"]
    outside = tmp_path / "outside"
    make_context(outside, {"main.py": "x"})
    assert load_history(str(outside)).source == "synthetic"
    monkeypatch.setenv("GIT_DIR", str(repo / ".git"))
    monkeypatch.setenv("GIT_WORK_TREE", str(outside))
    assert load_history(str(outside)).source == "git"


def test_history_searches_a_bounded_window_of_commits(tmp_path, monkeypatch):
    """A rarely changed context in a long history: git walks at most the window."""
    from lintlayers.cache import history as history_module

    repo = new_repo(tmp_path / "repo")
    commit_all(repo, "old context change", {"ctx/app.py": "1"})
    for number in range(14):
        commit_all(repo, f"elsewhere {number}", {"other/notes.txt": str(number)})
    monkeypatch.setattr(history_module, "WINDOW", 5)
    assert load_history(str(repo / "ctx"), limit=10).commits[-1].subject == "old context change"
    bounded = load_history(str(repo / "ctx"), limit=1)  # window max(5, 10 * 1) = 10 commits
    assert bounded.source == "synthetic"
    assert "no commit changes the context in the last 10 commits" in bounded.reason
    commit_all(repo, "new context change", {"ctx/app.py": "2"})
    recent = load_history(str(repo / "ctx"), limit=1)
    assert recent.source == "git"
    assert [commit.subject for commit in recent.commits] == ["new context change"]


def test_project_history_counts_commits_whatever_the_limit(tmp_path):
    """The one choice of ``lintlayers cache`` and LL105: git from 10 commits on, a limit
    below 10 only shortens the history it returns."""
    repo = new_repo(tmp_path / "repo")
    for number in range(9):
        commit_all(repo, f"change {number}", {"ctx/app.py": str(number)})
    assert project_history(str(repo / "ctx"), limit=2).source == "synthetic"
    commit_all(repo, "tenth", {"ctx/app.py": "10"})
    short = project_history(str(repo / "ctx"), limit=2)
    assert short.source == "git"
    assert [commit.subject for commit in short.commits] == ["tenth", "change 8"]
    assert len(project_history(str(repo / "ctx"))) == 10


def test_history_with_too_few_commits_falls_back_when_asked(tmp_path):
    """LL105 asks for ``min_commits``: a young repository's history says too little."""
    repo = new_repo(tmp_path / "repo")
    commit_all(repo, "first", {"ctx/app.py": "1", "ctx/requirements.txt": "flask\n"})
    commit_all(repo, "second", {"ctx/app.py": "2"})
    assert load_history(str(repo / "ctx")).source == "git"
    young = load_history(str(repo / "ctx"), min_commits=10)
    assert young.source == "synthetic"
    assert young.reason.startswith("only 2 commits change the context so far")
    assert {file for commit in young.commits for file in commit.files} == {
        "app.py",
        "requirements.txt",
    }


def test_fallback_history_without_git_installed(tmp_path, monkeypatch):
    repo = new_repo(tmp_path / "repo")
    commit_all(repo, "one", {"go.mod": "module x\n"})
    empty = tmp_path / "no-tools"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    history = load_history(str(repo))
    assert history.source == "synthetic"
    assert {file for commit in history.commits for file in commit.files} >= {"go.mod"}


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("requirements.txt", "manifest"),
        ("requirements-dev.txt", "manifest"),
        ("web/package-lock.json", "manifest"),
        ("go.sum", "manifest"),
        ("Cargo.lock", "manifest"),
        ("Dockerfile", "build"),
        (".github/workflows/ci.yml", "build"),
        ("README.md", "docs"),
        ("docs/index.html", "docs"),
        ("src/main.py", "source"),
        ("Makefile", "source"),
    ],
)
def test_file_classes(path, kind):
    assert file_class(path) == kind
    assert PERIODS[kind] >= 1


# -------------------------------------------------------------------------- expected cost


BROAD_FIRST = """
    FROM python:3.12
    WORKDIR /app
    COPY . .
    RUN pip install -r requirements.txt
    CMD ["python", "app.py"]
"""
MANIFEST_FIRST = """
    FROM python:3.12
    WORKDIR /app
    COPY requirements.txt ./
    RUN pip install -r requirements.txt
    COPY . .
    CMD ["python", "app.py"]
"""


@pytest.mark.parametrize("builder", BUILDERS)
def test_expected_cost_drops_when_the_volatile_copy_moves_later(tmp_path, builder):
    repo = new_repo(tmp_path / "repo")
    make_context(repo, {".dockerignore": ".git\n"})
    commit_all(repo, "start", {"requirements.txt": "flask\n", "app.py": "1"})
    for number in range(2, 7):
        commit_all(repo, f"code {number}", {"app.py": str(number)})
    commit_all(repo, "deps", {"requirements.txt": "flask\nrequests\n"})
    history = load_history(str(repo))
    assert len(history) == 7
    costs = Costs()
    broad = plan_for(BROAD_FIRST, builder, repo)
    narrow = plan_for(MANIFEST_FIRST, builder, repo)
    broad_cost = expected_cost(broad, history, costs)
    narrow_cost = expected_cost(narrow, history, costs)
    assert narrow_cost < broad_cost
    # Exact replay: broad re-runs COPY + pip on every commit (+ CMD under classic).
    cmd = 1.0 if builder == "classic" else 0.0
    assert broad_cost == pytest.approx(1 + 45 + cmd)
    # Manifest first: pip re-runs in the two commits that touch requirements.txt.
    assert narrow_cost == pytest.approx((2 * (1 + 45 + 1 + cmd) + 5 * (1 + cmd)) / 7)
    report = cost_report(narrow, history, costs)
    pip = narrow.stages[0].steps[3]
    assert report.miss_rate(pip) == pytest.approx(2 / 7)
    assert report.commits == 7 and len(report.per_commit) == 7


def test_expected_cost_counts_each_commit_once_without_independence(tmp_path):
    plan = plan_for(
        """
        FROM alpine
        COPY a.txt /a
        RUN make
        COPY b.txt /b
        RUN make
        """
    )
    history = History(
        [
            Commit("1", frozenset({"a.txt", "b.txt"})),  # together: the a-miss covers both
            Commit("2", frozenset({"b.txt"})),
            Commit("3", frozenset()),
        ],
        "git",
    )
    report = cost_report(plan, history, Costs())
    assert report.per_commit == [1 + 90 + 1 + 90, 1 + 90, 0]
    assert report.expected == pytest.approx((182 + 91) / 3)


def test_changing_args_and_synthetic_history(tmp_path):
    plan = plan_for("FROM alpine\nARG GIT_SHA\nRUN make\nCOPY . /src\n")
    history = synthetic_history(["src/a.c", "README.md"])
    costs = Costs()
    assert expected_cost(plan, history, costs) == pytest.approx(1)
    assert expected_cost(plan, history, costs, changing_args={"GIT_SHA"}) == pytest.approx(91)


def test_prediction_cost_and_built_stages():
    plan = plan_for("FROM alpine AS a\nRUN make\nFROM alpine AS b\nRUN make\nFROM a\nRUN true\n")
    prediction = predict(plan, changed_files=(), changed_args=())
    assert prediction.cost(Costs()) == 0
    assert [stage.stage.label for stage in prediction.built] == ["a", "2"]


def test_changed_paths_are_cleaned(tmp_path):
    root = make_context(tmp_path, {"src/a.py": ""})
    plan = plan_for("FROM alpine\nCOPY src /src\n", root=root)
    assert first_miss(predict(plan, changed_files={"./src//a.py"})) is not None


def test_key_changes_lists_every_own_key_change_whatever_the_order(tmp_path):
    root = make_context(tmp_path, {"a.txt": "", "b.txt": "", "c.txt": ""})
    plan = plan_for(
        """
        FROM alpine AS one
        COPY a.txt /a
        RUN make
        COPY b.txt /b
        ARG V=1
        RUN make
        FROM alpine
        COPY c.txt /c
        COPY --from=one /b /b
        """,
        root=root,
    )
    changes = key_changes(plan, changed_files={"a.txt", "b.txt"}, changed_args={"V"})
    shown = {(step.stage.index, step.line): cause.kind for step, cause in changes.items()}
    # predict() stops at line 2; key_changes also sees b.txt at line 4 and V at line 6,
    # but not the RUN at line 3 (its own key is unchanged) nor COPY c.txt.
    assert shown == {(0, 2): "file", (0, 4): "file", (0, 6): "arg", (1, 9): "stage"}
    assert key_changes(plan, changed_files=()) == {}


def test_read_set_lookup_is_not_fooled_by_sibling_names(tmp_path):
    root = make_context(tmp_path, {"app-old/x.txt": "", "app/y.c": "", "app.txt": ""})
    plan = plan_for("FROM alpine\nCOPY . /\nRUN cd /app && make\n", root=root)
    assert plan.stages[0].steps[2].reads == ("app/y.c",)
