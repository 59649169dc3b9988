import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.forms import WagtailAdminPageForm

from bookday.altcha import ChallengeField
from bookday.validators import guard_text_fields, organisation_name, person_name
from events.consent import CONSENT_TEXTS, CURRENT_CONSENT_VERSION
from events.enums import TEXT_ANSWER_MAX_LENGTH, QuestionAudience, QuestionKind
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


# Messages in the project's own words: Django's defaults read oddly in Vietnamese
# ("lớn hơn hoặc bằng với 1 ." with its stray space) and say nothing about this form.
def _messages(**extra) -> dict:
    return {"required": gettext_lazy("Please fill in this field."), **extra}


# Common slips in the domains most visitors use, and what was meant. The pass is emailed, so a
# typo here means no pass. The form's script reads this same table (json_script), so the rule
# lives in one place.
EMAIL_DOMAIN_TYPOS = {
    "gmial.com": "gmail.com",
    "gmai.com": "gmail.com",
    "gmal.com": "gmail.com",
    "gamil.com": "gmail.com",
    "gnail.com": "gmail.com",
    "gmail.co": "gmail.com",
    "gmail.con": "gmail.com",
    "gmail.cm": "gmail.com",
    "gmail.om": "gmail.com",
    "gmail.vn": "gmail.com",
    "gmaill.com": "gmail.com",
    "yaho.com": "yahoo.com",
    "yahooo.com": "yahoo.com",
    "yahoo.con": "yahoo.com",
    "yhoo.com": "yahoo.com",
    "yaho.com.vn": "yahoo.com.vn",
    "hotmial.com": "hotmail.com",
    "hotmai.com": "hotmail.com",
    "hotmail.con": "hotmail.com",
    "outlook.con": "outlook.com",
    "outlok.com": "outlook.com",
    "icloud.con": "icloud.com",
}


def suggest_email(email: str) -> str:
    """The address with a commonly mistyped domain corrected; "" when nothing looks wrong."""
    local, _at, domain = email.strip().lower().rpartition("@")
    fixed = EMAIL_DOMAIN_TYPOS.get(domain)
    return f"{local}@{fixed}" if local and fixed else ""


def party_size_field(**extra) -> forms.IntegerField:
    """The number of people, as the registration and the change forms ask for it."""
    return forms.IntegerField(
        label=gettext_lazy("Number of people"),
        min_value=1,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages=_messages(
            required=gettext_lazy("Enter the number of people, e.g. 1."),
            invalid=gettext_lazy("Enter a whole number of people, e.g. 1."),
            min_value=gettext_lazy("At least 1 person."),
        ),
        **extra,
    )


class DayChoice(forms.RadioSelect):
    """Radio buttons for the event's days; days that can no longer be chosen are shown, disabled."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.closed: set[str] = set()

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if str(value) in self.closed:
            option["attrs"]["disabled"] = True
        return option


class RegistrationForm(forms.Form):
    """The visitor's registration. Format checks only: the rules live in the registration service."""

    full_name = forms.CharField(
        label=gettext_lazy("Full name"),
        max_length=120,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages=_messages(
            required=gettext_lazy("Enter your full name."),
            max_length=gettext_lazy("A name can be at most %(limit_value)d characters."),
        ),
    )
    email = forms.EmailField(
        label=gettext_lazy("Email"),
        max_length=254,
        help_text=gettext_lazy("Your pass is sent here."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages=_messages(
            required=gettext_lazy("Enter your email address: your pass is sent there."),
            invalid=gettext_lazy("This email address does not look right; check it, e.g. ten@gmail.com."),
            max_length=gettext_lazy("An email address can be at most %(limit_value)d characters."),
        ),
    )
    # Set when the visitor keeps an address the form thought mistyped (see suggest_email).
    email_confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)
    phone = forms.CharField(
        label=gettext_lazy("Mobile phone"),
        max_length=30,
        widget=forms.TextInput(
            attrs={"autocomplete": "tel", "inputmode": "tel", "placeholder": "0912 345 678"}
        ),
        error_messages=_messages(
            required=gettext_lazy("Enter your mobile phone number, e.g. 0912 345 678."),
            max_length=gettext_lazy("Enter a mobile number, e.g. 0912 345 678."),
        ),
    )
    visit_date = forms.TypedChoiceField(
        label=gettext_lazy("Day of your visit"),
        widget=DayChoice,
        coerce=dt.date.fromisoformat,
        error_messages=_messages(
            required=gettext_lazy("Pick the day of your visit."),
            invalid_choice=gettext_lazy("Pick one of the days of the event."),
        ),
    )
    party_size = party_size_field(
        initial=1,
        help_text=gettext_lazy("1 for yourself; the whole group for a school class or an organisation."),
    )
    organisation = forms.CharField(
        label=gettext_lazy("School or organisation"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
        error_messages=_messages(max_length=gettext_lazy("At most %(limit_value)d characters.")),
    )
    consent = forms.BooleanField(
        label=CONSENT_TEXTS[CURRENT_CONSENT_VERSION],
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
    altcha = ChallengeField()

    def __init__(
        self, event, *args, availability: dict | None = None, now: dt.datetime | None = None, **kwargs
    ):
        kwargs.setdefault("label_suffix", "")  # no colon after labels
        super().__init__(*args, **kwargs)
        self.question_names = [_add_question(self, question) for question in event.questions.all()]
        guard_text_fields(self)
        self.event = event
        now = now or timezone.now()
        # Labels are formatted only if the form is rendered: the API validates with this form too.
        # Days that are over stay in the choices (the service answers "day_over" for them) but
        # cannot be picked on the page.
        open_days = [day for day in event.days if now < event.closes_on(day)]
        self.fields["visit_date"].choices = [
            (day.isoformat(), _lazy_label(day, (availability or {}).get(day), day in open_days))
            for day in event.days
        ]
        self.fields["visit_date"].widget.closed = {d.isoformat() for d in event.days if d not in open_days}
        self.fields["party_size"].max_value = event.max_party_size
        self.fields["party_size"].widget.attrs["max"] = event.max_party_size
        if event.confirm_groups_above < event.max_party_size:  # say it before they post, not after
            held = _(
                "A group of more than %(count)s people gets its pass once it confirms the link we "
                "email; its places are held until then."
            ) % {"count": event.confirm_groups_above}
            self.fields["party_size"].help_text = f"{self.fields['party_size'].help_text} {held}"
        today = timezone.localdate(now)
        if len(open_days) == 1:
            self.fields["visit_date"].initial = open_days[0].isoformat()
        elif today in open_days:  # while the fair runs, most people register to come today
            self.fields["visit_date"].initial = today.isoformat()
        self.email_suggestion = ""

    @staticmethod
    def _day_label(day: dt.date, places_left: int | None, selectable: bool = True) -> str:
        label = f"{date_format(day, 'l')}, {date_format(day, 'SHORT_DATE_FORMAT')}"
        if not selectable:
            return label + " — " + _("over, no longer open")
        if places_left is None:
            return label
        if places_left <= 0:
            return label + " — " + _("full, waiting list")
        return label + " — " + _("%(count)s places left") % {"count": places_left}

    def clean_full_name(self):
        name = " ".join(self.cleaned_data["full_name"].split())
        if len(name) < 2:
            raise forms.ValidationError(_("Enter your full name."))
        person_name(name)
        return name

    def clean_organisation(self):
        organisation = " ".join(self.cleaned_data["organisation"].split())
        if organisation:
            organisation_name(organisation)
        return organisation

    def clean_phone(self):
        return normalize_vn_mobile(self.cleaned_data["phone"])

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        self.email_suggestion = suggest_email(email)
        return email

    @property
    def needs_email_check(self) -> bool:
        """A likely typo the visitor has not confirmed yet: ask once, then accept either."""
        return bool(self.email_suggestion) and not self.cleaned_data.get("email_confirmed")

    @property
    def question_fields(self) -> list:
        """The bound fields of the event's own questions, in the organisers' order."""
        return [self[name] for name in self.question_names]

    def answers(self) -> dict:
        """{question id: answer} as the registration service takes them; unanswered ones left out
        (the service decides which must be answered: it depends on the party)."""
        answers = {}
        for name in self.question_names:
            value = self.cleaned_data.get(name)
            if value not in (None, "", []):
                answers[name.removeprefix(ANSWER_PREFIX)] = value
        return answers


_lazy_label = lazy(RegistrationForm._day_label, str)

# A question's field is named as the service's refusal names it (RegistrationError.field), so
# a refused answer is shown next to its question and the API reports the same name.
ANSWER_PREFIX = "answers."


def _yes_no(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


def _add_question(form: forms.Form, question) -> str:
    """Add the field of one of the organisers' questions to ``form``; its name. Never required
    here: whether an answer is needed depends on the party (individual or group), which only the
    registration service decides; the help text says who is asked and whether it is optional."""
    notes = []
    if question.audience == QuestionAudience.GROUPS:
        notes.append(_("Groups and schools only."))
    elif question.audience == QuestionAudience.INDIVIDUALS:
        notes.append(_("Individual visitors only."))
    if not question.required:
        notes.append(_("Optional."))
    notes.append(_("Why we ask: %(purpose)s") % {"purpose": question.purpose})
    common = {"label": question.label, "required": False, "help_text": " ".join(notes)}
    choices = [(choice, choice) for choice in question.choice_list]
    invalid = {"invalid_choice": gettext_lazy("Pick one of the answers offered.")}
    if question.kind == QuestionKind.TEXT:
        field = forms.CharField(
            max_length=TEXT_ANSWER_MAX_LENGTH,
            error_messages=_messages(max_length=gettext_lazy("At most %(limit_value)d characters.")),
            **common,
        )
    elif question.kind == QuestionKind.CHOICE:
        field = forms.ChoiceField(choices=choices, widget=forms.RadioSelect, error_messages=invalid, **common)
    elif question.kind == QuestionKind.CHOICES:
        field = forms.MultipleChoiceField(
            choices=choices, widget=forms.CheckboxSelectMultiple, error_messages=invalid, **common
        )
    else:
        field = forms.TypedChoiceField(
            choices=[("yes", _("Yes")), ("no", _("No"))],
            coerce=_yes_no,
            empty_value=None,
            widget=forms.RadioSelect,
            error_messages=invalid,
            **common,
        )
    name = ANSWER_PREFIX + question.key
    form.fields[name] = field
    return name


class FindPassForm(forms.Form):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        guard_text_fields(self)

    email = forms.EmailField(
        label=gettext_lazy("Email you registered with"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages=_messages(
            invalid=gettext_lazy("This email address does not look right; check it, e.g. ten@gmail.com.")
        ),
    )
    altcha = ChallengeField()


class ChangeForm(forms.Form):
    """A new day and/or party size for an existing registration; the service decides."""

    visit_date = forms.TypedChoiceField(
        label=gettext_lazy("Day of your visit"),
        widget=DayChoice,
        coerce=dt.date.fromisoformat,
        error_messages=_messages(invalid_choice=gettext_lazy("Pick one of the days of the event.")),
    )
    party_size = party_size_field()
    join_waitlist = forms.BooleanField(
        label=gettext_lazy("If that day is full, put me on its waiting list (I give up my current place)."),
        required=False,
        template_name="events/includes/checkbox_field.html",
    )

    def __init__(self, registration, *args, availability: dict | None = None, now=None, **kwargs):
        kwargs.setdefault("label_suffix", "")
        kwargs.setdefault(
            "initial",
            {"visit_date": registration.day.date.isoformat(), "party_size": registration.party_size},
        )
        super().__init__(*args, **kwargs)
        event = registration.event
        now = now or timezone.now()
        open_days = [day for day in event.days if now < event.closes_on(day)]
        self.fields["visit_date"].choices = [
            (day.isoformat(), _lazy_label(day, (availability or {}).get(day), day in open_days))
            for day in event.days
        ]
        self.fields["visit_date"].widget.closed = {d.isoformat() for d in event.days if d not in open_days}
        self.fields["party_size"].max_value = event.max_party_size
        self.fields["party_size"].widget.attrs["max"] = event.max_party_size


class AccessRequestForm(forms.Form):
    """ "Send me a code": each request emails the registration's address, so it is checked too."""

    altcha = ChallengeField()


class AccessCodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code from the email"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9 ]*"}
        ),
        error_messages=_messages(required=gettext_lazy("Enter the 6-digit code from the email.")),
    )


class SessionBookingForm(forms.Form):
    """Places at a session, from the pass page: the visitor's details come from the pass."""

    session_id = forms.IntegerField(min_value=1, max_value=2_147_483_647, widget=forms.HiddenInput)
    people = forms.IntegerField(label=gettext_lazy("People"), min_value=1, max_value=500, initial=1)
