"""The Dockerfile syntax tree and its parser."""

from lintlayers.syntax.nodes import (
    Directive,
    Dockerfile,
    Flag,
    Heredoc,
    Instruction,
    LogicalLine,
    ParseError,
    Trivia,
    Word,
)
from lintlayers.syntax.parser import parse, parse_source

__all__ = [
    "Directive",
    "Dockerfile",
    "Flag",
    "Heredoc",
    "Instruction",
    "LogicalLine",
    "ParseError",
    "Trivia",
    "Word",
    "parse",
    "parse_source",
]
