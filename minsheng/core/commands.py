"""What the import commands say, the same way: each refusal on its own line, then that
nothing was written; and how a dry run ends."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from minsheng.core.errors import DomainError

DRY_RUN_NOTE = "Dry run: nothing was written. Run again with --commit to import."


def import_refused(command: BaseCommand, exc: DomainError, source: str) -> CommandError:
    """Write each of the refusal's messages to the command's stderr; return the error that
    ends the command."""
    for error in exc.errors:
        command.stderr.write(str(error.message))
    return CommandError(f"{len(exc.errors)} error(s) in {source}; nothing was written.")
