"""Selectors of the health part (issue 10)."""

from __future__ import annotations
