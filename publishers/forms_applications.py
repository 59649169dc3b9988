"""The public exhibitor application form. Format checks only: the rules live in the service."""

from django import forms
from django.core.validators import FileExtensionValidator
from django.utils.translation import gettext_lazy

from bookday.altcha import ChallengeField
from bookday.validators import guard_text_fields, organisation_name, person_name, web_image
from publishers.enums import BoothSize, OrganisationType
from publishers.validators import normalize_tax_code, normalize_vn_phone


class ApplicationForm(forms.Form):
    organisation_name = forms.CharField(
        label=gettext_lazy("Organisation name"),
        max_length=200,
        validators=[organisation_name],
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Type of organisation"), choices=OrganisationType.choices, widget=forms.RadioSelect
    )
    tax_code = forms.CharField(
        label=gettext_lazy("Tax code"),
        max_length=20,
        help_text=gettext_lazy("10 digits, or 13 for a branch, as on your business registration."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "placeholder": "0100109106"}),
    )
    contact_name = forms.CharField(
        label=gettext_lazy("Contact person"),
        max_length=120,
        validators=[person_name],
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=gettext_lazy("Email"),
        max_length=254,
        help_text=gettext_lazy(
            "We write to this address about the application and send the portal login here."
        ),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = forms.CharField(
        label=gettext_lazy("Phone"),
        max_length=30,
        widget=forms.TextInput(
            attrs={"autocomplete": "tel", "inputmode": "tel", "placeholder": "024 3943 4730"}
        ),
    )
    address = forms.CharField(
        label=gettext_lazy("Address"),
        max_length=300,
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    website = forms.URLField(
        label=gettext_lazy("Website"),
        max_length=200,
        required=False,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"autocomplete": "url", "placeholder": "https://"}),
    )
    logo = forms.ImageField(
        label=gettext_lazy("Logo"),
        required=False,
        help_text=gettext_lazy("JPEG, PNG or WebP, at most 2 MB."),
        validators=[FileExtensionValidator(["jpg", "jpeg", "png", "webp"]), web_image],
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    description = forms.CharField(
        label=gettext_lazy("About your organisation"),
        max_length=2000,
        required=False,
        help_text=gettext_lazy(
            "What you publish or sell, in a few sentences. Shown in the exhibitors' directory."
        ),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    booth_size = forms.ChoiceField(
        label=gettext_lazy("Requested booth size"), choices=BoothSize.choices, widget=forms.RadioSelect
    )
    preferred_zone = forms.CharField(
        label=gettext_lazy("Preferred zone (optional)"),
        max_length=80,
        required=False,
        help_text=gettext_lazy("For example: Sách thiếu nhi. The organisers place you there if they can."),
    )
    expected_titles = forms.IntegerField(
        label=gettext_lazy("Expected number of titles"),
        min_value=0,
        max_value=1_000_000,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    expected_copies = forms.IntegerField(
        label=gettext_lazy("Expected number of copies"),
        min_value=0,
        max_value=10_000_000,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    consent = forms.BooleanField(
        label=gettext_lazy(
            "I agree that the organisers process these details to review this application, "
            "contact us about the fair and create our publishers' portal account."
        ),
        error_messages={
            "required": gettext_lazy("Please agree to the processing of your data for this application.")
        },
        template_name="events/includes/checkbox_field.html",
    )
    # Honeypot: hidden from people, filled in by bots. A filled one means nothing is saved.
    fax = forms.CharField(
        required=False,
        label=gettext_lazy("Leave this field empty"),
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
    altcha = ChallengeField()

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")  # no colon after labels
        super().__init__(*args, **kwargs)
        guard_text_fields(self)

    def clean_tax_code(self):
        return normalize_tax_code(self.cleaned_data["tax_code"])

    def clean_phone(self):
        return normalize_vn_phone(self.cleaned_data["phone"])

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def clean_logo(self):
        return self.cleaned_data.get("logo") or None  # checked by web_image, as every upload
