"""LL304 pip-cache-kept."""

from __future__ import annotations

import pytest
from rule_harness import fix, lint, onbuild, positions, said

CODE = "LL304"
FLAG = "--no-cache-dir"


def span(line: int, text: str, word: str) -> tuple[int, int, int, int]:
    column = text.index(word) + 1
    return (line, column, line, column + len(word))


@pytest.mark.parametrize(
    ("line", "command"),
    [
        ("RUN pip install flask", "pip install"),
        ("RUN pip3 install -r requirements.txt", "pip3 install"),
        ("RUN pip3.12 install flask", "pip3.12 install"),
        ("RUN python -m pip install flask", "python -m pip install"),
        ("RUN python3 -m pip install --upgrade pip", "python3 -m pip install"),
        ("RUN /opt/venv/bin/pip install flask", "/opt/venv/bin/pip install"),
        ("RUN pip --disable-pip-version-check install flask",
         "pip --disable-pip-version-check install"),
        ("RUN sudo -H pip install flask", "pip install"),
        ("RUN pip install flask && rm -rf /tmp/*", "pip install"),
        ("RUN --mount=type=cache,target=/root/.npm pip install flask", "pip install"),
        ("RUN --mount=type=bind,target=/root/.cache pip install flask", "pip install"),
        ("RUN PIP_NO_CACHE_DIR= pip install flask", "pip install"),
    ],
)  # fmt: skip
def test_reports(line: str, command: str) -> None:
    findings = lint(f"FROM python\n{line}\n", CODE)
    assert positions(findings) == [span(2, line, command)]
    assert FLAG in said(findings[0])


def test_message_names_the_cache_and_the_mount() -> None:
    [finding] = lint("FROM python\nRUN pip install flask\n", CODE)
    assert "/root/.cache/pip" in said(finding)
    assert "--mount=type=cache,target=/root/.cache/pip" in said(finding)
    assert "about a fifth of the installed packages' size" in said(finding)
    assert said(finding).index("--mount") < said(finding).index(f"add `{FLAG}`")
    [classic] = lint("FROM python\nRUN pip install flask\n", CODE, builder="classic")
    assert "--mount" not in said(classic)


@pytest.mark.parametrize(
    ("line", "size"),
    [
        ("RUN pip install torch==2.3.0", "~192 MB (measured: torch's wheel alone)"),
        ("RUN pip install -r requirements.txt numpy>=2 flask",
         "~17 MB (measured: numpy's wheel alone)"),
        ("RUN pip install --index-url https://x/torch/ numpy torch",
         "~192 MB (measured: torch's wheel alone)"),
        ("RUN pip install -r numpy.txt", "about a fifth"),  # a file, not the package
    ],
)  # fmt: skip
def test_message_sizes_known_wheels(line: str, size: str) -> None:
    [finding] = lint(f"FROM python\n{line}\n", CODE)
    assert size in said(finding)


@pytest.mark.parametrize(
    "line",
    [
        "RUN --mount=type=cache,target=/pip-cache pip install flask",
        "RUN --mount=type=cache,target=/root/.cache/pip-wheels pip install flask",
        "RUN --mount=type=tmpfs,target=/tmp/pip pip install flask",
    ],
)
def test_a_mount_missing_the_cache_asks_to_fix_the_mount(line: str) -> None:
    [finding] = lint(f"FROM python\n{line}\n", CODE)
    assert FLAG not in said(finding)  # never advise against the user's cache mount
    assert "--mount=type=cache,target=/root/.cache/pip" in said(finding)
    assert "PIP_CACHE_DIR=" in said(finding)
    assert finding.fix is None


def test_cache_of_a_non_root_user() -> None:
    [finding] = lint("FROM python\nUSER app\nRUN pip install --user flask\n", CODE)
    assert "/home/app/.cache/pip" in said(finding)


@pytest.mark.parametrize(
    "line",
    [
        f"RUN pip install {FLAG} flask",
        f"RUN pip {FLAG} install flask",
        f"RUN pip install -r requirements.txt {FLAG}",
        f"RUN python -m pip install {FLAG} flask",
        "RUN PIP_NO_CACHE_DIR=1 pip install flask",
        "RUN PIP_NO_CACHE_DIR=off pip install flask",  # pip: any boolean disables the cache
        "RUN export PIP_NO_CACHE_DIR=true && pip install flask",
        "RUN --mount=type=cache,target=/root/.cache/pip pip install flask",
        "RUN --mount=type=cache,target=/root/.cache pip install flask",
        "RUN --mount=type=tmpfs,target=/root/.cache/pip pip install flask",
        "RUN --mount=type=cache,id=pip,target=/root/.cache/pip,sharing=locked pip install x",
        "RUN pip install flask && rm -rf /root/.cache/pip",
        "RUN pip install flask && rm -rf /root/.cache",
        "RUN pip install flask && rm -rf ~/.cache/pip",
        "RUN pip install flask && rm -rf $HOME/.cache",
        "RUN pip install flask && pip cache purge",
        "RUN pip install --cache-dir /tmp/pip flask && rm -rf /tmp/pip",
        "RUN pip download flask",
        "RUN pip uninstall -y flask",
        "RUN pip freeze",
        "RUN pipenv install",
        'RUN ["pip", "install", "flask"]',
    ],
)
def test_passes(line: str) -> None:
    assert lint(f"FROM python\n{line}\n", CODE) == []


@pytest.mark.parametrize(
    "setup",
    [
        "ENV PIP_NO_CACHE_DIR=1",
        "ENV PIP_NO_CACHE_DIR=false",
        "ARG PIP_NO_CACHE_DIR=yes",
        "ENV PIP_CACHE_DIR=/pipcache\nRUN --mount=type=cache,target=/pipcache true",
        "RUN pip config set global.no-cache-dir false",
        "RUN printf '[global]\\nno-cache-dir = false\\n' > /etc/pip.conf",
        "COPY pip.conf /etc/pip.conf",
        "COPY pip.conf /root/.config/pip/pip.conf",
    ],
)
def test_cache_disabled_by_an_earlier_step(setup: str) -> None:
    text = f"FROM python\n{setup}\nRUN pip install flask\n"
    if "PIP_CACHE_DIR" in setup:  # the mount must be on the installing RUN itself
        assert positions(lint(text, CODE)) == [(4, 5, 4, 16)]
    else:
        assert lint(text, CODE) == []


def test_pip_cache_dir_under_a_mount() -> None:
    text = (
        "FROM python\nENV PIP_CACHE_DIR=/pipcache\n"
        "RUN --mount=type=cache,target=/pipcache pip install flask\n"
    )
    assert lint(text, CODE) == []


def test_non_root_user_cache_mount() -> None:
    text = (
        "FROM python\nUSER app\n"
        "RUN --mount=type=cache,target=/home/app/.cache/pip,uid=1000 pip install flask\n"
    )
    assert lint(text, CODE) == []


def test_env_after_the_install_does_not_count() -> None:
    text = "FROM python\nRUN pip install flask\nENV PIP_NO_CACHE_DIR=1\n"
    assert positions(lint(text, CODE)) == [(2, 5, 2, 16)]


def test_stage_used_only_for_specific_paths_is_skipped() -> None:
    text = (
        "FROM python AS build\nRUN pip install --prefix=/install flask\n"
        "FROM python:slim\nCOPY --from=build /install /usr/local\n"
    )
    assert lint(text, CODE) == []


def test_heredoc_body() -> None:
    text = "FROM python\nRUN <<EOF\nset -e\npip install flask\nEOF\n"
    assert positions(lint(text, CODE)) == [(4, 1, 4, 12)]
    assert fix(text, CODE) == text.replace("install", f"install {FLAG}")


def test_onbuild_variant() -> None:
    line = onbuild("RUN pip install -r requirements.txt")
    text = f"FROM python\n{line}\n"
    assert positions(lint(text, CODE)) == [span(2, line, "pip install")]
    assert fix(text, CODE) == f"FROM python\nONBUILD RUN pip install {FLAG} -r requirements.txt\n"


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("RUN pip install flask", f"RUN pip install {FLAG} flask"),
        ("RUN python3 -m pip install -U pip && pip install -r req.txt",
         f"RUN python3 -m pip install {FLAG} -U pip && pip install {FLAG} -r req.txt"),
        ("RUN pip install \\\n    flask \\\n    gunicorn",
         f"RUN pip install {FLAG} \\\n    flask \\\n    gunicorn"),
    ],
)  # fmt: skip
def test_fix(before: str, after: str) -> None:
    assert fix(f"FROM python\n{before}\n", CODE) == f"FROM python\n{after}\n"


def test_fix_is_safe() -> None:
    [finding] = lint("FROM python\nRUN pip install flask\n", CODE)
    assert finding.fix is not None and finding.fix.applicability == "safe"


@pytest.mark.parametrize(
    "text",
    [
        "FROM python\nRUN pip install flask\n",
        "FROM python\nRUN pip install -U pip && \\\n    python -m pip install flask\n",
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
    """A script lintlayers does not read is not assumed to clean pip's cache (no corpus
    finding is followed by one that does)."""
    text = f"FROM python:3.12\nRUN pip install flask && {after}\n"
    [finding] = lint(text, CODE)
    assert finding.location.line == 2


def test_help_names_a_later_removal_that_does_not_shrink_the_layer() -> None:
    text = (
        "FROM python:3.12\nRUN pip install flask\n"
        "RUN rm -rf /var/lib/apt/lists/* /root/.cache/pip\n"
    )
    [finding] = lint(text, CODE)
    assert (
        "stay in /root/.cache/pip: about a fifth of the installed packages' size; the removal "
        "at line 3, in a later layer, does not take them out of this one; " in said(finding)
    )
    assert finding.fix is not None
    [classic] = lint(text.replace("/root/.cache/pip", "/root/.cache"), CODE, builder="classic")
    assert "the removal at line 3, in a later layer" in said(classic)
    assert "in a later layer" not in said(lint("FROM python\nRUN pip install flask\n", CODE)[0])


def test_an_install_that_runs_only_with_an_optional_file_is_left_alone(tmp_path) -> None:
    """The dev container templates' ``requirements.txt*`` copied only when it exists."""
    text = (
        "FROM python:3.12\nCOPY requirements.txt* noop.txt /tmp/pip-tmp/\n"
        'RUN if [ -f "/tmp/pip-tmp/requirements.txt" ]; then '
        "pip install -r /tmp/pip-tmp/requirements.txt; fi && rm -rf /tmp/pip-tmp\n"
    )
    assert lint(text, CODE) == []
    (tmp_path / "noop.txt").write_text("")
    (tmp_path / "requirements.txt").write_text("flask\n")
    assert len(lint(text, CODE, context_dir=str(tmp_path))) == 1


@pytest.mark.parametrize(
    ("install", "amount"),
    [
        ("pip install --upgrade pip", "~1.9 MB (measured: pip's wheel)"),
        (
            "pip3 install -U pip setuptools wheel",
            "~2.9 MB (measured: the wheels of pip, setuptools",
        ),
    ],
)
def test_pip_upgrading_itself_caches_a_few_mb_an_info(install: str, amount: str) -> None:
    [finding] = lint(f"FROM python:3.12\nRUN {install}\n", CODE)
    assert finding.severity == "info"
    assert amount in said(finding)
    assert finding.fix is not None  # the flag is still the fix


@pytest.mark.parametrize(
    "install",
    ["pip install -U pip flask", "pip install -r requirements.txt pip", "pip install -e . pip"],
)
def test_pip_tools_beside_other_packages_are_no_measure(install: str) -> None:
    [finding] = lint(f"FROM python:3.12\nRUN {install}\n", CODE)
    assert finding.severity == "warning"
    assert "about a fifth of the installed packages' size" in said(finding)
