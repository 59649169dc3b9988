from django.utils.translation import gettext_lazy as _

from bookday.errors import ServiceError


class MessagingError(ServiceError):
    """Why a reminder or an announcement is refused."""

    messages = {
        "not_draft": _("This announcement has already been sent; write a new one."),
        "no_recipients": _("Nobody is registered and confirmed for this audience yet."),
        "no_address": _("Your account has no email address: add one under Account settings."),
    }
