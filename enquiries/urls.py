from django.urls import path

from enquiries import views

app_name = "enquiries"
urlpatterns = [
    path("", views.enquire, name="enquire"),
    path("thanks/", views.thanks, name="thanks"),
]
