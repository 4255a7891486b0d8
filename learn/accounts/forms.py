from django.contrib.auth.forms import UserCreationForm

from learn.accounts.models import User


class SignupForm(UserCreationForm):
    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email")
        help_texts = {"email": "Optional: used only to mail you a reset link."}
