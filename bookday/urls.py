from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.conf.urls.static import static
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from bookday import altcha, views
from bookday.api import api, not_found
from events import views as event_views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("altcha/challenge/", altcha.challenge, name="altcha_challenge"),
    path("api/v1/", api.urls),
    re_path(r"^api/", not_found),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("sitemap.xml", sitemap),
    path("events/<int:pk>/calendar.ics", event_views.event_calendar, name="event_calendar"),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Wagtail serves every other path, so it comes last. Vietnamese pages live at /, English at /en/.
urlpatterns += i18n_patterns(
    path("", include("events.urls")),
    path("", include("publishers.urls")),
    path("", include("privacy.urls")),
    path("", include("floor.urls")),
    path("", include("messaging.urls")),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)
