"""Named locks held until the end of the current transaction, for check-then-insert rules
that no row exists yet to lock (a throttle counting the rows it is about to add to).

PostgreSQL: a transaction-level advisory lock per name (``pg_advisory_xact_lock``), so two
app servers checking the same number wait for each other and the second sees the first's
row. SQLite: nothing to do; transactions are ``IMMEDIATE`` (settings), so a writer holds the
database's one write lock from its first statement and writers already run one at a time.
"""

from __future__ import annotations

import hashlib

from django.db import connection


def _key(name: str) -> int:
    """A signed 64-bit key for the name (advisory locks are numbered)."""
    return int.from_bytes(
        hashlib.blake2b(name.encode(), digest_size=8).digest(), "big", signed=True
    )


def hold(*names: str) -> None:
    """Take the named locks (sorted, so two callers never wait on each other in a circle)
    until the current transaction ends. Call inside ``transaction.atomic``."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for name in sorted(set(names)):
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_key(name)])
