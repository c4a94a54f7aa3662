"""The park's time zone, the one every date on the site is shown in.

``PARK_TIME_ZONE`` is the site's ``TIME_ZONE`` (lifevalley/settings.py) and the feed's ``TZID``;
``BEIJING`` is that zone, for code that places a moment in Beijing time explicitly (the month
grid, the feeds, recurrence, the back office), whatever zone is active.
"""

import zoneinfo

PARK_TIME_ZONE = "Asia/Shanghai"
BEIJING = zoneinfo.ZoneInfo(PARK_TIME_ZONE)
