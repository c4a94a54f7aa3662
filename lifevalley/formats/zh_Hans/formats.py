# Simplified Chinese: year, month, day, then the weekday.
LONG_DATE_FORMAT = "Y年n月j日"  # 2030年11月6日
LONG_DATETIME_FORMAT = "Y年n月j日 H:i"  # 2030年11月6日 09:30
WEEKDAY_DATE_FORMAT = "Y年n月j日 l"  # 2030年11月6日 星期三
WEEKDAY_DATETIME_FORMAT = "Y年n月j日 l H:i"  # 2030年11月6日 星期三 09:30
