from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import login as auth_login
from django.contrib.auth import password_validation
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from minsheng.accounts.decorators import clean_request
from minsheng.accounts.errors import AccountCode
from minsheng.accounts.forms import LoginForm, PasswordChangeForm
from minsheng.accounts.models import CodePurpose
from minsheng.accounts.services import (
    MAX_NAME,
    SignUpInput,
    password_reset_by_code,
    phone_code_send,
    phone_sign_in,
    resident_sign_up,
)
from minsheng.core.errors import DomainError, ErrorDetail
from minsheng.core.network import client_address
from minsheng.core.phones import MAX_PHONE, mask_phone
from minsheng.orders.forms import FieldSpec, attach_errors, error_links, place_groups
from minsheng.regions.selectors import region_choices_tree

# The session of an account that got in by a code (any backend that can load the user by id).
CODE_LOGIN_BACKEND = "django.contrib.auth.backends.ModelBackend"


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    form_class = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    http_method_names = ["post", "options"]


class PasswordChangeView(auth_views.PasswordChangeView):
    """The signed-in user's own password (Django's view: signed in only, CSRF, the posted
    passwords kept out of error reports). Saving revokes their API tokens and keeps this
    session."""

    template_name = "accounts/password_change.html"
    form_class = PasswordChangeForm
    success_url = reverse_lazy("home")

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["request"] = self.request
        return kwargs

    def form_valid(self, form: auth_forms.PasswordChangeForm) -> HttpResponse:
        response = super().form_valid(form)
        messages.success(
            self.request,
            _("Your password has been changed. Apps signed in as you must sign in again."),
        )
        return response


# --- Sign-in by phone: log in, sign up and reset a password with an SMS code --------------------
#
# Each page is one form with two buttons: "send me a code" (``action=send``) and the step
# itself. Without JavaScript it works the same: the page comes back with the number kept,
# a status line saying where the code went, and the code field next. Refusals come back next
# to their field with the refusal's status code; nothing was written (but a wrong try).

_SEND = "send"


def _next_url(request: HttpRequest) -> str:
    """Where to go after getting in: ``next`` when it is this site's, else
    ``LOGIN_REDIRECT_URL``."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _phone_field(data: QueryDict | None, help_text: Any) -> FieldSpec:
    return FieldSpec(
        name="phone",
        label=_("Mobile number"),
        kind="tel",
        required=True,
        value=data.get("phone", "") if data is not None else "",
        maxlength=MAX_PHONE,
        help=help_text,
        prefix="a",
    )


def _code_field() -> FieldSpec:
    # Never shown back: a code is typed fresh from the SMS.
    return FieldSpec(
        name="code",
        label=_("Code from the SMS"),
        kind="code",
        required=True,
        maxlength=6,
        autocomplete="one-time-code",
        help=_("6 digits. Ask for a code first; it is valid for a few minutes."),
        prefix="a",
    )


def _password_fields(*, required: bool) -> list[FieldSpec]:
    rules = " ".join(password_validation.password_validators_help_texts())
    return [
        FieldSpec(
            name="password",
            label=_("Password") if required else _("Password (optional)"),
            kind="password",
            required=required,
            autocomplete="new-password",
            help=rules
            if required
            else format_lazy("{} {}", _("Without one you log in with an SMS code."), rules),
            prefix="a",
        ),
        FieldSpec(
            name="password2",
            label=_("Password again"),
            kind="password",
            required=required,
            autocomplete="new-password",
            prefix="a",
        ),
    ]


def _require_same_passwords(data: QueryDict) -> None:
    if data.get("password", "") != data.get("password2", ""):
        raise DomainError.single(
            AccountCode.PASSWORD_MISMATCH, _("The two passwords differ."), "password2"
        )


def _code_sent_message(phone: str) -> Any:
    minutes = math.ceil(settings.MINSHENG_CODE_TTL_SECONDS / 60)
    return _("A code has been sent to %(phone)s. It is valid for %(minutes)d minutes.") % {
        "phone": mask_phone(phone),
        "minutes": minutes,
    }


def _phone_page(
    request: HttpRequest,
    *,
    template: str,
    purpose: str,
    fields: Callable[[QueryDict | None], list[FieldSpec]],
    act: Callable[[QueryDict], HttpResponse],
) -> HttpResponse:
    """GET shows the form; POST ``action=send`` sends a code for ``purpose``; any other POST
    runs ``act`` (which answers success itself and raises :class:`DomainError` otherwise)."""
    data = request.POST if request.method == "POST" else None
    errors: list[ErrorDetail] = []
    status = 200
    sent = False
    if data is not None:
        try:
            if data.get("action") == _SEND:
                row = phone_code_send(
                    phone=data.get("phone"), purpose=purpose, address=client_address(request)
                )
                messages.info(request, _code_sent_message(row.phone))
                sent = True
            else:
                return act(data)
        except DomainError as exc:
            errors, status = exc.errors, exc.status_code
    specs = fields(data)
    loose = attach_errors(specs, errors)
    context = {
        "fields": specs,
        "errors": error_links(specs, errors),
        "loose": loose,
        "sent": sent,
        "next": _next_url(request) if (request.POST.get("next") or request.GET.get("next")) else "",
    }
    return render(request, template, context, status=status)


@sensitive_post_parameters("code", "password", "password2")
@never_cache
@clean_request
def phone_login(request: HttpRequest) -> HttpResponse:
    """Log in with a mobile number and a code sent to it by SMS."""

    def fields(data: QueryDict | None) -> list[FieldSpec]:
        return [_phone_field(data, _("The number your account uses.")), _code_field()]

    def act(data: QueryDict) -> HttpResponse:
        user = phone_sign_in(phone=data.get("phone"), code=data.get("code"))
        auth_login(request, user, backend=CODE_LOGIN_BACKEND)
        return redirect(_next_url(request))

    return _phone_page(
        request,
        template="accounts/phone_login.html",
        purpose=CodePurpose.LOGIN,
        fields=fields,
        act=act,
    )


@sensitive_post_parameters("code", "password", "password2")
@never_cache
@clean_request
def sign_up(request: HttpRequest) -> HttpResponse:
    """A resident's own account: mobile and code, name, home village, a password if wanted."""
    groups = place_groups(region_choices_tree())

    def fields(data: QueryDict | None) -> list[FieldSpec]:
        get = data.get if data is not None else (lambda _name, default="": default)
        return [
            _phone_field(data, _("Your own mobile: you will log in with it.")),
            _code_field(),
            FieldSpec(
                name="name",
                label=_("Your name"),
                kind="text",
                required=True,
                value=get("name", ""),
                maxlength=MAX_NAME,
                autocomplete="name",
                prefix="a",
            ),
            FieldSpec(
                name="village",
                label=_("Your village"),
                kind="select",
                required=True,
                value=get("village", ""),
                groups=groups,
                help=_("Villages are listed by township."),
                prefix="a",
            ),
            *_password_fields(required=False),
        ]

    def act(data: QueryDict) -> HttpResponse:
        _require_same_passwords(data)
        user = resident_sign_up(
            data=SignUpInput(
                phone=data.get("phone"),
                code=data.get("code"),
                name=data.get("name"),
                village=data.get("village"),
                password=data.get("password") or None,
            )
        )
        auth_login(request, user, backend=CODE_LOGIN_BACKEND)
        messages.success(request, _("Welcome! Your account has been created."))
        return redirect(_next_url(request))

    return _phone_page(
        request,
        template="accounts/sign_up.html",
        purpose=CodePurpose.SIGNUP,
        fields=fields,
        act=act,
    )


@sensitive_post_parameters("code", "password", "password2")
@never_cache
@clean_request
def password_reset(request: HttpRequest) -> HttpResponse:
    """A new password for a resident's account, with a code sent to its mobile."""

    def fields(data: QueryDict | None) -> list[FieldSpec]:
        return [
            _phone_field(data, _("The number your account uses.")),
            _code_field(),
            *_password_fields(required=True),
        ]

    def act(data: QueryDict) -> HttpResponse:
        _require_same_passwords(data)
        password_reset_by_code(
            phone=data.get("phone"), code=data.get("code"), password=data.get("password", "")
        )
        messages.success(
            request, _("Your new password is set. Log in with your mobile number and it.")
        )
        return redirect(reverse("login"))

    return _phone_page(
        request,
        template="accounts/password_reset.html",
        purpose=CodePurpose.RESET,
        fields=fields,
        act=act,
    )
