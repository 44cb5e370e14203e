"""LL306 cleanup-in-later-layer."""

from __future__ import annotations

import pytest
from rule_harness import fix, lint, onbuild, positions, rule_class, said

from lintlayers.engine import Linter

CODE = "LL306"
INSTALL_RULES = ("LL301", "LL303", "LL304", "LL305", "LL316")
"""The rules that report package data at the install that keeps it in its layer."""


def lint_together(text: str, builder: str = "buildkit") -> list:
    """Findings of LL306 when it runs with the install-side rules (as every rule does)."""
    linter = Linter([rule_class(code)() for code in (CODE, *INSTALL_RULES)], builder=builder)
    return [f for f in linter.lint_text(text, "Dockerfile").findings if f.code == CODE]


def span(line: int, text: str, word: str) -> tuple[int, int, int, int]:
    column = text.index(word) + 1
    return (line, column, line, column + len(word))


@pytest.mark.parametrize(
    ("earlier", "later", "command", "what"),
    [
        # package data an earlier RUN left that no finding at an install reports: the
        # lists of an update whose RUN installs nothing, the cache of `pip download`,
        # the index of an update that only `apk upgrade` uses
        ("RUN apt-get update", "RUN rm -rf /var/lib/apt/lists/*",
         "rm -rf /var/lib/apt/lists/*", "apt package lists"),
        ("RUN pip download -d /wheels flask", "RUN rm -rf /root/.cache", "rm -rf /root/.cache",
         "pip cache"),
        ("RUN pip wheel -w /wheels flask", "RUN pip cache purge", "pip cache purge",
         "pip cache"),
        ("RUN apk update && apk upgrade", "RUN rm -rf /var/cache/apk/*",
         "rm -rf /var/cache/apk/*", "apk package index"),
        # files an earlier RUN wrote
        ("RUN curl -fsSLo /tmp/tool.tgz https://example.com/tool.tgz",
         "RUN rm /tmp/tool.tgz", "rm /tmp/tool.tgz", "downloaded"),
        ("RUN cd /tmp && wget https://example.com/tool.tgz", "RUN rm -f /tmp/*.tgz",
         "rm -f /tmp/*.tgz", "downloaded"),
        ("RUN curl -fsSL https://example.com/x.tgz > /opt/x.tgz", "RUN rm /opt/x.tgz",
         "rm /opt/x.tgz", "downloaded"),
        ("RUN git clone https://github.com/a/b.git /src/b", "RUN rm -rf /src/b/.git",
         "rm -rf /src/b/.git", "cloned"),
        ("RUN mkdir /build && cd /build && make", "RUN rm -rf /build", "rm -rf /build", "wrote"),
        # what an earlier COPY/ADD wrote
        ("COPY app.tar.gz /tmp/", "RUN tar -xzf /tmp/app.tar.gz -C /opt && rm /tmp/app.tar.gz",
         "rm /tmp/app.tar.gz", "COPY at line 2"),
        ("ADD https://example.com/tool.deb /tmp/tool.deb",
         "RUN dpkg -i /tmp/tool.deb && rm -rf /tmp/*", "rm -rf /tmp/*", "ADD at line 2"),
        ("COPY --from=builder /usr/src/python /usr/src/python", "RUN rm -rf /usr/src/python",
         "rm -rf /usr/src/python", "COPY at line 2"),
        ("COPY src /app/src", "RUN rm -rf /app", "rm -rf /app", "COPY at line 2"),
        ("ADD vendor.tar.gz /opt/vendor/", "RUN rm -rf /opt/vendor", "rm -rf /opt/vendor",
         "ADD at line 2"),
    ],
)  # fmt: skip
def test_reports(earlier: str, later: str, command: str, what: str) -> None:
    text = f"FROM debian\n{earlier}\n{later}\n"
    findings = lint(text, CODE)
    assert positions(findings) == [span(3, later, command)]
    assert positions(lint_together(text)) == positions(findings)
    assert what in said(findings[0])
    assert "stay in the earlier layer" in said(findings[0])
    assert findings[0].fix is None


def test_each_removing_command_is_reported() -> None:
    later = "RUN pip cache purge && rm -rf /var/lib/apt/lists/*"
    text = (
        "FROM debian\nRUN apt-get update\nRUN apt-get install -y python3-pip\n"
        f"RUN pip download -d /wheels flask\n{later}\n"
    )
    assert positions(lint_together(text)) == [
        span(5, later, "pip cache purge"),
        span(5, later, "rm -rf /var/lib/apt/lists/*"),
    ]


def test_apt_clean_after_an_install_is_not_reported() -> None:
    # Docker's Debian and Ubuntu images delete downloaded .deb files after every install
    later = "RUN apt-get clean && rm -rf /var/lib/apt/lists/*"
    text = f"FROM debian\nRUN apt-get update\nRUN apt-get install -y curl\n{later}\n"
    assert positions(lint_together(text)) == [span(4, later, "rm -rf /var/lib/apt/lists/*")]


def test_a_removal_inside_a_mount_of_its_own_run_is_not_reported() -> None:
    text = (
        "FROM debian\nRUN apt-get update\n"
        "RUN --mount=type=cache,target=/var/lib/apt rm -rf /var/lib/apt/lists/*\n"
    )
    assert lint_together(text) == []
    assert len(lint(text.replace("--mount=type=cache,target=/var/lib/apt ", ""), CODE)) == 1


# One finding per problem: package data an install keeps in its layer is reported there,
# by the install's own rule (which offers the fix); the later removal is not reported again.
@pytest.mark.parametrize(
    ("earlier", "later", "install"),
    [
        ("RUN apt-get update && apt-get install -y curl", "RUN rm -rf /var/lib/apt/lists/*",
         "LL301"),
        ("RUN apt-get update && apt-get install -y curl", "RUN apt-get distclean", "LL301"),
        ("RUN apk add -U curl", "RUN rm -rf /var/cache/apk/*", "LL303"),
        ("RUN apk update && apk add curl", "RUN apk cache clean", "LL303"),
        ("RUN apk update", "RUN rm -rf /var/cache/apk", "LL303"),
        ("RUN pip install flask", "RUN rm -rf /root/.cache", "LL304"),
        ("RUN pip install flask", "RUN pip cache purge", "LL304"),
        ("USER app\nRUN pip install --user flask", "RUN rm -rf /home/app/.cache/pip", "LL304"),
        ("RUN yarn install", "RUN yarn cache clean", "LL305"),
        ("RUN npm ci", "RUN npm cache clean --force", "LL305"),
        ("RUN yum install -y curl", "RUN yum clean all", "LL316"),
        ("RUN dnf install -y curl", "RUN rm -rf /var/cache/dnf", "LL316"),
    ],
)  # fmt: skip
def test_package_data_reported_at_its_install_is_left_to_that_finding(
    earlier: str, later: str, install: str
) -> None:
    text = f"FROM debian\n{earlier}\n{later}\n"
    line = text.count("\n")  # the last
    assert lint_together(text) == []
    [finding] = lint(text, install)
    # without the install's rule selected, the later removal is the leftover's only finding
    assert len(lint(text, CODE)) == 1
    assert f"the removal at line {line}, in a later layer, does not take" in said(finding)


EXAMPLE = """\
FROM debian:12
RUN apt-get update && apt-get install -y --no-install-recommends curl
RUN pip install flask
RUN npm install -g npm@6
RUN rm -rf /var/lib/apt/lists/* /root/.cache/pip /root/.npm
"""


def test_one_finding_per_cache_a_later_run_removes() -> None:
    assert lint_together(EXAMPLE) == []
    for code, line, name in (("LL301", 2, "apt-get"), ("LL304", 3, "pip"), ("LL305", 4, "npm")):
        [finding] = lint(EXAMPLE, code)
        assert (finding.location.line, finding.message.startswith(f"`{name} ")) == (line, True)
        assert finding.fix is not None  # each install its own fix
        assert "the removal at line 5, in a later layer, does not take" in said(finding)
        fixed = fix(EXAMPLE, code)
        assert lint(fixed, code) == []
        assert lint_together(fixed) == []


def test_a_downloaded_archive_removed_beside_the_caches_is_still_reported() -> None:
    text = EXAMPLE.replace(
        "RUN pip install flask\n",
        "RUN pip install flask\nRUN curl -fsSLo /tmp/tool.tgz https://example.com/tool.tgz\n",
    ).replace("/root/.npm\n", "/root/.npm /tmp/tool.tgz\n")
    [finding] = lint_together(text)
    assert finding.location.line == 6
    assert "/tmp/tool.tgz, which the RUN at line 4 downloaded" in said(finding)
    assert "npm cache" not in said(finding) and "pip cache" not in said(finding)


def test_package_data_of_an_earlier_run_no_install_finding_reports() -> None:
    """A lone `apt-get update` keeps its lists: LL301 reports only an update whose RUN
    installs (LL103 reports the lone update for its stale index, not for the bytes), so
    the later removal is the lists' only finding."""
    text = (
        "FROM debian\nRUN apt-get update\nRUN apt-get install -y curl\n"
        "RUN rm -rf /var/lib/apt/lists/*\n"
    )
    [finding] = lint_together(text)
    assert "the apt package lists (/var/lib/apt/lists" in said(finding)
    assert "that the RUN at line 2 left" in said(finding)
    assert lint(text, "LL301") == []


def test_only_the_install_that_keeps_its_cache_is_left_to_its_rule() -> None:
    """The pip cache of `pip download`, which LL304 does not report (an earlier `pip
    install` cleaned up in its own RUN): the later removal is its only finding."""
    text = (
        "FROM debian\nRUN pip install flask && pip cache purge\n"
        "RUN pip download -d /wheels requests\nRUN rm -rf /root/.cache/pip\n"
    )
    assert lint(text, "LL304") == []
    [finding] = lint_together(text)
    assert "that the RUN at line 3 left" in said(finding)


def test_corpus_alpine_node_extract_npm_cache() -> None:
    """mhart/alpine-node's extract.dockerfile: `npm install -g` at line 19 keeps the npm
    cache (LL305, with the later removal named); the `rm -rf ... /root/.npm` at line 35
    is not reported again."""
    from corpus_support import corpus_root

    path = corpus_root() / "files" / "mhart__alpine-node" / "extract.dockerfile"
    text = path.read_text(encoding="utf-8")
    assert lint_together(text) == []
    alone = lint(text, CODE)  # LL305 not selected: the removal is the cache's only finding
    assert [finding.location.line for finding in alone] == [35]
    [finding] = lint(text, "LL305")
    assert finding.location.line == 19
    assert "the removal at line 35, in a later layer, does not take it out" in said(finding)


@pytest.mark.parametrize(
    ("earlier", "later", "size"),
    [
        ("RUN apt-get update", "RUN rm -rf /var/lib/apt/lists/*",
         "~20 MB, measured on Debian 12"),
        ("RUN pip download flask", "RUN rm -rf /root/.cache/pip",
         "about a fifth of the installed packages' size"),
        ("RUN apk update && apk upgrade", "RUN rm -rf /var/cache/apk/*",
         "~1.1-3.0 MB, typical for main and community"),
    ],
)  # fmt: skip
def test_message_estimates_package_data(earlier: str, later: str, size: str) -> None:
    [finding] = lint(f"FROM debian\n{earlier}\n{later}\n", CODE)
    assert size in said(finding)


@pytest.mark.parametrize(
    ("earlier", "mount"),
    [
        ("RUN apt-get update",
         "`RUN --mount=type=cache,target=/var/cache/apt,sharing=locked "
         "--mount=type=cache,target=/var/lib/apt,sharing=locked`"),
        ("RUN pip download flask", "`RUN --mount=type=cache,target=/root/.cache/pip`"),
        ("USER app\nRUN pip download flask",
         "`RUN --mount=type=cache,target=/home/app/.cache/pip`"),
    ],
)  # fmt: skip
def test_cache_mount_advice_comes_first(earlier: str, mount: str) -> None:
    later = "RUN rm -rf /var/lib/apt/lists/* /root/.cache/pip /home/app/.cache/pip"
    [finding] = lint(f"FROM debian\n{earlier}\n{later}\n", CODE)
    assert mount in said(finding)
    assert said(finding).index(mount) < said(finding).index("clean up in that RUN")


def test_exact_size_of_a_copy_with_the_build_context(tmp_path) -> None:
    (tmp_path / "dist").mkdir()
    (tmp_path / "dist" / "a.bin").write_bytes(b"x" * 1_500_000)
    (tmp_path / "dist" / "b.bin").write_bytes(b"y" * 500_000)
    text = "FROM debian\nCOPY dist /opt/dist\nRUN rm -rf /opt/dist\n"
    [finding] = lint(text, CODE, context_dir=str(tmp_path))
    assert "(2.0 MB, in the build context)" in said(finding)
    [unknown] = lint(text, CODE)  # no context: no size
    assert "build context)" not in said(unknown)


def test_the_build_context_says_a_dotless_source_is_a_file(tmp_path) -> None:
    """Without a context ``bigdata`` reads as a folder (its contents land in /opt/); the
    context shows a file, which lands as /opt/bigdata, which the RUN deletes."""
    (tmp_path / "bigdata").write_bytes(b"x" * 3_000_000)
    text = "FROM debian\nCOPY bigdata /opt/\nRUN rm -f /opt/bigdata\n"
    [finding] = lint(text, CODE, context_dir=str(tmp_path))
    assert "/opt/bigdata" in said(finding)
    assert lint(text, CODE) == []


@pytest.mark.parametrize(
    ("copy", "builder", "link"),
    [
        ("COPY --from=build /out /app", "buildkit", True),
        ("COPY --from=build /out /app", "classic", False),
        ("COPY --from=build /out /usr/lib/app", "buildkit", False),  # a system folder
        ("COPY --link --from=build /out /app", "buildkit", False),  # already linked
        ("COPY --chmod=755 --from=build /out /app", "buildkit", False),
        ("COPY --chown=app --from=build /out /app", "buildkit", False),  # a name
        ("COPY --chown=1000:1000 --from=build /out /app", "buildkit", True),
        ("RUN mkdir /app && chown 1000 /app\nCOPY --from=build /out /app", "buildkit", False),
        ("WORKDIR /app\nCOPY --from=build /out /app", "buildkit", False),
        ("COPY a /app/a\nCOPY --from=build /out /app", "buildkit", False),
    ],
)  # fmt: skip
def test_link_advice_only_where_it_is_sound(copy: str, builder: str, link: bool) -> None:
    text = f"FROM scratch AS build\nFROM debian\n{copy}\nRUN rm -rf /app /usr/lib/app\n"
    findings = lint(text, CODE, builder=builder)
    messages = [said(finding) for finding in findings if "which COPY" in said(finding)]
    assert messages
    assert ("`COPY --link`" in messages[-1]) is link


def test_link_advice_needs_an_external_base() -> None:
    text = (
        "FROM scratch AS build\nFROM debian AS base\nFROM base\n"
        "COPY --from=build /out /app\nRUN rm -rf /app\n"
    )
    [finding] = lint(text, CODE)
    assert "--link" not in said(finding)


def test_relative_paths_follow_workdir() -> None:
    text = (
        "FROM debian\nWORKDIR /src\n"
        "RUN curl -fsSLO https://example.com/tool.tgz\n"
        "WORKDIR /\n"
        "RUN rm /src/tool.tgz\n"
    )
    [finding] = lint(text, CODE)
    assert positions([finding]) == [(5, 5, 5, 21)]
    assert "/src/tool.tgz, which the RUN at line 3 downloaded" in said(finding)


def test_message_advice_depends_on_the_builder() -> None:
    text = "FROM debian\nRUN pip download flask\nRUN rm -rf /root/.cache/pip\n"
    [buildkit] = lint(text, CODE)
    assert "--mount=type=cache" in said(buildkit)
    [classic] = lint(text, CODE, builder="classic")
    assert "--mount" not in said(classic)


@pytest.mark.parametrize(
    ("earlier", "later"),
    [
        # the same RUN writes what it removes
        ("RUN apt-get update && apt-get install -y curl",
         "RUN apt-get update && apt-get install -y git && rm -rf /var/lib/apt/lists/*"),
        ("RUN curl -o /tmp/a.tgz https://e.com/a.tgz",
         "RUN curl -o /tmp/a.tgz https://e.com/a.tgz && tar xzf /tmp/a.tgz && rm /tmp/a.tgz"),
        # the earlier RUN cleaned up itself
        ("RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*",
         "RUN rm -rf /var/lib/apt/lists/*"),
        ("RUN curl -o /tmp/a.tgz https://e.com/a.tgz && rm /tmp/a.tgz", "RUN rm -f /tmp/a.tgz"),
        ("RUN pip install --no-cache-dir flask", "RUN rm -rf /root/.cache"),
        ("RUN --mount=type=cache,target=/root/.cache/pip pip install flask",
         "RUN rm -rf /root/.cache"),
        ("RUN --mount=type=cache,target=/var/lib/apt/lists apt-get update && apt-get install x",
         "RUN rm -rf /var/lib/apt/lists/*"),
        # nothing ties the removed path to an earlier step
        ("RUN echo hello", "RUN rm -rf /var/lib/apt/lists/*"),
        ("COPY . /app", "RUN rm -rf /app/tests"),
        ("COPY app.jar /opt/app/", "RUN rm -rf /opt/app/*.txt"),
        ("RUN curl -o /tmp/a.tgz https://e.com/a.tgz", "RUN rm -f /tmp/b.tgz"),
        ("RUN mkdir -p /data", "RUN rm -rf /data"),
        ("RUN curl -fsSL https://e.com/a.tgz | tar -xz -C /opt", "RUN rm -rf /opt/a/docs"),
        # small text files: a few KB
        ("COPY install.sh /tmp/install.sh", "RUN bash /tmp/install.sh && rm /tmp/install.sh"),
        ("COPY library-scripts/*.sh library-scripts/*.env /tmp/library-scripts/",
         "RUN rm -rf /tmp/library-scripts"),
        ("COPY requirements.txt /tmp/",
         "RUN pip install -r /tmp/requirements.txt && rm -rf /tmp/*"),
        # a downloaded script (PowerShell-Docker's blackarch image: strap.sh)
        ("ADD https://blackarch.org/strap.sh /tmp/strap.sh",
         "RUN chmod +x /tmp/strap.sh && /tmp/strap.sh && rm -f /tmp/strap.sh"),
    ],
)  # fmt: skip
def test_passes(earlier: str, later: str) -> None:
    assert lint(f"FROM debian\n{earlier}\n{later}\n", CODE) == []


def test_other_stages_do_not_count() -> None:
    text = (
        "FROM debian AS a\nRUN curl -o /tmp/a.tgz https://e.com/a.tgz\n"
        "FROM debian\nRUN rm -f /tmp/a.tgz\n"
    )
    assert lint(text, CODE) == []


def test_stage_used_only_for_specific_paths_is_skipped() -> None:
    text = (
        "FROM debian AS build\nRUN curl -o /tmp/a.tgz https://e.com/a.tgz\n"
        "RUN tar -xzf /tmp/a.tgz -C /opt && rm /tmp/a.tgz\n"
        "FROM scratch\nCOPY --from=build /opt /opt\n"
    )
    assert lint(text, CODE) == []


def test_a_path_is_reported_once() -> None:
    text = (
        "FROM debian\nRUN curl -o /tmp/a.tgz https://e.com/a.tgz\n"
        "RUN rm -f /tmp/a.tgz\nRUN rm -f /tmp/a.tgz\n"
    )
    assert positions(lint(text, CODE)) == [(3, 5, 3, 21)]


def test_heredoc_body() -> None:
    text = (
        "FROM debian\nRUN curl -o /tmp/a.tgz https://e.com/a.tgz\n"
        "RUN <<EOF\nset -e\nrm -f /tmp/a.tgz\nEOF\n"
    )
    assert positions(lint(text, CODE)) == [(5, 1, 5, 17)]


def test_onbuild_variant() -> None:
    first = onbuild("RUN curl -o /tmp/a.tgz https://e.com/a.tgz")
    second = onbuild("RUN rm -f /tmp/a.tgz")
    text = f"FROM debian\n{first}\n{second}\n"
    assert positions(lint(text, CODE)) == [span(3, second, "rm -f /tmp/a.tgz")]
    # a trigger's files are not in this image: an ordinary RUN does not tie to them
    assert lint(f"FROM debian\n{first}\nRUN rm -f /tmp/a.tgz\n", CODE) == []


def test_no_fix_is_offered() -> None:
    text = "FROM debian\nRUN curl -o /tmp/a.tgz https://e.com/a.tgz\nRUN rm -f /tmp/a.tgz\n"
    assert fix(text, CODE, unsafe=True) == text


def test_stage_flattened_by_copy_from_root_ships_no_layers() -> None:
    text = (
        "FROM debian AS build\nRUN curl -o /tmp/t.tgz https://e.com/t.tgz && tar xzf /tmp/t.tgz\n"
        "RUN rm /tmp/t.tgz\nFROM scratch\nCOPY --from=build / /\n"
    )
    assert lint(text, CODE) == []
    shipped = text.replace("FROM scratch\nCOPY --from=build / /\n", "FROM build\nCMD x\n")
    assert [f.location.line for f in lint(shipped, CODE)] == [3]


def test_corpus_home_assistant_flattened_build_stage() -> None:
    from corpus_support import corpus_root

    path = corpus_root() / "files" / "home-assistant__docker-base" / "python__3.14__Dockerfile"
    assert lint(path.read_text(encoding="utf-8"), CODE) == []


@pytest.mark.slow
def test_corpus_every_removal_left_to_an_install_is_named_there() -> None:
    """Over the corpus: each LL306 finding that running the install-side rules takes
    away is replaced by an install finding whose help names that removal's line, and no
    LL306 finding appears; the other LL306 findings stay (none loses its only finding)."""
    from corpus_support import corpus_files, decode

    alone = Linter([rule_class(CODE)()])
    together = Linter([rule_class(code)() for code in (CODE, *INSTALL_RULES)])
    left = 0
    for path in corpus_files():
        text, _ = decode(path.read_bytes())
        before = alone.lint_text(text, "Dockerfile").findings
        if not before:
            continue
        findings = together.lint_text(text, "Dockerfile").findings
        after = [finding for finding in findings if finding.code == CODE]
        assert {f.location.line for f in after} <= {f.location.line for f in before}, path
        named = " ".join(said(finding) for finding in findings if finding.code != CODE)
        for finding in before:
            if finding.location.line not in {f.location.line for f in after}:
                left += 1
                clause = f"the removal at line {finding.location.line}, in a later layer"
                assert clause in named, (path, finding.location.line)
    assert left >= 7  # grafana, alpine-node, mssql-tools, the vscode devcontainers...


@pytest.mark.parametrize("switch", ["ENV PIP_NO_CACHE_DIR=1", "ENV PIP_NO_CACHE_DIR=off"])
def test_pip_with_its_cache_turned_off_leaves_nothing_to_remove(switch: str) -> None:
    text = f"FROM python:3.12\n{switch}\nRUN pip install flask\nRUN rm -rf /root/.cache/pip\n"
    assert lint(text, CODE) == []
    assert len(lint(text.replace(switch, "ENV PIP_NO_CACHE_DIR="), CODE)) == 1  # not a switch


def test_a_suppressed_install_finding_leaves_the_removal_reported() -> None:
    """``# lintlayers: ignore=LL301`` on the install: nothing reports the lists there, so
    the later removal keeps its own finding."""
    text = (
        "FROM debian:12\n"
        "# lintlayers: ignore=LL301\n"
        "RUN apt-get update && apt-get install -y curl\n"
        "RUN rm -rf /var/lib/apt/lists/*\n"
    )
    linter = Linter([rule_class("LL301")(), rule_class(CODE)()])
    findings = linter.lint_text(text, "Dockerfile").findings
    assert [(f.code, f.location.line) for f in findings] == [(CODE, 4)]
    plain = text.replace("# lintlayers: ignore=LL301\n", "")
    findings = linter.lint_text(plain, "Dockerfile").findings
    assert [(f.code, f.location.line) for f in findings] == [("LL301", 2)]
    other = text.replace("ignore=LL301", "ignore=LL304")  # suppresses another rule
    findings = (
        Linter([rule_class("LL301")(), rule_class(CODE)()]).lint_text(other, "Dockerfile").findings
    )
    assert [(f.code, f.location.line) for f in findings] == [("LL301", 3)]


def test_a_file_moved_away_is_not_what_a_later_rm_deletes() -> None:
    """dive's `.data/Dockerfile.example`: line 8 moves line 7's file out of the folder
    line 10 removes, so the removal deletes what line 6 wrote, not line 7's."""
    text = (
        "FROM busybox\nADD README.md /somefile.txt\n"
        "RUN cp /somefile.txt /root/example/somefile2.txt\n"
        "RUN cp /somefile.txt /root/example/somefile3.txt\n"
        "RUN mv /root/example/somefile3.txt /root/saved.txt\n"
        "RUN rm -rf /root/example/\n"
    )
    [finding] = lint(text, CODE)
    assert "line 3 wrote" in finding.message
    moved_all = text.replace("/root/example/somefile3.txt /root/saved.txt", "/root/example /x")
    assert lint(moved_all, CODE) == []  # the whole folder went before the rm
