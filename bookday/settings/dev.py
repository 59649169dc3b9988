"""Local development and the demo: debug on, a throwaway key, mail to the console."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env("SECRET_KEY", default="django-insecure-bookday-development-only")
ALTCHA_HMAC_KEY = ALTCHA_HMAC_KEY or altcha_key(SECRET_KEY)  # noqa: F405
# Reminders and announcements printed, not mailed (bookday.channels.EmailChannel mails them).
MESSAGING_CHANNEL = env("MESSAGING_CHANNEL", default="bookday.channels.ConsoleChannel")
