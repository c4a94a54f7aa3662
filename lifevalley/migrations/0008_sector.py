"""Sector moves from directory to lifevalley, where zones and directory both depend on it.

No data moves: the model keeps its table (``db_table = "directory_sector"``). Its content type
moves with it, so staff permissions, history and pending reviews of sectors are kept.
"""

from django.db import migrations, models


def move_content_type(apps, schema_editor):
    relabel(apps, old="directory", new="lifevalley")


def move_content_type_back(apps, schema_editor):
    relabel(apps, old="lifevalley", new="directory")


def relabel(apps, old, new):
    content_type = apps.get_model("contenttypes", "ContentType")
    if not content_type.objects.filter(app_label=new, model="sector").exists():
        content_type.objects.filter(app_label=old, model="sector").update(app_label=new)


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('directory', '0008_search_character_index'),
        ('lifevalley', '0007_alter_parkprofile_options'),
    ]

    operations = [
        # The table directory_sector stays as it is: only Django's state moves the model here.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Sector',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=100, unique=True, verbose_name='name')),
                        ('name_en', models.CharField(max_length=100, null=True, unique=True, verbose_name='name')),
                        ('name_zh_hans', models.CharField(max_length=100, null=True, unique=True, verbose_name='name')),
                        ('slug', models.SlugField(max_length=100, unique=True, verbose_name='slug')),
                        ('description', models.TextField(blank=True, verbose_name='description')),
                        ('description_en', models.TextField(blank=True, null=True, verbose_name='description')),
                        ('description_zh_hans', models.TextField(blank=True, null=True, verbose_name='description')),
                        ('order', models.PositiveSmallIntegerField(default=0, verbose_name='order')),
                    ],
                    options={
                        'verbose_name': 'sector',
                        'verbose_name_plural': 'sectors',
                        'db_table': 'directory_sector',
                        'ordering': ['order', 'name'],
                    },
                ),
            ],
        ),
        migrations.RunPython(move_content_type, move_content_type_back),
    ]
