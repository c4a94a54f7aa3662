import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('enquiries', '0001_initial'),
        ('lifevalley', '0008_sector'),
    ]

    operations = [
        # Same table (directory_sector): only the model's app changes.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='enquiry',
                    name='sector',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='lifevalley.sector', verbose_name='sector'),
                ),
            ],
        ),
    ]
