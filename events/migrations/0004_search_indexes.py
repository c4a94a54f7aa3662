from django.db import migrations

from lifevalley.search import search_index_operations


class Migration(migrations.Migration):
    dependencies = [
        ("lifevalley", "0003_pg_trgm"),
        ("events", "0003_translations"),
    ]

    operations = [search_index_operations("events", "event")]
