"""Which apps hold the portal's content, for the two places that ask.

- ``PUBLIC_CONTENT_APPS``: the apps whose models public pages show. A write to any of their
  models moves the page cache's content version (lifevalley/page_cache.py).
- ``STAFF_CONTENT_APPS``: the apps whose models Editors and Publishers work on
  (lifevalley/roles.py): the public ones and ``event_sources``, the organisations' calendars
  that events are imported from. No page shows a source or its runs, so writing one (every
  sync records a run) leaves the cached pages alone; the events a sync writes move the
  version themselves.
"""

PUBLIC_CONTENT_APPS = ("lifevalley", "zones", "directory", "events", "space")
STAFF_CONTENT_APPS = (*PUBLIC_CONTENT_APPS, "event_sources")
