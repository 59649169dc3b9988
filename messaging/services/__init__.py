from django.utils.translation import gettext_lazy as _

MESSAGES = {
    "not_draft": _("This announcement has already been sent; write a new one."),
    "no_recipients": _("Nobody is registered and confirmed for this audience yet."),
    "no_address": _("Your account has no email address: add one under Account settings."),
}


class MessagingError(Exception):
    """A refusal of a messaging service, with a stable ``code`` and a translated message."""

    def __init__(self, code: str):
        self.code = code
        super().__init__(str(MESSAGES[code]))

    @property
    def message(self) -> str:
        return str(MESSAGES[self.code])
