"""The build context: `.dockerignore` semantics and what a COPY/ADD source selects."""

from __future__ import annotations
