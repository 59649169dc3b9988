"""The opt-out link in every announcement: a page that asks, and a button that stops them."""

from django.shortcuts import render
from django.utils.decorators import method_decorator
from django.views import View

from events.views import personal
from messaging.services.announcements import opt_out, registration_for_token


@method_decorator(personal, name="dispatch")
class OptOutView(View):
    """GET asks (a mail scanner following the link must not unsubscribe anyone); POST stops."""

    def get(self, request, token):
        registration = registration_for_token(token)
        if registration is None:
            return render(request, "messaging/opt_out_invalid.html", status=404)
        return render(request, "messaging/opt_out.html", {"event": registration.event, "done": False})

    def post(self, request, token):
        registration = registration_for_token(token)
        if registration is None:
            return render(request, "messaging/opt_out_invalid.html", status=404)
        opt_out(registration=registration)
        return render(request, "messaging/opt_out.html", {"event": registration.event, "done": True})
