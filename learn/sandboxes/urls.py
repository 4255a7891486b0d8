from django.urls import path

from learn.sandboxes import views

urlpatterns = [
    path("<slug:slot>/run/", views.run, name="sandbox_run"),
    path("<slug:slot>/reset/", views.reset, name="sandbox_reset"),
    path("<slug:slot>/files/", views.files, name="sandbox_files"),
]
