from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "minsheng.catalog"
    label = "catalog"
    verbose_name = _("catalog")

    def ready(self) -> None:
        from minsheng.catalog import models, selectors
        from minsheng.core.refcache import invalidate_on_change

        invalidate_on_change(
            selectors._menu,
            models.Service,
            models.ServiceAttribute,
            models.Category,
            models.ServiceArea,
            models.UrgencyClass,
            m2m=(models.Service.regions.through,),
        )
        invalidate_on_change(selectors._urgency, models.UrgencyClass)
