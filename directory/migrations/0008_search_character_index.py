from django.db import migrations

from lifevalley.search import search_index_operations


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0007_search_substring_indexes"),
    ]

    operations = [search_index_operations("directory", "organisation", characters=True)]
