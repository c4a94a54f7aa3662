"""Demo content for the park as a whole: its profile, contact details and key figures.

Every fact comes from ../shared/seed/facts.md. Seeding creates what is missing and never
touches a row that already exists, so staff edits survive a second ``loaddemo``.
"""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils.text import slugify

from lifevalley.models import KeyFigure, ParkProfile, Sector

ARTICLE_SOURCE = "ZGC Life Science Park fact sheet"
FACT_SHEET_DATE = datetime.date(2023, 12, 31)
REVENUE_YEAR_END = datetime.date(2022, 12, 31)

PARK_PROFILE = {
    "name": "Zhongguancun Life Science Park",
    "name_zh_hans": "中关村生命科学园",
    "short_name": "Life Valley",
    "short_name_zh_hans": "生命谷",
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
    "tagline_zh_hans": (
        "昌平“生命谷”的核心：北京西北部的科研机构、医药健康企业、医院与高校在此汇聚。"
    ),
    "introduction_zh_hans": (
        "中关村生命科学园创建于2000年，二十年来持续获得政府支持，是生命谷皇冠上的明珠。"
        "生命谷是昌平区占地七平方公里以上的生命科学聚集区，山景秀美，邻近长城居庸关。\n\n"
        "园区正在建设前沿技术、医疗器械和美丽健康三个新区，并将进一步向北扩展。"
        "目标是打造千亿级医药健康产业集群。"
    ),
    "contact_organisation": "Administrative Commission of Beijing Future Science City",
    "contact_organisation_zh_hans": "北京未来科学城管理委员会",
    "address": "Life Valley, Changping District, Beijing, China",
    "address_zh_hans": "中国北京市昌平区生命谷",
    "phone": "+86-010-61703008",
    "email": "shengmygwh@bjchp.gov.cn",
    "website": "https://www.lifesciencepark.com.cn",
}

ARTICLE_SOURCE_ZH = "中关村生命科学园概况"
Q = KeyFigure.Qualifier
KEY_FIGURES = [
    # (qualifier, value, unit, label in English, label in Chinese, value as Chinese writes it,
    #  as of)
    (Q.MORE_THAN, "10", "", "national-level research and R&D institutions",
     "国家级科研及研发机构", "10余家", FACT_SHEET_DATE),
    (Q.MORE_THAN, "900", "", "pharmaceutical enterprises", "医药企业", "900余家",
     FACT_SHEET_DATE),
    (Q.EXACT, "4", "", "unicorns (privately held, valued at over US$1 billion)",
     "独角兽企业（估值超过10亿美元的非上市企业）", "4家", FACT_SHEET_DATE),
    (Q.EXACT, "18", "", "companies listed on stock markets", "上市公司", "18家",
     FACT_SHEET_DATE),
    (Q.MORE_THAN, "40", "", "research-intensive universities with facilities in the park",
     "在园区设有机构的研究型大学", "40余所", FACT_SHEET_DATE),
    (Q.MORE_THAN, "3000", "", "beds in hospitals and clinics", "医院及诊所床位", "3000余张",
     FACT_SHEET_DATE),
    (Q.MORE_THAN, "300", "", "distinguished researchers", "杰出科研人员", "300余位",
     FACT_SHEET_DATE),
    (Q.EXACT, "10749", "", "intellectual-property patents", "知识产权专利", "10749项",
     FACT_SHEET_DATE),
    (Q.MORE_THAN, "100", "", "conferences held in 2023", "2023年举办的会议", "100余场",
     FACT_SHEET_DATE),
    (Q.EXACT, "2.5", "km²", "current area of the park (planned: 4.7 km²)",
     "园区现有面积（规划面积4.7平方公里）", "2.5平方公里", FACT_SHEET_DATE),
    (Q.MORE_THAN, "7", "km²", "spanned by Life Valley", "生命谷占地面积", "7平方公里以上",
     FACT_SHEET_DATE),
    (Q.CLOSE_TO, "80", "billion RMB",
     "revenue of Changping's pharmaceutical and health industry in 2022 (US$11.2 billion)",
     "2022年昌平医药健康产业营业收入（112亿美元）", "近800亿元", REVENUE_YEAR_END),
]


@transaction.atomic
def seed_park():
    if not ParkProfile.objects.exists():
        ParkProfile.objects.create(**PARK_PROFILE)
    for order, row in enumerate(KEY_FIGURES, 1):
        qualifier, value, unit, label, label_zh, value_zh, as_of = row
        KeyFigure.objects.get_or_create(
            label_en=label,
            defaults={
                "label_zh_hans": label_zh,
                "value_text_zh_hans": value_zh,
                "source_zh_hans": ARTICLE_SOURCE_ZH,
                "qualifier": qualifier,
                "value": Decimal(value),
                "unit": unit,
                "as_of": as_of,
                "source": ARTICLE_SOURCE,
                "order": order * 10,
                "is_published": True,
            },
        )


# Chinese names of the sectors the demo and benchmark data use: standard terms of the field.
SECTOR_NAMES_ZH = {
    "Artificial intelligence": "人工智能",
    "Brain-computer interfaces": "脑机接口",
    "Cell and gene therapy": "细胞与基因治疗",
    "Clinical research": "临床研究",
    "Digital medicine": "数字医疗",
    "High-end diagnostics": "高端诊断",
    "Implant technology": "植入技术",
    "Innovative drugs": "创新药",
    "Life sciences research": "生命科学研究",
    "Medical devices": "医疗器械",
    "Neuroscience": "神经科学",
    "Nutritional services": "营养服务",
    "Oncology": "肿瘤",
    "Pharmaceutical manufacturing": "药品生产",
    "Protein science": "蛋白质科学",
    "Scientifically based cosmetics": "科学化妆品",
    "Synthetic biology": "合成生物学",
    "Vaccines": "疫苗",
}


def ensure_sectors(names):
    """The sectors with these names, creating the missing ones (existing rows are left alone)."""
    sectors = []
    for name in names:
        sector, _created = Sector.objects.get_or_create(
            slug=slugify(name),
            defaults={"name_en": name, "name_zh_hans": SECTOR_NAMES_ZH.get(name)},
        )
        sectors.append(sector)
    return sectors
