from django.urls import path

from learn.review import now, views

urlpatterns = [
    path("", views.review, name="review"),
    path("now/", now.review_now, name="review_now"),
]
