"""Writes for classes. Each function is one transaction; views never write through the ORM."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction
from django.utils import timezone

from learn.accounts.models import INSTRUCTORS_GROUP
from learn.classrooms.models import (
    CODE_ALPHABET,
    CODE_LENGTH,
    Classroom,
    LiveQuestion,
    Membership,
    Removal,
)
from learn.content.models import Lesson, Question


class ClassroomError(Exception):
    """A refused action, with a message the user can act on."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(raw: str) -> str:
    """What people type from a projector: any case, stray spaces or dashes."""
    return "".join(ch for ch in raw.upper() if ch.isalnum())


def _save_with_fresh_code(classroom: Classroom) -> None:
    # Collisions are rare (31^6 codes) but possible: retry inside a savepoint each time.
    for _ in range(20):
        classroom.code = new_code()
        try:
            with transaction.atomic():
                classroom.save()
            return
        except IntegrityError:
            continue
    raise ClassroomError("Could not find a free join code; try again.")


def instructor_grant(*, user: Any, revoke: bool = False) -> None:
    with transaction.atomic():
        group, _ = Group.objects.get_or_create(name=INSTRUCTORS_GROUP)
        if revoke:
            user.groups.remove(group)
        else:
            user.groups.add(group)


def classroom_create(*, instructor: Any, name: str, description: str = "") -> Classroom:
    if not instructor.is_instructor:
        raise ClassroomError("Only instructors can create classes.")
    with transaction.atomic():
        classroom = Classroom(name=name.strip(), description=description.strip())
        _save_with_fresh_code(classroom)
        Membership.objects.create(classroom=classroom, user=instructor, role=Membership.INSTRUCTOR)
    return classroom


def classroom_rotate_code(*, classroom: Classroom) -> str:
    """A new join code; the old one stops working at once. Members stay members."""
    with transaction.atomic():
        _save_with_fresh_code(classroom)
    return classroom.code


def classroom_set_joining(*, classroom: Classroom, open: bool) -> None:
    with transaction.atomic():
        classroom.joining_open = open
        classroom.save(update_fields=["joining_open"])


def classroom_set_pacing(*, classroom: Classroom, open_through: Lesson | None) -> None:
    """Guided mode: open lessons up to and including `open_through`; None: self-paced."""
    with transaction.atomic():
        classroom.open_through = open_through
        classroom.save(update_fields=["open_through"])


def classroom_join(*, user: Any, code: str) -> tuple[Classroom, bool]:
    """Join the class with this code as a student. Returns (class, joined now?)."""
    code = normalise_code(code)
    with transaction.atomic():
        classroom = Classroom.objects.filter(code=code).first() if code else None
        if classroom is None or not classroom.joining_open:
            raise ClassroomError(
                "No class is open for joining with that code. Check it with your instructor: "
                "codes use letters and digits, without 0, O, 1, I or L."
            )
        existing = Membership.objects.filter(classroom=classroom, user=user).first()
        if existing is not None:
            return classroom, False
        if Removal.objects.filter(classroom=classroom, user=user).exists():
            # A removal sticks: the code alone does not undo what the instructor decided.
            raise ClassroomError(
                f"Your instructor removed you from {classroom.name}, so its code no longer "
                "lets you in. If that was a mistake, ask them to re-admit you: they can do it "
                "from the class's list of removed students."
            )
        try:
            with transaction.atomic():
                Membership.objects.create(classroom=classroom, user=user, role=Membership.STUDENT)
        except IntegrityError:  # joined twice at once: the other request won
            return classroom, False
    return classroom, True


def classroom_leave(*, user: Any, classroom: Classroom) -> None:
    """A student leaves a self-paced class. A guided class's pacing would lift if its students
    could leave it, so there only the instructor removes them (learn/classrooms/gates.py)."""
    if classroom.guided:
        raise ClassroomError(
            "Your instructor is pacing this class, so you cannot leave it yourself. Ask them "
            "to remove you from the class."
        )
    with transaction.atomic():
        Membership.objects.filter(classroom=classroom, user=user, role=Membership.STUDENT).delete()


def student_remove(*, classroom: Classroom, user_id: int, by: Any = None) -> bool:
    """Take a student out of the class and keep them out: a Removal row stops the join code
    from admitting them again until an instructor re-admits them (student_readmit)."""
    with transaction.atomic():
        deleted, _ = Membership.objects.filter(
            classroom=classroom, user_id=user_id, role=Membership.STUDENT
        ).delete()
        if deleted:
            Removal.objects.update_or_create(
                classroom=classroom,
                user_id=user_id,
                defaults={"removed_by": by, "removed_at": timezone.now()},
            )
    return bool(deleted)


def student_readmit(*, classroom: Classroom, user_id: int) -> bool:
    """Undo a removal: the student is back in the class at once, with all their progress
    (it was never deleted: progress belongs to the learner, not to the class)."""
    with transaction.atomic():
        deleted, _ = Removal.objects.filter(classroom=classroom, user_id=user_id).delete()
        if not deleted:
            return False
        Membership.objects.get_or_create(
            classroom=classroom, user_id=user_id, defaults={"role": Membership.STUDENT}
        )
    return True


def student_set_password(*, classroom: Classroom, user_id: int, password: str) -> bool:
    """An instructor sets a new password for a student of their class (as a Kolibri coach can),
    for a learner with no e-mail to reset it. Only the class's students, never an instructor;
    the caller validated the password with Django's validators (SetPasswordForm)."""
    with transaction.atomic():
        member = (
            Membership.objects.select_related("user")
            .filter(classroom=classroom, user_id=user_id, role=Membership.STUDENT)
            .first()
        )
        if member is None:
            return False
        member.user.set_password(password)
        member.user.save(update_fields=["password"])
    return True


def instructor_add(*, classroom: Classroom, username: str) -> Any:
    """Make another instructor a co-instructor of the class (also if they were a student)."""
    user = get_user_model().objects.filter(username=username.strip()).first()
    if user is None or not user.is_active or not user.is_instructor:
        raise ClassroomError(
            "There is no instructor with that username. An administrator grants the "
            "instructor role first."
        )
    with transaction.atomic():
        membership, created = Membership.objects.get_or_create(
            classroom=classroom, user=user, defaults={"role": Membership.INSTRUCTOR}
        )
        if not created and membership.role != Membership.INSTRUCTOR:
            membership.role = Membership.INSTRUCTOR
            membership.save(update_fields=["role"])
        Removal.objects.filter(classroom=classroom, user=user).delete()
    return user


MIN_COUNTDOWN, MAX_COUNTDOWN = 5, 600  # seconds; a live question is a moment, not homework


def live_push(
    *, classroom: Classroom, question: Question, by: Any, seconds: int = 0
) -> LiveQuestion:
    """Put a question in front of the class, replacing the one that was open. `seconds` > 0
    starts a countdown: answers after it do not count, as if "Close answers" was pressed."""
    if question.retired:
        raise ClassroomError("That question has been retired from the course.")
    if seconds and not MIN_COUNTDOWN <= seconds <= MAX_COUNTDOWN:
        raise ClassroomError(
            f"A countdown runs from {MIN_COUNTDOWN} seconds to {MAX_COUNTDOWN // 60} minutes."
        )
    now = timezone.now()
    closes_at = now + timedelta(seconds=seconds) if seconds else None
    with transaction.atomic():
        # Lock the class row so two pushes at once cannot both leave a question open.
        Classroom.objects.select_for_update().filter(pk=classroom.pk).first()
        LiveQuestion.objects.filter(classroom=classroom, ended_at__isnull=True).update(ended_at=now)
        return LiveQuestion.objects.create(
            classroom=classroom,
            question=question,
            pushed_by=by,
            started_at=now,
            closes_at=closes_at,
        )


def live_close(*, classroom: Classroom) -> LiveQuestion | None:
    """Stop counting answers to the open question (its countdown, if any, ends now)."""
    with transaction.atomic():
        live = (
            LiveQuestion.objects.select_for_update()
            .filter(classroom=classroom, ended_at__isnull=True)
            .first()
        )
        if live is not None and not live.is_closed():
            live.closed_at = timezone.now()
            live.save(update_fields=["closed_at"])
    return live


def live_reveal(*, classroom: Classroom) -> LiveQuestion | None:
    with transaction.atomic():
        live = (
            LiveQuestion.objects.select_for_update()
            .filter(classroom=classroom, ended_at__isnull=True)
            .first()
        )
        if live is not None and live.revealed_at is None:
            # Revealing the answer also closes answering: what comes after it is not a guess.
            live.revealed_at = timezone.now()
            fields = ["revealed_at"]
            if not live.is_closed(live.revealed_at):
                live.closed_at = live.revealed_at
                fields.append("closed_at")
            live.save(update_fields=fields)
    return live


def live_stop(*, classroom: Classroom) -> None:
    with transaction.atomic():
        LiveQuestion.objects.filter(classroom=classroom, ended_at__isnull=True).update(
            ended_at=timezone.now()
        )
