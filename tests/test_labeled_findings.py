"""The labeled sample of real corpus findings (issue 9): precision measured by reading.

``tests/data/labeled_findings.tsv`` holds findings of ``lintlayers check`` on the shared
corpus, each judged by reading the Dockerfile: ``worth`` (correct and worth a developer's
time to act on), ``true-minor`` (true, but not worth acting on: a few kB, a test fixture,
intentional) or ``wrong`` (the claim is false, or the fix would break the build), with the
concrete reason. How the sample was drawn is in ``tests/data/README.md``.

The labels stay tied to the real output: the labeled corpus files are linted as a run in
their repositories sees them (each at its path there, with ``--force-exclude``) and every
labeled finding (file, line, code) must still be reported. When a rule change removes
or moves a labeled finding, this test fails: re-judge that finding (drop the row of a
finding that is gone, fix the line of one that moved) and keep the file consistent.
"""

from __future__ import annotations

import collections
import json
import os
import subprocess
import sys

import pytest
from corpus_support import REPO_ROOT, corpus_root

SAMPLE = REPO_ROOT / "tests" / "data" / "labeled_findings.tsv"
COLUMNS = ["builder", "file", "line", "code", "verdict", "reason"]
VERDICTS = ("worth", "true-minor", "wrong")
BUILDERS = ("buildkit", "classic")
MAIN = "buildkit"
"""The main sample: uniform over every BuildKit finding. ``classic`` rows are the
classic-builder-only findings (LL202), a second sample reported on its own."""

# Issue 9's target for the main sample.
TARGET_WORTH = 0.90
TARGET_WRONG = 0.01
# What the sample measures now: a floor, so a change that makes findings worse (or a
# relabeling that hides it) fails. Raise these when the figures improve. (The
# supplementary draw of LL106, LL107 and LL316 brought 58.8% worth and 4.6% wrong; after
# the LL106 and LL107 changes that followed, 61.9% and 2.2% on 226 findings; 75.3% and
# 1.6% on 186 after the afternoon's changes; 75.8% and 1.1% once the codespaces LL301 row
# was found worth, not wrong; 77.9% and 1.1% (2 of 181) after LL104 and LL107 left URLs
# that follow upstream and installs that see no build context; with a second uniform draw
# of 40 findings of today's output, 76.0% and 1.8% (4 of 221); 77.0% and 1.8% (4 of 217)
# once stages that feed only test targets stopped counting as shipped; 77.0% and 1.4% once
# LL302 measured an older base's release without Debian 12's libc-devtools; 77.3% and 1.4%
# (3 of 216) once a base picked by a platform ARG counted as used; 77.3% and 0.9% (2 of
# 216) once LL107 told Go builds that the mount keeps their compiled packages too; with a
# third uniform draw of 48 findings never labeled (44.7% worth of the 47 still reported
# after the changes it led to), 71.6% and 0.8% (2 of 261); with a fourth draw of 48 (16
# worth, 2 wrong), after the devcontainers base image's man pages dropped two LL302
# findings, 66.4% and 1.0% (3 of 307); 66.9% and 0.7% (2 of 305) once LL316 left conda installs
# that run only with an optional file (the dev container templates); 66.8% and 0.7% (2 of 304)
# once a cache left at an install and removed by a later RUN was one finding, not two;
# 67.4% and 0.7% (2 of 304) once LL102 reported a block of adjacent ARGs as one finding;
# measured on a repository run since (each file at its path in its repository, with
# --force-exclude), once the size rules left a test suite's images: 74.9% and 0.7% (2 of
# 267); with a fifth uniform draw of 48 (12 worth, 5 wrong as judged) after LL107 left
# test suites, 68.2% and 1.3% (4 of 311); 69.3% and 1.0% (3 of 306) once a test suite's
# files got only the correctness and style rules and LL104 left Sysinternals Live; with a
# sixth uniform draw of 48 (20 worth, 2 wrong as judged) after LL302 counted no man pages
# on slim and minimized bases, 65.5% and 1.1% (4 of 351); with a seventh of 48 (22 worth,
# 2 wrong as judged) after .NET 3.1 and 5.0 counted as buster and LL302's fix kept the
# ca-certificates only a recommend brings, 63.3% and 1.0% (4 of 398); with an eighth of 48
# (14 worth, 6 wrong as judged) after the images built on buildpack-deps and Mesa's Vulkan
# drivers were known and LL107 left ONBUILD triggers, 60.9% and 1.2% (5 of 430); with a
# ninth of 48 (12 worth, 2 wrong as judged) once .NET Framework images counted as Windows
# ones and yum on DNF systems kept DNF's cache, 57.4% and 1.3% (6 of 477); 57.5% and 1.3%
# (6 of 475) once LL302 left out what a later install of the stage depends on; with a tenth
# draw of 48 (11 worth, 7 wrong as judged), after LL302's fix kept ca-certificates for a
# curl the RUN purges, LL301 gave no fix before a later unread script and php images held
# their build dependencies, 55.4% and 1.2% (6 of 520): every wrong one a Go build whose
# downloads only the build context tells (stdlib-only or vendored); with an eleventh draw
# of 48 (16 worth, 3 wrong as judged), after LL312 gave no purge advice before a later RUN
# that compiles and LL107 left a build after a build of the stage, 53.7% and 1.2% (7 of
# 566); 54.4% and 0.4% (2 of 559) once a Go build of named files (`go build main.go`)
# was left to the build context, which alone tells whether it imports any module; 56.6%
# and 0.4% (2 of 525) once a stage named for development stayed local like one named for
# tests (awesome-compose's dev-envs and development targets); with a twelfth draw of 48
# (15 worth, 5 wrong as judged) after LL107 let a stage find what the builds of the stage
# it is built on fetched, 54.7% and 0.9% (5 of 570); with the 58 findings left unlabeled
# judged too (18 worth, none wrong), the whole BuildKit output: 52.6% and 0.8% (5 of 627);
# 52.7% and 0.8% (5 of 626) once a downloaded script counted as a small file for LL306;
# 52.9% and 0.8% (5 of 624) once LL107 gave no Bundler mount for a Ruby from the system
# packages, whose gems go under a folder named for its version; 53.2% and 0.8% (5 of 620)
# once LL107 left vcpkg with a binary cache of its own and Go in GOPATH mode.)
FLOOR_WORTH = 0.532
CEILING_WRONG = 0.0081


def labeled_rows() -> list[dict[str, object]]:
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    assert lines[0].split("\t") == COLUMNS, f"{SAMPLE.name}: header must be {COLUMNS}"
    rows = []
    for number, line in enumerate(lines[1:], start=2):
        fields = line.split("\t")
        assert len(fields) == len(COLUMNS), f"{SAMPLE.name}:{number}: {len(fields)} columns"
        row: dict[str, object] = dict(zip(COLUMNS, fields, strict=True))
        row["line"] = int(fields[2])
        rows.append(row)
    return rows


def figures(rows: list[dict[str, object]]) -> dict[str, float]:
    counts = collections.Counter(str(row["verdict"]) for row in rows)
    return {verdict: counts[verdict] / len(rows) for verdict in VERDICTS}


def per_rule(rows: list[dict[str, object]]) -> dict[str, collections.Counter[str]]:
    table: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for row in rows:
        table[str(row["code"])][str(row["verdict"])] += 1
    return dict(sorted(table.items()))


def report(rows: list[dict[str, object]]) -> str:
    lines = []
    for builder in BUILDERS:
        chosen = [row for row in rows if row["builder"] == builder]
        if not chosen:
            continue
        shares = figures(chosen)
        shown = ", ".join(f"{verdict} {shares[verdict]:.1%}" for verdict in VERDICTS)
        lines.append(f"{builder}: {len(chosen)} findings: {shown}")
        for code, counts in per_rule(chosen).items():
            cells = " ".join(f"{verdict}={counts[verdict]}" for verdict in VERDICTS)
            lines.append(f"  {code}: {sum(counts.values())} ({cells})")
    return "\n".join(lines)


def test_sample_is_well_formed():
    rows = labeled_rows()
    keys = [(row["builder"], row["file"], row["line"], row["code"]) for row in rows]
    assert len(set(keys)) == len(keys), "a finding is labeled twice"
    for row in rows:
        assert row["builder"] in BUILDERS, row
        assert row["verdict"] in VERDICTS, row
        assert str(row["code"]).startswith("LL"), row
        reason = str(row["reason"]).strip()
        assert 10 <= len(reason) <= 220, f"reason must be short and concrete: {row}"
    main = [row for row in rows if row["builder"] == MAIN]
    assert len(main) >= 150, f"the main sample has {len(main)} findings, issue 9 wants 150"
    assert any(row["builder"] == "classic" for row in rows)
    print(report(rows))


@pytest.fixture(scope="module")
def reported(tmp_path_factory) -> dict[str, set[tuple[str, int, str]]]:
    """(file, line, code) of every finding on the labeled corpus files, per builder, as
    a run in their repositories reports them: each file at its path in its repository
    (``corpus_layout.repository_tree``, so the folders a file sits in count, as
    ``tests/`` does), with ``--force-exclude`` as the pre-commit hooks pass it."""
    from corpus_layout import repository_tree

    placed = repository_tree(corpus_root(), tmp_path_factory.mktemp("repositories"))
    rows = labeled_rows()
    found: dict[str, set[tuple[str, int, str]]] = {}
    for builder in BUILDERS:
        files = sorted({str(row["file"]) for row in rows if row["builder"] == builder})
        missing = [name for name in files if name not in placed]
        assert not missing, f"labeled files missing from the corpus: {missing[:5]}"
        named = {str(placed[name]): name for name in files}
        command = [sys.executable, "-m", "lintlayers", "check", "--format", "json", "--quiet"]
        completed = subprocess.run(
            [*command, "--builder", builder, "--jobs", "1", "--force-exclude", *named],
            capture_output=True,
            text=True,
            cwd=REPO_ROOT,
            env={**os.environ, "CI": ""},
            timeout=600,
        )
        assert completed.returncode in (0, 1), completed.stderr[-3000:]
        found[builder] = {
            (named[f["file"]], f["location"]["line"], f["code"])
            for f in json.loads(completed.stdout)["findings"]
        }
    return found


@pytest.mark.slow
def test_every_labeled_finding_is_still_reported(reported):
    gone = [
        f"{row['builder']} {row['code']} {row['file']}:{row['line']} ({row['verdict']})"
        for row in labeled_rows()
        if (row["file"], row["line"], row["code"]) not in reported[str(row["builder"])]
    ]
    assert not gone, (
        f"{len(gone)} labeled findings are no longer reported: re-judge them and update "
        f"{SAMPLE.name}:\n" + "\n".join(gone)
    )


def test_precision_does_not_fall_below_what_was_measured():
    main = [row for row in labeled_rows() if row["builder"] == MAIN]
    shares = figures(main)
    assert shares["worth"] >= FLOOR_WORTH, report(main)
    assert shares["wrong"] <= CEILING_WRONG, report(main)


@pytest.mark.xfail(
    strict=True,
    reason="issue 9's worth target is not reached: every BuildKit finding of a repository run "
    "over the corpus is labeled, 620 findings, 53.2% worth and 0.8% wrong (the wrong target is "
    "met). Most true-minor ones rest on what the image is for (local-only samples, CI and "
    "development images) or on its build context (installs that fetch little or nothing); "
    "without the image's purpose the worth share cannot pass 77%, without the context too "
    "67% (tests/data/README.md, session 12)",
)
def test_precision_meets_the_issue_9_target():
    main = [row for row in labeled_rows() if row["builder"] == MAIN]
    shares = figures(main)
    assert shares["worth"] >= TARGET_WORTH, report(main)
    assert shares["wrong"] <= TARGET_WRONG, report(main)
