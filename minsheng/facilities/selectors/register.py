"""Selectors of the register part (issue 10)."""

from __future__ import annotations
