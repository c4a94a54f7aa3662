from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language_info

from lifevalley.models import ParkProfile


def park(request):
    return {"park": ParkProfile.current()}


def languages(request):
    """The current page in each language, for the language switch and hreflang links."""
    path = request.path
    query = request.META.get("QUERY_STRING", "")
    alternates = []
    for code, _name in settings.LANGUAGES:
        localized_path = translate_url(path, code)
        alternates.append(
            {
                "code": code,
                "name_local": get_language_info(code)["name_local"],
                "path": localized_path,
                "absolute_url": settings.SITE_URL + localized_path,
                "url_with_query": f"{localized_path}?{query}" if query else localized_path,
            }
        )
    return {"language_alternates": alternates, "canonical_url": settings.SITE_URL + path}
