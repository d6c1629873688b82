"""schemathesis on the two equipment endpoints only (the whole API's run is
tests/api/test_schemathesis.py): no server error and no answer the schema contradicts, as a
manager and as a keeper, with generated and with real ids."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from minsheng.facilities.models import EquipmentType, Kind
from tests.api.test_schemathesis import CHECKS, keep_test_connection, load_schema, token_of
from tests.facilities.equipment_helpers import item
from tests.facilities.factories import make_facility

pytestmark = pytest.mark.django_db
__all__ = ["keep_test_connection"]  # the fixture, used by every test here

PATHS = {"/api/v1/facilities/{facility_id}/equipment/", "/api/v1/equipment/priority/"}


@pytest.mark.usefixtures("keep_test_connection")
@pytest.mark.parametrize("who", ["dispatcher_a", "provider_staff"])
def test_the_equipment_endpoints_conform_to_the_schema(world: Any, who: str) -> None:
    clinic = make_facility(world.village_a, Kind.CLINIC, keepers=[world.provider_staff])
    item(clinic, EquipmentType.objects.get(code="ecg"), date(2015, 1, 1), state="broken", cost="9")
    schema = load_schema()
    headers = {"Authorization": token_of(getattr(world, who))}
    operations = [r.ok() for r in schema.get_all_operations()]
    mine = [op for op in operations if op.path in PATHS]
    assert len(mine) == 2
    for operation in mine:
        strategy = st.one_of(
            operation.as_strategy(generation_mode=schemathesis.GenerationMode.POSITIVE),
            operation.as_strategy(generation_mode=schemathesis.GenerationMode.NEGATIVE),
        )

        @given(case=strategy)
        @settings(
            max_examples=25,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def run(case: Any) -> None:
            case.call_and_validate(headers=headers, checks=CHECKS)
            if case.path_parameters and "facility_id" in case.path_parameters:
                case.path_parameters = {"facility_id": clinic.pk}
                case.call_and_validate(headers=headers, checks=CHECKS)

        run()
