from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.admin.forms import AdminPasswordChangeForm as AdminOwnPasswordForm
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_variables

from minsheng.accounts.lockout import (
    counted_username,
    is_locked_out,
    lockout_message,
    password_matches,
)
from minsheng.accounts.models import Profile
from minsheng.accounts.services import user_set_password
from minsheng.core.inputs import Invalid
from minsheng.core.phones import read_phone


class LockoutMessageMixin:
    """A login form that says "locked, try again later" rather than "wrong password" when the
    login throttle refused the attempt (or this failure locked it)."""

    request: HttpRequest | None

    def get_invalid_login_error(self) -> ValidationError:
        if self.request is not None and is_locked_out(self.request):
            return ValidationError(lockout_message(), code="locked_out")
        error: ValidationError = super().get_invalid_login_error()  # type: ignore[misc]
        return error


class LoginForm(LockoutMessageMixin, auth_forms.AuthenticationForm):
    """Django's login form with attributes that help phones and password managers."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update(
            {"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}
        )
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})

    def clean_username(self) -> str:
        # A resident's mobile, however written, is one name to the login lock.
        return counted_username(self.cleaned_data["username"])


class AdminLoginForm(LockoutMessageMixin, AdminAuthenticationForm):
    """The admin's login form, with the lock-out message."""


class SavesThroughService:
    """Django's password forms, saving through ``accounts.services.user_set_password`` (which
    also revokes the user's API tokens). It always saves: no caller asks otherwise."""

    cleaned_data: dict[str, Any]

    @sensitive_variables("password")
    def set_password_and_save(
        self,
        user: Any,
        password_field_name: str = "password1",  # noqa: S107 (a field's name)
        commit: bool = True,
    ) -> Any:
        usable = self.cleaned_data.get("set_usable_password", True)
        password = self.cleaned_data[password_field_name] if usable else None
        user_set_password(user=user, password=password)
        return user


class PasswordChangeForm(SavesThroughService, auth_forms.PasswordChangeForm):
    """The signed-in user's own password: the current one, then the new one twice.

    The current password is checked the way a login is (``password_matches``), so guesses
    made here count towards the login lock, and a locked account cannot change it either.
    """

    def __init__(self, user: Any, *args: Any, request: HttpRequest, **kwargs: Any) -> None:
        self.request = request
        super().__init__(user, *args, **kwargs)
        labels = {
            "old_password": (_("Current password"), "current-password"),
            "new_password1": (_("New password"), "new-password"),
            "new_password2": (_("New password again"), "new-password"),
        }
        for name, (label, autocomplete) in labels.items():
            field = self.fields[name]
            field.label = label
            field.help_text = ""
            field.widget.attrs.update({"autocomplete": autocomplete})

    @property
    def rules(self) -> list[str]:
        """What a new password must be, one sentence per rule."""
        return password_validation.password_validators_help_texts()

    @sensitive_variables("old_password")
    def clean_old_password(self) -> str:
        old_password: str = self.cleaned_data["old_password"]
        if not password_matches(request=self.request, user=self.user, password=old_password):
            if is_locked_out(self.request):
                raise ValidationError(lockout_message(), code="locked_out")
            raise ValidationError(
                self.error_messages["password_incorrect"], code="password_incorrect"
            )
        return old_password


class AdminOwnPasswordChangeForm(SavesThroughService, AdminOwnPasswordForm):
    """The admin's "change my password" page."""


class AdminPasswordChangeForm(SavesThroughService, auth_forms.AdminPasswordChangeForm):
    """The admin's "set this user's password" page (or "disable password login")."""


class ProfileForm(forms.ModelForm):
    """A profile as the admin edits it: the phone is a mainland mobile or landline, stored
    in its normal form (``core.phones.read_phone``): it is the number orders carry."""

    class Meta:
        model = Profile
        fields = ("user", "role", "region", "display_name", "phone")

    def clean_phone(self) -> str:
        value = self.cleaned_data.get("phone", "")
        if not value or not value.strip():
            return ""
        try:
            return read_phone(value)
        except Invalid as exc:
            raise ValidationError(str(exc.message), code=exc.code) from None
