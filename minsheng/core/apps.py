from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "minsheng.core"
    label = "core"

    def ready(self) -> None:
        from minsheng.core import checks  # noqa: F401 (registers the system checks)
