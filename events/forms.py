import datetime as dt

from django import forms
from django.utils.formats import date_format
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.forms import WagtailAdminPageForm

from events.validators import normalize_vn_mobile


class EventPageForm(WagtailAdminPageForm):
    """Checks that programme items fall on the event's days."""

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if not (start and end) or "programme" not in self.formsets:
            return cleaned
        for form in self.formsets["programme"].forms:
            if not form.is_valid() or form.cleaned_data.get("DELETE"):
                continue
            day = form.cleaned_data.get("date")
            if day and not start <= day <= end:
                form.add_error(
                    "date",
                    _("Pick a day of the event (%(start)s to %(end)s).")
                    % {"start": start.strftime("%d/%m/%Y"), "end": end.strftime("%d/%m/%Y")},
                )
        return cleaned


class RegistrationForm(forms.Form):
    """The visitor's registration. Format checks only: the rules live in the registration service."""

    full_name = forms.CharField(
        label=gettext_lazy("Full name"),
        max_length=120,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=gettext_lazy("Email"),
        max_length=254,
        help_text=gettext_lazy("Your pass is sent here."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = forms.CharField(
        label=gettext_lazy("Mobile phone"),
        max_length=30,
        widget=forms.TextInput(
            attrs={"autocomplete": "tel", "inputmode": "tel", "placeholder": "0912 345 678"}
        ),
    )
    visit_date = forms.TypedChoiceField(
        label=gettext_lazy("Day of your visit"),
        widget=forms.RadioSelect,
        coerce=dt.date.fromisoformat,
        error_messages={"invalid_choice": gettext_lazy("Pick one of the days of the event.")},
    )
    party_size = forms.IntegerField(
        label=gettext_lazy("Number of people"),
        min_value=1,
        initial=1,
        help_text=gettext_lazy("1 for yourself; the whole group for a school class or an organisation."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    organisation = forms.CharField(
        label=gettext_lazy("School or organisation"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    consent = forms.BooleanField(
        label=gettext_lazy(
            "I agree that the organisers process my name, email and phone number to issue my pass "
            "and manage entry to this event."
        ),
        error_messages={
            "required": gettext_lazy("Please agree to the processing of your personal data for this event.")
        },
        template_name="events/includes/checkbox_field.html",
    )
    # Honeypot: hidden from people, filled in by bots. A filled one means nothing is saved.
    website = forms.CharField(
        required=False,
        label=gettext_lazy("Leave this field empty"),
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def __init__(self, event, *args, availability: dict | None = None, **kwargs):
        kwargs.setdefault("label_suffix", "")  # no colon after labels
        super().__init__(*args, **kwargs)
        self.event = event
        # Labels are formatted only if the form is rendered: the API validates with this form too.
        self.fields["visit_date"].choices = [
            (day.isoformat(), _lazy_label(day, (availability or {}).get(day))) for day in event.days
        ]
        self.fields["party_size"].max_value = event.max_party_size
        self.fields["party_size"].widget.attrs["max"] = event.max_party_size
        if len(event.days) == 1:
            self.fields["visit_date"].initial = event.days[0].isoformat()

    @staticmethod
    def _day_label(day: dt.date, places_left: int | None) -> str:
        label = f"{date_format(day, 'l')}, {date_format(day, 'SHORT_DATE_FORMAT')}"
        if places_left is None:
            return label
        if places_left <= 0:
            return label + " — " + _("full, waiting list")
        return label + " — " + _("%(count)s places left") % {"count": places_left}

    def clean_full_name(self):
        name = " ".join(self.cleaned_data["full_name"].split())
        if any(ord(char) < 32 for char in name) or len(name) < 2:
            raise forms.ValidationError(_("Enter your full name."))
        return name

    def clean_phone(self):
        return normalize_vn_mobile(self.cleaned_data["phone"])

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()


_lazy_label = lazy(RegistrationForm._day_label, str)


class FindPassForm(forms.Form):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    email = forms.EmailField(
        label=gettext_lazy("Email you registered with"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
