from django.apps import AppConfig


class LabsConfig(AppConfig):
    name = "learn.labs"
    label = "labs"
