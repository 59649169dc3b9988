"""'My data' (Dữ liệu của tôi) and the privacy notice; mounted with the language prefix for English."""

from django.urls import path

from privacy import views

app_name = "privacy"
urlpatterns = [
    path("privacy/", views.notice, name="notice"),
    path("my-data/", views.my_data, name="my_data"),
    path("my-data/request/", views.request_link, name="request"),
    path("my-data/open/<str:token>/", views.open_link, name="open"),
    path("my-data/correct/", views.correct, name="correct"),
    path("my-data/download.json", views.download, {"export_format": "json"}, name="download_json"),
    path("my-data/download.csv", views.download, {"export_format": "csv"}, name="download_csv"),
    path("my-data/withdraw/", views.withdraw, name="withdraw"),
    path("my-data/erase/", views.erase, name="erase"),
]
