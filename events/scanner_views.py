"""The gate scanner web app at /scan/: the page, its web app manifest and its service worker.

The page only presents: every decision is taken by the check-in API (events.api_checkin), or,
while the network is down, by the phone from the scanner bundle and uploaded later. Its texts
are translated here like the rest of the site and handed to the JavaScript as JSON. Gate staff
sign in on a page of the site (/scan/login/), not the Wagtail admin's login.
"""

import base64
import hashlib
import json

from django import forms
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.staticfiles import finders
from django.db.models import Prefetch
from django.http import HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control

from events.enums import RegistrationStatus
from events.models import EventPage, ProgrammeItem
from events.models.registration import PASS_ALPHABET, PASS_CODE_LENGTH
from events.permissions import can_scan
from events.services.checkin import MESSAGES, UNDO_WINDOW
from events.services.session_door import MESSAGES as DOOR_MESSAGES

ASSETS = "events/scanner/"
# ES modules: an import map in the page points each one at its (hashed) static URL.
MODULES = [
    "app.js",
    "door.js",
    "api.js",
    "camera.js",
    "decide.js",
    "errors.js",
    "feedback.js",
    "format.js",
    "keys.js",
    "ledger.js",
    "lookup.js",
    "passlist.js",
    "queue.js",
    "scan.js",
    "screen.js",
    "sha256.js",
    "store.js",
    "sync.js",
    "totals.js",
    "ui.js",
    "undo.js",
    "walkins.js",
]
# What the service worker keeps so that /scan/ opens without network.
SHELL = [
    *(ASSETS + name for name in MODULES),
    ASSETS + "scanner.css",
    ASSETS + "decode-worker.js",
    ASSETS + "vendor/jsQR.js",
    ASSETS + "icons/icon.svg",
    ASSETS + "icons/icon-192.png",
    "fonts/NotoSans-Regular.woff2",
    "fonts/NotoSans-Bold.woff2",
]


def ui_strings() -> dict[str, str]:
    """Every text the scanner's JavaScript shows, in the language of the request.

    ``%(name)s`` placeholders are filled in by the page; ``_one`` variants are used for 1.
    """
    return {
        "result_messages": {str(code): str(message) for code, message in MESSAGES.items()},
        "status_names": {str(status): str(status.label) for status in RegistrationStatus},
        # Offline twins of the server's detailed messages (events.services.checkin).
        # (The same msgids as the server's, so both say it in the same words.)
        "wrong_day_on": _("This pass is for %(day)s. Do not admit today."),
        "used_at": _("Already used today at %(time)s at %(gate)s. Do not admit."),
        "reentry_at": _("Re-entry: first came in at %(time)s at %(gate)s."),
        "admit_one": _("Admit 1 person"),
        "admit": _("Admit %(n)s people"),
        "refuse": _("Do not admit"),
        "reentry_title": _("Let in again"),
        "in_of_party": _("In now: %(in)s of %(party)s"),
        "still_to_come_one": _("1 person of the group may still come in."),
        "still_to_come": _("%(n)s people of the group may still come in."),
        "earlier": _("Earlier: %(time)s at %(gate)s (%(n)s)"),
        "decided_offline": _("Decided on this phone without network: it will be uploaded."),
        "no_bundle": _("No network and no pass list on this phone: this pass cannot be checked now."),
        "no_bundle_title": _("Cannot check"),
        "saved_for_upload": _("The scan is saved and will be uploaded."),
        "group_title": _("Group of %(party)s"),
        "group_in": _("Already in: %(in)s of %(party)s"),
        "group_admit_one": _("Admit 1"),
        "group_admit": _("Admit %(n)s"),
        "online": _("Online"),
        "offline": _("Offline: scanning goes on"),
        "queued": _("Waiting to upload: %(n)s"),
        "queue_empty": _("Everything is uploaded."),
        "uploaded": _("Uploaded %(n)s."),
        "retry_in": _("The upload did not go through; trying again in %(n)s s."),
        "differed": _("%(n)s offline decisions differed from the server's; organisers will review them."),
        "rejected": _("%(n)s items were refused by the server and kept on this phone."),
        "bundle_age": _("Pass list: %(n)s passes, updated %(time)s."),
        "bundle_missing": _("Pass list not downloaded yet."),
        "camera_starting": _("Starting the camera…"),
        "camera_on": _("Point the camera at the QR code of a pass."),
        "camera_paused": _("Camera paused."),
        "camera_denied": _(
            "The camera is blocked: allow it in the browser settings, or type the code below."
        ),
        "camera_missing": _("No camera found. Type the code below."),
        "camera_insecure": _("The camera needs a secure (https) connection. Type the code below."),
        "pause_camera": _("Pause camera"),
        "start_camera": _("Start camera"),
        "walkins_counted": _("Counted %(n)s without a pass."),
        "walkins_queued": _("Counted %(n)s without a pass (saved, will be uploaded)."),
        # Undo names the last action: a scan (with the visitor's name, or offline its time) or walk-ins.
        "undo_label": _("Undo: %(what)s"),
        "action_scan_one": _("%(name)s, 1 person"),
        "action_scan": _("%(name)s, %(n)s people"),
        "action_scan_offline_one": _("the admission at %(time)s, 1 person"),
        "action_scan_offline": _("the admission at %(time)s, %(n)s people"),
        "action_walkins_one": _("1 visitor without registration"),
        "action_walkins": _("%(n)s visitors without registration"),
        "undone": _("Undone: %(what)s."),
        "undo_queued": _("Undo saved on this phone: it is sent to the server as soon as the network allows."),
        "undo_failed": _("Could not undo: %(reason)s"),
        "totals_updated": _("Updated %(time)s"),
        "lookup_party_one": _("1 person"),
        "lookup_party": _("%(n)s people"),
        "lookup_all_in": _("already came in today"),
        "lookup_remaining": _("%(n)s still to come"),
        "lookup_offline": _("Looking a visitor up needs the network, and there is none now."),
        "lookup_short": _("Type at least 3 letters or digits (4 of the pass code)."),
        "lookup_searching": _("Searching…"),
        "lookup_failed": _("The search did not work; try again."),
        "lookup_found_one": _("1 registration for today:"),
        "lookup_found": _("%(n)s registrations for today:"),
        "lookup_none": _("No registration for today matches."),
        "lookup_admit": _("Admit"),
        # The session door (events.services.session_door), its answers decided on the phone too.
        "session_messages": {str(code): str(message) for code, message in DOOR_MESSAGES.items()},
        "signing_label": _("Signing - %(author)s - no. %(number)s"),
        "door_status": _("%(booked)s of %(places)s places taken · %(in)s people let in"),
        "gates_group": _("Gates"),
        "sessions_group": _("Session doors today"),
        "app_error": _(
            "Something went wrong in the scanner (%(error)s). Saved scans are kept: reload the scanner."
        ),
    }


def scanner_events(today=None) -> list[dict]:
    """Live events with gates that have not ended, soonest first, with their gates and their
    sessions with places (a session's door is scanned like a gate, on the session's day)."""
    today = today or timezone.localdate()
    sessions = ProgrammeItem.objects.filter(places__isnull=False).order_by("date", "start_time", "pk")
    events = (
        EventPage.objects.live()
        .upcoming(today)
        .filter(gates__isnull=False)
        .distinct()
        .order_by("start_date", "pk")
        .prefetch_related("gates", Prefetch("programme", queryset=sessions, to_attr="door_sessions"))
    )
    return [
        {
            "id": event.pk,
            "title": event.title,
            "days": [day.isoformat() for day in event.days],
            "today": event.start_date <= today <= event.end_date,
            "gates": [{"id": gate.pk, "name": gate.name} for gate in event.gates.all()],
            "sessions": [
                {"id": item.pk, "label": _door_label(item), "date": item.date.isoformat()}
                for item in event.door_sessions
            ],
        }
        for event in events
    ]


def _door_label(item: ProgrammeItem) -> str:
    return f"{item.start_time:%H:%M} · {item.title}" + (f" · {item.place}" if item.place else "")


def _import_map() -> str:
    imports = {settings.STATIC_URL + ASSETS + name: static(ASSETS + name) for name in MODULES}
    # Inside a <script> element: "</" must not close it.
    return json.dumps({"imports": imports}).replace("</", "<\\/")


def test_hooks() -> bool:
    """Hooks for the browser tests (scan timings on window): never in production."""
    return bool(settings.DEBUG or getattr(settings, "SCANNER_TEST_HOOKS", False))


@login_required(login_url="scanner_login")
@cache_control(private=True, no_cache=True)
def scanner(request):
    """The scanner for gate staff and organisers; a clear refusal for anyone else."""
    if not can_scan(request.user):
        return render(request, "events/scan/forbidden.html", status=403)
    events = scanner_events()
    running = [event["id"] for event in events if event["today"]]
    config = {
        "events": events,
        "default_event": (running or [event["id"] for event in events] or [None])[0],
        "api": "/api/v1/",
        "base_url": settings.BASE_URL,
        "language": get_language(),
        "time_zone": settings.TIME_ZONE,
        "csrf_token": get_token(request),
        "csrf_cookie": settings.CSRF_COOKIE_NAME,
        "undo_seconds": int(UNDO_WINDOW.total_seconds()),
        "alphabet": PASS_ALPHABET,
        "code_length": PASS_CODE_LENGTH,
        "lookup": "/api/v1/events/{event_id}/lookup/",
        "test_hooks": test_hooks(),
        "service_worker": reverse("scanner_sw"),
        "scope": reverse("scanner"),
        "login_url": reverse("scanner_login") + "?next=" + reverse("scanner"),
        "logout_url": reverse("scanner_logout"),
        "decode_worker": static(ASSETS + "decode-worker.js"),
        "jsqr": static(ASSETS + "vendor/jsQR.js"),
    }
    import_map = _import_map()
    context = {"config": config, "strings": ui_strings(), "import_map": import_map}
    response = render(request, "events/scan.html", context)
    # The import map is the page's one inline script: allowed by its hash rather than a nonce,
    # so the copy of the page the service worker keeps for offline use stays valid.
    digest = base64.b64encode(hashlib.sha256(import_map.encode()).digest()).decode()
    response._csp_update = {"script-src": [f"'sha256-{digest}'"]}
    return response


def _shell_version(urls: list[str]) -> str:
    """Changes whenever a shell file changes, so phones fetch the new files (names are not
    hashed in development)."""
    digest = hashlib.sha256("\n".join(urls).encode())
    for name in SHELL:
        path = finders.find(name)
        if path:
            with open(path, "rb") as file:
                digest.update(file.read())
    return digest.hexdigest()[:16]


@cache_control(no_cache=True)
def service_worker(request):
    """The service worker, served from /scan/ so that its scope is the scanner."""
    page = reverse("scanner")
    urls = [static(name) for name in SHELL] + [reverse("scanner_manifest")]
    config = {"version": _shell_version(urls), "page": page, "shell": urls}
    body = render(request, "events/scan/sw.js", {"config": json.dumps(config)}).content
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = page
    return response


def manifest(request):
    """The web app manifest: the scanner installs on a phone's home screen and opens full screen."""
    page = reverse("scanner")
    icons = ASSETS + "icons/"
    data = {
        "id": page,
        "name": _("Book Day pass check"),
        "short_name": _("Pass check"),
        "description": _("Scan entry passes at the gates of the Book Day, also without network."),
        "lang": get_language(),
        "start_url": page,
        "scope": page,
        "display": "standalone",
        "orientation": "portrait",
        "background_color": "#ffffff",
        "theme_color": "#0d5c4e",
        "icons": [
            {"src": static(icons + "icon.svg"), "sizes": "any", "type": "image/svg+xml"},
            {"src": static(icons + "icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static(icons + "icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {
                "src": static(icons + "maskable-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ],
    }
    return JsonResponse(
        data, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False}
    )


REMEMBER_FOR = 60 * 60 * 24 * 30  # a phone that stays at the gate all fair long


class ScannerLoginForm(AuthenticationForm):
    remember = forms.BooleanField(
        label=gettext_lazy("Remember me on this phone"),
        required=False,
        initial=True,
        help_text=gettext_lazy(
            "Untick on a phone that is not yours: you are signed out when the browser closes."
        ),
        template_name="events/includes/checkbox_field.html",
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")  # no colon after labels, as the site's other forms
        super().__init__(*args, **kwargs)


class ScannerLoginView(auth_views.LoginView):
    """Sign-in for gate staff, in the site's design; remembered on the phone unless unticked."""

    template_name = "events/scan/login.html"
    form_class = ScannerLoginForm
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        return reverse("scanner")

    def form_valid(self, form):
        response = super().form_valid(form)
        # 0: the session cookie ends with the browser.
        self.request.session.set_expiry(REMEMBER_FOR if form.cleaned_data["remember"] else 0)
        return response


class ScannerLogoutView(auth_views.LogoutView):
    """Sign-out (POST) back to the scanner's sign-in page."""

    next_page = "scanner_login"


def session_door(request):
    """The session door's old address: the door is now picked in the scanner, like a gate."""
    return redirect("scanner")
