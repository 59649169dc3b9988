"""Publisher sign-in, sign-out and passwords, under /publisher/ next to the portal's pages."""

from django.urls import path

from publishers import views_accounts

urlpatterns = [
    path("login/", views_accounts.PublisherLoginView.as_view(), name="publisher_login"),
    path("logout/", views_accounts.PublisherLogoutView.as_view(), name="publisher_logout"),
    path(
        "set-password/<uidb64>/<token>/",
        views_accounts.PublisherSetPasswordView.as_view(),
        name="publisher_set_password",
    ),
    path(
        "forgot-password/",
        views_accounts.PublisherPasswordResetView.as_view(),
        name="publisher_password_reset",
    ),
    path(
        "forgot-password/sent/",
        views_accounts.PublisherPasswordResetSentView.as_view(),
        name="publisher_password_reset_sent",
    ),
]
