from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "minsheng.demo"
    label = "demo"
