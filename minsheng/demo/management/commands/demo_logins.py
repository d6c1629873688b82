from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from minsheng.accounts.models import Role
from minsheng.demo.logins import DEMO_LOGINS, DEMO_PASSWORD
from minsheng.demo.users import DEMO_EMAIL_DOMAIN


class Command(BaseCommand):
    help = "Print the demo accounts: role, username, password and what to try first."

    def handle(self, *args: Any, **options: Any) -> None:
        present = set(
            get_user_model()
            .objects.filter(
                username__in=[d.username for d in DEMO_LOGINS],
                email__endswith=f"@{DEMO_EMAIL_DOMAIN}",
            )
            .values_list("username", flat=True)
        )
        if not present:
            self.stdout.write("No demo accounts yet: run `minsheng seed_demo` first.")
        self.stdout.write(f"Demo accounts (shared password: {DEMO_PASSWORD})")
        for d in DEMO_LOGINS:
            mark = "" if d.username in present else "  [missing]"
            self.stdout.write(
                f"\n  {d.username:<11} {d.role:<15} {Role(d.role).label} {d.display_name}{mark}"
            )
            self.stdout.write(f"    try first: {d.try_first}")
        self.stdout.write("\n  The county administrator can also sign in to /admin/.")
