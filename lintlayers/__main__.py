"""``python -m lintlayers``."""

from lintlayers.cli import run

run()
