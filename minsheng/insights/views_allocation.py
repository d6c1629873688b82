"""Budget allocation (issue 11). Who may open them: ``insights.policy``."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from minsheng.accounts.decorators import allowed
from minsheng.insights import policy


@allowed(policy.can_see_planning)
def allocation_page(request: HttpRequest) -> HttpResponse:
    raise NotImplementedError  # built by its part
