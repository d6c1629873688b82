from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from minsheng.accounts.models import Role
from minsheng.demo.logins import DEMO_LOGINS, DEMO_PASSWORD, DEMO_RESIDENT_MOBILE
from minsheng.demo.users import DEMO_EMAIL_DOMAIN
from minsheng.orders.models import Order


class Command(BaseCommand):
    help = (
        "Print the demo accounts: role, username, password and what to try first; how to sign "
        "in by phone and follow an order without an account."
    )

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
        self._phone_sign_in()

    def _phone_sign_in(self) -> None:
        """How to get in by phone, and to follow an order without an account."""
        outbox = settings.MINSHENG_SMS_OUTBOX
        self.stdout.write(
            "\nSign in by phone (residents):"
            f"\n  /accounts/phone/   mobile {DEMO_RESIDENT_MOBILE} ({DEMO_LOGINS[0].display_name}),"
            " then 'Send me a code'."
            "\n    The demo sends no real SMS: each code is printed in this console as"
            ' "[SMS to 138...]" and appended to'
            f"\n    {outbox}"
            f"\n  /accounts/login/   mobile {DEMO_RESIDENT_MOBILE} with the shared password works too."
            "\n  /accounts/signup/  a new villager: any other mobile (e.g. 13912345678), a code,"
            " a name and a village."
            "\n  /accounts/reset/   a new password with a code."
        )
        order = (
            Order.objects.filter(
                resident__username="resident", resident__email__endswith=f"@{DEMO_EMAIL_DOMAIN}"
            )
            .order_by("-created_at", "-pk")
            .first()
        )
        if order is not None:
            self.stdout.write(
                f"\nFollow an order without an account: /track/  number {order.number},"
                f" phone {DEMO_RESIDENT_MOBILE}"
            )
