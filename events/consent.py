"""The consent a visitor gives when registering: its exact wording, by version.

A registration stores the version it was given under (Registration.consent_version), so what a
visitor agreed to can be shown to them word for word later, in either language. Changing the
wording means adding a version here, never editing one: a text that was agreed to is a record.
"""

from django.utils.translation import gettext_lazy as _

CONSENT_TEXTS = {
    "1": _(
        "I agree that the organisers process my name, email and phone number to issue my pass "
        "and manage entry to this event."
    ),
}
CURRENT_CONSENT_VERSION = "1"


def consent_text(version: str = CURRENT_CONSENT_VERSION) -> str:
    """The wording of ``version`` in the active language; "" for a version this code never had."""
    text = CONSENT_TEXTS.get(version)
    return str(text) if text else ""
