"""Sign in, sign out and set a password for publisher logins, in the site's own pages."""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import NoReverseMatch, reverse, reverse_lazy
from django.utils.functional import lazy
from django.utils.translation import gettext as _

from bookday.ratelimit import allow, client_ip
from publishers.forms_accounts import PublisherLoginForm, PublisherPasswordResetForm, is_publisher_user


def portal_home_url() -> str:
    try:
        return reverse("publisher_home")
    except NoReverseMatch:  # the portal's pages are not installed yet
        return "/publisher/"


class PublisherLoginView(auth_views.LoginView):
    template_name = "publishers/accounts/login.html"
    authentication_form = PublisherLoginForm

    def get_default_redirect_url(self):
        return portal_home_url()

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response

    def post(self, request, *args, **kwargs):
        # Slow down password guessing: the same limit per address as the public forms.
        if not allow(f"publisher-login:{client_ip(request)}", settings.RATE_LIMIT_PER_IP, 60):
            form = self.get_form()
            form.is_valid()
            form.errors.clear()
            form.add_error(None, _("Too many attempts. Please wait a few minutes and try again."))
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)


class PublisherLogoutView(auth_views.LogoutView):
    next_page = reverse_lazy("publisher_login")


class PublisherSetPasswordView(auth_views.PasswordResetConfirmView):
    """The link from the approval or forgot-password email: choose a password, then you are in."""

    template_name = "publishers/accounts/set_password.html"
    post_reset_login = True
    post_reset_login_backend = "django.contrib.auth.backends.ModelBackend"  # axes only counts failures
    success_url = lazy(portal_home_url, str)()

    def get_user(self, uidb64):
        user = super().get_user(uidb64)
        # Staff reset their password in the administration, not through publisher links.
        return user if user is not None and is_publisher_user(user) else None


class PublisherPasswordResetView(auth_views.PasswordResetView):
    template_name = "publishers/accounts/password_reset.html"
    form_class = PublisherPasswordResetForm
    subject_template_name = "publishers/email/password_reset_subject.txt"
    email_template_name = "publishers/email/password_reset.txt"
    html_email_template_name = "publishers/email/password_reset.html"
    success_url = reverse_lazy("publisher_password_reset_sent")

    def form_valid(self, form):
        email = form.cleaned_data["email"].strip().lower()
        ip_ok = allow(f"publisher-reset-ip:{client_ip(self.request)}", settings.RATE_LIMIT_PER_IP, 60)
        if not (ip_ok and allow(f"publisher-reset:{email}", settings.RATE_LIMIT_PER_EMAIL, 3600)):
            form.add_error(None, _("Too many attempts. Please wait a few minutes and try again."))
            return self.render_to_response(self.get_context_data(form=form), status=429)
        # Links in emails use the site's public address, whatever Host the request came with.
        self.extra_email_context = {"base_url": settings.BASE_URL}
        return super().form_valid(form)


class PublisherPasswordResetSentView(auth_views.PasswordResetDoneView):
    template_name = "publishers/accounts/password_reset_sent.html"
