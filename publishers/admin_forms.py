"""Forms of the organisers' publisher screens in the Wagtail admin."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from publishers.models import Exhibitor, Publisher
from publishers.validators import normalize_tax_code, normalize_vn_phone


class ApproveForm(forms.Form):
    booths = forms.CharField(
        label=_("Booth numbers"),
        max_length=60,
        required=False,
        help_text=_("Separated by commas, for example A12, A13. May be left empty and assigned later."),
    )


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for rejection"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Sent to the applicant by email, in your words: write it for them."),
    )


class PublisherForm(WagtailAdminModelForm):
    website = forms.URLField(label=_("website"), max_length=200, required=False, assume_scheme="https")

    class Meta:
        model = Publisher
        fields = [
            "name",
            "kind",
            "tax_code",
            "contact_name",
            "email",
            "phone",
            "address",
            "website",
            "logo",
            "description",
        ]

    def clean_tax_code(self):
        return normalize_tax_code(self.cleaned_data["tax_code"])

    def clean_phone(self):
        return normalize_vn_phone(self.cleaned_data["phone"])


class ExhibitorBoothsForm(WagtailAdminModelForm):
    """Booths only: who exhibits is decided by approving an application."""

    class Meta:
        model = Exhibitor
        fields = ["booths"]
