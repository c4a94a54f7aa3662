"""The Atom feed of new and changed events, /events/feed.atom."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models.functions import Coalesce, Greatest
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from events.changes import latest_change_at, recent_change_texts
from events.models import Event
from lifevalley.timezones import BEIJING


class PlainTextAtomFeed(Atom1Feed):
    """Atom whose summaries are plain text (``type="text"``).

    Django writes ``<summary type="html">``, so a reader renders whatever markup a summary
    holds, ``<script>`` included. Our summaries are text, so say so and readers show it as such.
    """

    def add_item_elements(self, handler, item):
        description, item["description"] = item["description"], None
        super().add_item_elements(handler, item)
        item["description"] = description
        if description is not None:
            handler.addQuickElement("summary", description, {"type": "text"})


class NewEventsFeed(Feed):
    """Atom feed of newly published events, newest first.

    Every link is absolute on ``SITE_URL``: the syndication framework would take the scheme
    and host from the request (and leaves absolute URLs as they are).
    """

    feed_type = PlainTextAtomFeed
    title = gettext_lazy("New events at Life Valley")
    subtitle = gettext_lazy("Forums, conferences and seminars newly announced by the park.")
    limit = 30

    def link(self):
        return settings.SITE_URL + reverse("events:list")

    def feed_url(self):
        return settings.SITE_URL + reverse("events:atom")

    def item_link(self, item):
        return settings.SITE_URL + item.get_absolute_url()

    def items(self):
        """Newly published events and, as updates, events whose time, place or status changed."""
        return (
            Event.objects.published()
            .filter(published_at__isnull=False)
            .annotate(
                news_at=Greatest("published_at", Coalesce(latest_change_at(), "published_at"))
            )
            .for_cards()
            .with_changes()
            .order_by("-news_at", "-pk")[: self.limit]
        )

    def item_title(self, item):
        return item.status_title()

    def item_description(self, item):
        start = timezone.localtime(item.starts_at, BEIJING)
        # An event known only to the month gets no invented day.
        when = date_format(start, "YEAR_MONTH_FORMAT" if item.is_month_only else "LONG_DATE_FORMAT")
        text = f"{when} · {item.summary}" if item.summary else when
        changes = recent_change_texts(item, limit=1)
        if changes:
            return _("Update: %(change)s") % {"change": changes[0]} + "\n\n" + text
        return text

    def item_pubdate(self, item):
        return max(item.published_at, item.publish_from or item.published_at)

    def item_updateddate(self, item):
        return item.updated_at

    def item_categories(self, item):
        return [item.category.name]

    def item_guid(self, item):
        return f"urn:lifevalley:event:{item.uid}"

    def item_guid_is_permalink(self, item):
        return False
