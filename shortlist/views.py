"""A personal shortlist: save an event, see and change the list, subscribe to it, revoke it.

Every page here is private to whoever holds the token: never cached (``never_cache`` makes
the page cache pass them by, lifevalley/page_cache.py), kept out of search engines, and
no referrer leaves with the token in it. Forms are plain POSTs with CSRF, so all of it works
without JavaScript.
"""

import hashlib
import logging

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from events import ical
from events.feeds import CALENDAR_CONTENT_TYPE
from events.models import Event
from events.subscribe import qr_svg, subscribe_links
from lifevalley.security import client_ip
from shortlist.models import Shortlist, expiry_days, max_events

logger = logging.getLogger(__name__)

COOKIE = "lv_shortlist"


def private(view):
    """never_cache, plus no indexing and no referrer carrying the token to other sites.

    ``same-origin``, not ``no-referrer``: with the latter browsers send ``Origin: null`` on the
    page's own POST forms, which fails Django's CSRF origin check."""

    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["X-Robots-Tag"] = "noindex, nofollow"
        response["Referrer-Policy"] = "same-origin"
        return response

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return never_cache(wrapped)


def _list_or_404(token):
    shortlist = Shortlist.objects.for_token(token).first()
    if shortlist is None:
        raise Http404(_("There is no shortlist at this address (it may have been revoked)."))
    return shortlist


def _remember(response, token):
    response.set_cookie(
        COOKIE, token, max_age=expiry_days() * 24 * 3600, httponly=True, samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return response


def creation_allowed(request):
    """At most ``SHORTLIST_CREATIONS_PER_HOUR`` new lists an hour from one address. A cache
    error lets the request through: the cache is an optimisation, not a dependency."""
    limit = int(getattr(settings, "SHORTLIST_CREATIONS_PER_HOUR", 10))
    address = hashlib.sha256(client_ip(request).encode()).hexdigest()[:16]
    key = f"shortlist:new:{address}:{int(timezone.now().timestamp() // 3600)}"
    try:
        cache.add(key, 0, 3600)
        return cache.incr(key) <= limit
    except Exception:  # noqa: BLE001 — any cache failure
        logger.warning("shortlist rate limit: cache unavailable", exc_info=True)
        return True


def _public_event_or_404(slug):
    return get_object_or_404(Event.objects.published().for_cards(), slug=slug)


@private
def save(request, slug):
    """GET: the Save button (one POST form, since event pages stay cacheable without a CSRF
    cookie); POST: add the event to the visitor's list, making one if they have none."""
    event = _public_event_or_404(slug)
    shortlist = Shortlist.objects.for_token(request.COOKIES.get(COOKIE)).first()
    if request.method == "GET":
        return render(request, "shortlist/save.html", {"event": event, "shortlist": shortlist})
    if request.method != "POST":
        return HttpResponseNotAllowed(["GET", "POST"])
    token = request.COOKIES.get(COOKIE) if shortlist else None
    if shortlist is None:
        if not creation_allowed(request):
            context = {"event": event, "error": _(
                "Too many new shortlists were made from your network in the last hour. "
                "Please try again later."
            )}
            return render(request, "shortlist/save.html", context, status=429)
        shortlist, token = Shortlist.create_with_token()
    if not shortlist.add(event):
        context = {"event": event, "shortlist": shortlist, "error": _(
            "Your shortlist is full (%(max)s events). Remove some to save new ones."
        ) % {"max": max_events()}}
        return render(request, "shortlist/save.html", context, status=400)
    url = reverse("shortlist:manage", kwargs={"token": token}) + f"?saved={event.slug}"
    return _remember(redirect(url), token)


@private
def manage(request, token):
    """The list: its events (as the public sees them), its private feed, remove and revoke."""
    shortlist = _list_or_404(token)
    now = timezone.now()
    shortlist.touch(now)
    events = list(
        Event.objects.published(now)
        .filter(pk__in=shortlist.items.values("event_id"))
        .for_cards(now)
        .order_by("starts_at", "pk")
    )
    feed_path = reverse("shortlist:feed", kwargs={"token": token})
    links = subscribe_links(path=feed_path, name=_("My Life Valley shortlist"))
    saved = next((e for e in events if e.slug == request.GET.get("saved")), None)
    context = {
        "token": token,
        "events": events,
        "saved": saved,
        "now": now,
        "max_events": max_events(),
        "expiry_days": expiry_days(),
        "subscribe": links,
        "qr_svg": qr_svg(links["webcal"]),
    }
    return _remember(render(request, "shortlist/manage.html", context), token)


@private
@require_POST
def remove(request, token):
    shortlist = _list_or_404(token)
    shortlist.items.filter(event__slug=request.POST.get("event", "")[:250]).delete()
    return redirect("shortlist:manage", token=token)


@private
@require_POST
def revoke(request, token):
    """A new private address for the same list; the old address and feed stop at once."""
    new_token = _list_or_404(token).new_token()
    return _remember(redirect("shortlist:manage", token=new_token), new_token)


@private
@require_POST
def delete(request, token):
    _list_or_404(token).delete()
    response = render(request, "shortlist/deleted.html")
    response.delete_cookie(COOKIE, samesite="Lax")
    return response


def feed(request, token):
    """The list as a calendar: the public feed's VEVENTs (same UIDs, so nothing duplicates in a
    calendar subscribed to both), cancelled events kept and drafts left out as there."""
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    shortlist = _list_or_404(token)
    now = timezone.now()
    shortlist.touch(now)
    events = (
        Event.objects.published(now)
        .filter(pk__in=shortlist.items.values("event_id"))
        .for_feed(now)
    )
    parts = [ical.feed_component(event, base_url=settings.SITE_URL) for event in events]
    data = ical.assemble(parts, name=_("My Life Valley shortlist"), max_bytes=ical.FEED_MAX_BYTES)
    response = HttpResponse(data, content_type=CALENDAR_CONTENT_TYPE)
    response["X-Robots-Tag"] = "noindex, nofollow"
    # Private to the token's holder: no shared cache may keep it; no-transform as the public feed.
    response["Cache-Control"] = "private, max-age=900, no-transform"
    return response
