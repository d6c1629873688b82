"""``minsheng open311_key create --name NAME [--contact C] [--rate N] | revoke KEY | list``."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count, Q

from minsheng.core.errors import DomainError
from minsheng.open311 import services
from minsheng.open311.models import ApiKey


class Command(BaseCommand):
    help = "Create, revoke or list the API keys of Open311 client applications."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Create a key and print it (shown only once).")
        create.add_argument("--name", required=True)
        create.add_argument("--contact", default="")
        create.add_argument("--rate", type=int, default=None, help="Requests per minute.")
        revoke = sub.add_parser("revoke", help="Revoke a key by its prefix or id.")
        revoke.add_argument("key", help="The key's prefix (first 8 characters) or its id.")
        sub.add_parser("list", help="List the keys.")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        try:
            if action == "create":
                key, raw = services.api_key_create(
                    name=options["name"], contact=options["contact"], rate_limit=options["rate"]
                )
                self.stdout.write(f"Created key {key.pk} '{key.name}' (prefix {key.prefix}).")
                self.stdout.write("The key (shown only this once):")
                self.stdout.write(raw)
            elif action == "revoke":
                wanted = options["key"].strip()
                match = Q(prefix=wanted)
                if wanted.isdecimal() and wanted.isascii() and len(wanted) < 19:
                    match |= Q(pk=int(wanted))
                found = list(ApiKey.objects.filter(match))
                if len(found) != 1:
                    raise CommandError(
                        f"No key has the prefix or id {wanted!r}."
                        if not found
                        else f"{wanted!r} matches several keys; give the id."
                    )
                key = services.api_key_revoke(key_id=found[0].pk)
                self.stdout.write(f"Revoked key {key.pk} '{key.name}' (prefix {key.prefix}).")
            else:
                rows = ApiKey.objects.annotate(n=Count("requests")).order_by("pk")
                for k in rows:
                    state = f"revoked {k.revoked_at:%Y-%m-%d %H:%M}" if k.revoked_at else "active"
                    rate = k.rate_limit or "default"
                    self.stdout.write(
                        f"{k.pk}\t{k.prefix}\t{k.name}\t{state}\trate {rate}/min\t{k.n} requests"
                    )
        except DomainError as error:
            raise CommandError(str(error)) from None
