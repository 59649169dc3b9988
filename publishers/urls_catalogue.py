"""The fair's public catalogue and directory of exhibitors, per event."""

from django.urls import path

from publishers import views_catalogue

urlpatterns = [
    path("events/<int:pk>/catalogue/", views_catalogue.catalogue_view, name="event_catalogue"),
    path("events/<int:pk>/exhibitors/", views_catalogue.exhibitors_view, name="event_exhibitors"),
]
