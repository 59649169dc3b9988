"""The public exhibitor application form, linked from each event page."""

from django.urls import path

from publishers import views_applications

urlpatterns = [
    path("events/<int:pk>/exhibit/", views_applications.apply_view, name="exhibitor_apply"),
    path("events/<int:pk>/exhibit/thanks/", views_applications.apply_thanks, name="exhibitor_apply_thanks"),
    path("exhibit/confirm/<str:token>/", views_applications.apply_confirm, name="exhibitor_apply_confirm"),
]
