"""Services of the collections part (issue 10)."""

from __future__ import annotations
