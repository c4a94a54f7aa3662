import datetime
from decimal import Decimal

import pytest

from space.models import SpaceOffer


@pytest.fixture
def make_offer(db, make_zone):
    def make(**overrides):
        fields = {
            "kind": SpaceOffer.Kind.LABORATORY,
            "name": "Building 3, second floor",
            "area_m2": Decimal("1200"),
            "available_from": datetime.date(2027, 3, 1),
            "is_published": True,
        } | overrides
        if "zone" not in fields:
            fields["zone"] = fields["project"].zone if fields.get("project") else make_zone()
        return SpaceOffer.objects.create(**fields)

    return make
