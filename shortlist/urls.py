from django.urls import path

from shortlist import views

app_name = "shortlist"
urlpatterns = [
    path("save/<slug:slug>/", views.save, name="save"),
    path("<str:token>/", views.manage, name="manage"),
    path("<str:token>/feed.ics", views.feed, name="feed"),
    path("<str:token>/remove/", views.remove, name="remove"),
    path("<str:token>/revoke/", views.revoke, name="revoke"),
    path("<str:token>/delete/", views.delete, name="delete"),
]
