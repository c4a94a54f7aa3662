"""The pages a reviewer looks at side by side with other science parks' portals: used by
scripts/screenshots and by the layout tests (no horizontal overflow, axe finds nothing serious)."""

SHOWCASE_PAGES = {
    "home": "/",
    "zone": "/zones/life-science-park/",
    "directory": "/directory/",
    "organisation": "/directory/beigene/",
    "events": "/events/",
    "event": "/events/the-great-brain-exploration-2023/",
    "search": "/search/?q=brain",
}
LANGUAGES = {"en": "", "zh-hans": "/zh-hans"}
WIDTHS = {"desktop": 1366, "phone": 390}


def showcase_urls():
    """(name, path) for every showcase page in every language."""
    return [
        (f"{name}-{language}", prefix + path)
        for language, prefix in LANGUAGES.items()
        for name, path in SHOWCASE_PAGES.items()
    ]
