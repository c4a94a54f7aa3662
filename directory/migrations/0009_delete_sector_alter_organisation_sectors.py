from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('directory', '0008_search_character_index'),
        ('enquiries', '0002_alter_enquiry_sector'),
        ('lifevalley', '0008_sector'),
        ('zones', '0006_alter_zone_focus_areas'),
    ]

    operations = [
        # Sector now lives in lifevalley on the same table: state only.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='organisation',
                    name='sectors',
                    field=models.ManyToManyField(blank=True, related_name='organisations', to='lifevalley.sector', verbose_name='sectors'),
                ),
                migrations.DeleteModel(
                    name='Sector',
                ),
            ],
        ),
    ]
