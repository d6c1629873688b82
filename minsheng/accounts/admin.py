from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from minsheng.accounts.forms import AdminPasswordChangeForm, ProfileForm
from minsheng.accounts.models import PhoneCode, Profile
from minsheng.core.admin import ReadOnlyMixin
from minsheng.core.phones import mask_phone

User = get_user_model()


class ProfileInline(admin.StackedInline):
    model = Profile
    form = ProfileForm
    can_delete = False
    fields = ("role", "region", "display_name", "phone")
    autocomplete_fields = ("region",)


if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    # Saves through accounts.services.user_set_password, revoking the user's API tokens.
    change_password_form = AdminPasswordChangeForm
    inlines = [ProfileInline]
    list_display = ("username", "profile_role", "profile_region", "is_staff", "is_active")
    list_select_related = ("profile", "profile__region")
    list_filter = ("profile__role", "is_staff", "is_superuser", "is_active")

    @admin.display(description=_("role"), ordering="profile__role")
    def profile_role(self, obj: object) -> str:
        profile = getattr(obj, "profile", None)
        return profile.get_role_display() if profile is not None else "-"

    @admin.display(description=_("region"))
    def profile_region(self, obj: object) -> str:
        profile = getattr(obj, "profile", None)
        return str(profile.region) if profile is not None and profile.region else "-"


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    form = ProfileForm
    list_display = ("user", "role", "region", "display_name", "phone")
    list_filter = ("role",)
    search_fields = ("user__username", "display_name", "phone")
    autocomplete_fields = ("user", "region")
    list_select_related = ("user", "region")


@admin.register(PhoneCode)
class PhoneCodeAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """The SMS codes sent, for answering "my code never came": when, to which number, for
    what, whether used. View only; the code itself is not stored (only its keyed hash, not
    shown)."""

    list_display = (
        "masked_phone",
        "purpose",
        "created_at",
        "expires_at",
        "failures",
        "used_at",
        "address",
    )
    list_filter = ("purpose",)
    search_fields = ("=phone",)
    date_hierarchy = "created_at"
    fields = ("phone", "purpose", "address", "created_at", "expires_at", "failures", "used_at")

    @admin.display(description=_("mobile"), ordering="phone")
    def masked_phone(self, obj: PhoneCode) -> str:
        return mask_phone(obj.phone)
