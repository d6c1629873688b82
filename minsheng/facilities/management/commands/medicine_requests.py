from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from minsheng.facilities.services.medicines import medicine_requests_collect


class Command(BaseCommand):
    help = (
        "Read the orders of the menu item 'medicine-request' not collected yet and record a "
        "medicine request for each whose clinic (or the township's health centre) does not "
        "dispense the medicine asked for (docs/medicines.md). Idempotent."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        s = medicine_requests_collect()
        self.stdout.write(
            f"read={s.read} recorded={s.recorded} dispensed={s.dispensed} "
            f"unmatched={s.unmatched} no_facility={s.no_facility}"
        )
        for code, n in s.by_medicine.most_common(10):
            self.stdout.write(f"  {code}: {n}")
