# English: day before month, 24-hour clock, as the park writes dates.
LONG_DATE_FORMAT = "j F Y"  # 6 November 2030
LONG_DATETIME_FORMAT = "j F Y, H:i"  # 6 November 2030, 09:30
WEEKDAY_DATE_FORMAT = "l j F Y"  # Wednesday 6 November 2030
WEEKDAY_DATETIME_FORMAT = "l j F Y, H:i"  # Wednesday 6 November 2030, 09:30

# The back office (and any {{ date }} without a format): short, unambiguous, one style everywhere.
DATE_FORMAT = "j M Y"  # 9 Dec 2026
DATETIME_FORMAT = "j M Y, H:i"  # 9 Dec 2026, 15:00
SHORT_DATE_FORMAT = DATE_FORMAT
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
YEAR_MONTH_FORMAT = "F Y"  # November 2023
ADMIN_WEEKDAY_DATE_FORMAT = "D j M Y"  # Wed 9 Dec 2026
ADMIN_WEEKDAY_DATETIME_FORMAT = "D j M Y, H:i"  # Wed 9 Dec 2026, 15:00
