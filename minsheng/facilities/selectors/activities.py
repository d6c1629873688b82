"""Selectors of the activities part (issue 10)."""

from __future__ import annotations
