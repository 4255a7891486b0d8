from __future__ import annotations

from django import forms

from learn.classrooms.models import CODE_LENGTH
from learn.content.models import Lesson, Question


class ClassroomForm(forms.Form):
    name = forms.CharField(max_length=120, strip=True)
    description = forms.CharField(
        max_length=2000, required=False, strip=True, widget=forms.Textarea(attrs={"rows": 3})
    )


class JoinForm(forms.Form):
    code = forms.CharField(
        max_length=32,
        strip=True,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "class": "code-input",
                "size": CODE_LENGTH + 2,
            }
        ),
    )


class PacingForm(forms.Form):
    """`open_through` is a lesson slug; empty means self-paced."""

    open_through = forms.CharField(required=False)

    def clean_open_through(self) -> Lesson | None:
        slug = self.cleaned_data["open_through"]
        if not slug:
            return None
        lesson = Lesson.objects.active().filter(slug=slug).first()
        if lesson is None:
            raise forms.ValidationError("That lesson is not in the course.")
        return lesson


class InstructorForm(forms.Form):
    username = forms.CharField(max_length=150, strip=True)


# What the instructor may pick for the countdown, in seconds (0: no countdown).
COUNTDOWNS = [
    (0, "No countdown"),
    (10, "10 seconds"),
    (20, "20 seconds"),
    (30, "30 seconds"),
    (60, "1 minute"),
    (90, "1½ minutes"),
    (120, "2 minutes"),
    (300, "5 minutes"),
]


class PushForm(forms.Form):
    question = forms.CharField(max_length=80)
    seconds = forms.TypedChoiceField(
        choices=COUNTDOWNS, coerce=int, required=False, empty_value=None
    )
    # "projector": go on to the projector view after pushing; anything else: the ask page.
    then = forms.CharField(max_length=20, required=False)

    def clean_question(self) -> Question:
        question = (
            Question.objects.active()
            .select_related("lesson")
            .filter(key=self.cleaned_data["question"])
            .first()
        )
        if question is None:
            raise forms.ValidationError("Choose a question of the course.")
        return question

    def clean_seconds(self) -> int:
        return self.cleaned_data["seconds"] or 0  # left out: no countdown


class JoiningForm(forms.Form):
    open = forms.TypedChoiceField(
        choices=[("1", "open"), ("0", "closed")], coerce=lambda v: v == "1"
    )
