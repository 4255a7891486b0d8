from django.urls import path

import learn.core.converters  # noqa: F401  (registers <id:>)
from learn.classrooms import views

# Instructor URLs (every one goes through access.classroom_for_instructor) are listed in
# INSTRUCTOR_URL_NAMES; the access-matrix test checks each of them for every kind of visitor.
INSTRUCTOR_URL_NAMES = (
    "classroom_dashboard",
    "classroom_code",
    "classroom_rotate_code",
    "classroom_joining",
    "classroom_pacing",
    "classroom_add_instructor",
    "classroom_remove_student",
    "classroom_removed",
    "classroom_readmit",
    "classroom_questions",
    "classroom_student",
    "classroom_student_password",
    "classroom_export_progress",
    "classroom_export_answers",
    "classroom_ask",
    "classroom_ask_push",
    "classroom_ask_reveal",
    "classroom_ask_close",
    "classroom_projector",
    "classroom_ask_stop",
)

urlpatterns = [
    path("", views.classroom_list, name="classrooms"),
    path("join/", views.join, name="classroom_join"),
    path("<id:pk>/live/", views.live, name="classroom_live"),
    path("<id:pk>/leave/", views.leave, name="classroom_leave"),
    path("<id:pk>/", views.dashboard, name="classroom_dashboard"),
    path("<id:pk>/code/", views.project_code, name="classroom_code"),
    path("<id:pk>/code/rotate/", views.rotate_code, name="classroom_rotate_code"),
    path("<id:pk>/joining/", views.set_joining, name="classroom_joining"),
    path("<id:pk>/pacing/", views.set_pacing, name="classroom_pacing"),
    path("<id:pk>/instructors/", views.add_instructor, name="classroom_add_instructor"),
    path(
        "<id:pk>/students/<id:user_id>/remove/",
        views.remove_student,
        name="classroom_remove_student",
    ),
    path("<id:pk>/removed/", views.removed_students, name="classroom_removed"),
    path(
        "<id:pk>/removed/<id:user_id>/readmit/",
        views.readmit_student,
        name="classroom_readmit",
    ),
    path("<id:pk>/students/<id:user_id>/", views.student_review, name="classroom_student"),
    path(
        "<id:pk>/students/<id:user_id>/password/",
        views.student_password,
        name="classroom_student_password",
    ),
    path("<id:pk>/questions/", views.question_analysis, name="classroom_questions"),
    path("<id:pk>/export/progress.csv", views.export_progress, name="classroom_export_progress"),
    path("<id:pk>/export/answers.csv", views.export_answers, name="classroom_export_answers"),
    path("<id:pk>/ask/", views.ask, name="classroom_ask"),
    path("<id:pk>/ask/push/", views.ask_push, name="classroom_ask_push"),
    path("<id:pk>/ask/reveal/", views.ask_reveal, name="classroom_ask_reveal"),
    path("<id:pk>/ask/close/", views.ask_close, name="classroom_ask_close"),
    path("<id:pk>/ask/projector/", views.projector, name="classroom_projector"),
    path("<id:pk>/ask/stop/", views.ask_stop, name="classroom_ask_stop"),
]
