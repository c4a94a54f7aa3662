"""POST data for admin forms, as the browser sends them (translated fields in both languages)."""


def zone_form(zone=None, **overrides):
    data = {
        "name_en": zone.name if zone else "Frontier Technology Zone",
        "name_zh_hans": "",
        "slug": zone.slug if zone else "frontier-technology",
        "tagline_en": "Cell and gene therapy, digital medicine, synthetic biology",
        "tagline_zh_hans": "",
        "description_en": "A new zone.",
        "description_zh_hans": "",
        "status": "new",
        "order": "1",
        "area_km2": "",
        "planned_area_km2": "",
        "image_alt_en": "",
        "image_alt_zh_hans": "",
        "is_published": "on",
        "publish_from_0": "",
        "publish_from_1": "",
        "publish_until_0": "",
        "publish_until_1": "",
        "projects-TOTAL_FORMS": "0",
        "projects-INITIAL_FORMS": "0",
        "projects-MIN_NUM_FORMS": "0",
        "projects-MAX_NUM_FORMS": "1000",
    }
    return data | overrides
