"""What the API shows of each public model: the same fields the pages show, nothing private.

Related objects are read from what the view's QuerySet fetched with ``with_public()`` (a zone
that is not public reads None, organisers are the public ones), so a serializer never queries
and never names a draft.
"""

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from directory.models import Organisation
from events.models import Event, EventCategory, Speaker, Venue
from lifevalley.models import Sector
from lifevalley.structured_data import absolute
from zones.models import Project, Zone


@extend_schema_field(OpenApiTypes.URI)
class PageURLField(serializers.Field):
    """The object's page on the site, in the language of the request."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, obj):
        return absolute(obj.get_absolute_url())


@extend_schema_field(OpenApiTypes.URI)
class ApiURLField(serializers.Field):
    """The object's own address in the API, in the language of the request."""

    def __init__(self, view_name, **kwargs):
        self.view_name = view_name
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, obj):
        return absolute(reverse(f"api:{self.view_name}", kwargs={"slug": obj.slug}))


# Short references, nested in other objects ------------------------------------------------

class SectorRefSerializer(serializers.ModelSerializer):
    api_url = ApiURLField("sector-detail")

    class Meta:
        model = Sector
        fields = ["slug", "name", "api_url"]


class ZoneRefSerializer(serializers.ModelSerializer):
    api_url = ApiURLField("zone-detail")

    class Meta:
        model = Zone
        fields = ["slug", "name", "api_url"]


class ProjectRefSerializer(serializers.ModelSerializer):
    api_url = ApiURLField("project-detail")

    class Meta:
        model = Project
        fields = ["slug", "name", "status", "api_url"]


class OrganisationRefSerializer(serializers.ModelSerializer):
    api_url = ApiURLField("organisation-detail")

    class Meta:
        model = Organisation
        fields = ["slug", "name", "api_url"]


class CategoryRefSerializer(serializers.ModelSerializer):
    api_url = ApiURLField("category-detail")

    class Meta:
        model = EventCategory
        fields = ["slug", "name", "api_url"]


class EventRefSerializer(serializers.ModelSerializer):
    api_url = ApiURLField("event-detail")

    class Meta:
        model = Event
        fields = ["uid", "slug", "title", "starts_at", "api_url"]


class VenueSerializer(serializers.ModelSerializer):
    class Meta:
        model = Venue
        fields = ["name", "address"]


class SpeakerSerializer(serializers.ModelSerializer):
    class Meta:
        model = Speaker
        fields = ["name", "role", "affiliation", "talk_title"]


# The resources ----------------------------------------------------------------------------

class SectorSerializer(serializers.ModelSerializer):
    url = PageURLField(help_text="The directory filtered to this sector.")
    api_url = ApiURLField("sector-detail")

    class Meta:
        model = Sector
        fields = ["id", "slug", "name", "description", "url", "api_url"]


class CategorySerializer(serializers.ModelSerializer):
    url = PageURLField(help_text="The events list filtered to this category.")
    api_url = ApiURLField("category-detail")

    class Meta:
        model = EventCategory
        fields = ["id", "slug", "name", "url", "api_url"]


class ZoneSerializer(serializers.ModelSerializer):
    focus_areas = SectorRefSerializer(many=True, read_only=True)
    projects = ProjectRefSerializer(source="public_projects", many=True, read_only=True)
    url = PageURLField()
    api_url = ApiURLField("zone-detail")

    class Meta:
        model = Zone
        fields = [
            "id", "slug", "name", "tagline", "description", "status", "area_km2",
            "planned_area_km2", "focus_areas", "projects", "url", "api_url", "updated_at",
        ]


class ProjectSerializer(serializers.ModelSerializer):
    zone = ZoneRefSerializer(read_only=True)
    url = PageURLField()
    api_url = ApiURLField("project-detail")

    class Meta:
        model = Project
        fields = [
            "id", "slug", "name", "status", "description", "zone", "url", "api_url",
            "updated_at",
        ]


class OrganisationSerializer(serializers.ModelSerializer):
    sectors = SectorRefSerializer(many=True, read_only=True)
    zone = ZoneRefSerializer(read_only=True, allow_null=True)
    listing = serializers.CharField(read_only=True, help_text="EXCHANGE:TICKER when listed.")
    # Declared: the model's upper bound is a callable (this year), which the schema cannot show.
    founded_year = serializers.IntegerField(read_only=True, allow_null=True)
    url = PageURLField()
    api_url = ApiURLField("organisation-detail")

    class Meta:
        model = Organisation
        fields = [
            "id", "slug", "name", "kind", "summary", "description", "sectors", "zone",
            "website", "founded_year", "address", "email", "phone", "is_unicorn", "is_listed",
            "stock_exchange", "stock_ticker", "listing", "has_production_plant",
            "hospital_beds", "url", "api_url", "updated_at",
        ]


class EventSerializer(serializers.ModelSerializer):
    uid = serializers.CharField(
        read_only=True, help_text="The iCalendar UID: made once, the same in every language."
    )
    category = CategoryRefSerializer(read_only=True, allow_null=True)
    venue = VenueSerializer(read_only=True, allow_null=True)
    zone = ZoneRefSerializer(read_only=True, allow_null=True)
    organisers = OrganisationRefSerializer(source="public_organisers", many=True, read_only=True)
    url = PageURLField()
    ics_url = serializers.SerializerMethodField(help_text="This event as an iCalendar file.")
    api_url = ApiURLField("event-detail")

    class Meta:
        model = Event
        fields = [
            "id", "uid", "slug", "title", "summary", "description", "status", "starts_at",
            "ends_at", "is_all_day", "date_precision", "recurrence_rule", "category", "venue",
            "zone", "organisers", "registration_url", "sequence", "url", "ics_url",
            "api_url", "updated_at",
        ]

    @extend_schema_field(OpenApiTypes.URI)
    def get_ics_url(self, event):
        return absolute(reverse("events:ics", kwargs={"slug": event.slug}))


class EventDetailSerializer(EventSerializer):
    """An event with what its page adds: speakers, the event it is part of, its satellites."""

    speakers = SpeakerSerializer(many=True, read_only=True)
    parent = EventRefSerializer(read_only=True, allow_null=True)
    satellites = EventRefSerializer(source="public_satellites", many=True, read_only=True)

    class Meta(EventSerializer.Meta):
        fields = [*EventSerializer.Meta.fields, "speakers", "parent", "satellites"]
