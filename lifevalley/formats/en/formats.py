# English: day before month, 24-hour clock, as the park writes dates.
LONG_DATE_FORMAT = "j F Y"  # 6 November 2030
LONG_DATETIME_FORMAT = "j F Y, H:i"  # 6 November 2030, 09:30
WEEKDAY_DATE_FORMAT = "l j F Y"  # Wednesday 6 November 2030
WEEKDAY_DATETIME_FORMAT = "l j F Y, H:i"  # Wednesday 6 November 2030, 09:30
