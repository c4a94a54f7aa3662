"""Work on the directory that spans several models: demo content, synthetic data."""

import random

from django.db import transaction
from django.utils.text import slugify

from directory.models import Organisation
from lifevalley.demo_images import monogram
from lifevalley.services import ensure_sectors
from zones.models import Zone

# Every organisation the source article names (../shared/seed/facts.md), with only the facts
# (Chinese names only where the name is certain; the others fall back to English)
# it gives: no founding years, bed counts or tickers it does not state.
CORE_ZONE = "life-science-park"
Kind = Organisation.Kind
NATIONAL_INSTITUTION = (
    "A Chinese national-level scientific research institution in the ZGC Life Science Park."
)
NATIONAL_INSTITUTION_ZH = "位于中关村生命科学园的国家级科研机构。"
DEMO_ORGANISATIONS = [
    {
        "name": "BeiGene",
        "name_zh_hans": "百济神州",
        "kind": Kind.ENTERPRISE,
        "summary": "A Chinese company that has expanded globally, developer of a US FDA-approved "
        "anti-cancer drug.",
        "summary_zh_hans": "已拓展至全球的中国企业，研发了一款获美国 FDA 批准的抗癌药物。",
        "description": "Notable products to come out of Life Valley include a US Food and Drug "
        "Administration-approved anti-cancer drug developed by BeiGene, a Chinese company that "
        "has expanded globally.",
        "sectors": ["Innovative drugs", "Oncology"],
        "zone": CORE_ZONE,
        "is_featured": True,
    },
    {
        "name": "SINOVAC",
        "name_zh_hans": "科兴",
        "kind": Kind.ENTERPRISE,
        "summary": "Building the SINOVAC High Precision Achievement Transformation Base in "
        "the park.",
        "summary_zh_hans": "正在园区建设 SINOVAC 高精尖成果转化基地。",
        "description": "The SINOVAC High Precision Achievement Transformation Base is under "
        "construction as part of the expansion of the life science park in Changping's "
        "Life Valley.",
        "sectors": ["Vaccines"],
        "zone": CORE_ZONE,
    },
    {
        "name": "Novartis Pharmaceuticals",
        "name_zh_hans": "诺华",
        "kind": Kind.ENTERPRISE,
        "summary": "A global pharmaceutical company with a production plant in the park.",
        "summary_zh_hans": "在园区设有生产工厂的跨国制药企业。",
        "sectors": ["Pharmaceutical manufacturing"],
        "zone": CORE_ZONE,
        "has_production_plant": True,
    },
    {
        "name": "Novo Nordisk",
        "name_zh_hans": "诺和诺德",
        "kind": Kind.ENTERPRISE,
        "summary": "A global pharmaceutical company with a production plant in the park.",
        "summary_zh_hans": "在园区设有生产工厂的跨国制药企业。",
        "sectors": ["Pharmaceutical manufacturing"],
        "zone": CORE_ZONE,
        "has_production_plant": True,
    },
    {
        "name": "Changping Laboratory",
        "name_zh_hans": "北京昌平实验室",
        "kind": Kind.RESEARCH_INSTITUTION,
        "summary": NATIONAL_INSTITUTION,
        "summary_zh_hans": NATIONAL_INSTITUTION_ZH,
        "sectors": ["Life sciences research"],
        "zone": CORE_ZONE,
        "is_featured": True,
    },
    {
        "name": "Beijing Institute of Life Sciences",
        "name_zh_hans": "北京生命科学研究所",
        "kind": Kind.RESEARCH_INSTITUTION,
        "summary": NATIONAL_INSTITUTION,
        "summary_zh_hans": NATIONAL_INSTITUTION_ZH,
        "sectors": ["Life sciences research"],
        "zone": CORE_ZONE,
    },
    {
        "name": "Chinese Institute for Brain Research",
        "name_zh_hans": "北京脑科学与类脑研究所",
        "kind": Kind.RESEARCH_INSTITUTION,
        "summary": NATIONAL_INSTITUTION,
        "summary_zh_hans": NATIONAL_INSTITUTION_ZH,
        "sectors": ["Neuroscience", "Life sciences research"],
        "zone": CORE_ZONE,
        "is_featured": True,
    },
    {
        "name": "National Center for Protein Sciences – Beijing",
        "name_zh_hans": "国家蛋白质科学中心（北京）",
        "slug": "national-center-for-protein-sciences-beijing",
        "kind": Kind.RESEARCH_INSTITUTION,
        "summary": NATIONAL_INSTITUTION,
        "summary_zh_hans": NATIONAL_INSTITUTION_ZH,
        "sectors": ["Protein science", "Life sciences research"],
        "zone": CORE_ZONE,
    },
    {
        "name": "Beijing GoBroad Hospital",
        "name_zh_hans": "北京高博医院",
        "kind": Kind.HOSPITAL,
        "summary": "Inaugurated in 2023, one of China's first international research hospitals.",
        "summary_zh_hans": "2023年开业，是中国首批国际研究型医院之一。",
        "description": "Beijing GoBroad Hospital, in the ZGC Life Science Park, is among "
        "China's first international research hospitals. It was inaugurated in 2023.",
        "founded_year": 2023,
        "sectors": ["Clinical research"],
        "zone": CORE_ZONE,
        "is_featured": True,
    },
    {
        "name": "Beijing Changping People's Government",
        "name_zh_hans": "北京市昌平区人民政府",
        "kind": Kind.PUBLIC_BODY,
        "summary": "The district government; organiser of the Drug Discovery and Development "
        "Forum of the ZGC Life Science Park.",
        "summary_zh_hans": "区政府，中关村生命科学园药物发现与开发论坛的主办方。",
        "description": "Beijing Changping People's Government organised the 'Drug Discovery and "
        "Development Forum of the ZGC Life Science Park', with the support of Nature Research "
        "Custom Media, as part of the 2023 Beijing-Changping International Forum on Life "
        "Science. The district is introducing policies such as the 'industry multiplication' "
        "action plan to speed the development of the pharmaceutical and health industry.",
    },
    {
        "name": "Administrative Commission of Beijing Future Science City",
        "name_zh_hans": "北京未来科学城管理委员会",
        "kind": Kind.PUBLIC_BODY,
        "summary": "The park's contact for enquiries.",
        "summary_zh_hans": "园区咨询联系单位。",
        "website": "https://www.lifesciencepark.com.cn",
        "email": "shengmygwh@bjchp.gov.cn",
        "phone": "+86-010-61703008",
    },
]


@transaction.atomic
def seed_directory():
    """Create the article's organisations that are missing; staff edits are never touched."""
    zones = {zone.slug: zone for zone in Zone.objects.all()}
    for data in DEMO_ORGANISATIONS:
        data = dict(data)
        sector_names = data.pop("sectors", [])
        zone_slug = data.pop("zone", None)
        slug = data.pop("slug", None) or slugify(data["name"])
        if Organisation.objects.filter(slug=slug).exists() or Organisation.objects.filter(
            name__iexact=data["name"]
        ).exists():
            continue
        organisation = Organisation(
            slug=slug, zone=zones.get(zone_slug), is_published=True, **data
        )
        organisation.logo_alt = f"{organisation.name} logo (monogram)"
        name_zh = organisation.name_zh_hans or organisation.name
        organisation.logo_alt_zh_hans = f"{name_zh}标志（字母组合）"
        organisation.logo.save(f"{slug}.png", monogram(organisation.name), save=False)
        organisation.save()
        organisation.sectors.set(ensure_sectors(sector_names))


# Synthetic data for benchmarks: varied, realistic-looking and clearly invented.
SCALE_SECTORS = [
    "Innovative drugs", "Oncology", "Vaccines", "Cell and gene therapy", "Synthetic biology",
    "Digital medicine", "Medical devices", "High-end diagnostics", "Implant technology",
    "Brain-computer interfaces", "Artificial intelligence", "Neuroscience", "Protein science",
    "Clinical research", "Pharmaceutical manufacturing", "Contract research",
    "Scientifically based cosmetics", "Nutritional services", "Bioinformatics", "Biomaterials",
]
NAME_STEMS = [
    "Helix", "Kangtai", "Jinwei", "Synapse", "Tianyuan", "Lumina", "Huaxin", "Cellora",
    "Boyuan", "Genova", "Ruikang", "Meridian", "Zhiyao", "Proteon", "Anxin", "Qilin",
    "Vitalis", "Hengrui", "Nuvia", "Shengming", "Axon", "Yuanda", "Cardio", "Taihe",
]
NAME_PARTS = {
    Kind.ENTERPRISE: ["Biotech", "Pharmaceuticals", "Therapeutics", "Medical Devices",
                      "Diagnostics", "Biosciences", "Health Technology", "Genomics"],
    Kind.RESEARCH_INSTITUTION: ["Institute of Biomedicine", "Research Center",
                                "Laboratory", "Institute for Translational Medicine"],
    Kind.UNIVERSITY: ["University Life Science Campus", "Medical College Research Base"],
    Kind.HOSPITAL: ["Hospital", "Rehabilitation Hospital", "Research Hospital"],
    Kind.PUBLIC_BODY: ["Innovation Service Centre", "Industry Promotion Office"],
    Kind.SERVICE_PROVIDER: ["CRO Services", "Incubator", "Clinical Trial Services",
                            "Lab Equipment Services"],
}
KIND_WEIGHTS = {
    Kind.ENTERPRISE: 80, Kind.RESEARCH_INSTITUTION: 6, Kind.UNIVERSITY: 3, Kind.HOSPITAL: 2,
    Kind.PUBLIC_BODY: 1, Kind.SERVICE_PROVIDER: 8,
}
EXCHANGES = ["SSE", "SZSE", "HKEX", "NASDAQ"]


def generate_organisations(count, seed=2000):
    """Add ``count`` published synthetic organisations with sectors; return how many."""
    rng = random.Random(seed + Organisation.objects.count())
    sectors = ensure_sectors(SCALE_SECTORS)
    zones = list(Zone.objects.published()) or [None]
    offset = Organisation.objects.count()
    kinds, weights = zip(*KIND_WEIGHTS.items(), strict=True)
    organisations = []
    for number in range(offset + 1, offset + count + 1):
        kind = rng.choices(kinds, weights)[0]
        name = f"{rng.choice(NAME_STEMS)} {rng.choice(NAME_PARTS[kind])} {number:05d}"
        listed = kind == Kind.ENTERPRISE and rng.random() < 0.03
        organisations.append(
            Organisation(
                name=name,
                slug=f"{slugify(name)}-scale",
                kind=kind,
                zone=rng.choice(zones),
                summary=f"{rng.choice(SCALE_SECTORS)} in Life Valley (synthetic benchmark entry).",
                description="Synthetic entry made by loadscale for benchmarks.",
                founded_year=rng.choice([None, rng.randint(1950, 2024)]),
                is_unicorn=kind == Kind.ENTERPRISE and not listed and rng.random() < 0.01,
                stock_exchange=rng.choice(EXCHANGES) if listed else "",
                stock_ticker=f"{rng.randint(100000, 999999)}" if listed else "",
                hospital_beds=rng.randint(50, 800) if kind == Kind.HOSPITAL else None,
                is_featured=rng.random() < 0.002,
                is_published=True,
            )
        )
    through = Organisation.sectors.through
    with transaction.atomic():
        created = Organisation.objects.bulk_create(organisations, batch_size=1000)
        if any(organisation.pk is None for organisation in created):  # no RETURNING support
            by_slug = dict(
                Organisation.objects.filter(
                    slug__in=[o.slug for o in created]
                ).values_list("slug", "pk")
            )
            for organisation in created:
                organisation.pk = by_slug[organisation.slug]
        memberships = [
            through(organisation_id=organisation.pk, sector_id=sector.pk)
            for organisation in created
            for sector in rng.sample(sectors, rng.randint(1, 3))
        ]
        through.objects.bulk_create(memberships, batch_size=2000)
    return len(created)
