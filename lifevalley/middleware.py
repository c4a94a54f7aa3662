import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string

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
