"""``python -m lintlayers``."""

from lintlayers.cli import main

raise SystemExit(main())
