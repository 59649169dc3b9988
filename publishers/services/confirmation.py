"""The emailed link that confirms an application's pending submission: signed, valid a few days.

Apart from the applications service, which queues the email, so that the email task
(publishers.emails) can write the link without importing that service back.
"""

from django.core import signing

CONFIRM_SALT = "publishers.application-confirm"
CONFIRM_MAX_AGE = 3 * 24 * 3600  # seconds a confirmation link works


def confirmation_token(application) -> str:
    """The link's token: the application and the submission (nonce) it confirms."""
    return signing.dumps({"a": application.pk, "n": application.pending.get("nonce")}, salt=CONFIRM_SALT)


def read_confirmation_token(token: str) -> dict:
    """{"a": application id, "n": nonce}. Raises signing.BadSignature for a token that was
    not signed here or has expired."""
    return signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
