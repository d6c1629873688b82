"""Services of the use part (issue 10)."""

from __future__ import annotations
