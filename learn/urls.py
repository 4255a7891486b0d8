from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from learn.core import views as core
from learn.lessons import views as lessons
from learn.quizzes import views as quizzes
from learn.sandboxes import views as sandboxes

urlpatterns = [
    path("", lessons.path, name="path"),
    path("lessons/<slug:slug>/", lessons.lesson, name="lesson"),
    path("lessons/<slug:slug>/done/", lessons.mark_done, name="lesson_done"),
    path("questions/<slug:key>/answer/", quizzes.answer, name="answer"),
    path("review/", include("learn.review.urls")),
    path("playground/", sandboxes.playground, name="playground"),
    path("sandboxes/", include("learn.sandboxes.urls")),
    path("classrooms/", include("learn.classrooms.urls")),
    path("accounts/", include("learn.accounts.urls")),
    path("healthz", core.healthz, name="healthz"),
    path("readyz", core.readyz, name="readyz"),
    path("admin/", admin.site.urls),
]

if settings.BENCH_VIEWS:
    urlpatterns.append(path("bench/ceiling", core.bench_ceiling))
