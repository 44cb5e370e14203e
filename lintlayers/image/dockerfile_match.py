"""Pairing the image's history entries with the Dockerfile instructions that made them.

How it matches (``match_history``):

1. The candidate instruction sequences are the stages of the Dockerfile, each preceded by
   the stages it is built ``FROM`` (``FROM builder`` chains to the ``builder`` stage);
   the image came from one of them (the last stage, or ``--target``).
2. Each history entry is reduced to a keyword and a text (``history.parse_created_by``),
   each instruction to its keyword and its text with continuation lines joined, comments
   inside them dropped and whitespace collapsed.
3. A pair scores 3 when the texts agree: a RUN's command equals the shell-form text or
   the exec-form arguments (as JSON, as the builder wrote them, or joined by spaces);
   COPY/ADD destinations are equal (buildah and classic docker write
   ``file:<hash> in DEST``, BuildKit ``SRC... DEST``); other instructions' texts are equal.
   It scores 2 when a RUN's text starts with the instruction's first line (heredocs),
   1 when only the keyword agrees, 0 (no pair) otherwise.
4. An order-preserving alignment with the highest total score (a weighted longest common
   subsequence) pairs entries with instructions; the candidate sequence with the highest
   score wins, the later stage on a tie. Entries left unpaired came from the base image
   (or from ONBUILD triggers).
"""

from __future__ import annotations

import json

from lintlayers.image.history import normalize_space
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from lintlayers.image.history import HistoryEntry
    from lintlayers.model.stages import Stage
    from lintlayers.syntax.nodes import Dockerfile, Instruction


class Match:
    """The outcome: history index -> instruction, and the ``FROM`` of the chosen chain."""

    __slots__ = ("from_instruction", "instructions", "score")

    def __init__(self) -> None:
        self.instructions: dict[int, Instruction] = {}
        self.from_instruction: Instruction | None = None
        self.score = 0


def match_history(
    dockerfile: Dockerfile, entries: list[HistoryEntry], target: str | None = None
) -> Match:
    """Pair ``entries`` with the instructions of ``dockerfile`` (see the module docstring).

    ``target`` restricts the candidates to the stage of that name or index.
    """
    from lintlayers.model.stages import build_model

    model = build_model(dockerfile)
    best = Match()
    stages = model.stages
    if target is not None:
        chosen = model.stage_named(target)
        stages = [chosen] if chosen is not None else []
    for stage in stages:
        chain: list[Stage] = []
        seen: set[int] = set()
        current: Stage | None = stage
        while current is not None and current.index not in seen:
            seen.add(current.index)
            chain = [current, *chain]
            current = current.base_stage
        instructions = [
            instruction
            for link in chain
            for instruction in link.instructions
            if instruction.keyword != "FROM"
        ]
        pairs, score = _align(entries, instructions)
        if score >= best.score:  # the later stage wins a tie
            best = Match()
            best.score = score
            best.from_instruction = chain[0].from_instruction
            best.instructions = {entries[i].index: instructions[j] for i, j in pairs}
    return best


def _align(
    entries: list[HistoryEntry], instructions: list[Instruction]
) -> tuple[list[tuple[int, int]], int]:
    """The order-preserving pairing with the highest total score, and that score."""
    n, m = len(entries), len(instructions)
    texts = [_InstructionText(instruction) for instruction in instructions]
    scores = [[score(entry, text) for text in texts] for entry in entries]
    table = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(1, n + 1):
        row, previous, pair_row = table[i], table[i - 1], scores[i - 1]
        for j in range(1, m + 1):
            best = max(previous[j], row[j - 1])
            pair = pair_row[j - 1]
            if pair and previous[j - 1] + pair > best:
                best = previous[j - 1] + pair
            row[j] = best
    pairs = []
    i, j = n, m
    while i > 0 and j > 0:
        pair = scores[i - 1][j - 1]
        if pair and table[i][j] == table[i - 1][j - 1] + pair:
            pairs.append((i - 1, j - 1))
            i, j = i - 1, j - 1
        elif table[i][j] == table[i - 1][j]:
            i -= 1
        else:
            j -= 1
    pairs.reverse()
    return pairs, table[n][m]


class _InstructionText:
    """The texts an instruction may appear as in a history entry."""

    __slots__ = ("destination", "first_line", "keyword", "texts")

    def __init__(self, instruction: Instruction) -> None:
        effective = instruction
        self.keyword = effective.keyword
        self.texts: set[str] = set()
        self.destination: str | None = None
        self.first_line = ""
        arguments = normalize_space(effective.arguments)
        if effective.json_args is not None:
            self.texts.add(normalize_space(" ".join(effective.json_args)))
            self.texts.add(normalize_space(json.dumps(effective.json_args)))
            self.texts.add(arguments)
        else:
            self.texts.add(arguments)
            if effective.heredocs:
                self.first_line = arguments
        if self.keyword in ("COPY", "ADD"):
            from lintlayers.model.copy_args import copy_args

            destination = copy_args(effective).destination
            self.destination = destination.value if destination is not None else None


def score(entry: HistoryEntry, text: _InstructionText) -> int:
    """How well ``entry`` matches an instruction: 3 exact, 2 prefix, 1 keyword, 0 none."""
    if not entry.keyword or entry.keyword != text.keyword:
        return 0
    if entry.keyword == "RUN":
        if entry.body in text.texts or entry.raw_body in text.texts:
            return 3
        if entry.body.startswith("["):
            try:
                parsed = json.loads(entry.body)
            except ValueError:
                parsed = None
            if (
                isinstance(parsed, list)
                and normalize_space(" ".join(map(str, parsed))) in text.texts
            ):
                return 3
        if text.first_line and entry.body.startswith(text.first_line):
            return 2
        return 1
    if entry.keyword in ("COPY", "ADD"):
        destination = _history_destination(entry.body)
        if (
            destination is not None
            and text.destination is not None
            and _same_path(destination, text.destination)
        ):
            return 3
        return 1
    return 3 if entry.body in text.texts else 1


def _history_destination(body: str) -> str | None:
    """The destination of a COPY/ADD history text (``file:<hash> in DEST`` or ``SRC DEST``)."""
    head, separator, tail = body.partition(" in ")
    if separator and ":" in head and " " not in head:
        return tail.strip()
    words = body.split()
    return words[-1] if words else None


def _same_path(left: str, right: str) -> bool:
    def clean(path: str) -> str:
        return path.rstrip("/") or "/"

    return clean(left) == clean(right)
