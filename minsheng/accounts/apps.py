from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "minsheng.accounts"
    label = "accounts"
    verbose_name = _("accounts")
    default = True


class AdminConfig(admin_apps.AdminConfig):
    """``django.contrib.admin`` with our site (``minsheng.accounts.sites.AdminSite``)."""

    default = False
    default_site = "minsheng.accounts.sites.AdminSite"
