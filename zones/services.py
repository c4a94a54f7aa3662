"""Demo content for the zones and their development projects, from ../shared/seed/facts.md.

No images are attached: the pages show the site's own drawing of each zone (static/img/art/).
"""

from decimal import Decimal

from django.db import transaction

from lifevalley.services import ensure_sectors
from zones.models import Project, Zone

ZONES = [
    {
        "slug": "life-science-park",
        "name": "ZGC Life Science Park",
        "name_zh_hans": "中关村生命科学园",
        "tagline": "The established core of Life Valley, home to more than 900 enterprises.",
        "description": (
            "Founded in 2000, the Zhongguancun Life Science Park is the heart of Changping's "
            "Life Valley: national research institutions, pharmaceutical and biotech "
            "companies, hospitals and universities side by side. It covers 2.5 km² today, "
            "with 4.7 km² planned.\n\n"
            "The park will further expand to the north, with more research and research "
            "translation in cell and gene therapy, artificial intelligence, medical device "
            "research and development, synthetic biology, and innovative drugs."
        ),
        "tagline_zh_hans": "生命谷的核心园区，900多家企业在此发展。",
        "description_zh_hans": (
            "中关村生命科学园创建于2000年，是昌平生命谷的核心：国家级科研机构、医药与生物技术企业、"
            "医院和高校比邻而居。园区现有面积2.5平方公里，规划面积4.7平方公里。\n\n"
            "园区将进一步向北扩展，在细胞与基因治疗、人工智能、医疗器械研发、合成生物学和创新药"
            "等领域开展更多研究与成果转化。"
        ),
        "status": Zone.Status.ESTABLISHED,
        "area_km2": Decimal("2.5"),
        "planned_area_km2": Decimal("4.7"),
        "focus_areas": [
            "Cell and gene therapy",
            "Artificial intelligence",
            "Medical devices",
            "Synthetic biology",
            "Innovative drugs",
        ],
    },
    {
        "slug": "frontier-technology",
        "name": "Frontier Technology Zone",
        "tagline": (
            "Research and development in cell and gene therapy, digital medicine and "
            "synthetic biology."
        ),
        "description": (
            "One of three new zones being developed within five years, the Frontier "
            "Technology zone will include R&D in cell and gene therapy, digital medicine "
            "and synthetic biology."
        ),
        "status": Zone.Status.NEW,
        "tagline_zh_hans": "开展细胞与基因治疗、数字医疗和合成生物学研发的新园区。",
        "description_zh_hans": (
            "前沿技术区是五年内建设的三个新区之一，将开展细胞与基因治疗、数字医疗和合成生物学研发。"
        ),
        "focus_areas": ["Cell and gene therapy", "Digital medicine", "Synthetic biology"],
    },
    {
        "slug": "medical-device",
        "name": "Medical Device Zone",
        "tagline": (
            "Brain-computer interfaces, digital medicine, implant technology and high-end "
            "diagnostics."
        ),
        "description": (
            "The Medical Device zone includes brain-computer interfaces, digital medicine, "
            "implant technology and high-end diagnostics."
        ),
        "status": Zone.Status.NEW,
        "tagline_zh_hans": "脑机接口、数字医疗、植入技术和高端诊断。",
        "description_zh_hans": "医疗器械区涵盖脑机接口、数字医疗、植入技术和高端诊断。",
        "focus_areas": [
            "Brain-computer interfaces",
            "Digital medicine",
            "Implant technology",
            "High-end diagnostics",
        ],
    },
    {
        "slug": "beauty-and-health",
        "name": "Beauty and Health Zone",
        "tagline": "Provisionally called the “Xiaotangshan Beauty Intelligence Park”.",
        "description": (
            "The Beauty and Health zone, provisionally called the Xiaotangshan Beauty "
            "Intelligence Park, will host research institutions and enterprises working on "
            "scientifically based cosmetics and nutritional services."
        ),
        "status": Zone.Status.NEW,
        "tagline_zh_hans": "暂定名“Xiaotangshan Beauty Intelligence Park”（小汤山）。",
        "description_zh_hans": (
            "美丽健康区暂定名为“Xiaotangshan Beauty Intelligence Park”（小汤山），"
            "将汇聚从事科学化妆品和营养服务的科研机构与企业。"
        ),
        "focus_areas": ["Scientifically based cosmetics", "Nutritional services"],
    },
]

PROJECTS = [
    ("life-valley-international-precision-medicine-industrial-park",
     "Life Valley International Precision Medicine Industrial Park"),
    ("life-valley-bio-engineering-innovation-centre",
     "Life Valley Bio-engineering Innovation Centre"),
    ("sinovac-high-precision-achievement-transformation-base",
     "SINOVAC High Precision Achievement Transformation Base"),
]
PROJECT_ZONE = "life-science-park"
PROJECT_DESCRIPTION = "Under construction as part of the expansion of the life science park."
PROJECT_DESCRIPTION_ZH = "作为生命科学园扩建的一部分，正在建设中。"


@transaction.atomic
def seed_zones():
    for order, data in enumerate(ZONES, start=1):
        data = dict(data)
        focus_areas = ensure_sectors(data.pop("focus_areas"))
        zone, created = Zone.objects.get_or_create(
            slug=data.pop("slug"), defaults={**data, "order": order, "is_published": True}
        )
        if created:
            zone.focus_areas.set(focus_areas)
    core = Zone.objects.get(slug=PROJECT_ZONE)
    for slug, name in PROJECTS:
        Project.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "zone": core,
                "status": Project.Status.UNDER_CONSTRUCTION,
                "description": PROJECT_DESCRIPTION,
                "description_zh_hans": PROJECT_DESCRIPTION_ZH,
                "is_published": True,
            },
        )
