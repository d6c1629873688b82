"""Maintenance and the money after building: plans, work orders, budgets."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from minsheng.orders.models import AppendOnly, Audience, ImmutableQuerySet

from .register import Facility


class MaintenancePlan(models.Model):
    """A recurring task on an asset: every ``interval_months``, costing ``cost`` yuan, done by
    ``responsible``. ``next_due_on`` moves on when a work order from it is completed."""

    facility = models.ForeignKey(
        Facility, on_delete=models.PROTECT, related_name="maintenance_plans"
    )
    task = models.CharField(_("task"), max_length=200)
    interval_months = models.PositiveSmallIntegerField(_("every (months)"))
    cost = models.DecimalField(_("cost (yuan)"), max_digits=14, decimal_places=2)
    responsible = models.CharField(_("responsible unit"), max_length=200)
    provider = models.ForeignKey(
        "catalog.Provider", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    next_due_on = models.DateField(_("next due"))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["next_due_on", "pk"]
        verbose_name = _("maintenance plan")
        verbose_name_plural = _("maintenance plans")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(interval_months__gte=1), name="plan_interval_positive"
            ),
            models.CheckConstraint(condition=models.Q(cost__gte=0), name="plan_cost_nonnegative"),
        ]

    def __str__(self) -> str:
        return self.task


class WorkStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("work order status", "Open")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class WorkOrder(models.Model):
    """Work on an asset: from a plan falling due, or from a resident's order about it (a
    pothole order links to its road section). Completed with its actual cost."""

    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="work_orders")
    plan = models.ForeignKey(
        MaintenancePlan, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    order = models.ForeignKey(
        "orders.Order", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    title = models.CharField(_("work"), max_length=200)
    status = models.CharField(
        _("status"), max_length=12, choices=WorkStatus.choices, default=WorkStatus.OPEN
    )
    due_on = models.DateField(_("due"))
    estimated_cost = models.DecimalField(
        _("estimated cost (yuan)"), max_digits=14, decimal_places=2
    )
    actual_cost = models.DecimalField(
        _("actual cost (yuan)"), null=True, blank=True, max_digits=14, decimal_places=2
    )
    responsible = models.CharField(_("responsible unit"), max_length=200, blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("work order")
        verbose_name_plural = _("work orders")
        indexes = [models.Index(fields=["status", "due_on"])]
        constraints = [
            # One work order per plan and due date: generating twice makes nothing new.
            models.UniqueConstraint(
                fields=["plan", "due_on"],
                condition=models.Q(plan__isnull=False),
                name="work_order_once_per_plan_due",
            ),
            models.UniqueConstraint(
                fields=["order"],
                condition=models.Q(order__isnull=False),
                name="work_order_once_per_order",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="done") | models.Q(actual_cost__isnull=False),
                name="work_order_done_with_cost",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class WorkOrderEvent(AppendOnly):
    work_order = models.ForeignKey(WorkOrder, on_delete=models.PROTECT, related_name="events")
    old_status = models.CharField(_("from"), max_length=12, choices=WorkStatus.choices, blank=True)
    new_status = models.CharField(_("to"), max_length=12, choices=WorkStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)
    audience = models.CharField(
        _("who may read it"), max_length=8, choices=Audience.choices, default=Audience.STAFF
    )
    created_at = models.DateTimeField(_("at"))

    objects = ImmutableQuerySet["WorkOrderEvent"].as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("work order event")
        verbose_name_plural = _("work order events")


class MaintenanceBudget(models.Model):
    """The maintenance money entered for ``region`` (the county or a township) in ``year``."""

    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    amount = models.DecimalField(_("budget (yuan)"), max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["year", "region_id"]
        verbose_name = _("maintenance budget")
        verbose_name_plural = _("maintenance budgets")
        constraints = [
            models.UniqueConstraint(fields=["region", "year"], name="budget_one_per_region_year"),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="budget_nonnegative"),
        ]

    def __str__(self) -> str:
        return f"{self.region_id} {self.year}: {self.amount}"
