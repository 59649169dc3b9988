"""The visitor's rights over their data and the retention of personal data: every change here."""

from django.utils.translation import gettext_lazy as _

from bookday.errors import ServiceError
from events.services.registration import RegistrationError


class PrivacyError(ServiceError):
    """Why a request about a visitor's own data is refused."""

    messages = {
        "not_yours": _("This registration is not one of this address's."),
        "erased": _("The data of this registration have already been erased."),
        # The registration's own rule, with its own words.
        "organisation_required": RegistrationError.messages["organisation_required"],
    }
    fields = {"organisation_required": "organisation"}
