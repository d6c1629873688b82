"""How the demand pages write their figures: a rate per 1,000 with two decimals, a share
as a percentage; "–" where there is none (a population of 0, no orders)."""

from __future__ import annotations

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def rate(value: float | None) -> str:
    return "–" if value is None else number_format(value, 2)


@register.filter
def share(value: float | None) -> str:
    return "–" if value is None else f"{number_format(value * 100, 1)}%"
