"""LL311 secret-file-copied."""

from __future__ import annotations

import os
import re

from lintlayers.diagnostics import Violation
from lintlayers.model.copy_args import copy_args
from lintlayers.rule import Rule
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator

    from lintlayers.buildcontext.context import BuildContext
    from lintlayers.buildcontext.report import CopyReport, CopySource, Flagged, Unwanted
    from lintlayers.context import RuleContext
    from lintlayers.diagnostics import Fix
    from lintlayers.model.stages import BuildModel
    from lintlayers.syntax.nodes import Instruction

PUBLIC_DESTINATIONS = (".pub", ".asc", ".gpg", ".crt", ".cert")
"""Destination endings saying the copied key or PEM file is a public one."""

PUBLIC_DESTINATION_PARTS = ("trusted.gpg", "keyrings", "ca-certificates", "authorized_keys")
"""Destination fragments saying the same (apt keyrings, CA stores, authorized keys)."""

_LISTED = 4


class SecretFileCopied(Rule):
    """Reports a COPY/ADD that puts a secret file into an image layer.

    ## What it does
    Reports COPY/ADD sources that name a secret: an environment file (`.env`,
    `.env.production`; not `.env.example`), an SSH private key (`id_rsa`,
    `id_ed25519`...), a private key (`*.key`, `*.pem`, except names and
    destinations of certificates and public keys), `.netrc`, `.git-credentials`,
    an `.ssh` or `.aws` folder, or, when the build context is known, an `.npmrc`
    or `.pypirc` holding a token or password line. With the context known it also
    reports such files that a broader COPY (`COPY . .`, `COPY config/ ...`) brings
    in after `.dockerignore`, even when a `.dockerignore` exception brings them in
    on purpose. Files inside a folder LL309 reports (`node_modules`, `.git`) are not
    looked at.

    ## Why it matters
    Whoever can pull the image (or read the build cache) can read every file of
    every layer. Deleting the file in a later RUN does not help: it stays in the
    layer of the COPY. In a builder stage it still lands in the build cache.

    ## Example
    ```dockerfile
    FROM node:20-slim
    WORKDIR /app
    COPY .npmrc package.json package-lock.json ./
    RUN npm ci && rm .npmrc
    ```

    ## Use instead
    ```dockerfile
    FROM node:20-slim
    WORKDIR /app
    COPY package.json package-lock.json ./
    RUN --mount=type=secret,id=npmrc,target=/app/.npmrc npm ci
    ```
    built with `docker build --secret id=npmrc,src=.npmrc .`; for SSH keys use
    `RUN --mount=type=ssh` with `docker build --ssh default`.

    ## Fix
    For files a broad COPY brings in: unsafe, appends them to the `.dockerignore`
    in effect (created if missing), as LL309 does; the build may need them, so it
    then needs a secret mount instead. None when a `.dockerignore` exception brings
    the file in on purpose, and none for a file the Dockerfile names: the steps
    that use it must be rewritten to read a secret mount.
    """

    code = "LL311"
    name = "secret-file-copied"
    category = "correctness"
    severity = "error"
    summary = "COPY/ADD puts a secret file (.env, private key, token) into an image layer"
    needs = ("COPY", "ADD")

    def check(self, context: RuleContext) -> Iterator[Violation]:
        from lintlayers.buildcontext.report import copy_sources, expand_source

        model = context.model
        escape = context.dockerfile.escape
        named: set[tuple[int, int]] = set()
        for instruction, values, from_context in _copies(model):
            sources = copy_sources(instruction)
            destination = _destination(instruction)
            for text, start, end in sources:
                value = expand_source(text, values, escape)
                if value is None:
                    continue
                row = explicit_secret(value, destination, context.context_dir, from_context)
                if row is None:
                    continue
                named.add((start, end))
                message, help = _named_message(instruction, text, row, destination)
                yield Violation(start, end, message, help=help)
        yield from _brought_in(context, named)


def _copies(model: BuildModel) -> Iterator[tuple[Instruction, dict[str, str], bool]]:
    """Every COPY/ADD with its variables (read before the next: ``walk_values``) and
    whether it reads this build context."""
    from lintlayers.model.scope_values import walk_values

    for stage in model.stages:
        for instruction, scope_values in walk_values(model, stage):
            effective = instruction.effective
            if effective.keyword not in ("COPY", "ADD"):
                continue
            trigger = effective is not instruction  # ONBUILD: another build's context
            values = {} if trigger else scope_values
            yield effective, values, not trigger and not effective.has_flag("from")


def _destination(instruction: Instruction) -> str:
    destination = copy_args(instruction).destination
    return destination.value if destination is not None else ""


def explicit_secret(
    value: str, destination: str, context_dir: str | None, from_context: bool
) -> Unwanted | None:
    """The secret row a COPY source names, or None.

    Folders on the way count (``.ssh/id_rsa``); a wildcard part stops the check. An
    ``.npmrc``/``.pypirc`` counts only when it is read from the known build context
    and holds a credential line.
    """
    from lintlayers.buildcontext.patterns import go_clean
    from lintlayers.buildcontext.report import (
        TOKEN,
        classify_name,
        has_token_line,
        read_token_file,
        wildcard_index,
    )

    cleaned = go_clean("/" + value).lstrip("/")
    if not cleaned:
        return None
    parts = cleaned.split("/")
    for part in parts[:-1]:
        if wildcard_index(part) >= 0:
            return None
        row = classify_name(part, True, secrets_only=True)
        if row is not None:
            return row
    last = parts[-1]
    if wildcard_index(last) >= 0:
        return None
    row = classify_name(last, False, secrets_only=True) or classify_name(
        last, True, secrets_only=True
    )
    if row is not None:
        return None if _public_destination(destination) else row
    if context_dir is None or not from_context:
        return None
    from lintlayers.buildcontext.report import ROWS

    for token_row in ROWS:
        if token_row.kind != TOKEN or token_row.glob_for(last) is None:
            continue
        path = _inside(context_dir, cleaned)
        text = read_token_file(path) if path is not None else None
        if text is not None and has_token_line(last, text):
            return token_row
    return None


def _inside(root: str, relative: str) -> str | None:
    """``root/relative`` when it resolves inside ``root`` (symlinks followed)."""
    real_root = os.path.realpath(root)
    path = os.path.realpath(os.path.join(real_root, relative))
    return path if path.startswith(real_root + os.sep) else None


def _public_destination(destination: str) -> bool:
    lowered = destination.lower()
    if lowered.endswith(PUBLIC_DESTINATIONS):
        return True
    return any(part in lowered for part in PUBLIC_DESTINATION_PARTS)


def _mount_hint(name: str, row: Unwanted, destination: str) -> str:
    if ".ssh" in row.names:
        return "use `RUN --mount=type=ssh` (with `docker build --ssh default`) for SSH access"
    ident = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_") or "secret"
    target = ""
    if destination.startswith("/") and not destination.endswith("/"):
        target = f",target={destination}"
    mount = f"RUN --mount=type=secret,id={ident}{target}"
    return f"read it from a secret mount where it is needed (`{mount} ...`)"


def _named_message(
    instruction: Instruction, text: str, row: Unwanted, destination: str
) -> tuple[str, str]:
    name = text.rstrip("/").rpartition("/")[2] or text
    return (
        f"`{instruction.keyword}` puts {row.what} into an image layer anyone who pulls it can read",
        f"`{instruction.keyword} {text}`: the build cache keeps it too, and deleting it in a "
        f"later RUN leaves it in this layer; {_mount_hint(name, row, destination)}",
    )


def _brought_in(context: RuleContext, named: set[tuple[int, int]]) -> Iterator[Violation]:
    """Secrets a broader COPY brings in from the known build context."""
    from lintlayers.buildcontext.report import dockerignore_fix, reports_for

    found = reports_for(context)
    if found is None:
        return
    build_context, reports = found
    chosen: list[tuple[CopyReport, list[Flagged]]] = []
    for report in reports:
        items = [
            item
            for item in report.flagged
            if item.secret
            and not item.explicit
            and (item.source.start, item.source.end) not in named
        ]
        if items:
            chosen.append((report, items))
    if not chosen:
        return
    fixable = [item for _, items in chosen for item in items if not item.deliberate]
    fix: Fix | None = None
    lines: list[str] = []
    if fixable:
        message = "Add {lines} to {file}"
        fix, lines = dockerignore_fix(context, build_context, fixable, message)
    for report, items in chosen:
        groups: dict[int, tuple[CopySource, list[Flagged]]] = {}
        for item in items:
            groups.setdefault(id(item.source), (item.source, []))[1].append(item)
        for source, group in sorted(groups.values(), key=lambda pair: pair[0].start):
            has_fix = any(not item.deliberate and item.ignore in lines for item in group)
            message, help = _brought_message(report, source, group, context, build_context)
            yield Violation(source.start, source.end, message, fix if has_fix else None, help=help)


def _brought_message(
    report: CopyReport,
    source: CopySource,
    items: list[Flagged],
    context: RuleContext,
    build_context: BuildContext,
) -> tuple[str, str]:
    listed = [f"{item.shown} ({item.what})" for item in items[:_LISTED]]
    if len(items) > _LISTED:
        listed.append(f"{len(items) - _LISTED} more")
    names = listed[0] if len(listed) == 1 else ", ".join(listed[:-1]) + " and " + listed[-1]
    one = len(items) == 1
    it = "it" if one else "them"
    if all(item.deliberate for item in items):
        state = "a .dockerignore exception brings " + it + " in"
    elif build_context.ignore_file is None:
        state = "there is no .dockerignore"
    else:
        state = f"{os.path.basename(build_context.ignore_file)} does not leave {it} out"
    what = items[0].what if one else f"{len(items)} secrets"
    return (
        f"`{report.keyword} {source.text}` puts {what} from the build context into an image layer",
        f"{names} from {context.context_dir} ({state}): anyone who can pull the image can "
        f"read {it}, and deleting {it} in a later RUN leaves {it} in this layer; leave {it} "
        "out of the context and give the build what it needs with `RUN --mount=type=secret`",
    )
