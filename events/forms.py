from django.utils.translation import gettext as _
from wagtail.admin.forms import WagtailAdminPageForm


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
                    % {
                        "start": start.strftime("%d/%m/%Y"),
                        "end": end.strftime("%d/%m/%Y"),
                    },
                )
        return cleaned
