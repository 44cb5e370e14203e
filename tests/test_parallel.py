"""``check --jobs``: several processes give the same report as one, in the same order."""

from __future__ import annotations

import json
import os
from typing import TYPE_CHECKING

import pytest
from corpus_support import corpus_files
from test_cli import lintlayers_cli, write

from lintlayers.parallel import MIN_FILES_PER_JOB, job_count, lint_all

if TYPE_CHECKING:
    from pathlib import Path

VARIANTS = (
    "FROM python:3.12-slim\nCOPY . /app\nRUN pip install -r /app/requirements.txt\n",
    "FROM debian:12\nRUN apt-get update\nRUN apt-get install -y curl\n",
    "FROM alpine:3.20\nRUN apk add git\nMAINTAINER someone\n",
    'FROM node:22\nWORKDIR /app\nCOPY . .\nRUN npm ci\nCMD ["node", "main.js"]\n',
    "FROM alpine:3.20\nRUN echo fine\n",
    'FROM alpine:3.20\nRUN ["a", 1]\nNOTANINSTRUCTION x\n',
)


def many_dockerfiles(root: Path, count: int) -> list[str]:
    """``count`` Dockerfiles in their own folders, cycling through the variants."""
    names = []
    for number in range(count):
        folder = root / f"service{number:03d}"
        write(folder / "Dockerfile", VARIANTS[number % len(VARIANTS)] + f"LABEL n={number}\n")
        write(folder / "requirements.txt", "flask\n")
        names.append(f"service{number:03d}/Dockerfile")
    return names


@pytest.mark.parametrize("output", ["text", "json", "sarif", "github"])
def test_two_processes_report_exactly_what_one_does(tmp_path: Path, output: str) -> None:
    names = many_dockerfiles(tmp_path, 70)
    one = lintlayers_cli("check", "--jobs", "1", "--format", output, *names, cwd=tmp_path)
    two = lintlayers_cli("check", "--jobs", "2", "--format", output, *names, cwd=tmp_path)
    assert one.returncode == two.returncode == 1
    assert two.stdout == one.stdout
    assert two.stderr == one.stderr
    if output == "json":
        files = {finding["file"] for finding in json.loads(one.stdout)["findings"]}
        clean = VARIANTS.index("FROM alpine:3.20\nRUN echo fine\n")
        assert files == {name for number, name in enumerate(names) if number % 6 != clean}


@pytest.mark.slow  # two CLI runs over 300 corpus files
def test_same_report_on_the_real_corpus_with_and_without_workers(tmp_path: Path) -> None:
    files = [str(path) for path in corpus_files()[:300]]
    one = lintlayers_cli("check", "--jobs", "1", "--format", "json", *files, cwd=tmp_path)
    many = lintlayers_cli("check", "--jobs", "3", "--format", "json", *files, cwd=tmp_path)
    assert one.returncode in (0, 1)
    assert many.stdout == one.stdout
    assert json.loads(many.stdout)["findings"]


def test_jobs_must_be_a_whole_number_at_least_zero(tmp_path: Path) -> None:
    write(tmp_path / "Dockerfile", "FROM alpine\n")
    for value in ("-1", "two"):
        result = lintlayers_cli("check", "--jobs", value, "Dockerfile", cwd=tmp_path)
        assert result.returncode == 2
        assert "--jobs" in result.stderr


def test_job_count() -> None:
    assert job_count(3, 100) == 3
    assert job_count(8, 2) == 2  # never more processes than files
    assert job_count(None, 1) == 1
    assert job_count(0, MIN_FILES_PER_JOB - 1) == 1  # few files: forking costs more
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    assert job_count(0, 10_000) == cpus


def test_lint_all_keeps_the_order_and_runs_in_other_processes() -> None:
    parent = os.getpid()
    results = lint_all(lambda index: [(index, os.getpid())], 40, 2)  # type: ignore[arg-type,return-value]
    assert [found[0][0] for found in results] == list(range(40))
    assert {found[0][1] for found in results} - {parent}, "no worker process ran"
