import unicodedata

from django import forms
from django.contrib.auth.forms import UserCreationForm

from learn.accounts.models import User


def scripts_of(text: str) -> set[str]:
    """The writing systems of the letters in `text` (LATIN, CYRILLIC, GREEK, ...)."""
    return {
        unicodedata.name(ch, "UNKNOWN").split(" ")[0]
        for ch in text
        if unicodedata.category(ch)[0] == "L"
    }


class SignupForm(UserCreationForm):
    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email")
        help_texts = {"email": "Optional: used only to mail you a reset link."}

    def clean_username(self) -> str:
        """NFKC-normalised (Django does that too), one writing system per name, and unique
        regardless of case: "dеmo-teacher" with a Cyrillic е is not a second demo-teacher."""
        username = unicodedata.normalize("NFKC", self.cleaned_data["username"])
        if len(scripts_of(username)) > 1:
            raise forms.ValidationError(
                "Use letters from one alphabet only: this name mixes "
                + " and ".join(sorted(s.title() for s in scripts_of(username)))
                + " letters, which can look like someone else's name."
            )
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError("A user with that username already exists.")
        return username
