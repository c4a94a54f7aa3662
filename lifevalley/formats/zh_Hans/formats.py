# Simplified Chinese: year, month, day, then the weekday.
LONG_DATE_FORMAT = "Y年n月j日"  # 2030年11月6日
LONG_DATETIME_FORMAT = "Y年n月j日 H:i"  # 2030年11月6日 09:30
WEEKDAY_DATE_FORMAT = "Y年n月j日 l"  # 2030年11月6日 星期三
WEEKDAY_DATETIME_FORMAT = "Y年n月j日 l H:i"  # 2030年11月6日 星期三 09:30

# The back office (and any {{ date }} without a format).
DATE_FORMAT = "Y年n月j日"  # 2026年12月9日
DATETIME_FORMAT = "Y年n月j日 H:i"  # 2026年12月9日 15:00
SHORT_DATE_FORMAT = DATE_FORMAT
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
YEAR_MONTH_FORMAT = "Y年n月"  # 2023年11月
ADMIN_WEEKDAY_DATE_FORMAT = "Y年n月j日 D"  # 2026年12月9日 星期三
ADMIN_WEEKDAY_DATETIME_FORMAT = "Y年n月j日 D H:i"  # 2026年12月9日 星期三 15:00
