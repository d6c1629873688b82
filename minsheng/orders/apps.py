from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "minsheng.orders"
    label = "orders"
    verbose_name = _("orders")

    def ready(self) -> None:
        # A reply of 1/2/3 to the rating SMS rates the order (issue 8).
        from minsheng.notify.inbound import register
        from minsheng.orders.sms_replies import rate_by_reply

        register(rate_by_reply)
