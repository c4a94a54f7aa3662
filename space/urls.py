from django.urls import path

from space import views

app_name = "space"
urlpatterns = [
    path("", views.JoinView.as_view(), name="join"),
]
