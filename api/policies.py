"""How the API pages and limits its clients (named in settings.REST_FRAMEWORK, so imported
by DRF's settings: this module must not import the views)."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework.pagination import PageNumberPagination
from rest_framework.throttling import SimpleRateThrottle

from lifevalley.security import client_ip


class ClientRateThrottle(SimpleRateThrottle):
    """Requests per client address (as the trusted proxies saw it), counted in the cache."""

    scope = "api"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": client_ip(request)}


class SitePagination(PageNumberPagination):
    """Pages of ``API_PAGE_SIZE`` with links on the public address of the site."""

    invalid_page_message = _("There is no page “{page_number}” in these results: {message}")

    def get_page_size(self, request):
        return settings.API_PAGE_SIZE

    def _on_site(self, url):
        if url is None:
            return None
        # DRF builds the links from the request's host; the public address is the site's.
        path = url.split("://", 1)[1].split("/", 1)[1]
        return f"{settings.SITE_URL}/{path}"

    def get_next_link(self):
        return self._on_site(super().get_next_link())

    def get_previous_link(self):
        return self._on_site(super().get_previous_link())
