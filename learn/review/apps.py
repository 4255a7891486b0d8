from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "learn.review"
    label = "review"
