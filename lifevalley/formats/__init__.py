"""Date formats per language (FORMAT_MODULE_PATH), on top of Django's own locale formats.

Django's formats cover DATE_FORMAT, YEAR_MONTH_FORMAT and the other standard names; the
pages also need a long day ("6 November 2030" / "2030年11月6日") with and without the weekday
and time, which no standard name gives in both languages. Templates use these names like the
standard ones, e.g. ``{{ start|date:"WEEKDAY_DATE_FORMAT" }}``; every language in LANGUAGES
defines each of them (a test checks).
"""
