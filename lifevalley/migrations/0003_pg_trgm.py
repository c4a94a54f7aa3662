from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


class Migration(migrations.Migration):
    """pg_trgm for similarity search on PostgreSQL; does nothing on SQLite."""

    dependencies = [("lifevalley", "0002_keyfigure_label_en_keyfigure_label_zh_hans_and_more")]

    operations = [TrigramExtension()]
