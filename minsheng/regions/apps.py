from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
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
        invalidate_on_change(selectors._locator, models.Region)
        # The shared cache's boundaries collection: cache coherence, as for the above.
        post_save.connect(
            selectors.forget_boundaries, sender=models.Region, dispatch_uid="boundaries-s"
        )
        post_delete.connect(
            selectors.forget_boundaries, sender=models.Region, dispatch_uid="boundaries-d"
        )
