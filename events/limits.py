"""The subscription feed's limits (/events/feed.ics and the feeds of a filter).

``EventQuerySet`` applies the window and the event cap when it picks a feed's events
(events/models.py); the feed's assembly applies the byte budget (``ical.assemble``). The feed
modules also read them as ``ical.FEED_*``, which events/ical.py looks up here each time: patch
or change a limit here and every reader sees it.
"""

import datetime

# The feed holds upcoming events plus this much of the past (older events stay on the site).
FEED_PAST_WINDOW = datetime.timedelta(days=90)
# Hard caps: Google silently drops what lies past about 1 MB, so stay well under it. An event
# takes 600–900 bytes, so 1,000 events fit the byte budget; the budget is the final guard.
FEED_MAX_EVENTS = 1000
FEED_MAX_BYTES = 750_000
