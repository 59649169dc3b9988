"""The publisher portal under /publisher/ (English under /en/publisher/)."""

from django.urls import path

from publishers.portal import views, views_import, views_stock, views_titles

urlpatterns = [
    path("", views.home, name="publisher_home"),
    path("profile/", views.profile, name="publisher_profile"),
    path("applications/<int:pk>/", views.application_detail, name="publisher_application"),
    path("titles/", views_titles.title_list, name="publisher_titles"),
    path("titles/new/", views_titles.title_edit, name="publisher_title_create"),
    path("titles/<int:pk>/", views_titles.title_edit, name="publisher_title_edit"),
    path("events/<int:event_id>/stock/", views_stock.stock, name="publisher_stock"),
    path("events/<int:event_id>/stock/add/", views_stock.stock_add, name="publisher_stock_add"),
    path("events/<int:event_id>/stock/<int:pk>/", views_stock.stock_edit, name="publisher_stock_edit"),
    path("events/<int:event_id>/stock/<int:pk>/sold/", views_stock.stock_sold, name="publisher_stock_sold"),
    path(
        "events/<int:event_id>/stock/<int:pk>/remove/",
        views_stock.stock_remove,
        name="publisher_stock_remove",
    ),
    path("events/<int:event_id>/stock.xlsx", views_import.export_xlsx, name="publisher_stock_xlsx"),
    path("events/<int:event_id>/stock.csv", views_import.export_csv, name="publisher_stock_csv"),
    path("events/<int:event_id>/import/", views_import.upload, name="publisher_import"),
    path("events/<int:event_id>/import/<int:pk>/", views_import.preview, name="publisher_import_preview"),
    path(
        "events/<int:event_id>/import/<int:pk>/refused.xlsx",
        views_import.refused_xlsx,
        name="publisher_import_refused",
    ),
]
