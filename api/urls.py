from django.urls import path
from drf_spectacular.views import SpectacularJSONAPIView
from rest_framework.routers import SimpleRouter

from api import views

app_name = "api"

router = SimpleRouter()
router.register("zones", views.ZoneViewSet, basename="zone")
router.register("projects", views.ProjectViewSet, basename="project")
router.register("organisations", views.OrganisationViewSet, basename="organisation")
# Before "events": its path would otherwise read "past" as an event's slug.
router.register("events/past", views.PastEventViewSet, basename="event-past")
router.register("events", views.EventViewSet, basename="event")
router.register("sectors", views.SectorViewSet, basename="sector")
router.register("categories", views.CategoryViewSet, basename="category")

urlpatterns = [
    path("", views.api_root, name="root"),
    path("schema/", SpectacularJSONAPIView.as_view(), name="schema"),
    *router.urls,
]
