from django.urls import path

from messaging import views

app_name = "messaging"
urlpatterns = [path("announcements/stop/<str:token>/", views.OptOutView.as_view(), name="opt_out")]
