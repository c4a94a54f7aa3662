from django.urls import path

from enquiries import views

app_name = "enquiries"
urlpatterns = [
    path("", views.JoinView.as_view(), name="join"),
    path("enquire/", views.enquire, name="enquire"),
    path("enquire/thanks/", views.thanks, name="thanks"),
]
