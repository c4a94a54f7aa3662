from django.urls import path

from opendata import views

app_name = "opendata"
urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("<slug:dataset>.<slug:file_format>", views.download, name="download"),
]
