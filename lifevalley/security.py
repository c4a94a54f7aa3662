"""Request-level security: the client address behind the proxy, and the Permissions-Policy header.

The Content-Security-Policy comes from django-csp and the login lock-out from django-axes
(both configured in settings); this module holds the two small pieces they leave to the site.
"""

import ipaddress

from django.conf import settings
from django.shortcuts import render

# Browser features the portal never uses: deny them to every page and anything it frames.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
)


def _valid_ip(value):
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request):
    """The visitor's address, as the trusted proxies in front of the site saw it.

    With ``TRUSTED_PROXY_COUNT = 0`` (a laptop, no proxy) it is ``REMOTE_ADDR``. Behind N
    proxies that each append the address they received the request from to
    ``X-Forwarded-For`` (nginx's ``$proxy_add_x_forwarded_for``), the client is the N-th entry
    from the right: whatever stands further left was written by the client and can be forged.
    A header with fewer entries than trusted proxies, or an entry that is not an address, is
    not trusted either, and the connection's own address is used.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part]
    if len(forwarded) < count:
        return remote
    return _valid_ip(forwarded[-count]) or remote


class PermissionsPolicyMiddleware:
    """Send ``Permissions-Policy`` on every response (Django has no setting for it)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


def lockout_response(request, original_response=None, credentials=None):
    """The page a locked-out person sees instead of the login form: 429, in both languages."""
    minutes = max(1, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))
    context = {"minutes": minutes, "lockout_languages": [code for code, _ in settings.LANGUAGES]}
    response = render(request, "lockout.html", context, status=429)
    response["Retry-After"] = str(minutes * 60)
    return response
