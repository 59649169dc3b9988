"""The visitor's rights over their data and the retention of personal data: every change here."""

from django.utils.translation import gettext_lazy as _


class PrivacyError(Exception):
    """A refusal with a stable machine ``code``, a translated message and the field it concerns."""

    messages = {
        "not_yours": _("This registration is not one of this address's."),
        "erased": _("The data of this registration have already been erased."),
        "organisation_required": _(
            "Groups of more than %(max)s people must name their school or organisation."
        ),
    }
    fields = {"organisation_required": "organisation"}

    def __init__(self, code: str, **params):
        self.code = code
        self.params = params
        self.field = self.fields.get(code)
        super().__init__(code)

    @property
    def message(self) -> str:
        text = str(self.messages[self.code])
        return text % self.params if self.params else text
