from django.conf import settings
from django.urls import translate_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language_info

from lifevalley.models import ParkProfile
from lifevalley.search import MAX_QUERY_LENGTH


def park(request):
    return {"park": ParkProfile.current(), "max_query_length": MAX_QUERY_LENGTH}


def local_path(path):
    """``path`` as a path on this site, whatever the request held.

    ``//evil.example/x`` (or ``/%2F%2Fevil.example/x``, or ``/\\evil.example``) is a path to
    Django but a link to another host in a browser: leading slashes and backslashes collapse
    to one ``/``, and anything still not a plain local path becomes the home page.
    """
    path = "/" + path.lstrip("/\\")
    if url_has_allowed_host_and_scheme(path, allowed_hosts=set()):
        return path
    return "/"


def languages(request):
    """The current page in each language, for the language switch and hreflang links."""
    path = local_path(request.path)
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
