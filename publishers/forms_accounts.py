"""Sign-in and password forms of the publishers' portal (publisher logins only)."""

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.utils.translation import gettext_lazy as _


def is_publisher_user(user) -> bool:
    return bool(user and user.is_authenticated and hasattr(user, "publisher_user"))


class PublisherLoginForm(AuthenticationForm):
    """Sign in with the email the organisers approved; staff and other logins are refused here."""

    username = forms.CharField(
        label=_("Email"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("The email or the password is wrong. Passwords are case-sensitive."),
    }

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def clean(self):
        # Publisher logins are named after the email, but the login of that email is what counts.
        typed = (self.cleaned_data.get("username") or "").strip()
        users = get_user_model().objects.filter(email__iexact=typed)
        user = users.filter(publisher_user__isnull=False).first() or users.first()
        if user is not None:
            self.cleaned_data["username"] = user.get_username()
        return super().clean()

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not is_publisher_user(user):
            # Answered exactly as a wrong password: the portal's sign-in must not tell anyone
            # that they guessed a staff member's password.
            raise self.get_invalid_login_error()


class PublisherPasswordResetForm(PasswordResetForm):
    """Sends the set-password link to publisher logins only, including those never given a password."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def get_users(self, email):
        # Unlike Django's default, a login without a usable password qualifies: it is a new
        # account whose first set-password email was lost or expired.
        return get_user_model().objects.filter(
            email__iexact=email, is_active=True, publisher_user__isnull=False
        )
