"""Forms of the organisers' registration screens in the Wagtail admin."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from events.models import EventPage, Registration
from events.validators import normalize_vn_mobile


class RegistrationCreateForm(WagtailAdminModelForm):
    """A registration taken by phone or at the desk; it goes through the same service as the website."""

    event = forms.ModelChoiceField(
        label=_("Event"), queryset=EventPage.objects.live().order_by("-start_date")
    )
    visit_date = forms.DateField(label=_("Day of the visit"))
    consent = forms.BooleanField(
        label=_("The visitor agreed to the processing of their personal data for this event."),
    )
    join_waitlist = forms.BooleanField(
        label=_("Put on the waiting list if the day is full"), required=False, initial=True
    )

    class Meta:
        model = Registration
        fields = ["full_name", "email", "phone", "party_size", "organisation"]

    def clean_phone(self):
        return normalize_vn_mobile(self.cleaned_data["phone"])


class RegistrationEditForm(WagtailAdminModelForm):
    """Details that do not touch capacity; day and party size change only through cancel + register."""

    class Meta:
        model = Registration
        fields = ["full_name", "phone", "organisation"]

    def clean_phone(self):
        return normalize_vn_mobile(self.cleaned_data["phone"])
