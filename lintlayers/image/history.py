"""The image config's history: which instruction made each layer.

``history`` lists every instruction, layers and metadata alike; entries marked
``empty_layer`` (ENV, LABEL, CMD...) have no layer, so the others pair with the layers in
order. Builders spell ``created_by`` differently; ``parse_created_by`` reduces each to an
instruction keyword and its text:

- classic docker and buildah: ``/bin/sh -c #(nop) COPY file:<hash> in /app`` for
  non-RUN instructions, ``/bin/sh -c <command>`` (or the exec form's JSON text) for RUN,
  prefixed with ``|N NAME=value...`` when build args are in scope;
- BuildKit: ``RUN /bin/sh -c <command> # buildkit``, ``COPY src dest # buildkit``,
  ``WORKDIR /app``, ``ENV A=b``..., with the same ``|N`` prefix for RUN.
"""

from __future__ import annotations

import re

KEYWORDS = frozenset(
    {"ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK", "LABEL",
     "MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR"}
)  # fmt: skip
BUILDKIT_SUFFIX = "# buildkit"
NOP = "#(nop)"

_ARGS_PREFIX = re.compile(r"\|(\d+)\s")
_SHELL_PREFIX = re.compile(r"(?:\S*/)?(?:ba|a|da|z|k|mk)?sh(?:\s+(?!-c\s)\S+){0,4}?\s+-c\s+")


class HistoryEntry:
    """One ``history`` entry: its raw ``created_by`` and what it reduces to.

    ``keyword`` is the instruction (``RUN`` when the text is a bare command); ``body``
    its text with the builder's decorations removed (for RUN: without the build-args
    prefix and the ``/bin/sh -c`` shell prefix), whitespace collapsed; ``raw_body`` the
    same before the shell prefix is removed.
    """

    __slots__ = ("body", "created_by", "empty", "index", "keyword", "raw_body")

    def __init__(self, index: int, created_by: str, empty: bool) -> None:
        self.index = index
        self.created_by = created_by
        self.empty = empty
        self.keyword, self.raw_body, self.body = parse_created_by(created_by)

    @property
    def instruction(self) -> str:
        """``KEYWORD text`` as a reader would write it, e.g. ``RUN rm /big.bin``."""
        return f"{self.keyword} {self.body}".rstrip() if self.keyword else self.body

    def __repr__(self) -> str:
        return f"HistoryEntry({self.index}, {self.instruction!r}, empty={self.empty})"


def normalize_space(text: str) -> str:
    return " ".join(text.split())


def parse_created_by(created_by: str) -> tuple[str, str, str]:
    """``(keyword, raw_body, body)`` of a ``created_by`` text (see the module docstring)."""
    text = created_by.strip()
    if text.endswith(BUILDKIT_SUFFIX):
        text = text[: -len(BUILDKIT_SUFFIX)].rstrip()
    first, _, rest = text.partition(" ")
    if first in KEYWORDS:  # BuildKit spells the instruction
        if first == "RUN":
            raw = normalize_space(_strip_args(rest))
            return "RUN", raw, _strip_shell(raw)
        return first, normalize_space(rest), normalize_space(rest)
    text = _strip_args(text)
    nop = text.find(NOP)
    if nop == 0 or (nop > 0 and _SHELL_PREFIX.fullmatch(text[:nop]) is not None):
        rest = text[nop + len(NOP) :].strip()
        keyword, _, body = rest.partition(" ")
        if keyword.upper() in KEYWORDS:
            return keyword.upper(), normalize_space(body), normalize_space(body)
        return "", normalize_space(rest), normalize_space(rest)
    raw = normalize_space(text)
    if not raw:
        return "", "", ""
    return "RUN", raw, _strip_shell(raw)


def _strip_args(text: str) -> str:
    """Remove the ``|N A=1 B=2`` build-args prefix."""
    match = _ARGS_PREFIX.match(text)
    if match is None:
        return text
    rest = text[match.end() :].lstrip()
    for _ in range(int(match.group(1))):
        _, _, rest = rest.partition(" ")
        rest = rest.lstrip()
    return rest


def _strip_shell(text: str) -> str:
    match = _SHELL_PREFIX.match(text)
    return text[match.end() :] if match is not None else text


def read_history(config: dict[str, object]) -> list[HistoryEntry]:
    """The config's history entries, in order."""
    history = config.get("history")
    if not isinstance(history, list):
        return []
    entries = []
    for index, item in enumerate(history):
        if not isinstance(item, dict):
            continue
        created_by = item.get("created_by")
        entries.append(
            HistoryEntry(
                index,
                created_by if isinstance(created_by, str) else "",
                bool(item.get("empty_layer")),
            )
        )
    return entries


def pair_layers(
    entries: list[HistoryEntry], layer_count: int
) -> tuple[list[HistoryEntry | None], str | None]:
    """The history entry of each layer, and a note when the counts disagree.

    Non-empty entries pair with the layers in order. When the history has fewer, the
    top layers get ``None``; extra entries are ignored.
    """
    layered = [entry for entry in entries if not entry.empty]
    paired: list[HistoryEntry | None] = list(layered[:layer_count])
    paired += [None] * (layer_count - len(paired))
    note = None
    if entries and len(layered) != layer_count:
        note = (
            f"the history has {len(layered)} entries with a layer for {layer_count} layers; "
            "layers were paired with them in order"
        )
    return paired, note
