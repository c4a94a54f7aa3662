"""Demo content for the park as a whole: its profile, contact details and key figures.

Every fact comes from ../shared/seed/facts.md. Seeding creates what is missing and never
touches a row that already exists, so staff edits survive a second ``loaddemo``.
"""

import datetime
from decimal import Decimal

from django.db import transaction

from lifevalley.models import KeyFigure, ParkProfile

ARTICLE_SOURCE = "ZGC Life Science Park fact sheet"
FACT_SHEET_DATE = datetime.date(2023, 12, 31)
REVENUE_YEAR_END = datetime.date(2022, 12, 31)

PARK_PROFILE = {
    "name": "Zhongguancun Life Science Park",
    "short_name": "Life Valley",
    "tagline": (
        "The core of Changping's “Life Valley”: research institutions, pharmaceutical and "
        "health enterprises, hospitals and universities in Beijing's northwest."
    ),
    "introduction": (
        "Founded in 2000 and the beneficiary of 20 years of government support, the "
        "Zhongguancun (ZGC) Life Science Park is the jewel in the crown of Life Valley, a "
        "life sciences district spread over more than seven square kilometres of Changping, "
        "with mountain views and the Juyong pass of the Great Wall close by.\n\n"
        "Three new zones are being developed — Frontier Technology, Medical Device, and "
        "Beauty and Health — and the park will further expand to the north. The ambition: "
        "a pharmaceutical and health hub worth 100 billion RMB."
    ),
    "contact_organisation": "Administrative Commission of Beijing Future Science City",
    "address": "Life Valley, Changping District, Beijing, China",
    "phone": "+86-010-61703008",
    "email": "shengmygwh@bjchp.gov.cn",
    "website": "https://www.lifesciencepark.com.cn",
}

Q = KeyFigure.Qualifier
KEY_FIGURES = [
    # (qualifier, value, unit, label, as of)
    (Q.MORE_THAN, "10", "", "national-level research and R&D institutions", FACT_SHEET_DATE),
    (Q.MORE_THAN, "900", "", "pharmaceutical enterprises", FACT_SHEET_DATE),
    (Q.EXACT, "4", "", "unicorns (privately held, valued at over US$1 billion)", FACT_SHEET_DATE),
    (Q.EXACT, "18", "", "companies listed on stock markets", FACT_SHEET_DATE),
    (Q.MORE_THAN, "40", "", "research-intensive universities with facilities in the park",
     FACT_SHEET_DATE),
    (Q.MORE_THAN, "3000", "", "beds in hospitals and clinics", FACT_SHEET_DATE),
    (Q.MORE_THAN, "300", "", "distinguished researchers", FACT_SHEET_DATE),
    (Q.EXACT, "10749", "", "intellectual-property patents", FACT_SHEET_DATE),
    (Q.MORE_THAN, "100", "", "conferences held in 2023", FACT_SHEET_DATE),
    (Q.EXACT, "2.5", "km²", "current area of the park (planned: 4.7 km²)", FACT_SHEET_DATE),
    (Q.MORE_THAN, "7", "km²", "spanned by Life Valley", FACT_SHEET_DATE),
    (Q.CLOSE_TO, "80", "billion RMB",
     "revenue of Changping's pharmaceutical and health industry in 2022 (US$11.2 billion)",
     REVENUE_YEAR_END),
]


@transaction.atomic
def seed_park():
    if not ParkProfile.objects.exists():
        ParkProfile.objects.create(**PARK_PROFILE)
    for order, (qualifier, value, unit, label, as_of) in enumerate(KEY_FIGURES, start=1):
        KeyFigure.objects.get_or_create(
            label=label,
            defaults={
                "qualifier": qualifier,
                "value": Decimal(value),
                "unit": unit,
                "as_of": as_of,
                "source": ARTICLE_SOURCE,
                "order": order * 10,
                "is_published": True,
            },
        )
