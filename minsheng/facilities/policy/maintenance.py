"""Who may see and do what: the maintenance part (issue 10). Builds on register."""

from __future__ import annotations
