"""The ``rules`` and ``explain`` commands."""

from __future__ import annotations

from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import TextIO

    from lintlayers.rule import Rule


def _rules() -> list[type[Rule]]:
    from lintlayers.registry import load_rules

    return load_rules()


def rule_record(rule: type[Rule]) -> dict[str, object]:
    return {
        "code": rule.code,
        "name": rule.name,
        "category": rule.category,
        "severity": rule.severity,
        "summary": rule.summary,
        "builders": list(rule.builders),
        "hadolint": list(rule.hadolint),
        "url": rule.url(),
    }


def list_rules(fmt: str, out: TextIO) -> int:
    rules = _rules()
    if fmt == "json":
        import json

        json.dump([rule_record(rule) for rule in rules], out, indent=2)
        out.write("\n")
        return 0
    width = max((len(rule.name) for rule in rules), default=0)
    for rule in rules:
        builders = "" if len(rule.builders) > 1 else f" [{'/'.join(rule.builders)} only]"
        out.write(
            f"{rule.code}  {rule.name:<{width}}  {rule.category:<11} {rule.severity:<7}  "
            f"{rule.summary}{builders}\n"
        )
    return 0


def explain_rule(code: str, out: TextIO, err: TextIO) -> int:
    wanted = code.strip().lower()
    for rule in _rules():
        if wanted in (rule.code.lower(), rule.name):
            out.write(f"{rule.code} {rule.name} ({rule.category}, {rule.severity})\n\n")
            out.write(rule.documentation() + "\n")
            return 0
    err.write(f"lintlayers: unknown rule {code!r} (see `lintlayers rules`)\n")
    return 2
