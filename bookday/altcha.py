"""The proof-of-work check on every public form (ALTCHA, self-hosted with django-altcha).

The visitor's browser solves a small hash puzzle issued and verified by this server; nothing
goes to a third party. It adds cost to a bot's every submission, on top of the honeypot and the
rate limits, which stay. The widget's script, stylesheet and worker are external static files
(home/static/vendor/altcha/), so the pages need no inline script or style.
"""

import datetime as dt
import time

import altcha
from django.conf import settings
from django.http import JsonResponse
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_altcha import AltchaField, AltchaWidget, get_challenge_expire_seconds, get_hmac_key


def new_challenge() -> altcha.Challenge:
    """A challenge signed with ALTCHA_HMAC_KEY, valid for ALTCHA_CHALLENGE_EXPIRE.

    Not django_altcha.get_altcha_challenge(): it dates the expiry with a naive now() read as local
    time, which is off by the time zone whenever the two disagree (a pinned test clock). The
    expiry here is an aware moment on time.time(), the clock the ALTCHA library checks it with.
    """
    expires = dt.datetime.fromtimestamp(time.time() + get_challenge_expire_seconds(), tz=dt.UTC)
    options = altcha.ChallengeOptions(
        hmac_key=get_hmac_key(), max_number=settings.ALTCHA_MAX_NUMBER, expires=expires
    )
    return altcha.create_challenge(options)


def widget_strings() -> dict[str, str]:
    """The widget's own texts in the page's language (its defaults are English)."""
    return {
        "label": _("I am not a robot"),
        "verifying": _("Checking…"),
        "verified": _("Checked"),
        "verify": _("Check"),
        "loading": _("Loading…"),
        "reload": _("Reload"),
        "error": _("The check failed. Tick the box again."),
        "expired": _("The check has expired. Tick the box again."),
        "verificationRequired": _("Tick “I am not a robot” first."),
        "waitAlert": _("Checking… please wait."),
        "ariaLinkLabel": "ALTCHA",
        "footer": "",
    }


class ChallengeWidget(AltchaWidget):
    """The ALTCHA widget fetching a fresh challenge from our own URL.

    A challenge fetched when the visitor ticks the box (rather than printed in the page, the
    package's default) stays valid however long the page sat in a cache or a tab, and the widget
    fetches another when it expires.
    """

    template_name = "widgets/altcha.html"  # in an app: the form renderer reads app templates only

    def id_for_label(self, id_):
        # The checkbox is the widget's own, named by the widget's own label ("I am not a robot");
        # the field's label is a caption above it, not a <label for> pointing at nothing.
        return None

    def get_context(self, name, value, attrs):
        self.options.update(
            challengeurl=reverse("altcha_challenge"),
            workerurl=static("vendor/altcha/worker.js"),
            strings=widget_strings(),
            hidefooter=True,  # a link to altcha.org, in English, that visitors do not need
            hidelogo=True,
        )
        context = super().get_context(name, value, attrs)
        context["altcha_css"] = static("vendor/altcha/altcha.css")
        context["altcha_js"] = static("vendor/altcha/altcha.js")
        return context


class ChallengeField(AltchaField):
    """A solved, unexpired, unused challenge; its messages say what to do in the visitor's words."""

    widget = ChallengeWidget
    default_error_messages = {
        "required": gettext_lazy(
            "Tick “I am not a robot” and wait until it says “Checked”, then send again."
        ),
        "invalid": gettext_lazy(
            "The anti-spam check failed or has expired. Tick the box again, then send again."
        ),
        "error": gettext_lazy(
            "The anti-spam check failed or has expired. Tick the box again, then send again."
        ),
        "replay": gettext_lazy(
            "The anti-spam check failed or has expired. Tick the box again, then send again."
        ),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("label", gettext_lazy("Anti-spam check"))
        kwargs.setdefault(
            "help_text",
            gettext_lazy(
                "Your device solves a small puzzle, usually in a second or two. Nothing is sent elsewhere."
            ),
        )
        super().__init__(**kwargs)


@never_cache
@require_GET
def challenge(request):
    """A new challenge for the widget (or an API client), signed with ALTCHA_HMAC_KEY."""
    return JsonResponse(new_challenge().to_dict())
