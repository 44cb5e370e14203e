"""lintlayers: a Dockerfile linter for build-cache hits and lean layers."""

__version__ = "0.1.0"
