from django.db import migrations

from lifevalley.search import search_index_operations


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0005_alt_text_in_both_languages"),
    ]

    operations = [search_index_operations("events", "event", substrings=True)]
