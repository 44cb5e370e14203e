"""Progress bars of ``check``, ``image`` and ``cache``: on a terminal only, never in CI,
in a pipe or with ``--quiet``.

The CLI runs with a pseudo-terminal as stderr (stdout goes to a pipe, as when a report is
redirected to a file). ``LINTLAYERS_PROGRESS_DELAY=0`` shows the bar at once instead of
after a second of work, so small inputs are enough.
"""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest
from test_image_analysis import docker_archive

from lintlayers.progress import DELAY_VARIABLE, Progress, progress, wanted

if TYPE_CHECKING:
    from pathlib import Path

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
BAR = "━"
"""rich draws its bar with this character."""
FILES = 40


def env_for(**extra: str) -> dict[str, str]:
    """The CLI's environment: a terminal type, no CI, no colour settings, no delay."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("CI", "NO_COLOR", "FORCE_COLOR", "GITHUB_ACTIONS", "TERM")
    }
    env.update({"TERM": "xterm-256color", "COLUMNS": "120", DELAY_VARIABLE: "0"})
    env.update(extra)
    return env


def run_with_tty_stderr(*args: str, cwd: Path, env: dict[str, str]) -> tuple[int, str, str]:
    """Run the CLI with a pseudo-terminal as stderr: exit code, stdout, and what the
    terminal got without its escape sequences."""
    master, slave = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "lintlayers", *args],
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=slave,
    )
    os.close(slave)
    chunks: list[bytes] = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    assert process.stdout is not None
    stdout = process.stdout.read().decode("utf-8")
    process.stdout.close()
    terminal = ANSI.sub("", b"".join(chunks).decode("utf-8", "replace"))
    return process.wait(timeout=600), stdout, terminal


def many_dockerfiles(folder: Path, count: int = FILES) -> None:
    for index in range(count):
        sub = folder / f"service{index:02d}"
        sub.mkdir()
        (sub / "Dockerfile").write_text(
            f"FROM python:3.12-slim\nMAINTAINER team{index}\nRUN pip install flask\n",
            encoding="utf-8",
        )


# --- check -------------------------------------------------------------------------------------


def test_check_shows_a_bar_of_files_on_a_terminal(tmp_path: Path) -> None:
    many_dockerfiles(tmp_path)
    code, stdout, terminal = run_with_tty_stderr("check", ".", cwd=tmp_path, env=env_for())
    assert code == 1
    assert "Linting" in terminal
    assert BAR in terminal
    assert f"/{FILES} files" in terminal
    assert "files/s" in terminal
    assert "LL201" in stdout and "Linting" not in stdout  # the report is untouched


def test_check_bar_advances_on_several_processes(tmp_path: Path) -> None:
    many_dockerfiles(tmp_path)
    code, stdout, terminal = run_with_tty_stderr(
        "check", "--jobs", "2", ".", cwd=tmp_path, env=env_for()
    )
    assert code == 1
    assert f"/{FILES} files" in terminal
    _, one_process, _ = run_with_tty_stderr(
        "check", "--jobs", "1", ".", cwd=tmp_path, env=env_for()
    )
    assert stdout == one_process


def test_check_bar_with_fix(tmp_path: Path) -> None:
    many_dockerfiles(tmp_path)
    code, stdout, terminal = run_with_tty_stderr(
        "check", "--diff", ".", cwd=tmp_path, env=env_for()
    )
    assert code == 1
    assert f"/{FILES} files" in terminal
    # the diff, written while the bar is shown, still goes to stdout, all of it
    assert stdout.count("+++ b/") == FILES
    assert "+++ b/" not in terminal


@pytest.mark.parametrize(
    ("arguments", "extra"),
    [
        ((), {"CI": "true"}),
        (("--quiet",), {}),
        (("-q",), {}),
        ((), {"TERM": "dumb"}),
        ((), {DELAY_VARIABLE: "30"}),  # work shorter than the delay
    ],
)
def test_check_shows_no_bar(
    tmp_path: Path, arguments: tuple[str, ...], extra: dict[str, str]
) -> None:
    many_dockerfiles(tmp_path)
    code, stdout, terminal = run_with_tty_stderr(
        "check", *arguments, ".", cwd=tmp_path, env=env_for(**extra)
    )
    assert code == 1
    assert "LL201" in stdout
    assert terminal == ""


def test_check_shows_no_bar_when_stderr_is_a_pipe(tmp_path: Path) -> None:
    many_dockerfiles(tmp_path)
    completed = subprocess.run(
        [sys.executable, "-m", "lintlayers", "check", "."],
        cwd=tmp_path,
        env=env_for(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 1
    assert completed.stderr == ""


# --- image and cache ----------------------------------------------------------------------------


def test_image_shows_a_bar_of_bytes(tmp_path: Path) -> None:
    layers = [[("file", f"data/{index}.bin", 200_000)] for index in range(4)]
    archive = docker_archive(tmp_path / "image.tar", layers)
    code, stdout, terminal = run_with_tty_stderr("image", str(archive), cwd=tmp_path, env=env_for())
    assert code == 0
    assert "Reading layers" in terminal
    assert BAR in terminal
    assert "/819.2 kB" in terminal  # bytes read of the layers (4 x 200,000 and tar headers)
    assert "Reading layers" not in stdout
    code, _, quiet = run_with_tty_stderr(
        "image", "--quiet", str(archive), cwd=tmp_path, env=env_for()
    )
    assert code == 0
    assert quiet == ""
    _, _, in_ci = run_with_tty_stderr("image", str(archive), cwd=tmp_path, env=env_for(CI="1"))
    assert in_ci == ""


def git(folder: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.email=a@b", "-c", "user.name=a", *args],
        cwd=folder,
        check=True,
        capture_output=True,
    )


def test_cache_shows_a_bar_of_commits(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text(
        "FROM python:3.12-slim\nCOPY . /app\nRUN pip install -r /app/requirements.txt\n",
        encoding="utf-8",
    )
    (tmp_path / "requirements.txt").write_text("flask\n", encoding="utf-8")
    git(tmp_path, "init", "-q")
    for number in range(12):
        (tmp_path / "app.py").write_text(f"print({number})\n", encoding="utf-8")
        git(tmp_path, "add", "-A")
        git(tmp_path, "commit", "-q", "-m", f"change {number}")
    code, stdout, terminal = run_with_tty_stderr("cache", "Dockerfile", cwd=tmp_path, env=env_for())
    assert code == 0, terminal
    assert "Replaying history" in terminal
    assert "commits" in terminal
    assert "Replaying" not in stdout
    _, _, quiet = run_with_tty_stderr("cache", "--quiet", "Dockerfile", cwd=tmp_path, env=env_for())
    assert quiet == ""


# --- the mechanism ---------------------------------------------------------------------------


class FakeTerminal:
    def isatty(self) -> bool:
        return True


def test_wanted_only_on_a_terminal_outside_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("CI", "TERM"):
        monkeypatch.delenv(name, raising=False)
    terminal = FakeTerminal()
    assert wanted(terminal)  # type: ignore[arg-type]
    assert not wanted(terminal, quiet=True)  # type: ignore[arg-type]
    assert not wanted(None) or sys.stderr.isatty()
    for value, expected in (("true", False), ("1", False), ("false", True), ("", True)):
        monkeypatch.setenv("CI", value)
        assert wanted(terminal) is expected, value  # type: ignore[arg-type]


def test_a_disabled_or_short_progress_imports_no_rich(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(DELAY_VARIABLE, "60")
    with Progress(10, unit="files", description="x", enabled=True) as bar:
        for _ in range(10):
            bar.advance(1)
        assert not bar.shown
    with progress(10, unit="files", description="x", quiet=True) as bar:
        bar.advance(5)
        assert not bar.enabled
        assert not bar.shown
    probe = (
        "import sys\n"
        "from lintlayers.progress import Progress\n"
        "with Progress(3, unit='files', description='x') as bar:\n"
        "    bar.advance(3)\n"
        "print(any(name.split('.')[0] == 'rich' for name in sys.modules))\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", probe],
        env=env_for(**{DELAY_VARIABLE: "60"}),
        capture_output=True,
        text=True,
        check=True,
    )
    assert completed.stdout.strip() == "False"


def test_lint_all_advances_once_per_result_on_every_path() -> None:
    from lintlayers.parallel import lint_all

    for jobs in (1, 2):
        advanced: list[int] = []
        results = lint_all(lambda index: index * 2, 40, jobs, advanced.append)
        assert list(results) == [index * 2 for index in range(40)]
        assert advanced == [1] * 40


def test_layer_bytes_are_counted_as_read_not_as_peeked() -> None:
    import io

    from lintlayers.image.analysis import CountingReader

    advanced: list[int] = []
    reader = CountingReader(io.BufferedReader(io.BytesIO(b"x" * 100)), advanced.append)  # type: ignore[arg-type]
    assert reader.peek(6)[:6] == b"xxxxxx"
    assert reader.read(40) == b"x" * 40
    assert reader.read() == b"x" * 60
    assert (reader.count, sum(advanced)) == (100, 100)
    assert reader.closed is False  # everything else is the stream's
