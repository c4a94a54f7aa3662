import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import translation

logger = logging.getLogger(__name__)

SCHEMA_ERROR_MARKERS = ("no such table", "no such column", "syntax error")


class DatabaseUnavailableMiddleware:
    """Answer 503 with a plain page when the database cannot be reached, or cancels a query
    that waited longer than its statement or lock timeout (settings: DJANGO_DB_*_TIMEOUT_MS).

    Rendering uses no context processors and no database, so the page itself cannot fail the
    same way. Connections are health-checked (CONN_HEALTH_CHECKS), so the site recovers by
    itself once the database is back.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_connection_error(exception):
            return None
        logger.error("Database unavailable or too slow: %s", exception)
        return unavailable_response()


def is_connection_error(exception):
    if isinstance(exception, InterfaceError):
        return True
    if not isinstance(exception, OperationalError):
        return False
    # SQLite raises OperationalError for schema problems too; those are bugs, not outages.
    message = str(exception).lower()
    return not any(marker in message for marker in SCHEMA_ERROR_MARKERS)


def unavailable_response():
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = "30"
    response["Cache-Control"] = "no-store"
    return response


class AdminLanguageMiddleware:
    """The admin in the staff member's own language. Its URLs carry no language prefix, so
    LocaleMiddleware gives it the default language as it gives every unprefixed path; for the
    admin's views this takes the language from the cookie Django's ``set_language`` view sets
    (the switch in the admin header), else from the browser's Accept-Language. The public
    site keeps its language from the path. Placed after LocaleMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is not None and "admin" in match.app_names:
            translation.activate(translation.get_language_from_request(request))
            request.LANGUAGE_CODE = translation.get_language()
        return None
