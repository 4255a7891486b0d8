from django.apps import AppConfig


class SandboxesConfig(AppConfig):
    name = "learn.sandboxes"
    label = "sandboxes"
