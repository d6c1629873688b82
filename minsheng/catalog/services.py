"""Writes for the catalog that are not the admin's: services brought from another system."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from minsheng.catalog.errors import CatalogCode
from minsheng.catalog.models import Category, Service, ServiceAttribute, UrgencyClass
from minsheng.core.errors import DomainError
from minsheng.regions.models import Region


@dataclass(frozen=True)
class AttributeSpec:
    code: str
    datatype: str
    required: bool
    label: str
    choices: tuple[tuple[str, str], ...] = ()
    # Bounds (ServiceAttribute): numbers on a number question, days from the order day on
    # a date question; None: no bound.
    minimum: float | None = None
    maximum: float | None = None
    whole_number: bool = False
    earliest_days: int | None = None
    latest_days: int | None = None


def service_import(
    *,
    code: str,
    name: str,
    category: Category,
    description: str = "",
    keywords: str = "",
    attributes: Sequence[AttributeSpec] = (),
    publish: bool = False,
) -> tuple[Service, bool]:
    """The service with this code, created if missing (offered county-wide, at the general
    urgency, dispatched by hand); ``(service, created)``.

    An existing service is left as the county has set it up, but gains any attribute it
    lacks, asked after its own questions: importing the same services twice changes
    nothing. Names and texts are taken as Chinese, the language the county works in, and
    cut to the columns' lengths. Without a county (the root of the region tree) a new
    service could be offered nowhere: that is refused.
    """
    with transaction.atomic():
        service = Service.objects.filter(code=code).first()
        created = service is None
        if service is None:
            county = Region.objects.filter(level=Region.Level.COUNTY)
            if not county.exists():
                raise DomainError.single(
                    CatalogCode.NO_COUNTY,
                    _("There is no county to offer the service in: import the regions first."),
                    "region",
                )
            service = Service.objects.create(
                code=code,
                name_zh=name[:200],
                category=category,
                description_zh=description,
                delivery_mode=Service.DeliveryMode.DOOR,
                urgency=UrgencyClass.objects.get(code="general"),
                keywords=keywords[:200],
                published=publish,
            )
            service.regions.set(county)
        known = set(service.attributes.values_list("code", flat=True))
        position = service.attributes.aggregate(last=Max("position"))["last"] or 0
        for spec in attributes:
            if spec.code in known:
                continue
            position += 1
            ServiceAttribute.objects.create(
                service=service,
                code=spec.code,
                label_zh=spec.label[:200],
                datatype=spec.datatype,
                required=spec.required,
                position=position,
                choices=[{"key": key, "name_zh": label} for key, label in spec.choices],
                minimum=spec.minimum,
                maximum=spec.maximum,
                whole_number=spec.whole_number,
                earliest_days=spec.earliest_days,
                latest_days=spec.latest_days,
            )
            known.add(spec.code)
    return service, created
