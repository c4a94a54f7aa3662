"""The read-only JSON API: one viewset per public model, on the QuerySets the pages use.

Lists take the filters of the matching HTML list through the same FilterSet (a bad value is a
400 with the same message), are paginated like the pages (a bad page is a 404), and every
200 carries a strong ETag over its bytes so a client's ``If-None-Match`` gets a 304.
"""

import functools

from django.conf import settings
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import api_view
from rest_framework.response import Response

from api import serializers
from directory.filters import OrganisationFilter
from directory.models import Organisation
from events.filters import EventFilter
from events.models import Event, EventCategory
from lifevalley.models import Sector
from lifevalley.page_cache import content_etag
from zones.models import Project, Zone


class PublicViewSet(viewsets.GenericViewSet):
    """Published rows only, looked up by slug; filters apply to lists, never to details."""

    lookup_field = "slug"

    def get_queryset(self):
        self.now = timezone.now()
        return self.model.objects.published(self.now)

    def filter_queryset(self, queryset):
        if self.action == "list":
            queryset = super().filter_queryset(queryset)
        return self.prepare(queryset)

    def prepare(self, queryset):
        """What the serializer reads, fetched with the rows (a fixed number of queries)."""
        return queryset

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method in ("GET", "HEAD") and response.status_code == 200:
            response.render()
            response["ETag"] = content_etag(response.content)
            return get_conditional_response(request, etag=response["ETag"], response=response)
        return response


class PublicReadOnlyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, PublicViewSet):
    pass


class TaxonomyViewSet(PublicReadOnlyViewSet):
    """Sectors and event categories have no publication state: all of them are public."""

    def get_queryset(self):
        return self.model.objects.all()


@extend_schema_view(
    list=extend_schema(summary=_("The park's zones"), description=_("In display order.")),
    retrieve=extend_schema(summary=_("One zone, with its focus areas and projects")),
)
class ZoneViewSet(PublicReadOnlyViewSet):
    model = Zone
    serializer_class = serializers.ZoneSerializer

    def prepare(self, queryset):
        return queryset.for_cards(self.now).with_public("projects", now=self.now)


@extend_schema_view(
    list=extend_schema(
        summary=_("Development projects"),
        description=_("Projects whose zone is public, in the order of their zones."),
    ),
    retrieve=extend_schema(summary=_("One development project")),
)
class ProjectViewSet(PublicReadOnlyViewSet):
    model = Project
    serializer_class = serializers.ProjectSerializer

    def prepare(self, queryset):
        return queryset.for_cards(self.now)


@extend_schema_view(
    list=extend_schema(
        summary=_("The directory of organisations"),
        description=_("The filters of the directory page /directory/, with the same values."),
    ),
    retrieve=extend_schema(summary=_("One organisation")),
)
class OrganisationViewSet(PublicReadOnlyViewSet):
    model = Organisation
    serializer_class = serializers.OrganisationSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = OrganisationFilter

    def get_queryset(self):
        # The directory page's order: English names in both languages.
        return super().get_queryset().order_by("name_en")

    def prepare(self, queryset):
        return queryset.for_detail(self.now)


@extend_schema_view(
    list=extend_schema(
        summary=_("Upcoming events"),
        description=_("Soonest first; the filters of the events page /events/."),
    ),
    retrieve=extend_schema(
        summary=_("One event, with its speakers, parent and satellite events"),
        responses=serializers.EventDetailSerializer,
    ),
)
class EventViewSet(PublicReadOnlyViewSet):
    model = Event
    serializer_class = serializers.EventSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = EventFilter

    def get_queryset(self):
        published = super().get_queryset()
        return published.upcoming(self.now) if self.action == "list" else published

    def get_serializer_class(self):
        if self.action == "retrieve":
            return serializers.EventDetailSerializer
        return super().get_serializer_class()

    def prepare(self, queryset):
        if self.action == "retrieve":
            return queryset.for_detail(self.now)
        return queryset.for_cards(self.now).with_public("organisers", now=self.now)


@extend_schema_view(
    list=extend_schema(
        summary=_("Past events"),
        description=_("Most recent first; the filters of the page /events/past/."),
    ),
)
class PastEventViewSet(mixins.ListModelMixin, PublicViewSet):
    """Only a list: a past event's detail is the one of ``EventViewSet``."""

    model = Event
    serializer_class = serializers.EventSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = EventFilter

    def get_queryset(self):
        return super().get_queryset().past(self.now)

    def prepare(self, queryset):
        return queryset.for_cards(self.now).with_public("organisers", now=self.now)


@extend_schema_view(
    list=extend_schema(summary=_("Sectors"), description=_("The fields of work of the park.")),
    retrieve=extend_schema(summary=_("One sector")),
)
class SectorViewSet(TaxonomyViewSet):
    model = Sector
    serializer_class = serializers.SectorSerializer


@extend_schema_view(
    list=extend_schema(summary=_("Event categories")),
    retrieve=extend_schema(summary=_("One event category")),
)
class CategoryViewSet(TaxonomyViewSet):
    model = EventCategory
    serializer_class = serializers.CategorySerializer


RESOURCES = ("zone", "project", "organisation", "event", "sector", "category")


@extend_schema(exclude=True)
@api_view(["GET"])
def api_root(request):
    """Where everything is: the lists, the schema and the documentation."""
    links = {
        f"{name}s" if name != "category" else "categories": reverse(f"api:{name}-list")
        for name in RESOURCES
    }
    links |= {"schema": reverse("api:schema"), "documentation": reverse("developers")}
    return Response({name: settings.SITE_URL + path for name, path in links.items()})


# The documentation page -----------------------------------------------------------------------

@functools.cache
def schema_for(language):
    """The OpenAPI schema in one language (made from the code, so once per process)."""
    with translation.override(language):
        return SchemaGenerator().get_schema(request=None, public=True)


def documented_endpoints(schema):
    """The GET operations of the schema, in its order, as the page lists them."""
    endpoints = []
    for path, operations in schema["paths"].items():
        operation = operations.get("get")
        if not operation:
            continue
        parameters = [
            {
                "name": parameter["name"],
                "where": parameter["in"],
                "required": parameter.get("required", False),
                "type": parameter.get("schema", {}).get("type", ""),
                "choices": parameter.get("schema", {}).get("enum")
                or parameter.get("schema", {}).get("items", {}).get("enum", []),
                "repeatable": parameter.get("schema", {}).get("type") == "array",
                "description": parameter.get("description", ""),
            }
            for parameter in operation.get("parameters", [])
        ]
        endpoints.append(
            {
                "path": path,
                "anchor": operation["operationId"],
                "summary": operation.get("summary", ""),
                "description": operation.get("description", ""),
                "parameters": parameters,
            }
        )
    return endpoints


@require_safe
def developers(request):
    """/developers/: the API's documentation, rendered by the site from the schema (no CDN)."""
    schema = schema_for(translation.get_language())
    context = {
        "schema": schema,
        "endpoints": documented_endpoints(schema),
        "api_root": settings.SITE_URL + reverse("api:root"),
        "schema_url": settings.SITE_URL + reverse("api:schema"),
        "page_size": settings.API_PAGE_SIZE,
        "rate_limit": settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["api"],
    }
    return render(request, "api/developers.html", context)
