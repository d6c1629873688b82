"""The medicines part's services: a clinic's dispensing list (who may change it, refusals that
write nothing), collecting residents' requests from their orders (what counts, what does
not, idempotence), and loading the reference list from a table."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from minsheng.core.errors import DomainError, NotFound, PermissionDenied
from minsheng.core.tables import read_csv_text
from minsheng.facilities.models import Dispensing, FacilityEvent, Kind, Medicine, MedicineRequest
from minsheng.facilities.services import medicines as svc
from minsheng.orders import services as orders
from tests.helpers import T0

from .factories import make_facility
from .medicines_helpers import (
    ask,
    clinics,
    dispense,
    load_reference,
    request_service,
    small_list,
    snapshot,
)

pytestmark = pytest.mark.django_db


def refused(call, *, error=DomainError, errors):
    before = snapshot()
    with pytest.raises(DomainError) as info:
        call()
    assert type(info.value) is error
    assert [(e.code, e.field) for e in info.value.errors] == errors
    assert snapshot() == before


# --- the dispensing list ------------------------------------------------------------------


def test_a_keeper_adds_marks_out_of_stock_and_removes_a_medicine(world):
    small_list()
    clinic, _centre = clinics(world, keepers=[world.grid_worker])
    row = svc.dispensing_add(
        actor=world.grid_worker, facility_id=clinic.pk, medicine_code="metformin"
    )
    assert (row.medicine.code, row.in_stock) == ("metformin", True)
    svc.dispensing_set_stock(
        actor=world.grid_worker, facility_id=clinic.pk, medicine_code="metformin", in_stock=False
    )
    assert Dispensing.objects.get(facility=clinic).in_stock is False
    svc.dispensing_remove(actor=world.grid_worker, facility_id=clinic.pk, medicine_code="metformin")
    assert not Dispensing.objects.filter(facility=clinic).exists()
    notes = list(FacilityEvent.objects.filter(facility=clinic).values_list("note", "audience"))
    # history is written in the site's language, Chinese first
    assert notes == [
        ("药品加入目录：二甲双胍", "staff"),
        ("缺货：二甲双胍", "staff"),
        ("药品移出目录：二甲双胍", "staff"),
    ]


def test_the_township_dispatcher_manages_the_list_the_other_township_does_not(world):
    small_list()
    clinic, _centre = clinics(world)
    svc.dispensing_add(actor=world.dispatcher_a, facility_id=clinic.pk, medicine_code="insulin")
    assert Dispensing.objects.filter(facility=clinic).count() == 1
    refused(
        lambda: svc.dispensing_add(
            actor=world.dispatcher_b, facility_id=clinic.pk, medicine_code="metformin"
        ),
        error=PermissionDenied,
        errors=[("not_permitted", None)],
    )
    refused(
        lambda: svc.dispensing_remove(
            actor=world.resident, facility_id=clinic.pk, medicine_code="insulin"
        ),
        error=PermissionDenied,
        errors=[("not_permitted", None)],
    )


def test_refusals_name_the_field_and_write_nothing(world):
    small_list()
    clinic, _centre = clinics(world, keepers=[world.grid_worker])
    bookshop = make_facility(world.village_a, Kind.BOOKSHOP, keepers=[world.grid_worker])
    dispense(clinic, "amlodipine")
    keeper = world.grid_worker

    def add(code, facility=clinic):
        return lambda: svc.dispensing_add(actor=keeper, facility_id=facility.pk, medicine_code=code)

    refused(add("nope"), errors=[("unknown_medicine", "medicine")])
    refused(add("amlodipine"), errors=[("already_dispensed", "medicine")])
    refused(add("amlodipine", bookshop), errors=[("not_health_facility", None)])
    refused(
        lambda: svc.dispensing_add(actor=keeper, facility_id=10**9, medicine_code="insulin"),
        error=NotFound,
        errors=[("not_found", "facility")],
    )
    refused(
        lambda: svc.dispensing_remove(actor=keeper, facility_id=clinic.pk, medicine_code="insulin"),
        errors=[("not_dispensed", "medicine")],
    )
    refused(
        lambda: svc.dispensing_set_stock(
            actor=keeper, facility_id=clinic.pk, medicine_code="insulin", in_stock=False
        ),
        errors=[("not_dispensed", "medicine")],
    )


# --- collecting requests --------------------------------------------------------------------


def _recorded():
    return sorted(
        MedicineRequest.objects.values_list(
            "order_id", "facility__code", "medicine__code", "township__code", "requested_on"
        )
    )


def test_requests_for_medicines_the_clinic_lacks_are_recorded_once(world):
    small_list()
    request_service(world)
    clinic, centre = clinics(world)
    dispense(clinic, "amlodipine", "metformin")
    dispense(centre, "insulin")
    # counts: chosen from the list, named in the free text, named in the description
    a = ask(world, medicine="insulin")
    b = ask(world, medicine="other", text="想要硝苯地平")
    c = ask(world, description="家里老人要打胰岛素")
    # counts: a township's own order goes to its health centre, which lacks losartan
    d = ask(world, text="氯沙坦", region=world.town_a)
    # does not count: the clinic has it (a keyword names amlodipine and nifedipine, and it
    # has amlodipine); the health centre has insulin; nothing named; rejected; cancelled
    ask(world, text="降压药")
    ask(world, medicine="insulin", region=world.town_a)
    ask(world, medicine="other", text="头疼")
    rejected = ask(world, medicine="insulin", approve=False)
    orders.order_reject(order_id=rejected.pk, actor=world.dispatcher_a, reason="重复", now=T0)
    cancelled = ask(world, medicine="insulin", approve=False)
    orders.order_cancel(order_id=cancelled.pk, actor=world.resident, now=T0)
    # not read yet: not reviewed
    waiting = ask(world, medicine="insulin", approve=False)

    s = svc.medicine_requests_collect(now=T0 + timedelta(hours=1))
    day = date(2026, 5, 4)
    assert _recorded() == [
        (a.pk, clinic.code, "insulin", "T1", day),
        (b.pk, clinic.code, "nifedipine", "T1", day),
        (c.pk, clinic.code, "insulin", "T1", day),
        (d.pk, centre.code, "losartan", "T1", day),
    ]
    assert (s.read, s.recorded, s.dispensed, s.unmatched, s.no_facility) == (7, 4, 2, 1, 0)
    assert dict(s.by_medicine) == {"insulin": 2, "nifedipine": 1, "losartan": 1}

    again = svc.medicine_requests_collect(now=T0 + timedelta(hours=2))
    assert (again.read, again.recorded) == (3, 0)  # only the orders not recorded are read
    assert len(_recorded()) == 4

    orders.order_approve(order_id=waiting.pk, actor=world.dispatcher_a, now=T0 + timedelta(hours=3))
    reviewed = svc.medicine_requests_collect(now=T0 + timedelta(hours=4))
    assert (reviewed.read, reviewed.recorded) == (4, 1)
    assert _recorded()[-1] == (waiting.pk, clinic.code, "insulin", "T1", day)


def test_orders_placed_after_the_run_wait_and_a_place_without_a_clinic_is_not_counted(world):
    small_list()
    request_service(world)
    ask(world, medicine="insulin", region=world.village_b)  # T2 has no clinic or centre
    later = ask(world, medicine="insulin", now=T0 + timedelta(days=1))
    s = svc.medicine_requests_collect(now=T0 + timedelta(hours=1))
    assert (s.read, s.recorded, s.no_facility) == (1, 0, 1)
    clinic, _centre = clinics(world)
    s = svc.medicine_requests_collect(now=T0 + timedelta(days=2))
    assert (s.read, s.recorded, s.no_facility) == (2, 1, 1)
    assert _recorded() == [(later.pk, clinic.code, "insulin", "T1", date(2026, 5, 5))]


def test_a_village_without_its_own_clinic_goes_to_the_township_health_centre(world):
    small_list()
    request_service(world)
    centre = make_facility(world.town_a, Kind.HEALTH_CENTRE)
    closed_for_good = make_facility(world.village_a, Kind.CLINIC, status="abandoned")
    o = ask(world, medicine="amlodipine")
    svc.medicine_requests_collect(now=T0 + timedelta(hours=1))
    assert _recorded() == [(o.pk, centre.code, "amlodipine", "T1", date(2026, 5, 4))]
    assert closed_for_good.pk != centre.pk


# --- the reference list ------------------------------------------------------------------

CSV = """code,name_zh,name_en,group,level,keywords,essential
amlodipine,氨氯地平片,Amlodipine,chemical,village,降压药,yes
new-one,新药,New,patent,township,,
"""


def test_loading_creates_and_updates_by_code(world):
    small_list()
    plan = svc.medicines_load(table=read_csv_text(CSV))
    assert (plan.created, plan.updated, plan.errors, plan.written) == (1, 1, [], True)
    assert Medicine.objects.get(code="amlodipine").name_zh == "氨氯地平片"
    new = Medicine.objects.get(code="new-one")
    assert (new.group, new.level, new.essential) == ("patent", "township", True)


BAD = """code,name_zh,group,level,essential
ok,好药,chemical,village,
,无码,chemical,village,
bad code!,坏,chemical,village,
ok,重复,chemical,village,
x,,herbal,county,maybe
"""


def test_a_bad_row_is_reported_by_number_and_nothing_is_written(world):
    small_list()
    before = snapshot()
    plan = svc.medicines_load(table=read_csv_text(BAD))
    assert [(e.row, e.column, e.code) for e in plan.errors] == [
        (3, "code", "required"),
        (4, "code", "invalid"),
        (5, "code", "duplicate_code"),
        (6, "name_zh", "required"),
        (6, "group", "bad_group"),
        (6, "level", "bad_level"),
        (6, "essential", "not_yes_no"),
    ]
    assert plan.written is False
    assert snapshot() == before
    skipped = svc.medicines_load(table=read_csv_text(BAD), skip_bad_rows=True)
    assert skipped.written is True
    assert Medicine.objects.get(code="ok").name_zh == "好药"


def test_a_table_without_the_required_columns_is_refused_whole(world):
    plan = svc.medicines_load(table=read_csv_text("code,name_zh\nx,y\n"))
    assert [(e.row, e.column, e.code) for e in plan.errors] == [(1, "group", "required")]
    assert plan.written is False


def test_the_migration_loads_the_reference_subset(world):
    Medicine.objects.all().delete()
    load_reference()
    load_reference()  # again: updated in place, nothing doubled
    assert Medicine.objects.count() == 80
    assert Medicine.objects.filter(group="patent").count() == 14
    assert Medicine.objects.get(code="insulin-regular").level == "township"


def test_orders_older_than_the_window_are_not_read(world):
    small_list()
    request_service(world)
    clinics(world)
    old = ask(world, medicine="insulin")
    s = svc.medicine_requests_collect(now=T0 + timedelta(days=svc.WINDOW_DAYS, minutes=1))
    assert (s.read, s.recorded) == (0, 0)
    s = svc.medicine_requests_collect(now=T0 + timedelta(days=svc.WINDOW_DAYS))
    assert (s.read, s.recorded) == (1, 1)
    assert _recorded()[0][0] == old.pk


def test_without_the_menu_item_nothing_is_read(world):
    small_list()
    assert svc.medicine_requests_collect(now=T0).read == 0
