from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "learn.accounts"
    label = "accounts"

    def ready(self) -> None:
        from learn.accounts import signals  # noqa: F401
