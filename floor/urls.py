"""The public floor map; mounted with a language prefix for English (/en/events/...)."""

from django.urls import path

from floor import views

urlpatterns = [
    path("events/<int:pk>/map/", views.map_view, name="event_map"),
    path("events/<int:pk>/map.pdf", views.map_pdf_view, name="event_map_pdf"),
]
