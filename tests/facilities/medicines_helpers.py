"""The medicines part's test data: a small reference list of its own (the data migration's 80
entries are set aside so every figure is counted by hand), clinics, and medicine-request
orders placed through the order services."""

from __future__ import annotations

import importlib
from datetime import datetime, timedelta
from typing import Any

from django.apps import apps

from minsheng.catalog.models import ServiceAttribute
from minsheng.facilities.models import (
    Dispensing,
    Facility,
    FacilityEvent,
    Kind,
    Medicine,
    MedicineRequest,
)
from minsheng.facilities.services.medicines import ATTR_MEDICINE, ATTR_TEXT, SERVICE_CODE
from minsheng.orders import services as orders
from minsheng.orders.models import Order
from tests.factories import AttributeFactory, ServiceFactory
from tests.helpers import T0, submit

from .factories import make_facility

# code, name_zh, name_en, group, level, keywords
SMALL_LIST = [
    ("amlodipine", "氨氯地平", "Amlodipine", "chemical", "village", "降压药 高血压"),
    ("nifedipine", "硝苯地平", "Nifedipine", "chemical", "village", "降压药 高血压"),
    ("metformin", "二甲双胍", "Metformin", "chemical", "village", "降糖药 糖尿病"),
    ("banlangen", "板蓝根颗粒", "Banlangen granules", "patent", "village", "感冒"),
    ("insulin", "胰岛素", "Insulin", "chemical", "township", "打胰岛素 糖尿病"),
    ("insulin-premixed", "预混胰岛素", "Premixed insulin", "chemical", "township", "糖尿病"),
    ("losartan", "氯沙坦", "Losartan", "chemical", "township", "降压药"),
]


def load_reference() -> None:
    """The data migration's reference list, loaded again: a test database flushed by an
    earlier transactional test has lost the migration's rows."""
    module = importlib.import_module("minsheng.facilities.migrations.0002_medicines_reference")
    module.load(apps, None)


def small_list(*, extra_not_essential: bool = True) -> dict[str, Medicine]:
    """Replace the reference list with ``SMALL_LIST`` (4 village, 3 township entries) and,
    unless told, one entry not on the essential list (never counted in coverage)."""
    Medicine.objects.all().delete()
    rows = [
        Medicine(code=c, name_zh=zh, name_en=en, group=g, level=lv, keywords=k)
        for c, zh, en, g, lv, k in SMALL_LIST
    ]
    if extra_not_essential:
        rows.append(
            Medicine(
                code="vitamin-c",
                name_zh="维生素C",
                name_en="Vitamin C",
                group="chemical",
                level="village",
                essential=False,
            )
        )
    Medicine.objects.bulk_create(rows)
    return {m.code: m for m in Medicine.objects.all()}


def dispense(facility: Facility, *codes: str, in_stock: bool = True) -> None:
    Dispensing.objects.bulk_create(
        Dispensing(facility=facility, medicine=Medicine.objects.get(code=c), in_stock=in_stock)
        for c in codes
    )


def clinics(world: Any, keepers: list[Any] | None = None) -> tuple[Facility, Facility]:
    """V1's clinic (kept by ``keepers``) and T1's health centre."""
    clinic = make_facility(world.village_a, Kind.CLINIC, keepers=keepers or [])
    centre = make_facility(world.town_a, Kind.HEALTH_CENTRE)
    return clinic, centre


def request_service(world: Any) -> Any:
    """The medicine-request menu item with its two questions, offered county-wide."""
    service = ServiceFactory(
        code=SERVICE_CODE,
        name_zh="药品需求登记",
        name_en="Medicine request",
        regions=[world.county],
    )
    AttributeFactory(
        service=service,
        code=ATTR_MEDICINE,
        datatype=ServiceAttribute.Datatype.SINGLEVALUELIST,
        choices=[
            {"key": "amlodipine", "name_zh": "氨氯地平", "name_en": "Amlodipine"},
            {"key": "insulin", "name_zh": "胰岛素", "name_en": "Insulin"},
            {"key": "other", "name_zh": "其他", "name_en": "Other"},
        ],
    )
    AttributeFactory(service=service, code=ATTR_TEXT, datatype=ServiceAttribute.Datatype.STRING)
    return service


def ask(
    world: Any,
    *,
    medicine: str | None = None,
    text: str | None = None,
    description: str = "",
    region: Any = None,
    now: datetime = T0,
    approve: bool = True,
) -> Order:
    """A medicine-request order placed by the resident of ``region`` (default V1) at
    ``now``, and (unless told) approved by its township's dispatcher a minute later."""
    answers: dict[str, Any] = {}
    if medicine is not None:
        answers[ATTR_MEDICINE] = medicine
    if text is not None:
        answers[ATTR_TEXT] = text
    order = submit(
        world,
        service_code=SERVICE_CODE,
        region_code=(region or world.village_a).code,
        answers=answers,
        description=description,
        now=now,
    )
    if approve:
        dispatcher = (
            world.dispatcher_a if order.township_id == world.town_a.pk else world.dispatcher_b
        )
        orders.order_approve(order_id=order.pk, actor=dispatcher, now=now + timedelta(minutes=1))
    return order


def snapshot() -> dict[str, Any]:
    """What a refused call must leave as it was."""
    return {
        "dispensing": sorted(
            Dispensing.objects.values_list("facility_id", "medicine_id", "in_stock")
        ),
        "requests": MedicineRequest.objects.count(),
        "medicines": sorted(Medicine.objects.values_list("code", "name_zh", "level", "group")),
        "events": FacilityEvent.objects.count(),
    }
