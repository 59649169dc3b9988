"""Publisher-facing and catalogue URLs; mounted with a language prefix for English (/en/...)."""

from django.urls import include, path

urlpatterns = [
    path("", include("publishers.urls_applications")),
    path("", include("publishers.urls_catalogue")),
    path("publisher/", include("publishers.urls_accounts")),
    path("publisher/", include("publishers.portal.urls")),
]
