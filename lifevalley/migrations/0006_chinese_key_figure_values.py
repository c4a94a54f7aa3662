"""Chinese values, as Chinese writes them, for the key figures of the demo content (and the
Chinese name of the park's contact body), where a site already has those rows without them.

A frozen copy of what lifevalley/services.py seeds, as migrations must not import app code
that may change later. Rows staff already gave a Chinese value are left alone.
"""

from django.db import migrations
from django.db.models import Q

VALUES_ZH = {
    "national-level research and R&D institutions": "10余家",
    "pharmaceutical enterprises": "900余家",
    "unicorns (privately held, valued at over US$1 billion)": "4家",
    "companies listed on stock markets": "18家",
    "research-intensive universities with facilities in the park": "40余所",
    "beds in hospitals and clinics": "3000余张",
    "distinguished researchers": "300余位",
    "intellectual-property patents": "10749项",
    "conferences held in 2023": "100余场",
    "current area of the park (planned: 4.7 km²)": "2.5平方公里",
    "spanned by Life Valley": "7平方公里以上",
    "revenue of Changping's pharmaceutical and health industry in 2022 (US$11.2 billion)":
        "近800亿元",
}
CONTACT_EN = "Administrative Commission of Beijing Future Science City"
CONTACT_ZH = "北京未来科学城管理委员会"


def add_chinese(apps, schema_editor):
    KeyFigure = apps.get_model("lifevalley", "KeyFigure")
    for label, value in VALUES_ZH.items():
        KeyFigure.objects.filter(label_en=label).filter(
            Q(value_text_zh_hans="") | Q(value_text_zh_hans__isnull=True)
        ).update(value_text_zh_hans=value)
    ParkProfile = apps.get_model("lifevalley", "ParkProfile")
    ParkProfile.objects.filter(contact_organisation_en=CONTACT_EN).filter(
        Q(contact_organisation_zh_hans="") | Q(contact_organisation_zh_hans__isnull=True)
    ).update(contact_organisation_zh_hans=CONTACT_ZH)


class Migration(migrations.Migration):
    dependencies = [("lifevalley", "0005_keyfigure_value_text")]
    operations = [migrations.RunPython(add_chinese, migrations.RunPython.noop)]
