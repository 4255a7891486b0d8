from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "learn.core"
    label = "core"
