from django.db import migrations

from lifevalley.search import search_index_operations


class Migration(migrations.Migration):
    dependencies = [
        ("lifevalley", "0003_pg_trgm"),
        ("directory", "0004_translations_and_logo_renditions"),
    ]

    operations = [search_index_operations("directory", "organisation")]
