from django.utils.text import slugify

from directory.models import Sector


def ensure_sectors(names):
    """The sectors with these names, creating the missing ones (existing rows are left alone)."""
    sectors = []
    for name in names:
        sector, _created = Sector.objects.get_or_create(
            slug=slugify(name), defaults={"name": name}
        )
        sectors.append(sector)
    return sectors
