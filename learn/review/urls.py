from django.urls import path

from learn.review import views

urlpatterns = [path("", views.review, name="review")]
