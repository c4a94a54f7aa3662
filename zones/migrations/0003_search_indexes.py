from django.db import migrations

from lifevalley.search import search_index_operations


class Migration(migrations.Migration):
    dependencies = [
        ("lifevalley", "0003_pg_trgm"),
        ("zones", "0002_project_description_en_project_description_zh_hans_and_more"),
    ]

    operations = [
        search_index_operations("zones", "zone"),
        search_index_operations("zones", "project"),
    ]
