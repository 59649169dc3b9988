"""Visitor-facing event URLs; mounted with a language prefix for English (/en/p/<code>/)."""

from django.urls import path

from events import scanner_views, views

urlpatterns = [
    path("events/<int:pk>/register/", views.register_view, name="event_register"),
    path("p/<str:code>/", views.pass_detail, name="pass_detail"),
    path("p/<str:code>/pass.pdf", views.pass_pdf_view, name="pass_pdf"),
    path("p/<str:code>/calendar.ics", views.pass_calendar, name="pass_calendar"),
    path("p/<str:code>/gate/", views.pass_gate, name="pass_gate"),
    path("p/<str:code>/sessions/", views.pass_sessions, name="pass_sessions"),
    path("p/<str:code>/manage/", views.pass_manage, name="pass_manage"),
    path("p/<str:code>/access/", views.pass_access, name="pass_access"),
    path("p/<str:code>/cancel/", views.pass_cancel, name="pass_cancel"),
    path("passes/find/", views.find_pass, name="find_pass"),
    path("register/confirm/<str:token>/", views.hold_confirm, name="hold_confirm"),
    # The gate scanner; its service worker and manifest live under /scan/ so that is their scope.
    path("scan/", scanner_views.scanner, name="scanner"),
    path("scan/session/", scanner_views.session_door, name="session_door"),
    path("scan/login/", scanner_views.ScannerLoginView.as_view(), name="scanner_login"),
    path("scan/logout/", scanner_views.ScannerLogoutView.as_view(), name="scanner_logout"),
    path("scan/sw.js", scanner_views.service_worker, name="scanner_sw"),
    path("scan/manifest.webmanifest", scanner_views.manifest, name="scanner_manifest"),
]
