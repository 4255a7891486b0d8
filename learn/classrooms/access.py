"""Who may see a class. Every instructor view goes through `classroom_for_instructor`; the
student class page goes through `classroom_for_member`. Both answer 404, never 403, so a
class's existence is not revealed to anyone outside it.

Superusers pass the instructor gate for every class: they can already read every row in
/admin/, so refusing them here protects nothing, and it lets an administrator cover for an
absent instructor. The access matrix in tests/classrooms/test_access.py pins this down.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404

from learn.accounts.models import INSTRUCTORS_GROUP
from learn.classrooms.models import Classroom, Membership, Removal


def classroom_for_instructor(*, user: Any, pk: int) -> Classroom:
    """The class if `user` teaches it and still holds the instructor role, or is a superuser;
    otherwise Http404. One query."""
    if user is None or not user.is_authenticated or not user.is_active:
        raise Http404("No such class")
    classrooms = Classroom.objects.filter(pk=pk).select_related("open_through")
    if not user.is_superuser:
        # One filter() call, so the three conditions hold for the same membership row; the
        # group check makes revoking the instructor role take effect at once.
        classrooms = classrooms.filter(
            memberships__user=user,
            memberships__role=Membership.INSTRUCTOR,
            memberships__user__groups__name=INSTRUCTORS_GROUP,
        )
    classroom = classrooms.first()
    if classroom is None:
        raise Http404("No such class")
    return classroom


class RemovedFromClass(Http404):
    """The user was a student of this class until an instructor removed them: they know the
    class exists, so they are told what happened instead of "no such class"."""

    def __init__(self, classroom: Classroom) -> None:
        super().__init__("Removed from the class")
        self.classroom = classroom


def classroom_for_member(*, user: Any, pk: int) -> tuple[Classroom, str]:
    """The class and the user's role in it, for the class page its students use. Instructors
    of the class (and superusers) may open it too, to see what their students see."""
    if user is None or not user.is_authenticated or not user.is_active:
        raise Http404("No such class")
    membership = (
        Membership.objects.filter(classroom_id=pk, user=user).select_related("classroom").first()
    )
    if membership is not None:
        return membership.classroom, membership.role
    if user.is_superuser:
        classroom = Classroom.objects.filter(pk=pk).first()
        if classroom is not None:
            return classroom, Membership.INSTRUCTOR
    # Only on the refused path: one more query, so members' pages cost nothing extra.
    removal = Removal.objects.filter(classroom_id=pk, user=user).select_related("classroom")
    removed = removal.first()
    if removed is not None:
        raise RemovedFromClass(removed.classroom)
    raise Http404("No such class")
