from django.db import migrations

from lifevalley.search import search_index_operations


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0006_search_substring_indexes"),
    ]

    operations = [search_index_operations("events", "event", characters=True)]
