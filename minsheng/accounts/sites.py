"""The admin site: Django's, with the login and password forms of ``minsheng.accounts``.

Installed as the default site by ``minsheng.accounts.apps.AdminConfig`` (in place of
``django.contrib.admin`` in ``INSTALLED_APPS``), so ``admin.site`` is this one.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.views import PasswordChangeView
from django.http import HttpRequest, HttpResponseBase
from django.urls import reverse

from minsheng.accounts.forms import AdminLoginForm, AdminOwnPasswordChangeForm


class AdminSite(admin.AdminSite):
    # Says when the login throttle has locked the account or address.
    login_form = AdminLoginForm

    def password_change(  # type: ignore[override]  # a success redirects: no TemplateResponse
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponseBase:
        """Django's "change my password" page, with a form that saves through
        ``accounts.services.user_set_password`` (revoking the user's API tokens); Django's
        site has no setting for that form."""
        request.current_app = self.name
        view = PasswordChangeView.as_view(
            form_class=AdminOwnPasswordChangeForm,
            success_url=reverse("admin:password_change_done", current_app=self.name),
            extra_context={**self.each_context(request), **(extra_context or {})},
            **(
                {"template_name": self.password_change_template}
                if self.password_change_template is not None
                else {}
            ),
        )
        response: HttpResponseBase = view(request)
        return response
