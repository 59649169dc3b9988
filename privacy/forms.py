import copy

from django import forms
from django.utils.translation import gettext_lazy

from bookday.altcha import ChallengeField
from bookday.validators import guard_text_fields
from events.forms import FindPassForm, RegistrationForm


class LinkRequestForm(forms.Form):
    """The address to send a link to "My data" to: checked like "find my pass"."""

    email = copy.deepcopy(FindPassForm.base_fields["email"])
    altcha = ChallengeField()

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        guard_text_fields(self)

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()


class CorrectionForm(forms.Form):
    """Name, phone and organisation, with the registration form's own fields and checks."""

    full_name = copy.deepcopy(RegistrationForm.base_fields["full_name"])
    phone = copy.deepcopy(RegistrationForm.base_fields["phone"])
    organisation = copy.deepcopy(RegistrationForm.base_fields["organisation"])

    clean_full_name = RegistrationForm.clean_full_name
    clean_phone = RegistrationForm.clean_phone
    clean_organisation = RegistrationForm.clean_organisation

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        guard_text_fields(self)


class ConfirmForm(forms.Form):
    """A tick before what cannot be undone (withdrawing consent, erasing)."""

    confirm = forms.BooleanField(
        label=gettext_lazy("I understand this cannot be undone."),
        error_messages={"required": gettext_lazy("Tick the box to confirm.")},
        template_name="events/includes/checkbox_field.html",
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
