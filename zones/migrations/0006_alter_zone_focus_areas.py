from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('lifevalley', '0008_sector'),
        ('zones', '0005_alt_text_in_both_languages'),
    ]

    operations = [
        # Same table (directory_sector): only the model's app changes.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='zone',
                    name='focus_areas',
                    field=models.ManyToManyField(blank=True, related_name='zones', to='lifevalley.sector', verbose_name='focus areas'),
                ),
            ],
        ),
    ]
