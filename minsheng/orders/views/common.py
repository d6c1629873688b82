"""What every order page shares: a refused POST re-rendered in place, note and rating forms, answers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from minsheng.core.errors import DomainError, ErrorDetail
from minsheng.orders import services
from minsheng.orders.errors import OrderCode
from minsheng.orders.forms import (
    FieldSpec,
    attach_errors,
    audience_field,
    rating_fields,
)
from minsheng.orders.models import Order
from minsheng.orders.templatetags.minsheng_ui import list_separator

PAGE_SIZE = 25


@dataclass
class Failure:
    """A refused POST, to be shown on the page it came from."""

    form: str
    order_id: int | None
    errors: list[ErrorDetail]
    data: QueryDict
    status: int

    def matches(self, form: str, order_id: int | None) -> bool:
        return self.form == form and self.order_id == order_id

    @property
    def messages(self) -> list[str]:
        return [str(e.message) for e in self.errors]


def run_action(
    request: HttpRequest,
    *,
    form: str,
    order_id: int | None,
    call: Callable[[], object],
    success: Any,
    done: str,
    rerender: Callable[[Failure], HttpResponse],
) -> HttpResponse:
    try:
        call()
    except DomainError as exc:
        return rerender(Failure(form, order_id, exc.errors, request.POST, exc.status_code))
    messages.success(request, success)
    return redirect(done)


def bad_input(form: str, order_id: int | None, data: QueryDict, field: str) -> Failure:
    return Failure(
        form, order_id, [ErrorDetail("invalid", _("This value is not valid."), field)], data, 400
    )


def note_fields(
    form: str,
    order_id: int,
    failure: Failure | None,
    *,
    name: str,
    label: Any,
    required: bool,
    help: Any = "",
    audience: bool = False,
) -> list[FieldSpec]:
    """A note or reason field; with ``audience``, the choice of who will read the note
    (staff only unless the writer says otherwise). A reason's reader is fixed: ``help``
    says who it is."""
    data = failure.data if failure is not None and failure.matches(form, order_id) else None
    prefix = f"o{order_id}-{form}"
    specs = [
        FieldSpec(
            name=name,
            label=label,
            kind="textarea",
            required=required,
            value=data.get(name, "") if data is not None else "",
            maxlength=services.MAX_NOTE,
            help=help,
            prefix=prefix,
        )
    ]
    if audience:
        specs.append(audience_field(data, prefix=prefix))
    if data is not None and failure is not None:
        attach_errors(specs, failure.errors)
    return specs


# The box a cancel form must have ticked: cancelling cannot be undone, and a stray tap on a
# phone must not do it (the script asks once more where it runs; the box works without it).
CONFIRM = "confirm"
CONFIRMED = "yes"


def cancel_fields(order: Order, failure: Failure | None) -> list[FieldSpec]:
    specs = note_fields(
        "cancel",
        order.pk,
        failure,
        name="reason",
        label=_("Reason (optional)"),
        required=False,
        help=_("The resident and staff will read this."),
    )
    data = failure.data if failure is not None and failure.matches("cancel", order.pk) else None
    confirm = FieldSpec(
        name=CONFIRM,
        label=_("Are you sure?"),
        kind="checkbox",
        required=True,
        value=data.getlist(CONFIRM) if data is not None else [],
        choices=[(CONFIRMED, _("Yes, cancel this order. This cannot be undone."))],
        prefix=f"o{order.pk}-cancel",
    )
    if data is not None and failure is not None:
        attach_errors([confirm], failure.errors)
    return [*specs, confirm]


def cancel_confirmed(request: HttpRequest, order: Order) -> None:
    """Cancel ``order`` for the form's sender once they ticked the confirmation box; a
    form without it is refused on the box, and nothing changes."""
    if request.POST.get(CONFIRM) != CONFIRMED:
        raise DomainError.single(
            OrderCode.CONFIRMATION_REQUIRED,
            _("Tick the box to confirm that you want to cancel the order."),
            CONFIRM,
        )
    services.order_cancel(
        order_id=order.pk, actor=request.user, reason=request.POST.get("reason", "")
    )


def rating_form(
    form: str, order_id: int, failure: Failure | None, *, callback: bool
) -> list[FieldSpec]:
    data = failure.data if failure is not None and failure.matches(form, order_id) else None
    fields = rating_fields(data, callback=callback)
    if data is not None and failure is not None:
        attach_errors(fields, failure.errors)
    return fields


def answer_rows(order: Order) -> list[tuple[str, str]]:
    """The order's answers as (question, answer) in the service's order of questions."""
    answers: dict[str, Any] = order.answers or {}
    if not answers:
        return []
    attrs = list(order.service.attributes.all()) if order.service is not None else []
    rows: list[tuple[str, str]] = []
    seen: set[str] = set()
    for attr in attrs:
        if attr.code not in answers:
            continue
        seen.add(attr.code)
        value = answers[attr.code]
        labels = dict(attr.choice_pairs())
        if isinstance(value, list):
            text = list_separator().join(labels.get(str(v), str(v)) for v in value)
        elif attr.is_list:
            text = labels.get(str(value), str(value))
        elif attr.datatype == attr.Datatype.DATETIME:
            parsed = parse_datetime(str(value))
            text = timezone.localtime(parsed).strftime("%Y-%m-%d %H:%M") if parsed else str(value)
        else:
            text = str(value)
        rows.append((attr.label, text))
    rows.extend((code, str(v)) for code, v in answers.items() if code not in seen)
    return rows
