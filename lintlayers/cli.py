"""The command line: ``lintlayers check | rules | explain | cache | image | context | server``."""

from __future__ import annotations

import sys

from lintlayers import __version__
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable, Sequence

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_ERROR = 2


def _terminal_width() -> int:
    """What ``shutil.get_terminal_size`` gives, without importing shutil (3 ms)."""
    import os

    try:
        return int(os.environ["COLUMNS"]) - 2
    except (KeyError, ValueError):
        pass
    try:
        return os.get_terminal_size(sys.__stdout__.fileno()).columns - 2  # type: ignore[union-attr]
    except (AttributeError, ValueError, OSError):
        return 78


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The argument parser; with ``command``, only that subcommand's (argparse is slow to
    build, and ``check`` runs on every commit from pre-commit)."""
    import argparse

    class Parser(argparse.ArgumentParser):
        """argparse, with the help width found without importing shutil."""

        def _get_formatter(self) -> argparse.HelpFormatter:
            formatter: Callable[..., argparse.HelpFormatter] = self.formatter_class
            return formatter(prog=self.prog, width=_terminal_width())

    parser = Parser(
        prog="lintlayers",
        description="Lint Dockerfiles for build-cache misses, layer size and metadata order.",
    )
    parser.add_argument("--version", action="version", version=f"lintlayers {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, add in _COMMANDS.items():
        if command is None or command == name:
            add(commands)
    return parser


def _add_check(commands: argparse._SubParsersAction) -> None:
    from lintlayers.diagnostics import SEVERITIES
    from lintlayers.reporters.base import FORMATS

    check = commands.add_parser("check", help="lint Dockerfiles (the default command)")
    check.add_argument(
        "paths", nargs="*", metavar="PATH", help="files or folders ('-' reads stdin; default: .)"
    )
    check.add_argument("--format", choices=FORMATS, default="text", help="output format")
    check.add_argument("--fix", action="store_true", help="apply safe fixes in place")
    check.add_argument(
        "--unsafe-fixes",
        action="store_true",
        default=None,
        help="also apply (or offer) unsafe fixes",
    )
    check.add_argument(
        "--diff", action="store_true", help="print the fixes as a unified diff, write nothing"
    )
    check.add_argument("--select", help="comma-separated codes, prefixes or categories to run")
    check.add_argument("--ignore", help="comma-separated codes, prefixes or categories to skip")
    check.add_argument("--extend-select", help="add to the selection of the config file")
    check.add_argument(
        "--fail-level", choices=SEVERITIES, help="lowest severity that fails (default: info)"
    )
    check.add_argument("--exit-zero", action="store_true", help="exit 0 even when findings remain")
    check.add_argument(
        "--builder",
        choices=("buildkit", "classic"),
        help="builder whose cache rules apply (classic also stands for buildah and kaniko)",
    )
    check.add_argument(
        "--context", metavar="DIR", help="build context folder (default: the Dockerfile's)"
    )
    check.add_argument("--config", metavar="FILE", help="use this config file")
    check.add_argument(
        "--exclude",
        metavar="PATTERNS",
        help="comma-separated paths to leave out (replaces the default)",
    )
    check.add_argument(
        "--extend-exclude",
        metavar="PATTERNS",
        help="paths to leave out besides the configured ones",
    )
    check.add_argument(
        "--force-exclude",
        action="store_true",
        default=None,
        help="leave out excluded files even when named on the command line (pre-commit)",
    )
    check.add_argument("--statistics", action="store_true", help="count findings per rule")
    check.add_argument(
        "--jobs",
        type=_at_least(0),
        default=0,
        metavar="N",
        help="processes linting files at once (default 0: one per CPU for many files)",
    )
    check.add_argument(
        "--stdin-filename", metavar="NAME", help="the name of the file read from stdin"
    )
    _add_quiet(check)


def _add_quiet(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="show no progress bar (shown only on a terminal, outside CI, for long work) "
        "and no notes (such as the templates skipped)",
    )


def _add_rules(commands: argparse._SubParsersAction) -> None:
    rules = commands.add_parser("rules", help="list the rules")
    rules.add_argument("--format", choices=("text", "json"), default="text")


def _add_explain(commands: argparse._SubParsersAction) -> None:
    explain = commands.add_parser("explain", help="show a rule's documentation")
    explain.add_argument("code", help="a rule code or name, e.g. LL101")


def _add_cache(commands: argparse._SubParsersAction) -> None:
    cache = commands.add_parser(
        "cache", help="predict cache misses after a change, or the rebuild cost over history"
    )
    cache.add_argument("path", metavar="PATH", help="the Dockerfile (or a folder holding one)")
    changes = cache.add_mutually_exclusive_group()
    changes.add_argument(
        "--changed",
        nargs="+",
        metavar="FILE",
        help="files changed since the cached build (relative to the current folder when "
        "they exist there, else to the context)",
    )
    changes.add_argument(
        "--since", metavar="REV", help="files changed between REV and the working tree (git)"
    )
    cache.add_argument(
        "--changed-arg",
        action="append",
        default=[],
        metavar="NAME",
        help="a build argument whose value changed since the cached build (repeatable)",
    )
    cache.add_argument(
        "--volatile-arg",
        action="append",
        default=[],
        metavar="NAME",
        help="a build argument given a new value on every build, such as GIT_SHA (repeatable)",
    )
    cache.add_argument("--context", metavar="DIR", help="build context (default: PATH's folder)")
    cache.add_argument(
        "--builder",
        choices=("buildkit", "classic"),
        help="builder whose cache rules apply (classic also stands for buildah and kaniko)",
    )
    cache.add_argument("--target", metavar="STAGE", help="the stage to build (default: the last)")
    cache.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    cache.add_argument(
        "--history",
        type=_at_least(1),
        default=200,
        metavar="N",
        help="commits of git history to replay (default: 200)",
    )
    cache.add_argument("--config", metavar="FILE", help="use this config file")
    _add_quiet(cache)


def _add_image(commands: argparse._SubParsersAction) -> None:
    from lintlayers.reporters.base import FORMATS

    image = commands.add_parser(
        "image", help="measure a built image's wasted bytes per layer and Dockerfile line"
    )
    image.add_argument(
        "image", metavar="IMAGE", help="a docker or OCI archive (tar), or an OCI layout folder"
    )
    image.add_argument("--dockerfile", metavar="PATH", help="map layers to its lines (LL390)")
    image.add_argument("--target", metavar="STAGE", help="the stage built (default: guessed)")
    image.add_argument("--format", choices=FORMATS, default="text", help="output format")
    image.add_argument("--json", dest="json_path", metavar="FILE", help="also write JSON here")
    image.add_argument("--top", type=int, default=10, metavar="N", help="paths listed (10)")
    image.add_argument("--max-wasted-bytes", metavar="SIZE", help="fail above (5MB, 5MiB)")
    image.add_argument("--max-wasted-percent", metavar="P", help="fail above P%% of all bytes")
    image.add_argument("--min-efficiency", metavar="R", help="fail below this ratio (0-1)")
    _add_quiet(image)


def _add_context(commands: argparse._SubParsersAction) -> None:
    context = commands.add_parser(
        "context", help="show what each COPY/ADD brings in from the build context"
    )
    context.add_argument("path", metavar="PATH", help="the Dockerfile (or a folder holding one)")
    context.add_argument("--context", metavar="DIR", help="build context (default: PATH's folder)")
    context.add_argument("--format", choices=("text", "json"), default="text", help="output format")


def _add_server(commands: argparse._SubParsersAction) -> None:
    commands.add_parser(
        "server", help="run the language server (LSP over stdin and stdout, for editors)"
    )


_COMMANDS = {
    "check": _add_check,
    "rules": _add_rules,
    "explain": _add_explain,
    "cache": _add_cache,
    "image": _add_image,
    "context": _add_context,
    "server": _add_server,
}


def _at_least(minimum: int) -> Callable[[str], int]:
    """An argparse type: a whole number >= ``minimum``."""

    def whole_number(text: str) -> int:
        from argparse import ArgumentTypeError

        try:
            value = int(text)
        except ValueError:
            raise ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if value < minimum:
            raise ArgumentTypeError(f"expected a number >= {minimum}, got {value}")
        return value

    return whole_number


def run() -> None:
    """The ``lintlayers`` command (console script and ``python -m lintlayers``): ``main()``,
    then the process ends without the interpreter's teardown.

    Tearing down ~160 modules and the objects the rules loaded costs about 1.5 ms of CPU
    (4% of a one-file ``check``) and has no effect once the output is flushed. The
    ordinary exit is kept when flushing fails (Python reports it as always) and when
    anything registered an ``atexit`` handler (the process pool of ``--jobs``).

    The package's modules are imported from its bundle of compiled code
    (``lintlayers.bundle``: about 5 ms less CPU on a one-file check); a run that imported
    some the ordinary way writes the bundle again once its output is flushed."""
    import lintlayers
    from lintlayers.bundle import install

    finder = install(lintlayers)
    code = main()
    import os

    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BaseException:  # e.g. a closed pipe: let the ordinary exit report it
        raise SystemExit(code) from None
    if finder is not None and finder.missed:
        finder.save()
    if _EXIT_HANDLERS_AT_START >= 0 and _exit_handlers() == _EXIT_HANDLERS_AT_START:
        os._exit(code)
    raise SystemExit(code)


def _exit_handlers() -> int:
    """How many ``atexit`` handlers are registered (-1 when the interpreter cannot say)."""
    import atexit

    count = getattr(atexit, "_ncallbacks", None)
    return count() if count is not None else -1


_EXIT_HANDLERS_AT_START = _exit_handlers()


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    import gc

    frozen = gc.get_freeze_count()
    gc.disable()  # start-up allocates only long-lived objects: see checker.run_check
    try:
        return _main(argv)
    finally:
        # Called in-process (tests pass ``argv``): collect all again. The command line
        # (``argv`` None) exits next: frozen objects stay out of the collections the
        # interpreter runs at exit (8% of a one-file check).
        if argv is not None and gc.get_freeze_count() > frozen:
            gc.unfreeze()
        gc.enable()


def _main(argv: Sequence[str] | None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    if not arguments or arguments[0] not in (*_COMMANDS, "-h", "--help", "--version"):
        arguments.insert(0, "check")
    options = None
    if arguments[0] == "check":  # the common command lines, read without argparse
        from lintlayers.check_args import parse_check

        options = parse_check(arguments)
    if options is None:
        parser = build_parser(arguments[0] if arguments[0] in _COMMANDS else None)
        try:
            options = parser.parse_args(arguments)
        except SystemExit as exit_:  # argparse exits 2 on usage errors, 0 on --help
            return int(exit_.code or 0)
    from lintlayers.registry import PluginError

    if options.command != "check":
        import gc

        gc.enable()  # ``check`` turns it back on once its rules are loaded
    try:
        if options.command == "rules":
            from lintlayers.commands import list_rules

            return list_rules(options.format, sys.stdout)
        if options.command == "explain":
            from lintlayers.commands import explain_rule

            return explain_rule(options.code, sys.stdout, sys.stderr)
        if options.command == "cache":
            from lintlayers.cache.command import run_cache

            return run_cache(options)
        if options.command == "image":
            from lintlayers.image.command import run_image

            return run_image(options)
        if options.command == "context":
            from lintlayers.buildcontext.command import run_context

            return run_context(options)
        if options.command == "server":
            from lintlayers.server.protocol import serve

            return serve()
        from lintlayers.checker import run_check

        return run_check(options)
    except PluginError as error:  # `check` reports its own; `rules` and `explain` land here
        sys.stderr.write(f"lintlayers: {error}\n")
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK
