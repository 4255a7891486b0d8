from django.apps import AppConfig


class ClassroomsConfig(AppConfig):
    name = "learn.classrooms"
    label = "classrooms"
