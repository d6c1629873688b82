from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegionsConfig(AppConfig):
    name = "minsheng.regions"
    label = "regions"
    verbose_name = _("regions")

    def ready(self) -> None:
        from minsheng.core.refcache import invalidate_on_change
        from minsheng.regions import models, selectors

        invalidate_on_change(selectors._by_code, models.Region)
        invalidate_on_change(selectors._located, models.Region)
