"""LL307 recursive-chown-after-copy."""

from __future__ import annotations

import pytest
from rule_harness import fix, lint, onbuild, positions, said

CODE = "LL307"


def span(line: int, text: str, word: str) -> tuple[int, int, int, int]:
    column = text.index(word) + 1
    return (line, column, line, column + len(word))


@pytest.mark.parametrize(
    ("copy", "run", "command"),
    [
        ("COPY . /app", "RUN chown -R app:app /app", "chown -R app:app /app"),
        ("COPY . /app", "RUN chown --recursive app /app", "chown --recursive app /app"),
        ("COPY . /app", "RUN chmod -R 755 /app", "chmod -R 755 /app"),
        ("COPY . /app", "RUN chmod -R g+w /app", "chmod -R g+w /app"),
        ("COPY . /app", "RUN chown -Rh app /app", "chown -Rh app /app"),
        ("COPY . /app/", "RUN chown -R app /app/", "chown -R app /app/"),
        ("COPY . /app", "RUN chown -R app /app/*", "chown -R app /app/*"),
        ("COPY app.jar /opt/app/app.jar", "RUN chown -R app /opt", "chown -R app /opt"),
        ("COPY --from=build /out /srv", "RUN chown -R www-data /srv", "chown -R www-data /srv"),
        ("ADD site.tar.gz /srv/", "RUN chown -R www-data /srv", "chown -R www-data /srv"),
        ("COPY . /app", "RUN npm ci && chown -R node /app", "chown -R node /app"),
        ("COPY . /app", "RUN sudo chown -R app /app", "chown -R app /app"),
        ('COPY ["src", "/app/src"]', "RUN chown -R app /app", "chown -R app /app"),
    ],
)
def test_reports(copy: str, run: str, command: str) -> None:
    findings = lint(f"FROM debian\n{copy}\n{run}\n", CODE)
    start = run.index(command.split()[0]) + 1
    assert positions(findings) == [(3, start, 3, start + len(run) - start + 1)]
    assert "line 2" in said(findings[0])


def test_message_suggests_the_copy_flag() -> None:
    [chown] = lint("FROM debian\nCOPY . /app\nRUN chown -R app:staff /app\n", CODE)
    assert "`COPY --chown=app:staff`" in said(chown)
    assert "stores them twice" in said(chown)
    [owner_only] = lint("FROM debian\nCOPY . /app\nRUN chown -R app /app\n", CODE)
    assert "`COPY --chown=app:root`" in said(owner_only)  # chown keeps the group
    [chmod] = lint("FROM debian\nCOPY . /app\nRUN chmod -R 750 /app\n", CODE)
    assert "`COPY --chmod=750`" in said(chmod)
    assert "BuildKit" in said(chmod)


def test_relative_paths_follow_workdir_and_cd() -> None:
    text = "FROM debian\nWORKDIR /app\nCOPY . .\nRUN cd / && chown -R app app\n"
    [finding] = lint(text, CODE)
    assert positions([finding]) == [(4, 13, 4, 29)]
    assert "/app" in said(finding)


def test_unknown_workdir_is_matched_relatively() -> None:
    text = "FROM node\nCOPY . .\nRUN chown -R node .\n"
    [finding] = lint(text, CODE)
    assert "on . " in said(finding)


@pytest.mark.parametrize(
    ("copy", "run"),
    [
        ("COPY . /app", "RUN chown app /app"),  # not recursive: one inode
        ("COPY . /app", "RUN chmod +x /app/run.sh"),
        ("COPY . /app", "RUN chown -R app /data"),
        ("COPY . /app", "RUN chown -R app /app/data"),  # inside the destination: not ours
        ("COPY --chown=app . /app", "RUN chown -R app /var/log/app"),
        ("RUN mkdir /app", "RUN chown -R app /app"),
        ("COPY . /app", 'RUN ["chown", "-R", "app", "/app"]'),
        ("COPY . /app", "RUN echo chown -R app /app"),
    ],
)
def test_passes(copy: str, run: str) -> None:
    assert lint(f"FROM debian\n{copy}\n{run}\n", CODE) == []


def test_chown_before_the_copy_passes() -> None:
    assert lint("FROM debian\nRUN chown -R app /app\nCOPY . /app\n", CODE) == []


def test_other_stages_do_not_count() -> None:
    text = "FROM debian AS a\nCOPY . /app\nFROM debian\nRUN chown -R app /app\n"
    assert lint(text, CODE) == []


def test_stage_used_only_for_specific_paths_is_skipped() -> None:
    text = (
        "FROM debian AS build\nCOPY . /app\nRUN chown -R app /app\n"
        "FROM scratch\nCOPY --from=build /app/bin /bin\n"
    )
    assert lint(text, CODE) == []


def test_onbuild_variant() -> None:
    copy = onbuild("COPY . /app")
    run = onbuild("RUN chown -R app:app /app")
    text = f"FROM debian\n{copy}\n{run}\n"
    assert positions(lint(text, CODE)) == [span(3, run, "chown -R app:app /app")]
    fixed = fix(text, CODE, unsafe=True)
    assert fixed == "FROM debian\nONBUILD COPY --chown=app:app . /app\n"
    # a trigger is not this image's COPY
    assert lint(f"FROM debian\n{copy}\nRUN chown -R app /app\n", CODE) == []


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("COPY . /app\nRUN chown -R app:app /app\n", "COPY --chown=app:app . /app\n"),
        ("COPY . /app\nRUN chown -R app /app\n", "COPY --chown=app:root . /app\n"),
        ("COPY . /app\nRUN chown -R 1000:1000 /app\n", "COPY --chown=1000:1000 . /app\n"),
        ("COPY --from=build /out /srv\nRUN chown -R www-data:www-data /srv\n",
         "COPY --chown=www-data:www-data --from=build /out /srv\n"),
        ("COPY . /app\nENV A=1\nLABEL b=2\nRUN chown -R app:app /app\n",
         "COPY --chown=app:app . /app\nENV A=1\nLABEL b=2\n"),
        ("COPY . /app\nRUN chmod -R 755 /app\n", "COPY --chmod=755 . /app\n"),
        ("COPY . /app\n# fix owner\nRUN chown -R app:app /app\nCMD [\"app\"]\n",
         "COPY --chown=app:app . /app\n# fix owner\nCMD [\"app\"]\n"),
        ("WORKDIR /app\nCOPY . .\nRUN chown -R app:app /app\n",
         "WORKDIR /app\nCOPY --chown=app:app . .\n"),
        ("COPY . /app\nRUN chown -R app:app /app",  # no final newline
         "COPY --chown=app:app . /app\n"),
    ],
)  # fmt: skip
def test_fix(before: str, after: str) -> None:
    assert fix("FROM debian\n" + before, CODE, unsafe=True) == "FROM debian\n" + after


def test_symbolic_chmod_needs_a_recent_frontend() -> None:
    text = "FROM debian\nCOPY . /app\nRUN chmod -R g+w /app\n"
    [finding] = lint(text, CODE)
    assert finding.fix is None
    recent = "# syntax=docker/dockerfile:1.14\n" + text
    assert fix(recent, CODE, unsafe=True) == (
        "# syntax=docker/dockerfile:1.14\nFROM debian\nCOPY --chmod=g+w . /app\n"
    )


def test_fix_is_unsafe() -> None:
    text = "FROM debian\nCOPY . /app\nRUN chown -R app /app\n"
    [finding] = lint(text, CODE)
    assert finding.fix is not None and finding.fix.applicability == "unsafe"
    assert fix(text, CODE) == text


@pytest.mark.parametrize(
    "body",
    [
        "COPY . /app\nRUN chown -R app /app && npm ci\n",  # more than the one command
        "COPY . /app\nRUN chown -R app /app /data\n",  # more than one path
        "COPY . /app\nRUN chown -R app /opt /app/..\n",
        "COPY app.jar /opt/app/app.jar\nRUN chown -R app /opt\n",  # a parent, not the dest
        "COPY . /app\nRUN npm ci\nRUN chown -R app /app\n",  # a RUN in between uses them
        "COPY . /app\nWORKDIR /app/data\nRUN chown -R app /app\n",
        "COPY --chown=a . /app\nRUN chown -R b /app\n",  # the COPY already has the flag
        "COPY . /app\nRUN chown -R app. /app\n",
        "COPY . /app\nRUN chown -R app: /app\n",
        "COPY . /app\nRUN chown -R $USER /app\n",
        "COPY . /app\nRUN chown -R --from=root app /app\n",
        "COPY . /app\nRUN chown -R --reference=/etc /app\n",
        "COPY . /app\nRUN chmod -R u=rwX /app\n",  # X: not a mode COPY --chmod takes
        "COPY . /app\nRUN --mount=type=cache,target=/c chown -R app /app\n",
        "COPY . /app\nRUN <<EOF\nchown -R app /app\nEOF\n",
    ],
)
def test_no_fix(body: str) -> None:
    text = "FROM debian\n" + body
    findings = lint(text, CODE)
    assert findings
    assert all(finding.fix is None for finding in findings)


def test_no_chmod_fix_under_the_classic_builder() -> None:
    text = "FROM debian\nCOPY . /app\nRUN chmod -R 755 /app\n"
    [finding] = lint(text, CODE, builder="classic")
    assert finding.fix is None
    [chown] = lint(text.replace("chmod -R 755", "chown -R app"), CODE, builder="classic")
    assert chown.fix is not None


@pytest.mark.parametrize(
    "text",
    [
        "FROM debian\nCOPY . /app\nRUN chown -R app:app /app\n",
        "FROM debian\nCOPY a /a\nRUN chmod -R 700 /a\nCOPY b /b\nRUN chown -R x:y /b\n",
    ],
)
def test_idempotent(text: str) -> None:
    once = fix(text, CODE, unsafe=True)
    assert once != text
    assert fix(once, CODE, unsafe=True) == once
    assert lint(once, CODE) == []


def _context(tmp_path):
    """A build context with known sizes: 1,200,000 + 300,000 bytes under app/, 50 in notes.txt."""
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "main.bin").write_bytes(b"a" * 1_200_000)
    (tmp_path / "app" / "lib").mkdir()
    (tmp_path / "app" / "lib" / "util.bin").write_bytes(b"b" * 300_000)
    (tmp_path / "notes.txt").write_bytes(b"n" * 50)
    return str(tmp_path)


@pytest.mark.parametrize(
    ("body", "size"),
    [
        ("COPY app /app\nRUN chown -R app:app /app\n", "(/app, 1.5 MB, in the build context)"),
        ("COPY . /app\nRUN chown -R app:app /app\n", "(/app, 1.5 MB, in the build context)"),
        ("COPY app/lib /app/lib\nRUN chmod -R 755 /app/lib\n",
         "(/app/lib, 300 kB, in the build context)"),
    ],
)  # fmt: skip
def test_message_gives_the_exact_size_with_the_build_context(tmp_path, body, size) -> None:
    [finding] = lint("FROM debian\n" + body, CODE, context_dir=_context(tmp_path))
    assert size in said(finding)


@pytest.mark.parametrize(
    "body",
    [
        "COPY notes.txt /srv/notes.txt\nRUN chown -R app /srv\n",  # 50 bytes, measured
        "COPY entrypoint.sh /entrypoint.sh\nRUN chmod -R 755 /entrypoint.sh\n",  # by name
        "COPY authorized_keys /home/a/.ssh/\nRUN chown -R a /home/a/.ssh\n",
    ],
)
def test_small_files_are_not_worth_a_finding(tmp_path, body) -> None:
    assert lint("FROM debian\n" + body, CODE, context_dir=_context(tmp_path)) == []
    assert lint("FROM debian\n" + body, CODE) == []


def test_no_chown_at_the_copy_for_a_user_created_after_it() -> None:
    text = (
        "FROM debian\nCOPY src /home/user/src\n"
        "RUN useradd --create-home user \\\n\t&& chown -R user:user /home/user\n"
    )
    [finding] = lint(text, CODE)
    assert "after creating `user` before the COPY" in said(finding)
    assert finding.fix is None


def test_corpus_clisp_user_created_after_the_copy() -> None:
    from corpus_support import corpus_root

    path = corpus_root() / "files" / "jessfraz__dockerfiles" / "clisp__Dockerfile"
    [finding] = [f for f in lint(path.read_text(encoding="utf-8"), CODE) if f.location.line == 24]
    assert "after creating `user` before the COPY" in said(finding)
    assert finding.fix is None


def test_dockerignore_is_honoured_in_the_size(tmp_path) -> None:
    root = _context(tmp_path)
    (tmp_path / ".dockerignore").write_text("app/lib\n")
    [finding] = lint("FROM debian\nCOPY app /app\nRUN chown -R app /app\n", CODE, context_dir=root)
    assert "(/app, 1.2 MB, in the build context)" in said(finding)


@pytest.mark.parametrize(
    "body",
    [
        "COPY --from=build /out /app\nRUN chown -R app /app\n",  # not from the context
        "COPY missing /app\nRUN chown -R app /app\n",  # selects nothing
        "COPY $SRC /app\nRUN chown -R app /app\n",  # unknown variable
    ],
)
def test_no_size_when_it_cannot_be_known(tmp_path, body) -> None:
    text = "FROM scratch AS build\nFROM debian\n" + body
    [finding] = lint(text, CODE, context_dir=_context(tmp_path))
    assert "build context" not in said(finding)


@pytest.mark.parametrize(
    ("text", "builder", "link"),
    [
        ("FROM debian\nCOPY . /app\nRUN chown -R 1000:1000 /app\n", "buildkit", True),
        ("FROM debian\nCOPY . /app\nRUN chown -R 1000:1000 /app\n", "classic", False),
        ("FROM debian\nCOPY . /app\nRUN chown -R app:app /app\n", "buildkit", False),
        ("FROM debian\nCOPY . /app\nRUN chmod -R 755 /app\n", "buildkit", False),
        ("FROM debian\nCOPY . /usr/src/app\nRUN chown -R 1000:1000 /usr/src/app\n",
         "buildkit", False),
        ("FROM debian\nWORKDIR /app\nCOPY . .\nRUN chown -R 1000:1000 /app\n", "buildkit", False),
        ("FROM debian\nRUN mkdir -p /app/data\nCOPY . /app\nRUN chown -R 1000:1000 /app\n",
         "buildkit", False),
        ("FROM debian AS base\nFROM base\nCOPY . /app\nRUN chown -R 1000:1000 /app\n",
         "buildkit", False),
        ("FROM debian\nCOPY --link . /app\nRUN chown -R 1000:1000 /app\n", "buildkit", False),
    ],
)  # fmt: skip
def test_link_advice_only_where_it_is_sound(text: str, builder: str, link: bool) -> None:
    [finding] = lint(text, CODE, builder=builder)
    assert ("COPY --link --chown=1000:1000" in said(finding)) is link
